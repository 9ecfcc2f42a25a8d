//! Parameter sweeps: every run (point x replicate) in parallel, streamed to disk, resumable,
//! and splittable into shards for a cluster.
//!
//! A sweep's points are computed from their index as the runs need them
//! ([`design::Layout`](super::design::Layout)); the plan lists them only when there are at
//! most [`LISTED_POINTS`], so neither memory nor the plan grows with the number of points.
//!
//! Runs are numbered point-major (run = point x replicates + replicate). Under the default seed
//! rule ([`SeedRule::PerRun`]) run r's seed is `replicate_seed(master, r)`; under common seeds
//! ([`SeedRule::Common`]) it is `replicate_seed(master, replicate)`, the same at every point.
//! They are computed in batches; each finished batch is appended
//! in run order to `.sweep/runs.part` and `.sweep/timeseries.part`, synced, and then recorded in
//! `.sweep/checkpoint.json` (written to a temporary file and renamed). A sweep killed at any
//! moment, even by SIGKILL, restarts with `--resume` from the last checkpoint: the part files
//! are cut back to the recorded lengths, so nothing is lost or duplicated, and the final files
//! are the same bytes as an uninterrupted sweep. Memory holds one batch, not the sweep.
//!
//! A shard `I/N` runs the contiguous block of runs [I x T / N, (I + 1) x T / N); its folder
//! holds `runs.csv`, `timeseries.csv` and a shard manifest. `merge` concatenates shards in
//! order, which gives the unsharded files byte for byte, and computes `points.csv`.
//!
//! (Split by concern: `plan` lays the sweep out and decides which sweeps are the same,
//! `run` computes a sweep or shard, `checkpoint` keeps the work folder, `merge` joins shards.)

mod checkpoint;
mod merge;
mod plan;
mod run;

pub use crate::output::manifest::{Analysis, Plan, SeedRule, Shard};
pub use checkpoint::CheckpointPace;
pub(crate) use checkpoint::{Part, open_part, read_json, write_json};
pub use merge::merge;
pub use plan::{LISTED_POINTS, held_bytes, plan, plan_difference};
pub use run::run_sweep;

use std::io;
use std::path::{Path, PathBuf};

use super::design::{Design, Vary};
use crate::output::OutputError;
use crate::scenario::Scenario;

/// Errors of sweeps and merges.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Design(String),
    #[error("{dir} holds an unfinished sweep: add --resume to continue it, or remove the folder")]
    Unfinished { dir: String },
    #[error(
        "{dir} holds a different sweep ({what} differs): use another --out, or remove the folder"
    )]
    DifferentSweep { dir: String, what: String },
    #[error("{0}")]
    Merge(String),
    #[error(
        "{path} does not match the sweep's checkpoint ({what}): the work folder was changed, so the sweep cannot be resumed safely; remove the folder to start it again"
    )]
    Tampered { path: String, what: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The caller's [`crate::experiment::cancel::Cancel`] token was cancelled between runs:
    /// the work folder holds the batches finished before, so `--resume` continues it.
    #[error("interrupted: the sweep in {dir} was cancelled; rerun it with --resume to continue")]
    Cancelled { dir: String },
}

impl SweepError {
    /// True for problems with what the user asked (exit code 2).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            SweepError::Design(_)
                | SweepError::Unfinished { .. }
                | SweepError::DifferentSweep { .. }
                | SweepError::Merge(_)
                | SweepError::Tampered { .. }
        )
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Everything a sweep needs.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// The scenario with its overrides applied.
    pub base: Scenario,
    pub overrides: Vec<String>,
    pub vary: Vec<Vary>,
    pub design: Design,
    pub samples: u32,
    pub replicates: u32,
    pub seeds: SeedRule,
    pub series_every: u32,
    pub out: PathBuf,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub threads: Option<usize>,
    pub command_line: Vec<String>,
    pub show_progress: bool,
    /// A sensitivity analysis whose design this sweep runs instead of `vary` and `design`
    /// (`coordsim screen`, `coordsim sobol`); its results are written at the end.
    pub analysis: Option<Analysis>,
}

/// How a sweep ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    pub runs_in_range: u64,
    pub runs_computed: u64,
    pub files: Vec<PathBuf>,
    pub threads: usize,
}

/// Writes the results of the plan's sensitivity analysis (`morris.csv` or `sobol.csv`) from
/// the finished runs, and returns the file's name; nothing for a plain sweep.
pub(crate) fn write_analysis(
    staging: &mut crate::output::Staging,
    out: &Path,
    plan: &Plan,
    runs_files: &[PathBuf],
) -> Result<Option<String>, SweepError> {
    let Some(a) = &plan.analysis else {
        return Ok(None);
    };
    let (results, _) =
        crate::experiment::sensitivity::analyze(a, plan.master_seed, runs_files, plan.varied.len())
            .map_err(SweepError::Design)?;
    staging.write(&out.join(a.file()), |w| {
        crate::experiment::sensitivity::write_results(w, &results)
    })?;
    Ok(Some(a.file().to_string()))
}
