//! A sweep folder's report: the headline (where the default measure is lowest and highest),
//! the sweep's chart, a table of the points with a few headline measures, and the varied keys
//! and base parameters. A screening or Sobol folder is reported by `sensitivity`.

use std::path::Path;

use super::{
    ReportError, changed_from_defaults, charts, describe, description, html, overrides, quoted,
    title,
};
use crate::output::manifest::Manifest;
use crate::output::schema::PointsRow;
use crate::plot::data::read_sweep;
use crate::plot::sweep::DEFAULT_METRIC;

use html::Cell;

/// The measures shown per point, when the sweep has them.
const POINT_MEASURES: [&str; 4] = [
    "final_fragmentation",
    "final_networks",
    "final_mean_trust",
    "cumulative_coordination_value",
];

/// Title, headline and sections of a sweep's report.
pub(super) fn sections(
    dir: &Path,
    m: &Manifest,
) -> Result<(String, String, Vec<String>), ReportError> {
    let plan = m.sweep.as_ref().map(|s| &s.plan);
    let varied: Vec<String> = plan.map(|p| p.varied.clone()).unwrap_or_default();
    let mut changes = html::para(
        "note",
        &format!(
            "Varied: {}. Base scenario against the built-in defaults (overrides: {}):",
            if varied.is_empty() {
                "nothing".to_string()
            } else {
                varied.join(", ")
            },
            overrides(m)
        ),
    );
    changes.push_str(&changed_from_defaults(&m.provenance.parameters));
    if let Some(analysis) = plan.and_then(|p| p.analysis.as_ref()) {
        return super::sensitivity::sections(dir, m, analysis);
    }
    let points_path = dir.join("points.csv");
    let sweep = read_sweep(&points_path, &varied)?;
    let replicates = plan.map(|p| p.replicates).unwrap_or(0);
    let headline = headline(
        &sweep.rows,
        &sweep.keys,
        replicates,
        &m.provenance.scenario.name,
    );
    let points = format!(
        "{}<p>Each point's mean over its replicates, with the t-based 95% confidence interval.</p>\n{}",
        description(m),
        points_table(&sweep.rows, &sweep.keys)
    );
    Ok((
        title("sweep", m),
        headline,
        vec![
            html::section("points", "Points", &points),
            charts(dir, &[])?,
            html::section("changes", "Varied keys and base parameters", &changes),
        ],
    ))
}

/// A point's values as `key=value, key=value`.
fn point_name(keys: &[String], row: &PointsRow) -> String {
    keys.iter()
        .zip(&row.point_values)
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sentence: the sweep's size and where the default measure is lowest and highest.
fn headline(rows: &[PointsRow], keys: &[String], replicates: u32, scenario: &str) -> String {
    let points = rows.iter().map(|r| r.point).max().map_or(0, |p| p + 1);
    let mut sentence = format!(
        "A sweep of {} over {points} points of {}, {replicates} replicates each",
        keys.join(", "),
        quoted(scenario)
    );
    let measured: Vec<&PointsRow> = rows
        .iter()
        .filter(|r| r.metric == DEFAULT_METRIC && r.n > 0)
        .collect();
    let low = measured.iter().min_by(|a, b| a.mean.total_cmp(&b.mean));
    let high = measured.iter().max_by(|a, b| a.mean.total_cmp(&b.mean));
    if let (Some(low), Some(high)) = (low, high) {
        let (label, _, better) = describe(DEFAULT_METRIC);
        sentence.push_str(&format!(
            ": {label} is lowest, {}, at {} and highest, {}, at {} ({better} is better)",
            html::num(low.mean),
            point_name(keys, low),
            html::num(high.mean),
            point_name(keys, high)
        ));
    }
    sentence.push('.');
    sentence
}

/// One row per point: its values, then mean and interval of each shown measure.
fn points_table(rows: &[PointsRow], keys: &[String]) -> String {
    let shown: Vec<&str> = POINT_MEASURES
        .iter()
        .copied()
        .filter(|m| rows.iter().any(|r| r.metric == *m))
        .collect();
    let mut head: Vec<String> = vec!["point".to_string()];
    head.extend(keys.iter().cloned());
    for m in &shown {
        let (label, unit, _) = describe(m);
        head.push(if unit.is_empty() {
            label
        } else {
            format!("{label} ({unit})")
        });
    }
    let mut points: Vec<usize> = rows.iter().map(|r| r.point).collect();
    points.dedup();
    let mut out = Vec::new();
    for p in points {
        let at: Vec<&PointsRow> = rows.iter().filter(|r| r.point == p).collect();
        let Some(first) = at.first() else { continue };
        let mut row = vec![Cell::num(p.to_string())];
        row.extend(first.point_values.iter().map(|v| Cell::num(v.to_string())));
        for m in &shown {
            let cell = match at.iter().find(|r| r.metric == *m) {
                Some(r) if r.n > 0 => format!(
                    "{} [{}, {}]",
                    html::num(r.mean),
                    html::num(r.ci95_low),
                    html::num(r.ci95_high)
                ),
                _ => "never reached".to_string(),
            };
            row.push(Cell::num(cell));
        }
        out.push(row);
    }
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    html::table("points", &head, &out)
}
