//! The engine: builds a world, advances it tick by tick through the mechanisms, records metrics.
//!
//! `run_replicate` is the whole life of one replicate. It cannot fail: parameters were validated
//! when the scenario was loaded, and invariants (trust in [0,1], the ledger balancing) are
//! `debug_assert!`ed every tick.

pub mod init;

use crate::metrics::{self, Record};
use crate::model::{
    autonomy, collective_action, coordination, economy, funding, gatherings, identity,
    interdependence, kinship, knowledge, mutual_support, pattern_library, pooling, resonance,
    stages, trust,
};
use crate::scenario::Params;
use crate::world::rng::{self, ModelRng};
use crate::world::{self as world, Scratch, World};

/// One tie in a `ties.csv` snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct TieRow {
    pub tick: u32,
    pub source: u32,
    pub target: u32,
    pub trust: f64,
}

/// One community in a `nodes.csv` snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRow {
    pub tick: u32,
    pub community: u32,
    pub region: u32,
    /// The network's label (its name), if the community is in one.
    pub network: Option<u32>,
    pub members: f64,
    pub stage: u8,
}

/// Everything one replicate produces.
#[derive(Debug, Clone)]
pub struct ReplicateOutput {
    pub replicate: u32,
    pub seed: u64,
    /// One record per tick, tick 0 first.
    pub records: Vec<Record>,
    pub ties: Vec<TieRow>,
    /// Every community at the same snapshot ticks as `ties`.
    pub nodes: Vec<NodeRow>,
    /// First tick at which a network had at least half of its members at stage 7.
    pub first_full_stage_tick: Option<u32>,
    /// Largest absolute ledger imbalance seen over all ticks.
    pub max_ledger_error: f64,
}

/// Runs one replicate from tick 0 to `run.ticks`, with tie and node snapshots.
pub fn run_replicate(params: &Params, replicate: u32, seed: u64) -> ReplicateOutput {
    run_replicate_with(params, replicate, seed, true)
}

/// Runs one replicate; `snapshots` false skips the tie and node snapshots (sweeps do not write them).
pub fn run_replicate_with(
    params: &Params,
    replicate: u32,
    seed: u64,
    snapshots: bool,
) -> ReplicateOutput {
    let mut rng = rng::replicate_rng(seed);
    let mut world = init::build_world(params, &mut rng);
    let mut scratch = Scratch::default();
    let ticks = params.run.ticks;
    let mut records = Vec::with_capacity(ticks as usize + 1);
    let mut ties = Vec::new();
    let mut nodes = Vec::new();
    let mut max_ledger_error: f64 = 0.0;
    records.push(metrics::record(&world, params, &mut scratch));
    if snapshots {
        snapshot(&world, params, &mut ties, &mut nodes);
    }
    for _ in 0..ticks {
        step(&mut world, params, &mut rng, &mut scratch);
        max_ledger_error = max_ledger_error.max(ledger_error(&world));
        records.push(metrics::record(&world, params, &mut scratch));
        let every = params.output.ties_every;
        if snapshots && (world.tick == ticks || (every > 0 && world.tick.is_multiple_of(every))) {
            snapshot(&world, params, &mut ties, &mut nodes);
        }
    }
    ReplicateOutput {
        replicate,
        seed,
        records,
        ties,
        nodes,
        first_full_stage_tick: (world.first_full_stage_tick != u32::MAX)
            .then_some(world.first_full_stage_tick),
        max_ledger_error,
    }
}

/// Advances the world by one tick. The order is the schedule documented in docs/model.md.
pub fn step(world: &mut World, params: &Params, rng: &mut ModelRng, scratch: &mut Scratch) {
    let m = &params.mechanisms;
    begin_tick(world);
    funding::review_and_disburse(world, params);
    economy::produce(world);
    coordination::update(world, params);
    knowledge::allocate_bridging(world, params, scratch);
    if m.kinship {
        kinship::encounters(world, params, rng, scratch);
    }
    gatherings::hold(world, params, rng, scratch);
    if m.resonance {
        resonance::joint_work(world, params, rng, scratch);
    }
    if m.mutual_support {
        mutual_support::shocks_and_aid(world, params, rng, scratch);
    }
    if m.identity && world.tick.is_multiple_of(params.identity.check_every) {
        identity::update(world, params, rng, scratch);
    }
    world.refresh_networks();
    if m.pooling {
        pooling::contribute_and_allocate(world, params, scratch);
    }
    if m.collective_action {
        collective_action::run_projects(world, params, rng, scratch);
    }
    pattern_library::learn_and_replicate(world, params, rng, scratch);
    autonomy::adapt(world, params, rng);
    interdependence::update(world, params);
    trust::decay_and_prune(world, params, scratch);
    economy::recover_and_spend(world, params);
    funding::attribute_value(world);
    stages::update(world, params, scratch);
    world.refresh_networks();
    world.cumulative_gap += world.flows.coordination_value - world.flows.coordination_funding;
    debug_assert!(
        ledger_error(world) < 1e-6 * (1.0 + world.ledger.held_at_start.abs()),
        "ledger out of balance"
    );
}

fn begin_tick(world: &mut World) {
    world.tick += 1;
    world.ties.compact();
    world.flows = Default::default();
    // Production overwrites `own_tick` for every community before anything reads it; the
    // inflows are added to, so they start at zero.
    world.economy.inflow_tick.fill(0.0);
    let treasuries: f64 = world.economy.treasury.iter().sum();
    world.ledger = world::Ledger {
        held_at_start: world.holdings_with(treasuries),
        ..Default::default()
    };
    debug_assert_eq!(world.ledger.held_at_start, world.holdings());
    for n in world.networks.iter_mut().filter(|n| n.alive) {
        n.value_tick = 0.0;
    }
}

/// |holdings now - (holdings at start + inflow - outflow)| for the current tick.
pub fn ledger_error(world: &World) -> f64 {
    let l = &world.ledger;
    (world.holdings() - (l.held_at_start + l.inflow() - l.outflow())).abs()
}

fn snapshot(world: &World, params: &Params, ties: &mut Vec<TieRow>, nodes: &mut Vec<NodeRow>) {
    nodes.extend(world.communities.iter().enumerate().map(|(i, c)| {
        NodeRow {
            tick: world.tick,
            community: i as u32,
            region: c.region,
            network: (world.network_of(i as u32) != world::NO_NETWORK)
                .then(|| world.networks[world.network_of(i as u32) as usize].label),
            members: f64::from(c.members),
            stage: world.stages[i],
        }
    }));
    snapshot_ties(world, params, ties);
}

fn snapshot_ties(world: &World, params: &Params, out: &mut Vec<TieRow>) {
    let start = out.len();
    out.extend(
        world
            .ties
            .live()
            .filter(|t| t.trust() >= params.trust.tie_threshold)
            .map(|t| TieRow {
                tick: world.tick,
                source: t.a.min(t.b),
                target: t.a.max(t.b),
                trust: t.trust(),
            }),
    );
    out[start..].sort_unstable_by_key(|r| (r.source, r.target));
}
