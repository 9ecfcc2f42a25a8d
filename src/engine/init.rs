//! Initialisation: the communities at tick 0, drawn from the scenario's population parameters.

use rand::RngExt;
use rand_distr::{Distribution, LogNormal};

use super::rng::ModelRng;
use super::world::{Community, Endowment, World};
use crate::model::identity;
use crate::scenario::Params;

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
        0.6 + 0.4 * tech_draw
    } else {
        0.4 * tech_draw
    } as f32;
    let community = Community::new(
        members as f32,
        region,
        rng.random_bool(pop.specialist_share),
        rng.random_bool(pop.free_rider_share),
    );
    let endowment = Endowment {
        base_production,
        treasury: pop.initial_treasury_ticks * base_production,
        own_avg: base_production as f32,
        tie_budget: tie_budget(members, params),
        // Technical communities sit in the top 40% of the scale, the others in the bottom 40%.
        tech,
    };
    (community, endowment)
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

/// Existing local relationships: each community draws `initial_ties` partners (the fractional
/// part by chance) from its own region and ties to those within bounded confidence.
fn seed_existing_ties(world: &mut World, params: &Params, rng: &mut ModelRng) {
    let pop = &params.population;
    let threshold = params.kinship.similarity_threshold;
    for c in 0..world.n_communities() as u32 {
        let draws = crate::model::kinship::draw_count(pop.initial_ties, rng);
        let region = world.communities[c as usize].region as usize;
        for _ in 0..draws {
            let members = &world.region_members[region];
            let other = members[rng.random_range(0..members.len())];
            if other != c
                && world.find_tie(c, other).is_none()
                && world.value_distance(c, other) < threshold
            {
                world.add_tie(c, other, pop.initial_trust);
            }
        }
    }
}

/// Builds the world at tick 0.
pub fn build_world(params: &Params, rng: &mut ModelRng) -> World {
    let mut world = World::empty(params);
    let pop = &params.population;
    let (k, p) = (world.value_dims, world.practice_dims);
    let cultures = pop.value_clusters as usize;
    let value_centres: Vec<f64> = (0..cultures * k).map(|_| rng.random()).collect();
    let practice_centres: Vec<f64> = (0..cultures * p).map(|_| rng.random()).collect();
    let (mut values, mut practice) = (Vec::with_capacity(k), Vec::with_capacity(p));
    world.reserve(pop.communities as usize);
    world.open.energy = 1.0;
    for i in 0..pop.communities {
        // Regions are contiguous blocks of indices, so local encounters touch nearby memory.
        let region = (u64::from(i) * u64::from(pop.regions) / u64::from(pop.communities)) as u32;
        let culture = rng.random_range(0..cultures);
        let (community, endowment) = draw_community(params, region, rng);
        jitter_into(
            &mut values,
            &value_centres[culture * k..(culture + 1) * k],
            pop.value_spread,
            rng,
        );
        jitter_into(
            &mut practice,
            &practice_centres[culture * p..(culture + 1) * p],
            pop.practice_spread,
            rng,
        );
        world.push_community(community, endowment, &values, &practice);
    }
    seed_existing_ties(&mut world, params, rng);
    if params.mechanisms.identity && params.identity.assigned_networks > 0 {
        identity::assign_networks(&mut world, params);
    }
    world.refresh_networks();
    // Stages at tick 0 already reflect the relationships that exist before the run.
    crate::model::stages::update(&mut world, params, &mut super::Scratch::default());
    world
}
