//! One replicate advanced a tick at a time: [`super::run_replicate`] is built on it (effective
//! parameters, the replicate's generator, tick 0's record, then step and record), and so are
//! callers that look at the world between ticks (the browser explorer); so the records a
//! caller reads equal that replicate's `timeseries.csv` rows.

use crate::metrics::{self, Record};
use crate::scenario::Params;
use crate::world::rng::Randomness;
use crate::world::{Scratch, World};

use super::{Measured, effective_params, step, step_observed};

/// A replicate in progress.
pub struct Stepper {
    pub(super) params: Params,
    rng: Randomness,
    pub(super) world: World,
    pub(super) scratch: Scratch,
}

impl Stepper {
    /// The world at tick 0 of a replicate with this seed (a replicate seed, as
    /// `experiment::seeds` gives them).
    pub fn new(params: &Params, seed: u64) -> Self {
        let params = effective_params(params);
        let mut rng = Randomness::new(seed);
        let world = super::init::build_world(&params, &mut rng.sequential);
        Stepper {
            params,
            rng,
            world,
            scratch: Scratch::default(),
        }
    }

    /// The metrics of the world as it is now (tick 0 before any step).
    pub fn record(&mut self) -> Record {
        metrics::record(&self.world, &self.params, &mut self.scratch)
    }

    /// The record `measured` asks for at the current tick: the whole record if it keeps the
    /// tick (the run's last is `run.ticks`), else the tick and its flows only.
    pub fn record_measured(&mut self, measured: &Measured) -> Record {
        if measured.keeps(self.world.tick, self.params.run.ticks) {
            self.record()
        } else {
            metrics::record_flows(&self.world)
        }
    }

    /// Advances one tick.
    pub fn step(&mut self) {
        step(
            &mut self.world,
            &self.params,
            &mut self.rng,
            &mut self.scratch,
        );
    }

    /// Advances one tick, calling `observe(index in SCHEDULE, duration)` after each phase.
    pub fn step_observed(&mut self, observe: &mut dyn FnMut(usize, std::time::Duration)) {
        step_observed(
            &mut self.world,
            &self.params,
            &mut self.rng,
            &mut self.scratch,
            Some(observe),
        );
    }

    /// The world, to read.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The parameters the world runs with (switched-off steps neutralised).
    pub fn params(&self) -> &Params {
        &self.params
    }
}
