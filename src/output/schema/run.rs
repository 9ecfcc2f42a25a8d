//! The rows of a run's files: `timeseries.csv`, `ties.csv`, `nodes.csv`, `summary.csv`,
//! `ledger.csv` (a
//! comparison's `timeseries.csv` and `summary.csv` have the same rows, one arm after another).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::num;
use crate::metrics::{COLUMNS, FLOW_COLUMNS};

/// `timeseries.csv`: one replicate at one tick. `values` are the metric columns,
/// `metrics::COLUMNS` (the first is `tick`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeseriesRow<'a> {
    /// The scenario's name (a comparison: the arm's label).
    pub scenario: Cow<'a, str>,
    pub replicate: u32,
    pub seed: u64,
    #[serde(serialize_with = "num::list")]
    pub values: Vec<f64>,
}

impl TimeseriesRow<'_> {
    /// The header: the key columns, then `metrics::COLUMNS`.
    pub fn header() -> Vec<String> {
        super::header::<TimeseriesRow>(&[("values", COLUMNS)])
    }

    /// The key columns before the metrics.
    pub fn keys() -> Vec<String> {
        super::header::<TimeseriesRow>(&[("values", &[])])
    }
}

/// `ties.csv`: a trusted tie at a snapshot tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieRow {
    pub replicate: u32,
    pub tick: u32,
    pub source: u32,
    pub target: u32,
    #[serde(serialize_with = "num::one")]
    pub trust: f64,
}

/// `nodes.csv`: a community at a snapshot tick (`network` is empty outside networks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    pub replicate: u32,
    pub tick: u32,
    pub community: u32,
    pub region: u32,
    pub network: Option<u32>,
    #[serde(serialize_with = "num::one")]
    pub members: f64,
    pub stage: u8,
}

/// `ledger.csv`: the resource ledger of one replicate at one tick (ticks 1..=ticks): holdings
/// at the start, what entered (`_in`), left (`_out`) and moved between holders (`_moved`, net
/// zero) during the tick, and the stocks by holder at its end. Per row
/// `held_end = held_start + ins - outs` and
/// `held_end = treasuries + pools + coordination_budgets + retro_pot` (to rounding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub replicate: u32,
    pub tick: u32,
    #[serde(serialize_with = "num::one")]
    pub held_start: f64,
    #[serde(serialize_with = "num::one")]
    pub funding_in: f64,
    #[serde(serialize_with = "num::one")]
    pub production_in: f64,
    #[serde(serialize_with = "num::one")]
    pub project_returns_in: f64,
    #[serde(serialize_with = "num::one")]
    pub own_spending_out: f64,
    #[serde(serialize_with = "num::one")]
    pub aid_out: f64,
    #[serde(serialize_with = "num::one")]
    pub allocation_relief_out: f64,
    #[serde(serialize_with = "num::one")]
    pub coordination_spending_out: f64,
    #[serde(serialize_with = "num::one")]
    pub project_spending_out: f64,
    #[serde(serialize_with = "num::one")]
    pub contributions_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub contributions_to_coordination_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub allocations_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub retro_payouts_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub retro_leftover_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub chapter_seeding_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub merges_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub splits_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub dissolutions_moved: f64,
    #[serde(serialize_with = "num::one")]
    pub treasuries: f64,
    #[serde(serialize_with = "num::one")]
    pub pools: f64,
    #[serde(serialize_with = "num::one")]
    pub coordination_budgets: f64,
    #[serde(serialize_with = "num::one")]
    pub retro_pot: f64,
    #[serde(serialize_with = "num::one")]
    pub held_end: f64,
}

/// `summary.csv`: one replicate's summary measures, [`summary_columns`] (empty where a
/// measure has no value, such as a stage never reached).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow<'a> {
    pub scenario: Cow<'a, str>,
    pub replicate: u32,
    pub seed: u64,
    #[serde(serialize_with = "num::opt_list")]
    pub measures: Vec<Option<f64>>,
}

impl SummaryRow<'_> {
    pub fn header() -> Vec<String> {
        let columns = summary_columns();
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        super::header::<SummaryRow>(&[("measures", &names)])
    }
}

/// What the coordination value gap means, in one sentence, for every place that makes the gap
/// a headline (the terminal tables, the dashboard, the forest plot): a smaller gap is not by
/// itself better, because the gap also shrinks when less coordination is done at all.
pub const GAP_MEANING: &str = "The coordination value gap is the value coordination work created minus \
what funders paid for it; it also shrinks when less coordination happens at all, so read it next to \
the value created and the share funders paid.";

/// Names of the per-replicate summary measures, in `summary.csv` column order:
/// `final_<metric>` (every metric but `tick`), `cumulative_<flow>`, the funded share of all
/// coordination value, and `first_full_stage_tick`.
pub fn summary_columns() -> Vec<String> {
    let mut cols: Vec<String> = COLUMNS
        .iter()
        .skip(1)
        .map(|c| format!("final_{c}"))
        .collect();
    cols.extend(FLOW_COLUMNS.iter().map(|c| format!("cumulative_{c}")));
    // The share of all coordination value that was funded: steadier than any one tick's ratio.
    cols.push("cumulative_coordination_funded_share".to_string());
    cols.push("first_full_stage_tick".to_string());
    cols
}

#[cfg(test)]
mod tests {
    #[test]
    fn summary_columns_are_the_measures_with_metadata() {
        assert_eq!(
            super::summary_columns(),
            crate::metrics::measures::summary_keys()
        );
    }
}
