//! The passes over the world that `record` reduces to its columns: over the tie slab (trust
//! sums, components, the trusted graph) and over the communities (stages, interdependence,
//! treasuries for the Gini, fit).
//!
//! On a pool of several threads and a large world they run as independent rayon tasks
//! (`rayon::join`): the tie sums, the tie graph (then, in two more tasks, transitivity and
//! components with coherence) and the community pass. Each task is sequential inside and adds
//! its floating-point terms in exactly the order of the one-thread path, so the record is the
//! same bits for any number of threads; which thread runs a task changes nothing. On one
//! thread, or in a small world (a sweep's runs), one fused pass over the slab reads each tie
//! once and no task is spawned.

use super::graph::{self, Fragmentation, TriangleBuffers, TrustedGraph};
use crate::world::{Components, NO_NETWORK, SortBuffer, Tie, World};

/// The fewest communities for which `record` splits into tasks: below it a task is too
/// short to pay for the hand-over (the model's phases split at 2,048 communities a chunk).
pub const PARALLEL_MIN_COMMUNITIES: usize = 8192;

/// Sums over the live ties, in slab order.
#[derive(Debug, Default, Clone, Copy)]
pub struct TieSums {
    pub live: usize,
    pub trust_sum: f64,
    /// Ties between two members of one network, and the sum of their trust.
    pub inside: usize,
    pub inside_sum: f64,
}

impl TieSums {
    #[inline]
    fn add(&mut self, t: &Tie, same_network: bool) {
        self.live += 1;
        self.trust_sum += t.trust();
        // Without a branch (whether a tie is inside a network is a coin toss to the branch
        // predictor): adding +0.0 leaves the sum's value as it is (it starts at +0.0 and
        // trust is never negative), so the sum and its order are those of adding only the
        // ties inside.
        self.inside += usize::from(same_network);
        self.inside_sum += if same_network { t.trust() } else { 0.0 };
    }
}

/// What the passes give `record`.
pub struct Passes {
    pub ties: TieSums,
    /// Ties with trust >= `trust.tie_threshold`.
    pub strong_ties: usize,
    pub fragmentation: Fragmentation,
    pub transitivity: f64,
    pub coherence: f64,
    pub communities: CommunitySums,
}

/// Sums over the communities, in community order.
#[derive(Debug, Clone, Copy)]
pub struct CommunitySums {
    pub members_in_networks: usize,
    pub stages: [f64; 8],
    pub interdependence: f64,
    pub resource_gini: f64,
    pub mean_fit: f64,
}

/// The scratch buffers the passes fill, borrowed apart so that tasks can hold them at once.
pub struct Buffers<'a> {
    pub components: &'a mut Components,
    pub inner: &'a mut Components,
    pub triangles: TriangleBuffers<'a>,
    pub component_people: &'a mut Vec<f64>,
    pub largest_people: &'a mut Vec<f64>,
    pub treasuries: &'a mut SortBuffer,
}

/// The strong ties joined into components in slab order (the same unions, in the same order,
/// whatever else the pass does), the trusted ties inside one network also joined in a second
/// union-find, for coherence, and every trusted tie put into the graph whose triangles give
/// transitivity.
struct TieGraph<'a> {
    threshold: f64,
    strong: usize,
    components: &'a mut Components,
    inner: &'a mut Components,
    trusted: TrustedGraph<'a>,
}

impl TieGraph<'_> {
    #[inline]
    fn add(&mut self, t: &Tie, same_network: bool) {
        if t.trust() >= self.threshold {
            self.strong += 1;
            self.components.union(t.a, t.b);
            self.trusted.push(t.a, t.b);
            if same_network {
                self.inner.union(t.a, t.b);
            }
        }
    }
}

/// Whether tie `t` joins two members of one network.
#[inline]
fn same_network(world: &World, t: &Tie) -> bool {
    let na = world.network_of(t.a);
    na != NO_NETWORK && na == world.network_of(t.b)
}

/// Every pass, as tasks on the current pool when it has several threads and the world is
/// large, else in one thread with the tie passes fused.
pub fn run(world: &World, threshold: f64, buffers: Buffers<'_>) -> Passes {
    let n = world.n_communities();
    let Buffers {
        components,
        inner,
        triangles,
        component_people,
        largest_people,
        treasuries,
    } = buffers;
    components.reset(n);
    inner.reset(n);
    let mut tie_graph = TieGraph {
        threshold,
        strong: 0,
        components,
        inner,
        trusted: TrustedGraph::begin(n, triangles),
    };
    if n < PARALLEL_MIN_COMMUNITIES || rayon::current_num_threads() < 2 {
        let mut sums = TieSums::default();
        for t in world.ties.live() {
            let same = same_network(world, t);
            sums.add(t, same);
            tie_graph.add(t, same);
        }
        let (strong_ties, fragmentation, coherence, transitivity) =
            finish(world, tie_graph, component_people, largest_people, false);
        return Passes {
            ties: sums,
            strong_ties,
            fragmentation,
            transitivity,
            coherence,
            communities: community_pass(world, treasuries),
        };
    }
    // The tie graph is the longest task: it stays on this thread, the others are there to
    // steal.
    let ((strong_ties, fragmentation, coherence, transitivity), (ties, communities)) = rayon::join(
        || {
            for t in world.ties.live() {
                tie_graph.add(t, same_network(world, t));
            }
            finish(world, tie_graph, component_people, largest_people, true)
        },
        || {
            rayon::join(
                || {
                    let mut sums = TieSums::default();
                    for t in world.ties.live() {
                        sums.add(t, same_network(world, t));
                    }
                    sums
                },
                || community_pass(world, treasuries),
            )
        },
    );
    Passes {
        ties,
        strong_ties,
        fragmentation,
        transitivity,
        coherence,
        communities,
    }
}

/// The rest of the graph work once the ties are joined: components, coherence and
/// transitivity, independent of each other (two tasks when `split`). Gives the strong ties,
/// fragmentation, coherence and transitivity.
fn finish(
    world: &World,
    tie_graph: TieGraph<'_>,
    component_people: &mut Vec<f64>,
    largest_people: &mut Vec<f64>,
    split: bool,
) -> (usize, Fragmentation, f64, f64) {
    let TieGraph {
        strong,
        components,
        inner,
        trusted,
        ..
    } = tie_graph;
    let mut structure = move || {
        let fragmentation = graph::summarize(components);
        let coherence = super::coherence_of_joined(world, inner, component_people, largest_people);
        (fragmentation, coherence)
    };
    let ((fragmentation, coherence), transitivity) = if split {
        rayon::join(structure, || trusted.transitivity())
    } else {
        (structure(), trusted.transitivity())
    };
    (strong, fragmentation, coherence, transitivity)
}

/// One pass over the communities: stages, interdependence and the treasuries for the Gini;
/// then the members in networks, the Gini and the mean fit, each in community order.
fn community_pass(world: &World, treasuries: &mut SortBuffer) -> CommunitySums {
    let nf = world.n_communities().max(1) as f64;
    let mut stages = [0.0; 8];
    let mut interdependence = 0.0;
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
    CommunitySums {
        members_in_networks: world
            .memberships()
            .iter()
            .filter(|&&n| n != NO_NETWORK)
            .count(),
        stages,
        interdependence,
        resource_gini: super::gini_of_pushed(treasuries),
        mean_fit: e.fit.iter().map(|&f| f64::from(f)).sum::<f64>() / nf,
    }
}
