//! Atomic writes: every file goes to a hidden temporary beside its destination and is renamed
//! into place only when complete ([`Staging`] for a set of files, [`write_atomic`] for one).

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use super::{OutputError, err};

/// Files written to temporary names and renamed into place together by [`Staging::commit`].
#[derive(Debug, Default)]
pub struct Staging {
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staging {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a file under a temporary name through `fill`; it is renamed at commit.
    pub fn write(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let mut writer = self.open(path)?;
        fill(&mut writer).map_err(err(path))?;
        close(writer, path)
    }

    /// Opens a file under a temporary name, to be filled bit by bit (a run's streamed tables)
    /// and finished with [`close`]; it is renamed at commit.
    pub fn open(&mut self, path: &Path) -> Result<BufWriter<File>, OutputError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err(dir))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        self.pending.push((tmp.clone(), path.to_path_buf()));
        let file = File::create(&tmp).map_err(err(&tmp))?;
        Ok(BufWriter::new(file))
    }

    /// Where a staged file is until commit (to read back what was written, e.g. for plots).
    pub fn temporary(&self, path: &Path) -> Option<&Path> {
        self.pending
            .iter()
            .find(|(_, p)| p == path)
            .map(|(tmp, _)| tmp.as_path())
    }

    /// File names staged so far, in order (for the manifest's file list).
    pub fn names(&self) -> Vec<String> {
        self.pending
            .iter()
            .filter_map(|(_, p)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    }

    /// Renames every staged file into place, in the order they were written.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::with_capacity(pending.len());
        for (i, (tmp, path)) in pending.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                // Leave nothing half-staged behind.
                for (t, _) in &pending[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(err(path)(e));
            }
            done.push(path.clone());
        }
        Ok(done)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Flushes and syncs a file opened with [`Staging::open`] (`path` is its final name, for errors).
pub fn close(writer: BufWriter<File>, path: &Path) -> Result<(), OutputError> {
    let file = writer.into_inner().map_err(|e| OutputError {
        path: path.display().to_string(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(err(path))
}

/// Writes one file atomically: to a temporary name, synced, then renamed into place.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<PathBuf, OutputError> {
    let mut staging = Staging::new();
    staging.write(path, fill)?;
    Ok(staging.commit()?.remove(0))
}
