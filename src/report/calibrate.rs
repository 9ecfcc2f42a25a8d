//! A calibration folder's report: the headline (what was fitted to what, and how far it got),
//! the targets, each key's prior and posterior (median and 95% interval from `marginals.csv`),
//! how each generation narrowed epsilon (`generations.csv`), the posterior charts and the base
//! parameters.

use std::path::Path;

use super::{
    ReportError, changed_from_defaults, charts, description, html, overrides, quoted, title,
};
use crate::output::manifest::Manifest;
use crate::output::schema::{GenerationRow, MarginalRow, read_rows};

use html::Cell;

/// Title, headline and sections of a calibration's report.
pub(super) fn sections(
    dir: &Path,
    m: &Manifest,
) -> Result<(String, String, Vec<String>), ReportError> {
    let Some(section) = m.calibrate.as_ref() else {
        return Err(ReportError::Content {
            path: dir.join("manifest.json").display().to_string(),
            message: "a calibration manifest without its `calibrate` section".to_string(),
        });
    };
    let plan = &section.plan;
    let marginals: Vec<MarginalRow> = read_rows(&dir.join("marginals.csv"))?;
    let generations: Vec<GenerationRow> = read_rows(&dir.join("generations.csv"))?;
    let keys: Vec<&str> = plan.priors.iter().map(|(k, _)| k.as_str()).collect();
    let stop = match section.stop.as_str() {
        "tolerance" => "epsilon reached the tolerance",
        "acceptance" => "a generation needed more candidates than allowed",
        _ => "the last generation was reached",
    };
    let last_epsilon = generations.last().map_or(String::new(), |g| {
        format!(", final epsilon {}", html::num(g.epsilon))
    });
    let headline = format!(
        "ABC-SMC calibration of {} on {} against {} target(s): {} generation(s) of {} particles from {} simulated candidates; it stopped because {stop}{last_epsilon}.",
        keys.join(", "),
        quoted(&m.provenance.scenario.name),
        plan.targets.len(),
        section.generations,
        plan.population,
        section.candidates,
    );
    let targets: Vec<Vec<Cell>> = plan
        .targets
        .iter()
        .map(|(label, observed)| vec![Cell::text(label.clone()), Cell::text(observed.clone())])
        .collect();
    let targets = format!(
        "{}<p>Target file {} (SHA-256 {}).</p>\n{}",
        description(m),
        html::escape(&plan.target_file),
        html::escape(&plan.target_sha256),
        html::table("targets", &["target", "observed, scale"], &targets)
    );
    let posterior: Vec<Vec<Cell>> = marginals
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.key.clone()),
                Cell::text(r.prior.clone()),
                Cell::num(html::num(r.median)),
                Cell::num(format!(
                    "[{}, {}]",
                    html::num(r.ci95_low),
                    html::num(r.ci95_high)
                )),
                Cell::num(html::num(r.mean)),
                Cell::num(html::num(r.sd)),
            ]
        })
        .collect();
    let posterior = format!(
        "<p>Weighted over the last generation's particles (posterior.csv); calibrated.toml is the scenario with these medians. An interval nearly as wide as the prior means the targets do not identify the key.</p>\n{}",
        html::table(
            "posterior",
            &["key", "prior", "median", "95% interval", "mean", "sd"],
            &posterior
        )
    );
    let rows: Vec<Vec<Cell>> = generations
        .iter()
        .map(|g| {
            vec![
                Cell::num(g.generation.to_string()),
                Cell::num(html::num(g.epsilon)),
                Cell::num(g.candidates.to_string()),
                Cell::num(g.accepted.to_string()),
                Cell::num(html::num(g.acceptance_rate)),
                Cell::num(html::num(g.ess)),
            ]
        })
        .collect();
    let generations = html::table(
        "generations",
        &[
            "generation",
            "epsilon",
            "candidates",
            "accepted",
            "acceptance rate",
            "effective sample size",
        ],
        &rows,
    );
    let mut changes = html::para(
        "note",
        &format!(
            "Calibrated: {}. Base scenario against the built-in defaults (overrides: {}):",
            keys.join(", "),
            overrides(m)
        ),
    );
    changes.push_str(&changed_from_defaults(&m.provenance.parameters));
    Ok((
        title("calibration", m),
        headline,
        vec![
            html::section("targets", "Targets", &targets),
            html::section("posterior", "Posterior", &posterior),
            html::section("generations", "Generations", &generations),
            charts(dir, &[])?,
            html::section("changes", "Calibrated keys and base parameters", &changes),
        ],
    ))
}
