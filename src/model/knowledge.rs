//! Knowledge gaps and bridging between technical and non-technical communities.
//!
//! Joint work across a technical gap g succeeds with probability 1 - gap_penalty * g * (1 - b),
//! where b is the bridging coverage of the network the two share. A network with bridging on
//! spends `bridge_share` of its capacity on translators; b is those hours over what its members
//! need (`bridge_hours` each). Bridging is scarce: the hours it takes lower the network's
//! coverage for everything else that tick.

use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::{NO_NETWORK, World};

/// Sets each network's bridging coverage for this tick and books the capacity it uses.
pub fn allocate_bridging(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let kp = &params.knowledge;
    scratch.bridge_coverage.clear();
    scratch.bridge_coverage.resize(world.networks.len(), 0.0);
    if !kp.bridging {
        return;
    }
    for (i, n) in world
        .networks
        .iter_mut()
        .enumerate()
        .filter(|(_, n)| n.alive)
    {
        let hours = kp.bridge_share * n.coord.capacity;
        let need = kp.bridge_hours * n.members.len() as f64;
        scratch.bridge_coverage[i] = if need > 0.0 {
            (hours / need).min(1.0)
        } else {
            0.0
        };
        n.coord.use_hours(hours);
    }
}

/// Bridging coverage available to joint work between `a` and `b` (only inside one network).
pub fn bridging_between(world: &World, scratch: &Scratch, a: u32, b: u32) -> f64 {
    let n = world.network_of(a);
    if n != NO_NETWORK && n == world.network_of(b) {
        scratch
            .bridge_coverage
            .get(n as usize)
            .copied()
            .unwrap_or(0.0)
    } else {
        0.0
    }
}

/// Chance that joint work across technical gap `gap` succeeds with bridging coverage `bridging`.
pub fn success_probability(gap: f64, bridging: f64, gap_penalty: f64) -> f64 {
    (1.0 - gap_penalty * gap * (1.0 - bridging)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridging_removes_the_gap_penalty() {
        assert_eq!(success_probability(0.0, 0.0, 0.6), 1.0);
        assert!((success_probability(1.0, 0.0, 0.6) - 0.4).abs() < 1e-12);
        assert_eq!(success_probability(1.0, 1.0, 0.6), 1.0);
    }
}
