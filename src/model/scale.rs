//! Scale: how much coordination a network needs, and how cells and a centre keep that in check.
//!
//! Below the Dunbar number a network needs `hours_per_person` per person. Beyond it, without
//! cells, everyone can no longer know everyone and cost grows as people^scale_exponent. With
//! cells, teams of `cell_size` decide locally and only cells coordinate with each other: cost
//! stays linear plus a small overhead per tenfold growth in the number of cells. Central control
//! saves up to `central_saving` of that cost.
//!
//! On top comes the cost of deciding together. A network-wide decision taken by consensus among
//! `m` member communities needs every pair to be heard, about m^2 / 2 channels (Provan & Kenis
//! 2008: shared governance grows inefficient as members multiply). Decisions differ in scope:
//! one of scope s (a share of the members) involves about (s m)^2 / 2 pairs. A centre with
//! authority c takes the broadest share c of decisions (subsidiarity: what members can settle
//! among fewer of themselves stays with them), so what is left to consensus costs
//!   consensus_hours x m^2 x integral_0^(1-c) s^2 ds = consensus_hours x m^2 x (1 - c)^3 / 3.
//! A little central authority removes most of it; full authority removes all.

use crate::scenario::params::{CoordinationParams, GovernanceParams};

/// Coordination hours per tick a network of `people` in `member_communities` needs at the given
/// centralization.
pub fn coordination_cost(
    people: f64,
    member_communities: f64,
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
        + consensus_cost(member_communities, centralization, gov)
}

/// Hours per tick of deciding by consensus what the centre does not decide (see the module).
pub fn consensus_cost(member_communities: f64, centralization: f64, gov: &GovernanceParams) -> f64 {
    let left_to_consensus = (1.0 - centralization).powi(3) / 3.0;
    gov.consensus_hours * member_communities * member_communities * left_to_consensus
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Params;

    #[test]
    fn cost_is_linear_below_dunbar_and_superlinear_beyond_without_cells() {
        let p = Params::default();
        let cost = |people| coordination_cost(people, 0.0, 0.0, &p.governance, &p.coordination);
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
        let cost = |people| coordination_cost(people, 0.0, 0.0, &p.governance, &p.coordination);
        let ratio = cost(1200.0) / cost(600.0);
        assert!(ratio > 2.0 && ratio < 2.1, "{ratio}");
    }

    #[test]
    fn centralization_saves_cost() {
        let p = Params::default();
        let low = coordination_cost(100.0, 0.0, 0.0, &p.governance, &p.coordination);
        let high = coordination_cost(100.0, 0.0, 1.0, &p.governance, &p.coordination);
        assert!((high / low - (1.0 - p.governance.central_saving)).abs() < 1e-12);
    }

    #[test]
    fn consensus_cost_grows_with_members_squared_and_a_little_centre_removes_most() {
        let p = Params::default();
        let g = &p.governance;
        let at = |m, c| consensus_cost(m, c, g);
        // Twice the member communities: four times the pairs to hear.
        assert!((at(20.0, 0.0) / at(10.0, 0.0) - 4.0).abs() < 1e-12);
        // Hand-computed: 0.15 x 10^2 x (1 - 0.5)^3 / 3 = 0.625 hours per tick.
        assert!((at(10.0, 0.5) - 0.625).abs() < 1e-12);
        // Half the authority removes seven eighths of the consensus cost; full authority all.
        assert!((at(10.0, 0.5) / at(10.0, 0.0) - 0.125).abs() < 1e-12);
        assert_eq!(at(10.0, 1.0), 0.0);
    }
}
