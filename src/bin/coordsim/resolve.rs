//! From raw flags to what the commands use: the shared flags resolved once (with their
//! precedence), the scenario loaded with its overrides, folder names.

use std::path::{Path, PathBuf};

use coordsim::experiment::budget;
use coordsim::scenario::{Scenario, ScenarioError};

use crate::error::CommandError;

use crate::cli::SharedFlags;

/// The shared flags (`--seed --ticks --set --threads --quiet --no-plots`), resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Every override, in the order it is applied: later ones win.
    pub overrides: Vec<String>,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// No progress bar and no terminal summary.
    pub quiet: bool,
    /// Draw the plots at the end.
    pub plots: bool,
    /// `--max-memory` (`None`: the memory available now).
    pub max_memory: Option<u64>,
}

impl SharedFlags {
    /// The one place where the precedence of the scenario's values is written: the file, then
    /// each `--set` in order, then `--seed`, `--replicates` (`replicates`, for the commands
    /// whose `--replicates` means run.replicates) and `--ticks`, each the same as
    /// `--set run.KEY=N`. A later assignment overrides an earlier one.
    pub fn resolve(&self, replicates: Option<u32>) -> Settings {
        Settings {
            overrides: with_shortcuts(&self.set, self.seed, replicates, self.ticks),
            threads: self.threads.map(|t| t as usize),
            quiet: self.quiet,
            plots: !self.no_plots,
            max_memory: self.max_memory,
        }
    }
}

/// A scenario file or shipped name (`None`: the baseline) with its overrides applied in order.
pub fn load(name: Option<&str>, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let mut scenario = match name {
        Some(s) => Scenario::find(s)?,
        None => Scenario::baseline(),
    };
    scenario.apply_overrides(overrides)?;
    Ok(scenario)
}

/// `--set` assignments followed by the shortcut flags as assignments.
fn with_shortcuts(
    set: &[String],
    seed: Option<u64>,
    replicates: Option<u32>,
    ticks: Option<u32>,
) -> Vec<String> {
    let mut all = set.to_vec();
    all.extend(seed.map(|s| format!("run.seed={s}")));
    all.extend(replicates.map(|r| format!("run.replicates={r}")));
    all.extend(ticks.map(|t| format!("run.ticks={t}")));
    all
}

/// Refuses a plan that cannot fit in memory or on the disk under `out` (exit 2, with the
/// estimate), before any work starts.
pub fn check_fits(
    need: &budget::Need,
    max_memory: Option<u64>,
    out: &Path,
) -> Result<(), CommandError> {
    let dir = absolute(out);
    let dir = dir.parent().unwrap_or(Path::new("."));
    budget::check(need, max_memory, dir).map_err(CommandError::TooLarge)
}

/// The worker threads a command will use.
pub fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A scenario name made safe as a folder name.
pub fn folder_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Absolute form of a path, without requiring it to exist.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcut_flags_come_after_set_so_they_win() {
        let flags = SharedFlags {
            seed: Some(7),
            ticks: Some(3),
            set: vec!["run.seed=1".into(), "run.ticks=2".into()],
            ..SharedFlags::default()
        };
        let settings = flags.resolve(Some(5));
        assert_eq!(
            settings.overrides,
            [
                "run.seed=1",
                "run.ticks=2",
                "run.seed=7",
                "run.replicates=5",
                "run.ticks=3"
            ]
        );
        let scenario = load(None, &settings.overrides).unwrap();
        assert_eq!(scenario.params.run.seed, 7);
        assert_eq!(scenario.params.run.ticks, 3);
        assert_eq!(scenario.params.run.replicates, 5);
        assert!(settings.plots && !settings.quiet && settings.threads.is_none());
    }
}
