//! Each community's own economy: production, recovery from its needs, and spending.
//!
//! Production is a community's own direct service (a club runs its sport): it enters the
//! ledger, counts as direct value, and depends on how well the community fits its local
//! context (see `autonomy`). Unmet need is paid down from the treasury at `self_recovery` per
//! tick, and each tick the community spends `spend_rate` of what is left on its own work.

use crate::scenario::Params;
use crate::world::World;

/// Adds this tick's production to every treasury.
pub fn produce(world: &mut World) {
    let mut total = 0.0;
    let e = &mut world.economy;
    let rows = e
        .base_production
        .iter()
        .zip(&e.fit)
        .zip(e.treasury.iter_mut().zip(&mut e.own_tick));
    for ((&base, &fit), (treasury, own_tick)) in rows {
        let own = base * f64::from(fit);
        *treasury += own;
        *own_tick = own;
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
    let e = &mut world.economy;
    for (need, treasury) in e.need.iter_mut().zip(&mut e.treasury) {
        let pay = (*need * recovery).min(*treasury);
        *need -= pay;
        *treasury -= pay;
        let spend = *treasury * spend_rate;
        *treasury -= spend;
        out += pay + spend;
    }
    world.ledger.own_spending_out += out;
}
