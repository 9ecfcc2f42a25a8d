//! Autonomy versus coherence: central control aligns values but suppresses local adaptation.
//!
//! Each community's context drifts: it loses on average `context_drift` of local fit per tick
//! (uniform on [0, 2 x context_drift]). It regains adaptation_rate x a x (1 - fit), where
//! a = 1 outside a network and a = (1 - c) + c x central_adaptation inside a network of
//! centralization c: a central plan adapts to the average context, not to each member's.
//! Production is base production times fit. Inside a network, values are pulled toward the
//! network's mean by central_pull x c + identity_pull x coverage per tick: central control and
//! facilitated shared identity both build coherence. Central control also stifles innovation:
//! joint work between co-members follows a central plan on each side with probability c, and
//! when both sides do (probability c^2) it yields only `central_innovation` of the knowledge
//! it would otherwise create (Damanpour 1991: centralization goes with less innovation); at
//! least one autonomous partner is enough to bring something new. Coordination cost savings,
//! the cost of deciding by consensus and exit pressure from centralization live in `scale` and
//! `identity`.

use rand::RngExt;

use crate::scenario::Params;
use crate::world::rng::ModelRng;
use crate::world::{NO_NETWORK, World};

/// Adaptation a community achieves, relative to a fully autonomous one.
pub fn adaptation(in_network: bool, centralization: f64, central_adaptation: f64) -> f64 {
    if in_network {
        (1.0 - centralization) + centralization * central_adaptation
    } else {
        1.0
    }
}

/// Share of the knowledge joint work between two co-members of a network of centralization
/// `centralization` creates, against two autonomous partners.
pub fn innovation(centralization: f64, central_innovation: f64) -> f64 {
    1.0 - centralization * centralization * (1.0 - central_innovation)
}

pub fn adapt(world: &mut World, params: &Params, rng: &mut ModelRng) {
    let g = &params.governance;
    let dims = world.value_dims;
    for i in 0..world.communities.len() {
        let network = world.network_of(i as u32);
        let a = adaptation(
            network != NO_NETWORK,
            g.centralization,
            g.central_adaptation,
        );
        let drift = 2.0 * g.context_drift * rng.random::<f64>();
        let stored = &mut world.economy.fit[i];
        let fit = (f64::from(*stored) - drift).max(0.0);
        *stored = (fit + g.adaptation_rate * a * (1.0 - fit)) as f32;
        if network != NO_NETWORK {
            let net = &world.networks[network as usize];
            let pull = g.central_pull * g.centralization
                + params.identity.identity_pull * net.coord.coverage;
            let mean = &net.mean_values;
            for (v, m) in world.values[i * dims..(i + 1) * dims].iter_mut().zip(mean) {
                *v += pull * (m - *v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_control_suppresses_local_adaptation() {
        assert_eq!(adaptation(false, 1.0, 0.3), 1.0);
        assert_eq!(adaptation(true, 0.0, 0.3), 1.0);
        assert!((adaptation(true, 1.0, 0.3) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn central_plans_stifle_innovation_only_when_both_partners_follow_one() {
        assert_eq!(innovation(0.0, 0.5), 1.0);
        assert!((innovation(1.0, 0.5) - 0.5).abs() < 1e-12);
        // Half the authority: a quarter of joint work is planned on both sides.
        assert!((innovation(0.5, 0.5) - 0.875).abs() < 1e-12);
    }
}
