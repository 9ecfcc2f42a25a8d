//! Sensitivity analyses run on the sweep engine: Morris screening (`coordsim screen`) and Sobol
//! indices (`coordsim sobol`).
//!
//! An analysis lays out a design in the unit cube ([`unit_design`]), maps it to scenario values
//! ([`points`]: a key's range `LO..HI` linearly, a list `V1,V2,...` in equal strata, as a
//! sweep's sampled designs do), and runs it as a sweep: every point with the same replicates
//! on common seeds, streamed, resumable, in shards. What the analysis reads at a point is the
//! mean of a summary measure over its replicates; [`analyze`] turns those into indices. The
//! analytic tests (Ishigami, G-function, linear) go through the same [`unit_design`] and the
//! same estimators with a test function in place of the model.
//!
//! Morris designs carry one more factor than the keys, the **dummy**: it varies `run.seed`
//! over `levels` master seeds and nothing else, so its elementary effects are replicate noise,
//! and its `mu_star` is the noise floor a key must clear to matter.

pub mod morris;
pub mod sobol;

use std::path::PathBuf;

use rand::SeedableRng;

use self::morris::{MorrisDesign, MorrisIndex};
use self::sobol::{SobolDesign, SobolIndex};
use super::design::{self, Point, Vary, at};
use crate::output::manifest::Analysis;
use crate::output::schema::{MorrisRow, RunsRow, SobolRow, Table};
use crate::scenario::Scenario;
use crate::scenario::value::RawValue;
use crate::world::rng::{ModelRng, mix64};

pub use crate::output::schema::DUMMY;
/// The key the dummy varies.
pub const SEED_KEY: &str = "run.seed";

/// Summary measures analysed when none is named.
pub const DEFAULT_METRICS: &[&str] = &[
    "final_fragmentation",
    "final_mean_trust",
    "final_networks",
    "final_coordination_capacity",
    "cumulative_coordination_value",
    "cumulative_total_value",
];

/// Bootstrap resamples for the intervals.
pub const RESAMPLES: u32 = 1000;

/// A design in the unit cube.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitDesign {
    Morris(MorrisDesign),
    Sobol(SobolDesign),
}

impl UnitDesign {
    pub fn points(&self) -> &[Vec<f64>] {
        match self {
            UnitDesign::Morris(d) => &d.points,
            UnitDesign::Sobol(d) => &d.points,
        }
    }
}

/// The varied keys, parsed.
pub fn varied(a: &Analysis) -> Result<Vec<Vary>, String> {
    let vary: Vec<Vary> = a
        .vary()
        .iter()
        .map(|t| Vary::parse(t).map_err(|e| format!("--vary {t}: {e}")))
        .collect::<Result<_, _>>()?;
    if vary.is_empty() {
        return Err("nothing to vary: give --vary KEY=LO..HI (at least one)".into());
    }
    if let Some(v) = vary.iter().find(|v| v.key == SEED_KEY) {
        return Err(format!(
            "--vary {}: the seed is not a parameter to analyse (the Morris dummy already \
             varies it to measure replicate noise)",
            v.key
        ));
    }
    Ok(vary)
}

/// The factor names in design order: the keys (or, for Sobol, the groups and the ungrouped
/// keys), and the dummy last for Morris.
pub fn factor_names(a: &Analysis) -> Result<Vec<String>, String> {
    let vary = varied(a)?;
    Ok(match a {
        Analysis::Morris { .. } => vary
            .iter()
            .map(|v| v.key.clone())
            .chain([DUMMY.to_string()])
            .collect(),
        Analysis::Sobol { groups, .. } => {
            let (_, names) = sobol_groups(&vary, groups)?;
            names
        }
    })
}

/// Each key's group index and the group names (named groups first, in order, then every
/// ungrouped key on its own).
fn sobol_groups(
    vary: &[Vary],
    groups: &[crate::output::manifest::Group],
) -> Result<(Vec<usize>, Vec<String>), String> {
    let mut names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let mut group_of = Vec::with_capacity(vary.len());
    for v in vary {
        let mut found = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.keys.contains(&v.key));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => group_of.push(i),
            (Some((_, a)), Some((_, b))) => {
                return Err(format!(
                    "--groups: {} is in two groups, {} and {}",
                    v.key, a.name, b.name
                ));
            }
            _ => {
                group_of.push(names.len());
                names.push(v.key.clone());
            }
        }
    }
    for g in groups {
        if let Some(k) = g.keys.iter().find(|k| !vary.iter().any(|v| &v.key == *k)) {
            return Err(format!(
                "--groups: {} names {k}, which is not varied (add --vary {k}=LO..HI)",
                g.name
            ));
        }
        if g.keys.is_empty() {
            return Err(format!("--groups: {} has no keys", g.name));
        }
    }
    Ok((group_of, names))
}

/// The analysis's unit design, drawn from its own generator seeded from the master seed.
pub fn unit_design(a: &Analysis, seed: u64) -> Result<UnitDesign, String> {
    let vary = varied(a)?;
    let mut rng = ModelRng::seed_from_u64(mix64(seed ^ 0x7365_6e73_6974)); // "sensit"
    Ok(match a {
        Analysis::Morris {
            levels,
            trajectories,
            candidates,
            ..
        } => {
            if *levels < 2 || levels % 2 != 0 {
                return Err(format!(
                    "--levels {levels}: expected an even number of levels, at least 2 (4 is usual)"
                ));
            }
            if *trajectories < 2 {
                return Err(format!(
                    "--trajectories {trajectories}: expected at least 2 (10 to 50 is usual)"
                ));
            }
            if candidates.is_some_and(|c| c < *trajectories) {
                return Err("--optimize M: M must be at least --trajectories".into());
            }
            UnitDesign::Morris(morris::design(
                vary.len() + 1,
                *levels,
                *trajectories as usize,
                candidates.map(|c| c as usize),
                &mut rng,
            ))
        }
        Analysis::Sobol { rows, groups, .. } => {
            if *rows < 2 {
                return Err(format!(
                    "--samples {rows}: expected at least 2 rows (256 or more is usual)"
                ));
            }
            let (group_of, _) = sobol_groups(&vary, groups)?;
            UnitDesign::Sobol(sobol::design(group_of, *rows as usize, &mut rng))
        }
    })
}

/// The number of points of an analysis's design, counted before it is laid out.
pub fn point_count(a: &Analysis) -> Result<u64, String> {
    let keys = varied(a)?.len() as u64;
    Ok(match a {
        Analysis::Morris { trajectories, .. } => u64::from(*trajectories) * (keys + 2),
        Analysis::Sobol { rows, groups, .. } => {
            let (_, names) = sobol_groups(&varied(a)?, groups)?;
            u64::from(*rows) * (names.len() as u64 + 2)
        }
    })
}

/// The keys an analysis's sweep varies: the varied keys, and `run.seed` last for Morris.
pub fn keys(a: &Analysis) -> Result<Vec<String>, String> {
    let mut keys: Vec<String> = varied(a)?.into_iter().map(|v| v.key).collect();
    if matches!(a, Analysis::Morris { .. }) {
        keys.push(SEED_KEY.to_string());
    }
    Ok(keys)
}

/// The sweep points of an analysis: the varied keys' names (and `run.seed` for the Morris
/// dummy) and each point's values, every point checked against the scenario.
pub fn points(base: &Scenario, a: &Analysis) -> Result<(Vec<String>, Vec<Point>), String> {
    let vary = varied(a)?;
    for v in &vary {
        design::check_key(&v.key)?;
    }
    let master = base.params.run.seed;
    let unit = unit_design(a, master)?;
    let mut keys: Vec<String> = vary.iter().map(|v| v.key.clone()).collect();
    let dummy_levels = match a {
        Analysis::Morris { levels, .. } => {
            keys.push(SEED_KEY.to_string());
            Some(*levels)
        }
        Analysis::Sobol { .. } => None,
    };
    let mut all_vary = vary.clone();
    if dummy_levels.is_some() {
        all_vary.push(Vary::parse(&format!("{SEED_KEY}={master}")).map_err(|e| e.to_string())?);
    }
    let pts: Vec<Point> = unit
        .points()
        .iter()
        .map(|u| {
            let mut p: Point = vary.iter().zip(u).map(|(v, &x)| at(v, x)).collect();
            if let Some(levels) = dummy_levels {
                let level = (u[vary.len()] * (levels - 1) as f64).round() as u64;
                p.push(RawValue::Integer(master.wrapping_add(level) as i64));
            }
            p
        })
        .collect();
    for p in &pts {
        design::point_scenario(base, &all_vary, p)?;
    }
    Ok((keys, pts))
}

/// Per metric, the mean over replicates at each design point, read from the sweep's `runs.csv`
/// files (in run order). `None` where a point has no value of the metric.
fn point_means(
    runs_files: &[PathBuf],
    varied: usize,
    metrics: &[String],
    points: usize,
) -> Result<Vec<Vec<Option<f64>>>, String> {
    let mut sums = vec![vec![(0.0, 0usize); points]; metrics.len()];
    for path in runs_files {
        let mut table = Table::open(path).map_err(|e| e.to_string())?;
        let columns: Vec<String> = table
            .header
            .iter()
            .skip(4 + varied)
            .map(str::to_string)
            .collect();
        let index: Vec<usize> = metrics
            .iter()
            .map(|m| {
                columns.iter().position(|c| c == m).ok_or_else(|| {
                    format!(
                        "--metric {m}: not a summary measure of the runs (see runs.csv's columns)"
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let (shown, header) = (table.path.clone(), table.header.clone());
        table
            .records(|record, _| {
                let row = RunsRow::from_record(record, varied, &shown, &header)?;
                for (m, &i) in index.iter().enumerate() {
                    if let (Some(Some(x)), Some(slot)) =
                        (row.measures.get(i), sums[m].get_mut(row.point))
                    {
                        slot.0 += x;
                        slot.1 += 1;
                    }
                }
                Ok(())
            })
            .map_err(|e| e.to_string())?;
    }
    Ok(sums
        .into_iter()
        .map(|per_point| {
            per_point
                .into_iter()
                .map(|(s, n)| (n > 0).then(|| s / n as f64))
                .collect()
        })
        .collect())
}

/// An analysis's results.
#[derive(Debug, Clone, PartialEq)]
pub enum Results {
    Morris(Vec<MorrisRow>),
    Sobol(Vec<SobolRow>),
}

/// Analyses a finished sweep of `a`'s design: indices per metric and factor. A metric with no
/// value at some point (e.g. `first_full_stage_tick` where no network got there) is left out
/// and named in the second list.
pub fn analyze(
    a: &Analysis,
    master_seed: u64,
    runs_files: &[PathBuf],
    varied_columns: usize,
) -> Result<(Results, Vec<String>), String> {
    let unit = unit_design(a, master_seed)?;
    let names = factor_names(a)?;
    let metrics = a.metrics();
    let means = point_means(runs_files, varied_columns, metrics, unit.points().len())?;
    let mut rng = ModelRng::seed_from_u64(mix64(master_seed ^ 0x626f_6f74)); // "boot"
    let resamples = match a {
        Analysis::Morris { resamples, .. } | Analysis::Sobol { resamples, .. } => {
            *resamples as usize
        }
    };
    let mut skipped = Vec::new();
    let (mut morris_rows, mut sobol_rows) = (Vec::new(), Vec::new());
    for (metric, y) in metrics.iter().zip(means) {
        let Some(y) = y.into_iter().collect::<Option<Vec<f64>>>() else {
            skipped.push(metric.clone());
            continue;
        };
        match &unit {
            UnitDesign::Morris(d) => {
                for (key, ix) in names.iter().zip(d.analyze(&y, resamples, &mut rng)) {
                    morris_rows.push(morris_row(metric, key, ix));
                }
            }
            UnitDesign::Sobol(d) => {
                for (key, ix) in names.iter().zip(d.analyze(&y, resamples, &mut rng)) {
                    sobol_rows.push(sobol_row(metric, key, ix));
                }
            }
        }
    }
    let results = match unit {
        UnitDesign::Morris(_) => Results::Morris(morris_rows),
        UnitDesign::Sobol(_) => Results::Sobol(sobol_rows),
    };
    Ok((results, skipped))
}

fn morris_row(metric: &str, key: &str, ix: MorrisIndex) -> MorrisRow {
    MorrisRow {
        metric: metric.to_string(),
        key: key.to_string(),
        mu: ix.mu,
        mu_star: ix.mu_star,
        sigma: ix.sigma,
        mu_star_ci95_low: ix.mu_star_ci95_low,
        mu_star_ci95_high: ix.mu_star_ci95_high,
        n: ix.n,
    }
}

fn sobol_row(metric: &str, key: &str, ix: SobolIndex) -> SobolRow {
    SobolRow {
        metric: metric.to_string(),
        key: key.to_string(),
        first_order: ix.s1,
        first_order_ci95_low: ix.s1_ci95_low,
        first_order_ci95_high: ix.s1_ci95_high,
        total: ix.st,
        total_ci95_low: ix.st_ci95_low,
        total_ci95_high: ix.st_ci95_high,
        n: ix.n,
    }
}

/// Writes `morris.csv` or `sobol.csv`.
pub fn write_results(out: &mut impl std::io::Write, results: &Results) -> std::io::Result<()> {
    let mut w = crate::output::schema::writer(out);
    match results {
        Results::Morris(rows) => {
            w.write_record(MorrisRow::header())?;
            for r in rows {
                w.serialize(r)?;
            }
        }
        Results::Sobol(rows) => {
            w.write_record(SobolRow::header())?;
            for r in rows {
                w.serialize(r)?;
            }
        }
    }
    w.flush()
}
