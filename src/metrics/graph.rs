//! Borgatti's fragmentation of a sparse graph from its connected components, in O(nodes + edges).

use crate::world::Components;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(n: usize, edges: &[(u32, u32)]) -> Fragmentation {
        fragmentation(n, edges.iter().copied(), &mut Components::default())
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
