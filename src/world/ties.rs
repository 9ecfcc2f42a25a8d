//! The ties store: every relationship once, in a slab with a packed adjacency, and the only
//! code that changes a tie. Mechanisms say what happened (a cooperation, a defection, joint
//! work, aid, a tick without contact); the arithmetic of trust lives here, once.
//!
//! Ties (32 bytes) are stored once each in a slab with a packed adjacency: one array of tie
//! ids, a span per community. At the start of every tick [`Ties::compact`] drops removed ties,
//! orders the rest by lower endpoint and repacks the adjacency in O(communities + ties), so a
//! community's ties sit together and, regions being contiguous blocks of indices, near its
//! neighbours'. Tie ids are valid within a tick only.
//!
//! Trust moves by shares: a cooperation closes `gain` of the distance to 1, a defection removes
//! `penalty` of what there is, and a tick without interaction multiplies it by a decay factor
//! (see `model::trust` for when each happens and with which parameters).

use std::ops::Index;

use super::adjacency::Adjacency;

use rayon::prelude::*;

/// Tie slots per parallel chunk of the decay pass.
const DECAY_CHUNK: usize = 8192;

/// Trust after one cooperation: closes `gain` of the distance to 1.
pub fn cooperate(trust: f64, gain: f64) -> f64 {
    (trust + gain * (1.0 - trust)).clamp(0.0, 1.0)
}

/// Trust after one defection (or another loss of a share of trust).
pub fn defect(trust: f64, penalty: f64) -> f64 {
    (trust * (1.0 - penalty)).clamp(0.0, 1.0)
}

/// A relationship between two communities that met. Stored once, in [`Ties`]; read through
/// `&Tie` (its fields are public to read), changed only through the methods of [`Ties`].
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
    pub joint_work: u8,
    /// Brokered by coordination work (an introduction, a gathering, a coordinated project or
    /// a chapter seeded from a pattern library), not formed by the two on their own: value
    /// that flows along it is coordination value (see `World::credit_value`).
    pub facilitated: bool,
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
            facilitated: false,
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

/// Every tie, each once, and each community's tie ids.
///
/// Between ticks ([`Ties::compact`]) the slab holds no removed ties and is ordered by lower
/// endpoint; during a tick, removed ties leave holes (`alive == false`) that new ties reuse.
#[derive(Debug, Clone, Default)]
pub struct Ties {
    slab: Vec<Tie>,
    free: Vec<u32>,
    /// Whether a tie was added since the last compaction.
    added: bool,
    /// Each community's tie ids, packed; read with [`Ties::ids_of`].
    adjacency: Adjacency,
    /// Reused by [`Ties::compact`] so compaction allocates nothing once warm.
    spare: Vec<Tie>,
    counts: Vec<u32>,
    /// Perceived alignment a new tie starts with, before joint work has revealed practice
    /// (`resonance.prior_alignment`).
    prior_alignment: f32,
}

impl Index<usize> for Ties {
    type Output = Tie;
    fn index(&self, id: usize) -> &Tie {
        &self.slab[id]
    }
}

impl Ties {
    /// An empty store whose new ties start at perceived alignment `prior_alignment`.
    pub fn new(prior_alignment: f64) -> Self {
        Ties {
            prior_alignment: prior_alignment as f32,
            ..Default::default()
        }
    }

    /// Slots in the slab, live or not: ids run over `0..slots()`.
    pub fn slots(&self) -> usize {
        self.slab.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }

    /// Ties in use, in slab order.
    pub fn live(&self) -> impl Iterator<Item = &Tie> {
        self.slab.iter().filter(|t| t.alive)
    }

    /// Makes room in the adjacency for `additional` more communities.
    pub fn reserve_communities(&mut self, additional: usize) {
        self.adjacency.reserve(additional);
    }

    /// Gives the next community (index = communities so far) an empty list of ties.
    pub fn push_community(&mut self) {
        self.adjacency.push_community();
    }

    /// Ids of `c`'s ties, in the order they were added since the last compaction.
    pub fn ids_of(&self, c: u32) -> &[u32] {
        self.adjacency.of(c)
    }

    /// Number of ties of `c`.
    pub fn degree(&self, c: u32) -> usize {
        self.adjacency.of(c).len()
    }

    /// The tie between `a` and `b`, if they have one. O(degree).
    pub fn find(&self, a: u32, b: u32) -> Option<u32> {
        self.adjacency
            .of(a)
            .iter()
            .copied()
            .find(|&t| self.slab[t as usize].other(a) == b)
    }

    /// Creates a tie the two formed on their own (the caller checked there is none) and returns
    /// its id. It counts as an interaction this tick.
    pub fn add(&mut self, a: u32, b: u32, trust: f64) -> u32 {
        self.add_with(a, b, trust, false)
    }

    /// Creates a tie that coordination work brokered (see [`Tie::facilitated`]).
    pub fn add_facilitated(&mut self, a: u32, b: u32, trust: f64) -> u32 {
        self.add_with(a, b, trust, true)
    }

    fn add_with(&mut self, a: u32, b: u32, trust: f64, facilitated: bool) -> u32 {
        debug_assert!(a != b && self.find(a, b).is_none());
        let tie = Tie {
            a,
            b,
            trust: trust as f32,
            alignment: self.prior_alignment,
            joint_work: 0,
            facilitated,
            aid_ab: 0.0,
            aid_ba: 0.0,
            stake: 0.0,
            touched: true,
            alive: true,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.slab[id as usize] = tie;
                id
            }
            None => {
                self.slab.push(tie);
                (self.slab.len() - 1) as u32
            }
        };
        self.added = true;
        self.adjacency.push(a, id);
        self.adjacency.push(b, id);
        id
    }

    /// Forgets a tie.
    pub fn remove(&mut self, id: u32) {
        let (a, b) = (self.slab[id as usize].a, self.slab[id as usize].b);
        self.adjacency.remove(a, id);
        self.adjacency.remove(b, id);
        self.slab[id as usize].alive = false;
        self.free.push(id);
    }

    /// The two ends interacted this tick: no decay this tick.
    pub fn touch(&mut self, id: u32) {
        self.slab[id as usize].touched = true;
    }

    /// A cooperation: trust closes `gain` of its distance to 1.
    pub fn cooperate(&mut self, id: u32, gain: f64) {
        let t = &mut self.slab[id as usize];
        t.trust = cooperate(t.trust(), gain) as f32;
        t.touched = true;
    }

    /// A defection (or a failure that costs trust): trust loses `penalty` of itself.
    pub fn defect(&mut self, id: u32, penalty: f64) {
        let t = &mut self.slab[id as usize];
        t.trust = defect(t.trust(), penalty) as f32;
        t.touched = true;
    }

    /// Joint work revealed practice alignment `observed`: the perceived alignment moves
    /// `learning_rate` of the way toward it, and the joint-work count grows.
    pub fn record_joint_work(&mut self, id: u32, observed: f64, learning_rate: f64) {
        let t = &mut self.slab[id as usize];
        t.alignment = (t.alignment() + learning_rate * (observed - t.alignment())) as f32;
        t.joint_work = t.joint_work.saturating_add(1);
        t.touched = true;
    }

    /// `from` gave `gift` to the other end: the reciprocity record.
    pub fn record_aid(&mut self, id: u32, from: u32, gift: f64) {
        let t = &mut self.slab[id as usize];
        if t.a == from {
            t.aid_ab = (f64::from(t.aid_ab) + gift) as f32;
        } else {
            t.aid_ba = (f64::from(t.aid_ba) + gift) as f32;
        }
    }

    /// Adds to the tie's shared-infrastructure stake.
    pub fn add_stake(&mut self, id: u32, gain: f64) {
        let t = &mut self.slab[id as usize];
        t.stake = (t.stake() + gain) as f32;
    }

    /// Multiplies every live tie's stake by `factor` (infrastructure depreciates), then shows
    /// the tie to `each` (in slab order).
    pub fn depreciate_stakes(&mut self, factor: f64, mut each: impl FnMut(&Tie)) {
        for t in self.slab.iter_mut().filter(|t| t.alive) {
            t.stake = (t.stake() * factor) as f32;
            each(t);
        }
    }

    /// End of a tick: every live tie nobody touched loses trust by `factor`; all become
    /// untouched for the next tick. The ids of ties whose trust is now below `faint_below`
    /// are listed in `faint`, one list per chunk of slots: in id order when joined. Runs
    /// across threads; each tie's arithmetic is its own, so the result is the same on any.
    pub fn decay_untouched(&mut self, factor: f64, faint_below: f64, faint: &mut Vec<Vec<u32>>) {
        // Fixed chunks of slots, whatever the number of threads; each lists its faint ties in
        // slot order, so the lists joined are in slot order.
        faint.resize_with(self.slab.len().div_ceil(DECAY_CHUNK), Vec::new);
        self.slab
            .par_chunks_mut(DECAY_CHUNK)
            .zip(faint.par_iter_mut())
            .enumerate()
            .for_each(|(chunk, (ties, faint))| {
                faint.clear();
                let first = chunk * DECAY_CHUNK;
                for (i, tie) in ties.iter_mut().enumerate().filter(|(_, t)| t.alive) {
                    if !tie.touched {
                        tie.trust = (tie.trust() * factor) as f32;
                    }
                    tie.touched = false;
                    debug_assert!((0.0..=1.0).contains(&tie.trust));
                    if tie.trust() < faint_below {
                        faint.push((first + i) as u32);
                    }
                }
            });
    }

    /// Drops removed ties, orders the rest by lower endpoint (stable, so ties of one community
    /// keep their relative order) and rebuilds the adjacency from that order. Run between
    /// ticks: a community's ties then sit together in the slab, and with contiguous regions its
    /// local partners' ties nearby, so the passes that follow ties touch memory in order.
    /// A counting sort into reused buffers: O(communities + ties), no allocation once warm.
    /// Tie ids change; none are kept across ticks.
    ///
    /// The adjacency is laid out from its lists' lengths (each community's degree, kept by
    /// `add` and `remove`), so the counting pass counts lower endpoints only.
    /// (Keeping those counts in `add` and `remove` instead saves that pass but adds a
    /// write at random to every new tie; it measured no faster at 100,000 communities, where
    /// reads in order are cheap and reads at random are not.)
    pub fn compact(&mut self) {
        if self.free.is_empty() && !self.added {
            // No tie was added or removed: slab and adjacency are as compaction left them.
            return;
        }
        let n = self.adjacency.communities();
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(n + 1, 0);
        for t in self.slab.iter().filter(|t| t.alive) {
            counts[t.a.min(t.b) as usize + 1] += 1;
        }
        for i in 1..=n {
            counts[i] += counts[i - 1];
        }
        let live = counts[n];
        let spare = &mut self.spare;
        // Every slot below `live` is written below: no need to clear what it held.
        spare.resize(live as usize, Tie::removed());
        for t in self.slab.iter().filter(|t| t.alive) {
            let slot = &mut counts[t.a.min(t.b) as usize];
            spare[*slot as usize] = *t;
            *slot += 1;
        }
        std::mem::swap(&mut self.slab, &mut self.spare);
        self.free.clear();
        self.added = false;
        self.adjacency.rebuild(&self.slab);
    }
}

#[cfg(test)]
mod tests {
    use crate::world::testing::tiny_world;

    #[test]
    fn ties_are_found_from_both_ends_and_slots_are_reused() {
        let mut w = tiny_world(4);
        let t = w.ties.add(0, 1, 0.5);
        assert_eq!(w.ties.find(1, 0), Some(t));
        assert_eq!(w.ties.find(0, 2), None);
        w.ties.remove(t);
        assert_eq!(w.ties.find(0, 1), None);
        let t2 = w.ties.add(2, 3, 0.5);
        assert_eq!(t2, t, "a freed slot is reused");
        assert_eq!(w.ties.live().count(), 1);
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
                if a != b && w.ties.find(a, b).is_none() {
                    w.ties.add(a, b, 0.5);
                }
                if draw(3) == 0 && !w.ties.is_empty() {
                    let id = draw(w.ties.slots() as u32);
                    if w.ties[id as usize].alive {
                        w.ties.remove(id);
                    }
                }
            }
            let mut expected: Vec<(u32, u32)> = w.ties.live().map(|t| (t.a, t.b)).collect();
            expected.sort_by_key(|&(a, b)| a.min(b));
            w.ties.compact();
            let ends: Vec<(u32, u32)> = w.ties.live().map(|t| (t.a, t.b)).collect();
            assert_eq!(ends, expected, "round {round}");
            for c in 0..40 {
                let listed: Vec<u32> = (0..w.ties.slots() as u32)
                    .filter(|&t| w.ties[t as usize].a == c || w.ties[t as usize].b == c)
                    .collect();
                assert_eq!(w.ties.ids_of(c), listed, "round {round}");
            }
        }
    }
}
