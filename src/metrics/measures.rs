//! What every output measure means to a reader: a plain label, a unit, the section of
//! docs/model.md that gives its formula, and which way is better. Data only, declared once
//! here (as the parameters are in `scenario::params`), read by `explain`, the compare verdicts,
//! the plots' labels and the HTML report; [`Measure`] serialises to JSON for a server.
//!
//! The tables cover every metric column of [`COLUMNS`] and every summary measure (the
//! `final_<metric>`, `cumulative_<flow>`, `cumulative_coordination_funded_share` and
//! `first_full_stage_tick` columns of `summary.csv`); the tests below fail when a column has
//! no entry, so a new column cannot ship without one.

use serde::Serialize;

use super::{COLUMNS, FLOW_COLUMNS};

/// Which way a measure is better, from the model's purpose (networks that form, hold
/// together and create value). `Neither` for counts and inputs whose size is not by itself
/// good or bad (funding spent, the number of networks, the value gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    Neither,
}

impl Direction {
    /// In words, for tables and `explain`.
    pub fn words(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
            Direction::Neither => "neither direction is better by itself",
        }
    }

    /// The verdict on a difference (another arm minus the reference) whose 95% interval is
    /// `[low, high]`: "clearly better" or "clearly worse" when the interval excludes zero on
    /// the side this direction calls good or bad, "no clear difference" when it holds zero;
    /// for `Neither` just "higher" or "lower".
    pub fn verdict(self, low: f64, high: f64) -> &'static str {
        let up = if low > 0.0 {
            true
        } else if high < 0.0 {
            false
        } else {
            return "no clear difference";
        };
        match (self, up) {
            (Direction::HigherIsBetter, true) | (Direction::LowerIsBetter, false) => {
                "clearly better"
            }
            (Direction::HigherIsBetter, false) | (Direction::LowerIsBetter, true) => {
                "clearly worse"
            }
            (Direction::Neither, true) => "higher",
            (Direction::Neither, false) => "lower",
        }
    }
}

/// One measure, as a reader and a server see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// The column name (`fragmentation`, `final_fragmentation`).
    pub key: String,
    /// Plain words (`fragmentation at the end`).
    pub label: String,
    /// Unit in words (`share 0-1`); empty for none.
    pub unit: String,
    pub direction: Direction,
    /// Where docs/model.md gives the formula (`8.1` for the metric columns, `8.4` for the
    /// summaries, which are built from them).
    pub formula: String,
    /// The file it is a column of.
    pub file: &'static str,
}

/// A metric column's entry: key, label, unit, direction.
type Column = (&'static str, &'static str, &'static str, Direction);

use Direction::{HigherIsBetter as Higher, LowerIsBetter as Lower, Neither};

/// The metric columns, in `COLUMNS` order (a test holds them equal).
const METRIC_TABLE: &[Column] = &[
    ("tick", "week", "week", Neither),
    ("communities", "communities", "count", Neither),
    ("ties", "trusted ties", "count", Higher),
    ("mean_trust", "mean trust", "trust 0-1", Higher),
    ("components", "connected groups", "count", Lower),
    (
        "largest_component_share",
        "largest component share",
        "share 0-1",
        Higher,
    ),
    ("fragmentation", "fragmentation", "share 0-1", Lower),
    ("networks", "networks", "count", Neither),
    (
        "network_members_share",
        "share of communities in a network",
        "share 0-1",
        Higher,
    ),
    (
        "coordination_capacity",
        "coordination capacity",
        "hours",
        Higher,
    ),
    (
        "coordination_value",
        "coordination value",
        "resources per week",
        Higher,
    ),
    (
        "coordination_funding",
        "coordination funding",
        "resources per week",
        Neither,
    ),
    (
        "coordination_value_gap",
        "coordination value gap",
        "resources per week",
        Neither,
    ),
    (
        "cumulative_coordination_value_gap",
        "cumulative coordination value gap",
        "resources",
        Neither,
    ),
    (
        "coordination_funded_share",
        "funded share of coordination value",
        "share 0-1",
        Higher,
    ),
    (
        "direct_value",
        "direct service value",
        "resources per week",
        Higher,
    ),
    (
        "direct_funding",
        "direct service funding",
        "resources per week",
        Neither,
    ),
    ("aid_flow", "mutual aid", "resources per week", Higher),
    ("pooled_resources", "pooled resources", "resources", Higher),
    (
        "collective_actions_started",
        "joint projects started",
        "projects per week",
        Higher,
    ),
    (
        "collective_actions_succeeded",
        "joint projects succeeded",
        "projects per week",
        Higher,
    ),
    ("interdependence", "interdependence", "share 0-1", Neither),
    ("coherence", "coherence", "share 0-1", Higher),
    ("inclusion", "inclusion", "share 0-1", Higher),
    (
        "specialist_retention",
        "specialist retention",
        "share 0-1",
        Higher,
    ),
    (
        "generalist_retention",
        "generalist retention",
        "share 0-1",
        Higher,
    ),
    (
        "resource_gini",
        "inequality of resources (Gini)",
        "Gini 0-1",
        Lower,
    ),
    (
        "stage_0",
        "share of communities at stage 0",
        "share 0-1",
        Neither,
    ),
    (
        "stage_1",
        "share of communities at stage 1",
        "share 0-1",
        Neither,
    ),
    (
        "stage_2",
        "share of communities at stage 2",
        "share 0-1",
        Neither,
    ),
    (
        "stage_3",
        "share of communities at stage 3",
        "share 0-1",
        Neither,
    ),
    (
        "stage_4",
        "share of communities at stage 4",
        "share 0-1",
        Neither,
    ),
    (
        "stage_5",
        "share of communities at stage 5",
        "share 0-1",
        Neither,
    ),
    (
        "stage_6",
        "share of communities at stage 6",
        "share 0-1",
        Neither,
    ),
    (
        "stage_7",
        "share of communities at stage 7",
        "share 0-1",
        Higher,
    ),
    ("volunteer_energy", "volunteer energy", "0-1", Higher),
    (
        "mean_network_people",
        "people per network",
        "people",
        Neither,
    ),
    (
        "network_trust",
        "trust inside networks",
        "trust 0-1",
        Higher,
    ),
    (
        "network_coverage",
        "coordination coverage of networks",
        "share 0-1",
        Higher,
    ),
    (
        "gathering_participants",
        "gathering participants",
        "people",
        Higher,
    ),
    (
        "library_entries",
        "pattern library entries",
        "entries",
        Higher,
    ),
    (
        "network_value",
        "value created inside networks",
        "resources per week",
        Higher,
    ),
    (
        "total_value",
        "total value created",
        "resources per week",
        Higher,
    ),
    (
        "mean_fit",
        "fit of practice to local context",
        "0-1",
        Higher,
    ),
    (
        "peer_value",
        "value created without coordination work",
        "resources per week",
        Higher,
    ),
    (
        "transitivity",
        "closed triads among trusted ties",
        "share 0-1",
        Neither,
    ),
];

/// The summary measures that are not `final_<metric>` nor `cumulative_<flow>`, in
/// `summary.csv` order after those.
const EXTRA_SUMMARIES: &[Column] = &[
    (
        "cumulative_coordination_funded_share",
        "funded share of coordination value, all weeks",
        "share 0-1",
        Higher,
    ),
    (
        "first_full_stage_tick",
        "first week a network reached stage 7",
        "week",
        Lower,
    ),
];

/// A metric column's entry, if it has one.
fn metric_entry(key: &str) -> Option<&'static Column> {
    METRIC_TABLE.iter().find(|c| c.0 == key)
}

/// The metadata of a metric column of `timeseries.csv`.
pub fn metric(key: &str) -> Option<Measure> {
    metric_entry(key).map(|&(key, label, unit, direction)| Measure {
        key: key.to_string(),
        label: label.to_string(),
        unit: unit.to_string(),
        direction,
        formula: "8.1".to_string(),
        file: "timeseries.csv",
    })
}

/// The metadata of a summary measure of `summary.csv` (`final_x`, `cumulative_x`, ...):
/// `final_x` reads "x at the end", `cumulative_x` "x, all weeks" (its unit without "per week").
pub fn summary(key: &str) -> Option<Measure> {
    let derived = |label: String, unit: &str, direction| Measure {
        key: key.to_string(),
        label,
        unit: unit.to_string(),
        direction,
        formula: "8.4".to_string(),
        file: "summary.csv",
    };
    if let Some(&(_, label, unit, direction)) = EXTRA_SUMMARIES.iter().find(|c| c.0 == key) {
        return Some(derived(label.to_string(), unit, direction));
    }
    if let Some(m) = key.strip_prefix("final_").filter(|m| *m != "tick") {
        let &(_, label, unit, direction) = metric_entry(m)?;
        return Some(derived(format!("{label} at the end"), unit, direction));
    }
    if let Some(m) = key.strip_prefix("cumulative_") {
        if !FLOW_COLUMNS.contains(&m) {
            return None;
        }
        let &(_, label, unit, direction) = metric_entry(m)?;
        let unit = unit.trim_end_matches(" per week");
        return Some(derived(format!("{label}, all weeks"), unit, direction));
    }
    None
}

/// A measure of either kind: a metric column, else a summary measure
/// (`cumulative_coordination_value_gap` is a metric column; `final_...` and
/// `cumulative_<flow>` are summaries).
pub fn find(key: &str) -> Option<Measure> {
    metric(key).or_else(|| summary(key))
}

/// Every metric column's metadata, in column order.
pub fn metrics() -> Vec<Measure> {
    COLUMNS.iter().filter_map(|c| metric(c)).collect()
}

/// Every summary measure's name, in `summary.csv` column order.
pub fn summary_keys() -> Vec<String> {
    let mut keys: Vec<String> = COLUMNS
        .iter()
        .skip(1)
        .map(|c| format!("final_{c}"))
        .collect();
    keys.extend(FLOW_COLUMNS.iter().map(|c| format!("cumulative_{c}")));
    keys.extend(EXTRA_SUMMARIES.iter().map(|c| c.0.to_string()));
    keys
}

/// Every summary measure's metadata, in `summary.csv` column order.
pub fn summaries() -> Vec<Measure> {
    summary_keys().iter().filter_map(|k| summary(k)).collect()
}

/// Every measure (metric columns, then summary measures).
pub fn all() -> Vec<Measure> {
    let mut out = metrics();
    out.extend(summaries());
    out
}

/// The Markdown table of docs/model.md's measures section (`coordsim explain --markdown`
/// prints it after the parameters; a test keeps the document equal to it).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| measure | file | plain label | unit | better | formula |\n|---|---|---|---|---|---|\n",
    );
    for m in all() {
        let better = match m.direction {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
            Direction::Neither => "neither",
        };
        let unit = if m.unit.is_empty() { "-" } else { &m.unit };
        s.push_str(&format!(
            "| `{}` | {} | {} | {unit} | {better} | {} |\n",
            m.key, m.file, m.label, m.formula
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_column_has_exactly_one_entry_in_order() {
        let keys: Vec<&str> = METRIC_TABLE.iter().map(|c| c.0).collect();
        assert_eq!(
            keys, COLUMNS,
            "metrics::measures::METRIC_TABLE must list every column of metrics::COLUMNS, in order"
        );
        assert_eq!(metrics().len(), COLUMNS.len());
    }

    #[test]
    fn every_summary_measure_has_an_entry() {
        for key in summary_keys() {
            let m = summary(&key).unwrap_or_else(|| panic!("no metadata for `{key}`"));
            assert!(!m.label.is_empty() && !m.formula.is_empty(), "{key}");
        }
        assert_eq!(summaries().len(), summary_keys().len());
        assert!(summary("final_tick").is_none());
        assert!(summary("cumulative_fragmentation").is_none(), "not a flow");
        assert!(find("no_such_measure").is_none());
    }

    #[test]
    fn labels_read_as_words_with_units() {
        let m = find("final_fragmentation").unwrap();
        assert_eq!(
            (m.label.as_str(), m.unit.as_str()),
            ("fragmentation at the end", "share 0-1")
        );
        assert_eq!(m.direction, Direction::LowerIsBetter);
        let m = find("cumulative_coordination_value").unwrap();
        assert_eq!(
            (m.label.as_str(), m.unit.as_str()),
            ("coordination value, all weeks", "resources")
        );
        assert_eq!(find("fragmentation").unwrap().formula, "8.1");
    }

    #[test]
    fn measures_serialise_for_a_server() {
        let json = serde_json::to_string(&find("final_mean_trust").unwrap()).unwrap();
        assert!(
            json.contains("\"direction\":\"higher_is_better\""),
            "{json}"
        );
        assert!(
            json.contains("\"label\":\"mean trust at the end\""),
            "{json}"
        );
    }
}
