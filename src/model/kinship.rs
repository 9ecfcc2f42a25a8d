//! Step 1, kinship: sampled encounters form ties between communities with similar values.
//!
//! Each community starts `encounters_per_tick` encounters (the fractional part by chance):
//! within its region (local nodes), through a trusted partner's trusted partner
//! (introductions along trusted paths), or at random. Coordinators broker extra introductions
//! in proportion to their coverage. A tie forms only when the normalised value distance is
//! below `similarity_threshold` (bounded confidence, Deffuant et al. 2000); every encounter of
//! similar communities pulls their values together by `convergence_rate`. Cost: O(communities x
//! encounters x degree), never all pairs.

use rand::{Rng, RngExt};
use rayon::prelude::*;

use super::PARALLEL_MIN_LEN;
use super::coordination::coverage_of;
use crate::scenario::Params;
use crate::world::rng::{Purpose, Randomness};
use crate::world::{Encounter, EncounterChunk, Scratch, World};

/// Number of events for an expected count: the whole part plus one more by chance.
pub fn draw_count<R: Rng + ?Sized>(expected: f64, rng: &mut R) -> u32 {
    let whole = expected.floor();
    whole as u32 + u32::from(rng.random_bool((expected - whole).clamp(0.0, 1.0)))
}

/// All encounters of one tick, in two halves. First every community chooses its partners, from
/// its own stream and the ties as they stand at the start of the phase, across threads (the
/// choices only read the world). Then the encounters happen one by one, community by community
/// in index order, each as it was chosen: ties form, are refreshed and values converge.
pub fn encounters(
    world: &mut World,
    params: &Params,
    randomness: &mut Randomness,
    scratch: &mut Scratch,
) {
    let n = world.n_communities();
    if n < 2 {
        return;
    }
    let streams = randomness.streams(world.tick, Purpose::Encounters);
    // Fixed chunks, whatever the number of threads: each fills its own list of encounters.
    let chunks = &mut scratch.encounters;
    chunks.resize_with(n.div_ceil(PARALLEL_MIN_LEN), EncounterChunk::default);
    let shared: &World = world;
    chunks.par_iter_mut().enumerate().for_each(|(i, chunk)| {
        chunk.chosen.clear();
        let first = i * PARALLEL_MIN_LEN;
        for c in first..(first + PARALLEL_MIN_LEN).min(n) {
            let mut rng = streams.at(c as u64);
            choose_partners(shared, params, c as u32, &mut rng, chunk);
        }
    });
    let chunks = std::mem::take(&mut scratch.encounters);
    for chunk in &chunks {
        for e in &chunk.chosen {
            encounter(world, params, e.from, e.to, &mut scratch.values, e.brokered);
        }
    }
    scratch.encounters = chunks;
}

/// The encounters `c` starts this tick: its organic ones (a local node, an introduction along
/// trusted paths, or a random community) and those coordination brokers.
fn choose_partners<R: Rng + ?Sized>(
    world: &World,
    params: &Params,
    c: u32,
    rng: &mut R,
    out: &mut EncounterChunk,
) {
    let k = &params.kinship;
    let n = world.n_communities() as u32;
    let organic = draw_count(k.encounters_per_tick, rng);
    let brokered = draw_count(
        k.introduction_boost * k.encounters_per_tick * coverage_of(world, c),
        rng,
    );
    for _ in 0..organic {
        let u: f64 = rng.random();
        let partner = if u < k.local_share {
            local_partner(world, c, rng)
        } else if u < k.local_share + k.introduction_share {
            introduced_partner(world, params, c, rng, &mut out.ids)
        } else {
            None
        };
        let to = partner.unwrap_or_else(|| random_other(n, c, rng));
        out.chosen.push(Encounter {
            from: c,
            to,
            brokered: false,
        });
    }
    for _ in 0..brokered {
        if let Some(to) = introduced_partner(world, params, c, rng, &mut out.ids) {
            out.chosen.push(Encounter {
                from: c,
                to,
                brokered: true,
            });
        }
    }
}

fn random_other<R: Rng + ?Sized>(n: u32, c: u32, rng: &mut R) -> u32 {
    let o = rng.random_range(0..n - 1);
    if o >= c { o + 1 } else { o }
}

fn local_partner<R: Rng + ?Sized>(world: &World, c: u32, rng: &mut R) -> Option<u32> {
    let region = &world.region_members[world.communities[c as usize].region as usize];
    if region.len() < 2 {
        return None;
    }
    let o = region[rng.random_range(0..region.len())];
    (o != c).then_some(o)
}

/// A partner of a trusted partner (both ties at or above the tie threshold), other than `c`.
/// `ids` is a buffer.
pub fn introduced_partner<R: Rng + ?Sized>(
    world: &World,
    params: &Params,
    c: u32,
    rng: &mut R,
    ids: &mut Vec<u32>,
) -> Option<u32> {
    let threshold = params.trust.tie_threshold;
    trusted_partners(world, c, threshold, ids);
    if ids.is_empty() {
        return None;
    }
    let friend = ids[rng.random_range(0..ids.len())];
    trusted_partners(world, friend, threshold, ids);
    ids.retain(|&x| x != c);
    if ids.is_empty() {
        return None;
    }
    Some(ids[rng.random_range(0..ids.len())])
}

/// The partners of `c` whose tie trust is at least `threshold`, in adjacency order.
pub fn trusted_partners(world: &World, c: u32, threshold: f64, out: &mut Vec<u32>) {
    out.clear();
    out.extend(
        world
            .ties
            .ids_of(c)
            .iter()
            .map(|&t| &world.ties[t as usize])
            .filter(|t| t.trust() >= threshold)
            .map(|t| t.other(c)),
    );
}

/// One encounter the two found on their own: refreshes an existing tie, or forms one if values
/// are close enough; similar communities' values converge.
pub fn meet(world: &mut World, params: &Params, a: u32, b: u32, buffer: &mut Vec<f64>) {
    encounter(world, params, a, b, buffer, false);
}

/// An encounter coordination work brokered (an introduction, a gathering): as [`meet`], and a
/// tie it forms is marked facilitated, so the value that later flows along it is counted as
/// coordination value.
pub fn broker(world: &mut World, params: &Params, a: u32, b: u32, buffer: &mut Vec<f64>) {
    encounter(world, params, a, b, buffer, true);
}

fn encounter(
    world: &mut World,
    params: &Params,
    a: u32,
    b: u32,
    buffer: &mut Vec<f64>,
    facilitated: bool,
) {
    let k = &params.kinship;
    let d = world.value_distance(a, b);
    if let Some(t) = world.ties.find(a, b) {
        world.ties.touch(t);
    } else if d < k.similarity_threshold {
        let trust = k.initial_trust * (1.0 - d);
        if facilitated {
            world.ties.add_facilitated(a, b, trust);
        } else {
            world.ties.add(a, b, trust);
        }
    } else {
        return;
    }
    if d < k.similarity_threshold && k.convergence_rate > 0.0 {
        converge(world, a, b, k.convergence_rate, buffer);
    }
}

/// Deffuant step: each moves `rate` of the way toward the other's (old) values.
fn converge(world: &mut World, a: u32, b: u32, rate: f64, old_a: &mut Vec<f64>) {
    let dims = world.value_dims;
    old_a.clear();
    old_a.extend_from_slice(world.values_of(a));
    let (ia, ib) = (a as usize * dims, b as usize * dims);
    for (i, &va) in old_a.iter().enumerate() {
        let vb = world.values[ib + i];
        world.values[ia + i] = va + rate * (vb - va);
        world.values[ib + i] = vb + rate * (va - vb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn similar_communities_tie_and_converge_dissimilar_do_not() {
        let params = Params::default();
        let mut w = tiny_world(3);
        w.values[0..4].copy_from_slice(&[0.5, 0.5, 0.5, 0.5]);
        w.values[4..8].copy_from_slice(&[0.6, 0.6, 0.6, 0.6]);
        w.values[8..12].copy_from_slice(&[1.0, 1.0, 1.0, 1.0]);
        let mut s = Scratch::default();
        let before = w.value_distance(0, 1);
        meet(&mut w, &params, 0, 1, &mut s.values);
        assert!(w.ties.find(0, 1).is_some());
        assert!(w.value_distance(0, 1) < before);
        meet(&mut w, &params, 0, 2, &mut s.values);
        assert!(
            w.ties.find(0, 2).is_none(),
            "beyond bounded confidence no tie forms"
        );
        assert_eq!(w.values_of(2), &[1.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn introductions_follow_trusted_paths() {
        let params = Params::default();
        let mut w = tiny_world(4);
        w.ties.add(0, 1, 0.9);
        w.ties.add(1, 2, 0.9);
        w.ties.add(1, 3, 0.1);
        let mut rng = crate::world::rng::replicate_rng(1);
        for _ in 0..20 {
            let got = introduced_partner(&w, &params, 0, &mut rng, &mut Vec::new());
            assert_eq!(got, Some(2), "only the trusted friend-of-friend");
        }
    }
}
