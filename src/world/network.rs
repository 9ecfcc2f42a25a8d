//! A named network (coordi-nation), its coordination work and its funder's grant.

/// Coordination work of a network or of the open convener: budget, capacity and volunteers.
#[derive(Debug, Clone, Default)]
pub struct Coordination {
    /// Resources earmarked for paid coordination, not yet spent.
    pub budget: f64,
    /// Effective facilitation capacity, hours.
    pub capacity: f64,
    /// Volunteer energy in [0, 1]: the open convener's weavers' own; for a network, the
    /// people-weighted mean of its members' energy (each community carries its own).
    pub energy: f64,
    /// Ticks of continuous paid coordination (paid hours ramp up with time scale `ramp_ticks`).
    pub tenure: u32,
    /// Hours per tick the unit's scale requires (see `model::scale`).
    pub required: f64,
    /// Spare capacity / required hours, in [0, 1]: refreshed when capacity is used.
    pub coverage: f64,
    /// Paid and volunteer hours added this tick.
    pub paid_hours: f64,
    pub volunteer_hours: f64,
    /// Capacity already used this tick (gatherings, bridging).
    pub used: f64,
}

impl Coordination {
    /// Books `hours` of capacity as used this tick and lowers coverage accordingly.
    pub fn use_hours(&mut self, hours: f64) {
        self.used += hours;
        self.coverage = coverage(self.capacity - self.used, self.required);
    }
}

/// Share of the required hours that spare capacity covers, in [0, 1].
pub fn coverage(spare: f64, required: f64) -> f64 {
    if required <= 0.0 {
        if spare > 0.0 { 1.0 } else { 0.0 }
    } else {
        (spare / required).clamp(0.0, 1.0)
    }
}

/// A funder's coordination grant to one grantee.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub active: bool,
    /// Tick the current grant started.
    pub since: u32,
    /// Resources received in the current cycle.
    pub received_cycle: f64,
    /// Coordination value attributable to paid hours in the current cycle: what the grant's
    /// reviewer judges, through the review's noise.
    pub attributed_cycle: f64,
}

/// A named coordi-nation.
#[derive(Debug, Clone)]
pub struct Network {
    pub alive: bool,
    /// Sequential number, the network's name ("network 7").
    pub label: u32,
    pub founded: u32,
    pub members: Vec<u32>,
    pub pool: f64,
    pub coord: Coordination,
    pub grant: Grant,
    /// Pattern library entries.
    pub library: f64,
    /// People across member communities.
    pub people: f64,
    /// Mean of members' values (K floats), refreshed each tick.
    pub mean_values: Vec<f64>,
    /// Mean of members' practice (the network's practice, toward which central control
    /// standardizes), refreshed with `mean_values`.
    pub mean_practice: Vec<f64>,
    /// Mean value distance of members to `mean_values`, refreshed each tick.
    pub value_spread: f64,
    /// Coordination value created in the network this tick and this cycle.
    pub value_tick: f64,
    pub value_cycle: f64,
    /// Members' contributions this tick (quadratic matching).
    pub contributions_tick: f64,
    pub sqrt_contributions_tick: f64,
}
