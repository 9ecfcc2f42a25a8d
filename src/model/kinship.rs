//! Step 1, kinship: sampled encounters form ties between communities with similar values.
//!
//! Each community starts `encounters_per_tick` encounters (the fractional part by chance):
//! within its region (local nodes), through a trusted partner's trusted partner
//! (introductions along trusted paths), or at random. Coordinators broker extra introductions
//! in proportion to their coverage. A tie forms only when the normalised value distance is
//! below `similarity_threshold` (bounded confidence, Deffuant et al. 2000); every encounter of
//! similar communities pulls their values together by `convergence_rate`. Cost: O(communities x
//! encounters x degree), never all pairs.

use rand::RngExt;

use super::coordination::coverage_of;
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::World;
use crate::world::rng::ModelRng;

/// Number of events for an expected count: the whole part plus one more by chance.
pub fn draw_count(expected: f64, rng: &mut ModelRng) -> u32 {
    let whole = expected.floor();
    whole as u32 + u32::from(rng.random_bool((expected - whole).clamp(0.0, 1.0)))
}

/// All encounters of one tick.
pub fn encounters(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let k = &params.kinship;
    let n = world.n_communities() as u32;
    if n < 2 {
        return;
    }
    for c in 0..n {
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
                introduced_partner(world, params, c, rng, scratch)
            } else {
                None
            };
            let other = partner.unwrap_or_else(|| random_other(n, c, rng));
            meet(world, params, c, other, &mut scratch.values);
        }
        for _ in 0..brokered {
            if let Some(other) = introduced_partner(world, params, c, rng, scratch) {
                broker(world, params, c, other, &mut scratch.values);
            }
        }
    }
}

fn random_other(n: u32, c: u32, rng: &mut ModelRng) -> u32 {
    let o = rng.random_range(0..n - 1);
    if o >= c { o + 1 } else { o }
}

fn local_partner(world: &World, c: u32, rng: &mut ModelRng) -> Option<u32> {
    let region = &world.region_members[world.communities[c as usize].region as usize];
    if region.len() < 2 {
        return None;
    }
    let o = region[rng.random_range(0..region.len())];
    (o != c).then_some(o)
}

/// A partner of a trusted partner (both ties at or above the tie threshold), other than `c`.
pub fn introduced_partner(
    world: &World,
    params: &Params,
    c: u32,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
) -> Option<u32> {
    let threshold = params.trust.tie_threshold;
    trusted_partners(world, c, threshold, &mut scratch.more_ids);
    if scratch.more_ids.is_empty() {
        return None;
    }
    let friend = scratch.more_ids[rng.random_range(0..scratch.more_ids.len())];
    trusted_partners(world, friend, threshold, &mut scratch.more_ids);
    scratch.more_ids.retain(|&x| x != c);
    if scratch.more_ids.is_empty() {
        return None;
    }
    Some(scratch.more_ids[rng.random_range(0..scratch.more_ids.len())])
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
            let got = introduced_partner(&w, &params, 0, &mut rng, &mut Scratch::default());
            assert_eq!(got, Some(2), "only the trusted friend-of-friend");
        }
    }
}
