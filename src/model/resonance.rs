//! Step 2, resonance: joint work reveals practice alignment; misaligned ties weaken.
//!
//! Each tick each tie does joint work with probability joint_work_rate plus
//! coordinated_joint_work_rate times the coverage of the coordination the two share. Joint work
//! shows the true alignment of their hidden practice styles (1 - normalised distance) plus noise;
//! the perceived alignment is a running average of what was seen. Work that shows misalignment
//! costs trust; aligned work that succeeds across the knowledge gap builds trust and creates
//! knowledge value (less between co-members who both follow a central plan: see `autonomy`);
//! aligned work that fails leaves trust as it was. Cost: O(ties).

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use super::autonomy::innovation;
use super::coordination::shared_coverage;
use super::knowledge::{bridging_between, success_probability};
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::rng::ModelRng;
use crate::world::{World, distance};

pub fn joint_work(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &Scratch) {
    let r = &params.resonance;
    for id in 0..world.ties.slots() {
        if !world.ties[id].alive {
            continue;
        }
        let (a, b) = (world.ties[id].a, world.ties[id].b);
        let coordinated = r.coordinated_joint_work_rate * shared_coverage(world, a, b);
        let p = (r.joint_work_rate + coordinated).min(1.0);
        if !rng.random_bool(p) {
            continue;
        }
        let truth = 1.0 - distance(world.practice_of(a), world.practice_of(b));
        let noise: f64 = StandardNormal.sample(rng);
        let observed = (truth + r.observation_noise * noise).clamp(0.0, 1.0);
        let gap = (world.tech_of(a) - world.tech_of(b)).abs();
        let success = success_probability(
            gap,
            bridging_between(world, scratch, a, b),
            params.knowledge.gap_penalty,
        );
        // But for coordination, the pair would work together with the organic rate alone and
        // succeed without bridging: the rest of the expected knowledge is coordination's.
        let unaided = r.joint_work_rate.min(1.0)
            * success_probability(gap, 0.0, params.knowledge.gap_penalty);
        let coordination_share = if p * success > 0.0 {
            (1.0 - unaided / (p * success)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let succeeded = rng.random_bool(success);
        world
            .ties
            .record_joint_work(id as u32, observed, r.learning_rate);
        if world.ties[id].alignment() < r.min_alignment {
            world.ties.defect(id as u32, r.misalignment_penalty);
        } else if succeeded {
            world
                .ties
                .cooperate(id as u32, params.trust.cooperation_gain);
            let planned = if world.same_network(a, b) {
                innovation(
                    params.governance.centralization,
                    params.governance.central_innovation,
                )
            } else {
                1.0
            };
            let value = params.knowledge.knowledge_value * gap * planned;
            world.credit_shared_value(a, b, value, coordination_share);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    fn run(practice_a: f64, practice_b: f64) -> f64 {
        let mut params = Params::default();
        params.resonance.joint_work_rate = 1.0;
        params.resonance.observation_noise = 0.05;
        params.knowledge.gap_penalty = 0.0;
        let mut w = tiny_world(2);
        w.practice[0..2].copy_from_slice(&[practice_a, practice_a]);
        w.practice[2..4].copy_from_slice(&[practice_b, practice_b]);
        let t = w.ties.add(0, 1, 0.5) as usize;
        let mut rng = crate::world::rng::replicate_rng(3);
        for _ in 0..20 {
            joint_work(&mut w, &params, &mut rng, &Scratch::default());
        }
        w.ties[t].trust()
    }

    #[test]
    fn aligned_practice_builds_trust_misaligned_erodes_it() {
        assert!(
            run(0.5, 0.55) > 0.8,
            "aligned partners come to trust each other"
        );
        assert!(run(0.9, 0.1) < 0.2, "misaligned partners lose trust");
    }
}
