//! Policy comparisons: several arms (scenarios, or one scenario with what-ifs) run with the same
//! replicate seeds (common random numbers), summarised with paired differences to the first arm.
//!
//! Replicate r of every arm uses seed `replicate_seed(master, r)`, where the master seed and the
//! number of replicates are the first arm's. A difference that comes only from the change of
//! policy is then not drowned in between-run noise, and an arm identical to the first gives a
//! paired difference of exactly zero.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::progress_bar;
use crate::output::{self, field, summary_columns, summary_values};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{ReplicateOutput, run_replicate_with};
use crate::stats::{Summary, paired_difference, summarize};
use crate::world::rng::replicate_seed;

/// One arm of a comparison.
#[derive(Debug, Clone)]
pub struct Arm {
    pub label: String,
    pub scenario: Scenario,
    /// What-if assignments that made this arm from the base (empty for a scenario file).
    pub what_if: Vec<String>,
}

/// Builds what-if arms: the base first, then one arm per `--what-if`; `KEY=VALUE;KEY=VALUE`
/// changes several keys in one arm.
pub fn what_if_arms(base: &Scenario, what_ifs: &[String]) -> Result<Vec<Arm>, ScenarioError> {
    let mut arms = vec![Arm {
        label: base.name.clone(),
        scenario: base.clone(),
        what_if: Vec::new(),
    }];
    for w in what_ifs {
        let assignments: Vec<String> = w
            .split(';')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        let shared = assignments
            .iter()
            .find(|a| a.starts_with("run.seed") || a.starts_with("run.replicates"));
        if let Some(a) = shared {
            return Err(ScenarioError::Override {
                assignment: a.clone(),
                message:
                    "every arm runs the first arm's seeds and replicates (common random numbers): \
                          set them for all arms with --seed and --replicates"
                        .into(),
            });
        }
        let mut s = base.clone();
        s.apply_overrides(&assignments)?;
        arms.push(Arm {
            label: assignments.join("; "),
            scenario: s,
            what_if: assignments,
        });
    }
    Ok(arms)
}

/// Makes labels unique by numbering repeats ("baseline", "baseline #2").
pub fn unique_labels(arms: &mut [Arm]) {
    let originals: Vec<String> = arms.iter().map(|a| a.label.clone()).collect();
    for (i, arm) in arms.iter_mut().enumerate() {
        let earlier = originals[..i]
            .iter()
            .filter(|l| **l == originals[i])
            .count();
        if earlier > 0 {
            arm.label = format!("{} #{}", originals[i], earlier + 1);
        }
    }
}

/// The replicate seeds every arm shares.
pub fn shared_seeds(arms: &[Arm]) -> Vec<u64> {
    let run = &arms[0].scenario.params.run;
    (0..run.replicates as u64)
        .map(|r| replicate_seed(run.seed, r))
        .collect()
}

/// Runs every arm's replicates in parallel; results are in arm order, then replicate order.
pub fn run_arms(
    arms: &[Arm],
    threads: Option<usize>,
    show_progress: bool,
) -> Result<(Vec<Vec<ReplicateOutput>>, usize), super::ExperimentError> {
    let seeds = shared_seeds(arms);
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder
        .build()
        .map_err(|e| super::ExperimentError::ThreadPool {
            threads: threads.unwrap_or(0),
            reason: e.to_string(),
        })?;
    let jobs: Vec<(usize, usize)> = (0..arms.len())
        .flat_map(|a| (0..seeds.len()).map(move |r| (a, r)))
        .collect();
    let bar = progress_bar(jobs.len() as u64, "runs", show_progress);
    let flat: Vec<ReplicateOutput> = pool.install(|| {
        use indicatif::ParallelProgressIterator;
        jobs.par_iter()
            .map(|&(a, r)| run_replicate_with(&arms[a].scenario.params, r as u32, seeds[r], false))
            .progress_with(bar.clone())
            .collect()
    });
    bar.finish_and_clear();
    let mut by_arm: Vec<Vec<ReplicateOutput>> = Vec::with_capacity(arms.len());
    let mut it = flat.into_iter();
    for _ in arms {
        by_arm.push(it.by_ref().take(seeds.len()).collect());
    }
    Ok((by_arm, pool.current_num_threads()))
}

/// One row of compare.csv: a measure in one arm, and its paired difference to the first arm.
#[derive(Debug, Clone, Serialize)]
pub struct ArmMeasure {
    pub metric: String,
    pub arm: usize,
    pub label: String,
    pub stats: Summary,
    /// Arm minus the first arm, replicate by replicate; `None` for the first arm.
    pub difference: Option<Summary>,
}

/// Every summary measure of every arm, measure-major.
pub fn measures(arms: &[Arm], results: &[Vec<ReplicateOutput>]) -> Vec<ArmMeasure> {
    let values: Vec<Vec<Vec<Option<f64>>>> = results
        .iter()
        .map(|runs| runs.iter().map(summary_values).collect())
        .collect();
    let mut out = Vec::new();
    for (m, metric) in summary_columns().into_iter().enumerate() {
        let column = |a: usize| -> Vec<Option<f64>> { values[a].iter().map(|v| v[m]).collect() };
        let reference = column(0);
        for (a, arm) in arms.iter().enumerate() {
            let col = column(a);
            let present: Vec<f64> = col.iter().flatten().copied().collect();
            out.push(ArmMeasure {
                metric: metric.clone(),
                arm: a,
                label: arm.label.clone(),
                stats: summarize(&present),
                difference: (a > 0).then(|| paired_difference(&reference, &col)),
            });
        }
    }
    out
}

/// compare.csv.
pub fn write_compare_csv(out: &mut impl Write, rows: &[ArmMeasure]) -> io::Result<()> {
    writeln!(
        out,
        "metric,arm,label,n,mean,sd,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,diff_n,diff_sd"
    )?;
    for r in rows {
        write!(out, "{},{},", r.metric, r.arm)?;
        field(out, &r.label)?;
        let s = &r.stats;
        write!(
            out,
            ",{},{},{},{},{}",
            s.n, s.mean, s.sd, s.ci95_low, s.ci95_high
        )?;
        match &r.difference {
            Some(d) => writeln!(
                out,
                ",{},{},{},{},{}",
                d.mean, d.ci95_low, d.ci95_high, d.n, d.sd
            )?,
            None => writeln!(out, ",,,,,")?,
        }
    }
    Ok(())
}

/// timeseries.csv of all arms: the run format, with the arm's label in the `scenario` column.
pub fn write_timeseries(
    out: &mut impl Write,
    arms: &[Arm],
    results: &[Vec<ReplicateOutput>],
) -> io::Result<()> {
    write_per_arm(out, arms, results, output::write_timeseries)
}

/// summary.csv of all arms: one row per arm and replicate, the run format, with the arm's label
/// in the `scenario` column (for paired analyses of one's own: replicate r ran the same seed in
/// every arm).
pub fn write_summary(
    out: &mut impl Write,
    arms: &[Arm],
    results: &[Vec<ReplicateOutput>],
) -> io::Result<()> {
    write_per_arm(out, arms, results, output::write_summary_csv)
}

/// Writes each arm with a run-format CSV writer, one header for all.
fn write_per_arm(
    out: &mut impl Write,
    arms: &[Arm],
    results: &[Vec<ReplicateOutput>],
    write_arm: impl Fn(&mut Vec<u8>, &str, &[ReplicateOutput]) -> io::Result<()>,
) -> io::Result<()> {
    for (i, (arm, runs)) in arms.iter().zip(results).enumerate() {
        let mut buf = Vec::new();
        write_arm(&mut buf, &arm.label, runs)?;
        let header_end = buf.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        out.write_all(if i == 0 { &buf } else { &buf[header_end..] })?;
    }
    Ok(())
}

/// In words: is the difference clear, and which way?
pub fn verdict(d: &Summary) -> &'static str {
    if d.n == 0 {
        "no pairs to compare"
    } else if d.mean == 0.0 && d.sd == 0.0 {
        "identical"
    } else if d.n < 2 {
        "one replicate: cannot tell"
    } else if d.ci95_low > 0.0 {
        "clearly higher"
    } else if d.ci95_high < 0.0 {
        "clearly lower"
    } else {
        "within noise"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_what_if_without_change_gives_exactly_zero_difference() {
        let mut base = Scenario::defaults("base");
        base.apply_overrides(&[
            "run.ticks=10",
            "run.replicates=3",
            "population.communities=30",
            "population.regions=3",
        ])
        .unwrap();
        let arms = what_if_arms(&base, &["funding.coordination_share=0.2".to_string()]).unwrap();
        let (results, _) = run_arms(&arms, Some(2), false).unwrap();
        for m in measures(&arms, &results).iter().filter(|m| m.arm == 1) {
            let d = m.difference.as_ref().unwrap();
            assert_eq!((d.mean, d.sd), (0.0, 0.0), "{}", m.metric);
            if d.n > 0 {
                assert_eq!(verdict(d), "identical");
            }
        }
    }

    #[test]
    fn arms_share_seeds_and_labels_are_unique() {
        let base = Scenario::defaults("base");
        assert!(
            what_if_arms(&base, &["run.seed=99".to_string()]).is_err(),
            "seeds are shared, not varied"
        );
        let what_ifs = [
            "trust.half_life_ticks=9".to_string(),
            "trust.half_life_ticks=9".to_string(),
        ];
        let mut arms = what_if_arms(&base, &what_ifs).unwrap();
        unique_labels(&mut arms);
        assert_eq!(arms[1].label, "trust.half_life_ticks=9");
        assert_eq!(arms[2].label, "trust.half_life_ticks=9 #2");
        // The first arm's seed rules all arms.
        assert_eq!(shared_seeds(&arms)[0], replicate_seed(42, 0));
    }

    #[test]
    fn verdicts_read_the_interval() {
        let s = |mean, lo, hi| Summary {
            n: 10,
            mean,
            sd: 1.0,
            ci95_low: lo,
            ci95_high: hi,
        };
        assert_eq!(verdict(&s(1.0, 0.5, 1.5)), "clearly higher");
        assert_eq!(verdict(&s(-1.0, -1.5, -0.5)), "clearly lower");
        assert_eq!(verdict(&s(0.1, -0.5, 0.7)), "within noise");
    }
}
