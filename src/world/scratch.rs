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
}
