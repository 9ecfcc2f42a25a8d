//! A comparison folder's report: the headline (each arm's verdicts against the reference), the
//! forest plot and overlays, the differences with verdicts, each arm's summary, and what each
//! arm changed.

use std::path::Path;

use super::{
    ReportError, changed_from_defaults, charts, describe, description, html, ordered_measures,
    overrides, quoted, read_summary, summary_table, title,
};
use crate::output::manifest::Manifest;
use crate::output::schema::CompareRow;
use crate::plot::data::read_compare;

use html::Cell;

/// Title, headline and sections of a comparison's report.
pub(super) fn sections(
    dir: &Path,
    m: &Manifest,
) -> Result<(String, String, Vec<String>), ReportError> {
    let rows = read_compare(&dir.join("compare.csv"))?;
    let groups = read_summary(&dir.join("summary.csv"))?;
    let mut present: Vec<String> = Vec::new();
    for r in &rows {
        if !present.contains(&r.metric.to_string()) {
            present.push(r.metric.to_string());
        }
    }
    let keys = ordered_measures(&present);
    let headline_keys: Vec<String> = keys
        .iter()
        .filter(|k| crate::plot::compare::HEADLINE.contains(&k.as_str()))
        .cloned()
        .collect();
    let reference = rows
        .iter()
        .find(|r| r.arm == 0)
        .map(|r| r.label.to_string())
        .unwrap_or_default();
    let replicates = m
        .compare
        .as_ref()
        .map(|c| c.replicate_seeds.len())
        .unwrap_or(0);
    let headline = headline(&rows, &headline_keys, &reference, replicates);
    let differences = format!(
        "{}<p>Each difference is an arm minus the reference arm {}, replicate by replicate on the \
         same seeds, with its t-based 95% confidence interval. {}</p>\n{}\
         <details><summary>All {} summary measures</summary>\n{}</details>\n",
        description(m),
        html::escape(&quoted(&reference)),
        html::escape(crate::experiment::compare::VERDICTS),
        differences_table("differences", &rows, &headline_keys),
        keys.len(),
        differences_table("differences-all", &rows, &keys),
    );
    let mut arms = String::new();
    for (i, g) in groups.iter().enumerate() {
        arms.push_str(&format!(
            "<h3>{}</h3>\n<details><summary>summary of {} replicates</summary>\n{}</details>\n",
            html::escape(&g.label),
            g.replicates,
            summary_table(&format!("summary-arm-{i}"), g, &keys)
        ));
    }
    let mut changes = String::new();
    if let Some(c) = &m.compare {
        let rows: Vec<Vec<Cell>> = c
            .arms
            .iter()
            .map(|a| {
                let change = if a.what_if.is_empty() {
                    format!("scenario {} ({})", a.scenario.name, a.scenario.source)
                } else {
                    a.what_if.join("; ")
                };
                vec![Cell::text(a.label.clone()), Cell::text(change)]
            })
            .collect();
        changes.push_str(&html::table("arms", &["arm", "made by"], &rows));
        changes.push_str(&html::para(
            "note",
            &format!(
                "The reference arm's parameters against the built-in defaults (overrides common to every arm: {}):",
                overrides(m)
            ),
        ));
    }
    changes.push_str(&changed_from_defaults(&m.provenance.parameters));
    Ok((
        title("comparison", m),
        headline,
        vec![
            html::section(
                "differences",
                "Differences from the reference",
                &differences,
            ),
            charts(dir, &["forest", "compare"])?,
            html::section("arms", "Each arm", &arms),
            html::section("changes", "What each arm changed", &changes),
        ],
    ))
}

/// One sentence, a clause per arm: on how many headline measures it is clearly better,
/// clearly worse, shows no clear difference, or differs on a measure with no better direction.
fn headline(rows: &[CompareRow], keys: &[String], reference: &str, replicates: usize) -> String {
    let mut arms: Vec<(usize, String)> = Vec::new();
    for r in rows.iter().filter(|r| r.arm > 0) {
        if !arms.iter().any(|(a, _)| *a == r.arm) {
            arms.push((r.arm, r.label.to_string()));
        }
    }
    if arms.is_empty() {
        return format!(
            "Only the reference arm {}: nothing to compare.",
            quoted(reference)
        );
    }
    let mut parts = Vec::new();
    for (arm, label) in &arms {
        let verdicts: Vec<&str> = rows
            .iter()
            .filter(|r| r.arm == *arm && keys.iter().any(|k| *k == r.metric))
            .map(CompareRow::verdict)
            .collect();
        let count = |v: &str| verdicts.iter().filter(|x| **x == v).count();
        let mut counts: Vec<String> = [
            "clearly better",
            "clearly worse",
            "no clear difference",
            "identical",
            "one replicate: cannot tell",
        ]
        .iter()
        .filter(|v| count(v) > 0)
        .map(|v| format!("{v} on {}", count(v)))
        .collect();
        let neither = count("higher") + count("lower");
        if neither > 0 {
            counts.push(format!(
                "higher or lower on {neither} (no better direction)"
            ));
        }
        let part = format!(
            "{} over {} headline measures: {}",
            quoted(label),
            verdicts.len(),
            counts.join(", ")
        );
        parts.push(part);
    }
    format!(
        "Against {} on the same {replicates} seeds: {}.",
        quoted(reference),
        parts.join("; ")
    )
}

/// The differences table: each measure and arm with its mean, interval, difference and verdict.
fn differences_table(id: &str, rows: &[CompareRow], keys: &[String]) -> String {
    let mut out = Vec::new();
    for key in keys {
        let (label, unit, better) = describe(key);
        for (i, r) in rows.iter().filter(|r| r.metric == *key).enumerate() {
            let (mean, ci) = if r.n == 0 {
                ("never reached".to_string(), String::new())
            } else {
                (
                    html::num(r.mean),
                    format!("[{}, {}]", html::num(r.ci95_low), html::num(r.ci95_high)),
                )
            };
            let (diff, diff_ci, verdict) = match r.difference() {
                _ if r.arm == 0 => (String::new(), String::new(), "reference"),
                Some((d, lo, hi)) => (
                    html::signed(d),
                    format!("[{}, {}]", html::signed(lo), html::signed(hi)),
                    r.verdict(),
                ),
                None => (String::new(), String::new(), r.verdict()),
            };
            // The measure's name, unit and direction once, on its first arm's row.
            let name = if i == 0 { label.clone() } else { String::new() };
            out.push(vec![
                Cell::text(name),
                Cell::text(r.label.to_string()),
                Cell::num(mean),
                Cell::num(ci),
                Cell::num(diff),
                Cell::num(diff_ci),
                Cell::text(verdict),
                Cell::text(if i == 0 {
                    unit_and_direction(&unit, better)
                } else {
                    String::new()
                }),
            ]);
        }
    }
    html::table(
        id,
        &[
            "measure",
            "arm",
            "mean",
            "95% CI",
            "difference",
            "95% CI of difference",
            "verdict",
            "unit; direction",
        ],
        &out,
    )
}

/// "share 0-1; lower is better", "count; neither direction better".
fn unit_and_direction(unit: &str, better: &str) -> String {
    let direction = match better {
        "higher" | "lower" => format!("{better} is better"),
        _ => "neither direction better".to_string(),
    };
    if unit.is_empty() {
        direction
    } else {
        format!("{unit}; {direction}")
    }
}
