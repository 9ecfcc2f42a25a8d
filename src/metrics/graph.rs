//! Connected components and Borgatti's fragmentation on a sparse graph, in O(nodes + edges).

/// Union-find over node indices, reused across ticks (buffers are cleared, not reallocated).
#[derive(Debug, Default, Clone)]
pub struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Components {
    /// Every node in its own component.
    pub fn reset(&mut self, n: usize) {
        self.parent.clear();
        self.parent.extend(0..n as u32);
        self.size.clear();
        self.size.resize(n, 1);
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        // Union by size; on equal size the lower index becomes the root (deterministic).
        let (big, small) = match self.size[ra as usize].cmp(&self.size[rb as usize]) {
            std::cmp::Ordering::Less => (rb, ra),
            std::cmp::Ordering::Greater => (ra, rb),
            std::cmp::Ordering::Equal => (ra.min(rb), ra.max(rb)),
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }

    /// Size of the component containing `x`.
    pub fn size_of(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }
}

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
            let s = uf.size[x as usize];
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
