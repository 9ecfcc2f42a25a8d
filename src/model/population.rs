//! Population: how a new community is drawn from the scenario's population parameters, at
//! tick 0 (`sim::init`) and when a network replicates a chapter (`pattern_library`).

use rand::RngExt;
use rand_distr::{Distribution, LogNormal};

use crate::scenario::Params;
use crate::world::rng::ModelRng;
use crate::world::{Community, Endowment};

/// Draws the traits of a new community (used at tick 0 and for replicated chapters), and what
/// it starts with in the arrays kept apart from [`Community`] (production, treasury, budget,
/// technical level: see [`World::economy`] and [`World::tech_of`]).
pub fn draw_community(params: &Params, region: u32, rng: &mut ModelRng) -> (Community, Endowment) {
    let pop = &params.population;
    let members = lognormal(pop.members_median, pop.members_spread, rng)
        .round()
        .max(1.0);
    let base_production = lognormal(pop.production_median, pop.production_spread, rng);
    let technical = rng.random_bool(pop.technical_share);
    let tech_draw: f64 = rng.random();
    let tech = if technical {
        pop.technical_min_tech + (1.0 - pop.technical_min_tech) * tech_draw
    } else {
        pop.other_max_tech * tech_draw
    } as f32;
    let depth = engagement_depth(params, rng);
    let community = Community::new(
        members as f32,
        region,
        depth as f32,
        rng.random_bool(pop.free_rider_share),
    );
    let endowment = Endowment {
        base_production,
        treasury: pop.initial_treasury_ticks * base_production,
        own_avg: base_production as f32,
        tie_budget: tie_budget(members, params),
        // Technical communities sit in [technical_min_tech, 1], the others in [0, other_max_tech].
        tech,
    };
    (community, endowment)
}

/// Preferred engagement depth from the population's two-component mix (docs/model.md, 7.7):
/// the specialist centre with probability `specialist_share`, else the general centre, plus a
/// uniform jitter of half-width `depth_spread`, clamped to [0, 1].
pub fn engagement_depth(params: &Params, rng: &mut ModelRng) -> f64 {
    let pop = &params.population;
    let centre = if rng.random_bool(pop.specialist_share) {
        pop.specialist_depth
    } else {
        pop.general_depth
    };
    (centre + pop.depth_spread * (2.0 * rng.random::<f64>() - 1.0)).clamp(0.0, 1.0)
}

/// Dunbar budget: `budget_base` ties at `budget_base` members, plus `budget_per_layer` for each
/// threefold growth in members (the layers 5/15/50/150 grow by about 3x).
pub fn tie_budget(members: f64, params: &Params) -> u16 {
    let t = &params.trust;
    let layers = (members / t.budget_base).max(1.0).ln() / 3f64.ln();
    (t.budget_base + t.budget_per_layer * layers)
        .round()
        .clamp(1.0, f64::from(u16::MAX)) as u16
}

fn lognormal(median: f64, sigma: f64, rng: &mut ModelRng) -> f64 {
    if sigma == 0.0 || median == 0.0 {
        return median;
    }
    // Valid by construction: median > 0 and sigma > 0 are checked by the scenario ranges.
    LogNormal::new(median.ln(), sigma)
        .map(|d| d.sample(rng))
        .unwrap_or(median)
}

/// Values near a centre, each coordinate jittered uniformly by up to `spread` and clamped.
pub fn jitter_into(out: &mut Vec<f64>, centre: &[f64], spread: f64, rng: &mut ModelRng) {
    out.clear();
    out.extend(
        centre
            .iter()
            .map(|c| (c + spread * (2.0 * rng.random::<f64>() - 1.0)).clamp(0.0, 1.0)),
    );
}
