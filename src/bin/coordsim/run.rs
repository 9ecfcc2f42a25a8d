//! `coordsim run`: a scenario's replicates, their files and plots, and the terminal summary.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use coordsim::experiment;
use coordsim::output::{self, OutputError, Staging, manifest};
use coordsim::plot::{self, PlotFile, RunData};
use coordsim::scenario::Scenario;
use coordsim::sim::ReplicateOutput;

use crate::cli::RunArgs;
use crate::error::CommandError;
use crate::report::{HEADLINE, file_names, num, plot_stems};
use crate::resolve::{folder_name, overrides, resolve_scenario};

/// `coordsim run`.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<(), CommandError> {
    let scenario = resolve_scenario(args)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(folder_name(&scenario.name)));
    let started_at = manifest::now_utc();
    let clock = Instant::now();
    let threads = args.flags.threads.map(|t| t as usize);
    let (runs, threads_used) =
        experiment::run_replicates(&scenario.params, threads, !args.flags.quiet)?;
    let plots = if args.flags.no_plots {
        Vec::new()
    } else {
        let data = RunData::from_runs(
            &scenario.name,
            &overrides(args),
            scenario.params.trust.tie_threshold,
            &runs,
        );
        plot::draw_run(&data, &plot::Options::default())?.files
    };
    let files = write_run(
        &scenario,
        &runs,
        &plots,
        &out_dir,
        args,
        command_line,
        threads_used,
        started_at,
    )?;
    if !args.flags.quiet {
        print!(
            "{}",
            report(
                &scenario,
                &runs,
                threads_used,
                clock.elapsed().as_secs_f64(),
                &out_dir,
                &files
            )
        );
    }
    Ok(())
}

/// Where a run's plots go.
pub const PLOTS_DIR: &str = "plots";

#[allow(clippy::too_many_arguments)]
fn write_run(
    scenario: &Scenario,
    runs: &[ReplicateOutput],
    plots: &[PlotFile],
    out_dir: &Path,
    args: &RunArgs,
    command_line: Vec<String>,
    threads: usize,
    started_at: String,
) -> Result<Vec<PathBuf>, OutputError> {
    let name = &scenario.name;
    let mut staging = Staging::new();
    staging.write(&out_dir.join("timeseries.csv"), |w| {
        output::write_timeseries(w, name, runs)
    })?;
    staging.write(&out_dir.join("ties.csv"), |w| output::write_ties(w, runs))?;
    staging.write(&out_dir.join("nodes.csv"), |w| output::write_nodes(w, runs))?;
    staging.write(&out_dir.join("summary.csv"), |w| {
        output::write_summary_csv(w, name, runs)
    })?;
    staging.write(&out_dir.join("summary.json"), |w| {
        output::write_summary_json(w, name, runs)
    })?;
    let mut files = staging.names();
    let plot_dir = out_dir.join(PLOTS_DIR);
    for p in plots {
        staging.write(&plot_dir.join(&p.name), |w| w.write_all(&p.bytes))?;
    }
    files.push("manifest.json".to_string());
    files.extend(plots.iter().map(|p| format!("{PLOTS_DIR}/{}", p.name)));
    let m = manifest::Manifest {
        coordsim_version: coordsim::VERSION.to_string(),
        coordsim_build: coordsim::BUILD_ID.to_string(),
        scenario: manifest::ScenarioInfo::of(scenario),
        parameters: manifest::parameters_json(scenario),
        overrides: overrides(args),
        master_seed: scenario.params.run.seed,
        replicate_seeds: runs.iter().map(|r| r.seed).collect(),
        command_line,
        threads,
        started_at,
        finished_at: manifest::now_utc(),
        files,
    };
    staging.write(&out_dir.join("manifest.json"), |w| manifest::write(w, &m))?;
    staging.commit()
}

/// The terminal summary of a run: headline measures with their 95% intervals.
fn report(
    scenario: &Scenario,
    runs: &[ReplicateOutput],
    threads: usize,
    seconds: f64,
    out: &Path,
    files: &[PathBuf],
) -> String {
    let p = &scenario.params.run;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "coordsim {} | {} | {} replicates x {} ticks (weeks) | seed {} | {} threads | {:.1} s",
        coordsim::VERSION,
        scenario.name,
        runs.len(),
        p.ticks,
        p.seed,
        threads,
        seconds
    );
    let stats = output::across_replicates(runs);
    let _ = writeln!(
        s,
        "  {:<44} {:>12}   {:<25}",
        "measure (mean over replicates)", "mean", "95% CI"
    );
    for (key, label) in HEADLINE {
        if let Some(m) = stats.iter().find(|m| m.metric == *key) {
            let st = &m.stats;
            let note = if st.n < runs.len() {
                format!(" ({} of {} reached)", st.n, runs.len())
            } else {
                String::new()
            };
            if st.n == 0 {
                let _ = writeln!(s, "  {label:<44} {:>12}{note}", "never");
            } else {
                let _ = writeln!(
                    s,
                    "  {label:<44} {:>12}   [{}, {}]{note}",
                    num(st.mean),
                    num(st.ci95_low),
                    num(st.ci95_high)
                );
            }
        }
    }
    let plot_dir = out.join(PLOTS_DIR);
    let (plots, data): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|f| f.parent() == Some(plot_dir.as_path()));
    let _ = writeln!(
        s,
        "wrote {}: {}",
        out.display(),
        file_names(&data).join(", ")
    );
    if !plots.is_empty() {
        let _ = writeln!(
            s,
            "drew {}: {}",
            plot_dir.display(),
            plot_stems(&plots).join(", ")
        );
    }
    s
}
