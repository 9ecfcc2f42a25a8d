//! `coordsim merge`: sweep shard folders joined into one sweep.

use std::path::{Path, PathBuf};

use coordsim::experiment::sweep;

use crate::error::CommandError;
use crate::plot::draw_finished;

/// `coordsim merge`.
pub fn merge(dirs: &[PathBuf], out: &Path, command_line: Vec<String>) -> Result<(), CommandError> {
    let files = sweep::merge(dirs, out, command_line)?;
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
    draw_finished(out, false)?;
    Ok(())
}
