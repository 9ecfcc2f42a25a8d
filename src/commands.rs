//! The commands behind the CLI: load and validate, run, write, and report to the terminal.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::{PlotArgs, RunArgs};
use crate::engine::ReplicateOutput;
use crate::experiment::{self, ExperimentError};
use crate::output::{self, OutputError, Staging, manifest};
use crate::plot::{self, PlotError, PlotFile, RunData};
use crate::scenario::{self, Scenario, ScenarioError, builtin, specs};

/// Why a command failed; decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Input(#[from] ScenarioError),
    /// Several invalid files (validate): one message per file.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\nerror: "))]
    Inputs(Vec<ScenarioError>),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    #[error("{0}")]
    Plot(#[from] PlotError),
}

impl CommandError {
    /// 2 for bad input, 1 for failures while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Input(_) | CommandError::Inputs(_) | CommandError::Usage(_) => 2,
            CommandError::Plot(e) if e.is_input() => 2,
            CommandError::Output(_) | CommandError::Experiment(_) | CommandError::Plot(_) => 1,
        }
    }
}

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
    let mut all = args.set.clone();
    all.extend(args.seed.map(|s| format!("run.seed={s}")));
    all.extend(args.replicates.map(|r| format!("run.replicates={r}")));
    all.extend(args.ticks.map(|t| format!("run.ticks={t}")));
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

/// `coordsim run`.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<(), CommandError> {
    let scenario = resolve_scenario(args)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(folder_name(&scenario.name)));
    let started_at = manifest::now_utc();
    let clock = Instant::now();
    let threads = args.threads.map(|t| t as usize);
    let (runs, threads_used) = experiment::run_replicates(&scenario.params, threads, !args.quiet)?;
    let plots = if args.no_plots {
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
    if !args.quiet {
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
    let plot_dir = out_dir.join(PLOTS_DIR);
    for p in plots {
        staging.write(&plot_dir.join(&p.name), |w| w.write_all(&p.bytes))?;
    }
    let mut files: Vec<String> = [
        "timeseries.csv",
        "ties.csv",
        "nodes.csv",
        "summary.csv",
        "summary.json",
        "manifest.json",
    ]
    .iter()
    .map(|f| f.to_string())
    .collect();
    files.extend(plots.iter().map(|p| format!("{PLOTS_DIR}/{}", p.name)));
    let m = manifest::Manifest {
        coordsim_version: crate::VERSION.to_string(),
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
        crate::VERSION,
        scenario.name,
        runs.len(),
        p.ticks,
        p.seed,
        threads,
        seconds
    );
    let headline = [
        ("final_fragmentation", "fragmentation at the end"),
        ("final_networks", "networks at the end"),
        (
            "final_network_members_share",
            "share of communities in a network",
        ),
        ("final_mean_trust", "mean trust at the end"),
        (
            "final_coordination_capacity",
            "coordination capacity at the end (hours)",
        ),
        (
            "cumulative_coordination_value",
            "coordination value, all ticks",
        ),
        (
            "cumulative_coordination_funding",
            "coordination funding, all ticks",
        ),
        (
            "final_cumulative_coordination_value_gap",
            "cumulative coordination value gap",
        ),
        ("final_stage_7", "share of communities at stage 7"),
        (
            "first_full_stage_tick",
            "first tick a network reached stage 7",
        ),
    ];
    let stats = output::across_replicates(runs);
    let _ = writeln!(
        s,
        "  {:<44} {:>12}   {:<25}",
        "measure (mean over replicates)", "mean", "95% CI"
    );
    for (key, label) in headline {
        if let Some(m) = stats.iter().find(|m| m.metric == key) {
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

fn file_names(files: &[&PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

/// Plot files by name without extension, with their formats: `dashboard (png, svg)`, or the
/// formats once at the end when every plot has the same ones.
fn plot_stems(files: &[&PathBuf]) -> Vec<String> {
    let mut stems: Vec<(String, Vec<String>)> = Vec::new();
    for f in files {
        let stem = f
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = f
            .extension()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match stems.iter_mut().find(|(s, _)| *s == stem) {
            Some((_, exts)) => exts.push(ext),
            None => stems.push((stem, vec![ext])),
        }
    }
    // The same formats for every plot: say them once.
    if let Some((_, first)) = stems.first()
        && stems.len() > 1
        && stems.iter().all(|(_, e)| e == first)
    {
        let first = first.join(", ");
        let mut names: Vec<String> = stems.into_iter().map(|(s, _)| s).collect();
        if let Some(last) = names.last_mut() {
            last.push_str(&format!(" ({first} each)"));
        }
        return names;
    }
    stems
        .into_iter()
        .map(|(s, e)| format!("{s} ({})", e.join(", ")))
        .collect()
}

/// `coordsim plot DIR`: draws what applies to the folder into DIR/plots (or --out).
pub fn plot(args: &PlotArgs) -> Result<(), CommandError> {
    let options = plot::Options {
        tick: args.tick,
        animate: args.animate,
        metric: args.metric.clone(),
    };
    let drawn = plot::draw_folder(&args.dir, &options)?;
    let out = args.out.clone().unwrap_or_else(|| args.dir.join(PLOTS_DIR));
    let mut staging = Staging::new();
    for p in &drawn.files {
        staging.write(&out.join(&p.name), |w| w.write_all(&p.bytes))?;
    }
    let written = staging.commit()?;
    if !args.quiet {
        for note in &drawn.notes {
            eprintln!("note: {note}");
        }
        let refs: Vec<&PathBuf> = written.iter().collect();
        println!(
            "drew the {} in {} into {}: {}",
            drawn.kind.name(),
            args.dir.display(),
            out.display(),
            plot_stems(&refs).join(", ")
        );
    }
    Ok(())
}

/// A number rounded for reading (files keep full precision).
fn num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// `coordsim validate FILE...`: silent on success, every file's first error otherwise.
pub fn validate(files: &[PathBuf]) -> Result<(), CommandError> {
    let errors: Vec<ScenarioError> = files
        .iter()
        .filter_map(|f| Scenario::from_file(f).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Inputs(errors))
    }
}

/// `coordsim explain [KEY]`.
pub fn explain(key: Option<&str>, markdown: bool) -> Result<(), CommandError> {
    if markdown {
        print!("{}", scenario::params::markdown_table());
    } else {
        print!("{}", explain_text(key)?);
    }
    Ok(())
}

/// The text `explain` prints.
pub fn explain_text(key: Option<&str>) -> Result<String, CommandError> {
    let all = specs();
    let chosen: Vec<_> = match key {
        None => all.iter().collect(),
        Some(k) if scenario::params::SECTIONS.contains(&k) => all
            .iter()
            .filter(|s| s.key.split_once('.').map(|(sec, _)| sec) == Some(k))
            .collect(),
        Some(k) => {
            let found: Vec<_> = all.iter().filter(|s| s.key == k).collect();
            if found.is_empty() {
                let hint = scenario::nearest(
                    k,
                    all.iter()
                        .map(|s| s.key)
                        .chain(scenario::params::SECTIONS.iter().copied()),
                )
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
                return Err(CommandError::Usage(format!(
                    "no scenario key or table `{k}`{hint}"
                )));
            }
            found
        }
    };
    let mut s = String::new();
    let mut section = "";
    for spec in chosen {
        let sec = spec.key.split_once('.').map(|(a, _)| a).unwrap_or("");
        if sec != section {
            let _ = writeln!(s, "[{sec}]");
            section = sec;
        }
        let _ = writeln!(s, "  {}", spec.key);
        let _ = writeln!(s, "      {}", spec.help);
        let _ = writeln!(
            s,
            "      default {} | unit {} | {}",
            spec.default, spec.unit, spec.range
        );
    }
    Ok(s)
}

/// `coordsim scenarios`: shipped scenarios grouped by folder, with descriptions.
pub fn scenarios() -> Result<(), CommandError> {
    print!("{}", scenarios_text());
    Ok(())
}

pub fn scenarios_text() -> String {
    let mut s = String::new();
    let mut group = None;
    for (rel, text) in builtin::BUILTIN {
        let name = builtin::name_of(rel);
        let g = name.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        if group != Some(g) {
            let _ = writeln!(
                s,
                "{}",
                if g.is_empty() {
                    "scenarios:".to_string()
                } else {
                    format!("{g}/:")
                }
            );
            group = Some(g);
        }
        let description = Scenario::parse(text, scenario::Origin::Builtin(rel))
            .map(|sc| sc.description().to_string())
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        let _ = writeln!(s, "  {name:<36} {description}");
    }
    s.push_str("run one with: coordsim run NAME\n");
    s
}
