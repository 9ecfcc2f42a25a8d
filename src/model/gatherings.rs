//! Gatherings and the inclusion paradox.
//!
//! Every `every_ticks` ticks each network hosts a gathering for its members plus guests (up to
//! `guest_share` of the places, for non-members tied to a member: cross-community relationship
//! building), and the open convener one for communities outside networks. Places are limited by `places` and by the
//! host's spare coordination capacity (`hours_per_place` each; tiered places cost
//! `tiered_cost` times more), and a gathering uses at most `capacity_share` of the spare
//! capacity, leaving the rest for that tick's other work. Last round's attendees come back first: with `match_return` if
//! the track they got matched their preferred depth, else `mismatch_return`. Remaining places go
//! to newcomers drawn at random. In a universal design everyone shares one general track, so
//! specialists are mismatched; in a tiered design everyone self-selects a matching track.
//! Attendees meet `encounters_per_attendee` others (kinship encounters). Retention by
//! engagement type (returned / eligible) is the inclusion metric.

use rand::RngExt;

use super::kinship::broker;
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

pub fn hold(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let gp = &params.gatherings;
    if gp.every_ticks == 0 || !world.tick.is_multiple_of(gp.every_ticks) {
        return;
    }
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
            let kind = usize::from(!com.specialist);
            retention.eligible[kind] += 1;
            let p = if com.last_track_matched {
                gp.match_return
            } else {
                gp.mismatch_return
            };
            if rng.random_bool(p) {
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
        com.last_track_matched = tiered || !com.specialist;
    }
    let attendees = scratch.ids.len();
    if attendees >= 2 {
        for i in 0..attendees {
            for _ in 0..gp.encounters_per_attendee {
                let j = rng.random_range(0..attendees - 1);
                let j = if j >= i { j + 1 } else { j };
                let (a, b) = (scratch.ids[i], scratch.ids[j]);
                broker(world, params, a, b, &mut scratch.values);
            }
        }
    }
    scratch.ids.len() as f64 * place_cost
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    fn retention_after(design: GatheringDesign) -> (f64, f64) {
        let mut params = Params::default();
        params.gatherings.design = design;
        params.gatherings.every_ticks = 1;
        params.gatherings.places = 1000;
        let mut w = tiny_world(400);
        for (i, c) in w.communities.iter_mut().enumerate() {
            c.specialist = i % 2 == 0;
        }
        w.open.capacity = 1.0e9;
        let mut rng = crate::world::rng::replicate_rng(5);
        let mut s = Scratch::default();
        for tick in 1..=2 {
            w.tick = tick;
            hold(&mut w, &params, &mut rng, &mut s);
        }
        (
            w.gatherings.specialist_retention,
            w.gatherings.generalist_retention,
        )
    }

    #[test]
    fn universal_gatherings_lose_specialists_faster_tiered_do_not() {
        let (spec, gen_) = retention_after(GatheringDesign::Universal);
        assert!(
            spec < gen_ - 0.3,
            "universal: specialists {spec} vs generalists {gen_}"
        );
        let (spec, gen_) = retention_after(GatheringDesign::Tiered);
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
    }
}
