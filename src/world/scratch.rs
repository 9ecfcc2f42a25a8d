//! Buffers reused every tick, so the tick loop does not allocate once warm.

use super::{Components, SortBuffer};

/// Buffers reused every tick so the tick loop does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    pub ids: Vec<u32>,
    pub more_ids: Vec<u32>,
    pub floats: Vec<f64>,
    pub values: Vec<f64>,
    /// An order of communities, reshuffled where order would otherwise favour low indices.
    pub order: Vec<u32>,
    /// Bridging coverage of each network this tick.
    pub bridge_coverage: Vec<f64>,
    /// Network pairs joined by strong ties (identity's merge).
    pub pairs: Vec<u64>,
    /// Networks (identity's split), and big clusters of one network as (size, root).
    pub networks: Vec<usize>,
    pub clusters: Vec<(u32, u32)>,
    /// Votes per member and members in order of votes (pooling's vote rule).
    pub votes: Vec<u32>,
    pub ranked: Vec<u32>,
    pub components: Components,
    /// Components of the trusted ties inside networks (the coherence metric), the people of
    /// each component (indexed by its root) and of each network's largest one (by network).
    pub inner_components: Components,
    pub component_people: Vec<f64>,
    pub largest_people: Vec<f64>,
    /// The treasuries for the Gini coefficient, sorted in linear time.
    pub radix: SortBuffer,
    /// Trusted and resonant ties per community (stages).
    pub tie_counts: Vec<[u32; 2]>,
    /// New ties each attendee of a gathering made there (gatherings).
    pub new_ties: Vec<u32>,
    /// The transitivity metric: a mark per community, and the trusted graph as compressed
    /// rows (each community's higher-numbered trusted neighbours, `forward[offsets[v]..]`).
    pub marks: Vec<u32>,
    pub offsets: Vec<u32>,
    pub forward: Vec<u32>,
    /// Marks of each range of communities whose triangles one task counts (transitivity on
    /// a pool of several threads).
    pub triangle_marks: Vec<Vec<u32>>,
    /// The encounters communities chose this tick (kinship), in fixed chunks of communities.
    pub encounters: Vec<EncounterChunk>,
    /// The joint work drawn this tick (resonance), in fixed chunks of tie slots.
    pub joint_work: Vec<Vec<JointWork>>,
    /// Ties faded below the forgetting threshold (trust), per chunk of tie slots.
    pub faint: Vec<Vec<u32>>,
    /// The ties each needy community asks for aid this tick, `asks_per_tick` per asker.
    pub asked: Vec<u32>,
}

/// A tie whose partners work together this tick, with the draws for that work.
#[derive(Debug, Clone, Copy)]
pub struct JointWork {
    pub tie: u32,
    /// The chance they had of working together (for the attribution to coordination).
    pub works_with: f64,
    /// N(0, 1): the noise in what they observe of their alignment.
    pub noise: f64,
    /// U(0, 1): the work succeeds when this is below its chance of success.
    pub luck: f64,
}

/// One encounter a community chose: with whom, and whether coordination brokered it.
#[derive(Debug, Clone, Copy)]
pub struct Encounter {
    pub from: u32,
    pub to: u32,
    pub brokered: bool,
}

/// The encounters chosen by one chunk of communities, in community order, and a buffer.
#[derive(Debug, Default)]
pub struct EncounterChunk {
    pub chosen: Vec<Encounter>,
    pub ids: Vec<u32>,
}
