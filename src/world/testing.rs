//! Small hand-built worlds for unit tests.

use super::{Community, Endowment, World};
use crate::scenario::Params;

/// `n` identical communities in one region, values and practice at 0.5, depth 0.25, no ties.
pub fn tiny_world(n: u32) -> World {
    let params = Params::default();
    let mut w = World::empty(&Params {
        population: crate::scenario::params::PopulationParams {
            regions: 1,
            ..params.population.clone()
        },
        ..params.clone()
    });
    let values = vec![0.5; w.value_dims];
    let practice = vec![0.5; w.practice_dims];
    for _ in 0..n {
        let c = Community::new(10.0, 0, 0.25, false);
        let endowment = Endowment {
            base_production: 1.0,
            treasury: 0.0,
            own_avg: 0.0,
            tie_budget: 100,
            tech: 0.5,
        };
        w.push_community(c, endowment, &values, &practice);
    }
    w
}
