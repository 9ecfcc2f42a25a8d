//! Initialisation: the communities at tick 0, drawn from the scenario's population parameters.

use rand::RngExt;

use crate::model::identity;
use crate::model::population::{draw_community, jitter_into};
use crate::scenario::Params;
use crate::world::World;
use crate::world::rng::ModelRng;

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
                && world.ties.find(c, other).is_none()
                && world.value_distance(c, other) < threshold
            {
                world.ties.add(c, other, pop.initial_trust);
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
    if params.identity.assigned_networks > 0 {
        identity::assign_networks(&mut world, params);
    }
    world.refresh_networks();
    // Stages at tick 0 already reflect the relationships that exist before the run.
    crate::model::stages::update(&mut world, params, &mut crate::world::Scratch::default());
    world
}
