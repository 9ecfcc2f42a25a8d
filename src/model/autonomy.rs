//! Autonomy versus coherence: central control standardizes practice, local adaptation fits it
//! to each community's own drifting context.
//!
//! Each community has a local context (a point in practice space) that drifts as a random walk:
//! each coordinate moves by `context_step` x N(0, 1) per tick, reflected at 0 and 1. Its fit is
//! 1 - d(practice, context), and production is base production times fit (`economy`). Each
//! tick, a community's practice x moves toward its context k by local adaptation and, inside a
//! network of centralization c, toward the network's mean practice m by central
//! standardization:
//!   x <- x + adaptation_rate x (1 - c) x (k - x) + central_pull x c x (m - x)
//! (outside networks the first rate is adaptation_rate, the second 0). Standardized practice
//! makes joint work between co-members succeed more often (`resonance`), at the price of fit to
//! each member's own context. Inside a network, values are also pulled toward the network's
//! mean by identity_pull x coverage (facilitated shared identity). Coordination cost savings
//! and exit pressure from centralization live in `scale` and `identity`.

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::PARALLEL_MIN_LEN;
use crate::scenario::Params;
use crate::world::rng::{Purpose, Randomness};
use crate::world::{NO_NETWORK, World, distance};

/// The shares of the distance to its own context and to its network's practice a community
/// closes per tick: (local adaptation, central standardization).
pub fn practice_rates(
    in_network: bool,
    centralization: f64,
    adaptation_rate: f64,
    central_pull: f64,
) -> (f64, f64) {
    if in_network {
        (
            adaptation_rate * (1.0 - centralization),
            central_pull * centralization,
        )
    } else {
        (adaptation_rate, 0.0)
    }
}

/// Fit of a practice to a context: 1 - their normalised distance, in [0, 1].
pub fn fit(practice: &[f64], context: &[f64]) -> f64 {
    (1.0 - distance(practice, context)).clamp(0.0, 1.0)
}

/// A coordinate of a random walk on [0, 1], reflected at the edges.
fn reflect(x: f64) -> f64 {
    let x = if x < 0.0 { -x } else { x };
    let x = if x > 1.0 { 2.0 - x } else { x };
    x.clamp(0.0, 1.0)
}

/// Context drift, local adaptation and central standardization of practice, fit, and the
/// identity pull on values, for every community (each from its own stream, across threads).
pub fn adapt(world: &mut World, params: &Params, randomness: &Randomness) {
    let g = &params.governance;
    let (dims, pdims) = (world.value_dims, world.practice_dims);
    let streams = randomness.streams(world.tick, Purpose::ContextDrift);
    // The columns this phase writes are taken out, so the rest of the world (memberships,
    // networks) can be read from every thread while they are written.
    let mut context = std::mem::take(&mut world.context);
    let mut practice = std::mem::take(&mut world.practice);
    let mut values = std::mem::take(&mut world.values);
    let mut fits = std::mem::take(&mut world.economy.fit);
    let shared: &World = world;
    context
        .par_chunks_mut(pdims)
        .zip(practice.par_chunks_mut(pdims))
        .zip(values.par_chunks_mut(dims))
        .zip(fits.par_iter_mut())
        .enumerate()
        .with_min_len(PARALLEL_MIN_LEN)
        .for_each(|(i, (((context, practice), values), fit_out))| {
            let mut rng = streams.at(i as u64);
            for k in context.iter_mut() {
                let step: f64 = StandardNormal.sample(&mut rng);
                *k = reflect(*k + g.context_step * step);
            }
            let network = shared.network_of(i as u32);
            let (local, central) = practice_rates(
                network != NO_NETWORK,
                g.centralization,
                g.adaptation_rate,
                g.central_pull,
            );
            if network == NO_NETWORK {
                for (x, k) in practice.iter_mut().zip(context.iter()) {
                    *x += local * (k - *x);
                }
            } else {
                let mean = &shared.networks[network as usize].mean_practice;
                for ((x, k), m) in practice.iter_mut().zip(context.iter()).zip(mean) {
                    *x += local * (k - *x) + central * (m - *x);
                }
            }
            *fit_out = fit(practice, context) as f32;
            if network != NO_NETWORK {
                let net = &shared.networks[network as usize];
                let pull = params.identity.identity_pull * net.coord.coverage;
                for (v, m) in values.iter_mut().zip(&net.mean_values) {
                    *v += pull * (m - *v);
                }
            }
        });
    world.context = context;
    world.practice = practice;
    world.values = values;
    world.economy.fit = fits;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    /// Two communities in one network: practice at 0.2 and 0.8 on every coordinate, each
    /// context where its practice is; no context drift.
    fn two_members(centralization: f64) -> (World, Params) {
        let mut params = Params::default();
        params.governance.centralization = centralization;
        params.governance.context_step = 0.0;
        let mut w = tiny_world(2);
        let p = w.practice_dims;
        for (c, x) in [(0, 0.2), (1, 0.8)] {
            w.practice[c * p..(c + 1) * p].fill(x);
            w.context[c * p..(c + 1) * p].fill(x);
        }
        w.found_network(&[0, 1], true);
        w.refresh_networks();
        (w, params)
    }

    /// One tick of adaptation (each tick has its own streams).
    fn drift(w: &mut World, params: &Params, rng: &Randomness) {
        w.tick += 1;
        adapt(w, params, rng);
    }

    fn gap(w: &World) -> f64 {
        distance(w.practice_of(0), w.practice_of(1))
    }

    #[test]
    fn standardization_pulls_members_toward_the_networks_practice() {
        let (mut w, params) = two_members(1.0);
        let rng = Randomness::new(1);
        let before = gap(&w);
        for _ in 0..10 {
            drift(&mut w, &params, &rng);
            w.refresh_networks();
        }
        assert!(gap(&w) < 0.7 * before, "{} -> {}", before, gap(&w));
        // Both moved toward the mean (0.5), away from their own contexts: fit fell.
        assert!(w.practice_of(0)[0] > 0.2 && w.practice_of(1)[0] < 0.8);
        assert!(w.economy.fit[0] < 1.0 && w.economy.fit[1] < 1.0);
        // Without central control nothing pulls them together.
        let (mut w, params) = two_members(0.0);
        for _ in 0..10 {
            drift(&mut w, &params, &rng);
            w.refresh_networks();
        }
        assert!((gap(&w) - before).abs() < 1e-12);
        assert_eq!(w.economy.fit[0], 1.0);
    }

    #[test]
    fn local_adaptation_pulls_practice_toward_its_own_context() {
        let (mut w, params) = two_members(0.0);
        let p = w.practice_dims;
        w.context[0..p].fill(0.6);
        let rng = Randomness::new(2);
        drift(&mut w, &params, &rng);
        let first = w.economy.fit[0];
        for _ in 0..30 {
            drift(&mut w, &params, &rng);
        }
        assert!(w.economy.fit[0] > first, "fit rises as practice adapts");
        assert!((w.practice_of(0)[0] - 0.6).abs() < 0.01);
        // Under full central control there is no local adaptation left.
        let (mut w, params) = two_members(1.0);
        w.context[0..p].fill(0.6);
        w.context[p..2 * p].fill(0.6);
        for _ in 0..30 {
            drift(&mut w, &params, &rng);
            w.refresh_networks();
        }
        // Only the centre's pull acts: by symmetry the mean stays at 0.5, and member 0 closes
        // central_pull of its distance to it each tick, ignoring its context at 0.6.
        let expected = 0.5 - 0.3 * (1.0 - params.governance.central_pull).powi(30);
        assert!(
            (w.practice_of(0)[0] - expected).abs() < 1e-9,
            "only the centre's pull"
        );
    }

    #[test]
    fn fit_falls_as_the_context_drifts_away() {
        let mut params = Params::default();
        params.governance.adaptation_rate = 0.0;
        params.governance.context_step = 0.05;
        let mut w = tiny_world(20);
        let rng = Randomness::new(3);
        let mean_fit = |w: &World| w.economy.fit.iter().map(|&f| f64::from(f)).sum::<f64>() / 20.0;
        drift(&mut w, &params, &rng);
        let early = mean_fit(&w);
        for _ in 0..40 {
            drift(&mut w, &params, &rng);
        }
        let late = mean_fit(&w);
        assert!(early < 1.0 && late < early - 0.1, "{early} -> {late}");
        // With adaptation, practice follows the context and fit recovers.
        params.governance.adaptation_rate = 0.3;
        for _ in 0..40 {
            drift(&mut w, &params, &rng);
        }
        assert!(mean_fit(&w) > late + 0.1, "{late} -> {}", mean_fit(&w));
    }
}
