//! Coordination work: budgets buy paid hours, members give volunteer hours that burn out.
//!
//! Each network (and the open convener that serves communities outside any network) holds a
//! coordination budget. Each tick it spends `spend_rate` of it on paid hours; new coordinators
//! become effective as they build relationships, so an hour at tenure t counts
//! `1 - exp(-(t + 1) / ramp_ticks)` (see [`ramp`]): paid hours ramp up smoothly. Volunteers
//! give hours in proportion to their energy; energy burns out while coordination is unpaid and
//! recovers while it is paid. Capacity is a stock that decays and is refilled by those hours;
//! coverage is capacity over what the network's scale requires (see `scale`).

use super::scale::coordination_cost;
use crate::scenario::Params;
use crate::scenario::params::CoordinationParams;
use crate::world::{Coordination, NO_NETWORK, World, coverage};

/// Spends budget on paid hours and adds `volunteer_hours` (already scaled by the volunteers'
/// energy) to capacity. Returns what was spent (the caller books it in the ledger) and the
/// share of this tick's hours that was paid.
fn work(unit: &mut Coordination, volunteer_hours: f64, p: &CoordinationParams) -> (f64, f64) {
    let spend = unit.budget * p.spend_rate;
    unit.budget -= spend;
    let effectiveness = ramp(unit.tenure, p.ramp_ticks);
    if spend > 0.0 {
        unit.tenure = unit.tenure.saturating_add(1);
    }
    unit.paid_hours = spend / p.hour_cost * effectiveness;
    unit.volunteer_hours = volunteer_hours;
    let total = unit.paid_hours + unit.volunteer_hours;
    let paid_fraction = if total > 0.0 {
        unit.paid_hours / total
    } else {
        0.0
    };
    unit.capacity = unit.capacity * (1.0 - p.capacity_decay) + p.capacity_multiplier * total;
    unit.used = 0.0;
    (spend, paid_fraction)
}

/// Effectiveness of a paid coordinator's hour in its `tenure + 1`-th tick, in (0, 1]: relationships
/// build up with time scale `ramp_ticks` (exponential approach, 63% after `ramp_ticks`, 95% after
/// three times that); 1 at once if `ramp_ticks` is 0.
pub fn ramp(tenure: u32, ramp_ticks: f64) -> f64 {
    if ramp_ticks <= 0.0 {
        1.0
    } else {
        1.0 - (-(f64::from(tenure) + 1.0) / ramp_ticks).exp()
    }
}

/// Volunteer energy after a tick of coordination of which `paid_fraction` was paid: unpaid work
/// burns energy out, paid work lets it recover.
pub fn tire(energy: f64, paid_fraction: f64, p: &CoordinationParams) -> f64 {
    let e = energy - p.burnout_rate * energy * (1.0 - paid_fraction);
    (e + p.recovery_rate * (1.0 - e) * paid_fraction).clamp(0.0, 1.0)
}

/// One tick of coordination work for every network and the open convener.
pub fn update(world: &mut World, params: &Params) {
    let cp = &params.coordination;
    let central = params.governance.centralization;
    let mut spent = 0.0;
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        // Volunteers are the member communities' people; their energy is theirs and goes with
        // them from network to network.
        let (mut hours, mut weighted_energy) = (0.0, 0.0);
        for &m in &n.members {
            let c = &world.communities[m as usize];
            let people_energy = f64::from(c.members) * f64::from(c.energy);
            hours += people_energy * cp.volunteer_hours;
            weighted_energy += people_energy;
        }
        let (s, paid_fraction) = work(&mut n.coord, hours, cp);
        spent += s;
        for &m in &n.members {
            let c = &mut world.communities[m as usize];
            c.energy = tire(f64::from(c.energy), paid_fraction, cp) as f32;
        }
        n.coord.energy = if n.people > 0.0 {
            weighted_energy / n.people
        } else {
            0.0
        };
        n.coord.required = coordination_cost(n.people, central, &params.governance, cp);
        n.coord.coverage = coverage(n.coord.capacity, n.coord.required);
    }
    // Outside networks, a few network weavers volunteer: they burn out like any volunteer.
    let weavers = world.open.energy * cp.open_volunteer_hours;
    let (s, paid_fraction) = work(&mut world.open, weavers, cp);
    spent += s;
    if cp.open_volunteer_hours > 0.0 {
        world.open.energy = tire(world.open.energy, paid_fraction, cp);
    }
    let unaffiliated_people: f64 = world
        .communities
        .iter()
        .zip(world.memberships())
        .filter(|&(_, &n)| n == NO_NETWORK)
        .map(|(c, _)| f64::from(c.members))
        .sum();
    world.open.required = cp.hours_per_person * unaffiliated_people;
    world.open.coverage = coverage(world.open.capacity, world.open.required);
    world.ledger.coordination_spending_out += spent;
}

/// Coverage that facilitates work between two communities: their network's if they share one;
/// otherwise the lesser of the coverages serving each (their coordinators must work together).
pub fn shared_coverage(world: &World, a: u32, b: u32) -> f64 {
    let (na, nb) = (world.network_of(a), world.network_of(b));
    if na == nb && na != NO_NETWORK {
        world.networks[na as usize].coord.coverage
    } else {
        coverage_of(world, a).min(coverage_of(world, b))
    }
}

/// Coverage serving one community: its network's, or the open convener's.
pub fn coverage_of(world: &World, c: u32) -> f64 {
    match world.network_of(c) {
        NO_NETWORK => world.open.coverage,
        n => world.networks[n as usize].coord.coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_rises_smoothly_with_tenure_on_its_time_scale() {
        assert_eq!(ramp(0, 0.0), 1.0);
        // 1 - 1/e after ramp_ticks ticks of tenure, about 0.95 after three times that.
        assert!((ramp(7, 8.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!((ramp(23, 8.0) - 0.950).abs() < 1e-3);
        let steps: Vec<f64> = (0..30).map(|t| ramp(t, 8.0)).collect();
        assert!(steps.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] < 0.12));
        assert!(
            ramp(3, 2.0) > ramp(3, 8.0),
            "a shorter time scale ramps up sooner"
        );
    }

    #[test]
    fn unpaid_volunteers_burn_out_and_capacity_decays() {
        let p = Params::default().coordination;
        let mut unit = Coordination {
            energy: 1.0,
            ..Default::default()
        };
        let mut first = 0.0;
        for tick in 0..200 {
            let volunteers = unit.energy * 2.0;
            let (_, paid) = work(&mut unit, volunteers, &p);
            unit.energy = tire(unit.energy, paid, &p);
            if tick == 10 {
                first = unit.capacity;
            }
        }
        assert!(unit.energy < 0.01, "energy {}", unit.energy);
        assert!(unit.capacity < first / 10.0);
    }

    #[test]
    fn paid_coordination_sustains_energy_and_ramps_up_with_tenure() {
        let p = Params::default().coordination;
        let mut unit = Coordination {
            energy: 0.5,
            budget: 1000.0,
            ..Default::default()
        };
        let volunteers = unit.energy * 2.0;
        let (_, paid) = work(&mut unit, volunteers, &p);
        unit.energy = tire(unit.energy, paid, &p);
        let first_hours_per_spend = unit.paid_hours;
        assert!(first_hours_per_spend > 0.0);
        for _ in 0..50 {
            unit.budget = 1000.0;
            let volunteers = unit.energy * 2.0;
            let (_, paid) = work(&mut unit, volunteers, &p);
            unit.energy = tire(unit.energy, paid, &p);
        }
        assert!(
            unit.energy > 0.5,
            "paid work lets volunteers recover: {}",
            unit.energy
        );
        assert!(
            unit.paid_hours > 2.0 * first_hours_per_spend,
            "tenure ramps paid hours up"
        );
    }
}
