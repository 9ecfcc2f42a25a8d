//! Metrics: pure functions from the world to the numbers users read, one record per tick.
//!
//! The column names are an interface (scripts depend on them); `COLUMNS` is their one source.
//! Every metric is finite by construction: ratios with an empty denominator are defined as 0
//! (or 1 for retention before anyone could return), never NaN.

pub mod graph;
pub mod measures;
pub mod passes;

use crate::scenario::Params;
use crate::world::{Components, NO_NETWORK, Scratch, SortBuffer, World};
use passes::Passes;

macro_rules! define_record {
    ($( $field:ident ),* $(,)?) => {
        /// One tick's metrics. Field order is the CSV column order.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Record { $( pub $field: f64, )* }

        /// Metric column names, in order.
        pub const COLUMNS: &[&str] = &[$( stringify!($field) ),*];

        /// The number of metric columns.
        pub const COLUMN_COUNT: usize = COLUMNS.len();

        impl Record {
            /// The metrics in column order.
            pub fn values(&self) -> Vec<f64> {
                self.array().to_vec()
            }

            /// The metrics in column order, without a heap allocation (writers call this for
            /// every row).
            pub fn array(&self) -> [f64; COLUMN_COUNT] {
                [$( self.$field ),*]
            }

            /// A record with every column NaN: not measured.
            fn unmeasured() -> Record {
                Record { $( $field: f64::NAN, )* }
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
    total_value,
    mean_fit,
    peer_value,
    transitivity,
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
    "total_value",
    "peer_value",
];

/// The record of a tick that is not measured: its tick and its flows ([`FLOW_COLUMNS`], which
/// a run's totals sum over every tick), read off the world's counters for the tick; every other
/// column NaN, not measured. O(1): what a run records at the ticks its outputs do not keep
/// (`sim::Measured`). [`record`] fills the same columns with the same values.
pub fn record_flows(world: &World) -> Record {
    let flows = &world.flows;
    Record {
        tick: world.tick as f64,
        coordination_value: flows.coordination_value,
        coordination_funding: flows.coordination_funding,
        direct_value: flows.direct_value,
        direct_funding: flows.direct_funding,
        aid_flow: flows.aid,
        collective_actions_started: flows.projects_started as f64,
        collective_actions_succeeded: flows.projects_succeeded as f64,
        network_value: flows.network_value,
        total_value: flows.production + flows.coordination_value + flows.peer_value,
        peer_value: flows.peer_value,
        ..Record::unmeasured()
    }
}

/// Computes the metrics of the world as it stands. The passes over ties and communities run
/// as tasks on the current pool in a large world (see `passes`); the record is the same bits
/// for any number of threads.
pub fn record(world: &World, params: &Params, scratch: &mut Scratch) -> Record {
    let n = world.n_communities();
    let nf = n.max(1) as f64;
    let Passes {
        ties: sums,
        strong_ties,
        fragmentation: frag,
        transitivity,
        coherence,
        communities,
    } = passes::run(
        world,
        params.trust.tie_threshold,
        passes::Buffers {
            components: &mut scratch.components,
            inner: &mut scratch.inner_components,
            triangles: graph::TriangleBuffers {
                marks: &mut scratch.marks,
                offsets: &mut scratch.offsets,
                forward: &mut scratch.forward,
            },
            triangle_marks: &mut scratch.triangle_marks,
            component_people: &mut scratch.component_people,
            largest_people: &mut scratch.largest_people,
            treasuries: &mut scratch.radix,
        },
    );
    let network_members_share = communities.members_in_networks as f64 / nf;
    let live_networks = || world.networks.iter().filter(|n| n.alive);
    let (mut energy_sum, mut people_sum, mut library, mut coverage_sum) = (0.0, 0.0, 0.0, 0.0);
    let mut networks = 0.0;
    for net in live_networks() {
        networks += 1.0;
        energy_sum += net.coord.energy;
        people_sum += net.people;
        library += net.library;
        coverage_sum += net.coord.coverage;
    }
    let per_network = |x: f64| if networks > 0.0 { x / networks } else { 0.0 };

    let flows = &world.flows;
    let gap = flows.coordination_value - flows.coordination_funding;
    let g = &world.gatherings;
    Record {
        communities: n as f64,
        ties: strong_ties as f64,
        mean_trust: if sums.live > 0 {
            sums.trust_sum / sums.live as f64
        } else {
            0.0
        },
        network_trust: if sums.inside > 0 {
            sums.inside_sum / sums.inside as f64
        } else {
            0.0
        },
        components: frag.components as f64,
        largest_component_share: frag.largest_component_share,
        fragmentation: frag.fragmentation,
        transitivity,
        networks,
        network_members_share,
        coordination_capacity: world.open.capacity
            + live_networks().map(|n| n.coord.capacity).sum::<f64>(),
        coordination_value_gap: gap,
        cumulative_coordination_value_gap: world.cumulative_gap,
        coordination_funded_share: if flows.coordination_value > 0.0 {
            flows.coordination_funding / flows.coordination_value
        } else {
            0.0
        },
        pooled_resources: live_networks().map(|n| n.pool).sum::<f64>() + 0.0, // + 0.0 turns an empty sum's -0 into 0
        interdependence: communities.interdependence,
        coherence,
        inclusion: g.specialist_retention.min(g.generalist_retention),
        specialist_retention: g.specialist_retention,
        generalist_retention: g.generalist_retention,
        resource_gini: communities.resource_gini,
        stage_0: communities.stages[0],
        stage_1: communities.stages[1],
        stage_2: communities.stages[2],
        stage_3: communities.stages[3],
        stage_4: communities.stages[4],
        stage_5: communities.stages[5],
        stage_6: communities.stages[6],
        stage_7: communities.stages[7],
        volunteer_energy: per_network(energy_sum),
        mean_network_people: per_network(people_sum),
        network_coverage: per_network(coverage_sum),
        gathering_participants: g.participants,
        library_entries: library,
        mean_fit: communities.mean_fit,
        ..record_flows(world)
    }
}

/// Coherence (coherent action): the share of networks' people who are in the largest trusted
/// component of their own network's internal tie graph, i.e. per network n the people of its
/// largest component of ties with trust >= `trust.tie_threshold` between two members of n,
/// over its people, averaged over networks weighted by people:
///   coherence = sum_n largest_n / sum_n people_n.
/// 0 when no community is in a network (nobody acts as a network). `scratch.inner_components`
/// must hold those ties' unions (see [`record`]). Fills `largest` (people of each network's
/// largest component, by network index) and `people` (of each component, by root).
/// O(communities + networks), no allocation once warm.
fn coherence_of_joined(
    world: &World,
    inner: &mut Components,
    people: &mut Vec<f64>,
    largest: &mut Vec<f64>,
) -> f64 {
    let n = world.n_communities();
    people.clear();
    people.resize(n, 0.0);
    largest.clear();
    largest.resize(world.networks.len(), 0.0);
    let mut in_networks = 0.0;
    for (c, &net) in world.memberships().iter().enumerate() {
        if net != NO_NETWORK {
            let m = f64::from(world.communities[c].members);
            people[inner.find(c as u32) as usize] += m;
            in_networks += m;
        }
    }
    // Every member of a component is in the same network (only ties inside one join), so the
    // root's network is the component's.
    let mut in_largest = 0.0;
    for (c, &net) in world.memberships().iter().enumerate() {
        if net != NO_NETWORK && inner.find(c as u32) == c as u32 {
            let l = &mut largest[net as usize];
            *l = l.max(people[c]);
        }
    }
    for (i, net) in world.networks.iter().enumerate() {
        if net.alive {
            in_largest += largest[i];
        }
    }
    if in_networks > 0.0 {
        in_largest / in_networks
    } else {
        0.0
    }
}

/// One network at one tick: its size, the trust inside it and how coherently it can act.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkRecord {
    pub tick: u32,
    /// The network's label (its sequential name).
    pub label: u32,
    pub communities: u32,
    pub people: f64,
    /// Live ties between two members, and their mean trust (0 if none).
    pub ties: u32,
    pub trust: f64,
    /// Share of its people in the largest trusted component of its internal tie graph.
    pub coherence: f64,
}

/// Every live network's record (in network order), appended to `out`. Not part of the
/// per-tick record: `sim` takes it at snapshot ticks. O(communities + ties).
pub fn network_records(
    world: &World,
    params: &Params,
    scratch: &mut Scratch,
    out: &mut Vec<NetworkRecord>,
) {
    let threshold = params.trust.tie_threshold;
    let inner = &mut scratch.inner_components;
    inner.reset(world.n_communities());
    let (mut ties, mut trust) = (
        vec![0u32; world.networks.len()],
        vec![0.0; world.networks.len()],
    );
    for t in world.ties.live() {
        let na = world.network_of(t.a);
        if na != NO_NETWORK && na == world.network_of(t.b) {
            ties[na as usize] += 1;
            trust[na as usize] += t.trust();
            if t.trust() >= threshold {
                inner.union(t.a, t.b);
            }
        }
    }
    coherence_of_joined(
        world,
        &mut scratch.inner_components,
        &mut scratch.component_people,
        &mut scratch.largest_people,
    );
    for (i, net) in world.networks.iter().enumerate().filter(|(_, n)| n.alive) {
        let people: f64 = net
            .members
            .iter()
            .map(|&m| f64::from(world.communities[m as usize].members))
            .sum();
        out.push(NetworkRecord {
            tick: world.tick,
            label: net.label,
            communities: net.members.len() as u32,
            people,
            ties: ties[i],
            trust: if ties[i] > 0 {
                trust[i] / f64::from(ties[i])
            } else {
                0.0
            },
            coherence: if people > 0.0 {
                scratch.largest_people[i] / people
            } else {
                0.0
            },
        });
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
    gini_sorting(buffer, false)
}

/// [`gini_of_pushed`], sorting across the current rayon pool if `on_pool` (the same sorted
/// amounts, so the same result to the bit).
fn gini_sorting(buffer: &mut SortBuffer, on_pool: bool) -> f64 {
    let n = buffer.len();
    let total: f64 = buffer.amounts().sum();
    if n < 2 || total <= 0.0 {
        return 0.0;
    }
    if on_pool {
        buffer.sort_on_pool();
    } else {
        buffer.sort();
    }
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
    fn coherence_is_the_people_share_in_each_networks_largest_trusted_component() {
        use crate::world::testing::tiny_world;
        let params = Params::default();
        let mut scratch = Scratch::default();
        // 8 communities of 10 people; none in a network yet: coherence 0.
        let mut w = tiny_world(8);
        assert_eq!(record(&w, &params, &mut scratch).coherence, 0.0);
        // Network A = {0,1,2,3}: 0-1-2 trusted, 3 tied only weakly. Network B = {4,5}: tied.
        // 6 and 7 are outside; a trusted tie from 3 to 6 crosses the boundary and counts not.
        w.found_network(&[0, 1, 2, 3], true);
        w.found_network(&[4, 5], true);
        w.ties.add(0, 1, 0.9);
        w.ties.add(1, 2, 0.6);
        w.ties.add(2, 3, 0.3);
        w.ties.add(3, 6, 0.9);
        w.ties.add(4, 5, 0.7);
        w.ties.add(6, 7, 0.9);
        w.refresh_networks();
        // A: 30 of 40 people in its largest component; B: 20 of 20. (30 + 20) / 60.
        let r = record(&w, &params, &mut scratch);
        assert!((r.coherence - 50.0 / 60.0).abs() < 1e-12, "{}", r.coherence);
        let mut out = Vec::new();
        network_records(&w, &params, &mut scratch, &mut out);
        assert_eq!(out.len(), 2);
        assert!((out[0].coherence - 0.75).abs() < 1e-12);
        assert_eq!(
            (out[0].ties, out[0].communities, out[0].people),
            (3, 4, 40.0)
        );
        assert!((out[0].trust - (0.9 + 0.6 + 0.3) / 3.0).abs() < 1e-6);
        assert_eq!(out[1].coherence, 1.0);
        // People, not communities, weigh: with 70 people, member 3 alone is A's largest
        // component (70 of 100 people), and A's coherence is 0.7.
        w.communities[3].members = 70.0;
        let r = record(&w, &params, &mut scratch);
        assert!(
            (r.coherence - 90.0 / 120.0).abs() < 1e-12,
            "{}",
            r.coherence
        );
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
