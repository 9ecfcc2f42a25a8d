//! Formation stages: each community's progress through the seven steps.
//!
//! A community is at stage k when the indicators of steps 1..=k all hold:
//! 1 kinship: a tie at or above the tie threshold;
//! 2 resonance: `resonant_ties` such ties whose joint work showed alignment >= min_alignment;
//! 3 mutual support: aid given or received of at least `aid_threshold`;
//! 4 collective identity: membership of a network;
//! 5 pooling: has contributed at least `pool_threshold` to pools (all time);
//! 6 collective action: took part in a successful project;
//! 7 interdependence: shared-infrastructure stake of at least `stake_threshold`.
//! Stages can fall back when ties decay or a community exits. A network has reached the last
//! stage when at least `full_share` of its members are at stage 7; the first tick any network
//! does so is recorded (the formation time the seed puts at 6-18 months).

use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::{NO_NETWORK, World};

pub fn update(world: &mut World, params: &Params, scratch: &mut Scratch) {
    let threshold = params.trust.tie_threshold;
    let st = &params.stages;
    let min_alignment = params.resonance.min_alignment;
    // Trusted and resonant ties per community, counted in one pass over the ties in memory
    // order rather than by following each community's ties (half of which lie elsewhere).
    let counts = &mut scratch.tie_counts;
    counts.clear();
    counts.resize(world.communities.len(), [0, 0]);
    for tie in world.ties.live() {
        if tie.trust() >= threshold {
            let resonant = u32::from(tie.joint_work > 0 && tie.alignment() >= min_alignment);
            for end in [tie.a, tie.b] {
                let count = &mut counts[end as usize];
                count[0] += 1;
                count[1] += resonant;
            }
        }
    }
    for (c, &[trusted, resonant]) in counts.iter().enumerate() {
        let com = &world.communities[c];
        let passed = [
            trusted > 0,
            resonant >= st.resonant_ties,
            f64::from(com.aid_exchanged) >= st.aid_threshold,
            world.network_of(c as u32) != NO_NETWORK,
            f64::from(com.contributed) >= st.pool_threshold && com.contributed > 0.0,
            com.projects_succeeded > 0,
            world.stake_of(c as u32) >= st.stake_threshold,
        ];
        let stage = passed.iter().take_while(|&&p| p).count() as u8;
        world.stages[c] = stage;
    }
    if world.first_full_stage_tick == u32::MAX {
        let formed = world
            .networks
            .iter()
            .filter(|n| n.alive && !n.members.is_empty())
            .any(|n| {
                let full = n
                    .members
                    .iter()
                    .filter(|&&m| world.stages[m as usize] == 7)
                    .count();
                full as f64 >= st.full_share * n.members.len() as f64
            });
        if formed {
            world.first_full_stage_tick = world.tick;
        }
    }
}
