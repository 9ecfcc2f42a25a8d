//! Step 4, collective identity: trusted clusters name themselves; networks absorb newcomers,
//! merge, split, lose members who exit, and dissolve.
//!
//! Every `check_every` ticks, on the graph of ties with trust at or above
//! `identity.trust_threshold`:
//! 1. naming: a connected cluster of at least `min_size` unaffiliated communities becomes a
//!    network (the act of naming; local identities stay);
//! 2. absorbing: an unaffiliated community with `absorb_ties` trusted ties into one network
//!    joins it if its values lie within `exit_distance` of the network's mean;
//! 3. merging: two networks joined by `merge_ties` trusted ties and with close mean values merge;
//! 4. splitting: a network whose trusted internal graph holds two or more clusters of at least
//!    `min_size` splits into them;
//! 5. exit: a member whose values lie beyond its tolerance (exit_distance, narrowed by
//!    centralization), whose joint work showed its practice out of step with co-members (mean
//!    perceived alignment below `resonance.min_alignment`), or whose mean trust to co-members is
//!    below `exit_trust` leaves with `exit_probability` per reason, divided by the exit cost of
//!    its shared infrastructure;
//! 6. dissolving: a network below `dissolve_share` of `min_size` (rounded up) dissolves,
//!    sharing out what it holds.

use rand::RngExt;

use super::interdependence::exit_factor;
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::rng::ModelRng;
use crate::world::{NO_NETWORK, World, distance};

pub fn update(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    name_clusters(world, params, scratch);
    world.refresh_networks();
    absorb(world, params, scratch);
    merge(world, params, scratch);
    split(world, params, scratch);
    world.refresh_networks();
    exit(world, params, rng, scratch);
    dissolve_small(world, params);
}

/// Hierarchy: assigns every community at tick 0 to one of `assigned_networks` by region.
pub fn assign_networks(world: &mut World, params: &Params) {
    let count = params
        .identity
        .assigned_networks
        .min(world.n_communities() as u32);
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); count as usize];
    for (c, community) in world.communities.iter().enumerate() {
        groups[(community.region % count) as usize].push(c as u32);
    }
    for g in groups.iter().filter(|g| !g.is_empty()) {
        world.found_network(g, true);
    }
}

fn strong(world: &World, params: &Params, tie: usize) -> bool {
    let t = &world.ties[tie];
    t.alive && t.trust() >= params.identity.trust_threshold
}

fn name_clusters(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let n = world.n_communities();
    let uf = &mut scratch.components;
    uf.reset(n);
    for id in 0..world.ties.slots() {
        let t = &world.ties[id];
        if strong(world, params, id)
            && world.network_of(t.a) == NO_NETWORK
            && world.network_of(t.b) == NO_NETWORK
        {
            uf.union(t.a, t.b);
        }
    }
    // Root -> new network, created in order of the cluster's lowest member (deterministic).
    scratch.ids.clear();
    scratch.ids.resize(n, NO_NETWORK);
    for c in 0..n as u32 {
        if world.network_of(c) != NO_NETWORK || uf.size_of(c) < params.identity.min_size {
            continue;
        }
        let root = uf.find(c) as usize;
        if scratch.ids[root] == NO_NETWORK {
            scratch.ids[root] = world.found_network(&[], true);
        }
        world.set_network(c, scratch.ids[root]);
    }
}

fn absorb(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let id = &params.identity;
    for c in 0..world.n_communities() as u32 {
        if world.network_of(c) != NO_NETWORK {
            continue;
        }
        scratch.more_ids.clear();
        for &t in world.ties.ids_of(c) {
            if strong(world, params, t as usize) {
                let other = world.ties[t as usize].other(c);
                let n = world.network_of(other);
                if n != NO_NETWORK {
                    scratch.more_ids.push(n);
                }
            }
        }
        scratch.more_ids.sort_unstable();
        let Some((best, count)) = most_common(&scratch.more_ids) else {
            continue;
        };
        if count >= id.absorb_ties
            && distance(
                world.values_of(c),
                &world.networks[best as usize].mean_values,
            ) <= id.exit_distance
        {
            world.set_network(c, best);
        }
    }
}

/// The most frequent value in a sorted slice and its count (lowest value on ties).
fn most_common(sorted: &[u32]) -> Option<(u32, u32)> {
    let mut best: Option<(u32, u32)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let j = i + sorted[i..].iter().take_while(|&&x| x == sorted[i]).count();
        let count = (j - i) as u32;
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((sorted[i], count));
        }
        i = j;
    }
    best
}

fn merge(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let id = &params.identity;
    let mut pairs = std::mem::take(&mut scratch.pairs);
    pairs.clear();
    for t in 0..world.ties.slots() {
        if !strong(world, params, t) {
            continue;
        }
        let (a, b) = (world.ties[t].a, world.ties[t].b);
        let (na, nb) = (world.network_of(a), world.network_of(b));
        if na != NO_NETWORK && nb != NO_NETWORK && na != nb {
            pairs.push(((na.min(nb) as u64) << 32) | na.max(nb) as u64);
        }
    }
    pairs.sort_unstable();
    let mut i = 0;
    while i < pairs.len() {
        let j = i + pairs[i..].iter().take_while(|&&x| x == pairs[i]).count();
        let (x, y) = ((pairs[i] >> 32) as usize, (pairs[i] & 0xFFFF_FFFF) as usize);
        let ties_between = (j - i) as u32;
        i = j;
        if ties_between < id.merge_ties || !world.networks[x].alive || !world.networks[y].alive {
            continue;
        }
        if distance(
            &world.networks[x].mean_values,
            &world.networks[y].mean_values,
        ) > id.exit_distance
        {
            continue;
        }
        let (keep, gone) = if world.networks[y].members.len() > world.networks[x].members.len() {
            (y, x)
        } else {
            (x, y)
        };
        merge_into(world, keep, gone, scratch);
    }
    scratch.pairs = pairs;
}

fn merge_into(world: &mut World, keep: usize, gone: usize, scratch: &mut Scratch) {
    scratch.more_ids.clear();
    scratch
        .more_ids
        .extend_from_slice(&world.networks[gone].members);

    for i in 0..scratch.more_ids.len() {
        world.set_network(scratch.more_ids[i], keep as u32);
    }
    let g = std::mem::take(&mut world.networks[gone].coord);
    let (pool, library) = (world.networks[gone].pool, world.networks[gone].library);
    world.networks[gone].alive = false;
    world.networks[gone].pool = 0.0;
    let k = &mut world.networks[keep];
    k.pool += pool;
    k.library += library;
    k.coord.budget += g.budget;
    k.coord.capacity += g.capacity;
    world.ledger.merges_moved += pool + g.budget;
}

fn split(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let min_size = params.identity.min_size;
    let n = world.n_communities();
    scratch.components.reset(n);
    for t in 0..world.ties.slots() {
        if !strong(world, params, t) {
            continue;
        }
        let (a, b) = (world.ties[t].a, world.ties[t].b);
        let na = world.network_of(a);
        if na != NO_NETWORK && na == world.network_of(b) {
            scratch.components.union(a, b);
        }
    }
    // Networks founded by the splits below are not split again this tick.
    let mut live = std::mem::take(&mut scratch.networks);
    live.clear();
    live.extend(world.live_networks());
    let mut clusters = std::mem::take(&mut scratch.clusters);
    for &n_idx in &live {
        // Big clusters of this network: (size, root), largest first.
        clusters.clear();
        for &m in &world.networks[n_idx].members {
            let root = scratch.components.find(m);
            let size = scratch.components.size_of(m);
            if size >= min_size && !clusters.iter().any(|&(_, r)| r == root) {
                clusters.push((size, root));
            }
        }
        if clusters.len() < 2 {
            continue;
        }
        clusters.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(size, root) in &clusters[1..] {
            scratch.more_ids.clear();
            for &m in &world.networks[n_idx].members {
                if scratch.components.find(m) == root {
                    scratch.more_ids.push(m);
                }
            }
            let share = size as f64 / world.networks[n_idx].members.len() as f64;
            let members = std::mem::take(&mut scratch.more_ids);
            let new = world.found_network(&members, true) as usize;
            scratch.more_ids = members;
            let (pool, budget) = (
                world.networks[n_idx].pool * share,
                world.networks[n_idx].coord.budget * share,
            );
            world.networks[n_idx].pool -= pool;
            world.networks[n_idx].coord.budget -= budget;
            world.networks[new].pool += pool;
            world.networks[new].coord.budget += budget;
            world.ledger.splits_moved += pool + budget;
            world.networks[new].library = world.networks[n_idx].library;
        }
    }
    scratch.networks = live;
    scratch.clusters = clusters;
}

fn exit(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let id = &params.identity;
    let gov = &params.governance;
    let tolerance = id.exit_distance * (1.0 - gov.central_intolerance * gov.centralization);
    scratch.ids.clear();
    for c in 0..world.n_communities() as u32 {
        let n = world.network_of(c);
        if n == NO_NETWORK {
            continue;
        }
        let diverges =
            distance(world.values_of(c), &world.networks[n as usize].mean_values) > tolerance;
        let (mut trust, mut count, mut alignment, mut worked) = (0.0, 0u32, 0.0, 0u32);
        for &t in world.ties.ids_of(c) {
            let tie = &world.ties[t as usize];
            if world.network_of(tie.other(c)) == n {
                trust += tie.trust();
                count += 1;
                if tie.joint_work > 0 {
                    alignment += tie.alignment();
                    worked += 1;
                }
            }
        }
        let mean_trust = if count == 0 {
            0.0
        } else {
            trust / count as f64
        };
        // Practice that joint work showed to be out of step with co-members is a reason too.
        let misaligned = worked > 0 && alignment / (worked as f64) < params.resonance.min_alignment;
        let reasons =
            u32::from(diverges) + u32::from(misaligned) + u32::from(mean_trust < id.exit_trust);
        if reasons == 0 {
            continue;
        }
        let stake = world.stake_of(c);
        let p = (id.exit_probability
            * reasons as f64
            * exit_factor(stake, params.interdependence.exit_cost))
        .min(1.0);
        if rng.random_bool(p) {
            scratch.ids.push(c);
        }
    }
    for i in 0..scratch.ids.len() {
        world.set_network(scratch.ids[i], NO_NETWORK);
    }
}

fn dissolve_small(world: &mut World, params: &Params) {
    let id = &params.identity;
    let floor = (f64::from(id.min_size) * id.dissolve_share).ceil() as usize;
    for n in 0..world.networks.len() {
        if !world.networks[n].alive || world.networks[n].members.len() >= floor {
            continue;
        }
        let members = std::mem::take(&mut world.networks[n].members);
        let held = world.networks[n].pool + world.networks[n].coord.budget;
        if members.is_empty() {
            // Nobody left to hand it to: it stays in the commons for coordination.
            world.open.budget += held;
        } else {
            let each = held / members.len() as f64;
            for &m in &members {
                world.economy.treasury[m as usize] += each;
                world.set_network(m, NO_NETWORK);
            }
        }
        world.ledger.dissolutions_moved += held;
        let net = &mut world.networks[n];
        net.alive = false;
        net.pool = 0.0;
        net.coord.budget = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    fn chain(w: &mut World, members: std::ops::Range<u32>, trust: f64) {
        for c in members.start..members.end - 1 {
            w.ties.add(c, c + 1, trust);
        }
    }

    #[test]
    fn a_network_forms_only_above_its_size_and_trust_thresholds() {
        let params = Params::default();
        let min = params.identity.min_size;
        let strong = params.identity.trust_threshold + 0.1;
        let weak = params.identity.trust_threshold - 0.01;
        let mut w = tiny_world(3 * min);
        chain(&mut w, 0..min, strong); // big enough and trusted
        chain(&mut w, min..2 * min - 1, strong); // one short
        chain(&mut w, 2 * min..3 * min, weak); // big enough, not trusted
        name_clusters(&mut w, &params, &mut Scratch::default());
        assert_eq!(w.live_networks().count(), 1);
        let n = w.network_of(0);
        assert_ne!(n, NO_NETWORK);
        assert_eq!(w.networks[n as usize].members.len(), min as usize);
        assert!(w.network_of(min) == NO_NETWORK);
        assert!(w.network_of(2 * min) == NO_NETWORK);
    }

    #[test]
    fn a_network_with_two_trusted_clusters_splits() {
        let params = Params::default();
        let min = params.identity.min_size;
        let mut w = tiny_world(2 * min);
        chain(&mut w, 0..min, 0.9);
        chain(&mut w, min..2 * min, 0.9);
        let all: Vec<u32> = (0..2 * min).collect();
        let n = w.found_network(&all, true) as usize;
        w.networks[n].pool = 10.0;
        split(&mut w, &params, &mut Scratch::default());
        assert_eq!(w.live_networks().count(), 2);
        assert_ne!(w.network_of(0), w.network_of(min));
        let pools: f64 = w.networks.iter().map(|n| n.pool).sum();
        assert!((pools - 10.0).abs() < 1e-12, "splitting conserves the pool");
    }

    #[test]
    fn small_networks_dissolve_and_share_out_their_pool() {
        let params = Params::default();
        let mut w = tiny_world(4);
        let n = w.found_network(&[0, 1], true) as usize;
        w.networks[n].pool = 4.0;
        let before = w.holdings();
        dissolve_small(&mut w, &params);
        assert!(!w.networks[n].alive);
        assert_eq!(w.network_of(0), NO_NETWORK);
        assert!((w.holdings() - before).abs() < 1e-12);
    }
}
