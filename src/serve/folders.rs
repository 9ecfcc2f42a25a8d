//! The files behind the download buttons: a real run or compare folder, written through the
//! same output code as `coordsim run` and `coordsim compare` (and its report.html through
//! `report::render`) into the server's private work folder, then served by file name from a
//! fixed list, so no request names a path.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{ApiError, ApiResult};
use crate::output::{self, manifest::Provenance, write_atomic};
use crate::report;
use crate::scenario::Scenario;
use crate::sim::run_replicate;
use crate::world::rng::replicate_seed;

/// The files of a run folder a page may download.
pub const RUN_FILES: &[&str] = &[
    "timeseries.csv",
    "summary.csv",
    "ties.csv",
    "nodes.csv",
    "ledger.csv",
    "summary.json",
    "manifest.json",
    "report.html",
];

/// The files of a compare folder a page may download.
pub const COMPARE_FILES: &[&str] = &[
    "compare.csv",
    "summary.csv",
    "timeseries.csv",
    "manifest.json",
    "report.html",
];

/// Writes the run folder of what an Explore session shows: replicate 0 of the scenario up
/// to `tick`, as `coordsim run --seed S --replicates 1 --ticks T --set ...` writes it.
pub fn write_explore_run(
    dir: &Path,
    name: &str,
    scenario: &Scenario,
    set: &[String],
    tick: u32,
) -> ApiResult<()> {
    if tick == 0 {
        return Err(ApiError::bad("nothing has run yet: press Step or Go first"));
    }
    if dir.join(report::FILE_NAME).is_file() {
        return Ok(());
    }
    let mut s = scenario.clone();
    let changes = [format!("run.ticks={tick}"), "run.replicates=1".to_string()];
    s.apply_overrides(&changes)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let mut command = vec!["coordsim".to_string(), "run".to_string(), name.to_string()];
    for a in set {
        command.extend(["--set".to_string(), a.clone()]);
    }
    command.extend([
        "--seed".to_string(),
        s.params.run.seed.to_string(),
        "--replicates".to_string(),
        "1".to_string(),
        "--ticks".to_string(),
        tick.to_string(),
    ]);
    let mut overrides = set.to_vec();
    overrides.extend(changes);
    let provenance = Provenance::begin(&s, overrides, command, crate::experiment::SEED_RULE);
    let run = run_replicate(&s.params, 0, replicate_seed(s.params.run.seed, 0));
    std::fs::create_dir_all(dir).map_err(io_error)?;
    output::write_run(dir, &s.name, std::slice::from_ref(&run), &[], provenance, 1)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    write_report(dir)
}

/// Removes a session's download folders of other ticks (only the week on screen is kept).
pub fn remove_other_ticks(work: &Path, session: u64, tick: u32) {
    let prefix = format!("explore-{session}-");
    let keep = format!("{prefix}{tick}");
    let Ok(entries) = std::fs::read_dir(work) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(&prefix) && name != keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes `report.html` into a finished folder.
pub fn write_report(dir: &Path) -> ApiResult<()> {
    let page = report::render(dir).map_err(|e| ApiError::internal(e.to_string()))?;
    write_atomic(&dir.join(report::FILE_NAME), |w| {
        w.write_all(page.html.as_bytes())
    })
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(())
}

fn io_error(e: std::io::Error) -> ApiError {
    ApiError::internal(format!("cannot write the download folder: {e}"))
}

/// Serves `name` from `dir` if it is one of `allowed`, as an attachment.
pub fn serve_file(dir: &Path, name: &str, allowed: &[&str]) -> ApiResult<Response> {
    if !allowed.contains(&name) {
        return Err(ApiError::not_found(format!(
            "no file `{name}` to download; there are: {}",
            allowed.join(", ")
        )));
    }
    let path: PathBuf = dir.join(name);
    let bytes =
        std::fs::read(&path).map_err(|e| ApiError::internal(format!("cannot read {name}: {e}")))?;
    let kind = match name.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        _ => "text/html; charset=utf-8",
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
