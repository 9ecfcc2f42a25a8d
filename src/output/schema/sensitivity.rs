//! The rows of a sensitivity analysis's results: `morris.csv` (`coordsim screen`) and
//! `sobol.csv` (`coordsim sobol`).

use serde::{Deserialize, Serialize};

use super::num;

/// The Morris dummy's name in `morris.csv`: a factor that changes only the replicates' seeds.
pub const DUMMY: &str = "dummy";

/// `morris.csv`: one varied key's elementary-effect statistics for one summary measure
/// (unit scale: the effect of moving the key across its whole range). The key `dummy` changes
/// only the replicates' seeds: its `mu_star` is what replicate noise alone produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorrisRow {
    pub metric: String,
    pub key: String,
    #[serde(serialize_with = "num::one")]
    pub mu: f64,
    #[serde(serialize_with = "num::one")]
    pub mu_star: f64,
    #[serde(serialize_with = "num::one")]
    pub sigma: f64,
    #[serde(serialize_with = "num::one")]
    pub mu_star_ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub mu_star_ci95_high: f64,
    pub n: usize,
}

/// `sobol.csv`: one key's (or group's) first-order and total Sobol index for one summary
/// measure, with bootstrap 95% intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolRow {
    pub metric: String,
    pub key: String,
    #[serde(serialize_with = "num::one")]
    pub first_order: f64,
    #[serde(serialize_with = "num::one")]
    pub first_order_ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub first_order_ci95_high: f64,
    #[serde(serialize_with = "num::one")]
    pub total: f64,
    #[serde(serialize_with = "num::one")]
    pub total_ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub total_ci95_high: f64,
    pub n: usize,
}

impl MorrisRow {
    pub fn header() -> Vec<String> {
        super::header::<MorrisRow>(&[])
    }
}

impl SobolRow {
    pub fn header() -> Vec<String> {
        super::header::<SobolRow>(&[])
    }
}

/// Every row of one of an analysis's CSV files (`morris.csv`, `sobol.csv`, `marginals.csv`,
/// `generations.csv`), by column name.
pub fn read_rows<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<Vec<T>, super::SchemaError> {
    let mut rows = Vec::new();
    super::Table::open(path)?.rows(true, |row: T, _| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}
