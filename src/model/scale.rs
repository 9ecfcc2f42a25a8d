//! Scale: how much coordination a network needs, and how cells and a centre keep that in check.
//!
//! Below the Dunbar number a network needs `hours_per_person` per person. Beyond it, without
//! cells, everyone can no longer know everyone and cost grows as people^scale_exponent. With
//! cells, teams of `cell_size` decide locally and only cells coordinate with each other: cost
//! stays linear plus a small overhead per tenfold growth in the number of cells. Central control
//! saves up to `central_saving` of that cost.

use crate::scenario::params::{CoordinationParams, GovernanceParams};

/// Coordination hours per tick a network of `people` needs at the given centralization.
pub fn coordination_cost(
    people: f64,
    centralization: f64,
    gov: &GovernanceParams,
    coord: &CoordinationParams,
) -> f64 {
    let linear = coord.hours_per_person * people;
    let scale = if gov.cells {
        let cells = (people / gov.cell_size).max(1.0);
        1.0 + gov.cell_overhead * cells.log10()
    } else if people > gov.dunbar_people {
        (people / gov.dunbar_people).powf(gov.scale_exponent - 1.0)
    } else {
        1.0
    };
    linear * scale * (1.0 - gov.central_saving * centralization)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Params;

    #[test]
    fn cost_is_linear_below_dunbar_and_superlinear_beyond_without_cells() {
        let p = Params::default();
        let cost = |people| coordination_cost(people, 0.0, &p.governance, &p.coordination);
        assert!((cost(100.0) / cost(50.0) - 2.0).abs() < 1e-12);
        assert!(
            cost(600.0) / cost(300.0) > 3.9,
            "doubling past Dunbar quadruples cost at exponent 2"
        );
    }

    #[test]
    fn cells_keep_cost_near_linear() {
        let mut p = Params::default();
        p.governance.cells = true;
        let cost = |people| coordination_cost(people, 0.0, &p.governance, &p.coordination);
        let ratio = cost(1200.0) / cost(600.0);
        assert!(ratio > 2.0 && ratio < 2.1, "{ratio}");
    }

    #[test]
    fn centralization_saves_cost() {
        let p = Params::default();
        let low = coordination_cost(100.0, 0.0, &p.governance, &p.coordination);
        let high = coordination_cost(100.0, 1.0, &p.governance, &p.coordination);
        assert!((high / low - (1.0 - p.governance.central_saving)).abs() < 1e-12);
    }
}
