//! Graph measures of the trusted tie graph: Borgatti's fragmentation from its connected
//! components, in O(nodes + edges), and transitivity (triadic closure), in O(sum of degree
//! squared), never over all pairs.

use crate::world::{Components, Ties};

/// Components of a graph and how fragmented it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fragmentation {
    pub components: usize,
    pub largest_component_share: f64,
    /// Borgatti's F = 1 - sum_k s_k (s_k - 1) / (N (N - 1)): the share of node pairs that
    /// cannot reach each other. 0 for a connected graph, 1 when every node is isolated.
    pub fragmentation: f64,
}

/// Fragmentation of the graph with `n` nodes and the given edges.
pub fn fragmentation(
    n: usize,
    edges: impl Iterator<Item = (u32, u32)>,
    uf: &mut Components,
) -> Fragmentation {
    uf.reset(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    summarize(uf)
}

/// Fragmentation of the graph whose edges were joined in `uf` (after [`Components::reset`]).
pub fn summarize(uf: &mut Components) -> Fragmentation {
    let n = uf.len();
    let (mut components, mut largest, mut reachable_pairs) = (0usize, 0u32, 0f64);
    for x in 0..n as u32 {
        if uf.find(x) == x {
            let s = uf.size_of(x);
            components += 1;
            largest = largest.max(s);
            reachable_pairs += s as f64 * (s as f64 - 1.0);
        }
    }
    let nn = n as f64;
    Fragmentation {
        components,
        largest_component_share: if n == 0 { 0.0 } else { largest as f64 / nn },
        fragmentation: if n < 2 {
            0.0
        } else {
            1.0 - reachable_pairs / (nn * (nn - 1.0))
        },
    }
}

/// Buffers of [`transitivity`] and [`TrustedGraph`], reused between calls.
pub struct TriangleBuffers<'a> {
    pub marks: &'a mut Vec<u32>,
    pub offsets: &'a mut Vec<u32>,
    pub forward: &'a mut Vec<u32>,
}

/// Transitivity (global clustering coefficient) of the graph of ties with trust >= `threshold`
/// among `n` communities: 3 x triangles / connected triples, the share of paths a-b-c whose
/// ends are tied too (networkx's `transitivity`). 0 when there is no connected triple.
/// One pass over the tie slab; `metrics::record` instead feeds a [`TrustedGraph`] from the
/// pass over the slab it makes anyway.
pub fn transitivity(n: usize, ties: &Ties, threshold: f64, buf: TriangleBuffers<'_>) -> f64 {
    let mut graph = TrustedGraph::begin(n, buf);
    for t in ties.live().filter(|t| t.trust() >= threshold) {
        graph.push(t.a, t.b);
    }
    graph.transitivity()
}

/// The trusted tie graph of one tick, gathered tie by tie, as compressed rows of each
/// community's higher-numbered neighbours: the triangle count reads only those small
/// contiguous rows instead of following every community's tie ids into the slab (32 bytes a
/// tie, out of cache in large worlds).
///
/// Ties arrive in slab order. After `Ties::compact` the slab is ordered by lower endpoint, so
/// the higher endpoints, in arrival order, already are the rows; otherwise (ties added since)
/// a counting sort lays them out. Either way the counts are integers and the result does not
/// depend on the order within a row.
pub struct TrustedGraph<'a> {
    /// Degree of each community in the trusted graph (then reused as marks).
    marks: &'a mut Vec<u32>,
    /// Row lengths at `v + 1`, then (prefix sums) row starts.
    offsets: &'a mut Vec<u32>,
    /// The ties as (lower, higher) pairs, then the rows.
    forward: &'a mut Vec<u32>,
    /// Whether the lower endpoints arrived in non-decreasing order.
    in_row_order: bool,
    last_low: u32,
}

impl<'a> TrustedGraph<'a> {
    /// An empty graph of `n` communities in these buffers.
    pub fn begin(n: usize, buf: TriangleBuffers<'a>) -> Self {
        let TriangleBuffers {
            marks,
            offsets,
            forward,
        } = buf;
        marks.clear();
        marks.resize(n, 0);
        offsets.clear();
        offsets.resize(n + 1, 0);
        forward.clear();
        TrustedGraph {
            marks,
            offsets,
            forward,
            in_row_order: true,
            last_low: 0,
        }
    }

    /// Adds the trusted tie a-b.
    #[inline]
    pub fn push(&mut self, a: u32, b: u32) {
        let (low, high) = (a.min(b), a.max(b));
        self.marks[a as usize] += 1;
        self.marks[b as usize] += 1;
        self.offsets[low as usize + 1] += 1;
        self.in_row_order &= low >= self.last_low;
        self.last_low = low;
        self.forward.extend_from_slice(&[low, high]);
    }

    /// 3 x triangles / connected triples (0 without a connected triple). O(n + sum over ties
    /// of the higher endpoint's row length).
    pub fn transitivity(self) -> f64 {
        self.transitivity_in(&mut [])
    }

    /// [`TrustedGraph::transitivity`], its triangles counted across the current rayon pool
    /// when `chunk_marks` holds two or more buffers: one fixed range of communities for each,
    /// which marks there (the count is an integer, so any split gives the same result).
    pub fn transitivity_in(self, chunk_marks: &mut [Vec<u32>]) -> f64 {
        let TrustedGraph {
            marks,
            offsets,
            forward,
            in_row_order,
            ..
        } = self;
        let n = marks.len();
        let triples: u64 = marks
            .iter()
            .map(|&d| u64::from(d) * u64::from(d.saturating_sub(1)) / 2)
            .sum();
        if triples == 0 {
            return 0.0;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let m = forward.len() / 2;
        if in_row_order {
            // The pairs are grouped by lower endpoint: keep the higher ones, in place.
            for i in 0..m {
                forward[i] = forward[2 * i + 1];
            }
        } else {
            // Counting sort into the space after the pairs; `marks` counts each row's
            // entries placed so far.
            forward.resize(3 * m, 0);
            marks.iter_mut().for_each(|x| *x = 0);
            for i in 0..m {
                let (low, high) = (forward[2 * i] as usize, forward[2 * i + 1]);
                let at = offsets[low] + marks[low];
                forward[2 * m + at as usize] = high;
                marks[low] += 1;
            }
            forward.copy_within(2 * m.., 0);
        }
        forward.truncate(m);
        let (forward, offsets) = (&forward[..], &offsets[..]);
        let triangles = if chunk_marks.len() > 1 {
            use rayon::prelude::*;
            let len = n.div_ceil(chunk_marks.len());
            chunk_marks
                .par_iter_mut()
                .enumerate()
                .map(|(chunk, marks)| {
                    marks.clear();
                    marks.resize(n, 0);
                    let range = (chunk * len).min(n)..((chunk + 1) * len).min(n);
                    count_triangles(forward, offsets, range, marks)
                })
                .sum()
        } else {
            marks.iter_mut().for_each(|x| *x = 0);
            count_triangles(forward, offsets, 0..n, marks)
        };
        3.0 * triangles as f64 / triples as f64
    }
}

/// Triangles v < u < w with v in `range`, on the rows `forward[offsets[v]..offsets[v + 1]]` of
/// higher neighbours: from v, through a higher neighbour u, to u's higher neighbours that are
/// v's neighbours too. `marks[w]` (zero at first) is v + 1 while v's row is marked.
fn count_triangles(
    forward: &[u32],
    offsets: &[u32],
    range: std::ops::Range<usize>,
    marks: &mut [u32],
) -> u64 {
    let row = |v: usize| &forward[offsets[v] as usize..offsets[v + 1] as usize];
    let mut triangles = 0u64;
    for v in range {
        let mark = v as u32 + 1;
        for &w in row(v) {
            marks[w as usize] = mark;
        }
        for &u in row(v) {
            triangles += row(u as usize)
                .iter()
                .filter(|&&w| marks[w as usize] == mark)
                .count() as u64;
        }
    }
    triangles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffers<'a>(
        marks: &'a mut Vec<u32>,
        offsets: &'a mut Vec<u32>,
        forward: &'a mut Vec<u32>,
    ) -> TriangleBuffers<'a> {
        TriangleBuffers {
            marks,
            offsets,
            forward,
        }
    }

    fn frag(n: usize, edges: &[(u32, u32)]) -> Fragmentation {
        fragmentation(n, edges.iter().copied(), &mut Components::default())
    }

    fn ties(n: usize, strong: &[(u32, u32)], weak: &[(u32, u32)]) -> Ties {
        let mut t = Ties::new(0.5);
        for _ in 0..n {
            t.push_community();
        }
        for &(a, b) in strong {
            t.add(a, b, 0.9);
        }
        for &(a, b) in weak {
            t.add(a, b, 0.1);
        }
        t
    }

    /// Zachary's karate club, edges as networkx 3.6.1 lists them (`karate_club_graph()`).
    const KARATE: &[(u32, u32)] = &[
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
        (0, 5),
        (0, 6),
        (0, 7),
        (0, 8),
        (0, 10),
        (0, 11),
        (0, 12),
        (0, 13),
        (0, 17),
        (0, 19),
        (0, 21),
        (0, 31),
        (1, 2),
        (1, 3),
        (1, 7),
        (1, 13),
        (1, 17),
        (1, 19),
        (1, 21),
        (1, 30),
        (2, 3),
        (2, 7),
        (2, 8),
        (2, 9),
        (2, 13),
        (2, 27),
        (2, 28),
        (2, 32),
        (3, 7),
        (3, 12),
        (3, 13),
        (4, 6),
        (4, 10),
        (5, 6),
        (5, 10),
        (5, 16),
        (6, 16),
        (8, 30),
        (8, 32),
        (8, 33),
        (9, 33),
        (13, 33),
        (14, 32),
        (14, 33),
        (15, 32),
        (15, 33),
        (18, 32),
        (18, 33),
        (19, 33),
        (20, 32),
        (20, 33),
        (22, 32),
        (22, 33),
        (23, 25),
        (23, 27),
        (23, 29),
        (23, 32),
        (23, 33),
        (24, 25),
        (24, 27),
        (24, 31),
        (25, 31),
        (26, 29),
        (26, 33),
        (27, 33),
        (28, 31),
        (28, 33),
        (29, 32),
        (29, 33),
        (30, 32),
        (30, 33),
        (31, 32),
        (31, 33),
        (32, 33),
    ];

    #[test]
    fn transitivity_equals_networkx() {
        let (mut marks, mut offsets, mut forward) = (Vec::new(), Vec::new(), Vec::new());
        // networkx.transitivity(networkx.karate_club_graph()) = 0.2556818181818182
        let t = transitivity(
            34,
            &ties(34, KARATE, &[]),
            0.5,
            buffers(&mut marks, &mut offsets, &mut forward),
        );
        assert!((t - 0.2556818181818182).abs() < 1e-15, "{t}");
        // A triangle with a tail: networkx gives 0.6. Ties below the threshold do not count:
        // the weak ones would close two more triangles.
        let g = ties(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[(3, 0), (3, 1)]);
        assert!(
            (transitivity(4, &g, 0.5, buffers(&mut marks, &mut offsets, &mut forward)) - 0.6).abs()
                < 1e-15
        );
        // No connected triple: 0, not NaN.
        assert_eq!(
            transitivity(
                3,
                &ties(3, &[(0, 1)], &[]),
                0.5,
                buffers(&mut marks, &mut offsets, &mut forward)
            ),
            0.0
        );
    }

    /// Against a direct count over every triple, on random graphs with weak and removed ties.
    #[test]
    #[allow(clippy::needless_range_loop)] // an adjacency matrix reads best indexed
    fn transitivity_equals_a_direct_count() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::world::rng::ModelRng::seed_from_u64(7);
        let (mut marks, mut offsets, mut forward) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..40 {
            let n = 3 + round % 17;
            let mut t = Ties::new(0.5);
            for _ in 0..n {
                t.push_community();
            }
            let mut strong = vec![vec![false; n]; n];
            for a in 0..n {
                for b in a + 1..n {
                    if rng.random_bool(0.35) {
                        let trust = if rng.random_bool(0.7) { 0.9 } else { 0.2 };
                        let id = t.add(a as u32, b as u32, trust);
                        if rng.random_bool(0.1) {
                            t.remove(id);
                        } else if trust >= 0.5 {
                            (strong[a][b], strong[b][a]) = (true, true);
                        }
                    }
                }
            }
            let (mut triangles, mut triples) = (0u64, 0u64);
            for v in 0..n {
                let d = (0..n).filter(|&w| strong[v][w]).count() as u64;
                triples += d * d.saturating_sub(1) / 2;
                for u in v + 1..n {
                    for w in u + 1..n {
                        triangles += u64::from(strong[v][u] && strong[u][w] && strong[v][w]);
                    }
                }
            }
            let expected = if triples == 0 {
                0.0
            } else {
                3.0 * triangles as f64 / triples as f64
            };
            let got = transitivity(n, &t, 0.5, buffers(&mut marks, &mut offsets, &mut forward));
            assert_eq!(got, expected, "round {round}");
            // Ties that do not arrive grouped by lower endpoint (reversed, so the rows are
            // laid out by the counting sort) count the same.
            let strong: Vec<(u32, u32)> = t
                .live()
                .filter(|x| x.trust() >= 0.5)
                .map(|x| (x.a, x.b))
                .collect();
            let mut g = TrustedGraph::begin(n, buffers(&mut marks, &mut offsets, &mut forward));
            for &(a, b) in strong.iter().rev() {
                g.push(b, a);
            }
            assert_eq!(g.transitivity(), expected, "round {round}, reversed");
            // Triangles counted in ranges of communities, each with its own marks.
            let mut g = TrustedGraph::begin(n, buffers(&mut marks, &mut offsets, &mut forward));
            for &(a, b) in &strong {
                g.push(a, b);
            }
            let mut chunk_marks = vec![Vec::new(); 1 + round % 4];
            assert_eq!(
                g.transitivity_in(&mut chunk_marks),
                expected,
                "round {round}, in {} ranges",
                chunk_marks.len()
            );
        }
    }

    #[test]
    fn connected_graph_is_not_fragmented() {
        let f = frag(4, &[(0, 1), (1, 2), (2, 3)]);
        assert_eq!(
            f,
            Fragmentation {
                components: 1,
                largest_component_share: 1.0,
                fragmentation: 0.0
            }
        );
    }

    #[test]
    fn isolates_are_fully_fragmented() {
        let f = frag(5, &[]);
        assert_eq!(
            f,
            Fragmentation {
                components: 5,
                largest_component_share: 0.2,
                fragmentation: 1.0
            }
        );
    }

    #[test]
    fn two_pairs_and_an_isolate_match_a_hand_computation() {
        // Components of sizes 2, 2, 1 among N = 5: F = 1 - (2 + 2 + 0) / 20 = 0.8.
        let f = frag(5, &[(0, 1), (2, 3)]);
        assert_eq!(f.components, 3);
        assert!((f.fragmentation - 0.8).abs() < 1e-12);
        assert!((f.largest_component_share - 0.4).abs() < 1e-12);
        // A triangle plus an isolate: F = 1 - 6 / 12 = 0.5.
        let f = frag(4, &[(0, 1), (1, 2), (2, 0)]);
        assert!((f.fragmentation - 0.5).abs() < 1e-12);
    }
}
