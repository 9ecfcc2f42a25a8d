//! Step 3, mutual support: shocks create needs that trusted partners meet with aid.
//!
//! Each tick a community is hit by a shock with `shock_probability`; the need is
//! `shock_size_ticks` of its production, less what shared infrastructure cushions (when
//! interdependence is on). A community with unmet need asks its `asks_per_tick` most trusted
//! partners (ties at or above the tie threshold). A partner gives from its slack (treasury
//! above `reserve_ticks` of production) in proportion to its trust, less when the reciprocity
//! ledger is one-sided against it. Aid is spent on the recipient's recovery: it leaves the
//! ledger and creates `need_relief_value` per unit (losses averted). A free rider asked for aid
//! gives nothing: a defection that costs the tie `betrayal_penalty` of its trust.

use rand::RngExt;
use rayon::prelude::*;

use super::PARALLEL_MIN_LEN;
use super::interdependence::cushion;
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::World;
use crate::world::rng::{Purpose, Randomness};

pub fn shocks_and_aid(
    world: &mut World,
    params: &Params,
    randomness: &mut Randomness,
    scratch: &mut Scratch,
) {
    let ms = &params.mutual_support;
    // Shocks: each community's from its own stream, across threads.
    let streams = randomness.streams(world.tick, Purpose::Shock);
    let e = &mut world.economy;
    e.need
        .par_iter_mut()
        .zip(e.base_production.par_iter().zip(&e.fit))
        .zip(&world.stakes)
        .enumerate()
        .with_min_len(PARALLEL_MIN_LEN)
        .for_each(|(c, ((need, (&base, &fit)), &stake))| {
            if streams.at(c as u64).random_bool(ms.shock_probability) {
                let absorbed = cushion(f64::from(stake), params.interdependence.shock_cushion);
                *need += ms.shock_size_ticks * base * f64::from(fit) * (1.0 - absorbed);
            }
        });
    let mut order = std::mem::take(&mut scratch.order);
    order.clear();
    order.extend(
        (0..world.economy.need.len() as u32).filter(|&c| world.economy.need[c as usize] > 0.0),
    );
    // The needy ask in a random order, so no community is first in line by its index.
    let rng = &mut randomness.sequential;
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    // Whom each asks is chosen from the trust at the start of the aid round, across threads
    // (reading every asker's ties is most of the work); the asking then happens in order.
    let asks = ms.asks_per_tick as usize;
    let mut chosen = std::mem::take(&mut scratch.asked);
    chosen.resize(order.len() * asks, NO_TIE);
    let shared: &World = world;
    chosen
        .par_chunks_mut(asks.max(1))
        .zip(&order)
        .with_min_len(PARALLEL_MIN_LEN / 8)
        .for_each_init(Vec::new, |ids, (row, &c)| {
            most_trusted(shared, params, c, ids);
            row.fill(NO_TIE);
            row[..ids.len()].copy_from_slice(ids);
        });
    for (i, &c) in order.iter().enumerate() {
        let row = &chosen[i * asks..(i + 1) * asks];
        ask(
            world,
            params,
            c,
            row.iter().copied().take_while(|&t| t != NO_TIE),
        );
    }
    scratch.order = order;
    scratch.asked = chosen;
}

/// Marks an unused place in a list of asked ties.
const NO_TIE: u32 = u32::MAX;

/// The `asks_per_tick` partners `c` trusts most (ties at or above the tie threshold), most
/// trusted first; equal trust, lower tie id first.
fn most_trusted(world: &World, params: &Params, c: u32, out: &mut Vec<u32>) {
    let threshold = params.trust.tie_threshold;
    let ties = &world.ties;
    out.clear();
    out.extend(
        ties.ids_of(c)
            .iter()
            .copied()
            .filter(|&t| ties[t as usize].trust() >= threshold),
    );
    out.sort_unstable_by(|&x, &y| {
        ties[y as usize]
            .trust
            .total_cmp(&ties[x as usize].trust)
            .then(x.cmp(&y))
    });
    out.truncate(params.mutual_support.asks_per_tick as usize);
}

/// `c` asks the partners of these ties in turn, while it still has a need.
fn ask(world: &mut World, params: &Params, c: u32, ties: impl Iterator<Item = u32>) {
    let ms = &params.mutual_support;
    for t in ties {
        let need = world.economy.need[c as usize];
        if need <= 0.0 {
            break;
        }
        let t = t as usize;
        let partner = world.ties[t].other(c);
        if world.communities[partner as usize].free_rider {
            world.ties.defect(t as u32, params.trust.betrayal_penalty);
            continue;
        }
        let (e, p) = (&world.economy, partner as usize);
        let slack = (e.treasury[p] - ms.reserve_ticks * e.base_production[p] * f64::from(e.fit[p]))
            .max(0.0);
        let (given, received) = (world.ties[t].given_by(partner), world.ties[t].given_by(c));
        // Positive when the partner has given more to c than c gave back.
        let imbalance = (given - received) / (given + received + 1.0);
        let willingness =
            world.ties[t].trust() * (1.0 - ms.reciprocity_weight * imbalance.max(0.0));
        let gift = (ms.give_share * willingness * slack).min(need);
        if gift <= 0.0 {
            continue;
        }
        give(world, params, t, partner, c, gift);
    }
}

fn give(world: &mut World, params: &Params, tie: usize, from: u32, to: u32, gift: f64) {
    world.economy.treasury[from as usize] -= gift;
    let d = &mut world.communities[from as usize];
    d.aid_exchanged = (f64::from(d.aid_exchanged) + gift) as f32;
    let r = &mut world.communities[to as usize];
    r.aid_exchanged = (f64::from(r.aid_exchanged) + gift) as f32;
    world.economy.need[to as usize] -= gift;
    world.economy.inflow_tick[to as usize] += gift;
    world.ties.record_aid(tie as u32, from, gift);
    world
        .ties
        .cooperate(tie as u32, params.trust.cooperation_gain);
    world.ledger.aid_out += gift;
    world.flows.aid += gift;
    // Aid along a tie coordination brokered exists because of that work; along a tie the two
    // formed on their own it is peer aid.
    let value = gift * params.mutual_support.need_relief_value;
    if world.ties[tie].facilitated {
        world.credit_value(from, to, value);
    } else {
        world.credit_peer_value(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    /// `c` chooses whom to ask and asks them, as one needy community of the aid round does.
    fn seek_aid(world: &mut World, params: &Params, c: u32, scratch: &mut Scratch) {
        most_trusted(world, params, c, &mut scratch.ids);
        let asked = std::mem::take(&mut scratch.ids);
        ask(world, params, c, asked.iter().copied());
        scratch.ids = asked;
    }

    #[test]
    fn trusted_partners_give_and_free_riders_defect() {
        let params = Params::default();
        let mut w = tiny_world(3);
        w.economy.need[0] = 2.0;
        w.economy.treasury[1] = 100.0;
        w.economy.treasury[2] = 100.0;
        w.communities[2].free_rider = true;
        let good = w.ties.add(0, 1, 0.8) as usize;
        let bad = w.ties.add(0, 2, 0.9) as usize;
        seek_aid(&mut w, &params, 0, &mut Scratch::default());
        assert!(w.economy.need[0] < 2.0);
        assert!(w.ties[good].trust > 0.8, "reciprocation raises trust");
        // Trust is stored as f32: equal to about 1e-7.
        let expected = 0.9 * (1.0 - params.trust.betrayal_penalty);
        assert!((w.ties[bad].trust() - expected).abs() < 1e-6);
        assert_eq!(w.economy.treasury[2], 100.0);
        // The tie was formed without coordination: its aid is peer value.
        assert!(w.flows.peer_value > 0.0);
        assert_eq!(w.flows.coordination_value, 0.0);
    }

    #[test]
    fn aid_along_a_brokered_tie_is_coordination_value() {
        let params = Params::default();
        let mut w = tiny_world(2);
        w.economy.need[0] = 2.0;
        w.economy.treasury[1] = 100.0;
        w.ties.add_facilitated(0, 1, 0.8);
        seek_aid(&mut w, &params, 0, &mut Scratch::default());
        assert!(w.flows.coordination_value > 0.0);
        assert_eq!(w.flows.peer_value, 0.0);
    }

    #[test]
    fn untrusted_partners_are_not_asked() {
        let params = Params::default();
        let mut w = tiny_world(2);
        w.economy.need[0] = 2.0;
        w.economy.treasury[1] = 100.0;
        w.ties.add(0, 1, params.trust.tie_threshold - 0.01);
        seek_aid(&mut w, &params, 0, &mut Scratch::default());
        assert_eq!(w.economy.need[0], 2.0);
    }
}
