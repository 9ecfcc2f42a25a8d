//! The work folder `.sweep/` of an unfinished sweep: its plan and shard, the part files and
//! the checkpoint recording how many runs are done and how long each part file was then.
//! Every JSON file here is written atomically through `output::write_atomic`.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{SweepError, io_err};
use crate::output::manifest::{Kind, Manifest, Plan, Shard};
use crate::output::write_atomic;

/// Progress recorded after each batch: the runs done, and the length and SHA-256 of what each
/// part file held then, so a resume can tell that the part files are the ones it recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    pub runs_done: u64,
    pub runs_bytes: u64,
    pub timeseries_bytes: u64,
    pub runs_sha256: String,
    pub timeseries_sha256: String,
}

/// How often a sweep checkpoints: when the time since the last checkpoint is at least
/// [`CheckpointPace::RATIO`] times what that checkpoint took (syncing both part files, then
/// writing `checkpoint.json`). So checkpoints cost at most 1/RATIO of a sweep's time on any
/// disk, and an interruption loses at most RATIO times one checkpoint's cost of work (a few
/// tenths of a second on a local disk). Syncing after every batch instead cost a small-run
/// sweep about a tenth of its time (BENCHMARKS.md, "Small runs").
#[derive(Debug, Clone, Copy)]
pub struct CheckpointPace {
    last_cost: std::time::Duration,
    since: std::time::Instant,
}

impl CheckpointPace {
    pub const RATIO: u32 = 50;

    /// Starts the clock after a checkpoint that took `cost`.
    pub fn after(cost: std::time::Duration) -> Self {
        CheckpointPace {
            last_cost: cost,
            since: std::time::Instant::now(),
        }
    }

    /// Whether a checkpoint is due after `elapsed` since the last one.
    pub fn due_after(&self, elapsed: std::time::Duration) -> bool {
        elapsed >= self.last_cost * Self::RATIO
    }

    /// Whether a checkpoint is due now.
    pub fn due(&self) -> bool {
        self.due_after(self.since.elapsed())
    }
}

/// A part file open for appending, with the running SHA-256 of everything in it.
pub(crate) struct Part {
    pub file: File,
    hash: Sha256,
    len: u64,
    path: PathBuf,
}

impl Part {
    /// Appends bytes and folds them into the running hash.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), SweepError> {
        self.file.write_all(bytes).map_err(io_err(&self.path))?;
        self.hash.update(bytes);
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Flushes to disk (before the checkpoint records it).
    pub fn sync(&self) -> Result<(), SweepError> {
        self.file.sync_data().map_err(io_err(&self.path))
    }

    /// Length and SHA-256 (hex) of the file so far.
    pub fn state(&self) -> (u64, String) {
        (self.len, hex(&self.hash.clone().finalize()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of a sweep folder's work folder.
pub(super) struct WorkDir {
    pub dir: PathBuf,
    pub plan: PathBuf,
    pub shard: PathBuf,
    pub checkpoint: PathBuf,
    pub runs_part: PathBuf,
    pub series_part: PathBuf,
}

impl WorkDir {
    pub fn of(out: &Path) -> Self {
        let dir = out.join(".sweep");
        WorkDir {
            plan: dir.join("plan.json"),
            shard: dir.join("shard.json"),
            checkpoint: dir.join("checkpoint.json"),
            runs_part: dir.join("runs.part"),
            series_part: dir.join("timeseries.part"),
            dir,
        }
    }
}

pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SweepError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    serde_json::from_str(&text).map_err(|e| SweepError::Io {
        path: path.display().to_string(),
        source: io::Error::other(e),
    })
}

/// Writes JSON atomically (temporary file, synced, renamed).
pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), SweepError> {
    write_atomic(path, |w| Ok(serde_json::to_writer_pretty(w, value)?))?;
    Ok(())
}

/// Opens a part file for appending. Fresh (`kept` is `None`): created with `header`. Resumed:
/// the first `kept.0` bytes must hash to `kept.1`, else the part file is not the one the
/// checkpoint recorded and the resume is refused; whatever follows (a batch cut short) is cut.
pub(crate) fn open_part(
    path: &Path,
    kept: Option<(u64, &str)>,
    header: &[u8],
) -> Result<Part, SweepError> {
    let Some((len, sha256)) = kept else {
        let file = File::create(path).map_err(io_err(path))?;
        let mut part = Part {
            file,
            hash: Sha256::new(),
            len: 0,
            path: path.to_path_buf(),
        };
        part.append(header)?;
        return Ok(part);
    };
    let tampered = |what: String| SweepError::Tampered {
        path: path.display().to_string(),
        what,
    };
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(tampered("it is missing".to_string()));
        }
        Err(e) => return Err(io_err(path)(e)),
    };
    let on_disk = file.metadata().map_err(io_err(path))?.len();
    if on_disk < len {
        return Err(tampered(format!(
            "the checkpoint records {len} bytes, the file has {on_disk}"
        )));
    }
    let mut hash = Sha256::new();
    let mut reader = (&mut file).take(len);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    if hex(&hash.clone().finalize()) != sha256 {
        return Err(tampered(format!(
            "its first {len} bytes are not the ones the checkpoint recorded (SHA-256 differs)"
        )));
    }
    file.set_len(len).map_err(io_err(path))?;
    file.seek(SeekFrom::Start(len)).map_err(io_err(path))?;
    Ok(Part {
        file,
        hash,
        len,
        path: path.to_path_buf(),
    })
}

/// The plan and shard of the finished sweep in `out`, if there is one.
pub(super) fn finished_plan(out: &Path) -> Result<Option<(Plan, Shard)>, SweepError> {
    let path = out.join("manifest.json");
    if !path.is_file() {
        return Ok(None);
    }
    Ok(match Manifest::read(&path) {
        Ok(Manifest {
            kind: Kind::Sweep,
            sweep: Some(s),
            ..
        }) if s.complete => Some((s.plan, s.shard.unwrap_or(Shard::WHOLE))),
        _ => None,
    })
}

/// Says which runs an unfinished shard folder is missing.
pub(super) fn incomplete_note(dir: &Path) -> Result<String, SweepError> {
    let work = WorkDir::of(dir);
    let plan: Plan = read_json(&work.plan)?;
    let done = read_json::<Checkpoint>(&work.checkpoint)
        .map(|c| c.runs_done)
        .unwrap_or(0);
    // The shard's index is not in the plan; find it from the folder's own record if any.
    let shard: Option<Shard> = read_json(&work.shard).ok();
    Ok(match shard {
        Some(s) => {
            let (a, b) = s.runs(plan.total_runs);
            format!(
                "shard {}/{} in {} is incomplete: runs {}..{} are missing ({} of {} done; rerun it with --resume)",
                s.index,
                s.count,
                dir.display(),
                a + done,
                b,
                done,
                b - a
            )
        }
        None => format!(
            "{} is incomplete ({done} runs done; rerun it with --resume)",
            dir.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::CheckpointPace;
    use std::time::Duration;

    #[test]
    fn a_checkpoint_waits_fifty_times_what_the_last_one_cost() {
        let pace = CheckpointPace::after(Duration::from_millis(4));
        assert!(!pace.due_after(Duration::from_millis(199)));
        assert!(pace.due_after(Duration::from_millis(200)));
        // A checkpoint that cost nothing (a RAM disk) never holds the next one back.
        assert!(CheckpointPace::after(Duration::ZERO).due_after(Duration::ZERO));
    }
}
