//! The rows of a calibration's files (`coordsim calibrate`): `candidates.csv` (every simulated
//! candidate), `particles.csv` (every generation's accepted particles; `posterior.csv` holds
//! the last generation's), `generations.csv` and `marginals.csv`. The calibrated keys and the
//! targets are columns named at run time, like a sweep's varied keys.

use serde::{Deserialize, Serialize};

use super::{SchemaError, Table, num};

/// `candidates.csv`: one simulated candidate: its parameter values, each target's value (the
/// mean over its runs) and its distance to the observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateRow {
    pub generation: u32,
    pub candidate: u32,
    pub accepted: bool,
    #[serde(serialize_with = "num::one")]
    pub distance: f64,
    #[serde(serialize_with = "num::list")]
    pub keys: Vec<f64>,
    #[serde(serialize_with = "num::list")]
    pub targets: Vec<f64>,
}

/// `particles.csv` and `posterior.csv`: one accepted particle with its importance weight (the
/// weights of a generation sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticleRow {
    pub generation: u32,
    pub particle: u32,
    pub candidate: u32,
    #[serde(serialize_with = "num::one")]
    pub weight: f64,
    #[serde(serialize_with = "num::one")]
    pub distance: f64,
    #[serde(serialize_with = "num::list")]
    pub keys: Vec<f64>,
    #[serde(serialize_with = "num::list")]
    pub targets: Vec<f64>,
}

/// `generations.csv`: how each generation was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationRow {
    pub generation: u32,
    /// The acceptance threshold (`inf` for generation 0, which keeps prior draws).
    #[serde(serialize_with = "num::one")]
    pub epsilon: f64,
    /// Candidates simulated to fill the population.
    pub candidates: u32,
    pub accepted: u32,
    #[serde(serialize_with = "num::one")]
    pub acceptance_rate: f64,
    /// Effective sample size of the weights, 1 / sum of squared weights.
    #[serde(serialize_with = "num::one")]
    pub ess: f64,
}

/// `marginals.csv`: one calibrated key's weighted posterior summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalRow {
    pub key: String,
    pub prior: String,
    #[serde(serialize_with = "num::one")]
    pub median: f64,
    #[serde(serialize_with = "num::one")]
    pub mean: f64,
    #[serde(serialize_with = "num::one")]
    pub sd: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_high: f64,
}

fn names(xs: &[String]) -> Vec<&str> {
    xs.iter().map(String::as_str).collect()
}

impl GenerationRow {
    pub fn header() -> Vec<String> {
        super::header::<GenerationRow>(&[])
    }
}

impl MarginalRow {
    pub fn header() -> Vec<String> {
        super::header::<MarginalRow>(&[])
    }
}

impl CandidateRow {
    pub fn header(keys: &[String], targets: &[String]) -> Vec<String> {
        super::header::<CandidateRow>(&[("keys", &names(keys)), ("targets", &names(targets))])
    }
}

impl ParticleRow {
    pub fn header(keys: &[String], targets: &[String]) -> Vec<String> {
        super::header::<ParticleRow>(&[("keys", &names(keys)), ("targets", &names(targets))])
    }

    /// Reads `particles.csv` or `posterior.csv` with `n_keys` key columns (the rest are
    /// targets); returns the header too.
    pub fn read(
        path: &std::path::Path,
        n_keys: usize,
    ) -> Result<(Vec<String>, Vec<ParticleRow>), SchemaError> {
        let mut table = Table::open(path)?;
        let header: Vec<String> = table.header.iter().map(str::to_string).collect();
        let mut rows = Vec::new();
        let shown = table.path.clone();
        table.records(|record, line| {
            let bad = |i: usize| SchemaError::BadValue {
                path: shown.clone(),
                line,
                column: header.get(i).cloned().unwrap_or_default(),
                value: record.get(i).unwrap_or("").to_string(),
            };
            let whole = |i: usize| {
                record
                    .get(i)
                    .and_then(|x| x.parse::<u32>().ok())
                    .ok_or_else(|| bad(i))
            };
            let real = |i: usize| {
                record
                    .get(i)
                    .and_then(|x| x.parse::<f64>().ok())
                    .ok_or_else(|| bad(i))
            };
            let mut keys = (5..record.len()).map(real).collect::<Result<Vec<_>, _>>()?;
            let targets = keys.split_off(n_keys.min(keys.len()));
            rows.push(ParticleRow {
                generation: whole(0)?,
                particle: whole(1)?,
                candidate: whole(2)?,
                weight: real(3)?,
                distance: real(4)?,
                keys,
                targets,
            });
            Ok(())
        })?;
        Ok((header, rows))
    }
}

/// The last `n_targets` values of every row of a `candidates.csv` (or its part file), in order:
/// what a resumed calibration reads instead of running those candidates again.
pub fn read_candidate_values(
    path: &std::path::Path,
    n_targets: usize,
) -> Result<Vec<Vec<f64>>, SchemaError> {
    let mut table = Table::open(path)?;
    let header: Vec<String> = table.header.iter().map(str::to_string).collect();
    let shown = table.path.clone();
    let mut out = Vec::new();
    table.records(|record, line| {
        let n = record.len();
        let values = (n.saturating_sub(n_targets)..n)
            .map(|i| {
                record
                    .get(i)
                    .and_then(|x| x.parse::<f64>().ok())
                    .ok_or_else(|| SchemaError::BadValue {
                        path: shown.clone(),
                        line,
                        column: header.get(i).cloned().unwrap_or_default(),
                        value: record.get(i).unwrap_or("").to_string(),
                    })
            })
            .collect::<Result<Vec<f64>, _>>()?;
        out.push(values);
        Ok(())
    })?;
    Ok(out)
}
