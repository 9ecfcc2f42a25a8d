//! Step 6, collective action: projects bigger than any member, with superadditive value.
//!
//! Each tick a network starts a project with probability project_rate x coverage (what deciding
//! together costs is part of the coverage: see `scale`). A team of up to `team_size` members
//! (drawn at random) needs `project_size` times its largest member's production, paid from the
//! pool (a partly funded project scales down its chance). The chance of success is
//!   base_success x funded share x mean trust in the team x knowledge factor x coherence factor,
//! where mean trust is over the ties the team's members have with each other (coverage already
//! decided whether the project started), the knowledge factor is the gap penalty on the team's
//! technical spread (less with bridging) and the coherence factor is
//! 1 - coherence_weight x the network's value spread.
//! Success returns resources x return_multiple x (team / 2)^(superadditivity - 1) to the team in
//! equal shares; the surplus over the resources is coordination value. Success builds trust and
//! shared infrastructure on the team's ties (creating ties between members who had none) and
//! adds to the pattern library; failure costs the team `failure_penalty` of their trust.

use rand::RngExt;

use super::knowledge::success_probability;
use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::World;
use crate::world::rng::ModelRng;

pub fn run_projects(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    for n in 0..world.networks.len() {
        let net = &world.networks[n];
        if !net.alive || net.members.len() < 2 || net.pool <= 0.0 {
            continue;
        }
        if rng.random_bool((params.collective_action.project_rate * net.coord.coverage).min(1.0)) {
            project(world, params, n, rng, scratch);
        }
    }
}

fn project(
    world: &mut World,
    params: &Params,
    n: usize,
    rng: &mut ModelRng,
    scratch: &mut Scratch,
) {
    let ca = &params.collective_action;
    // Draw the team: a partial Fisher-Yates shuffle of the members.
    scratch.ids.clear();
    scratch.ids.extend_from_slice(&world.networks[n].members);
    let team_size = (ca.team_size as usize).min(scratch.ids.len());
    for i in 0..team_size {
        let j = rng.random_range(i..scratch.ids.len());
        scratch.ids.swap(i, j);
    }
    scratch.ids.truncate(team_size);
    let team = &scratch.ids;
    let largest = team
        .iter()
        .map(|&m| world.economy.own_tick[m as usize])
        .fold(0.0, f64::max);
    let needed = ca.project_size * largest;
    if needed <= 0.0 {
        return;
    }
    let spent = needed.min(world.networks[n].pool);
    let funded = spent / needed;
    world.networks[n].pool -= spent;
    world.ledger.project_spending_out += spent;
    world.flows.projects_started += 1;

    let (mut trust_sum, mut pairs) = (0.0, 0u32);
    let (mut tech_lo, mut tech_hi) = (f64::MAX, f64::MIN);
    for (i, &a) in team.iter().enumerate() {
        let tech = world.tech_of(a);
        tech_lo = tech_lo.min(tech);
        tech_hi = tech_hi.max(tech);
        for &b in &team[i + 1..] {
            if let Some(t) = world.ties.find(a, b) {
                trust_sum += world.ties[t as usize].trust();
                pairs += 1;
            }
        }
    }
    // The team works through the relationships it has; a team with none has no trust to use.
    let mean_trust = if pairs == 0 {
        0.0
    } else {
        trust_sum / pairs as f64
    };
    let bridging = scratch.bridge_coverage.get(n).copied().unwrap_or(0.0);
    let knowledge = success_probability(tech_hi - tech_lo, bridging, params.knowledge.gap_penalty);
    let net = &world.networks[n];
    let coherence = (1.0 - params.governance.coherence_weight * net.value_spread).clamp(0.0, 1.0);
    let p = (ca.base_success * funded * mean_trust * knowledge * coherence).clamp(0.0, 1.0);
    let succeeded = rng.random_bool(p);

    let gain = params.trust.cooperation_gain;
    if succeeded {
        world.flows.projects_succeeded += 1;
        let value =
            spent * ca.return_multiple * (team.len() as f64 / 2.0).powf(ca.superadditivity - 1.0);
        let share = value / team.len() as f64;
        for &m in team.iter() {
            world.economy.treasury[m as usize] += share;
            world.economy.inflow_tick[m as usize] += share;
            let c = &mut world.communities[m as usize];
            c.projects_succeeded = c.projects_succeeded.saturating_add(1);
        }
        world.ledger.project_returns_in += value;
        let surplus = (value - spent).max(0.0);
        world.credit_network_value(n, surplus);
        world.networks[n].library += params.pattern_library.documentation_gain;
    }
    let stake_gain = params.interdependence.infrastructure_gain;
    let initial = params.kinship.initial_trust;
    for i in 0..team.len() {
        for j in i + 1..team.len() {
            let (a, b) = (scratch.ids[i], scratch.ids[j]);
            let t = match world.ties.find(a, b) {
                Some(t) => t,
                None if succeeded => world.ties.add_facilitated(a, b, initial),
                None => continue,
            };
            if succeeded {
                world.ties.cooperate(t, gain);
                world.ties.add_stake(t, stake_gain);
            } else {
                world.ties.defect(t, ca.failure_penalty);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn a_coordinated_trusting_team_succeeds_and_builds_infrastructure() {
        let mut params = Params::default();
        params.collective_action.project_rate = 1.0;
        params.collective_action.base_success = 1.0;
        params.knowledge.gap_penalty = 0.0;
        let mut w = tiny_world(3);
        w.economy.own_tick.fill(1.0);
        w.ties.add(0, 1, 1.0);
        w.ties.add(1, 2, 1.0);
        w.ties.add(0, 2, 1.0);
        let n = w.found_network(&[0, 1, 2], true) as usize;
        w.networks[n].pool = 100.0;
        w.networks[n].coord.coverage = 1.0;
        let mut rng = crate::world::rng::replicate_rng(1);
        run_projects(&mut w, &params, &mut rng, &mut Scratch::default());
        assert_eq!(w.flows.projects_succeeded, 1);
        let spent = params.collective_action.project_size;
        let value = spent
            * params.collective_action.return_multiple
            * 1.5f64.powf(params.collective_action.superadditivity - 1.0);
        assert!((w.ledger.project_returns_in - value).abs() < 1e-9);
        assert!(w.flows.coordination_value > 0.0, "superadditive surplus");
        assert!(w.ties.live().all(|t| t.stake > 0.0));
        assert_eq!(
            w.networks[n].library,
            params.pattern_library.documentation_gain
        );
    }

    #[test]
    fn without_coverage_no_project_starts() {
        let params = Params::default();
        let mut w = tiny_world(3);
        let n = w.found_network(&[0, 1, 2], true) as usize;
        w.networks[n].pool = 100.0;
        w.networks[n].coord.coverage = 0.0;
        let mut rng = crate::world::rng::replicate_rng(1);
        for _ in 0..100 {
            run_projects(&mut w, &params, &mut rng, &mut Scratch::default());
        }
        assert_eq!(w.flows.projects_started, 0);
    }
}
