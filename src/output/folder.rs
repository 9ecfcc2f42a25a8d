//! One command's output folder: an exclusive lock on it ([`FolderLock`]) and a staging folder
//! beside it ([`StagedFolder`]) that is swapped in whole at the end, so the folder holds exactly
//! what one command wrote, and a failed command leaves nothing behind.
//!
//! The lock is an advisory `flock` on `.NAME.lock` beside the folder `NAME` (beside, not
//! inside, because the folder itself is swapped). The kernel drops it when the process dies,
//! however it dies; the file holds the owner's pid so that a refused command can name it.
//! Staging folders (`.NAME.staging-PID`) and the folder being replaced (`.NAME.old-PID`) left by
//! a killed process are cleaned up by the next command that takes the lock.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{OutputError, err};

/// What to remove if the process is interrupted, newest last.
#[derive(Debug, Clone, PartialEq)]
enum Leftover {
    /// A staging folder, with everything in it.
    Tree(PathBuf),
    /// A lock file.
    File(PathBuf),
    /// A folder created for the output, removed only if empty.
    EmptyDir(PathBuf),
}

static ABANDON_ON_INTERRUPT: Mutex<Vec<Leftover>> = Mutex::new(Vec::new());

fn register(leftover: Leftover) {
    if let Ok(mut all) = ABANDON_ON_INTERRUPT.lock() {
        all.push(leftover);
    }
}

fn unregister(leftover: &Leftover) {
    if let Ok(mut all) = ABANDON_ON_INTERRUPT.lock() {
        all.retain(|l| l != leftover);
    }
}

/// Removes every staging folder and lock file of this process: called by the binary's
/// Ctrl-C handler just before it exits, so an interrupted command leaves nothing behind.
pub fn abandon_all() {
    let all = match ABANDON_ON_INTERRUPT.lock() {
        Ok(mut all) => std::mem::take(&mut *all),
        Err(_) => return,
    };
    for leftover in all.iter().rev() {
        let _ = match leftover {
            Leftover::Tree(p) => fs::remove_dir_all(p),
            Leftover::File(p) => fs::remove_file(p),
            Leftover::EmptyDir(p) => fs::remove_dir(p),
        };
    }
}

/// The folder's parent (`.` for a bare name) and its own name.
fn split(target: &Path) -> Result<(PathBuf, String), OutputError> {
    let absolute = std::path::absolute(target).map_err(err(target))?;
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OutputError {
            path: target.display().to_string(),
            source: io::Error::other("not a folder name (it has no last component)"),
        })?;
    let parent = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    Ok((parent, name))
}

/// An exclusive lock on an output folder, held until dropped (or the process dies).
#[derive(Debug)]
pub struct FolderLock {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    path: PathBuf,
    /// Ancestors of the folder this lock created; removed again if they are left empty.
    created: Vec<PathBuf>,
    file: Option<File>,
}

impl FolderLock {
    /// Takes the lock on `target`, or fails at once naming the process that holds it. Creates
    /// the folder's parent if needed, and cleans up what a killed command left beside it.
    pub fn acquire(target: &Path) -> Result<FolderLock, OutputError> {
        let (parent, name) = split(target)?;
        let created = create_ancestors(&parent)?;
        for dir in &created {
            register(Leftover::EmptyDir(dir.clone()));
        }
        let path = parent.join(format!(".{name}.lock"));
        let mut lock = FolderLock {
            target: target.to_path_buf(),
            parent,
            name,
            path,
            created,
            file: None,
        };
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lock.path)
                .map_err(err(&lock.path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        "another coordsim command".to_string()
                    } else {
                        format!("another coordsim command (pid {holder})")
                    };
                    return Err(OutputError {
                        path: target.display().to_string(),
                        source: io::Error::new(
                            io::ErrorKind::WouldBlock,
                            format!(
                                "the folder is in use by {who}: wait for it to finish, or use another --out"
                            ),
                        ),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(err(&lock.path)(e)),
            }
            // The previous holder may have removed the file between our open and our lock:
            // then we hold a lock on a deleted file, and must lock the one now at the path.
            if !same_file(&file, &lock.path) {
                continue;
            }
            register(Leftover::File(lock.path.clone()));
            let file = lock.file.insert(file);
            file.set_len(0).map_err(err(&lock.path))?;
            writeln!(file, "{}", std::process::id()).map_err(err(&lock.path))?;
            break;
        }
        lock.recover()?;
        Ok(lock)
    }

    /// The locked folder, as given.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Cleans up after a command that was killed while holding the lock: its staging folder is
    /// removed, and a folder it had moved aside but not yet replaced is put back.
    fn recover(&self) -> Result<(), OutputError> {
        let staging_prefix = format!(".{}.staging-", self.name);
        let old_prefix = format!(".{}.old-", self.name);
        let entries = match fs::read_dir(&self.parent) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        let target = self.parent.join(&self.name);
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if file_name.starts_with(&old_prefix) && !target.exists() {
                fs::rename(&path, &target).map_err(err(&target))?;
            } else if file_name.starts_with(&staging_prefix) || file_name.starts_with(&old_prefix) {
                fs::remove_dir_all(&path).map_err(err(&path))?;
            }
        }
        Ok(())
    }

    /// Fails unless the folder can be written: it is a folder (or absent) and a file can be
    /// created in it and in its parent. Checked before any work, so a read-only folder is
    /// refused at once rather than after the simulation.
    pub fn check_writable(&self) -> Result<(), OutputError> {
        let target = self.parent.join(&self.name);
        let mut dirs = vec![self.parent.clone()];
        if target.exists() {
            if !target.is_dir() {
                return Err(OutputError {
                    path: self.target.display().to_string(),
                    source: io::Error::other("exists and is not a folder"),
                });
            }
            dirs.push(target);
        }
        for dir in dirs {
            let probe = dir.join(format!(".coordsim-probe-{}", std::process::id()));
            File::create(&probe).map_err(|e| OutputError {
                path: self.target.display().to_string(),
                source: io::Error::new(
                    e.kind(),
                    format!("cannot write into {}: {e}", dir.display()),
                ),
            })?;
            let _ = fs::remove_file(&probe);
        }
        Ok(())
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            // Removed while still held, so no other process can have locked this file.
            let _ = fs::remove_file(&self.path);
            unregister(&Leftover::File(self.path.clone()));
            self.file = None;
        }
        for dir in self.created.iter().rev() {
            let _ = fs::remove_dir(dir);
            unregister(&Leftover::EmptyDir(dir.clone()));
        }
    }
}

/// Creates `dir` and its missing ancestors, returning the ones created (outermost first).
fn create_ancestors(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at {
        if d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    missing.reverse();
    fs::create_dir_all(dir).map_err(err(dir))?;
    Ok(missing)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// A folder built beside the target (`.NAME.staging-PID`) and swapped in by [`commit`];
/// removed if dropped uncommitted.
///
/// [`commit`]: StagedFolder::commit
#[derive(Debug)]
pub struct StagedFolder {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedFolder {
    /// An empty staging folder for the locked folder.
    pub fn begin(lock: &FolderLock) -> Result<StagedFolder, OutputError> {
        let staging = lock
            .parent
            .join(format!(".{}.staging-{}", lock.name, std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(err(&staging))?;
        }
        fs::create_dir(&staging).map_err(err(&staging))?;
        register(Leftover::Tree(staging.clone()));
        Ok(StagedFolder {
            target: lock.parent.join(&lock.name),
            staging,
            committed: false,
        })
    }

    /// Where to write the folder's files.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The folder the staging folder replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staging folder in: the old folder (if any) is moved aside, the new one renamed
    /// into place, the old one removed. Under the lock nobody else sees the moment between.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let file_name = self
            .staging
            .file_name()
            .map(|n| n.to_string_lossy().replace(".staging-", ".old-"))
            .unwrap_or_default();
        let old = self.staging.with_file_name(file_name);
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(err(&self.target))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(err(&self.target)(e));
        }
        self.committed = true;
        unregister(&Leftover::Tree(self.staging.clone()));
        if had_old {
            // The new folder is in place; an old one that cannot be removed is cleaned up by
            // the next command that locks this folder.
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for StagedFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            unregister(&Leftover::Tree(self.staging.clone()));
        }
    }
}

/// Links `from` to `to` (or copies it where links are not possible), keeping `from`.
pub fn link_or_copy(from: &Path, to: &Path) -> Result<(), OutputError> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map_err(err(to))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_a_dropped_one_is_free_again() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let lock = FolderLock::acquire(&target).unwrap();
        let second = FolderLock::acquire(&target).unwrap_err().to_string();
        assert!(
            second.contains(&format!("pid {}", std::process::id())),
            "{second}"
        );
        drop(lock);
        assert!(!dir.path().join(".out.lock").exists());
        FolderLock::acquire(&target).unwrap();
    }

    #[test]
    fn a_staged_folder_replaces_the_whole_target_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("stale.svg"), "old").unwrap();
        let lock = FolderLock::acquire(&target).unwrap();
        let staged = StagedFolder::begin(&lock).unwrap();
        fs::write(staged.path().join("new.csv"), "new").unwrap();
        drop(staged);
        assert!(target.join("stale.svg").exists(), "uncommitted: untouched");
        let staged = StagedFolder::begin(&lock).unwrap();
        fs::write(staged.path().join("new.csv"), "new").unwrap();
        staged.commit().unwrap();
        let names: Vec<_> = fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["new.csv"]);
        drop(lock);
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec!["out"]);
    }

    #[test]
    fn a_folder_moved_aside_by_a_killed_command_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".out.old-1")).unwrap();
        fs::write(dir.path().join(".out.old-1/a.csv"), "a").unwrap();
        fs::create_dir(dir.path().join(".out.staging-1")).unwrap();
        let _lock = FolderLock::acquire(&dir.path().join("out")).unwrap();
        assert!(dir.path().join("out/a.csv").exists());
        assert!(!dir.path().join(".out.staging-1").exists());
    }
}
