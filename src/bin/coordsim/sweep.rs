//! `coordsim sweep`: a design run here (or one shard of it), or a Slurm script for a cluster.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use coordsim::experiment::design::{Design, Vary, check_count};
use coordsim::experiment::slurm::SlurmJob;
use coordsim::experiment::sweep::{self, SeedRule, Shard, SweepRequest};
use coordsim::experiment::{budget, sensitivity};
use coordsim::output::{FolderLock, GAP_MEANING, Staging};
use coordsim::scenario::{self, builtin};

use crate::cli::{ClusterArgs, SeedsArg, SweepArgs};
use crate::error::CommandError;
use crate::interrupt;
use crate::plot::draw_finished;
use crate::report::{TEXT_WIDTH, num, wrapped};
use crate::resolve::{absolute, check_fits, folder_name, load, thread_count};
use crate::share::report_finished;

/// `coordsim sweep`, resolved: the sweep as the library runs it, and what to do with it.
#[derive(Debug)]
pub struct SweepCommand {
    /// Design, seed rule, replicates, folder, shard, threads: every flag over the scenario's
    /// [sweep] table over the defaults.
    pub sweep: SweepRequest,
    pub quiet: bool,
    /// Draw the plots at the end (not for a shard: the merged sweep is drawn).
    pub plots: bool,
    /// `--emit-slurm`: write this script instead of running the sweep.
    pub slurm: Option<SlurmScript>,
    /// `--max-memory` (`None`: the memory available now).
    pub max_memory: Option<u64>,
    /// `--report`: also write report.html into the folder (not for a shard).
    pub report: bool,
}

/// `--emit-slurm FILE [--submit]`, resolved.
#[derive(Debug)]
pub struct SlurmScript {
    pub file: PathBuf,
    pub job: SlurmJob,
    /// Run the script (it calls sbatch) once written.
    pub submit: bool,
}

/// Raw flags to a sweep. The precedence of each sweep setting is written here once: the flag,
/// else the scenario's [sweep] table, else the default.
pub fn request(args: &SweepArgs, command_line: Vec<String>) -> Result<SweepCommand, CommandError> {
    // A sweep's --replicates is runs per point, not run.replicates: no shortcut for it.
    let settings = args.flags.resolve(None);
    let base = load(Some(&args.scenario), &settings.overrides)?;
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
        .cluster
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(CommandError::Usage)?;
    let request = SweepRequest {
        overrides: settings.overrides,
        vary,
        design,
        samples: args.samples.or(table.samples).unwrap_or(0),
        replicates: args
            .replicates
            .or(table.replicates)
            .unwrap_or(base.params.run.replicates),
        seeds,
        series_every: args.series_every.or(table.series_every).unwrap_or(1),
        out: args.cluster.out.clone().unwrap_or_else(|| {
            Path::new("outputs").join(format!("{}-sweep", folder_name(&base.name)))
        }),
        resume: args.cluster.resume,
        shard,
        threads: settings.threads,
        command_line: command_line.clone(),
        show_progress: !settings.quiet,
        analysis: None,
        base,
    };
    // The design is checked now (every point's parameters, up to design::CHECKED_UP_FRONT), so
    // a bad value is refused before the folder is touched.
    sweep::plan(&request)?;
    let slurm = slurm_script(
        "sweep",
        &args.cluster,
        &request,
        sweep_args(args, &request)?,
        command_line,
    )?;
    Ok(SweepCommand {
        sweep: request,
        quiet: settings.quiet,
        plots: settings.plots && shard.is_none(),
        slurm,
        max_memory: settings.max_memory,
        report: args.cluster.report,
    })
}

/// `coordsim sweep`: runs a design (or its shard), or writes a Slurm script for it.
pub fn sweep(command: &SweepCommand) -> Result<(), CommandError> {
    if let Some(script) = &command.slurm {
        return emit_slurm(script, command.quiet);
    }
    let request = &command.sweep;
    let shard = request.shard;
    let clock = Instant::now();
    // Sized from the counted plan, before any point is laid out.
    let (points, keys) = match &request.analysis {
        Some(a) => (
            sensitivity::point_count(a).map_err(CommandError::Usage)?,
            sensitivity::keys(a).map_err(CommandError::Usage)?.len(),
        ),
        None => (
            check_count(&request.vary, request.design, request.samples)
                .map_err(CommandError::Usage)?,
            request.vary.len(),
        ),
    };
    let mut need = budget::sweep_need(
        &request.base.params,
        points,
        sweep::held_bytes(request, points, keys),
        request.replicates,
        request.series_every,
        thread_count(request.threads),
    );
    if let Some(s) = request.shard {
        need.disk /= u64::from(s.count.max(1));
    }
    check_fits(&need, command.max_memory, &request.out)?;
    // Lock before anything: a busy or unwritable folder is refused at once.
    let lock = FolderLock::acquire(&request.out)?;
    lock.check_writable()?;
    interrupt::set_hint(resume_hint(request));
    let (outcome, staged) = sweep::run_sweep(request, &lock)?;
    // Shards are drawn once merged; the plots go into the staged folder before it is swapped in.
    let drew = match &staged {
        Some(staged) if command.plots => Some(draw_finished(staged.path(), &request.out)?),
        _ => None,
    };
    let wrote_report = match &staged {
        Some(staged) if command.report => Some(report_finished(staged.path(), &request.out)?),
        _ => None,
    };
    if let Some(staged) = staged {
        staged.commit()?;
    }
    drop(lock);
    if !command.quiet {
        // The plan's numbers, as counted above (laying the plan out again would validate it
        // again).
        let design = match &request.analysis {
            Some(a) => a.file().trim_end_matches(".csv"),
            None => request.design.name(),
        };
        let what = match shard {
            Some(s) => format!(
                "shard {}/{} ({} runs)",
                s.index, s.count, outcome.runs_in_range
            ),
            None => format!(
                "{} points x {} replicates = {} runs",
                points,
                request.replicates,
                points.saturating_mul(u64::from(request.replicates))
            ),
        };
        let what = match request.seeds {
            SeedRule::PerRun => what,
            SeedRule::Common => format!("{what}, common seeds"),
        };
        println!(
            "coordsim {} | sweep of {} | {} design | {what} | {} computed now | {} threads | {:.1} s",
            coordsim::VERSION,
            request.base.name,
            design,
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
        // A whole sweep (not a shard) ends, as run and compare do, on its headline numbers.
        if shard.is_none() {
            match &request.analysis {
                None => print!("{}", points_table(&request.out)?),
                Some(a) => print!("{}", crate::sensitivity::table(&request.out, a)?),
            }
        }
    }
    if let (Some(line), false) = (drew, command.quiet) {
        println!("{line}");
    }
    if let (Some(line), false) = (wrote_report, command.quiet) {
        println!("{line}");
    }
    Ok(())
}

/// The measures of the sweep's terminal table, with short column names.
const POINT_MEASURES: [(&str, &str); 5] = [
    ("final_fragmentation", "fragmentation (end)"),
    ("final_networks", "networks (end)"),
    ("cumulative_coordination_value", "coordination value"),
    ("cumulative_coordination_funded_share", "share funders paid"),
    (
        "final_cumulative_coordination_value_gap",
        "value gap (unpaid)",
    ),
];

/// Points shown in the terminal; the rest are in points.csv.
const POINTS_SHOWN: usize = 30;

/// Each point's headline measures, mean and 95% interval, read back from the sweep's
/// points.csv (the file the user analyses, so the table and the file cannot disagree).
fn points_table(out: &Path) -> Result<String, CommandError> {
    // Read in constant memory: the rows of the points shown, and a count of the others.
    let (mut total, mut last) = (0usize, None);
    let sweep = coordsim::plot::data::read_sweep_where(&out.join("points.csv"), &[], |r| {
        if last != Some(r.point) {
            (total, last) = (total + 1, Some(r.point));
        }
        total <= POINTS_SHOWN
    })?;
    let mut points: Vec<(usize, Vec<String>)> = Vec::new();
    for r in &sweep.rows {
        if points.last().map(|(p, _)| *p) != Some(r.point) {
            points.push((
                r.point,
                r.point_values.iter().map(|v| v.to_string()).collect(),
            ));
        }
    }
    let cell = |point: usize, metric: &str| -> String {
        match sweep
            .rows
            .iter()
            .find(|r| r.point == point && r.metric == metric)
        {
            Some(r) if r.n > 0 => format!(
                "{} [{}, {}]",
                num(r.mean),
                num(r.ci95_low),
                num(r.ci95_high)
            ),
            Some(_) => "never reached".to_string(),
            None => "-".to_string(),
        }
    };
    // Rows of text cells: the header, then one per point shown.
    let mut header: Vec<String> = vec!["point".to_string()];
    header.extend(sweep.keys.iter().cloned());
    header.extend(POINT_MEASURES.iter().map(|(_, label)| label.to_string()));
    let mut rows: Vec<Vec<String>> = vec![header];
    for (point, values) in points.iter().take(POINTS_SHOWN) {
        let mut row = vec![point.to_string()];
        row.extend(values.iter().cloned());
        row.extend(POINT_MEASURES.iter().map(|(m, _)| cell(*point, m)));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::from("each point: mean over its replicates [95% CI]\n");
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, w)| format!("{text:<w$}"))
            .collect();
        s.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
    }
    if total > POINTS_SHOWN {
        s.push_str(&format!(
            "  ... {} more points in points.csv\n",
            total - POINTS_SHOWN
        ));
    }
    s.push_str(&wrapped(GAP_MEANING, "  ", TEXT_WIDTH));
    Ok(s)
}

/// What an interrupted sweep tells the user: its progress is kept, and the command to continue.
pub fn resume_hint(request: &SweepRequest) -> String {
    resume_hint_for(
        &request.command_line,
        request.resume,
        &request.out.join(".sweep"),
        "runs",
        "sweep",
    )
}

/// The hint for any resumable command: where its finished work is kept, and the command line
/// again with `--resume`.
pub fn resume_hint_for(
    command_line: &[String],
    resume: bool,
    work: &Path,
    done: &str,
    what: &str,
) -> String {
    let mut command: Vec<String> = command_line
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        })
        .collect();
    if !resume {
        command.push("--resume".to_string());
    }
    format!(
        "the finished {done} are kept in {}; continue the {what} with:\n  {}",
        work.display(),
        command.join(" ")
    )
}

/// A sweep's own flags, forwarded to every shard so each lays out the same design.
fn sweep_args(args: &SweepArgs, request: &SweepRequest) -> Result<Vec<String>, CommandError> {
    let mut sweep_args: Vec<String> = Vec::new();
    for v in &args.vary {
        sweep_args.extend(["--vary".to_string(), v.clone()]);
    }
    sweep_args.extend(["--design".to_string(), request.design.name().to_string()]);
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
    if request.seeds != SeedRule::PerRun
        || request
            .base
            .sweep
            .as_ref()
            .is_some_and(|t| t.seeds.is_some())
    {
        let flag = match request.seeds {
            SeedRule::PerRun => "per-run",
            SeedRule::Common => "common",
        };
        sweep_args.extend(["--seeds".to_string(), flag.to_string()]);
    }
    Ok(sweep_args)
}

/// `--emit-slurm FILE`: the Slurm job running `command` (sweep, screen, sobol) in shards with
/// the command's own flags (`own_args`) and the `--set` overrides; `None` without the flag.
pub fn slurm_script(
    command: &'static str,
    cluster: &ClusterArgs,
    request: &SweepRequest,
    own_args: Vec<String>,
    command_line: Vec<String>,
) -> Result<Option<SlurmScript>, CommandError> {
    let Some(file) = &cluster.emit_slurm else {
        return Ok(None);
    };
    let (plan, _) = sweep::plan(request)?;
    let scenario = match &request.base.origin {
        scenario::Origin::File(p) => absolute(p).display().to_string(),
        scenario::Origin::Builtin(rel) => builtin::name_of(rel).to_string(),
    };
    let binary = match &cluster.slurm_binary {
        Some(b) => absolute(b),
        None => std::env::current_exe()
            .map(|p| absolute(&p))
            .unwrap_or_else(|_| PathBuf::from("coordsim")),
    };
    let mut sweep_args = own_args;
    for o in &request.overrides {
        sweep_args.extend(["--set".to_string(), o.clone()]);
    }
    let job = SlurmJob {
        command: command.to_string(),
        shards: cluster.slurm_shards.unwrap_or(4),
        partition: cluster.slurm_partition.clone(),
        time: cluster.slurm_time.clone(),
        cpus: cluster.slurm_cpus.unwrap_or(1),
        mem: cluster.slurm_mem.clone(),
        extra: cluster.slurm_extra.clone(),
        binary,
        scenario,
        out: absolute(&request.out),
        sweep_args,
        generated_by: command_line.join(" "),
        total_runs: plan.total_runs,
    };
    Ok(Some(SlurmScript {
        file: file.clone(),
        job,
        submit: cluster.submit,
    }))
}

/// Writes the Slurm script, and submits it with `--submit`.
pub fn emit_slurm(script: &SlurmScript, quiet: bool) -> Result<(), CommandError> {
    let SlurmScript { file, job, submit } = script;
    let mut staging = Staging::new();
    staging.write(file, |w| w.write_all(job.script().as_bytes()))?;
    staging.commit()?;
    if !quiet {
        println!(
            "wrote {}: {} shards of {} runs in all; submit with: bash {}",
            file.display(),
            job.shards,
            job.total_runs,
            file.display()
        );
    }
    if *submit {
        let status = std::process::Command::new("bash")
            .arg(file)
            .status()
            .map_err(|e| {
                CommandError::Submit(format!("cannot run bash {}: {e}", file.display()))
            })?;
        if !status.success() {
            return Err(CommandError::Submit(format!(
                "submitting {} failed ({status})",
                file.display()
            )));
        }
    }
    Ok(())
}
