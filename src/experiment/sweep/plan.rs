//! A sweep's plan: its points laid out by the design, and the test of two plans being the same
//! sweep (resume and merge refuse a different one, naming what differs).

use super::{SweepError, SweepRequest};
use crate::experiment::design::{self, Layout, Levels, Point, Vary, display};
use crate::experiment::sensitivity;
use crate::output::manifest::{self, Analysis, Plan};
use crate::scenario::Params;

/// Plans of at most this many points list them (`points` in `plan.json` and the manifest);
/// a larger plain sweep gives the varied keys' levels instead (`levels`), which with the
/// design, samples and master seed determine its points, so a huge sweep writes a small plan.
/// (An analysis's plan always lists its points: `screen` and `sobol` hold their designs.)
pub const LISTED_POINTS: u64 = 10_000;

/// The plan and its layout (each point computed on demand). The points' parameters were
/// validated when the layout was made (see `design::layout`); they are built again batch by
/// batch as the runs need them, never all held.
pub fn plan(req: &SweepRequest) -> Result<(Plan, Layout), SweepError> {
    let (layout, design_name, samples) = match &req.analysis {
        Some(a) => {
            let (_, points) = sensitivity::points(&req.base, a).map_err(SweepError::Design)?;
            let layout = Layout::listed(&varied(req)?, points);
            match a {
                Analysis::Morris { trajectories, .. } => (layout, "morris", *trajectories),
                Analysis::Sobol { rows, .. } => (layout, "sobol", *rows),
            }
        }
        None => (
            design::layout(
                &req.base,
                &req.vary,
                req.design,
                req.samples,
                req.base.params.run.seed,
            )
            .map_err(SweepError::Design)?,
            req.design.name(),
            req.samples,
        ),
    };
    if req.replicates == 0 {
        return Err(SweepError::Design("--replicates must be at least 1".into()));
    }
    // An analysis's design is held whole anyway (its estimators need it): always listed.
    let listed = layout.len() <= LISTED_POINTS || req.analysis.is_some();
    let plan = Plan {
        coordsim_version: crate::VERSION.to_string(),
        coordsim_build: crate::BUILD_ID.to_string(),
        scenario_name: req.base.name.clone(),
        scenario_sha256: manifest::sha256_hex(req.base.text.as_bytes()),
        overrides: req.overrides.clone(),
        design: design_name.to_string(),
        samples,
        varied: layout.vary().iter().map(|v| v.key.clone()).collect(),
        points: if listed {
            layout.iter().map(|p| values(&p)).collect()
        } else {
            Vec::new()
        },
        levels: if listed {
            Vec::new()
        } else {
            req.vary.iter().map(level_text).collect()
        },
        replicates: req.replicates,
        master_seed: req.base.params.run.seed,
        seeds: req.seeds,
        series_every: req.series_every,
        total_runs: layout.len().saturating_mul(u64::from(req.replicates)),
        analysis: req.analysis.clone(),
    };
    Ok((plan, layout))
}

/// Bytes the plan holds while the sweep runs (`points` points of `keys` keys): the listed
/// points of a small plan, a Latin hypercube's strata, an analysis's whole design.
pub fn held_bytes(req: &SweepRequest, points: u64, keys: usize) -> u64 {
    let listed = 64 + 56 * keys as u64;
    match &req.analysis {
        Some(_) => points.saturating_mul(listed),
        None => points
            .min(LISTED_POINTS)
            .saturating_mul(listed)
            .saturating_add(design::held_bytes(req.design, points, keys)),
    }
}

/// A point's values as written in the CSV files.
pub fn values(point: &Point) -> Vec<String> {
    point.iter().map(display).collect()
}

/// A varied key's levels as the plan records them: `KEY=V1,V2,...` or `KEY=LO..HI`.
fn level_text(v: &Vary) -> String {
    match &v.levels {
        Levels::Values(vals) => format!(
            "{}={}",
            v.key,
            vals.iter().map(display).collect::<Vec<_>>().join(",")
        ),
        Levels::Range { lo, hi } => format!("{}={lo}..{hi}", v.key),
    }
}

/// The parameters of point `index` of the layout. Validated when the layout was made for all
/// but the largest designs; a point of those that fails is named here, before its batch runs.
pub fn point_params(req: &SweepRequest, layout: &Layout, index: u64) -> Result<Params, SweepError> {
    design::point_scenario(&req.base, layout.vary(), &layout.point(index))
        .map(|s| s.params)
        .map_err(|e| SweepError::Design(format!("point {index}: {e}")))
}

/// The keys the plan varies: the sweep's, or an analysis's (with `run.seed` for the Morris
/// dummy).
fn varied(req: &SweepRequest) -> Result<Vec<Vary>, SweepError> {
    match &req.analysis {
        None => Ok(req.vary.clone()),
        Some(a) => Ok(sensitivity::keys(a)
            .map_err(SweepError::Design)?
            .into_iter()
            .map(|key| Vary {
                key,
                levels: Levels::Values(Vec::new()),
            })
            .collect()),
    }
}

/// Names the first field in which two plans differ.
pub fn plan_difference(a: &Plan, b: &Plan) -> Option<&'static str> {
    let checks: [(&'static str, bool); 14] = [
        ("coordsim version", a.coordsim_version == b.coordsim_version),
        ("coordsim build", a.coordsim_build == b.coordsim_build),
        ("scenario file", a.scenario_sha256 == b.scenario_sha256),
        ("--set overrides", a.overrides == b.overrides),
        ("design", a.design == b.design),
        ("samples", a.samples == b.samples),
        ("varied keys", a.varied == b.varied),
        ("points", a.points == b.points),
        ("levels", a.levels == b.levels),
        ("replicates", a.replicates == b.replicates),
        ("master seed", a.master_seed == b.master_seed),
        ("seed rule", a.seeds == b.seeds),
        ("series-every", a.series_every == b.series_every),
        ("analysis", a.analysis == b.analysis),
    ];
    checks.iter().find(|(_, same)| !same).map(|(what, _)| *what)
}
