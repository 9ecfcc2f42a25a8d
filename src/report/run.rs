//! A run folder's report: the headline, the dashboard and network pictures, the summary of
//! every measure with its 95% interval, and what was changed from the defaults.

use std::path::Path;

use super::{
    ReportError, SummaryGroup, changed_from_defaults, charts, description, html, ordered_measures,
    overrides, quoted, read_summary, summary_table, title,
};
use crate::output::manifest::Manifest;

/// Title, headline and sections of a run's report.
pub(super) fn sections(
    dir: &Path,
    m: &Manifest,
) -> Result<(String, String, Vec<String>), ReportError> {
    let groups = read_summary(&dir.join("summary.csv"))?;
    let group = &groups[0];
    let ticks = super::flatten(&m.provenance.parameters)
        .get("run.ticks")
        .cloned()
        .unwrap_or_else(|| "?".to_string());
    let headline = headline(group, &m.provenance.scenario.name, &ticks);
    let present: Vec<String> = group.measures.iter().map(|(k, _)| k.clone()).collect();
    let keys = ordered_measures(&present);
    let headline_count = crate::plot::compare::HEADLINE
        .iter()
        .filter(|h| present.iter().any(|p| p == *h))
        .count();
    let summary = format!(
        "{}<p>Means over {} replicates with their t-based 95% confidence intervals; \
         <code>n</code> counts the replicates where the measure has a value.</p>\n{}\
         <details><summary>All {} summary measures</summary>\n{}</details>\n",
        description(m),
        group.replicates,
        summary_table("summary", group, &keys[..headline_count]),
        keys.len(),
        summary_table("summary-all", group, &keys),
    );
    let changes = format!(
        "{}{}",
        html::para("note", &format!("Overrides as given: {}", overrides(m))),
        changed_from_defaults(&m.provenance.parameters)
    );
    Ok((
        title("run", m),
        headline,
        vec![
            html::section("summary", "Summary", &summary),
            charts(dir, &["dashboard", "network"])?,
            html::section("changes", "Changed from the defaults", &changes),
        ],
    ))
}

/// One sentence: the replicates and weeks, fragmentation, networks, and the value of
/// coordination work with the share funders paid.
fn headline(group: &SummaryGroup, scenario: &str, ticks: &str) -> String {
    let get = |k: &str| {
        group
            .measures
            .iter()
            .find(|(m, _)| m == k)
            .map(|(_, s)| s)
            .filter(|s| s.n > 0)
    };
    let mut parts = Vec::new();
    if let Some(s) = get("final_fragmentation") {
        parts.push(format!(
            "fragmentation ended at {} (95% CI {} to {})",
            html::num(s.mean),
            html::num(s.ci95_low),
            html::num(s.ci95_high)
        ));
    }
    if let Some(s) = get("final_networks") {
        parts.push(format!("{} networks were active", html::num(s.mean)));
    }
    let mut sentence = format!(
        "{}, {} replicates of {ticks} weeks: {}",
        quoted(scenario),
        group.replicates,
        parts.join(" and ")
    );
    if let (Some(v), Some(share)) = (
        get("cumulative_coordination_value"),
        get("cumulative_coordination_funded_share"),
    ) {
        sentence.push_str(&format!(
            "; coordination work created {} resources of value, of which funders paid {:.0}%",
            html::num(v.mean),
            100.0 * share.mean
        ));
    }
    sentence.push('.');
    sentence
}
