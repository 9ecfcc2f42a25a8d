//! The mechanisms, one module each: the seven steps and what surrounds them.
//!
//! Each function reads its parameters from the scenario and changes the world; none does I/O.
//! The order in which `sim::step` calls them is the schedule in docs/model.md.

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
