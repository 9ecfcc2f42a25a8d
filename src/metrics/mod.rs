//! Metrics: pure functions from the world to the numbers users read, one record per tick.
//!
//! The column names are an interface (scripts depend on them); `COLUMNS` is their one source.
//! Every metric is finite by construction: ratios with an empty denominator are defined as 0
//! (or 1 for retention before anyone could return), never NaN.

pub mod graph;

use crate::scenario::Params;
use crate::world::Scratch;
use crate::world::{NO_NETWORK, SortBuffer, World};

macro_rules! define_record {
    ($( $field:ident ),* $(,)?) => {
        /// One tick's metrics. Field order is the CSV column order.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Record { $( pub $field: f64, )* }

        /// Metric column names, in order.
        pub const COLUMNS: &[&str] = &[$( stringify!($field) ),*];

        impl Record {
            /// The metrics in column order.
            pub fn values(&self) -> Vec<f64> {
                vec![$( self.$field ),*]
            }
        }
    };
}

define_record!(
    tick,
    communities,
    ties,
    mean_trust,
    components,
    largest_component_share,
    fragmentation,
    networks,
    network_members_share,
    coordination_capacity,
    coordination_value,
    coordination_funding,
    coordination_value_gap,
    cumulative_coordination_value_gap,
    coordination_funded_share,
    direct_value,
    direct_funding,
    aid_flow,
    pooled_resources,
    collective_actions_started,
    collective_actions_succeeded,
    interdependence,
    coherence,
    inclusion,
    specialist_retention,
    generalist_retention,
    resource_gini,
    stage_0,
    stage_1,
    stage_2,
    stage_3,
    stage_4,
    stage_5,
    stage_6,
    stage_7,
    volunteer_energy,
    mean_network_people,
    network_trust,
    network_coverage,
    gathering_participants,
    library_entries,
    network_value,
    peer_value,
);

/// Metrics that are flows per tick: their sums over a run are reported as cumulative values.
/// The first two are value and funding of coordination (their ratio is also reported).
pub const FLOW_COLUMNS: &[&str] = &[
    "coordination_value",
    "coordination_funding",
    "direct_value",
    "direct_funding",
    "aid_flow",
    "collective_actions_started",
    "collective_actions_succeeded",
    "network_value",
    "peer_value",
];

/// Computes the metrics of the world as it stands.
pub fn record(world: &World, params: &Params, scratch: &mut Scratch) -> Record {
    let n = world.n_communities();
    let nf = n.max(1) as f64;
    let threshold = params.trust.tie_threshold;
    let (mut strong_ties, mut trust_sum, mut live) = (0usize, 0.0, 0usize);
    let (mut inside_sum, mut inside) = (0.0, 0usize);
    // One pass over the ties: the sums, and the strong ties joined into components in tie
    // order (the same unions, in the same order, as a separate pass).
    let uf = &mut scratch.components;
    uf.reset(n);
    for t in world.ties.live() {
        live += 1;
        trust_sum += t.trust();
        let na = world.network_of(t.a);
        if na != NO_NETWORK && na == world.network_of(t.b) {
            inside += 1;
            inside_sum += t.trust();
        }
        if t.trust() >= threshold {
            strong_ties += 1;
            uf.union(t.a, t.b);
        }
    }
    let frag = graph::summarize(uf);

    let members_in_networks = world
        .memberships()
        .iter()
        .filter(|&&n| n != NO_NETWORK)
        .count();
    let network_members_share = members_in_networks as f64 / nf;
    let live_networks = || world.networks.iter().filter(|n| n.alive);
    let (mut alignment_weighted, mut energy_sum, mut people_sum, mut library, mut coverage_sum) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut networks = 0.0;
    for net in live_networks() {
        networks += 1.0;
        alignment_weighted += (1.0 - net.value_spread) * net.members.len() as f64;
        energy_sum += net.coord.energy;
        people_sum += net.people;
        library += net.library;
        coverage_sum += net.coord.coverage;
    }
    let within_alignment = if members_in_networks > 0 {
        alignment_weighted / members_in_networks as f64
    } else {
        0.0
    };
    let per_network = |x: f64| if networks > 0.0 { x / networks } else { 0.0 };

    let flows = &world.flows;
    let gap = flows.coordination_value - flows.coordination_funding;
    let mut stages = [0.0; 8];
    let mut interdependence = 0.0;
    // One pass over the communities: stages, interdependence, and the treasuries for the Gini.
    let treasuries = &mut scratch.radix;
    treasuries.clear();
    let e = &world.economy;
    let rows = e
        .treasury
        .iter()
        .zip(&world.stages)
        .zip(e.inflow_avg.iter().zip(&e.own_avg));
    for ((&treasury, &stage), (&inflow_avg, &own_avg)) in rows {
        treasuries.push(treasury.max(0.0));
        stages[stage as usize] += 1.0 / nf;
        let (inflow_avg, own_avg) = (f64::from(inflow_avg), f64::from(own_avg));
        let total = inflow_avg + own_avg;
        if total > 0.0 {
            interdependence += inflow_avg / total / nf;
        }
    }
    let g = &world.gatherings;
    Record {
        tick: world.tick as f64,
        communities: n as f64,
        ties: strong_ties as f64,
        mean_trust: if live > 0 {
            trust_sum / live as f64
        } else {
            0.0
        },
        network_trust: if inside > 0 {
            inside_sum / inside as f64
        } else {
            0.0
        },
        components: frag.components as f64,
        largest_component_share: frag.largest_component_share,
        fragmentation: frag.fragmentation,
        networks,
        network_members_share,
        coordination_capacity: world.open.capacity
            + live_networks().map(|n| n.coord.capacity).sum::<f64>(),
        coordination_value: flows.coordination_value,
        coordination_funding: flows.coordination_funding,
        coordination_value_gap: gap,
        cumulative_coordination_value_gap: world.cumulative_gap,
        coordination_funded_share: if flows.coordination_value > 0.0 {
            flows.coordination_funding / flows.coordination_value
        } else {
            0.0
        },
        direct_value: flows.direct_value,
        direct_funding: flows.direct_funding,
        aid_flow: flows.aid,
        pooled_resources: live_networks().map(|n| n.pool).sum::<f64>() + 0.0, // + 0.0 turns an empty sum's -0 into 0
        collective_actions_started: flows.projects_started as f64,
        collective_actions_succeeded: flows.projects_succeeded as f64,
        interdependence,
        coherence: within_alignment * network_members_share,
        inclusion: g.specialist_retention.min(g.generalist_retention),
        specialist_retention: g.specialist_retention,
        generalist_retention: g.generalist_retention,
        resource_gini: gini_of_pushed(&mut scratch.radix),
        stage_0: stages[0],
        stage_1: stages[1],
        stage_2: stages[2],
        stage_3: stages[3],
        stage_4: stages[4],
        stage_5: stages[5],
        stage_6: stages[6],
        stage_7: stages[7],
        volunteer_energy: per_network(energy_sum),
        mean_network_people: per_network(people_sum),
        network_coverage: per_network(coverage_sum),
        gathering_participants: g.participants,
        library_entries: library,
        network_value: world.flows.network_value,
        peer_value: world.flows.peer_value,
    }
}

/// Gini coefficient of non-negative amounts (0 when all are equal or all are zero).
pub fn gini(amounts: impl Iterator<Item = f64>, buffer: &mut SortBuffer) -> f64 {
    buffer.clear();
    amounts.for_each(|x| buffer.push(x));
    gini_of_pushed(buffer)
}

/// Gini coefficient of the amounts pushed into `buffer` (non-negative); sorts them.
pub fn gini_of_pushed(buffer: &mut SortBuffer) -> f64 {
    let n = buffer.len();
    let total: f64 = buffer.amounts().sum();
    if n < 2 || total <= 0.0 {
        return 0.0;
    }
    buffer.sort();
    // G = sum_i (2i - n - 1) x_i / (n sum x), with i from 1 on sorted values.
    let weighted: f64 = buffer
        .amounts()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * x)
        .sum();
    weighted / (n as f64 * total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_of_known_distributions() {
        let mut b = SortBuffer::default();
        assert_eq!(gini([1.0, 1.0, 1.0].into_iter(), &mut b), 0.0);
        assert!((gini([0.0, 0.0, 0.0, 4.0].into_iter(), &mut b) - 0.75).abs() < 1e-12);
        assert_eq!(gini([0.0, 0.0].into_iter(), &mut b), 0.0);
    }

    #[test]
    fn columns_start_with_tick_and_hold_every_stage() {
        assert_eq!(COLUMNS[0], "tick");
        for s in 0..8 {
            assert!(COLUMNS.contains(&format!("stage_{s}").as_str()));
        }
        assert_eq!(Record::default().values().len(), COLUMNS.len());
        // The issue fixes this order for the columns users' scripts rely on.
        let fixed = "tick,communities,ties,mean_trust,components,largest_component_share,fragmentation,networks,\
network_members_share,coordination_capacity,coordination_value,coordination_funding,coordination_value_gap,\
cumulative_coordination_value_gap,coordination_funded_share,direct_value,direct_funding,aid_flow,\
pooled_resources,collective_actions_started,collective_actions_succeeded,interdependence,coherence,inclusion,\
specialist_retention,generalist_retention,resource_gini,stage_0,stage_1,stage_2,stage_3,stage_4,stage_5,\
stage_6,stage_7";
        assert!(COLUMNS.join(",").starts_with(fixed));
    }
}
