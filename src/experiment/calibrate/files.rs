//! A finished calibration's folder: `candidates.csv` (the part file, linked in), `particles.csv`,
//! `posterior.csv`, `generations.csv`, `marginals.csv`, `calibrated.toml` (the scenario with
//! the posterior medians) and `manifest.json`, built in a staging folder and swapped in whole.

use std::io::Write;
use std::path::Path;

use super::abc::{Generation, marginal};
use super::{CalibrateError, CalibrateOutcome, CalibrateRequest, stop_words};
use crate::output::folder::link_or_copy;
use crate::output::manifest::{CalibratePlan, CalibrateSection, Manifest, Provenance};
use crate::output::schema::{GenerationRow, MarginalRow, ParticleRow, writer};
use crate::output::{FolderLock, StagedFolder, Staging};
use crate::scenario::calibrate::TargetFile;
use crate::scenario::{Origin, Scenario, specs};

/// The files of a finished calibration, in the order written.
pub const FILES: &[&str] = &[
    "candidates.csv",
    "particles.csv",
    "posterior.csv",
    "generations.csv",
    "marginals.csv",
    "calibrated.toml",
    "manifest.json",
];

/// The plan of the finished calibration in `out`, if there is one.
pub(super) fn finished_plan(out: &Path) -> Option<CalibratePlan> {
    Manifest::read(&out.join("manifest.json"))
        .ok()?
        .calibrate
        .map(|c| c.plan)
}

fn particle_rows(g: &Generation) -> impl Iterator<Item = ParticleRow> + '_ {
    g.particles
        .iter()
        .enumerate()
        .map(move |(i, p)| ParticleRow {
            generation: g.index,
            particle: i as u32,
            candidate: p.candidate,
            weight: p.weight,
            distance: p.distance,
            keys: p.theta.clone(),
            targets: p.values.clone(),
        })
}

/// Builds the finished folder beside `req.out`.
pub(super) fn finalise(
    req: &CalibrateRequest,
    lock: &FolderLock,
    provenance: Provenance,
    done: &CalibrateOutcome,
    keys: &[String],
    labels: &[String],
    part: &Path,
) -> Result<StagedFolder, CalibrateError> {
    let staged = StagedFolder::begin(lock)?;
    let dir = staged.path().to_path_buf();
    let mut staging = Staging::new();
    let outcome = &done.outcome;
    let header = ParticleRow::header(keys, labels);
    staging.write(&dir.join("particles.csv"), |w| {
        let mut w = writer(w);
        w.write_record(&header)?;
        for g in &outcome.generations {
            for row in particle_rows(g) {
                w.serialize(row)?;
            }
        }
        w.flush()
    })?;
    let posterior = outcome.posterior();
    staging.write(&dir.join("posterior.csv"), |w| {
        let mut w = writer(w);
        w.write_record(&header)?;
        for row in particle_rows(posterior) {
            w.serialize(row)?;
        }
        w.flush()
    })?;
    staging.write(&dir.join("generations.csv"), |w| {
        let mut w = writer(w);
        w.write_record(GenerationRow::header())?;
        for g in &outcome.generations {
            w.serialize(GenerationRow {
                generation: g.index,
                epsilon: g.epsilon,
                candidates: g.candidates,
                accepted: g.particles.len() as u32,
                acceptance_rate: g.particles.len() as f64 / f64::from(g.candidates.max(1)),
                ess: g.ess,
            })?;
        }
        w.flush()
    })?;
    let marginals = marginal_rows(&req.target, posterior);
    staging.write(&dir.join("marginals.csv"), |w| {
        let mut w = writer(w);
        w.write_record(MarginalRow::header())?;
        for row in &marginals {
            w.serialize(row)?;
        }
        w.flush()
    })?;
    let toml =
        calibrated_scenario(&req.base, &req.target, &marginals).map_err(CalibrateError::Input)?;
    staging.write(&dir.join("calibrated.toml"), |w| {
        w.write_all(toml.as_bytes())
    })?;
    let files: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    let m = Manifest::calibrate(
        provenance.finish(done.threads, files),
        CalibrateSection {
            plan: done.plan.clone(),
            generations: outcome.generations.len() as u32,
            stop: stop_words(outcome.stop).to_string(),
            candidates: outcome.candidates,
        },
    );
    staging.write(&dir.join("manifest.json"), |w| m.write(w))?;
    link_or_copy(part, &dir.join("candidates.csv"))?;
    staging.commit()?;
    Ok(staged)
}

/// Each key's weighted posterior median, mean, sd and 95% interval.
pub fn marginal_rows(target: &TargetFile, g: &Generation) -> Vec<MarginalRow> {
    target
        .priors
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (median, mean, sd, lo, hi) = marginal(g, k);
            MarginalRow {
                key: p.key.clone(),
                prior: p.describe(),
                median,
                mean,
                sd,
                ci95_low: lo,
                ci95_high: hi,
            }
        })
        .collect()
}

/// A scenario file holding `base` with each calibrated key at its posterior median: the keys
/// that differ from the defaults, by table (every key when the short form would not load back
/// to the same parameters, as when a default adapts to another key).
pub fn calibrated_scenario(
    base: &Scenario,
    target: &TargetFile,
    marginals: &[MarginalRow],
) -> Result<String, String> {
    let mut scenario = base.clone();
    let assignments: Vec<String> = target
        .priors
        .iter()
        .zip(marginals)
        .map(|(p, m)| p.assignment(m.median))
        .collect();
    scenario
        .apply_overrides(&assignments)
        .map_err(|e| format!("the posterior medians do not make a valid scenario: {e}"))?;
    let name = format!("{}_calibrated", base.name);
    let mut head = format!(
        "# {} calibrated by `coordsim calibrate` against {}: each calibrated key is set to its\n\
         # posterior median (marginals.csv has the 95% intervals). Every other key is the base's.\n",
        base.name, target.origin
    );
    for m in marginals {
        head.push_str(&format!(
            "#   {} = {} [{}, {}]  prior {}\n",
            m.key, m.median, m.ci95_low, m.ci95_high, m.prior
        ));
    }
    head.push_str("\n[meta]\n");
    head.push_str(&format!("name = {}\n", toml::Value::from(name.as_str())));
    if let Some(group) = &base.meta.group {
        head.push_str(&format!("group = {}\n", toml::Value::from(group.as_str())));
    }
    let description = format!(
        "{} with the keys calibrated against {} set to their posterior medians.",
        base.name,
        target.meta.name.as_deref().unwrap_or(&target.origin)
    );
    head.push_str(&format!(
        "description = {}\n",
        toml::Value::from(description.as_str())
    ));
    let sources: Vec<toml::Value> = target
        .meta
        .sources
        .iter()
        .map(|s| toml::Value::from(s.as_str()))
        .collect();
    head.push_str(&format!("sources = {}\n", toml::Value::Array(sources)));
    let defaults = specs();
    let body = |all: bool| {
        let mut text = String::new();
        let mut table = "";
        for ((key, value), spec) in scenario.params.values().into_iter().zip(&defaults) {
            if !all && value == spec.default {
                continue;
            }
            let (section, field) = key.split_once('.').expect("keys are table.field");
            if section != table {
                text.push_str(&format!("\n[{section}]\n"));
                table = section;
            }
            text.push_str(&format!("{field} = {value}\n"));
        }
        text
    };
    for all in [false, true] {
        let text = format!("{head}{}", body(all));
        let reads_back = Scenario::parse(&text, Origin::File("calibrated.toml".into()))
            .is_ok_and(|s| s.params == scenario.params);
        if reads_back {
            return Ok(text);
        }
    }
    Err("the calibrated scenario does not read back to the same parameters".into())
}
