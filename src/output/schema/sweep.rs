//! The rows of a sweep's files: `runs.csv`, `points.csv` and `timeseries.csv`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{SchemaError, num};
use crate::metrics::COLUMNS;

/// `runs.csv`: one run (point x replicate): the point's values of the varied keys, then its
/// summary measures (the columns of `summary.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunsRow<'a> {
    pub run: u64,
    pub point: usize,
    pub replicate: u32,
    pub seed: u64,
    /// The varied keys' values, as the plan writes them.
    pub point_values: Vec<Cow<'a, str>>,
    #[serde(serialize_with = "num::opt_list")]
    pub measures: Vec<Option<f64>>,
}

/// The four key columns of a `runs.csv` row, read positionally.
#[derive(Deserialize)]
struct RunKeys {
    run: u64,
    point: usize,
    replicate: u32,
    seed: u64,
}

impl RunsRow<'_> {
    pub fn header(varied: &[String], measures: &[String]) -> Vec<String> {
        let varied: Vec<&str> = varied.iter().map(String::as_str).collect();
        let measures: Vec<&str> = measures.iter().map(String::as_str).collect();
        super::header::<RunsRow>(&[("point_values", &varied), ("measures", &measures)])
    }

    /// Reads a record of a `runs.csv` with `varied` key columns: the keys come first, the
    /// measures last (so a varied value holding a comma, quoted, cannot shift them).
    pub fn from_record(
        record: &csv::StringRecord,
        varied: usize,
        path: &str,
        header: &csv::StringRecord,
    ) -> Result<RunsRow<'static>, SchemaError> {
        let line = record.position().map_or(0, |p| p.line());
        let bad = |i: usize| SchemaError::BadValue {
            path: path.to_string(),
            line,
            column: header.get(i).unwrap_or("").to_string(),
            value: record.get(i).unwrap_or("").to_string(),
        };
        let keys: csv::StringRecord = record.iter().take(4).collect();
        let k: RunKeys = keys
            .deserialize(None)
            .map_err(|e| bad(super::read::field_of(&e).unwrap_or(0)))?;
        let n = record.len();
        let mut measures = Vec::with_capacity(n.saturating_sub(4 + varied));
        for i in (4 + varied).min(n)..n {
            let cell = &record[i];
            measures.push(if cell.is_empty() {
                None
            } else {
                Some(cell.parse::<f64>().map_err(|_| bad(i))?)
            });
        }
        Ok(RunsRow {
            run: k.run,
            point: k.point,
            replicate: k.replicate,
            seed: k.seed,
            point_values: (4..(4 + varied).min(n))
                .map(|i| Cow::Owned(record[i].to_string()))
                .collect(),
            measures,
        })
    }
}

/// `points.csv`: one summary measure at one point, across its replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointsRow<'a> {
    pub point: usize,
    /// The varied keys' values at this point (read by the keys' names, so not by serde).
    #[serde(default)]
    pub point_values: Vec<Cow<'a, str>>,
    pub metric: Cow<'a, str>,
    pub n: usize,
    #[serde(serialize_with = "num::one")]
    pub mean: f64,
    #[serde(serialize_with = "num::one")]
    pub sd: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_high: f64,
}

impl PointsRow<'_> {
    pub fn header(varied: &[String]) -> Vec<String> {
        let varied: Vec<&str> = varied.iter().map(String::as_str).collect();
        super::header::<PointsRow>(&[("point_values", &varied)])
    }

    /// The columns every `points.csv` has, whatever was varied.
    pub fn fixed_columns() -> Vec<String> {
        super::header::<PointsRow>(&[("point_values", &[])])
    }
}

/// A sweep's `timeseries.csv`: one run at one kept tick; `values` are `metrics::COLUMNS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSeriesRow<'a> {
    /// The base scenario's name, as in a run's `timeseries.csv`, so the files of runs, sweeps
    /// and comparisons stack into one table.
    pub scenario: Cow<'a, str>,
    pub run: u64,
    pub point: usize,
    pub replicate: u32,
    pub seed: u64,
    #[serde(serialize_with = "num::list")]
    pub values: Vec<f64>,
}

impl SweepSeriesRow<'_> {
    pub fn header() -> Vec<String> {
        super::header::<SweepSeriesRow>(&[("values", COLUMNS)])
    }
}
