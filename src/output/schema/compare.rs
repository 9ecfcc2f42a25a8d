//! The rows of `compare.csv` (a comparison's `timeseries.csv` and `summary.csv` use the run's
//! rows, with the arm's label in the `scenario` column).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::num;
use crate::metrics::measures::{self, Direction};

/// `compare.csv`: one summary measure in one arm, and its paired difference to the first arm
/// (empty for the first arm; `diff_n` counts the replicates present in both arms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRow<'a> {
    pub metric: Cow<'a, str>,
    pub arm: usize,
    pub label: Cow<'a, str>,
    pub n: usize,
    #[serde(serialize_with = "num::one")]
    pub mean: f64,
    #[serde(serialize_with = "num::one")]
    pub sd: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_low: f64,
    #[serde(serialize_with = "num::one")]
    pub ci95_high: f64,
    #[serde(serialize_with = "num::opt")]
    pub diff_mean: Option<f64>,
    #[serde(serialize_with = "num::opt")]
    pub diff_ci95_low: Option<f64>,
    #[serde(serialize_with = "num::opt")]
    pub diff_ci95_high: Option<f64>,
    #[serde(default)]
    pub diff_n: Option<usize>,
    #[serde(default, serialize_with = "num::opt")]
    pub diff_sd: Option<f64>,
}

impl CompareRow<'_> {
    pub fn header() -> Vec<String> {
        super::header::<CompareRow>(&[])
    }

    /// The columns a reader cannot do without (older files lack `diff_n` and `diff_sd`).
    pub fn required() -> Vec<String> {
        let optional = ["diff_n", "diff_sd"];
        Self::header()
            .into_iter()
            .filter(|c| !optional.contains(&c.as_str()))
            .collect()
    }

    /// The verdict on this row's difference in words, reading its interval with the measure's
    /// direction (`metrics::measures`): "clearly better", "clearly worse", "no clear
    /// difference", or for a measure with no better direction "higher" / "lower"; also
    /// "identical", "one replicate: cannot tell" and "no pairs to compare" (the reference
    /// arm). Older files lack `diff_n` and `diff_sd`: then an interval of exactly zero reads as
    /// identical.
    pub fn verdict(&self) -> &'static str {
        let Some((mean, low, high)) = self.difference() else {
            return "no pairs to compare";
        };
        if self.diff_n == Some(0) {
            return "no pairs to compare";
        }
        if mean == 0.0 && self.diff_sd.unwrap_or(high - low) == 0.0 {
            return "identical";
        }
        if self.diff_n.is_some_and(|n| n < 2) {
            return "one replicate: cannot tell";
        }
        measures::summary(&self.metric)
            .map(|m| m.direction)
            .unwrap_or(Direction::Neither)
            .verdict(low, high)
    }

    /// The paired difference and its 95% interval, when there is one.
    pub fn difference(&self) -> Option<(f64, f64, f64)> {
        match (self.diff_mean, self.diff_ci95_low, self.diff_ci95_high) {
            (Some(m), Some(l), Some(h)) => Some((m, l, h)),
            _ => None,
        }
    }
}
