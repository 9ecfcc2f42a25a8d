//! A screening or Sobol folder's report (`coordsim screen`, `coordsim sobol`): the headline
//! names, per measure, the keys that matter; the tables are `morris.csv` (mu*, its interval and
//! whether it clears the dummy key's noise floor) or `sobol.csv` (first-order and total indices
//! with intervals), then the charts and the varied keys. The design's points are left to
//! `points.csv`: a reader of an analysis wants the ranking, not the design.

use std::path::Path;

use super::{
    ReportError, changed_from_defaults, charts, describe, description, html, overrides, quoted,
    title,
};
use crate::output::manifest::{Analysis, Manifest};
use crate::output::schema::{DUMMY, MorrisRow, SobolRow, read_rows};

use html::Cell;

/// Title, headline and sections of a screening's or a Sobol analysis's report.
pub(super) fn sections(
    dir: &Path,
    m: &Manifest,
    analysis: &Analysis,
) -> Result<(String, String, Vec<String>), ReportError> {
    let (what, headline, table) = match analysis {
        Analysis::Morris {
            trajectories,
            levels,
            ..
        } => {
            let rows: Vec<MorrisRow> = read_rows(&dir.join("morris.csv"))?;
            let design = format!("{trajectories} trajectories on a {levels}-level grid");
            (
                "screening",
                morris_headline(&rows, analysis.vary().len(), &design, m),
                morris_table(&rows),
            )
        }
        Analysis::Sobol { rows: n, .. } => {
            let rows: Vec<SobolRow> = read_rows(&dir.join("sobol.csv"))?;
            (
                "Sobol analysis",
                sobol_headline(&rows, *n, m),
                sobol_table(&rows),
            )
        }
    };
    let mut changes = html::para(
        "note",
        &format!(
            "Varied: {}. Base scenario against the built-in defaults (overrides: {}):",
            analysis.vary().join(", "),
            overrides(m)
        ),
    );
    changes.push_str(&changed_from_defaults(&m.provenance.parameters));
    Ok((
        title(what, m),
        headline,
        vec![
            html::section("indices", "Which keys matter", &(description(m) + &table)),
            charts(dir, &[])?,
            html::section("changes", "Varied keys and base parameters", &changes),
        ],
    ))
}

/// Measures in the order they first appear in the rows.
fn metrics<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Whether a key's mu* interval lies above the dummy's mu* for the same measure.
fn clears_floor(row: &MorrisRow, rows: &[MorrisRow]) -> Option<bool> {
    let floor = rows
        .iter()
        .find(|r| r.metric == row.metric && r.key == DUMMY)?;
    Some(row.mu_star_ci95_low > floor.mu_star)
}

/// One sentence per measure: the keys whose mu* clears the noise floor, strongest first.
fn morris_headline(rows: &[MorrisRow], keys: usize, design: &str, m: &Manifest) -> String {
    let mut parts = Vec::new();
    for metric in metrics(rows.iter().map(|r| r.metric.as_str())) {
        let mut mattering: Vec<&MorrisRow> = rows
            .iter()
            .filter(|r| r.metric == metric && r.key != DUMMY)
            .filter(|r| clears_floor(r, rows) == Some(true))
            .collect();
        mattering.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        let (label, _, _) = describe(metric);
        parts.push(if mattering.is_empty() {
            format!("for {label}, no key clears the noise floor")
        } else {
            format!(
                "for {label}, {}",
                mattering
                    .iter()
                    .map(|r| r.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    format!(
        "A Morris screening of {keys} keys on {} ({design}): the keys whose effect clears the noise floor (the dummy key's mu*) are {}.",
        quoted(&m.provenance.scenario.name),
        parts.join("; ")
    )
}

fn morris_table(rows: &[MorrisRow]) -> String {
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let verdict = match (r.key == DUMMY, clears_floor(r, rows)) {
                (true, _) => "the noise floor",
                (false, Some(true)) => "matters",
                _ => "within noise",
            };
            vec![
                Cell::text(describe(&r.metric).0),
                Cell::text(r.key.clone()),
                Cell::num(html::num(r.mu_star)),
                Cell::num(format!(
                    "[{}, {}]",
                    html::num(r.mu_star_ci95_low),
                    html::num(r.mu_star_ci95_high)
                )),
                Cell::num(html::num(r.mu)),
                Cell::num(html::num(r.sigma)),
                Cell::num(r.n.to_string()),
                Cell::text(verdict),
            ]
        })
        .collect();
    html::para(
        "note",
        "mu*: the mean absolute change of the measure as the key crosses its whole range; mu: the same with signs (negative: the measure falls as the key rises); sigma: how much the effect depends on the other keys. A key matters when its mu* interval lies above the dummy key's mu*, which changes only the seeds.",
    ) + &html::table(
        "morris",
        &[
            "measure", "key", "mu*", "95% CI", "mu", "sigma", "n", "verdict",
        ],
        &body,
    )
}

/// One sentence per measure: the key with the largest total index.
fn sobol_headline(rows: &[SobolRow], n: u32, m: &Manifest) -> String {
    let mut parts = Vec::new();
    for metric in metrics(rows.iter().map(|r| r.metric.as_str())) {
        let top = rows
            .iter()
            .filter(|r| r.metric == metric)
            .max_by(|a, b| a.total.total_cmp(&b.total));
        if let Some(top) = top {
            parts.push(format!(
                "for {} the largest total index is {}'s, {} [{}, {}]",
                describe(metric).0,
                top.key,
                html::num(top.total),
                html::num(top.total_ci95_low),
                html::num(top.total_ci95_high)
            ));
        }
    }
    format!(
        "A Sobol analysis of {} on {} ({n} base samples): {}.",
        metrics(rows.iter().map(|r| r.key.as_str())).join(", "),
        quoted(&m.provenance.scenario.name),
        parts.join("; ")
    )
}

fn sobol_table(rows: &[SobolRow]) -> String {
    let interval = |x: f64, lo: f64, hi: f64| {
        format!("{} [{}, {}]", html::num(x), html::num(lo), html::num(hi))
    };
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(describe(&r.metric).0),
                Cell::text(r.key.clone()),
                Cell::num(interval(
                    r.first_order,
                    r.first_order_ci95_low,
                    r.first_order_ci95_high,
                )),
                Cell::num(interval(r.total, r.total_ci95_low, r.total_ci95_high)),
                Cell::num(r.n.to_string()),
            ]
        })
        .collect();
    html::para(
        "note",
        "First-order index: the share of the measure's variance the key explains alone; total index: alone and through its interactions with the others. 95% bootstrap intervals.",
    ) + &html::table(
        "sobol",
        &[
            "measure",
            "key",
            "first order [95% CI]",
            "total [95% CI]",
            "n",
        ],
        &body,
    )
}
