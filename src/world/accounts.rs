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

/// Every resource unit that enters or leaves the world, per tick, and every unit that moves
/// between holders (treasuries, pools, coordination budgets, the open convener's budget, the
/// retroactive pot) by kind. Aid and the need-relieving part of pool allocations are spent on
/// the recipient's recovery, so they leave (`aid_out`, `allocation_relief_out`); moves change
/// no total. Each move is booked once, at the site that makes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    /// Holdings (treasuries + pools + coordination budgets + retroactive pot) at the start of
    /// the tick.
    pub held_at_start: f64,
    // Enters.
    pub funding_in: f64,
    pub production_in: f64,
    pub project_returns_in: f64,
    // Leaves.
    /// Recovery payments and own spending out of a community's own treasury.
    pub own_spending_out: f64,
    /// Aid given, spent on the recipient's recovery.
    pub aid_out: f64,
    /// The part of pool allocations that meets a need, spent on recovery.
    pub allocation_relief_out: f64,
    pub coordination_spending_out: f64,
    pub project_spending_out: f64,
    // Moves.
    /// Pool contributions: treasuries to pools.
    pub contributions_moved: f64,
    /// Pool contributions' coordination share: treasuries to network coordination budgets.
    pub contributions_to_coordination_moved: f64,
    /// Pool allocations beyond need: pools to treasuries.
    pub allocations_moved: f64,
    /// Retroactive payouts: retroactive pot to coordination budgets.
    pub retro_payouts_moved: f64,
    /// What retroactive funders could not see: retroactive pot to treasuries (direct service).
    pub retro_leftover_moved: f64,
    /// Chapter seeding: a pool to the new chapter's treasury.
    pub chapter_seeding_moved: f64,
    /// Merging: the absorbed network's pool and coordination budget to the kept network's.
    pub merges_moved: f64,
    /// Splitting: a share of pool and coordination budget to the new network's.
    pub splits_moved: f64,
    /// Dissolution: pool and coordination budget to members' treasuries (or, with no member
    /// left, the open convener's budget).
    pub dissolutions_moved: f64,
}

impl Ledger {
    pub fn inflow(&self) -> f64 {
        self.funding_in + self.production_in + self.project_returns_in
    }
    pub fn outflow(&self) -> f64 {
        self.own_spending_out
            + self.aid_out
            + self.allocation_relief_out
            + self.coordination_spending_out
            + self.project_spending_out
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
