//! Formation stages: each community's progress through the seven steps.
//!
//! A community is at stage k when the indicators of steps 1..=k all hold:
//! 1 kinship: a tie at or above the tie threshold;
//! 2 resonance: `resonant_ties` such ties whose joint work showed alignment >= min_alignment;
//! 3 mutual support: aid given or received of at least `aid_threshold`;
//! 4 collective identity: membership of a network;
//! 5 pooling: has contributed to a pool;
//! 6 collective action: took part in a successful project;
//! 7 interdependence: shared-infrastructure stake of at least `stake_threshold`.
//! Stages can fall back when ties decay or a community exits. The first tick any community
//! reaches stage 7 is recorded.

use crate::engine::world::{NO_NETWORK, World};
use crate::scenario::Params;

pub fn update(world: &mut World, params: &Params) {
    let threshold = params.trust.tie_threshold;
    let st = &params.stages;
    let min_alignment = params.resonance.min_alignment;
    for c in 0..world.communities.len() {
        let (mut trusted, mut resonant) = (0u32, 0u32);
        for &t in &world.adjacency[c] {
            let tie = &world.ties[t as usize];
            if tie.trust >= threshold {
                trusted += 1;
                if tie.joint_work > 0 && tie.alignment >= min_alignment {
                    resonant += 1;
                }
            }
        }
        let com = &world.communities[c];
        let passed = [
            trusted > 0,
            resonant >= st.resonant_ties,
            com.aid_exchanged >= st.aid_threshold,
            com.network != NO_NETWORK,
            com.contributed > 0.0,
            com.projects_succeeded > 0,
            com.stake >= st.stake_threshold,
        ];
        let stage = passed.iter().take_while(|&&p| p).count() as u8;
        let com = &mut world.communities[c];
        com.stage = stage;
        if stage == 7 && com.reached_full_stage == u32::MAX {
            com.reached_full_stage = world.tick;
            world.first_full_stage_tick = world.first_full_stage_tick.min(world.tick);
        }
    }
}
