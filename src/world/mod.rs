//! The world's state: communities, ties, networks and coordination units, laid out for the cache.
//!
//! Communities live in one `Vec` of plain 36-byte structs indexed by `u32`; the fields the
//! per-tick passes stream through for every community (treasury, need, production, fit, this
//! tick's flows, stage, tie budget) live in one array each ([`Economies`], `stages`,
//! `tie_budgets`), so a pass reads only the bytes it uses; their value and practice vectors
//! live in flat arrays (`K` floats per community), and their network, technical level and
//! stake in arrays of their own (4 bytes per community each), because they are read or
//! written for both ends of ties at random. Ties (32 bytes)
//! are stored once each in a slab with a packed adjacency: one array of tie ids, a span per
//! community. At the start of every tick [`World::compact_ties`] drops removed ties, orders the
//! rest by lower endpoint and repacks the adjacency in O(communities + ties), so a community's
//! ties sit together and, regions being contiguous blocks of indices, near its neighbours'.
//! The cost of a tick is linear in communities plus ties; the layout keeps the memory it
//! touches small (about 300 bytes per community, was about 500) because at 100,000
//! communities the world no longer fits in the last-level cache. Nothing here does I/O.

pub mod components;
pub mod rng;
pub mod scratch;
pub mod sort;
#[cfg(test)]
pub(crate) mod testing;

pub use components::Components;
pub use scratch::Scratch;
pub use sort::SortBuffer;

use crate::scenario::Params;

/// Marks "no network" in [`Community::network`].
pub const NO_NETWORK: u32 = u32::MAX;

/// One community: an agent, less what the per-tick passes stream through.
///
/// 36 bytes (it was 144, then 88): the fields every tick reads or writes for all communities
/// in turn (treasury, need, production, fit, this tick's flows and their averages, stage, tie
/// budget) live in arrays of their own ([`World::economy`], [`World::stages`],
/// [`World::tie_budgets`]), so a pass that needs three of them does not drag the whole record
/// through the cache; the fields read for both ends of ties (network, technical level, stake)
/// live in `World` arrays too. What is left is read per community at random or by few passes.
/// Shares in [0, 1], people and the all-time records are `f32` (arithmetic on them is done in
/// `f64`), counts are small integers.
#[derive(Debug, Clone)]
pub struct Community {
    /// People in the community (drives the Dunbar budget and network scale).
    pub members: f32,
    /// Volunteer energy of its people in [0, 1]: burns out in unpaid coordination.
    pub energy: f32,
    /// Contribution last tick as a share of production (for conditional cooperation).
    pub last_contribution_rate: f32,
    /// Aid given plus received, all time.
    pub aid_exchanged: f32,
    /// Contributed to a pool, all time.
    pub contributed: f32,
    pub region: u32,
    /// Index of the last gathering it attended, and the track fit it had there.
    pub last_gathering: u32,
    /// Successful projects it took part in (saturates; only whether there was one is read).
    pub projects_succeeded: u16,
    pub specialist: bool,
    pub free_rider: bool,
    pub last_track_matched: bool,
}

impl Community {
    /// A community as it enters the world: full energy, no history.
    pub fn new(members: f32, region: u32, specialist: bool, free_rider: bool) -> Self {
        Community {
            members,
            region,
            energy: 1.0,
            specialist,
            free_rider,
            aid_exchanged: 0.0,
            contributed: 0.0,
            last_contribution_rate: 0.0,
            projects_succeeded: 0,
            last_gathering: u32::MAX,
            last_track_matched: true,
        }
    }
}

/// What a new community starts with in the arrays kept apart from [`Community`]; the rest of
/// those arrays starts at zero (fit at 1, a perfect fit to its context).
#[derive(Debug, Clone, Copy)]
pub struct Endowment {
    /// Production at perfect local fit, resources per tick.
    pub base_production: f64,
    pub treasury: f64,
    /// Starting moving average of own production.
    pub own_avg: f32,
    /// Most ties it can maintain (Dunbar layers).
    pub tie_budget: u16,
    /// Technical level in [0, 1], fixed at birth.
    pub tech: f32,
}

/// Every community's economy, one array per field (indexed by community).
///
/// A struct of arrays because most per-tick passes over all communities read or write two to
/// four of these and nothing else: at 100,000 communities the world does not fit in the
/// last-level cache, and each pass streams only the bytes it uses (a few per community instead
/// of a whole record). Money and this tick's flows are `f64`; fit and the moving averages `f32`
/// (arithmetic on them is done in `f64`).
#[derive(Debug, Clone, Default)]
pub struct Economies {
    /// Production at perfect local fit, resources per tick.
    pub base_production: Vec<f64>,
    pub treasury: Vec<f64>,
    /// Unmet need from shocks.
    pub need: Vec<f64>,
    /// Inflows this tick: aid, pool allocations, project returns.
    pub inflow_tick: Vec<f64>,
    /// Production this tick.
    pub own_tick: Vec<f64>,
    /// Fit of its practice to its local context in [0, 1]; production = base * fit.
    pub fit: Vec<f32>,
    /// Moving averages of inflows and own production (the interdependence metric).
    pub inflow_avg: Vec<f32>,
    pub own_avg: Vec<f32>,
}

impl Economies {
    fn reserve(&mut self, additional: usize) {
        self.base_production.reserve(additional);
        self.treasury.reserve(additional);
        self.need.reserve(additional);
        self.inflow_tick.reserve(additional);
        self.own_tick.reserve(additional);
        self.fit.reserve(additional);
        self.inflow_avg.reserve(additional);
        self.own_avg.reserve(additional);
    }

    fn push(&mut self, e: &Endowment) {
        self.base_production.push(e.base_production);
        self.treasury.push(e.treasury);
        self.need.push(0.0);
        self.inflow_tick.push(0.0);
        self.own_tick.push(0.0);
        self.fit.push(1.0);
        self.inflow_avg.push(0.0);
        self.own_avg.push(e.own_avg);
    }
}

/// A relationship between two communities that met. Stored once, in `World::ties`.
///
/// 32 bytes, two per cache line: the tie passes and the lookups from a community to its ties
/// are memory-bound, so the fields are `f32` (read through the `f64` accessors; arithmetic is
/// `f64`). None of them is money held: the resource ledger books aid and stake in `f64`
/// elsewhere; `aid_ab`/`aid_ba` only weigh reciprocity.
#[derive(Debug, Clone, Copy)]
pub struct Tie {
    pub a: u32,
    pub b: u32,
    pub trust: f32,
    /// Perceived practice alignment in [0, 1], learned from joint work.
    pub alignment: f32,
    /// Aid given from `a` to `b` and from `b` to `a`: the reciprocity record.
    pub aid_ab: f32,
    pub aid_ba: f32,
    /// Shared-infrastructure stake.
    pub stake: f32,
    /// Joint work done so far (saturates; only whether there was any is read).
    pub joint_work: u16,
    /// Interacted this tick (no decay this tick).
    pub touched: bool,
    pub alive: bool,
}

impl Tie {
    /// A placeholder for a slot that holds no tie.
    fn removed() -> Self {
        Tie {
            a: 0,
            b: 0,
            trust: 0.0,
            alignment: 0.0,
            joint_work: 0,
            aid_ab: 0.0,
            aid_ba: 0.0,
            stake: 0.0,
            touched: false,
            alive: false,
        }
    }

    pub fn trust(&self) -> f64 {
        f64::from(self.trust)
    }
    pub fn alignment(&self) -> f64 {
        f64::from(self.alignment)
    }
    pub fn stake(&self) -> f64 {
        f64::from(self.stake)
    }

    pub fn other(&self, c: u32) -> u32 {
        if self.a == c { self.b } else { self.a }
    }
    /// Aid `from` has given to the other end.
    pub fn given_by(&self, from: u32) -> f64 {
        f64::from(if self.a == from {
            self.aid_ab
        } else {
            self.aid_ba
        })
    }
}

/// Coordination work of a network or of the open convener: budget, capacity and volunteers.
#[derive(Debug, Clone, Default)]
pub struct Coordination {
    /// Resources earmarked for paid coordination, not yet spent.
    pub budget: f64,
    /// Effective facilitation capacity, hours.
    pub capacity: f64,
    /// Volunteer energy in [0, 1]: the open convener's weavers' own; for a network, the
    /// people-weighted mean of its members' energy (each community carries its own).
    pub energy: f64,
    /// Ticks of continuous paid coordination (paid hours ramp up over `value_lag_ticks`).
    pub tenure: u32,
    /// Hours per tick the unit's scale requires (see `model::scale`).
    pub required: f64,
    /// Spare capacity / required hours, in [0, 1]: refreshed when capacity is used.
    pub coverage: f64,
    /// Paid and volunteer hours added this tick.
    pub paid_hours: f64,
    pub volunteer_hours: f64,
    /// Capacity already used this tick (gatherings, bridging).
    pub used: f64,
}

impl Coordination {
    /// Books `hours` of capacity as used this tick and lowers coverage accordingly.
    pub fn use_hours(&mut self, hours: f64) {
        self.used += hours;
        self.coverage = coverage(self.capacity - self.used, self.required);
    }
}

/// Share of the required hours that spare capacity covers, in [0, 1].
pub fn coverage(spare: f64, required: f64) -> f64 {
    if required <= 0.0 {
        if spare > 0.0 { 1.0 } else { 0.0 }
    } else {
        (spare / required).clamp(0.0, 1.0)
    }
}

/// A funder's coordination grant to one grantee.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub active: bool,
    /// Tick the current grant started.
    pub since: u32,
    /// Resources received in the current cycle.
    pub received_cycle: f64,
    /// Coordination value attributable to paid hours, per tick of the current cycle (oldest
    /// first). Reviewers see only what is older than the coordination value lag.
    pub attributed_by_tick: Vec<f64>,
}

/// A named coordi-nation.
#[derive(Debug, Clone)]
pub struct Network {
    pub alive: bool,
    /// Sequential number, the network's name ("network 7").
    pub label: u32,
    pub founded: u32,
    pub members: Vec<u32>,
    pub pool: f64,
    pub coord: Coordination,
    pub grant: Grant,
    /// Pattern library entries.
    pub library: f64,
    /// People across member communities.
    pub people: f64,
    /// Mean of members' values (K floats), refreshed each tick.
    pub mean_values: Vec<f64>,
    /// Mean value distance of members to `mean_values`, refreshed each tick.
    pub value_spread: f64,
    /// Coordination value created in the network this tick and this cycle.
    pub value_tick: f64,
    pub value_cycle: f64,
    /// Members' contributions this tick (quadratic matching).
    pub contributions_tick: f64,
    pub sqrt_contributions_tick: f64,
}

/// Flows of one tick, reset at its start; the metrics read them.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    pub coordination_value: f64,
    /// The part of `coordination_value` created inside networks: between co-members, or by a
    /// network as a whole (pool relief, projects, library learning).
    pub network_value: f64,
    pub coordination_funding: f64,
    pub direct_funding: f64,
    pub direct_value: f64,
    pub aid: f64,
    pub production: f64,
    pub projects_started: u32,
    pub projects_succeeded: u32,
}

/// Every resource unit that enters or leaves the world, per tick. Aid and the need-relieving part
/// of pool allocations leave as recovery spending (`own_spending_out`); moves between holders
/// (contributions, allocations as income, chapter seeding, dissolving) change no total.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Holdings (treasuries + pools + coordination budgets) at the start of the tick.
    pub held_at_start: f64,
    pub funding_in: f64,
    pub production_in: f64,
    pub project_returns_in: f64,
    pub own_spending_out: f64,
    pub coordination_spending_out: f64,
    pub project_spending_out: f64,
}

impl Ledger {
    pub fn inflow(&self) -> f64 {
        self.funding_in + self.production_in + self.project_returns_in
    }
    pub fn outflow(&self) -> f64 {
        self.own_spending_out + self.coordination_spending_out + self.project_spending_out
    }
}

/// Gathering attendance bookkeeping for the inclusion metric.
#[derive(Debug, Clone, Default)]
pub struct GatheringRecord {
    /// Gatherings held so far (also the id of the next one).
    pub held: u32,
    /// Retention at the latest gathering by engagement type: returned / eligible.
    pub specialist_retention: f64,
    pub generalist_retention: f64,
    /// Distinct people who ever attended.
    pub participants: f64,
}

/// The whole state of one run.
#[derive(Debug, Clone)]
pub struct World {
    pub tick: u32,
    pub value_dims: usize,
    pub practice_dims: usize,
    pub communities: Vec<Community>,
    /// Each community's treasury, need, production and flows: see [`Economies`].
    pub economy: Economies,
    /// Each community's formation stage 0..=7 (written by `model::stages`, read by metrics).
    pub stages: Vec<u8>,
    /// Each community's Dunbar budget: the most ties it can maintain (fixed at birth).
    pub tie_budgets: Vec<u16>,
    /// `value_dims` floats per community.
    pub values: Vec<f64>,
    /// `practice_dims` floats per community (hidden from other agents).
    pub practice: Vec<f64>,
    /// Each community's technical level in [0, 1] (fixed at birth); read with
    /// [`World::tech_of`]. Apart from `Community` because joint work reads it for both ends of
    /// a tie, at random.
    pub tech: Vec<f32>,
    /// Each community's shared-infrastructure stake: the sum over its ties, rebuilt by
    /// `model::interdependence` (which adds at both ends of every tie, at random, so it is
    /// kept apart from `Community`). Read with [`World::stake_of`].
    pub stakes: Vec<f32>,
    /// Each community's network (index into `networks`, or [`NO_NETWORK`]), apart from
    /// `Community` because it is read for both ends of ties at random, and 4 bytes per
    /// community stay in cache where the whole struct would not. Read with
    /// [`World::network_of`]; written only by [`World::set_network`].
    membership: Vec<u32>,
    /// Every tie, each once. Between ticks ([`World::compact_ties`]) it holds no removed ties
    /// and is ordered by lower endpoint; during a tick, removed ties leave holes
    /// (`alive == false`) that new ties reuse.
    pub ties: Vec<Tie>,
    free_ties: Vec<u32>,
    /// Whether a tie was added since the last compaction.
    ties_added: bool,
    /// Each community's tie ids, packed; read with [`World::tie_ids_of`].
    adjacency: Adjacency,
    /// Reused by [`World::compact_ties`] so compaction allocates nothing once warm (the counts
    /// of the sort, or the added ties in merge order).
    spare_ties: Vec<Tie>,
    tie_counts: Vec<u32>,
    /// Communities of each region.
    pub region_members: Vec<Vec<u32>>,
    pub networks: Vec<Network>,
    pub networks_named: u32,
    /// The open convener: coordination for communities outside any network.
    pub open: Coordination,
    pub flows: Flows,
    pub ledger: Ledger,
    pub gatherings: GatheringRecord,
    /// Retroactive funding pot carried to the next cycle boundary.
    pub retro_pot: f64,
    pub cumulative_gap: f64,
    pub first_full_stage_tick: u32,
}

impl World {
    /// An empty world with room for the given parameters' dimensions.
    pub fn empty(params: &Params) -> Self {
        World {
            tick: 0,
            value_dims: params.population.value_dims as usize,
            practice_dims: params.population.practice_dims as usize,
            communities: Vec::new(),
            economy: Economies::default(),
            stages: Vec::new(),
            tie_budgets: Vec::new(),
            values: Vec::new(),
            practice: Vec::new(),
            tech: Vec::new(),
            stakes: Vec::new(),
            membership: Vec::new(),
            ties: Vec::new(),
            free_ties: Vec::new(),
            ties_added: false,
            adjacency: Adjacency::default(),
            spare_ties: Vec::new(),
            tie_counts: Vec::new(),
            region_members: vec![Vec::new(); params.population.regions as usize],
            networks: Vec::new(),
            networks_named: 0,
            open: Coordination {
                energy: 1.0,
                ..Default::default()
            },
            flows: Flows::default(),
            ledger: Ledger::default(),
            gatherings: GatheringRecord {
                specialist_retention: 1.0,
                generalist_retention: 1.0,
                ..Default::default()
            },
            retro_pot: 0.0,
            cumulative_gap: 0.0,
            first_full_stage_tick: u32::MAX,
        }
    }

    pub fn n_communities(&self) -> usize {
        self.communities.len()
    }

    /// The network `c` belongs to, or [`NO_NETWORK`].
    pub fn network_of(&self, c: u32) -> u32 {
        self.membership[c as usize]
    }

    /// Every community's network, in community order.
    pub fn memberships(&self) -> &[u32] {
        &self.membership
    }

    /// Technical level of `c`, in [0, 1].
    pub fn tech_of(&self, c: u32) -> f64 {
        f64::from(self.tech[c as usize])
    }

    /// Shared-infrastructure stake of `c` (sum over its ties).
    pub fn stake_of(&self, c: u32) -> f64 {
        f64::from(self.stakes[c as usize])
    }

    pub fn values_of(&self, c: u32) -> &[f64] {
        let k = self.value_dims;
        &self.values[c as usize * k..(c as usize + 1) * k]
    }

    pub fn practice_of(&self, c: u32) -> &[f64] {
        let k = self.practice_dims;
        &self.practice[c as usize * k..(c as usize + 1) * k]
    }

    /// Normalised Euclidean distance between two communities' values, in [0, 1].
    pub fn value_distance(&self, a: u32, b: u32) -> f64 {
        distance(self.values_of(a), self.values_of(b))
    }

    /// Makes room for `additional` more communities in every per-community array, so building
    /// a world does not copy them as they grow.
    pub fn reserve(&mut self, additional: usize) {
        self.communities.reserve(additional);
        self.economy.reserve(additional);
        self.stages.reserve(additional);
        self.tie_budgets.reserve(additional);
        self.values.reserve(additional * self.value_dims);
        self.practice.reserve(additional * self.practice_dims);
        self.membership.reserve(additional);
        self.tech.reserve(additional);
        self.stakes.reserve(additional);
        self.adjacency.reserve(additional);
    }

    /// Adds a community (with what it starts with in the arrays kept apart) and returns its
    /// index.
    pub fn push_community(
        &mut self,
        community: Community,
        endowment: Endowment,
        values: &[f64],
        practice: &[f64],
    ) -> u32 {
        debug_assert_eq!(values.len(), self.value_dims);
        debug_assert_eq!(practice.len(), self.practice_dims);
        let idx = self.communities.len() as u32;
        self.region_members[community.region as usize].push(idx);
        self.communities.push(community);
        self.economy.push(&endowment);
        self.stages.push(0);
        self.tie_budgets.push(endowment.tie_budget);
        self.membership.push(NO_NETWORK);
        self.tech.push(endowment.tech);
        self.stakes.push(0.0);
        self.values.extend_from_slice(values);
        self.practice.extend_from_slice(practice);
        self.adjacency.push_community();
        idx
    }

    /// Ids of `c`'s ties, in the order they were added since the last compaction.
    pub fn tie_ids_of(&self, c: u32) -> &[u32] {
        self.adjacency.of(c)
    }

    /// Number of ties of `c`.
    pub fn degree(&self, c: u32) -> usize {
        self.adjacency.of(c).len()
    }

    /// The tie between `a` and `b`, if they have one. O(degree).
    pub fn find_tie(&self, a: u32, b: u32) -> Option<u32> {
        self.adjacency
            .of(a)
            .iter()
            .copied()
            .find(|&t| self.ties[t as usize].other(a) == b)
    }

    /// Creates a tie (the caller checked there is none) and returns its id.
    pub fn add_tie(&mut self, a: u32, b: u32, trust: f64) -> u32 {
        debug_assert!(a != b && self.find_tie(a, b).is_none());
        let tie = Tie {
            a,
            b,
            trust: trust as f32,
            alignment: 0.5,
            joint_work: 0,
            aid_ab: 0.0,
            aid_ba: 0.0,
            stake: 0.0,
            touched: true,
            alive: true,
        };
        let id = match self.free_ties.pop() {
            Some(id) => {
                self.ties[id as usize] = tie;
                id
            }
            None => {
                self.ties.push(tie);
                (self.ties.len() - 1) as u32
            }
        };
        self.ties_added = true;
        self.adjacency.push(a, id);
        self.adjacency.push(b, id);
        id
    }

    /// Forgets a tie.
    pub fn remove_tie(&mut self, id: u32) {
        let (a, b) = (self.ties[id as usize].a, self.ties[id as usize].b);
        self.adjacency.remove(a, id);
        self.adjacency.remove(b, id);
        self.ties[id as usize].alive = false;
        self.free_ties.push(id);
    }

    /// Drops removed ties, orders the rest by lower endpoint (stable, so ties of one community
    /// keep their relative order) and rebuilds the adjacency from that order. Run between
    /// ticks: a community's ties then sit together in `ties`, and with contiguous regions its
    /// local partners' ties nearby, so the passes that follow ties touch memory in order.
    /// A counting sort into reused buffers: O(communities + ties), no allocation once warm.
    /// Tie ids change; none are kept across ticks.
    ///
    /// The adjacency is laid out from its lists' lengths (each community's degree, kept by
    /// `add_tie` and `remove_tie`), so the counting pass counts lower endpoints only.
    /// (Keeping those counts in `add_tie` and `remove_tie` instead saves that pass but adds a
    /// write at random to every new tie; it measured no faster at 100,000 communities, where
    /// reads in order are cheap and reads at random are not.)
    pub fn compact_ties(&mut self) {
        if self.free_ties.is_empty() && !self.ties_added {
            // No tie was added or removed: slab and adjacency are as compaction left them.
            return;
        }
        let n = self.communities.len();
        let counts = &mut self.tie_counts;
        counts.clear();
        counts.resize(n + 1, 0);
        for t in self.ties.iter().filter(|t| t.alive) {
            counts[t.a.min(t.b) as usize + 1] += 1;
        }
        for i in 1..=n {
            counts[i] += counts[i - 1];
        }
        let live = counts[n];
        let spare = &mut self.spare_ties;
        // Every slot below `live` is written below: no need to clear what it held.
        spare.resize(live as usize, Tie::removed());
        for t in self.ties.iter().filter(|t| t.alive) {
            let slot = &mut counts[t.a.min(t.b) as usize];
            spare[*slot as usize] = *t;
            *slot += 1;
        }
        std::mem::swap(&mut self.ties, &mut self.spare_ties);
        self.free_ties.clear();
        self.ties_added = false;
        self.adjacency.rebuild(&self.ties);
    }

    /// Ties in use.
    pub fn live_ties(&self) -> impl Iterator<Item = &Tie> {
        self.ties.iter().filter(|t| t.alive)
    }

    /// Resources held: treasuries, pools and coordination budgets.
    pub fn holdings(&self) -> f64 {
        self.holdings_with(self.economy.treasury.iter().sum())
    }

    /// [`World::holdings`] given the sum of the treasuries (in community order).
    pub fn holdings_with(&self, treasuries: f64) -> f64 {
        let networks: f64 = self
            .networks
            .iter()
            .filter(|n| n.alive)
            .map(|n| n.pool + n.coord.budget)
            .sum();
        treasuries + networks + self.open.budget + self.retro_pot
    }

    /// Live networks' indices.
    pub fn live_networks(&self) -> impl Iterator<Item = usize> + '_ {
        self.networks
            .iter()
            .enumerate()
            .filter(|(_, n)| n.alive)
            .map(|(i, _)| i)
    }

    /// Recomputes each live network's people, mean values and value spread.
    pub fn refresh_networks(&mut self) {
        let k = self.value_dims;
        for n in self.networks.iter_mut().filter(|n| n.alive) {
            n.people = n
                .members
                .iter()
                .map(|&m| f64::from(self.communities[m as usize].members))
                .sum();
            n.mean_values.clear();
            n.mean_values.resize(k, 0.0);
            if n.members.is_empty() {
                n.value_spread = 0.0;
                continue;
            }
            for &m in &n.members {
                let v = &self.values[m as usize * k..(m as usize + 1) * k];
                n.mean_values
                    .iter_mut()
                    .zip(v)
                    .for_each(|(acc, x)| *acc += x);
            }
            let count = n.members.len() as f64;
            n.mean_values.iter_mut().for_each(|x| *x /= count);
            n.value_spread = n
                .members
                .iter()
                .map(|&m| {
                    distance(
                        &self.values[m as usize * k..(m as usize + 1) * k],
                        &n.mean_values,
                    )
                })
                .sum::<f64>()
                / count;
        }
    }

    /// Creates a network with the given members and returns its index.
    pub fn found_network(&mut self, members: &[u32], grant_active: bool) -> u32 {
        let label = self.networks_named;
        self.networks_named += 1;
        let network = Network {
            alive: true,
            label,
            founded: self.tick,
            members: Vec::with_capacity(members.len()),
            pool: 0.0,
            coord: Coordination {
                energy: 1.0,
                ..Default::default()
            },
            grant: Grant {
                active: grant_active,
                since: self.tick,
                ..Default::default()
            },
            library: 0.0,
            people: 0.0,
            mean_values: vec![0.0; self.value_dims],
            value_spread: 0.0,
            value_tick: 0.0,
            value_cycle: 0.0,
            contributions_tick: 0.0,
            sqrt_contributions_tick: 0.0,
        };
        // Reuse a dissolved network's slot so the vector does not grow without bound.
        let idx = match self.networks.iter().position(|n| !n.alive) {
            Some(i) => {
                self.networks[i] = network;
                i as u32
            }
            None => {
                self.networks.push(network);
                (self.networks.len() - 1) as u32
            }
        };
        for &m in members {
            self.set_network(m, idx);
        }
        idx
    }

    /// Books coordination value created between `a` and `b` (the same community for value one
    /// community creates); it counts toward their network's value when they share one.
    pub fn credit_value(&mut self, a: u32, b: u32, value: f64) {
        self.flows.coordination_value += value;
        let n = self.network_of(a);
        if n != NO_NETWORK && n == self.network_of(b) {
            self.networks[n as usize].value_tick += value;
            self.flows.network_value += value;
        }
    }

    /// Books coordination value a whole network created.
    pub fn credit_network_value(&mut self, network: usize, value: f64) {
        self.flows.coordination_value += value;
        self.networks[network].value_tick += value;
        self.flows.network_value += value;
    }

    /// Whether `a` and `b` are members of the same network.
    pub fn same_network(&self, a: u32, b: u32) -> bool {
        let n = self.network_of(a);
        n != NO_NETWORK && n == self.network_of(b)
    }

    /// Moves a community into a network (or out, with [`NO_NETWORK`]).
    pub fn set_network(&mut self, c: u32, network: u32) {
        let old = self.network_of(c);
        if old == network {
            return;
        }
        if old != NO_NETWORK {
            let n = &mut self.networks[old as usize];
            n.members.retain(|&m| m != c);
        }
        if network != NO_NETWORK {
            self.networks[network as usize].members.push(c);
        }
        self.membership[c as usize] = network;
    }
}

/// Tie ids per community, packed into one array instead of one heap block per community:
/// community c's ids are `ids[start..start + len]` of its span, with room up to `start + cap`.
/// A community that outgrows its room during a tick moves its ids to the end of the array
/// (the old room is left unused); [`Adjacency::rebuild`] packs everything again between ticks.
#[derive(Debug, Clone, Default)]
struct Adjacency {
    ids: Vec<u32>,
    spans: Vec<Span>,
    /// Reused by `rebuild`.
    spare: Vec<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
    cap: u32,
}

/// Free slots each community gets at a rebuild: a community gains few ties per tick, so most
/// never move during the tick.
const ADJACENCY_SLACK: u32 = 2;

impl Adjacency {
    fn of(&self, c: u32) -> &[u32] {
        let s = self.spans[c as usize];
        &self.ids[s.start as usize..(s.start + s.len) as usize]
    }

    fn reserve(&mut self, additional: usize) {
        self.spans.reserve(additional);
        self.ids.reserve(additional * ADJACENCY_SLACK as usize);
    }

    fn push_community(&mut self) {
        let start = self.ids.len() as u32;
        self.ids
            .resize(self.ids.len() + ADJACENCY_SLACK as usize, 0);
        self.spans.push(Span {
            start,
            len: 0,
            cap: ADJACENCY_SLACK,
        });
    }

    fn push(&mut self, c: u32, id: u32) {
        let s = &mut self.spans[c as usize];
        if s.len == s.cap {
            let start = self.ids.len() as u32;
            let cap = (2 * s.cap).max(4);
            self.ids
                .extend_from_within(s.start as usize..(s.start + s.len) as usize);
            self.ids.resize((start + cap) as usize, 0);
            s.start = start;
            s.cap = cap;
        }
        self.ids[(s.start + s.len) as usize] = id;
        s.len += 1;
    }

    /// Removes `id` from `c`'s list, keeping the order of the others.
    fn remove(&mut self, c: u32, id: u32) {
        let s = &mut self.spans[c as usize];
        let list = &mut self.ids[s.start as usize..(s.start + s.len) as usize];
        if let Some(i) = list.iter().position(|&t| t == id) {
            list.copy_within(i + 1.., i);
            s.len -= 1;
        }
    }

    /// Lays the lists out again from `ties` (live ties only, as compaction leaves them), in
    /// tie order. Each community gets room for the ties it has (its list's length, kept by
    /// `push` and `remove`) plus slack.
    fn rebuild(&mut self, ties: &[Tie]) {
        let mut start = 0;
        for s in &mut self.spans {
            let cap = s.len + ADJACENCY_SLACK;
            *s = Span { start, len: 0, cap };
            start += cap;
        }
        // Slots are written up to each span's length below; the free room past it is never
        // read, so what it held need not be cleared.
        self.spare.resize(start as usize, 0);
        for (id, t) in ties.iter().enumerate() {
            for c in [t.a, t.b] {
                let s = &mut self.spans[c as usize];
                debug_assert!(s.len < s.cap, "a list longer than its community's degree");
                self.spare[(s.start + s.len) as usize] = id as u32;
                s.len += 1;
            }
        }
        std::mem::swap(&mut self.ids, &mut self.spare);
    }
}

/// Normalised Euclidean distance between two vectors in [0,1]^K: 0 equal, 1 opposite corners.
pub fn distance(a: &[f64], b: &[f64]) -> f64 {
    let sq: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
    (sq / a.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::testing::tiny_world;

    #[test]
    fn ties_are_found_from_both_ends_and_slots_are_reused() {
        let mut w = tiny_world(4);
        let t = w.add_tie(0, 1, 0.5);
        assert_eq!(w.find_tie(1, 0), Some(t));
        assert_eq!(w.find_tie(0, 2), None);
        w.remove_tie(t);
        assert_eq!(w.find_tie(0, 1), None);
        let t2 = w.add_tie(2, 3, 0.5);
        assert_eq!(t2, t, "a freed slot is reused");
        assert_eq!(w.live_ties().count(), 1);
    }

    #[test]
    fn compaction_is_a_stable_sort_by_lower_endpoint() {
        let mut w = tiny_world(40);
        let mut state = 11u64;
        let mut draw = |n: u32| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % u64::from(n)) as u32
        };
        for round in 0..30 {
            for _ in 0..25 {
                let (a, b) = (draw(40), draw(40));
                if a != b && w.find_tie(a, b).is_none() {
                    w.add_tie(a, b, 0.5);
                }
                if draw(3) == 0 && !w.ties.is_empty() {
                    let id = draw(w.ties.len() as u32);
                    if w.ties[id as usize].alive {
                        w.remove_tie(id);
                    }
                }
            }
            let mut expected: Vec<(u32, u32)> = w.live_ties().map(|t| (t.a, t.b)).collect();
            expected.sort_by_key(|&(a, b)| a.min(b));
            w.compact_ties();
            let ends: Vec<(u32, u32)> = w.ties.iter().map(|t| (t.a, t.b)).collect();
            assert_eq!(ends, expected, "round {round}");
            for c in 0..40 {
                let listed: Vec<u32> = (0..w.ties.len() as u32)
                    .filter(|&t| w.ties[t as usize].a == c || w.ties[t as usize].b == c)
                    .collect();
                assert_eq!(w.tie_ids_of(c), listed, "round {round}");
            }
        }
    }

    #[test]
    fn records_keep_the_sizes_the_docs_give() {
        assert_eq!(std::mem::size_of::<Community>(), 36);
        assert_eq!(std::mem::size_of::<Tie>(), 32);
    }

    #[test]
    fn distance_is_normalised() {
        assert_eq!(distance(&[0.0, 0.0], &[1.0, 1.0]), 1.0);
        assert_eq!(distance(&[0.3, 0.3], &[0.3, 0.3]), 0.0);
    }
}
