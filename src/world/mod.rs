//! The world's state, and nothing else: communities, ties, networks, coordination units,
//! the books of a tick, random streams and scratch buffers. Mechanisms (`model`) change it;
//! nothing here knows the schedule, the metrics or any file format, and nothing does I/O.
//!
//! Laid out for the cache: communities live in one `Vec` of plain 36-byte structs indexed by
//! `u32`; the fields the per-tick passes stream through for every community (treasury, need,
//! production, fit, this tick's flows, stage, tie budget) live in one array each
//! ([`Economies`], `stages`, `tie_budgets`), so a pass reads only the bytes it uses; value and
//! practice vectors live in flat arrays (`K` floats per community), and network, technical
//! level and stake in arrays of their own (4 bytes per community each), because they are read
//! or written for both ends of ties at random. Ties live in the [`Ties`] store. The cost of a
//! tick is linear in communities plus ties; the layout keeps the memory it touches small
//! (about 300 bytes per community) because at 100,000 communities the world no longer fits in
//! the last-level cache.

pub mod accounts;
mod adjacency;
pub mod community;
pub mod components;
pub mod network;
pub mod rng;
pub mod scratch;
pub mod sort;
#[cfg(test)]
pub(crate) mod testing;
pub mod ties;

pub use accounts::{Flows, GatheringRecord, Ledger};
pub use community::{Community, Economies, Endowment, distance};
pub use components::Components;
pub use network::{Coordination, Grant, Network, coverage};
pub use scratch::{Encounter, EncounterChunk, JointWork, Scratch};
pub use sort::SortBuffer;
pub use ties::{Tie, Ties};

use crate::scenario::Params;

/// Marks "no network" in [`World::network_of`].
pub const NO_NETWORK: u32 = u32::MAX;

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
    /// `practice_dims` floats per community: the local context its practice must fit (a
    /// random walk, `model::autonomy`); fit = 1 - d(practice, context).
    pub context: Vec<f64>,
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
    /// Every tie, each once, with each community's tie ids: see [`Ties`]. Mechanisms change a
    /// tie only through its methods (`cooperate`, `defect`, `decay_untouched`, ...).
    pub ties: Ties,
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
            context: Vec::new(),
            tech: Vec::new(),
            stakes: Vec::new(),
            membership: Vec::new(),
            ties: Ties::new(params.resonance.prior_alignment),
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

    pub fn context_of(&self, c: u32) -> &[f64] {
        let k = self.practice_dims;
        &self.context[c as usize * k..(c as usize + 1) * k]
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
        self.context.reserve(additional * self.practice_dims);
        self.membership.reserve(additional);
        self.tech.reserve(additional);
        self.stakes.reserve(additional);
        self.ties.reserve_communities(additional);
    }

    /// Adds a community (with what it starts with in the arrays kept apart) and returns its
    /// index. Its local context starts at its practice: a new community fits where it is.
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
        self.context.extend_from_slice(practice);
        self.ties.push_community();
        idx
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

    /// Recomputes each live network's people, mean values, value spread and mean practice.
    pub fn refresh_networks(&mut self) {
        let k = self.value_dims;
        let p = self.practice_dims;
        for n in self.networks.iter_mut().filter(|n| n.alive) {
            n.mean_practice.clear();
            n.mean_practice.resize(p, 0.0);
            for &m in &n.members {
                let x = &self.practice[m as usize * p..(m as usize + 1) * p];
                n.mean_practice
                    .iter_mut()
                    .zip(x)
                    .for_each(|(acc, x)| *acc += x);
            }
            let count = n.members.len().max(1) as f64;
            n.mean_practice.iter_mut().for_each(|x| *x /= count);
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
            mean_practice: vec![0.0; self.practice_dims],
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

    /// Books value created between `a` and `b` of which `coordination_share` (in [0, 1]) was
    /// caused by coordination work and the rest by the two on their own (`peer_value`).
    pub fn credit_shared_value(&mut self, a: u32, b: u32, value: f64, coordination_share: f64) {
        debug_assert!((0.0..=1.0).contains(&coordination_share));
        let caused = value * coordination_share;
        self.credit_value(a, b, caused);
        self.flows.peer_value += value - caused;
    }

    /// Books value communities created without coordination work.
    pub fn credit_peer_value(&mut self, value: f64) {
        self.flows.peer_value += value;
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

#[cfg(test)]
mod tests {
    use super::*;

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
