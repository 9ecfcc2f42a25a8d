//! A sweep's plan: its points laid out by the design, and the test of two plans being the same
//! sweep (resume and merge refuse a different one, naming what differs).

use super::{SweepError, SweepRequest};
use crate::experiment::design::{self, Levels, Point, Vary, display};
use crate::experiment::sensitivity;
use crate::output::manifest::{self, Analysis, Plan};
use crate::scenario::Params;

/// The plan and its points as values. Each point's parameters were validated when the points
/// were laid out; they are built again batch by batch as the runs need them, never all held.
pub fn plan(req: &SweepRequest) -> Result<(Plan, Vec<Point>), SweepError> {
    let (points, design_name, samples) = match &req.analysis {
        Some(a) => {
            let (_, points) = sensitivity::points(&req.base, a).map_err(SweepError::Design)?;
            match a {
                Analysis::Morris { trajectories, .. } => (points, "morris", *trajectories),
                Analysis::Sobol { rows, .. } => (points, "sobol", *rows),
            }
        }
        None => (
            design::points(
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
    let vary = varied(req)?;
    if req.replicates == 0 {
        return Err(SweepError::Design("--replicates must be at least 1".into()));
    }
    let plan = Plan {
        coordsim_version: crate::VERSION.to_string(),
        coordsim_build: crate::BUILD_ID.to_string(),
        scenario_name: req.base.name.clone(),
        scenario_sha256: manifest::sha256_hex(req.base.text.as_bytes()),
        overrides: req.overrides.clone(),
        design: design_name.to_string(),
        samples,
        varied: vary.iter().map(|v| v.key.clone()).collect(),
        points: points
            .iter()
            .map(|p: &Point| p.iter().map(display).collect())
            .collect(),
        replicates: req.replicates,
        master_seed: req.base.params.run.seed,
        seeds: req.seeds,
        series_every: req.series_every,
        total_runs: points.len() as u64 * req.replicates as u64,
        analysis: req.analysis.clone(),
    };
    Ok((plan, points))
}

/// The parameters of one point of the plan (validated when the points were laid out).
pub fn point_params(req: &SweepRequest, point: &Point) -> Result<Params, SweepError> {
    design::point_scenario(&req.base, &varied(req)?, point)
        .map(|s| s.params)
        .map_err(SweepError::Design)
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
    let checks: [(&'static str, bool); 13] = [
        ("coordsim version", a.coordsim_version == b.coordsim_version),
        ("coordsim build", a.coordsim_build == b.coordsim_build),
        ("scenario file", a.scenario_sha256 == b.scenario_sha256),
        ("--set overrides", a.overrides == b.overrides),
        ("design", a.design == b.design),
        ("samples", a.samples == b.samples),
        ("varied keys", a.varied == b.varied),
        ("points", a.points == b.points),
        ("replicates", a.replicates == b.replicates),
        ("master seed", a.master_seed == b.master_seed),
        ("seed rule", a.seeds == b.seeds),
        ("series-every", a.series_every == b.series_every),
        ("analysis", a.analysis == b.analysis),
    ];
    checks.iter().find(|(_, same)| !same).map(|(what, _)| *what)
}
