//! `coordsim merge`: sweep shard folders joined into one sweep.

use std::path::{Path, PathBuf};

use coordsim::experiment::sweep;
use coordsim::output::{FolderLock, StagedFolder};

use crate::error::CommandError;
use crate::plot::draw_finished;

/// `coordsim merge`: the joined sweep is built in a staging folder and swapped in whole.
pub fn merge(dirs: &[PathBuf], out: &Path, command_line: Vec<String>) -> Result<(), CommandError> {
    let lock = FolderLock::acquire(out)?;
    lock.check_writable()?;
    let staged = StagedFolder::begin(&lock)?;
    let files = sweep::merge(dirs, staged.path(), command_line)?;
    let drew = draw_finished(staged.path(), out)?;
    staged.commit()?;
    drop(lock);
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    println!(
        "merged {} shards into {}: {}",
        dirs.len(),
        out.display(),
        names.join(", ")
    );
    println!("{drew}");
    Ok(())
}
