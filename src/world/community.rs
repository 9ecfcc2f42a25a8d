//! A community (the agent) and the per-community arrays its economy lives in.

/// One community: an agent, less what the per-tick passes stream through.
///
/// 36 bytes (it was 144, then 88): the fields every tick reads or writes for all communities
/// in turn (treasury, need, production, fit, this tick's flows and their averages, stage, tie
/// budget) live in arrays of their own ([`World::economy`], [`World::stages`],
/// [`World::tie_budgets`]), so a pass that needs three of them does not drag the whole record
/// through the cache; the fields read for both ends of ties (network, technical level, stake)
/// live in `World` arrays too. What is left is read per community at random or by few passes.
/// Shares in [0, 1], people and the all-time records are `f32` (arithmetic on them is done in
/// `f64`), counts are small integers.
#[derive(Debug, Clone)]
pub struct Community {
    /// People in the community (drives the Dunbar budget and network scale).
    pub members: f32,
    /// Volunteer energy of its people in [0, 1]: burns out in unpaid coordination.
    pub energy: f32,
    /// Contribution last tick as a share of production (for conditional cooperation).
    pub last_contribution_rate: f32,
    /// Aid given plus received, all time.
    pub aid_exchanged: f32,
    /// Contributed to a pool, all time.
    pub contributed: f32,
    /// Preferred engagement depth in [0, 1] (0: general, 1: specialised), fixed at birth.
    pub depth: f32,
    pub region: u32,
    /// Index of the last gathering it attended (`u32::MAX`: none yet).
    pub last_gathering: u32,
    /// Successful projects it took part in (saturates; only whether there was one is read).
    pub projects_succeeded: u16,
    pub free_rider: bool,
    /// Whether it decided at its last gathering to come to the next one.
    pub returns: bool,
}

impl Community {
    /// A community as it enters the world: full energy, no history.
    pub fn new(members: f32, region: u32, depth: f32, free_rider: bool) -> Self {
        Community {
            members,
            region,
            energy: 1.0,
            depth,
            free_rider,
            aid_exchanged: 0.0,
            contributed: 0.0,
            last_contribution_rate: 0.0,
            projects_succeeded: 0,
            last_gathering: u32::MAX,
            returns: false,
        }
    }
}

/// What a new community starts with in the arrays kept apart from [`Community`]; the rest of
/// those arrays starts at zero (fit at 1, a perfect fit to its context).
#[derive(Debug, Clone, Copy)]
pub struct Endowment {
    /// Production at perfect local fit, resources per tick.
    pub base_production: f64,
    pub treasury: f64,
    /// Starting moving average of own production.
    pub own_avg: f32,
    /// Most ties it can maintain (Dunbar layers).
    pub tie_budget: u16,
    /// Technical level in [0, 1], fixed at birth.
    pub tech: f32,
}

/// Every community's economy, one array per field (indexed by community).
///
/// A struct of arrays because most per-tick passes over all communities read or write two to
/// four of these and nothing else: at 100,000 communities the world does not fit in the
/// last-level cache, and each pass streams only the bytes it uses (a few per community instead
/// of a whole record). Money and this tick's flows are `f64`; fit and the moving averages `f32`
/// (arithmetic on them is done in `f64`).
#[derive(Debug, Clone, Default)]
pub struct Economies {
    /// Production at perfect local fit, resources per tick.
    pub base_production: Vec<f64>,
    pub treasury: Vec<f64>,
    /// Unmet need from shocks.
    pub need: Vec<f64>,
    /// Inflows this tick: aid, pool allocations, project returns.
    pub inflow_tick: Vec<f64>,
    /// Production this tick.
    pub own_tick: Vec<f64>,
    /// Fit of its practice to its local context in [0, 1]; production = base * fit.
    pub fit: Vec<f32>,
    /// Moving averages of inflows and own production (the interdependence metric).
    pub inflow_avg: Vec<f32>,
    pub own_avg: Vec<f32>,
}

impl Economies {
    pub(super) fn reserve(&mut self, additional: usize) {
        self.base_production.reserve(additional);
        self.treasury.reserve(additional);
        self.need.reserve(additional);
        self.inflow_tick.reserve(additional);
        self.own_tick.reserve(additional);
        self.fit.reserve(additional);
        self.inflow_avg.reserve(additional);
        self.own_avg.reserve(additional);
    }

    pub(super) fn push(&mut self, e: &Endowment) {
        self.base_production.push(e.base_production);
        self.treasury.push(e.treasury);
        self.need.push(0.0);
        self.inflow_tick.push(0.0);
        self.own_tick.push(0.0);
        self.fit.push(1.0);
        self.inflow_avg.push(0.0);
        self.own_avg.push(e.own_avg);
    }
}

/// Normalised Euclidean distance between two vectors in [0,1]^K: 0 equal, 1 opposite corners.
pub fn distance(a: &[f64], b: &[f64]) -> f64 {
    let sq: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
    (sq / a.len() as f64).sqrt()
}
