//! Pattern library: networks document what worked and replicate into new chapters.
//!
//! Each successful project adds `documentation_gain` entries (see `collective_action`). Every
//! tick each member community draws learning_value x L / (L + library_half) of knowledge value
//! from a library of L entries (reuse saturates: a bigger library helps less and less). With
//! chance replication_rate x L / (L + library_half) per tick, a network that can pay `seed_cost`
//! from its pool spawns a new chapter: a new community in a member's region whose values and
//! practice copy the network's pattern (more faithfully the richer the library), which joins
//! the network with `identity.absorb_ties` ties to random members at trust
//! chapter_trust x L / (L + library_half). No one plans the growth: it follows documented
//! success (Green Pill grows by replication).

use rand::RngExt;

use super::population::{draw_community, jitter_into};
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::World;
use crate::world::rng::ModelRng;

/// How far a library of `entries` has matured, in [0, 1).
pub fn maturity(entries: f64, half: f64) -> f64 {
    entries / (entries + half)
}

pub fn learn_and_replicate(
    world: &mut World,
    params: &Params,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
) {
    let pl = &params.pattern_library;
    for n in 0..world.networks.len() {
        if !world.networks[n].alive {
            continue;
        }
        let library = world.networks[n].library;
        let m = maturity(library, pl.library_half);
        let learning = pl.learning_value * m * world.networks[n].members.len() as f64;
        world.credit_network_value(n, learning);
        if pl.replication_rate > 0.0
            && rng.random_bool((pl.replication_rate * m).min(1.0))
            && world.networks[n].pool >= pl.seed_cost
            && world.networks[n].members.len() >= 2
            && (world.n_communities() as u32) < pl.max_communities
        {
            spawn_chapter(world, params, n, m, rng, scratch);
        }
    }
}

fn spawn_chapter(
    world: &mut World,
    params: &Params,
    n: usize,
    maturity: f64,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
) {
    let pl = &params.pattern_library;
    let members = &world.networks[n].members;
    let parent = members[rng.random_range(0..members.len())];
    let (chapter, mut endowment) =
        draw_community(params, world.communities[parent as usize].region, rng);
    endowment.treasury = pl.seed_cost;
    world.networks[n].pool -= pl.seed_cost;
    world.ledger.chapter_seeding_moved += pl.seed_cost;
    // A richer library replicates the pattern more faithfully.
    let fidelity = 1.0 - maturity;
    let centre = world.networks[n].mean_values.clone();
    let mut values = Vec::new();
    jitter_into(
        &mut values,
        &centre,
        params.population.value_spread * fidelity,
        rng,
    );
    let parent_practice = world.practice_of(parent).to_vec();
    let mut practice = Vec::new();
    jitter_into(
        &mut practice,
        &parent_practice,
        params.population.practice_spread * fidelity,
        rng,
    );
    let c = world.push_community(chapter, endowment, &values, &practice);
    world.set_network(c, n as u32);
    let trust = pl.chapter_trust * maturity;
    scratch.ids.clear();
    scratch.ids.extend(
        world.networks[n]
            .members
            .iter()
            .copied()
            .filter(|&m| m != c),
    );
    let ties = (params.identity.absorb_ties as usize).min(scratch.ids.len());
    for i in 0..ties {
        let j = rng.random_range(i..scratch.ids.len());
        scratch.ids.swap(i, j);
        world.ties.add_facilitated(c, scratch.ids[i], trust);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn a_rich_library_spawns_chapters_paid_from_the_pool() {
        let mut params = Params::default();
        params.pattern_library.replication_rate = 1.0;
        params.pattern_library.library_half = 0.001;
        let mut w = tiny_world(4);
        let n = w.found_network(&[0, 1, 2, 3], true) as usize;
        w.networks[n].library = 100.0;
        w.networks[n].pool = 3.0 * params.pattern_library.seed_cost;
        w.refresh_networks();
        let before = w.holdings();
        let mut rng = crate::world::rng::replicate_rng(2);
        learn_and_replicate(&mut w, &params, &mut rng, &mut Scratch::default());
        assert_eq!(w.n_communities(), 5);
        assert_eq!(w.network_of(4), n as u32);
        assert_eq!(w.ties.degree(4), params.identity.absorb_ties as usize);
        assert!(
            (w.holdings() - before).abs() < 1e-12,
            "a chapter is seeded from the pool"
        );
    }

    #[test]
    fn an_empty_library_never_replicates() {
        let mut params = Params::default();
        params.pattern_library.replication_rate = 1.0;
        let mut w = tiny_world(4);
        let n = w.found_network(&[0, 1, 2, 3], true) as usize;
        w.networks[n].pool = 100.0;
        let mut rng = crate::world::rng::replicate_rng(2);
        for _ in 0..100 {
            learn_and_replicate(&mut w, &params, &mut rng, &mut Scratch::default());
        }
        assert_eq!(w.n_communities(), 4);
    }
}
