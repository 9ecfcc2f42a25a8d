//! coordsim: an agent-based simulator of coordi-nations, voluntary networks of communities that
//! build kinship, support each other, pool resources and act together without a hierarchy.
//!
//! Modules in reading order: `scenario` (the TOML file becomes validated parameters),
//! `engine` (the world and the tick schedule), `model` (one module per mechanism), `metrics`
//! (what users read), `stats` (means and t-intervals), `experiment` (replicates in parallel),
//! `output` (CSV, JSON and the manifest, written atomically), `plot` (charts drawn from the
//! outputs; the only user of plotters).

pub mod experiment;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod sim;
pub mod stats;
pub mod world;

/// The version written into every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A fingerprint of the sources this binary was built from (see build.rs): two builds of the
/// same version with different code have different ids.
pub const BUILD_ID: &str = env!("COORDSIM_BUILD_ID");
