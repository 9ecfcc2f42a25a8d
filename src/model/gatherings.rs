//! Gatherings and the inclusion paradox.
//!
//! Every `every_ticks` ticks each network hosts a gathering for its members plus guests (up to
//! `guest_share` of the places, for non-members tied to a member: cross-community relationship
//! building), and the open convener one for communities outside networks. Places are limited
//! by `places` and by the host's spare coordination capacity (`hours_per_place` each; tiered
//! places cost `tiered_cost` times more), and a gathering uses at most `capacity_share` of the
//! spare capacity, leaving the rest for that tick's other work. Attendees who decided at the
//! last round to come back take places first; the rest go to newcomers drawn at random.
//!
//! A track has a depth: a universal gathering has one track at `universal_depth`; a tiered one
//! a plenary plus `tracks` tracks at evenly spaced depths, and each attendee sits in the one
//! nearest its own preferred depth. Its match falls with the distance between the two
//! (a Gaussian kernel of width `depth_tolerance`), and so does everything it gains: encounters
//! with other attendees (kinship's `meet`, so new ties), knowledge (coordination value) and
//! local fit. It then weighs its gain against `attendance_cost` with a logistic choice and
//! decides whether to come to the next round. Retention by engagement type (returned /
//! eligible, with `specialist_threshold` reading depth as a type) is the inclusion metric; no
//! rule uses the type. docs/model.md, 7.7.

use rand::RngExt;

use super::kinship::{broker, draw_count};
use crate::scenario::Params;
use crate::scenario::params::GatheringDesign;
use crate::world::Scratch;
use crate::world::rng::ModelRng;
use crate::world::{NO_NETWORK, World};

/// Returned and eligible attendees by type: [specialists, generalists].
#[derive(Debug, Default, Clone, Copy)]
struct Retention {
    returned: [u32; 2],
    eligible: [u32; 2],
}

/// One round of gatherings (the schedule calls it every `gatherings.every_ticks` ticks).
pub fn hold(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let round = world.gatherings.held;
    let mut retention = Retention::default();
    for n in 0..world.networks.len() {
        if world.networks[n].alive {
            invite_members_and_guests(world, params, n, rng, scratch);
            let spare = world.networks[n].coord.capacity - world.networks[n].coord.used;
            let used = gather(world, params, round, spare, rng, scratch, &mut retention);
            world.networks[n].coord.use_hours(used);
        }
    }
    scratch.more_ids.clear();
    scratch
        .more_ids
        .extend((0..world.n_communities() as u32).filter(|&c| world.network_of(c) == NO_NETWORK));
    let spare = world.open.capacity - world.open.used;
    let used = gather(world, params, round, spare, rng, scratch, &mut retention);
    world.open.use_hours(used);

    let g = &mut world.gatherings;
    if retention.eligible[0] > 0 {
        g.specialist_retention = retention.returned[0] as f64 / retention.eligible[0] as f64;
    }
    if retention.eligible[1] > 0 {
        g.generalist_retention = retention.returned[1] as f64 / retention.eligible[1] as f64;
    }
    g.held += 1;
}

/// Fills `scratch.more_ids` with network `n`'s members followed by guests: non-members tied to
/// a member, at most `guest_share` of the places, drawn at random (duplicates removed).
fn invite_members_and_guests(
    world: &World,
    params: &Params,
    n: usize,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
) {
    let gp = &params.gatherings;
    scratch.more_ids.clear();
    scratch
        .more_ids
        .extend_from_slice(&world.networks[n].members);
    scratch.ids.clear();
    for &m in &world.networks[n].members {
        for &t in world.ties.ids_of(m) {
            let other = world.ties[t as usize].other(m);
            if world.network_of(other) != n as u32 {
                scratch.ids.push(other);
            }
        }
    }
    scratch.ids.sort_unstable();
    scratch.ids.dedup();
    let guests = ((gp.places as f64 * gp.guest_share).floor() as usize).min(scratch.ids.len());
    for i in 0..guests {
        let j = rng.random_range(i..scratch.ids.len());
        scratch.ids.swap(i, j);
        scratch.more_ids.push(scratch.ids[i]);
    }
}

/// Depth of the track an attendee of preferred depth `depth` sits in: the one universal track,
/// or the nearest of `tracks` tracks at depths (k + 1/2) / tracks.
pub fn track_depth(params: &Params, depth: f64) -> f64 {
    let gp = &params.gatherings;
    match gp.design {
        GatheringDesign::Universal => gp.universal_depth,
        GatheringDesign::Tiered => {
            let n = f64::from(gp.tracks);
            let k = (depth * n).floor().clamp(0.0, n - 1.0);
            (k + 0.5) / n
        }
    }
}

/// An attendee's match to its track in (0, 1]: a Gaussian kernel of the distance between its
/// preferred depth and the track's.
pub fn match_of(depth: f64, track: f64, tolerance: f64) -> f64 {
    let d = depth - track;
    (-(d * d) / (2.0 * tolerance * tolerance)).exp()
}

/// Chance an attendee comes to the next round after gaining `gain`: a logit in gain minus the
/// cost of going.
pub fn return_probability(params: &Params, gain: f64) -> f64 {
    let gp = &params.gatherings;
    1.0 / (1.0 + (-(gain - gp.attendance_cost) / gp.choice_noise).exp())
}

/// One gathering for the candidates in `scratch.more_ids`. Returns the capacity it used.
fn gather(
    world: &mut World,
    params: &Params,
    round: u32,
    spare: f64,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
    retention: &mut Retention,
) -> f64 {
    let gp = &params.gatherings;
    let tiered = gp.design == GatheringDesign::Tiered;
    let place_cost = gp.hours_per_place * if tiered { gp.tiered_cost } else { 1.0 };
    let budget = spare.max(0.0) * gp.capacity_share;
    let affordable = if place_cost > 0.0 {
        (budget / place_cost).floor() as usize
    } else {
        usize::MAX
    };
    let places = (gp.places as usize).min(affordable);
    if places == 0 || scratch.more_ids.len() < 2 {
        return 0.0;
    }
    let previous = round.wrapping_sub(1);
    scratch.ids.clear();
    // Returners first, in candidate order; then newcomers at random.
    let mut newcomers_start = 0;
    for i in 0..scratch.more_ids.len() {
        let c = scratch.more_ids[i];
        let com = &world.communities[c as usize];
        if round > 0 && com.last_gathering == previous {
            let kind = usize::from(f64::from(com.depth) < gp.specialist_threshold);
            retention.eligible[kind] += 1;
            if com.returns {
                retention.returned[kind] += 1;
                scratch.ids.push(c);
            }
        } else {
            scratch.more_ids.swap(newcomers_start, i);
            newcomers_start += 1;
        }
    }
    scratch.ids.truncate(places);
    let newcomers = newcomers_start;
    let wanted = places - scratch.ids.len();
    for i in 0..wanted.min(newcomers) {
        let j = rng.random_range(i..newcomers);
        scratch.more_ids.swap(i, j);
        scratch.ids.push(scratch.more_ids[i]);
    }
    for &c in &scratch.ids {
        let com = &mut world.communities[c as usize];
        if com.last_gathering == u32::MAX {
            world.gatherings.participants += f64::from(com.members).min(gp.delegates as f64);
        }
        com.last_gathering = round;
    }
    take_home(world, params, rng, scratch);
    scratch.ids.len() as f64 * place_cost
}

/// What the attendees in `scratch.ids` gain, each in proportion to its match: encounters with
/// other attendees (counting the new ties), knowledge (coordination value) and local fit; then
/// each decides whether to come to the next round.
fn take_home(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let gp = &params.gatherings;
    let attendees = scratch.ids.len();
    scratch.floats.clear();
    scratch.floats.extend(scratch.ids.iter().map(|&c| {
        let depth = f64::from(world.communities[c as usize].depth);
        match_of(depth, track_depth(params, depth), gp.depth_tolerance)
    }));
    scratch.new_ties.clear();
    scratch.new_ties.resize(attendees, 0);
    if attendees >= 2 {
        for i in 0..attendees {
            let encounters = draw_count(
                f64::from(gp.encounters_per_attendee) * scratch.floats[i],
                rng,
            );
            for _ in 0..encounters {
                let j = rng.random_range(0..attendees - 1);
                let j = if j >= i { j + 1 } else { j };
                // The partner takes part as much as the gathering engages it.
                if !rng.random_bool(scratch.floats[j]) {
                    continue;
                }
                let (a, b) = (scratch.ids[i], scratch.ids[j]);
                let had_tie = world.ties.find(a, b).is_some();
                broker(world, params, a, b, &mut scratch.values);
                if !had_tie && world.ties.find(a, b).is_some() {
                    scratch.new_ties[i] += 1;
                    scratch.new_ties[j] += 1;
                }
            }
        }
    }
    for i in 0..attendees {
        let c = scratch.ids[i];
        let m = scratch.floats[i];
        let knowledge = gp.knowledge_value * m;
        if knowledge > 0.0 {
            world.credit_value(c, c, knowledge);
        }
        let fit = &mut world.economy.fit[c as usize];
        let delta_fit = gp.fit_gain * m * (1.0 - f64::from(*fit));
        *fit = (f64::from(*fit) + delta_fit) as f32;
        let gain = knowledge
            + gp.tie_value * f64::from(scratch.new_ties[i])
            + world.economy.base_production[c as usize] * delta_fit;
        let p = return_probability(params, gain);
        world.communities[c as usize].returns = rng.random_bool(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    /// A tiny world of `n` communities, even ones at depth 0.25 and odd ones at 0.75, whose
    /// open convener can afford every place, after gatherings at ticks 1 ..= `rounds`.
    fn after_rounds(design: GatheringDesign, rounds: u32, seed: u64) -> (World, Params) {
        let mut params = Params::default();
        params.gatherings.design = design;
        params.gatherings.every_ticks = 1;
        params.gatherings.places = 1000;
        let mut w = tiny_world(400);
        for (i, c) in w.communities.iter_mut().enumerate() {
            c.depth = if i % 2 == 0 { 0.25 } else { 0.75 };
        }
        w.economy.fit.fill(0.5);
        w.open.capacity = 1.0e9;
        let mut rng = crate::world::rng::replicate_rng(seed);
        let mut s = Scratch::default();
        for tick in 1..=rounds {
            w.tick = tick;
            hold(&mut w, &params, &mut rng, &mut s);
        }
        (w, params)
    }

    #[test]
    fn the_match_falls_with_the_distance_to_the_track() {
        let at = |d: f64| match_of(0.25 + d, 0.25, 0.25);
        assert_eq!(at(0.0), 1.0);
        let mut last = 1.0;
        for d in [0.05, 0.1, 0.25, 0.5, 0.75] {
            assert!(at(d) < last, "match at distance {d}");
            assert!(at(d) > 0.0);
            assert!((at(d) - at(-d)).abs() < 1e-12, "symmetric");
            last = at(d);
        }
        assert!((at(0.5) - (-2.0f64).exp()).abs() < 1e-12);
    }

    #[test]
    fn attendees_sit_in_the_nearest_track() {
        let mut params = Params::default();
        params.gatherings.design = GatheringDesign::Tiered;
        params.gatherings.tracks = 2;
        assert_eq!(track_depth(&params, 0.1), 0.25);
        assert_eq!(track_depth(&params, 0.9), 0.75);
        assert_eq!(track_depth(&params, 1.0), 0.75);
        params.gatherings.tracks = 3;
        assert!((track_depth(&params, 0.5) - 0.5).abs() < 1e-12);
        params.gatherings.design = GatheringDesign::Universal;
        assert_eq!(track_depth(&params, 0.9), params.gatherings.universal_depth);
    }

    #[test]
    fn returning_is_a_logit_in_gain_minus_cost() {
        let params = Params::default();
        let cost = params.gatherings.attendance_cost;
        assert!((return_probability(&params, cost) - 0.5).abs() < 1e-12);
        assert!(return_probability(&params, cost + 1.0) > 0.99);
        assert!(return_probability(&params, 0.0) < return_probability(&params, cost));
    }

    #[test]
    fn what_attendees_gain_is_real_and_falls_with_their_distance_to_the_track() {
        let (w, params) = after_rounds(GatheringDesign::Universal, 1, 3);
        assert!(
            w.flows.coordination_value > 0.0,
            "knowledge is coordination value"
        );
        assert!(!w.ties.is_empty(), "attendees met");
        // Matched (depth 0.25, at the universal track) against mismatched (0.75) attendees.
        let mean_by = |f: &dyn Fn(usize) -> f64, parity: usize| {
            (parity..400).step_by(2).map(f).sum::<f64>() / 200.0
        };
        let fit = |i: usize| f64::from(w.economy.fit[i]);
        let ties = |i: usize| w.ties.degree(i as u32) as f64;
        assert!(mean_by(&fit, 0) > 0.5 + 0.8 * params.gatherings.fit_gain * 0.5);
        assert!(mean_by(&fit, 1) < 0.5 + 0.2 * params.gatherings.fit_gain * 0.5);
        assert!(
            mean_by(&ties, 0) > 3.0 * mean_by(&ties, 1),
            "matched {} vs mismatched {} ties",
            mean_by(&ties, 0),
            mean_by(&ties, 1)
        );
    }

    #[test]
    fn a_mismatched_attendee_returns_less_often_than_a_matched_one() {
        let (w, _) = after_rounds(GatheringDesign::Universal, 2, 5);
        let (spec, gen_) = (
            w.gatherings.specialist_retention,
            w.gatherings.generalist_retention,
        );
        assert!(
            spec < gen_ - 0.3,
            "universal: specialists {spec} vs generalists {gen_}"
        );
        let (w, _) = after_rounds(GatheringDesign::Tiered, 2, 5);
        let (spec, gen_) = (
            w.gatherings.specialist_retention,
            w.gatherings.generalist_retention,
        );
        assert!(
            (spec - gen_).abs() < 0.1,
            "tiered: specialists {spec} vs generalists {gen_}"
        );
    }

    #[test]
    fn no_capacity_no_gathering() {
        let params = Params::default();
        let mut w = tiny_world(10);
        w.tick = params.gatherings.every_ticks;
        hold(
            &mut w,
            &params,
            &mut crate::world::rng::replicate_rng(1),
            &mut Scratch::default(),
        );
        assert_eq!(w.gatherings.participants, 0.0);
        assert_eq!(w.flows.coordination_value, 0.0);
    }
}
