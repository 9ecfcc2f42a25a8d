//! The tick schedule as a table of phases: what runs, in which order, and under which switch.
//!
//! The scheduler decides what runs (as in Agents.jl and krABMaga): a phase whose mechanism is
//! switched off in `[mechanisms]` is skipped here, and no mechanism reads `[mechanisms]`
//! itself. Where a switched-off step also has effects inside other steps (shared
//! infrastructure cushions shocks and raises the cost of exit; gatherings introduce attendees
//! through kinship's encounters; identity names the networks a scenario assigns at tick 0),
//! [`effective_params`] neutralises the parameters that carry those effects, once per
//! replicate, so the other mechanisms need not know the switch. The order is the schedule in
//! docs/model.md, Section 3.

use crate::model::{
    autonomy, collective_action, coordination, economy, funding, gatherings, identity,
    interdependence, kinship, knowledge, mutual_support, pattern_library, pooling, resonance,
    stages, trust,
};
use crate::scenario::Params;
use crate::scenario::params::MechanismParams;
use crate::world::rng::Randomness;
use crate::world::{Ledger, Scratch, World};

/// What a phase does to the world.
type Run = fn(&mut World, &Params, &mut Randomness, &mut Scratch);

/// One step of the tick.
pub struct Phase {
    /// What the phase is called in docs/model.md's schedule.
    pub name: &'static str,
    /// The `[mechanisms]` switch that turns the phase off, if any.
    pub switch: Option<fn(&MechanismParams) -> bool>,
    /// Whether the phase runs this tick at all (a cadence), given that its switch is on.
    pub due: fn(&World, &Params) -> bool,
    pub run: Run,
}

fn every_tick(_: &World, _: &Params) -> bool {
    true
}

/// The phases of one tick, in order.
pub const SCHEDULE: &[Phase] = &[
    Phase {
        name: "begin tick",
        switch: None,
        due: every_tick,
        run: |w, _, _, _| begin_tick(w),
    },
    Phase {
        name: "funding: review grants and disburse",
        switch: None,
        due: every_tick,
        run: |w, p, r, _| funding::review_and_disburse(w, p, &mut r.sequential),
    },
    Phase {
        name: "economy: production",
        switch: None,
        due: every_tick,
        run: |w, _, _, _| economy::produce(w),
    },
    Phase {
        name: "coordination: capacity",
        switch: None,
        due: every_tick,
        run: |w, p, _, _| coordination::update(w, p),
    },
    Phase {
        name: "knowledge: bridging",
        switch: None,
        due: every_tick,
        run: |w, p, _, s| knowledge::allocate_bridging(w, p, s),
    },
    Phase {
        name: "1 kinship: encounters",
        switch: Some(|m| m.kinship),
        due: every_tick,
        run: kinship::encounters,
    },
    Phase {
        name: "gatherings",
        switch: None,
        due: |w, p| {
            let every = p.gatherings.every_ticks;
            every > 0 && w.tick.is_multiple_of(every)
        },
        run: |w, p, r, s| gatherings::hold(w, p, &mut r.sequential, s),
    },
    Phase {
        name: "2 resonance: joint work",
        switch: Some(|m| m.resonance),
        due: every_tick,
        run: |w, p, r, s| resonance::joint_work(w, p, r, s),
    },
    Phase {
        name: "3 mutual support: shocks and aid",
        switch: Some(|m| m.mutual_support),
        due: every_tick,
        run: mutual_support::shocks_and_aid,
    },
    Phase {
        name: "4 identity: name, absorb, merge, split, exit",
        switch: Some(|m| m.identity),
        due: |w, p| w.tick.is_multiple_of(p.identity.check_every),
        run: |w, p, r, s| identity::update(w, p, &mut r.sequential, s),
    },
    Phase {
        name: "refresh networks",
        switch: None,
        due: every_tick,
        run: |w, _, _, _| w.refresh_networks(),
    },
    Phase {
        name: "5 pooling: contribute and allocate",
        switch: Some(|m| m.pooling),
        due: every_tick,
        run: |w, p, _, s| pooling::contribute_and_allocate(w, p, s),
    },
    Phase {
        name: "6 collective action: projects",
        switch: Some(|m| m.collective_action),
        due: every_tick,
        run: |w, p, r, s| collective_action::run_projects(w, p, &mut r.sequential, s),
    },
    Phase {
        name: "pattern library: learn and replicate",
        switch: None,
        due: every_tick,
        run: |w, p, r, s| pattern_library::learn_and_replicate(w, p, &mut r.sequential, s),
    },
    Phase {
        name: "autonomy: adaptation and central pull",
        switch: None,
        due: every_tick,
        run: |w, p, r, _| autonomy::adapt(w, p, r),
    },
    Phase {
        name: "7 interdependence: stakes and averages",
        switch: None,
        due: every_tick,
        run: |w, p, _, _| interdependence::update(w, p),
    },
    Phase {
        name: "trust: decay and prune",
        switch: None,
        due: every_tick,
        run: |w, p, _, s| trust::decay_and_prune(w, p, s),
    },
    Phase {
        name: "economy: recovery and spending",
        switch: None,
        due: every_tick,
        run: |w, p, _, _| economy::recover_and_spend(w, p),
    },
    Phase {
        name: "funding: attribute value",
        switch: None,
        due: every_tick,
        run: |w, _, _, _| funding::attribute_value(w),
    },
    Phase {
        name: "stages",
        switch: None,
        due: every_tick,
        run: |w, p, _, s| stages::update(w, p, s),
    },
    Phase {
        name: "end tick",
        switch: None,
        due: every_tick,
        run: |w, _, _, _| end_tick(w),
    },
];

/// Advances the world by one tick: every phase of [`SCHEDULE`] whose switch is on and which
/// is due, in order. `params` are the [`effective_params`] of the scenario.
pub fn step(world: &mut World, params: &Params, rng: &mut Randomness, scratch: &mut Scratch) {
    step_observed(world, params, rng, scratch, None);
}

/// [`step`], calling `observe(index in SCHEDULE, duration)` after each phase that ran: how the
/// `phases` bench reads where a tick's time goes without a second copy of the loop.
pub fn step_observed(
    world: &mut World,
    params: &Params,
    rng: &mut Randomness,
    scratch: &mut Scratch,
    mut observe: Option<&mut dyn FnMut(usize, std::time::Duration)>,
) {
    for (index, phase) in SCHEDULE.iter().enumerate() {
        let on = phase.switch.is_none_or(|on| on(&params.mechanisms));
        if on && (phase.due)(world, params) {
            // The clock is read only when someone listens: a plain step pays nothing for it.
            let started = observe.as_ref().map(|_| std::time::Instant::now());
            (phase.run)(world, params, rng, scratch);
            if let (Some(observe), Some(started)) = (observe.as_mut(), started) {
                observe(index, started.elapsed());
            }
        }
    }
    debug_assert!(
        ledger_error(world) < 1e-6 * (1.0 + world.ledger.held_at_start.abs()),
        "ledger out of balance"
    );
}

/// The scenario's parameters with the cross-step effects of switched-off steps neutralised:
/// without step 7 no shared infrastructure is built (so none cushions shocks or holds members
/// back from exit), without step 1 attendees of a gathering do not meet, and without step 4 no
/// network is assigned at tick 0.
pub fn effective_params(params: &Params) -> Params {
    let mut p = params.clone();
    let m = &params.mechanisms;
    if !m.interdependence {
        p.interdependence.infrastructure_gain = 0.0;
    }
    if !m.kinship {
        p.gatherings.encounters_per_attendee = 0;
    }
    if !m.identity {
        p.identity.assigned_networks = 0;
    }
    p
}

fn begin_tick(world: &mut World) {
    world.tick += 1;
    world.ties.compact();
    world.flows = Default::default();
    // Production overwrites `own_tick` for every community before anything reads it; the
    // inflows are added to, so they start at zero.
    world.economy.inflow_tick.fill(0.0);
    let treasuries: f64 = world.economy.treasury.iter().sum();
    world.ledger = Ledger {
        held_at_start: world.holdings_with(treasuries),
        ..Default::default()
    };
    debug_assert_eq!(world.ledger.held_at_start, world.holdings());
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        n.value_tick = 0.0;
    }
}

fn end_tick(world: &mut World) {
    world.refresh_networks();
    world.cumulative_gap += world.flows.coordination_value - world.flows.coordination_funding;
}

/// |holdings now - (holdings at start + inflow - outflow)| for the current tick.
pub fn ledger_error(world: &World) -> f64 {
    let l = &world.ledger;
    (world.holdings() - (l.held_at_start + l.inflow() - l.outflow())).abs()
}
