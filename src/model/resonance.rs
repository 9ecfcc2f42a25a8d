//! Step 2, resonance: joint work reveals practice alignment; misaligned ties weaken.
//!
//! Each tick each tie does joint work with probability joint_work_rate plus
//! coordinated_joint_work_rate times the coverage of the coordination the two share. Joint work
//! shows the true alignment of their hidden practice styles (1 - normalised distance) plus noise;
//! the perceived alignment is a running average of what was seen. It succeeds with the
//! knowledge-gap chance (`knowledge`) times 1 - alignment_weight x practice distance: partners
//! who work alike succeed more often. Either way the partners' practices converge (each closes
//! practice_learning of the difference). Work that shows misalignment costs trust; aligned work
//! that succeeds builds trust and creates knowledge value across the technical gap; aligned work
//! that fails leaves trust as it was. Cost: O(ties).

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::PARALLEL_MIN_LEN;
use super::coordination::shared_coverage;
use super::knowledge::{bridging_between, success_probability};
use crate::scenario::Params;
use crate::world::rng::{Purpose, Randomness};
use crate::world::{JointWork, Scratch};
use crate::world::{World, distance};

/// Joint work of one tick, in two halves. First every tie draws, from its own stream, whether
/// its partners work together this tick and the noise and luck of that work, across threads
/// (the draws read only coverage, which no joint work changes). Then the work happens tie by
/// tie in slot order, each reading the practices as the work before it left them.
pub fn joint_work(
    world: &mut World,
    params: &Params,
    randomness: &Randomness,
    scratch: &mut Scratch,
) {
    let r = &params.resonance;
    let streams = randomness.streams(world.tick, Purpose::JointWork);
    let slots = world.ties.slots();
    let mut chunks = std::mem::take(&mut scratch.joint_work);
    chunks.resize_with(slots.div_ceil(PARALLEL_MIN_LEN), Vec::new);
    let shared: &World = world;
    chunks.par_iter_mut().enumerate().for_each(|(i, chunk)| {
        chunk.clear();
        let first = i * PARALLEL_MIN_LEN;
        for id in first..(first + PARALLEL_MIN_LEN).min(slots) {
            let tie = &shared.ties[id];
            if !tie.alive {
                continue;
            }
            let (a, b) = (tie.a, tie.b);
            let mut rng = streams.at((u64::from(a.min(b)) << 32) | u64::from(a.max(b)));
            let coordinated = r.coordinated_joint_work_rate * shared_coverage(shared, a, b);
            let p = (r.joint_work_rate + coordinated).min(1.0);
            if !rng.random_bool(p) {
                continue;
            }
            chunk.push(JointWork {
                tie: id as u32,
                works_with: p,
                noise: StandardNormal.sample(&mut rng),
                luck: rng.random(),
            });
        }
    });
    for work in chunks.iter().flatten() {
        work_together(world, params, scratch, work);
    }
    scratch.joint_work = chunks;
}

/// One tie's joint work, with the draws made for it.
fn work_together(world: &mut World, params: &Params, scratch: &Scratch, work: &JointWork) {
    let r = &params.resonance;
    let (id, p) = (work.tie as usize, work.works_with);
    let (a, b) = (world.ties[id].a, world.ties[id].b);
    let apart = distance(world.practice_of(a), world.practice_of(b));
    let truth = 1.0 - apart;
    let observed = (truth + r.observation_noise * work.noise).clamp(0.0, 1.0);
    let gap = (world.tech_of(a) - world.tech_of(b)).abs();
    let success = success_probability(
        gap,
        bridging_between(world, scratch, a, b),
        params.knowledge.gap_penalty,
    ) * practice_success(apart, r.alignment_weight);
    // But for coordination, the pair would work together with the organic rate alone and
    // succeed without bridging: the rest of the expected knowledge is coordination's.
    let unaided = r.joint_work_rate.min(1.0)
        * success_probability(gap, 0.0, params.knowledge.gap_penalty)
        * practice_success(apart, r.alignment_weight);
    let coordination_share = if p * success > 0.0 {
        (1.0 - unaided / (p * success)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let succeeded = work.luck < success;
    converge_practice(world, a, b, r.practice_learning);
    world
        .ties
        .record_joint_work(id as u32, observed, r.learning_rate);
    if world.ties[id].alignment() < r.min_alignment {
        world.ties.defect(id as u32, r.misalignment_penalty);
    } else if succeeded {
        world
            .ties
            .cooperate(id as u32, params.trust.cooperation_gain);
        let value = params.knowledge.knowledge_value * gap;
        world.credit_shared_value(a, b, value, coordination_share);
    }
}

/// Share of joint work that practice distance `apart` leaves successful: 1 - weight x apart.
pub fn practice_success(apart: f64, alignment_weight: f64) -> f64 {
    (1.0 - alignment_weight * apart).clamp(0.0, 1.0)
}

/// Joint work aligns how the partners work: each closes `rate` of the difference to the other.
pub fn converge_practice(world: &mut World, a: u32, b: u32, rate: f64) {
    let p = world.practice_dims;
    let (a, b) = (a as usize * p, b as usize * p);
    for k in 0..p {
        let (xa, xb) = (world.practice[a + k], world.practice[b + k]);
        world.practice[a + k] = xa + rate * (xb - xa);
        world.practice[b + k] = xb + rate * (xa - xb);
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
        // Practices stay where they are, so the test sees the misalignment rule alone.
        params.resonance.practice_learning = 0.0;
        let mut w = tiny_world(2);
        w.practice[0..2].copy_from_slice(&[practice_a, practice_a]);
        w.practice[2..4].copy_from_slice(&[practice_b, practice_b]);
        let t = w.ties.add(0, 1, 0.5) as usize;
        let rng = Randomness::new(3);
        for _ in 0..20 {
            // Each tick has its own streams.
            w.tick += 1;
            joint_work(&mut w, &params, &rng, &mut Scratch::default());
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

    #[test]
    fn joint_work_converges_practice_and_aligned_work_succeeds_more() {
        let mut params = Params::default();
        params.resonance.joint_work_rate = 1.0;
        let mut w = tiny_world(2);
        w.practice[0..2].copy_from_slice(&[0.9, 0.9]);
        w.practice[2..4].copy_from_slice(&[0.1, 0.1]);
        w.ties.add(0, 1, 0.5);
        let before = distance(w.practice_of(0), w.practice_of(1));
        let rng = Randomness::new(4);
        joint_work(&mut w, &params, &rng, &mut Scratch::default());
        let after = distance(w.practice_of(0), w.practice_of(1));
        let expected = before * (1.0 - 2.0 * params.resonance.practice_learning);
        assert!((after - expected).abs() < 1e-12, "{before} -> {after}");
        // Success falls with practice distance, to nothing at weight 1 and full distance.
        assert_eq!(practice_success(0.0, 1.0), 1.0);
        assert!((practice_success(0.3, 1.0) - 0.7).abs() < 1e-12);
        assert_eq!(practice_success(0.3, 0.0), 1.0);
    }
}
