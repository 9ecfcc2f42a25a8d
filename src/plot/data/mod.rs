//! The output files as plain records for drawing: a run's or comparison's timeseries as bands
//! over ticks, a replicate's snapshots, compare.csv and points.csv rows, read through
//! `output::schema` (`read`), or built from a run's in-memory results (the same numbers the
//! CSVs hold).

mod read;
mod snapshots;

pub use read::{
    Sweep, read_compare, read_manifest, read_nodes, read_sweep, read_sweep_where, read_ties,
    read_timeseries,
};
pub use snapshots::{Snapshots, Window, snapshot_ticks};

use std::collections::BTreeMap;
use std::path::Path;

use crate::metrics::COLUMNS;
use crate::output;
use crate::output::schema::{NodeRow, SchemaError};
use crate::sim::ReplicateOutput;
use crate::stats::{Summary, summarize};

use super::PlotError;

/// One point of a band: the mean across replicates at a tick and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub tick: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl BandPoint {
    fn of(tick: u32, s: &Summary) -> Self {
        BandPoint {
            tick: f64::from(tick),
            mean: s.mean,
            low: s.ci95_low,
            high: s.ci95_high,
        }
    }
}

/// One row of `timeseries.csv`: a replicate at a tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub replicate: u32,
    pub tick: u32,
    /// Metric values in the order of [`Timeseries::metrics`].
    pub values: Vec<f64>,
}

/// The rows of one scenario (a run) or one arm (a comparison).
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub label: String,
    pub rows: Vec<Row>,
}

/// `timeseries.csv`: every replicate at every tick, grouped by scenario (arm).
#[derive(Debug, Clone, PartialEq)]
pub struct Timeseries {
    /// Where it came from, for error messages.
    pub source: String,
    /// Metric column names (everything after `scenario,replicate,seed,tick`).
    pub metrics: Vec<String>,
    /// In order of first appearance.
    pub arms: Vec<Arm>,
}

impl Timeseries {
    /// Index of a metric column, or an error naming the file and the column.
    pub fn column(&self, name: &str) -> Result<usize, PlotError> {
        self.metrics.iter().position(|m| m == name).ok_or_else(|| {
            PlotError::File(SchemaError::MissingColumn {
                path: self.source.clone(),
                column: name.to_string(),
            })
        })
    }

    /// The mean and 95% interval across an arm's replicates, tick by tick, of `f(row values)`.
    pub fn band_by(&self, arm: usize, f: impl Fn(&[f64]) -> f64) -> Vec<BandPoint> {
        let mut by_tick: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for row in &self.arms[arm].rows {
            by_tick.entry(row.tick).or_default().push(f(&row.values));
        }
        by_tick
            .iter()
            .map(|(&tick, xs)| BandPoint::of(tick, &summarize(xs)))
            .collect()
    }

    /// The band of one metric column.
    pub fn band(&self, arm: usize, column: usize) -> Vec<BandPoint> {
        self.band_by(arm, |v| v[column])
    }

    /// Number of distinct replicates in an arm.
    pub fn replicates(&self, arm: usize) -> usize {
        let mut reps: Vec<u32> = self.arms[arm].rows.iter().map(|r| r.replicate).collect();
        reps.sort_unstable();
        reps.dedup();
        reps.len()
    }

    /// The last tick of an arm (0 when empty).
    pub fn last_tick(&self, arm: usize) -> u32 {
        self.arms[arm]
            .rows
            .iter()
            .map(|r| r.tick)
            .max()
            .unwrap_or(0)
    }

    /// One replicate's value of a column at a tick.
    pub fn value(&self, arm: usize, replicate: u32, tick: u32, column: usize) -> Option<f64> {
        self.arms[arm]
            .rows
            .iter()
            .find(|r| r.replicate == replicate && r.tick == tick)
            .map(|r| r.values[column])
    }
}

/// Everything a run folder holds that the plots use.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// The scenario's name, with the overrides that change the model:
    /// `baseline (funding.policy=direct_service)`.
    pub scenario: String,
    pub series: Timeseries,
    /// `None` when the folder has no `nodes.csv`/`ties.csv`.
    pub snapshots: Option<Snapshots>,
}

/// Where a run's tables are (under their staged names while the run is being written).
#[derive(Debug, Clone, Copy)]
pub struct RunTables<'a> {
    pub timeseries: &'a Path,
    pub nodes: &'a Path,
    pub ties: &'a Path,
}

/// The replicate the network picture shows.
pub const PICTURE_REPLICATE: u32 = 0;

impl RunData {
    /// The same data as the run's CSVs, from the results in memory (`overrides` as in the
    /// manifest).
    pub fn from_runs(
        scenario: &str,
        overrides: &[String],
        tie_threshold: f64,
        runs: &[ReplicateOutput],
    ) -> Self {
        let metrics: Vec<String> = COLUMNS.iter().skip(1).map(|c| c.to_string()).collect();
        let rows = runs
            .iter()
            .flat_map(|run| {
                run.records.iter().map(move |rec| {
                    let values = rec.values();
                    Row {
                        replicate: run.replicate,
                        tick: values[0] as u32,
                        values: values[1..].to_vec(),
                    }
                })
            })
            .collect();
        let snapshots = runs
            .iter()
            .find(|r| r.replicate == PICTURE_REPLICATE)
            .map(|run| {
                let nodes: Vec<NodeRow> = run
                    .nodes
                    .iter()
                    .map(|n| output::node_row(run.replicate, n))
                    .collect();
                let ties = run
                    .ties
                    .iter()
                    .map(|t| output::tie_row(run.replicate, t))
                    .collect();
                Snapshots {
                    replicate: run.replicate,
                    ticks: snapshot_ticks(&nodes),
                    nodes,
                    ties,
                    tie_threshold,
                }
            });
        RunData {
            scenario: scenario_label(scenario, overrides),
            series: Timeseries {
                source: "timeseries.csv".to_string(),
                metrics,
                arms: vec![Arm {
                    label: scenario.to_string(),
                    rows,
                }],
            },
            snapshots,
        }
    }

    /// The same data read back from a run's tables as they were just written, before its
    /// folder has a manifest (`coordsim run` draws its plots this way, so it need not hold
    /// every replicate in memory): the timeseries, and replicate 0's snapshots.
    pub fn from_tables(
        scenario: &str,
        overrides: &[String],
        tie_threshold: f64,
        tables: RunTables<'_>,
    ) -> Result<Self, PlotError> {
        let mut series = read_timeseries(tables.timeseries)?;
        series.source = "timeseries.csv".to_string();
        let nodes = read_nodes(tables.nodes, PICTURE_REPLICATE)?;
        let ties = read_ties(tables.ties, PICTURE_REPLICATE)?;
        Ok(RunData {
            scenario: scenario_label(scenario, overrides),
            series,
            snapshots: Some(Snapshots {
                replicate: PICTURE_REPLICATE,
                ticks: snapshot_ticks(&nodes),
                nodes,
                ties,
                tie_threshold,
            }),
        })
    }

    /// Reads a run folder. `nodes.csv` and `ties.csv` are optional (older folders lack them).
    pub fn read(dir: &Path) -> Result<Self, PlotError> {
        let manifest = read_manifest(dir)?;
        let series = read_timeseries(&dir.join("timeseries.csv"))?;
        let name = manifest
            .as_ref()
            .map(|m| m.provenance.scenario.name.clone())
            .or_else(|| series.arms.first().map(|a| a.label.clone()))
            .unwrap_or_default();
        let overrides = manifest
            .as_ref()
            .map(|m| m.provenance.overrides.clone())
            .unwrap_or_default();
        let scenario = scenario_label(&name, &overrides);
        let (nodes_path, ties_path) = (dir.join("nodes.csv"), dir.join("ties.csv"));
        let snapshots = if nodes_path.is_file() && ties_path.is_file() {
            let nodes = read_nodes(&nodes_path, PICTURE_REPLICATE)?;
            let ties = read_ties(&ties_path, PICTURE_REPLICATE)?;
            let tie_threshold = manifest
                .as_ref()
                .and_then(|m| m.parameter("trust.tie_threshold"))
                .and_then(|v| v.as_f64())
                .unwrap_or_else(|| {
                    ties.iter()
                        .map(|t| t.trust)
                        .fold(f64::INFINITY, f64::min)
                        .min(1.0)
                });
            Some(Snapshots {
                replicate: PICTURE_REPLICATE,
                ticks: snapshot_ticks(&nodes),
                nodes,
                ties,
                tie_threshold: if tie_threshold.is_finite() {
                    tie_threshold
                } else {
                    0.0
                },
            })
        } else {
            None
        };
        Ok(RunData {
            scenario,
            series,
            snapshots,
        })
    }
}

/// A scenario's name for titles: with the overrides that change the model (not `run.*` or
/// `output.*`, which change how much is run and written).
pub fn scenario_label(name: &str, overrides: &[String]) -> String {
    let shown: Vec<&str> = overrides
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.starts_with("run.") && !o.starts_with("output."))
        .collect();
    if shown.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", shown.join(", "))
    }
}
