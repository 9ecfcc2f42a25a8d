//! The simulation: builds a world, advances it tick by tick through the schedule's phases,
//! records metrics and snapshots.
//!
//! `run_replicate` is the whole life of one replicate. It cannot fail: parameters were validated
//! when the scenario was loaded, and invariants (trust in [0,1], the ledger balancing) are
//! `debug_assert!`ed every tick.

pub mod init;
pub mod schedule;
pub mod stepper;

use crate::metrics::{self, NetworkRecord, Record};
use crate::scenario::Params;
use crate::world::{self as world, World};
pub use schedule::{effective_params, ledger_error, step, step_observed};
pub use stepper::Stepper;

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

/// One tick of the resource ledger (`ledger.csv`): what entered, left and moved during the
/// tick, and the stocks by holder at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub tick: u32,
    /// The tick's flows and moves, `held_at_start` included.
    pub ledger: world::Ledger,
    /// Sum of the communities' treasuries at the end of the tick.
    pub treasuries: f64,
    /// Sum of live networks' pools.
    pub pools: f64,
    /// Sum of live networks' coordination budgets and the open convener's budget.
    pub coordination_budgets: f64,
    pub retro_pot: f64,
    /// Holdings at the end of the tick (`World::holdings`).
    pub held_at_end: f64,
}

impl LedgerRow {
    /// The ledger of the tick `world` has just finished.
    pub fn of(world: &World) -> LedgerRow {
        let live = || world.networks.iter().filter(|n| n.alive);
        LedgerRow {
            tick: world.tick,
            ledger: world.ledger.clone(),
            treasuries: world.economy.treasury.iter().sum::<f64>() + 0.0, // + 0.0: an empty sum's -0 is 0
            pools: live().map(|n| n.pool).sum::<f64>() + 0.0,
            coordination_budgets: live().map(|n| n.coord.budget).sum::<f64>() + world.open.budget,
            retro_pot: world.retro_pot,
            held_at_end: world.holdings(),
        }
    }
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
    /// Every live network at the same snapshot ticks as `ties` (kept in memory for analyses
    /// such as pattern 2's comparison of networks of equal size; not written to files).
    pub networks: Vec<NetworkRecord>,
    /// First tick at which a network had at least half of its members at stage 7.
    pub first_full_stage_tick: Option<u32>,
    /// Largest absolute ledger imbalance seen over all ticks.
    pub max_ledger_error: f64,
    /// The resource ledger of ticks 1..=ticks (empty without snapshots, as in sweeps).
    pub ledger: Vec<LedgerRow>,
}

/// Where a replicate's rows go as it produces them: a run streams them to its files
/// (`output::ReplicateRows`), [`run_replicate_with`] collects them into a [`ReplicateOutput`].
pub trait Sink {
    /// The metric record of a tick, tick 0 first.
    fn record(&mut self, record: Record);
    /// The resource ledger of a tick that ran (ticks 1..=ticks; only with snapshots).
    fn ledger(&mut self, row: LedgerRow);
    /// A snapshot's communities, in community order.
    fn nodes(&mut self, nodes: &mut dyn Iterator<Item = NodeRow>);
    /// The same snapshot's trusted ties, sorted by (source, target).
    fn ties(&mut self, ties: &[TieRow]);
    /// The same snapshot's live networks.
    fn networks(&mut self, networks: &[NetworkRecord]);
}

/// What a replicate leaves besides its rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ending {
    /// First tick at which a network had at least half of its members at stage 7.
    pub first_full_stage_tick: Option<u32>,
    /// Largest absolute ledger imbalance seen over all ticks.
    pub max_ledger_error: f64,
}

/// Which ticks of a replicate get their whole metric record ([`metrics::record`]); the others
/// get [`metrics::record_flows`] (the tick and its flows, which a run's totals sum; NaN in
/// every other column). The last tick is always measured: the `final_*` measures read it.
/// The metrics are pure functions of the world, so a measured tick's record is the same bits
/// whichever other ticks are measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measured {
    /// Every `n`-th tick from tick 0, and the last; only the last when `n` is 0 (a sweep's
    /// `series_every`, the ticks its `timeseries.csv` keeps).
    Every(u32),
    /// These ticks and the last (the ticks a calibration's targets read).
    Ticks(Vec<u32>),
}

impl Measured {
    /// Every tick: runs, comparisons, the explorer.
    pub const EVERY_TICK: Measured = Measured::Every(1);

    /// Whether `tick` of a replicate whose last tick is `last` is measured.
    pub fn keeps(&self, tick: u32, last: u32) -> bool {
        tick == last
            || match self {
                Measured::Every(0) => false,
                Measured::Every(n) => tick.is_multiple_of(*n),
                Measured::Ticks(ticks) => ticks.contains(&tick),
            }
    }
}

/// Runs one replicate from tick 0 to `run.ticks`, with tie and node snapshots.
pub fn run_replicate(params: &Params, replicate: u32, seed: u64) -> ReplicateOutput {
    run_replicate_with(params, replicate, seed, true)
}

/// Runs one replicate, every tick measured; `snapshots` false skips the tie and node
/// snapshots (sweeps do not write them).
pub fn run_replicate_with(
    params: &Params,
    replicate: u32,
    seed: u64,
    snapshots: bool,
) -> ReplicateOutput {
    run_replicate_measured(params, replicate, seed, snapshots, &Measured::EVERY_TICK)
}

/// [`run_replicate_with`], measuring only the ticks `measured` keeps (a sweep's kept ticks, a
/// calibration's targets): the other records hold their tick and flows only.
pub fn run_replicate_measured(
    params: &Params,
    replicate: u32,
    seed: u64,
    snapshots: bool,
    measured: &Measured,
) -> ReplicateOutput {
    let mut out = ReplicateOutput {
        replicate,
        seed,
        records: Vec::with_capacity(params.run.ticks as usize + 1),
        ties: Vec::new(),
        nodes: Vec::new(),
        networks: Vec::new(),
        first_full_stage_tick: None,
        max_ledger_error: 0.0,
        ledger: Vec::with_capacity(if snapshots {
            params.run.ticks as usize
        } else {
            0
        }),
    };
    let end = run_replicate_into(params, seed, snapshots, measured, &mut out);
    out.first_full_stage_tick = end.first_full_stage_tick;
    out.max_ledger_error = end.max_ledger_error;
    out
}

impl Sink for ReplicateOutput {
    fn record(&mut self, record: Record) {
        self.records.push(record);
    }
    fn ledger(&mut self, row: LedgerRow) {
        self.ledger.push(row);
    }
    fn nodes(&mut self, nodes: &mut dyn Iterator<Item = NodeRow>) {
        self.nodes.extend(nodes);
    }
    fn ties(&mut self, ties: &[TieRow]) {
        self.ties.extend_from_slice(ties);
    }
    fn networks(&mut self, networks: &[NetworkRecord]) {
        self.networks.extend_from_slice(networks);
    }
}

/// Runs one replicate, handing its rows to `sink` as they are made: only one snapshot's ties
/// are held at a time, so a run's memory does not grow with its snapshots. The ticks that
/// `measured` does not keep get their flows only.
pub fn run_replicate_into(
    params: &Params,
    seed: u64,
    snapshots: bool,
    measured: &Measured,
    sink: &mut dyn Sink,
) -> Ending {
    let mut run = Stepper::new(params, seed);
    let ticks = run.params.run.ticks;
    let mut ties = Vec::new();
    let mut networks = Vec::new();
    let mut max_ledger_error: f64 = 0.0;
    sink.record(run.record_measured(measured));
    if snapshots {
        let Stepper {
            params,
            world,
            scratch,
            ..
        } = &mut run;
        snapshot(world, params, scratch, &mut ties, &mut networks, sink);
    }
    for _ in 0..ticks {
        run.step();
        max_ledger_error = max_ledger_error.max(ledger_error(&run.world));
        if snapshots {
            sink.ledger(LedgerRow::of(&run.world));
        }
        sink.record(run.record_measured(measured));
        let Stepper {
            params,
            world,
            scratch,
            ..
        } = &mut run;
        let every = params.output.ties_every;
        if snapshots && (world.tick == ticks || (every > 0 && world.tick.is_multiple_of(every))) {
            snapshot(world, params, scratch, &mut ties, &mut networks, sink);
        }
    }
    let world = &run.world;
    Ending {
        first_full_stage_tick: (world.first_full_stage_tick != u32::MAX)
            .then_some(world.first_full_stage_tick),
        max_ledger_error,
    }
}

/// One snapshot to `sink`: the communities, the trusted ties (through the reused `ties`
/// buffer), then the live networks (through `networks`).
fn snapshot(
    world: &World,
    params: &Params,
    scratch: &mut world::Scratch,
    ties: &mut Vec<TieRow>,
    networks: &mut Vec<NetworkRecord>,
    sink: &mut dyn Sink,
) {
    sink.nodes(&mut node_rows(world));
    ties.clear();
    snapshot_ties(world, params, ties);
    sink.ties(ties);
    networks.clear();
    metrics::network_records(world, params, scratch, networks);
    sink.networks(networks);
}

fn node_rows(world: &World) -> impl Iterator<Item = NodeRow> + '_ {
    world.communities.iter().enumerate().map(|(i, c)| NodeRow {
        tick: world.tick,
        community: i as u32,
        region: c.region,
        network: (world.network_of(i as u32) != world::NO_NETWORK)
            .then(|| world.networks[world.network_of(i as u32) as usize].label),
        members: f64::from(c.members),
        stage: world.stages[i],
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{COLUMNS, FLOW_COLUMNS};
    use crate::scenario::Scenario;

    fn bits(r: &Record) -> Vec<u64> {
        r.values().iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn ticks_not_measured_keep_their_flows_and_the_measured_ones_are_the_same_bits() {
        let mut params = Scenario::baseline().params;
        params.run.ticks = 30;
        let all = run_replicate_with(&params, 0, 17, false);
        assert_eq!(all.records.len(), 31);
        for measured in [
            Measured::Every(7),
            Measured::Every(0),
            Measured::Ticks(vec![3, 11, 29]),
        ] {
            let some = run_replicate_measured(&params, 0, 17, false, &measured);
            assert_eq!(some.records.len(), all.records.len());
            assert_eq!(some.first_full_stage_tick, all.first_full_stage_tick);
            let mut skipped = 0;
            for (tick, (s, a)) in some.records.iter().zip(&all.records).enumerate() {
                if measured.keeps(tick as u32, 30) {
                    assert_eq!(bits(s), bits(a), "{measured:?}, tick {tick}");
                    continue;
                }
                skipped += 1;
                for (c, (x, y)) in COLUMNS.iter().zip(s.values().iter().zip(a.values())) {
                    if *c == "tick" || FLOW_COLUMNS.contains(c) {
                        assert_eq!(x.to_bits(), y.to_bits(), "{measured:?}, tick {tick}, {c}");
                    } else {
                        assert!(x.is_nan(), "{measured:?}, tick {tick}, {c} = {x}");
                    }
                }
            }
            assert!(skipped >= 25, "{measured:?} skipped only {skipped} ticks");
            // What a sweep's runs.csv holds comes from the last record (always measured,
            // held equal above) and the flows of every tick (held equal above).
        }
    }

    #[test]
    fn the_last_tick_is_always_measured() {
        for m in [
            Measured::Every(0),
            Measured::Every(13),
            Measured::Ticks(vec![]),
        ] {
            assert!(m.keeps(104, 104) && !m.keeps(103, 104), "{m:?}");
        }
        assert!(Measured::Every(13).keeps(0, 104) && Measured::Every(13).keeps(26, 104));
        assert!((0..=104).all(|t| Measured::EVERY_TICK.keeps(t, 104)));
        assert!(Measured::Ticks(vec![5]).keeps(5, 104));
    }
}
