//! Each community's own economy: production, recovery from its needs, and spending.
//!
//! Production is a community's own direct service (a club runs its sport): it enters the
//! ledger, counts as direct value, and depends on how well the community fits its local
//! context (see `autonomy`). Unmet need is paid down from the treasury at `self_recovery` per
//! tick, and each tick the community spends `spend_rate` of what is left on its own work.

use crate::engine::world::World;
use crate::scenario::Params;

/// Adds this tick's production to every treasury.
pub fn produce(world: &mut World) {
    let mut total = 0.0;
    for c in &mut world.communities {
        let own = c.base_production * f64::from(c.fit);
        c.treasury += own;
        c.own_tick = own;
        total += own;
    }
    world.flows.production += total;
    world.flows.direct_value += total;
    world.ledger.production_in += total;
}

/// Pays down needs and spends on the community's own work; both leave the ledger.
pub fn recover_and_spend(world: &mut World, params: &Params) {
    let recovery = params.mutual_support.self_recovery;
    let spend_rate = params.population.spend_rate;
    let mut out = 0.0;
    for c in &mut world.communities {
        let pay = (c.need * recovery).min(c.treasury);
        c.need -= pay;
        c.treasury -= pay;
        let spend = c.treasury * spend_rate;
        c.treasury -= spend;
        out += pay + spend;
    }
    world.ledger.own_spending_out += out;
}
