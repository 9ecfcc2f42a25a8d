//! The passes over the world that `record` reduces to its columns: over the tie slab (trust
//! sums, components, the trusted graph) and over the communities (stages, interdependence,
//! treasuries for the Gini, fit).
//!
//! On a pool of several threads and a large world the tie pass (one read of each tie, as on
//! one thread) runs beside the community pass as rayon tasks (`rayon::join`); after the tie
//! pass, components with coherence and transitivity (its triangles counted in one range of
//! communities per thread) are two more, and the Gini sorts its keys on the pool. Each task is
//! sequential inside and adds its floating-point terms in exactly the order of the one-thread
//! path, so the record is the same bits for any number of threads; which thread runs a task
//! changes nothing. On one thread, or in a small world (a sweep's runs), no task is spawned.

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
    pub triangle_marks: &'a mut Vec<Vec<u32>>,
    pub component_people: &'a mut Vec<f64>,
    pub largest_people: &'a mut Vec<f64>,
    pub treasuries: &'a mut SortBuffer,
}

/// The strong ties joined into components in slab order (the same unions, in the same order,
/// whatever else the pass does), and the trusted ties inside one network also joined in a
/// second union-find, for coherence.
struct Unions<'a> {
    threshold: f64,
    strong: usize,
    components: &'a mut Components,
    inner: &'a mut Components,
}

impl Unions<'_> {
    #[inline]
    fn add(&mut self, t: &Tie, same_network: bool) {
        if t.trust() >= self.threshold {
            self.strong += 1;
            self.components.union(t.a, t.b);
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
        triangle_marks,
        component_people,
        largest_people,
        treasuries,
    } = buffers;
    components.reset(n);
    inner.reset(n);
    let mut unions = Unions {
        threshold,
        strong: 0,
        components,
        inner,
    };
    let mut trusted = TrustedGraph::begin(n, triangles);
    let on_pool = n >= PARALLEL_MIN_COMMUNITIES && rayon::current_num_threads() > 1;
    // The one pass over the slab, on one thread: its sums add in slab order, and reading each
    // tie once is what it costs (split into passes that read the slab each, the tasks did
    // about a third more work than this pass, and lost to it on a busy machine).
    let ties_task = || {
        let mut sums = TieSums::default();
        for t in world.ties.live() {
            let same = same_network(world, t);
            sums.add(t, same);
            unions.add(t, same);
            if t.trust() >= threshold {
                trusted.push(t.a, t.b);
            }
        }
        let Unions {
            strong,
            components,
            inner,
            ..
        } = unions;
        // Then three independent reductions: components, coherence, transitivity (its
        // triangles counted in one range of communities per thread).
        let mut structure = || {
            (
                graph::summarize(components),
                super::coherence_of_joined(world, inner, component_people, largest_people),
            )
        };
        let ((fragmentation, coherence), transitivity) = if on_pool {
            triangle_marks.resize_with(rayon::current_num_threads().min(8), Vec::new);
            rayon::join(structure, || trusted.transitivity_in(triangle_marks))
        } else {
            (structure(), trusted.transitivity())
        };
        (sums, strong, fragmentation, coherence, transitivity)
    };
    // The community pass is independent of the ties: on a pool it runs beside them, and the
    // Gini sorts its keys on the pool.
    let ((ties, strong_ties, fragmentation, coherence, transitivity), communities) = if on_pool {
        rayon::join(ties_task, || community_pass(world, treasuries, true))
    } else {
        (ties_task(), community_pass(world, treasuries, false))
    };
    Passes {
        ties,
        strong_ties,
        fragmentation,
        transitivity,
        coherence,
        communities,
    }
}

/// One pass over the communities: stages, interdependence and the treasuries for the Gini;
/// then the members in networks, the Gini (its sort across the current pool if `on_pool`) and
/// the mean fit, each in community order.
fn community_pass(world: &World, treasuries: &mut SortBuffer, on_pool: bool) -> CommunitySums {
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
        resource_gini: super::gini_sorting(treasuries, on_pool),
        mean_fit: e.fit.iter().map(|&f| f64::from(f)).sum::<f64>() / nf,
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use crate::metrics::record;
    use crate::scenario::Params;
    use crate::world::testing::tiny_world;
    use crate::world::{Scratch, World};

    /// A world large enough for the tasks: ties of every trust (some removed, some added
    /// after, so the slab is out of row order), networks, treasuries, stages, flows of aid.
    fn busy_world(n: u32) -> World {
        let mut rng = crate::world::rng::ModelRng::seed_from_u64(11);
        let mut w = tiny_world(n);
        for c in 0..n as usize {
            w.economy.treasury[c] = if rng.random_bool(0.2) {
                0.0
            } else {
                rng.random::<f64>() * 40.0
            };
            w.stages[c] = rng.random_range(0..8);
            w.economy.inflow_avg[c] = rng.random::<f32>();
            w.economy.own_avg[c] = rng.random::<f32>();
            w.economy.fit[c] = rng.random::<f32>();
            w.communities[c].members = rng.random_range(5.0f32..50.0);
        }
        for _ in 0..6 * n {
            let a = rng.random_range(0..n);
            let b = (a + rng.random_range(1..40)) % n;
            if w.ties.find(a, b).is_none() {
                let id = w.ties.add(a, b, rng.random::<f64>());
                if rng.random_bool(0.05) {
                    w.ties.remove(id);
                }
            }
        }
        for start in (0..n - 64).step_by(300) {
            let members: Vec<u32> = (start..start + rng.random_range(2..64)).collect();
            w.found_network(&members, true);
        }
        w.refresh_networks();
        w
    }

    fn record_on(threads: usize, w: &World) -> Vec<u64> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut scratch = Scratch::default();
        let params = Params::default();
        pool.install(|| {
            // Twice: the second call reuses warm buffers.
            record(w, &params, &mut scratch);
            record(w, &params, &mut scratch)
        })
        .values()
        .iter()
        .map(|x| x.to_bits())
        .collect()
    }

    #[test]
    fn the_tasks_give_the_one_thread_record_to_the_bit() {
        let w = busy_world(2 * super::PARALLEL_MIN_COMMUNITIES as u32 + 123);
        let one = record_on(1, &w);
        assert_eq!(one, record_on(2, &w));
        assert_eq!(one, record_on(3, &w));
        // Not a degenerate world: every measure the tasks compute moved.
        let r = record(&w, &Params::default(), &mut Scratch::default());
        assert!(r.transitivity > 0.0 && r.coherence > 0.0 && r.resource_gini > 0.0);
        assert!(r.network_trust > 0.0 && r.interdependence > 0.0 && r.components > 1.0);
    }
}
