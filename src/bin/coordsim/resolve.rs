//! Shared helpers of the commands: which scenario a command means, its overrides, folder names.

use std::path::{Path, PathBuf};

use coordsim::scenario::{Scenario, ScenarioError};

use crate::cli::RunArgs;

/// Loads the scenario a run asks for and applies its overrides, explicit flags last.
pub fn resolve_scenario(args: &RunArgs) -> Result<Scenario, ScenarioError> {
    let mut scenario = match &args.scenario {
        Some(s) => Scenario::find(s)?,
        None => Scenario::baseline(),
    };
    scenario.apply_overrides(&overrides(args))?;
    Ok(scenario)
}

/// Every override of a run: `--set` ones in order, then --seed, --replicates and --ticks.
pub fn overrides(args: &RunArgs) -> Vec<String> {
    with_shortcuts(
        &args.flags.set,
        args.flags.seed,
        args.replicates,
        args.flags.ticks,
    )
}

/// `--set` assignments followed by the shortcut flags as assignments.
pub fn with_shortcuts(
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
