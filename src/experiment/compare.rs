//! Policy comparisons: several arms (scenarios, or one scenario with what-ifs) run with the same
//! replicate seeds (common random numbers), summarised with paired differences to the first arm.
//!
//! Replicate r of every arm uses seed `replicate_seed(master, r)`, where the master seed and the
//! number of replicates are the first arm's. A difference that comes only from the change of
//! policy is then not drowned in between-run noise, and an arm identical to the first gives a
//! paired difference of exactly zero.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::progress_bar;
use crate::metrics::measures::{self, Direction};
use crate::output::manifest::{self, ArmInfo, CompareSection, Manifest, Provenance, ScenarioInfo};
use crate::output::schema::CompareRow;
use crate::output::{self, OutputError, Staging, summary_columns, summary_values};
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
    let token = super::cancel::current();
    let bar = progress_bar(jobs.len() as u64, "runs", show_progress);
    let flat: Option<Vec<ReplicateOutput>> = pool.install(|| {
        use indicatif::ParallelProgressIterator;
        jobs.par_iter()
            .map(|&(a, r)| {
                (!super::cancel::is_cancelled(&token)).then(|| {
                    run_replicate_with(&arms[a].scenario.params, r as u32, seeds[r], false)
                })
            })
            .progress_with(bar.clone())
            .collect()
    });
    bar.finish_and_clear();
    let flat = flat.ok_or(super::ExperimentError::Cancelled)?;
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

impl ArmMeasure {
    /// The row of compare.csv.
    pub fn row(&self) -> CompareRow<'_> {
        let (s, d) = (&self.stats, self.difference.as_ref());
        CompareRow {
            metric: Cow::Borrowed(&self.metric),
            arm: self.arm,
            label: Cow::Borrowed(&self.label),
            n: s.n,
            mean: s.mean,
            sd: s.sd,
            ci95_low: s.ci95_low,
            ci95_high: s.ci95_high,
            diff_mean: d.map(|d| d.mean),
            diff_ci95_low: d.map(|d| d.ci95_low),
            diff_ci95_high: d.map(|d| d.ci95_high),
            diff_n: d.map(|d| d.n),
            diff_sd: d.map(|d| d.sd),
        }
    }
}

/// How a comparison's runs get their seeds, in words (the manifest's `seed_rule`).
pub const SEED_RULE: &str = "every arm runs the same replicate seeds (common random numbers): replicate r uses replicate_seed(master_seed, r)";

/// The statistics of compare.csv, in words.
pub const STATISTICS: &str = "mean and t-based 95% CI per arm; paired difference (arm - first arm, replicate by replicate) with its t-based 95% CI";

/// Writes a comparison's folder atomically: `compare.csv`, `summary.csv` and
/// `timeseries.csv` (the run formats, the arm's label in the `scenario` column; replicate r
/// ran the same seed in every arm) and the manifest (`provenance` begun when it started).
pub fn write_folder(
    out_dir: &Path,
    arms: &[Arm],
    results: &[Vec<ReplicateOutput>],
    rows: &[ArmMeasure],
    provenance: Provenance,
    threads: usize,
) -> Result<Vec<PathBuf>, OutputError> {
    let per_arm: Vec<(&str, &[ReplicateOutput])> = arms
        .iter()
        .zip(results)
        .map(|(a, r)| (a.label.as_str(), r.as_slice()))
        .collect();
    let csv_rows: Vec<CompareRow> = rows.iter().map(ArmMeasure::row).collect();
    let mut staging = Staging::new();
    staging.write(&out_dir.join("compare.csv"), |w| {
        output::write_rows(w, &CompareRow::header(), &csv_rows)
    })?;
    staging.write(&out_dir.join("summary.csv"), |w| {
        output::write_summary_arms(w, &per_arm)
    })?;
    staging.write(&out_dir.join("timeseries.csv"), |w| {
        output::write_timeseries_arms(w, &per_arm)
    })?;
    let mut files = staging.names();
    files.push("manifest.json".to_string());
    let section = CompareSection {
        arms: arms
            .iter()
            .map(|a| ArmInfo {
                label: a.label.clone(),
                scenario: ScenarioInfo::of(&a.scenario),
                what_if: a.what_if.clone(),
                parameters: manifest::parameters_json(&a.scenario),
            })
            .collect(),
        replicate_seeds: shared_seeds(arms),
        statistics: STATISTICS.to_string(),
    };
    let m = Manifest::compare(provenance.finish(threads, files), section);
    staging.write(&out_dir.join("manifest.json"), |w| m.write(w))?;
    staging.commit()
}

/// In words: is the difference clear, and which way? (Raw direction; [`judged`] says
/// whether that way is better.)
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

/// The verdict a reader acts on: "clearly better" or "clearly worse" when the 95% interval
/// of the paired difference excludes zero on the side the measure's direction calls good or
/// bad, "no clear difference" when it does not; for a measure with no better direction just
/// "higher" or "lower". `None` direction (an unknown measure) reads as `Neither`.
pub fn judged(d: &Summary, direction: Option<Direction>) -> &'static str {
    match verdict(d) {
        "clearly higher" | "clearly lower" | "within noise" => direction
            .unwrap_or(Direction::Neither)
            .verdict(d.ci95_low, d.ci95_high),
        other => other,
    }
}

/// The verdicts in words, for the foot of every table that shows them.
pub const VERDICTS: &str = "\"clearly better\" / \"clearly worse\": the 95% interval of the paired \
difference excludes zero on the side the measure's direction calls better / worse; \"no clear \
difference\": the interval holds zero; \"higher\" / \"lower\": a clear difference on a measure where \
neither direction is better by itself.";

/// [`judged`] for a summary measure by name (its direction from `metrics::measures`).
pub fn judged_measure(measure: &str, d: &Summary) -> &'static str {
    judged(d, measures::summary(measure).map(|m| m.direction))
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
        let up = s(1.0, 0.5, 1.5);
        let down = s(-1.0, -1.5, -0.5);
        assert_eq!(judged_measure("final_mean_trust", &up), "clearly better");
        assert_eq!(judged_measure("final_mean_trust", &down), "clearly worse");
        assert_eq!(judged_measure("final_fragmentation", &up), "clearly worse");
        assert_eq!(
            judged_measure("final_fragmentation", &down),
            "clearly better"
        );
        assert_eq!(judged_measure("final_networks", &up), "higher");
        assert_eq!(judged_measure("final_networks", &down), "lower");
        assert_eq!(
            judged_measure("final_mean_trust", &s(0.1, -0.5, 0.7)),
            "no clear difference"
        );
    }
}
