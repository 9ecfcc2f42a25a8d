//! `coordsim run`: a scenario's replicates, their files and plots, and the terminal summary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use coordsim::experiment::{self, budget};
use coordsim::output::{self, AcrossReplicates, GAP_MEANING, PLOTS_DIR, manifest};
use coordsim::plot::{self, RunData, RunTables};
use coordsim::scenario::Scenario;

use crate::cli::RunArgs;
use crate::error::CommandError;
use crate::report::{HEADLINE, TEXT_WIDTH, file_names, num, plot_stems, wrapped};
use crate::resolve::{Settings, check_fits, folder_name, load, thread_count};
use crate::share::report_finished;

/// `coordsim run`, resolved: the scenario with every override applied and where it goes.
#[derive(Debug)]
pub struct RunRequest {
    pub scenario: Scenario,
    /// The shared flags; `settings.overrides` are the ones applied to `scenario`.
    pub settings: Settings,
    /// Output folder (default: outputs/<scenario name>).
    pub out: PathBuf,
    /// As typed, for the manifest.
    pub command_line: Vec<String>,
    /// `--report`: also write report.html into the folder.
    pub report: bool,
}

/// Raw flags to a run: the scenario (default: baseline) with its overrides, and its folder.
pub fn request(args: &RunArgs, command_line: Vec<String>) -> Result<RunRequest, CommandError> {
    let settings = args.flags.resolve(args.replicates);
    let scenario = load(args.scenario.as_deref(), &settings.overrides)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(folder_name(&scenario.name)));
    Ok(RunRequest {
        scenario,
        settings,
        out,
        command_line,
        report: args.report,
    })
}

/// `coordsim run`.
pub fn run(request: RunRequest) -> Result<(), CommandError> {
    let RunRequest {
        scenario,
        settings,
        out: out_dir,
        command_line,
        report: with_report,
    } = request;
    let provenance = manifest::Provenance::begin(
        &scenario,
        settings.overrides.clone(),
        command_line,
        experiment::SEED_RULE,
    );
    // Lock and stage before simulating: a busy or unwritable folder is refused at once.
    let need = budget::run_need(
        &scenario.params,
        thread_count(settings.threads),
        settings.plots,
    );
    check_fits(&need, settings.max_memory, &out_dir)?;
    let lock = output::FolderLock::acquire(&out_dir)?;
    lock.check_writable()?;
    let staged = output::StagedFolder::begin(&lock)?;
    let clock = Instant::now();
    // Each replicate's rows go to the staged tables as it finishes; only its summary values
    // stay in memory.
    let mut tables = output::RunFiles::begin(staged.path(), &scenario.name)?;
    let threads_used = experiment::run_streamed(
        &scenario.params,
        settings.threads,
        !settings.quiet,
        staged.path(),
        &scenario.name,
        &mut tables,
    )?;
    let across = tables.close_tables()?;
    let plots = if settings.plots {
        let staged_table = |name: &str| {
            tables
                .staged(name)
                .map(Path::to_path_buf)
                .unwrap_or_else(|| staged.path().join(name))
        };
        let (timeseries, nodes, ties) = (
            staged_table("timeseries.csv"),
            staged_table("nodes.csv"),
            staged_table("ties.csv"),
        );
        let data = RunData::from_tables(
            &scenario.name,
            &settings.overrides,
            scenario.params.trust.tie_threshold,
            RunTables {
                timeseries: &timeseries,
                nodes: &nodes,
                ties: &ties,
            },
        )?;
        plot::draw_run(&data, &plot::Options::default())?.files
    } else {
        Vec::new()
    };
    let plot_files: Vec<(&str, &[u8])> = plots
        .iter()
        .map(|p| (p.name.as_str(), p.bytes.as_slice()))
        .collect();
    let staged_files = tables.finish(&plot_files, provenance, threads_used)?;
    let files = in_target(&staged_files, staged.path(), &out_dir);
    let wrote_report = if with_report {
        Some(report_finished(staged.path(), &out_dir)?)
    } else {
        None
    };
    staged.commit()?;
    drop(lock);
    if !settings.quiet {
        print!(
            "{}",
            report(
                &scenario,
                &across,
                threads_used,
                clock.elapsed().as_secs_f64(),
                &out_dir,
                &files
            )
        );
        if let Some(line) = wrote_report {
            println!("{line}");
        }
    }
    Ok(())
}

/// Paths written under the staging folder, as they are named once it is swapped in.
pub fn in_target(files: &[PathBuf], staging: &Path, target: &Path) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| match f.strip_prefix(staging) {
            Ok(rel) => target.join(rel),
            Err(_) => f.clone(),
        })
        .collect()
}

/// The terminal summary of a run: headline measures with their 95% intervals.
fn report(
    scenario: &Scenario,
    across: &AcrossReplicates,
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
        across.replicates(),
        p.ticks,
        p.seed,
        threads,
        seconds
    );
    let stats = across.measures();
    let replicates = across.replicates();
    let _ = writeln!(
        s,
        "  {:<44} {:>12}   {:<25}",
        "measure (mean over replicates)", "mean", "95% CI"
    );
    for (key, label) in HEADLINE {
        if let Some(m) = stats.iter().find(|m| m.metric == *key) {
            let st = &m.stats;
            let note = if st.n < replicates {
                format!(" ({} of {replicates} reached)", st.n)
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
    s.push_str(&wrapped(GAP_MEANING, "  ", TEXT_WIDTH));
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
