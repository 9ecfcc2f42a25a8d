//! The mechanisms, one module each: the seven steps and what surrounds them.
//!
//! Each function reads its parameters from the scenario and changes the world; none does I/O.
//! The order in which `sim::step` calls them is the schedule in docs/model.md.
//!
//! Phases that touch every community or every tie run across the threads of the current rayon
//! pool: they draw from counter-based streams (`world::rng::Streams`) and reduce in a fixed
//! order, so their results do not depend on the number of threads.

pub mod autonomy;
pub mod collective_action;
pub mod coordination;
pub mod economy;
pub mod funding;
pub mod gatherings;
pub mod identity;
pub mod interdependence;
pub mod kinship;
pub mod knowledge;
pub mod mutual_support;
pub mod pattern_library;
pub mod pooling;
pub mod population;
pub mod resonance;
pub mod scale;
pub mod stages;
pub mod trust;

/// The fewest items a parallel loop hands to one thread: small worlds (a sweep's runs) stay on
/// the thread that runs them, and a sum over up to this many items keeps the sequential order.
pub const PARALLEL_MIN_LEN: usize = 2048;
