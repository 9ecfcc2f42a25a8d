//! Step 7, interdependence: shared infrastructure cushions shocks and raises the cost of exit.
//!
//! Successful joint projects add `infrastructure_gain` of stake to the ties between their
//! participants (see `collective_action`); stake decays with `stake_half_life_ticks` without
//! upkeep. A community's stake is the sum over its ties. Stake s absorbs a share
//! shock_cushion * s / (1 + s) of each shock and divides the chance of exit by 1 + exit_cost * s.
//! This module also keeps the moving averages of inflows and own production that the
//! interdependence metric reads (measurement runs whether or not the mechanism does).

use super::trust::decay_factor;
use crate::scenario::Params;
use crate::world::World;

/// Share of a shock absorbed by shared infrastructure of stake `stake`.
pub fn cushion(stake: f64, shock_cushion: f64) -> f64 {
    shock_cushion * stake / (1.0 + stake)
}

/// Factor on the chance of exit for a member with stake `stake`.
pub fn exit_factor(stake: f64, exit_cost: f64) -> f64 {
    1.0 / (1.0 + exit_cost * stake)
}

pub fn update(world: &mut World, params: &Params) {
    let ip = &params.interdependence;
    let factor = decay_factor(ip.stake_half_life_ticks);
    // Stake lives apart from `Community` (see `World::stakes`): the sums below write at both
    // ends of every tie, and 4 bytes per community stay in cache where a whole record would not.
    world.stakes.iter_mut().for_each(|s| *s = 0.0);
    let stakes = &mut world.stakes;
    world.ties.depreciate_stakes(factor, |t| {
        stakes[t.a as usize] += t.stake;
        stakes[t.b as usize] += t.stake;
    });
    let w = 1.0 / ip.window_ticks;
    let e = &mut world.economy;
    let rows = e
        .inflow_avg
        .iter_mut()
        .zip(&e.inflow_tick)
        .zip(e.own_avg.iter_mut().zip(&e.own_tick));
    for ((inflow_avg, &inflow_tick), (own_avg, &own_tick)) in rows {
        let (inflow, own) = (f64::from(*inflow_avg), f64::from(*own_avg));
        *inflow_avg = (inflow + w * (inflow_tick - inflow)) as f32;
        *own_avg = (own + w * (own_tick - own)) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stake_cushions_and_binds() {
        assert_eq!(cushion(0.0, 0.5), 0.0);
        assert!((cushion(1.0, 0.5) - 0.25).abs() < 1e-12);
        assert!(cushion(100.0, 0.5) < 0.5);
        assert_eq!(exit_factor(0.0, 1.0), 1.0);
        assert_eq!(exit_factor(1.0, 1.0), 0.5);
    }
}
