//! `coordsim report DIR`, and the `--report` of `run`, `compare`, `sweep`, `screen`, `sobol` and
//! `calibrate`: the folder's `report.html` (`coordsim::report`), written atomically into it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use coordsim::output::{FolderLock, write_atomic};
use coordsim::report::{self, FILE_NAME, ReportError};

use crate::error::CommandError;

/// `coordsim report DIR`: writes DIR/report.html (replacing only that file) and prints its
/// path.
pub fn report(dir: &Path, quiet: bool) -> Result<(), CommandError> {
    // Refuse what is not an output folder before taking its lock (which would create it).
    if !dir.join("manifest.json").is_file() {
        return Err(ReportError::NotAFolder {
            path: dir.display().to_string(),
        }
        .into());
    }
    // The folder's other writers (run, compare, sweep, plot) wait for this, and it for them.
    let lock = FolderLock::acquire(dir)?;
    let path = write_report(dir)?;
    drop(lock);
    if !quiet {
        println!("{}", path.display());
    }
    Ok(())
}

/// Renders the report of a finished folder and writes it as `report.html` inside it.
fn write_report(dir: &Path) -> Result<PathBuf, CommandError> {
    let page = report::render(dir)?;
    Ok(write_atomic(&dir.join(FILE_NAME), |w| {
        w.write_all(page.html.as_bytes())
    })?)
}

/// After `run`, `compare` or `sweep` with `--report`: the report written into the staged
/// folder `dir` before it is swapped in as `shown`; returns the line that says so.
pub fn report_finished(dir: &Path, shown: &Path) -> Result<String, CommandError> {
    write_report(dir)?;
    Ok(format!("wrote {}", shown.join(FILE_NAME).display()))
}
