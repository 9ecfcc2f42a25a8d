//! Step 5, pooling: members contribute to the network pool, which pays coordination and is
//! allocated back by a participatory rule.
//!
//! Contribution rules (Fischbacher, Gachter & Fehr 2001 for the conditional one):
//! - `flat`: each member pays `contribution_rate` times the network's mean production;
//! - `proportional`: each pays `contribution_rate` times its own production;
//! - `conditional`: each pays its production times the rate, scaled by how much the others paid
//!   last tick relative to the rate (conditional cooperators); free riders pay nothing.
//!
//! Of what comes in, `coordination_share` moves to the coordination budget (pool spending on
//! coordination). Each tick `allocation_rate` of the pool is allocated:
//! - `equal`: in equal shares;
//! - `needs`: in proportion to unmet need;
//! - `quadratic`: with weight (sum over trusted co-members j of sqrt(contribution_j * trust))^2;
//! - `vote`: each member votes for its most trusted co-member in need (or itself); proposals
//!   are funded in vote order up to their need.
//!
//! The part of an allocation that meets a need is spent on recovery (it leaves the ledger and
//! lowers the need) and creates `need_relief_value` per unit, as aid does; the rest is income.

use super::kinship::trusted_partners;
use crate::scenario::Params;
use crate::scenario::params::{AllocationRule, ContributionRule};
use crate::world::Scratch;
use crate::world::World;

pub fn contribute_and_allocate(world: &mut World, params: &Params, scratch: &mut Scratch) {
    for n in 0..world.networks.len() {
        if world.networks[n].alive && !world.networks[n].members.is_empty() {
            contribute(world, params, n, scratch);
            allocate(world, params, n, scratch);
        }
    }
}

fn contribute(world: &mut World, params: &Params, n: usize, scratch: &mut Scratch) {
    let pp = &params.pooling;
    let members = &world.networks[n].members;
    let count = members.len() as f64;
    let mean_production: f64 = members
        .iter()
        .map(|&m| world.economy.own_tick[m as usize])
        .sum::<f64>()
        / count;
    let mean_last_rate: f64 = members
        .iter()
        .map(|&m| f64::from(world.communities[m as usize].last_contribution_rate))
        .sum::<f64>()
        / count;
    let founded_now = world.networks[n].founded == world.tick;
    scratch.floats.clear();
    for &m in members {
        let c = &world.communities[m as usize];
        let own_tick = world.economy.own_tick[m as usize];
        let wanted = match pp.contribution_rule {
            ContributionRule::Flat => pp.contribution_rate * mean_production,
            ContributionRule::Proportional => pp.contribution_rate * own_tick,
            ContributionRule::Conditional if c.free_rider => 0.0,
            ContributionRule::Conditional => {
                // Others' mean rate last tick, excluding this member's own.
                let others = if count > 1.0 {
                    (mean_last_rate * count - f64::from(c.last_contribution_rate)) / (count - 1.0)
                } else {
                    pp.contribution_rate
                };
                // Conditional cooperators start by cooperating fully in a new network.
                let reference = if founded_now || world.tick == 1 {
                    pp.contribution_rate
                } else {
                    others
                };
                own_tick * reference.min(pp.contribution_rate)
            }
        };
        let treasury = world.economy.treasury[m as usize];
        scratch.floats.push(wanted.clamp(0.0, treasury.max(0.0)));
    }
    let (mut total, mut sqrt_total) = (0.0, 0.0);
    for (i, &m) in world.networks[n].members.iter().enumerate() {
        let paid = scratch.floats[i];
        world.economy.treasury[m as usize] -= paid;
        let own_tick = world.economy.own_tick[m as usize];
        let c = &mut world.communities[m as usize];
        c.contributed = (f64::from(c.contributed) + paid) as f32;
        c.last_contribution_rate = if own_tick > 0.0 {
            (paid / own_tick) as f32
        } else {
            0.0
        };
        total += paid;
        sqrt_total += paid.sqrt();
    }
    let to_coordination = total * pp.coordination_share;
    let net = &mut world.networks[n];
    net.pool += total - to_coordination;
    net.coord.budget += to_coordination;
    net.contributions_tick = total;
    world.ledger.contributions_moved += total - to_coordination;
    world.ledger.contributions_to_coordination_moved += to_coordination;
    net.sqrt_contributions_tick = sqrt_total;
    world.flows.coordination_funding += to_coordination;
}

fn allocate(world: &mut World, params: &Params, n: usize, scratch: &mut Scratch) {
    let pp = &params.pooling;
    let budget = world.networks[n].pool * pp.allocation_rate;
    if budget <= 0.0 {
        return;
    }
    weights(world, params, n, scratch);
    let total_weight: f64 = scratch.floats.iter().sum();
    if total_weight <= 0.0 {
        return;
    }
    let mut paid = 0.0;
    let mut relieved = 0.0;
    for i in 0..world.networks[n].members.len() {
        let m = world.networks[n].members[i] as usize;
        let amount = match pp.allocation_rule {
            // Vote weights are already the amounts granted, in vote order.
            AllocationRule::Vote => scratch.floats[i],
            _ => budget * scratch.floats[i] / total_weight,
        };
        if amount <= 0.0 {
            continue;
        }
        // What meets a need is spent on recovery at once; the rest reaches the treasury.
        let e = &mut world.economy;
        let relief = amount.min(e.need[m]);
        e.need[m] -= relief;
        e.treasury[m] += amount - relief;
        e.inflow_tick[m] += amount;
        relieved += relief;
        paid += amount;
    }
    world.networks[n].pool -= paid;
    world.ledger.allocation_relief_out += relieved;
    world.ledger.allocations_moved += paid - relieved;
    // Pooling is mutual support through a shared purse: it needs no coordination hours, so
    // the losses it averts are peer value, not coordination value.
    world.credit_peer_value(relieved * params.mutual_support.need_relief_value);
}

/// Fills `scratch.floats` with each member's allocation weight (or, for votes, its amount).
fn weights(world: &World, params: &Params, n: usize, scratch: &mut Scratch) {
    let members = &world.networks[n].members;
    scratch.floats.clear();
    match params.pooling.allocation_rule {
        AllocationRule::Equal => scratch.floats.resize(members.len(), 1.0),
        AllocationRule::Needs => scratch
            .floats
            .extend(members.iter().map(|&m| world.economy.need[m as usize])),
        AllocationRule::Quadratic => {
            for &m in members {
                let mut sum_sqrt = 0.0;
                for &t in world.ties.ids_of(m) {
                    let tie = &world.ties[t as usize];
                    let other = tie.other(m);
                    if world.network_of(other) == n as u32
                        && tie.trust() >= params.trust.tie_threshold
                    {
                        let c = f64::from(world.communities[other as usize].last_contribution_rate)
                            * world.economy.own_tick[other as usize];
                        sum_sqrt += (c * tie.trust()).sqrt();
                    }
                }
                scratch.floats.push(sum_sqrt * sum_sqrt);
            }
        }
        AllocationRule::Vote => vote(world, params, n, scratch),
    }
}

fn vote(world: &World, params: &Params, n: usize, scratch: &mut Scratch) {
    let members = &world.networks[n].members;
    let budget = world.networks[n].pool * params.pooling.allocation_rate;
    // votes[i] = votes for member i.
    let votes = &mut scratch.votes;
    votes.clear();
    votes.resize(members.len(), 0);
    let index_of = |c: u32| members.iter().position(|&m| m == c);
    for &m in members {
        trusted_partners(world, m, params.trust.tie_threshold, &mut scratch.more_ids);
        let choice = scratch
            .more_ids
            .iter()
            .copied()
            .filter(|&o| world.network_of(o) == n as u32 && world.economy.need[o as usize] > 0.0)
            .max_by(|&x, &y| {
                let tx = world
                    .ties
                    .find(m, x)
                    .map(|t| world.ties[t as usize].trust())
                    .unwrap_or(0.0);
                let ty = world
                    .ties
                    .find(m, y)
                    .map(|t| world.ties[t as usize].trust())
                    .unwrap_or(0.0);
                tx.total_cmp(&ty).then(y.cmp(&x))
            })
            .or_else(|| (world.economy.need[m as usize] > 0.0).then_some(m));
        if let Some(i) = choice.and_then(index_of) {
            votes[i] += 1;
        }
    }
    let order = &mut scratch.ranked;
    order.clear();
    order.extend((0..members.len() as u32).filter(|&i| votes[i as usize] > 0));
    order.sort_unstable_by(|&a, &b| votes[b as usize].cmp(&votes[a as usize]).then(a.cmp(&b)));
    scratch.floats.clear();
    scratch.floats.resize(members.len(), 0.0);
    let mut left = budget;
    for &i in order.iter() {
        let i = i as usize;
        let grant = world.economy.need[members[i] as usize].min(left);
        scratch.floats[i] = grant;
        left -= grant;
        if left <= 0.0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    fn pooled(rule: ContributionRule, free_rider: bool) -> (f64, f64) {
        let mut params = Params::default();
        params.pooling.contribution_rule = rule;
        params.pooling.allocation_rate = 0.0;
        let mut w = tiny_world(3);
        for i in 0..3 {
            w.economy.own_tick[i] = (i + 1) as f64;
            w.economy.treasury[i] = 100.0;
        }
        w.communities[2].free_rider = free_rider;
        let n = w.found_network(&[0, 1, 2], true) as usize;
        let before = w.holdings();
        contribute_and_allocate(&mut w, &params, &mut Scratch::default());
        assert!(
            (w.holdings() - before).abs() < 1e-12,
            "pooling only moves resources"
        );
        (
            w.networks[n].pool + w.networks[n].coord.budget,
            f64::from(w.communities[2].contributed),
        )
    }

    #[test]
    fn contribution_rules_differ_as_documented() {
        let rate = Params::default().pooling.contribution_rate;
        let (flat, _) = pooled(ContributionRule::Flat, false);
        let (prop, _) = pooled(ContributionRule::Proportional, false);
        assert!((flat - 3.0 * rate * 2.0).abs() < 1e-12);
        assert!((prop - rate * 6.0).abs() < 1e-12);
        let (_, forced) = pooled(ContributionRule::Proportional, true);
        let (_, voluntary) = pooled(ContributionRule::Conditional, true);
        assert!(forced > 0.0, "mandatory rules make free riders pay");
        assert_eq!(
            voluntary, 0.0,
            "free riders pay nothing when contribution is voluntary"
        );
    }

    #[test]
    fn needs_based_allocation_goes_to_the_needy() {
        let mut params = Params::default();
        params.pooling.allocation_rule = AllocationRule::Needs;
        params.pooling.contribution_rate = 0.0;
        let mut w = tiny_world(3);
        w.economy.need[1] = 5.0;
        let n = w.found_network(&[0, 1, 2], true) as usize;
        w.networks[n].pool = 10.0;
        contribute_and_allocate(&mut w, &params, &mut Scratch::default());
        assert_eq!(w.economy.inflow_tick[0], 0.0);
        assert!(w.economy.inflow_tick[1] > 0.0);
        // Pooling needs no coordination hours: what it relieves is peer value.
        assert!(w.flows.peer_value > 0.0);
        assert_eq!(w.flows.coordination_value, 0.0);
    }
}
