//! The books of one tick: flows the metrics read, the resource ledger, gathering attendance.

/// Flows of one tick, reset at its start; the metrics read them.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// Value coordination work caused this tick (see `World::credit_value`).
    pub coordination_value: f64,
    /// Value communities created without coordination work: aid along ties they formed on
    /// their own, pool relief, the unfacilitated share of joint work's knowledge.
    pub peer_value: f64,
    /// The part of `coordination_value` created inside networks: between co-members, or by a
    /// network as a whole (projects, library learning).
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
