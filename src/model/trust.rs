//! Trust rules: growth by reciprocity, decay without interaction, betrayal, the Dunbar budget.
//!
//! This module decides when trust decays and which ties are forgotten; the arithmetic of one
//! cooperation, defection or decay is `world::Ties`'s (`cooperate`, `defect`,
//! `decay_untouched`). Trust is one number per tie. It moves by shares: a cooperation closes `cooperation_gain` of the
//! distance to 1, a defection removes `betrayal_penalty` of what there is, and a tick without
//! interaction multiplies it by 2^(-1/half_life). The forgetting factor follows the idea of
//! Josang & Ismail's beta reputation with forgetting, but the model keeps no evidence counts:
//! forgotten trust decays toward 0 (no relationship), not toward a neutral prior. Above trust
//! gain / (gain + penalty) (about 0.21 with the defaults) a defection costs more than a
//! cooperation gains.

use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::World;

/// Per-tick decay factor for a half-life in ticks.
pub fn decay_factor(half_life_ticks: f64) -> f64 {
    0.5f64.powf(1.0 / half_life_ticks)
}

/// Decays ties nobody touched this tick, forgets the faint ones, and trims each community to
/// its relationship budget by dropping its weakest ties.
pub fn decay_and_prune(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let t = &params.trust;
    let factor = decay_factor(t.half_life_ticks);
    world
        .ties
        .decay_untouched(factor, t.drop_below, &mut scratch.faint);
    for &id in scratch.faint.iter().flatten() {
        world.ties.remove(id);
    }
    for c in 0..world.communities.len() as u32 {
        let budget = world.tie_budgets[c as usize] as usize;
        while world.ties.degree(c) > budget {
            let weakest = world
                .ties
                .ids_of(c)
                .iter()
                .copied()
                .min_by(|&x, &y| {
                    let (tx, ty) = (&world.ties[x as usize], &world.ties[y as usize]);
                    (tx.trust() + tx.stake())
                        .total_cmp(&(ty.trust() + ty.stake()))
                        .then(x.cmp(&y))
                })
                .expect("over budget means at least one tie");
            world.ties.remove(weakest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn trust_halves_after_one_half_life_without_interaction() {
        let mut params = Params::default();
        params.trust.half_life_ticks = 10.0;
        let mut w = tiny_world(2);
        let id = w.ties.add(0, 1, 0.8) as usize;
        let mut scratch = Scratch::default();
        for _ in 0..10 {
            decay_and_prune(&mut w, &params, &mut scratch);
        }
        // The tie was created touched, so the first call does not decay it.
        decay_and_prune(&mut w, &params, &mut scratch);
        assert!(
            // Trust is stored as f32: equal to about 1e-7.
            (w.ties[id].trust() - 0.4).abs() < 1e-6,
            "{}",
            w.ties[id].trust
        );
    }

    #[test]
    fn one_defection_costs_more_than_one_cooperation_gains() {
        use crate::world::ties::{cooperate, defect};
        let p = Params::default().trust;
        // Above trust gain / (gain + penalty) (about 0.21 with the defaults), which covers every
        // tie that matters (the tie threshold is 0.5), a defection costs more than a cooperation.
        for start in [0.25, 0.5, 0.8] {
            let gain = cooperate(start, p.cooperation_gain) - start;
            let loss = start - defect(start, p.betrayal_penalty);
            assert!(loss > gain, "at {start}: loss {loss} vs gain {gain}");
        }
        // At the tie threshold the default asymmetry is more than threefold.
        let t = p.tie_threshold;
        assert!((t - defect(t, p.betrayal_penalty)) > 3.0 * (cooperate(t, p.cooperation_gain) - t));
    }

    #[test]
    fn faint_ties_are_forgotten_and_budgets_keep_the_strongest() {
        let mut params = Params::default();
        params.trust.drop_below = 0.1;
        let mut w = tiny_world(5);
        w.tie_budgets[0] = 2;
        let weak = w.ties.add(0, 1, 0.05);
        let a = w.ties.add(0, 2, 0.6);
        let b = w.ties.add(0, 3, 0.7);
        let c = w.ties.add(0, 4, 0.3);
        decay_and_prune(&mut w, &params, &mut Scratch::default());
        assert!(!w.ties[weak as usize].alive);
        assert!(!w.ties[c as usize].alive, "weakest over budget dropped");
        assert!(w.ties[a as usize].alive && w.ties[b as usize].alive);
    }
}
