//! `coordsim compare`: arms on shared seeds, their files, and the terminal tables of differences.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use coordsim::experiment::budget;
use coordsim::experiment::compare::{self as cmp, Arm, VERDICTS};
use coordsim::metrics::measures;
use coordsim::output::{self, GAP_MEANING, manifest};

use crate::cli::CompareArgs;
use crate::error::CommandError;
use crate::plot::draw_finished;
use crate::report::{HEADLINE, TEXT_WIDTH, num, wrapped};
use crate::resolve::{Settings, check_fits, load, thread_count};
use crate::share::report_finished;

/// `coordsim compare`, resolved: the arms, each a scenario with every override applied.
#[derive(Debug)]
pub struct CompareRequest {
    /// The reference arm first; labels are unique.
    pub arms: Vec<Arm>,
    /// The shared flags; `settings.overrides` apply to every arm (before its what-if).
    pub settings: Settings,
    /// Output folder (default: outputs/compare).
    pub out: PathBuf,
    /// As typed, for the manifest.
    pub command_line: Vec<String>,
    /// `--report`: also write report.html into the folder.
    pub report: bool,
}

/// Raw flags to a comparison: two or more scenarios, or one base and its what-ifs.
pub fn request(
    args: &CompareArgs,
    command_line: Vec<String>,
) -> Result<CompareRequest, CommandError> {
    let settings = args.flags.resolve(args.replicates);
    let common = &settings.overrides;
    let mut arms: Vec<Arm> = if args.what_if.is_empty() {
        if args.scenarios.len() < 2 {
            return Err(CommandError::Usage(
                "compare needs two or more scenarios, or one scenario and --what-if KEY=VALUE"
                    .into(),
            ));
        }
        let mut arms = Vec::new();
        for name in &args.scenarios {
            let s = load(Some(name), common)?;
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
        let base = load(Some(&args.scenarios[0]), common)?;
        cmp::what_if_arms(&base, &args.what_if)?
    };
    cmp::unique_labels(&mut arms);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join("compare"));
    Ok(CompareRequest {
        arms,
        settings,
        out,
        command_line,
        report: args.report,
    })
}

/// `coordsim compare`.
pub fn compare(request: CompareRequest) -> Result<(), CommandError> {
    let CompareRequest {
        arms,
        settings,
        out: out_dir,
        command_line,
        report: with_report,
    } = request;
    let common = &settings.overrides;
    let provenance = manifest::Provenance::begin(
        &arms[0].scenario,
        common.clone(),
        command_line,
        cmp::SEED_RULE,
    );
    // Lock and stage before simulating: a busy or unwritable folder is refused at once.
    // Arms differ only in their what-ifs; the largest one sizes them all.
    let largest = arms
        .iter()
        .map(|a| {
            budget::compare_need(
                &a.scenario.params,
                arms.len(),
                thread_count(settings.threads),
            )
        })
        .max_by_key(|n| n.memory)
        .expect("a comparison has arms");
    check_fits(&largest, settings.max_memory, &out_dir)?;
    let lock = output::FolderLock::acquire(&out_dir)?;
    lock.check_writable()?;
    let staged = output::StagedFolder::begin(&lock)?;
    let clock = Instant::now();
    let (results, threads) = cmp::run_arms(&arms, settings.threads, !settings.quiet)?;
    let rows = cmp::measures(&arms, &results);
    let seeds = cmp::shared_seeds(&arms);
    cmp::write_folder(staged.path(), &arms, &results, &rows, provenance, threads)?;
    let drew = if settings.plots {
        Some(draw_finished(staged.path(), &out_dir)?)
    } else {
        None
    };
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
    if let (Some(line), false) = (drew, settings.quiet) {
        println!("{line}");
    }
    if let (Some(line), false) = (wrote_report, settings.quiet) {
        println!("{line}");
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
        coordsim::VERSION,
        arms.len()
    );
    let _ = writeln!(
        s,
        "reference arm: {} (each difference is another arm minus it, paired by seed)",
        arms[0].label
    );
    let width = arms
        .iter()
        .map(|a| a.label.chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 48);
    for (key, _) in HEADLINE {
        // The plain label and which way is better come from the measures' metadata.
        let (label, better) = match measures::summary(key) {
            Some(m) => (m.label, format!("; {}", m.direction.words())),
            None => (key.to_string(), String::new()),
        };
        let _ = writeln!(s, "\n{label} ({key}{better})");
        let _ = writeln!(
            s,
            "  {:<width$} {:>10}  {:<22} {:<34} verdict",
            "arm", "mean", "95% CI", "difference to reference"
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
                Some(d) if d.n == 0 => ("-".to_string(), cmp::judged_measure(key, d).to_string()),
                Some(d) => (
                    format!(
                        "{}{} [{}, {}]",
                        if d.mean > 0.0 { "+" } else { "" },
                        num(d.mean),
                        num(d.ci95_low),
                        num(d.ci95_high)
                    ),
                    cmp::judged_measure(key, d).to_string(),
                ),
            };
            let name: String = r.label.chars().take(width).collect();
            let _ = writeln!(
                s,
                "  {name:<width$} {mean:>10}  {ci:<22} {diff:<34} {verdict}"
            );
        }
        if *key == "final_cumulative_coordination_value_gap" {
            s.push_str(&wrapped(GAP_MEANING, "  ", TEXT_WIDTH));
        }
    }
    s.push('\n');
    s.push_str(&wrapped(VERDICTS, "", TEXT_WIDTH));
    let _ = writeln!(
        s,
        "wrote {}: compare.csv, summary.csv, timeseries.csv, manifest.json",
        out.display()
    );
    s
}
