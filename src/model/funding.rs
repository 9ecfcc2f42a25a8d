//! External funders: budgets, grant cycles and the four funding policies.
//!
//! Every tick `budget_per_tick` reaches the world. The policy decides how much of it reaches
//! coordination work (network and open-convener coordination budgets); whatever does not is
//! direct service, paid equally to all communities. The total is the same under every policy.
//!
//! - `direct_service`: all of it is direct service (the status quo).
//! - `coordination_share`: an earmarked share is paid as coordination grants, split by member
//!   count among networks and the open convener (by unaffiliated communities); the share of a
//!   network without an active grant goes to direct service. A grant is reviewed at the end of
//!   each `grant_cycle_ticks`: the reviewer sees the coordination value attributable to its paid
//!   hours in the cycle, times a mean-one lognormal noise (`review_noise`), and renews it if
//!   that reaches `renewal_ratio` times what the cycle granted. Otherwise the grant lapses, its
//!   coordinators leave (tenure resets, and new ones ramp up again, see `coordination::ramp`)
//!   and the network may reapply a cycle later. A short cycle is judged on value created while
//!   its coordinators are still ramping up, so it lapses more often: short cycles starve
//!   coordination at the same budget, by degrees.
//! - `quadratic`: the share is a matching pool; each network's match is
//!   (sum of sqrt(member contributions))^2 - sum of contributions, scaled down to the pool.
//! - `retroactive`: the share accumulates and is paid at each cycle's end to networks in
//!   proportion to the coordination value they created in it, of which funders see only
//!   `retro_visibility`; what is not paid goes to direct service.

use rand_distr::{Distribution, StandardNormal};

use crate::scenario::Params;
use crate::scenario::params::{FundingParams, FundingPolicy};
use crate::world::rng::ModelRng;
use crate::world::{NO_NETWORK, World};

/// Reviews grants at cycle boundaries and pays this tick's funding.
pub fn review_and_disburse(world: &mut World, params: &Params, rng: &mut ModelRng) {
    let f = &params.funding;
    let budget = f.budget_per_tick;
    let pot = budget * f.coordination_share;
    let boundary = world.tick.is_multiple_of(f.grant_cycle_ticks);
    let mut to_coordination = 0.0;
    match f.policy {
        FundingPolicy::DirectService => end_cycle(world, boundary),
        FundingPolicy::CoordinationShare => {
            if boundary {
                review_grants(world, f, rng);
            }
            // A boundary tick's payment and value belong to the new cycle.
            end_cycle(world, boundary);
            to_coordination = pay_grants(world, pot);
        }
        FundingPolicy::Quadratic => {
            end_cycle(world, boundary);
            to_coordination = pay_matches(world, pot);
        }
        FundingPolicy::Retroactive => {
            world.retro_pot += pot;
            world.ledger.funding_in += pot;
            if boundary {
                let paid = pay_retroactively(world, f.retro_visibility);
                // What funders could not see goes to direct service now.
                let leftover = world.retro_pot;
                world.retro_pot = 0.0;
                let moved = pay_direct(world, params, leftover);
                // The pot was booked as funding in when it entered: paying it out is a move.
                world.ledger.funding_in -= leftover;
                world.ledger.retro_leftover_moved += moved;
                // Paid from the pot already counted as funding in: a move, not a new inflow.
                world.flows.coordination_funding += paid;
            }
            pay_direct(world, params, budget - pot);
            end_cycle(world, boundary);
            return;
        }
    }
    world.flows.coordination_funding += to_coordination;
    world.ledger.funding_in += to_coordination;
    pay_direct(world, params, budget - to_coordination);
}

/// At a boundary, starts a new cycle: what each network created, received and was credited
/// with in the cycle restarts from 0.
fn end_cycle(world: &mut World, boundary: bool) {
    if boundary {
        for n in world.networks.iter_mut().filter(|n| n.alive) {
            n.value_cycle = 0.0;
            n.grant.received_cycle = 0.0;
            n.grant.attributed_cycle = 0.0;
        }
    }
}

/// The value a reviewer sees of `value`: times a mean-one lognormal noise with log-sd `sigma`
/// (one standard normal draw from the replicate's generator, drawn whatever `sigma` is).
pub fn seen_value(value: f64, sigma: f64, rng: &mut ModelRng) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    value * (sigma * z - 0.5 * sigma * sigma).exp()
}

/// Reviews every grant with a full cycle behind it: an active one is renewed if the value its
/// reviewer sees clears the bar, else it lapses; an inactive one is granted again.
fn review_grants(world: &mut World, f: &FundingParams, rng: &mut ModelRng) {
    let tick = world.tick;
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        let g = &mut n.grant;
        let full_cycle = tick.saturating_sub(g.since) >= f.grant_cycle_ticks;
        if g.active && full_cycle {
            let seen = seen_value(g.attributed_cycle, f.review_noise, rng);
            if seen < f.renewal_ratio * g.received_cycle {
                g.active = false;
                g.since = tick;
                // The grant's coordinators leave; a new grant starts from scratch.
                n.coord.tenure = 0;
            }
        } else if !g.active && full_cycle {
            g.active = true;
            g.since = tick;
        }
    }
}

/// Pays the coordination pot to active grantees by member count. Returns what was paid.
fn pay_grants(world: &mut World, pot: f64) -> f64 {
    let unaffiliated = world
        .memberships()
        .iter()
        .filter(|&&n| n == NO_NETWORK)
        .count() as f64;
    let members: f64 = world
        .networks
        .iter()
        .filter(|n| n.alive)
        .map(|n| n.members.len() as f64)
        .sum();
    let weight = unaffiliated + members;
    if weight == 0.0 || pot == 0.0 {
        return 0.0;
    }
    let mut paid = 0.0;
    for n in world
        .networks
        .iter_mut()
        .filter(|n| n.alive && n.grant.active)
    {
        let amount = pot * n.members.len() as f64 / weight;
        n.coord.budget += amount;
        n.grant.received_cycle += amount;
        paid += amount;
    }
    let open = pot * unaffiliated / weight;
    world.open.budget += open;
    // Shares of networks without an active grant are not paid here: they go to direct service.
    paid + open
}

/// Quadratic matching of last tick's member contributions. Returns what was paid.
fn pay_matches(world: &mut World, pot: f64) -> f64 {
    let matches: f64 = world
        .networks
        .iter()
        .filter(|n| n.alive)
        .map(quadratic_match)
        .sum();
    if matches <= 0.0 {
        return 0.0;
    }
    let scale = (pot / matches).min(1.0);
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        n.coord.budget += quadratic_match(n) * scale;
    }
    matches * scale
}

/// Buterin, Hitzig & Weyl's match: (sum sqrt c)^2 - sum c.
fn quadratic_match(n: &crate::world::Network) -> f64 {
    qf_match(n.sqrt_contributions_tick, n.contributions_tick)
}

/// The quadratic-funding match for contributions whose square roots sum to `sum_sqrt` and
/// which sum to `sum`.
pub fn qf_match(sum_sqrt: f64, sum: f64) -> f64 {
    (sum_sqrt * sum_sqrt - sum).max(0.0)
}

/// Pays the retro pot for visible past value. Returns what was paid.
fn pay_retroactively(world: &mut World, visibility: f64) -> f64 {
    let visible: f64 = world
        .networks
        .iter()
        .filter(|n| n.alive)
        .map(|n| visibility * n.value_cycle.max(0.0))
        .sum();
    if visible <= 0.0 {
        return 0.0;
    }
    let pot = world.retro_pot;
    let scale = (pot / visible).min(1.0);
    let mut paid = 0.0;
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        let amount = visibility * n.value_cycle.max(0.0) * scale;
        n.coord.budget += amount;
        paid += amount;
    }
    world.retro_pot -= paid;
    world.ledger.retro_payouts_moved += paid;
    paid
}

/// Pays `amount` equally to every community's treasury, booked as funding in; returns what
/// was paid (0 with no community or nothing to pay).
fn pay_direct(world: &mut World, params: &Params, amount: f64) -> f64 {
    if amount <= 0.0 || world.communities.is_empty() {
        return 0.0;
    }
    let each = amount / world.communities.len() as f64;
    for treasury in &mut world.economy.treasury {
        *treasury += each;
    }
    world.ledger.funding_in += amount;
    world.flows.direct_funding += amount;
    world.flows.direct_value += amount * params.funding.direct_value_multiple;
    amount
}

/// At the end of a tick: credits each network's coordination value to its cycle and to the
/// paid share of its coordination (what a grant's reviewer can attribute to the grant).
pub fn attribute_value(world: &mut World) {
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        n.value_cycle += n.value_tick;
        let hours = n.coord.paid_hours + n.coord.volunteer_hours;
        let paid_share = if hours > 0.0 {
            n.coord.paid_hours / hours
        } else {
            0.0
        };
        n.grant.attributed_cycle += n.value_tick * paid_share;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn quadratic_match_equals_a_hand_computed_example() {
        // Contributions 1, 4 and 9: (1 + 2 + 3)^2 - 14 = 22.
        assert_eq!(qf_match(1.0 + 2.0 + 3.0, 14.0), 22.0);
        // One contributor gets no match.
        assert_eq!(qf_match(3.0, 9.0), 0.0);
    }

    #[test]
    fn every_policy_spends_the_same_total_budget() {
        for policy in [
            FundingPolicy::DirectService,
            FundingPolicy::CoordinationShare,
            FundingPolicy::Quadratic,
            FundingPolicy::Retroactive,
        ] {
            let mut params = Params::default();
            params.funding.policy = policy;
            params.funding.grant_cycle_ticks = 1;
            let mut w = tiny_world(6);
            let n = w.found_network(&[0, 1, 2], true);
            w.networks[n as usize].value_cycle = 3.0;
            w.networks[n as usize].contributions_tick = 2.0;
            w.networks[n as usize].sqrt_contributions_tick = 2.0f64.sqrt() * 2.0;
            w.tick = 1;
            let before = w.holdings();
            review_and_disburse(&mut w, &params, &mut crate::world::rng::replicate_rng(1));
            let received = w.holdings() - before;
            assert!(
                (received - params.funding.budget_per_tick).abs() < 1e-9,
                "{policy:?}: {received}"
            );
            assert!(
                (w.ledger.funding_in - received).abs() < 1e-9,
                "{policy:?} ledger"
            );
        }
    }

    #[test]
    fn direct_service_funds_no_coordination() {
        let mut params = Params::default();
        params.funding.policy = FundingPolicy::DirectService;
        let mut w = tiny_world(4);
        w.tick = 1;
        review_and_disburse(&mut w, &params, &mut crate::world::rng::replicate_rng(1));
        assert_eq!(w.flows.coordination_funding, 0.0);
        assert_eq!(w.flows.direct_funding, params.funding.budget_per_tick);
    }

    /// Share of `trials` replicates in which a grant, whose network's paid hours create
    /// `multiple` times the value the renewal bar asks for in each tick of its first 4-tick
    /// cycle, is renewed at its review (through the real payment, attribution and review).
    fn renewal_rate(multiple: f64, noise: f64, trials: u64) -> f64 {
        let mut params = Params::default();
        params.funding.grant_cycle_ticks = 4;
        params.funding.review_noise = noise;
        let mut renewed = 0;
        for seed in 0..trials {
            let mut rng = crate::world::rng::replicate_rng(seed);
            let mut w = tiny_world(4);
            let n = w.found_network(&[0, 1], true) as usize;
            for tick in 1..=4 {
                w.tick = tick;
                let before = w.networks[n].grant.received_cycle;
                review_and_disburse(&mut w, &params, &mut rng);
                let paid = w.networks[n].grant.received_cycle - before;
                // All of the tick's coordination hours are paid, so all its value is credited.
                w.networks[n].coord.paid_hours = 1.0;
                w.networks[n].coord.volunteer_hours = 0.0;
                w.networks[n].value_tick = multiple * params.funding.renewal_ratio * paid;
                attribute_value(&mut w);
            }
            renewed += u32::from(w.networks[n].grant.active);
        }
        f64::from(renewed) / trials as f64
    }

    #[test]
    fn a_noisy_review_renews_a_grant_that_clears_the_bar_more_often_than_one_that_does_not() {
        // Exact reviews: the bar decides.
        assert_eq!(renewal_rate(2.0, 0.0, 50), 1.0);
        assert_eq!(renewal_rate(0.5, 0.0, 50), 0.0);
        // Noisy reviews (log-sd 0.5): P(renew) = P(Z > (ln(1/m) + 0.125) / 0.5), about 0.87 at
        // twice the bar and 0.05 at half of it.
        let clears = renewal_rate(2.0, 0.5, 400);
        let misses = renewal_rate(0.5, 0.5, 400);
        assert!(clears > misses + 0.6, "clears {clears}, misses {misses}");
        assert!((0.8..0.95).contains(&clears), "clears {clears}");
        assert!((0.01..0.1).contains(&misses), "misses {misses}");
    }

    #[test]
    fn a_grant_without_attributable_value_lapses_and_resets_tenure() {
        let mut params = Params::default();
        params.funding.grant_cycle_ticks = 4;
        let mut w = tiny_world(4);
        let n = w.found_network(&[0, 1], true) as usize;
        w.networks[n].coord.tenure = 3;
        let mut rng = crate::world::rng::replicate_rng(1);
        for tick in 1..=4 {
            w.tick = tick;
            review_and_disburse(&mut w, &params, &mut rng);
        }
        // At tick 4 the grant (since tick 0) had a full cycle and no value: it lapses.
        assert!(!w.networks[n].grant.active);
        assert_eq!(w.networks[n].coord.tenure, 0);
    }
}
