//! Experiments: many replicates of a scenario in parallel, with reproducible results.
//!
//! Each replicate's seed derives from the master seed and its index, and each replicate makes
//! its own generator inside the parallel map. Results are collected into a `Vec` in replicate
//! order, so every output is identical whatever the number of threads.

pub mod budget;
pub mod calibrate;
pub mod cancel;
pub mod compare;
pub mod design;
pub mod sensitivity;
pub mod slurm;
pub mod sweep;

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::scenario::Params;
use crate::sim::{ReplicateOutput, run_replicate};
use crate::world::rng::replicate_seed;

/// Errors while setting up the parallel run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool { threads: usize, reason: String },
    /// The caller's [`cancel::Cancel`] token was cancelled: the runs stopped, nothing was kept.
    #[error("interrupted: the runs were cancelled")]
    Cancelled,
}

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
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|e| ExperimentError::ThreadPool {
        threads: threads.unwrap_or(0),
        reason: e.to_string(),
    })?;
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
