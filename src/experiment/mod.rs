//! Experiments: many replicates of a scenario in parallel, with reproducible results.
//!
//! Each replicate's seed derives from the master seed and its index, and each replicate makes
//! its own generator inside the parallel map. Results are handed over in replicate order
//! (collected into a `Vec`, or streamed to a run's files through a small reorder buffer), so
//! every output is identical whatever the number of threads.

pub mod budget;
pub mod calibrate;
pub mod cancel;
pub mod compare;
pub mod design;
mod ordered;
pub mod sensitivity;
pub mod slurm;
pub mod sweep;

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

use std::path::Path;

use crate::output::{OutputError, ReplicateRows, RunFiles};
use crate::scenario::Params;
use crate::sim::{Measured, ReplicateOutput, run_replicate, run_replicate_into};
use crate::world::rng::replicate_seed;

/// Errors while setting up the parallel run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool { threads: usize, reason: String },
    /// The caller's [`cancel::Cancel`] token was cancelled: the runs stopped, nothing was kept.
    #[error("interrupted: the runs were cancelled")]
    Cancelled,
    /// Writing a streamed run's files failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Replicates that may be running or waiting to be written at once, per thread: each holds a
/// world and up to four [`crate::output::SPOOL_MEMORY`] spools.
pub const WINDOW_PER_THREAD: usize = 2;

/// How a run's replicates get their seeds, in words (the manifest's `seed_rule`).
pub const SEED_RULE: &str = "replicate r has seed replicate_seed(master_seed, r)";

/// The seeds of every replicate of a run with these parameters.
pub fn seeds(params: &Params) -> Vec<u64> {
    (0..params.run.replicates as u64)
        .map(|r| replicate_seed(params.run.seed, r))
        .collect()
}

/// A progress bar on stderr counting finished replicates; hidden when `visible` is false
/// (indicatif also hides it when stderr is not a terminal).
pub fn progress_bar(len: u64, what: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template =
        format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} ETA {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs every replicate of `params` on `threads` threads (all cores when `None`).
pub fn run_replicates(
    params: &Params,
    threads: Option<usize>,
    show_progress: bool,
) -> Result<(Vec<ReplicateOutput>, usize), ExperimentError> {
    let pool = thread_pool(threads)?;
    let seeds = seeds(params);
    let token = cancel::current();
    let bar = progress_bar(seeds.len() as u64, "replicates", show_progress);
    let outputs = pool.install(|| {
        seeds
            .par_iter()
            .enumerate()
            .map(|(r, &seed)| {
                (!cancel::is_cancelled(&token)).then(|| run_replicate(params, r as u32, seed))
            })
            .progress_with(bar.clone())
            .collect::<Option<Vec<_>>>()
    });
    bar.finish_and_clear();
    let outputs = outputs.ok_or(ExperimentError::Cancelled)?;
    Ok((outputs, pool.current_num_threads()))
}

/// Runs every replicate of `params` on `threads` threads (all cores when `None`) and appends
/// each to `files` as it finishes, in replicate order; at most [`WINDOW_PER_THREAD`] x threads
/// replicates are held at once, their rows spooled in `files`' folder (`dir`). Returns the
/// threads used.
pub fn run_streamed(
    params: &Params,
    threads: Option<usize>,
    show_progress: bool,
    dir: &Path,
    scenario: &str,
    files: &mut RunFiles,
) -> Result<usize, ExperimentError> {
    let pool = thread_pool(threads)?;
    let workers = pool.current_num_threads();
    let seeds = seeds(params);
    let token = cancel::current();
    let bar = progress_bar(seeds.len() as u64, "replicates", show_progress);
    let window = ordered::Window::new(WINDOW_PER_THREAD * workers);
    let result = ordered::run_in_order(
        &pool,
        workers,
        seeds.len(),
        &window,
        |r| {
            if cancel::is_cancelled(&token) {
                return None;
            }
            let mut rows = ReplicateRows::new(dir, r as u32, seeds[r]);
            let ending =
                run_replicate_into(params, seeds[r], true, &Measured::EVERY_TICK, &mut rows);
            Some(rows.finish(scenario, ending).map_err(|source| OutputError {
                path: dir.display().to_string(),
                source,
            }))
        },
        |_, done| {
            files.append(done?)?;
            bar.inc(1);
            Ok::<(), OutputError>(())
        },
    );
    bar.finish_and_clear();
    match result {
        Ok(()) => Ok(workers),
        Err(ordered::Stopped::Cancelled) => Err(ExperimentError::Cancelled),
        Err(ordered::Stopped::Failed(e)) => Err(ExperimentError::Output(e)),
    }
}

fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ExperimentError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    builder.build().map_err(|e| ExperimentError::ThreadPool {
        threads: threads.unwrap_or(0),
        reason: e.to_string(),
    })
}
