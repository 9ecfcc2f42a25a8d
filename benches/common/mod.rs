//! What the size benches share: the baseline resized with a constant region size, and
//! settings read from the environment.

use coordsim::scenario::{Params, Scenario};

/// Communities per region at every size, so regions (and local encounters) look the same.
pub const PER_REGION: u32 = 100;

/// An environment setting, or `default` when it is not set.
pub fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    match std::env::var(key) {
        Ok(raw) => raw
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{key}={raw} is not a valid value")),
        Err(_) => default,
    }
}

/// The baseline with `communities` communities in regions of [`PER_REGION`], one replicate of
/// `ticks` ticks.
pub fn params_for(communities: u32, ticks: u32) -> Params {
    let mut params = Scenario::baseline().params;
    params.population.communities = communities;
    params.population.regions = (communities / PER_REGION).max(1);
    params.run.ticks = ticks;
    params.run.replicates = 1;
    params
}
