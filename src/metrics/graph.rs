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

/// Transitivity (global clustering coefficient) of the graph of ties with trust >= `threshold`
/// among `n` communities: 3 x triangles / connected triples, the share of paths a-b-c whose
/// ends are tied too (networkx's `transitivity`). 0 when there is no connected triple.
/// `marks` is a reusable buffer.
pub fn transitivity(n: usize, ties: &Ties, threshold: f64, marks: &mut Vec<u32>) -> f64 {
    let strong = |v: u32| {
        ties.ids_of(v)
            .iter()
            .map(|&id| &ties[id as usize])
            .filter(|t| t.alive && t.trust() >= threshold)
            .map(move |t| t.other(v))
    };
    // marks[w] = v + 1 while v's neighbours are marked; 0 = never marked.
    marks.clear();
    marks.resize(n, 0);
    let (mut triangles, mut triples) = (0u64, 0u64);
    for v in 0..n as u32 {
        let mut degree = 0u64;
        for w in strong(v) {
            marks[w as usize] = v + 1;
            degree += 1;
        }
        triples += degree * degree.saturating_sub(1) / 2;
        // Each triangle v < u < w once: from v, through a higher neighbour u, to u's higher
        // neighbours that are v's neighbours too.
        for u in strong(v).filter(|&u| u > v) {
            triangles += strong(u)
                .filter(|&w| w > u && marks[w as usize] == v + 1)
                .count() as u64;
        }
    }
    if triples == 0 {
        0.0
    } else {
        3.0 * triangles as f64 / triples as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut marks = Vec::new();
        // networkx.transitivity(networkx.karate_club_graph()) = 0.2556818181818182
        let t = transitivity(34, &ties(34, KARATE, &[]), 0.5, &mut marks);
        assert!((t - 0.2556818181818182).abs() < 1e-15, "{t}");
        // A triangle with a tail: networkx gives 0.6. Ties below the threshold do not count:
        // the weak ones would close two more triangles.
        let g = ties(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[(3, 0), (3, 1)]);
        assert!((transitivity(4, &g, 0.5, &mut marks) - 0.6).abs() < 1e-15);
        // No connected triple: 0, not NaN.
        assert_eq!(
            transitivity(3, &ties(3, &[(0, 1)], &[]), 0.5, &mut marks),
            0.0
        );
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
