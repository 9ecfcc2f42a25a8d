//! `coordsim calibrate`: ABC-SMC of a scenario's keys against a target file, run here (every
//! core, resumable) or written as a Slurm job; ends with the posterior table and the path of
//! the calibrated scenario.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use coordsim::experiment::calibrate::{CalibrateRequest, run_calibration, stop_words};
use coordsim::experiment::slurm::quote;
use coordsim::output::schema::{GenerationRow, MarginalRow, Table};
use coordsim::output::{FolderLock, Staging};
use coordsim::scenario::calibrate::TargetFile;
use coordsim::scenario::{self, builtin};

use crate::cli::CalibrateArgs;
use crate::error::CommandError;
use crate::interrupt;
use crate::plot::draw_finished;
use crate::report::num;
use crate::resolve::{absolute, folder_name, load};
use crate::share::report_finished;
use crate::sweep::resume_hint_for;

/// `coordsim calibrate`, resolved.
#[derive(Debug)]
pub struct CalibrateCommand {
    pub request: CalibrateRequest,
    pub quiet: bool,
    pub plots: bool,
    /// `--report`: also write report.html into the folder.
    pub report: bool,
    /// `--emit-slurm FILE`: the script to write instead of running.
    pub slurm: Option<(PathBuf, String)>,
}

/// Raw flags to a calibration: flags over the target file's `[calibrate]` over the defaults.
pub fn request(
    args: &CalibrateArgs,
    command_line: Vec<String>,
) -> Result<CalibrateCommand, CommandError> {
    let settings = args.flags.resolve(None);
    let base = load(Some(&args.scenario), &settings.overrides)?;
    let mut target = TargetFile::find(&args.target).map_err(CommandError::Inputs)?;
    if let Some(p) = args.population {
        target.settings.population = p;
    }
    if let Some(g) = args.generations {
        target.settings.generations = g;
    }
    if target.settings.max_candidates < target.settings.population {
        return Err(CommandError::Usage(format!(
            "--population {}: more than the target file's calibrate.max_candidates ({})",
            target.settings.population, target.settings.max_candidates
        )));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("outputs").join(format!("{}-calibrate", folder_name(&base.name)))
    });
    let slurm = args
        .emit_slurm
        .as_ref()
        .map(|file| (file.clone(), slurm_script(args, &base, &out, &command_line)));
    Ok(CalibrateCommand {
        request: CalibrateRequest {
            overrides: settings.overrides,
            target,
            out,
            resume: args.resume,
            threads: settings.threads,
            command_line,
            show_progress: !settings.quiet,
            base,
        },
        quiet: settings.quiet,
        plots: settings.plots,
        report: args.report,
        slurm,
    })
}

/// A one-job Slurm script: the calibration on one node's cores, requeued after a preemption
/// or a time limit, each start continuing with `--resume`.
fn slurm_script(
    args: &CalibrateArgs,
    base: &scenario::Scenario,
    out: &Path,
    command_line: &[String],
) -> String {
    let scenario = match &base.origin {
        scenario::Origin::File(p) => absolute(p).display().to_string(),
        scenario::Origin::Builtin(rel) => builtin::name_of(rel).to_string(),
    };
    let binary = std::env::current_exe()
        .map(|p| absolute(&p))
        .unwrap_or_else(|_| PathBuf::from("coordsim"));
    let cpus = args.slurm_cpus.unwrap_or(8);
    let mut s = String::from("#!/bin/bash\n");
    s.push_str(&format!(
        "# Written by: {}\n# One calibration job: generations depend on each other, so it runs on one node's\n# cores; after a requeue it continues from its checkpoint (--resume).\n",
        command_line.join(" ")
    ));
    s.push_str(
        "#SBATCH --job-name=coordsim-calibrate\n#SBATCH --requeue\n#SBATCH --open-mode=append\n",
    );
    s.push_str(&format!("#SBATCH --cpus-per-task={cpus}\n"));
    let out_abs = absolute(out);
    s.push_str(&format!(
        "#SBATCH --output={}\n",
        quote(&format!("{}.slurm-%j.log", out_abs.display()))
    ));
    for (flag, value) in [
        ("partition", &args.slurm_partition),
        ("time", &args.slurm_time),
        ("mem", &args.slurm_mem),
    ] {
        if let Some(v) = value {
            s.push_str(&format!("#SBATCH --{flag}={}\n", quote(v)));
        }
    }
    for extra in &args.slurm_extra {
        s.push_str(&format!("#SBATCH {extra}\n"));
    }
    let mut argv: Vec<String> = vec![
        binary.display().to_string(),
        "calibrate".into(),
        scenario,
        "--target".into(),
        target_arg(&args.target),
        "--out".into(),
        out_abs.display().to_string(),
        "--threads".into(),
        cpus.to_string(),
        "--resume".into(),
        "--quiet".into(),
    ];
    if let Some(p) = args.population {
        argv.extend(["--population".into(), p.to_string()]);
    }
    if let Some(g) = args.generations {
        argv.extend(["--generations".into(), g.to_string()]);
    }
    if let Some(seed) = args.flags.seed {
        argv.extend(["--seed".into(), seed.to_string()]);
    }
    if let Some(t) = args.flags.ticks {
        argv.extend(["--ticks".into(), t.to_string()]);
    }
    for set in &args.flags.set {
        argv.extend(["--set".into(), set.clone()]);
    }
    if args.flags.no_plots {
        argv.push("--no-plots".into());
    }
    let line: Vec<String> = argv.iter().map(|a| quote(a)).collect();
    s.push_str(&format!("{}\n", line.join(" ")));
    s
}

/// The target argument for a job elsewhere: an absolute path, or a shipped target's name.
fn target_arg(target: &str) -> String {
    let path = Path::new(target);
    if path.is_file() {
        absolute(path).display().to_string()
    } else {
        target.to_string()
    }
}

/// Runs the calibration (or writes its Slurm script) and prints what it found.
pub fn calibrate(command: &CalibrateCommand) -> Result<(), CommandError> {
    if let Some((file, script)) = &command.slurm {
        let mut staging = Staging::new();
        staging.write(file, |w| w.write_all(script.as_bytes()))?;
        staging.commit()?;
        if !command.quiet {
            println!(
                "wrote {}: one job on one node's cores; submit with: sbatch {}",
                file.display(),
                file.display()
            );
        }
        return Ok(());
    }
    let req = &command.request;
    let clock = Instant::now();
    let lock = FolderLock::acquire(&req.out)?;
    lock.check_writable()?;
    interrupt::set_hint(resume_hint_for(
        &req.command_line,
        req.resume,
        &req.out.join(".calibrate"),
        "candidates",
        "calibration",
    ));
    let (done, staged) = run_calibration(req, &lock)?;
    let drew = match &staged {
        Some(staged) if command.plots => Some(draw_finished(staged.path(), &req.out)?),
        _ => None,
    };
    let wrote_report = match &staged {
        Some(staged) if command.report => Some(report_finished(staged.path(), &req.out)?),
        _ => None,
    };
    if let Some(staged) = staged {
        staged.commit()?;
    }
    drop(lock);
    if command.quiet {
        return Ok(());
    }
    let Some(done) = done else {
        println!(
            "{} already holds this finished calibration: nothing to do",
            req.out.display()
        );
        return Ok(());
    };
    let s = &req.target.settings;
    println!(
        "coordsim {} | calibration of {} against {} | {} generations of {} particles ({}) | {} candidates, {} computed now | {} threads | {:.1} s",
        coordsim::VERSION,
        req.base.name,
        req.target.origin,
        done.outcome.generations.len(),
        s.population,
        stop_words(done.outcome.stop),
        done.outcome.candidates,
        done.candidates_computed,
        done.threads,
        clock.elapsed().as_secs_f64()
    );
    print!("{}", table(&req.out)?);
    println!(
        "wrote {}: candidates.csv, particles.csv, posterior.csv, generations.csv, marginals.csv, calibrated.toml, manifest.json",
        req.out.display()
    );
    for line in drew.into_iter().chain(wrote_report) {
        println!("{line}");
    }
    println!(
        "run the calibrated scenario with: coordsim run {}",
        req.out.join("calibrated.toml").display()
    );
    Ok(())
}

/// The generations' epsilons and the posterior of each key, read back from the files.
fn table(out: &Path) -> Result<String, CommandError> {
    let read =
        |name: &str| Table::open(&out.join(name)).map_err(|e| CommandError::Failed(e.to_string()));
    let mut s = String::from("generations: epsilon (acceptance)\n ");
    let mut generations = read("generations.csv")?;
    generations
        .rows::<GenerationRow>(true, |g, _| {
            s.push_str(&format!(
                " {}: {} ({:.0}%)",
                g.generation,
                num(g.epsilon),
                100.0 * g.acceptance_rate
            ));
            Ok(())
        })
        .map_err(|e| CommandError::Failed(e.to_string()))?;
    s.push_str("\nposterior: median [95% interval] (prior)\n");
    let mut marginals = read("marginals.csv")?;
    let mut rows: Vec<MarginalRow> = Vec::new();
    marginals
        .rows::<MarginalRow>(true, |m, _| {
            rows.push(m);
            Ok(())
        })
        .map_err(|e| CommandError::Failed(e.to_string()))?;
    let width = rows.iter().map(|m| m.key.len()).max().unwrap_or(0);
    for m in rows {
        s.push_str(&format!(
            "  {:<width$}  {} [{}, {}]  ({})\n",
            m.key,
            num(m.median),
            num(m.ci95_low),
            num(m.ci95_high),
            m.prior
        ));
    }
    Ok(s)
}
