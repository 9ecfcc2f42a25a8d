//! The commands behind the CLI: load and validate, run, write, and report to the terminal.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::{CompareArgs, PlotArgs, RunArgs, SeedsArg, SweepArgs};
use crate::experiment::compare::{self as cmp, Arm};
use crate::experiment::design::{Design, Vary};
use crate::experiment::slurm::SlurmJob;
use crate::experiment::sweep::{self, SeedRule, Shard, SweepError, SweepRequest};
use crate::experiment::{self, ExperimentError};
use crate::output::{self, OutputError, Staging, manifest};
use crate::plot::{self, PlotError, RunData};
use crate::scenario::{self, Scenario, ScenarioError, builtin, specs};
use crate::sim::ReplicateOutput;

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
    Sweep(#[from] SweepError),
    #[error("{0}")]
    Plot(#[from] PlotError),
}

impl CommandError {
    /// 2 for bad input, 1 for failures while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Input(_) | CommandError::Inputs(_) | CommandError::Usage(_) => 2,
            CommandError::Sweep(e) if e.is_input() => 2,
            CommandError::Plot(e) if e.is_input() => 2,
            CommandError::Output(_)
            | CommandError::Experiment(_)
            | CommandError::Sweep(_)
            | CommandError::Plot(_) => 1,
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
    with_shortcuts(
        &args.flags.set,
        args.flags.seed,
        args.replicates,
        args.flags.ticks,
    )
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
    let provenance = manifest::Provenance::begin(
        &scenario,
        overrides(args),
        command_line,
        experiment::SEED_RULE,
    );
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
    let plot_files: Vec<(&str, &[u8])> = plots
        .iter()
        .map(|p| (p.name.as_str(), p.bytes.as_slice()))
        .collect();
    let files = output::write_run(
        &out_dir,
        &scenario.name,
        &runs,
        &plot_files,
        provenance,
        threads_used,
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
pub use crate::output::PLOTS_DIR;

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
    let out = args.out.clone().unwrap_or_else(|| args.dir.join(PLOTS_DIR));
    let (drawn, written) = draw_into(&args.dir, &options, &out)?;
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

/// Draws what applies to a finished folder into `out`, atomically.
fn draw_into(
    dir: &Path,
    options: &plot::Options,
    out: &Path,
) -> Result<(plot::Drawn, Vec<PathBuf>), CommandError> {
    let drawn = plot::draw_folder(dir, options)?;
    let mut staging = Staging::new();
    for p in &drawn.files {
        staging.write(&out.join(&p.name), |w| w.write_all(&p.bytes))?;
    }
    let written = staging.commit()?;
    Ok((drawn, written))
}

/// After `sweep`, `merge` or `compare`: their charts into DIR/plots, and a line saying so.
fn draw_finished(dir: &Path, quiet: bool) -> Result<(), CommandError> {
    let out = dir.join(PLOTS_DIR);
    let (_, written) = draw_into(dir, &plot::Options::default(), &out)?;
    if !quiet {
        let refs: Vec<&PathBuf> = written.iter().collect();
        println!("drew {}: {}", out.display(), plot_stems(&refs).join(", "));
    }
    Ok(())
}

/// The measures the terminal reports, with their plain-language names.
const HEADLINE: &[(&str, &str)] = &[
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
        "cumulative_network_value",
        "value created inside networks, all ticks",
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
    // Group by [meta] group, else by folder.
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (rel, text) in builtin::BUILTIN {
        let name = builtin::name_of(rel).to_string();
        let folder = name
            .rsplit_once('/')
            .map(|(g, _)| g.to_string())
            .unwrap_or_default();
        let (group, description) = match Scenario::parse(text, scenario::Origin::Builtin(rel)) {
            Ok(sc) => (
                sc.meta.group.clone().unwrap_or(folder),
                sc.description().to_string(),
            ),
            Err(e) => (folder, format!("(invalid: {e})")),
        };
        let group = if group.is_empty() {
            "scenarios".to_string()
        } else {
            group
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, items)) => items.push((name, description)),
            None => groups.push((group, vec![(name, description)])),
        }
    }
    // The order a newcomer reads them in: the default, stories, contrasts, policy what-ifs,
    // challenges, lessons; any other group after these.
    const ORDER: [&str; 6] = [
        "default",
        "case studies",
        "contrasts",
        "funding what-ifs",
        "challenges",
        "classroom",
    ];
    groups.sort_by_key(|(g, _)| ORDER.iter().position(|o| o == g).unwrap_or(ORDER.len()));
    let mut s = String::new();
    for (group, items) in groups {
        let _ = writeln!(s, "{group}:");
        for (name, description) in items {
            let _ = writeln!(s, "  {name:<36} {description}");
        }
    }
    s.push_str("run one with: coordsim run NAME\n");
    s
}

/// Absolute form of a path, without requiring it to exist.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `coordsim sweep`: runs a design (or its shard), or writes a Slurm script for it.
pub fn sweep(args: &SweepArgs, command_line: Vec<String>) -> Result<(), CommandError> {
    let mut base = Scenario::find(&args.scenario)?;
    let overrides = with_shortcuts(&args.flags.set, args.flags.seed, None, args.flags.ticks);
    base.apply_overrides(&overrides)?;
    let table = base.sweep.clone().unwrap_or_default();
    let mut vary: Vec<Vary> = table.vary.clone();
    for text in &args.vary {
        let v =
            Vary::parse(text).map_err(|e| CommandError::Usage(format!("--vary {text}: {e}")))?;
        vary.retain(|x| x.key != v.key);
        vary.push(v);
    }
    let design_name = args
        .design
        .clone()
        .or(table.design.clone())
        .unwrap_or_else(|| "factorial".into());
    let design =
        Design::parse(&design_name).map_err(|e| CommandError::Usage(format!("--design: {e}")))?;
    let seeds = match (args.seeds, &table.seeds) {
        (Some(SeedsArg::PerRun), _) => SeedRule::PerRun,
        (Some(SeedsArg::Common), _) => SeedRule::Common,
        (None, Some(name)) => SeedRule::parse(name).map_err(CommandError::Usage)?,
        (None, None) => SeedRule::PerRun,
    };
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(CommandError::Usage)?;
    let request = SweepRequest {
        overrides,
        vary,
        design,
        samples: args.samples.or(table.samples).unwrap_or(0),
        replicates: args
            .replicates
            .or(table.replicates)
            .unwrap_or(base.params.run.replicates),
        seeds,
        series_every: args.series_every.or(table.series_every).unwrap_or(1),
        out: args.out.clone().unwrap_or_else(|| {
            Path::new("outputs").join(format!("{}-sweep", folder_name(&base.name)))
        }),
        resume: args.resume,
        shard,
        threads: args.flags.threads.map(|t| t as usize),
        command_line: command_line.clone(),
        show_progress: !args.flags.quiet,
        base,
    };
    if let Some(file) = &args.emit_slurm {
        return emit_slurm(args, &request, file, command_line);
    }
    let clock = Instant::now();
    let outcome = sweep::run_sweep(&request)?;
    if !args.flags.quiet {
        let (plan, _) = sweep::plan(&request)?;
        let what = match shard {
            Some(s) => format!(
                "shard {}/{} ({} runs)",
                s.index, s.count, outcome.runs_in_range
            ),
            None => format!(
                "{} points x {} replicates = {} runs",
                plan.points.len(),
                plan.replicates,
                plan.total_runs
            ),
        };
        let what = match plan.seeds {
            SeedRule::PerRun => what,
            SeedRule::Common => format!("{what}, common seeds"),
        };
        println!(
            "coordsim {} | sweep of {} | {} design | {what} | {} computed now | {} threads | {:.1} s",
            crate::VERSION,
            request.base.name,
            plan.design,
            outcome.runs_computed,
            outcome.threads,
            clock.elapsed().as_secs_f64()
        );
        if outcome.files.is_empty() {
            println!(
                "{} already holds this complete sweep: nothing to do",
                request.out.display()
            );
        } else {
            let names: Vec<String> = outcome
                .files
                .iter()
                .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            println!("wrote {}: {}", request.out.display(), names.join(", "));
        }
    }
    // Shards are drawn once merged; a sweep that was already complete has its plots.
    if shard.is_none() && !outcome.files.is_empty() && !args.flags.no_plots {
        draw_finished(&request.out, args.flags.quiet)?;
    }
    Ok(())
}

fn emit_slurm(
    args: &SweepArgs,
    request: &SweepRequest,
    file: &Path,
    command_line: Vec<String>,
) -> Result<(), CommandError> {
    let (plan, _) = sweep::plan(request)?;
    let scenario = match &request.base.origin {
        scenario::Origin::File(p) => absolute(p).display().to_string(),
        scenario::Origin::Builtin(rel) => builtin::name_of(rel).to_string(),
    };
    let binary = match &args.slurm_binary {
        Some(b) => absolute(b),
        None => std::env::current_exe()
            .map(|p| absolute(&p))
            .unwrap_or_else(|_| PathBuf::from("coordsim")),
    };
    // Every sweep flag is forwarded so each shard lays out the same design.
    let mut sweep_args: Vec<String> = Vec::new();
    for v in &args.vary {
        sweep_args.extend(["--vary".to_string(), v.clone()]);
    }
    sweep_args.extend(["--design".to_string(), plan.design.clone()]);
    if request.samples > 0 {
        sweep_args.extend(["--samples".to_string(), request.samples.to_string()]);
    }
    sweep_args.extend(["--replicates".to_string(), request.replicates.to_string()]);
    sweep_args.extend([
        "--series-every".to_string(),
        request.series_every.to_string(),
    ]);
    // The rule goes on the shards' command line when it is not the default, or when the
    // scenario's table names one (a flag may have overridden it); a per-run sweep without a
    // table rule keeps the script it had before the rule could be chosen.
    if plan.seeds != SeedRule::PerRun
        || request
            .base
            .sweep
            .as_ref()
            .is_some_and(|t| t.seeds.is_some())
    {
        let flag = match plan.seeds {
            SeedRule::PerRun => "per-run",
            SeedRule::Common => "common",
        };
        sweep_args.extend(["--seeds".to_string(), flag.to_string()]);
    }
    for o in &request.overrides {
        sweep_args.extend(["--set".to_string(), o.clone()]);
    }
    let job = SlurmJob {
        shards: args.slurm_shards.unwrap_or(4),
        partition: args.slurm_partition.clone(),
        time: args.slurm_time.clone(),
        cpus: args.slurm_cpus.unwrap_or(1),
        mem: args.slurm_mem.clone(),
        extra: args.slurm_extra.clone(),
        binary,
        scenario,
        out: absolute(&request.out),
        sweep_args,
        generated_by: command_line.join(" "),
        total_runs: plan.total_runs,
    };
    let mut staging = Staging::new();
    staging.write(file, |w| w.write_all(job.script().as_bytes()))?;
    staging.commit()?;
    if !args.flags.quiet {
        println!(
            "wrote {}: {} shards of {} runs in all; submit with: bash {}",
            file.display(),
            job.shards,
            plan.total_runs,
            file.display()
        );
    }
    if args.submit {
        let status = std::process::Command::new("bash")
            .arg(file)
            .status()
            .map_err(|e| CommandError::Usage(format!("cannot run bash {}: {e}", file.display())))?;
        if !status.success() {
            return Err(CommandError::Usage(format!(
                "submitting {} failed ({status})",
                file.display()
            )));
        }
    }
    Ok(())
}

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

/// `coordsim compare`.
pub fn compare(args: &CompareArgs, command_line: Vec<String>) -> Result<(), CommandError> {
    let common = with_shortcuts(
        &args.flags.set,
        args.flags.seed,
        args.replicates,
        args.flags.ticks,
    );
    let mut arms: Vec<Arm> = if args.what_if.is_empty() {
        if args.scenarios.len() < 2 {
            return Err(CommandError::Usage(
                "compare needs two or more scenarios, or one scenario and --what-if KEY=VALUE"
                    .into(),
            ));
        }
        let mut arms = Vec::new();
        for name in &args.scenarios {
            let mut s = Scenario::find(name)?;
            s.apply_overrides(&common)?;
            arms.push(Arm {
                label: s.name.clone(),
                scenario: s,
                what_if: Vec::new(),
            });
        }
        arms
    } else {
        if args.scenarios.len() != 1 {
            return Err(CommandError::Usage(
                "with --what-if, give exactly one base scenario".into(),
            ));
        }
        let mut base = Scenario::find(&args.scenarios[0])?;
        base.apply_overrides(&common)?;
        cmp::what_if_arms(&base, &args.what_if)?
    };
    cmp::unique_labels(&mut arms);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join("compare"));
    let provenance =
        manifest::Provenance::begin(&arms[0].scenario, common, command_line, cmp::SEED_RULE);
    let clock = Instant::now();
    let (results, threads) = cmp::run_arms(
        &arms,
        args.flags.threads.map(|t| t as usize),
        !args.flags.quiet,
    )?;
    let rows = cmp::measures(&arms, &results);
    let seeds = cmp::shared_seeds(&arms);
    cmp::write_folder(&out_dir, &arms, &results, &rows, provenance, threads)?;
    if !args.flags.quiet {
        print!(
            "{}",
            compare_report(
                &arms,
                &rows,
                seeds.len(),
                threads,
                clock.elapsed().as_secs_f64(),
                &out_dir
            )
        );
    }
    if !args.flags.no_plots {
        draw_finished(&out_dir, args.flags.quiet)?;
    }
    Ok(())
}

/// The terminal tables of a comparison, with a verdict in words for each difference.
fn compare_report(
    arms: &[Arm],
    rows: &[cmp::ArmMeasure],
    replicates: usize,
    threads: usize,
    seconds: f64,
    out: &Path,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "coordsim {} | compare {} arms | {replicates} replicates each, same seeds in every arm | {threads} threads | {seconds:.1} s",
        crate::VERSION,
        arms.len()
    );
    let reference = &arms[0].label;
    let width = arms
        .iter()
        .map(|a| a.label.chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 48);
    for (key, label) in HEADLINE {
        let _ = writeln!(s, "\n{label} ({key})");
        let _ = writeln!(
            s,
            "  {:<width$} {:>10}  {:<22} {:<34} verdict",
            "arm",
            "mean",
            "95% CI",
            format!("difference to {reference}")
        );
        for r in rows.iter().filter(|r| r.metric == *key) {
            let st = &r.stats;
            let ci = if st.n == 0 {
                "never reached".to_string()
            } else {
                format!("[{}, {}]", num(st.ci95_low), num(st.ci95_high))
            };
            let mean = if st.n == 0 {
                "-".to_string()
            } else {
                num(st.mean)
            };
            let (diff, verdict) = match &r.difference {
                None => (String::new(), "reference".to_string()),
                Some(d) if d.n == 0 => ("-".to_string(), cmp::verdict(d).to_string()),
                Some(d) => (
                    format!(
                        "{}{} [{}, {}]",
                        if d.mean > 0.0 { "+" } else { "" },
                        num(d.mean),
                        num(d.ci95_low),
                        num(d.ci95_high)
                    ),
                    cmp::verdict(d).to_string(),
                ),
            };
            let name: String = r.label.chars().take(width).collect();
            let _ = writeln!(
                s,
                "  {name:<width$} {mean:>10}  {ci:<22} {diff:<34} {verdict}"
            );
        }
    }
    let _ = writeln!(
        s,
        "\n\"clearly higher/lower\": the 95% interval of the paired difference excludes zero; \"within noise\": it does not."
    );
    let _ = writeln!(
        s,
        "wrote {}: compare.csv, summary.csv, timeseries.csv, manifest.json",
        out.display()
    );
    s
}
