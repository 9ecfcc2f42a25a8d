//! A deterministic force-directed layout of the tie graph, computed once for every community
//! of every snapshot so that positions do not move from frame to frame.
//!
//! Start: regions on a circle, each region's communities on a sunflower spiral around its
//! point. Then Fruchterman-Reingold on the union of all snapshot ties (a tie pulls harder the
//! more snapshots it is present in), with repulsion only between nearby communities (a grid, so
//! the cost is linear in communities), a pull towards the centre of the network a community
//! last belonged to (so networks read as clusters), a weak pull towards its region, and a
//! temperature that cools linearly. No randomness: the same snapshots give the same
//! positions, bit for bit. A community that appears in a later snapshot has its place from
//! the start and is simply not drawn before it appears.

use std::collections::BTreeMap;

use crate::output::schema::{NodeRow, TieRow};

/// Positions in the unit square, by community.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub positions: BTreeMap<u32, (f64, f64)>,
}

impl Layout {
    pub fn get(&self, community: u32) -> Option<(f64, f64)> {
        self.positions.get(&community).copied()
    }
}

const ITERATIONS: usize = 300;
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// Lays out every community in `nodes` using every tie in `ties`.
pub fn compute(nodes: &[NodeRow], ties: &[TieRow]) -> Layout {
    // Communities and their regions, by id.
    let mut region_of: BTreeMap<u32, u32> = BTreeMap::new();
    for n in nodes {
        region_of.entry(n.community).or_insert(n.region);
    }
    let ids: Vec<u32> = region_of.keys().copied().collect();
    let n = ids.len();
    if n == 0 {
        return Layout::default();
    }
    let index: BTreeMap<u32, usize> = ids.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut regions: Vec<u32> = region_of.values().copied().collect();
    regions.sort_unstable();
    regions.dedup();
    let n_regions = regions.len();

    // Region anchors on a unit circle; members on a sunflower around them.
    let anchor_of = |r: u32| -> (f64, f64) {
        if n_regions == 1 {
            return (0.0, 0.0);
        }
        let i = regions.binary_search(&r).unwrap_or(0);
        let a = std::f64::consts::TAU * i as f64 / n_regions as f64 - std::f64::consts::FRAC_PI_2;
        (a.cos(), a.sin())
    };
    let spread = if n_regions == 1 {
        1.0
    } else {
        0.85 * (std::f64::consts::PI / n_regions as f64).sin()
    };
    let mut in_region: BTreeMap<u32, usize> = BTreeMap::new();
    let mut region_size: BTreeMap<u32, usize> = BTreeMap::new();
    for r in region_of.values() {
        *region_size.entry(*r).or_default() += 1;
    }
    let mut anchors = Vec::with_capacity(n);
    let mut pos: Vec<(f64, f64)> = Vec::with_capacity(n);
    for &c in &ids {
        let r = region_of[&c];
        let j = in_region.entry(r).or_default();
        let m = region_size[&r] as f64;
        let rad = spread * ((*j as f64 + 0.5) / m).sqrt();
        let a = *j as f64 * GOLDEN_ANGLE;
        let anchor = anchor_of(r);
        anchors.push(anchor);
        pos.push((anchor.0 + rad * a.cos(), anchor.1 + rad * a.sin()));
        *j += 1;
    }

    // Union of snapshot ties, weighted by the share of snapshots holding them.
    let mut snapshot_ticks: Vec<u32> = nodes.iter().map(|n| n.tick).collect();
    snapshot_ticks.sort_unstable();
    snapshot_ticks.dedup();
    let n_snapshots = snapshot_ticks.len().max(1) as f64;
    let mut weights: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for t in ties {
        if let (Some(&a), Some(&b)) = (index.get(&t.source), index.get(&t.target))
            && a != b
        {
            *weights.entry((a.min(b), a.max(b))).or_default() += 1.0 / n_snapshots;
        }
    }
    let edges: Vec<(usize, usize, f64)> = weights
        .into_iter()
        .map(|((a, b), share)| (a, b, 0.4 + 0.6 * share))
        .collect();
    // The network each community last belonged to (nodes come in tick order per community).
    let mut last_network: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for node in nodes {
        if let Some(net) = node.network {
            let e = last_network
                .entry(node.community)
                .or_insert((node.tick, net));
            if node.tick >= e.0 {
                *e = (node.tick, net);
            }
        }
    }
    let mut group_ids: Vec<u32> = last_network.values().map(|&(_, net)| net).collect();
    group_ids.sort_unstable();
    group_ids.dedup();
    let group: Vec<Option<usize>> = ids
        .iter()
        .map(|c| {
            last_network
                .get(c)
                .and_then(|&(_, net)| group_ids.binary_search(&net).ok())
        })
        .collect();
    let mut group_centre = vec![(0.0_f64, 0.0_f64, 0.0_f64); group_ids.len()];
    // Ties between different networks pull less, so networks separate.
    let edges: Vec<(usize, usize, f64)> = edges
        .into_iter()
        .map(|(a, b, w)| match (group[a], group[b]) {
            (Some(x), Some(y)) if x != y => (a, b, w * 0.3),
            _ => (a, b, w),
        })
        .collect();

    // Ideal distance: communities spread over an area of about 4 (the square [-1, 1]^2).
    let k = (4.0 / n as f64).sqrt().min(0.5);
    let cutoff = 3.0 * k;
    let gravity = 0.03;
    let cohesion = 1.5;
    let t0 = 0.15;
    let mut disp = vec![(0.0_f64, 0.0_f64); n];
    let mut grid: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for iter in 0..ITERATIONS {
        let temperature = t0 * (1.0 - iter as f64 / ITERATIONS as f64) + 0.002;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        grid.clear();
        let cell = |p: (f64, f64)| ((p.0 / cutoff).floor() as i64, (p.1 / cutoff).floor() as i64);
        for (i, &p) in pos.iter().enumerate() {
            grid.entry(cell(p)).or_default().push(i);
        }
        // Repulsion between communities closer than the cutoff.
        for i in 0..n {
            let (cx, cy) = cell(pos[i]);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(others) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in others {
                        if j == i {
                            continue;
                        }
                        let (mut ddx, mut ddy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                        let mut d = (ddx * ddx + ddy * ddy).sqrt();
                        if d < 1e-9 {
                            // Coincident: push apart along a direction fixed by the indices.
                            let a = (i * 7919 + j * 104_729) as f64;
                            (ddx, ddy) = (a.cos() * 1e-6, a.sin() * 1e-6);
                            d = 1e-6;
                        }
                        if d < cutoff {
                            let f = k * k / d;
                            disp[i].0 += ddx / d * f;
                            disp[i].1 += ddy / d * f;
                        }
                    }
                }
            }
        }
        // Attraction along ties.
        for &(a, b, w) in &edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            if d < 1e-12 {
                continue;
            }
            let f = w * d * d / k;
            disp[a].0 -= dx / d * f;
            disp[a].1 -= dy / d * f;
            disp[b].0 += dx / d * f;
            disp[b].1 += dy / d * f;
        }
        // Members pull towards their network's centre.
        group_centre.iter_mut().for_each(|c| *c = (0.0, 0.0, 0.0));
        for (i, g) in group.iter().enumerate() {
            if let Some(g) = *g {
                let c = &mut group_centre[g];
                *c = (c.0 + pos[i].0, c.1 + pos[i].1, c.2 + 1.0);
            }
        }
        for (i, g) in group.iter().enumerate() {
            if let Some(g) = *g {
                let c = group_centre[g];
                let (dx, dy) = (pos[i].0 - c.0 / c.2, pos[i].1 - c.1 / c.2);
                let d = (dx * dx + dy * dy).sqrt();
                if d > 1e-12 {
                    let f = cohesion * d * d / k;
                    disp[i].0 -= dx / d * f;
                    disp[i].1 -= dy / d * f;
                }
            }
        }
        // A weak pull towards the region, so regions stay readable and loners stay near home.
        for i in 0..n {
            disp[i].0 += gravity * (anchors[i].0 - pos[i].0) / k;
            disp[i].1 += gravity * (anchors[i].1 - pos[i].1) / k;
        }
        for i in 0..n {
            let (dx, dy) = disp[i];
            let d = (dx * dx + dy * dy).sqrt();
            if d > 0.0 {
                let step = d.min(temperature);
                pos[i].0 += dx / d * step;
                pos[i].1 += dy / d * step;
            }
        }
    }

    // Into the unit square, keeping the aspect ratio.
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in &pos {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let (ox, oy) = ((span - (x1 - x0)) / 2.0, (span - (y1 - y0)) / 2.0);
    Layout {
        positions: ids
            .iter()
            .zip(&pos)
            .map(|(&c, &(x, y))| (c, ((x - x0 + ox) / span, (y - y0 + oy) / span)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(tick: u32, community: u32, region: u32) -> NodeRow {
        NodeRow {
            replicate: 0,
            tick,
            community,
            region,
            network: None,
            members: 10.0,
            stage: 0,
        }
    }

    fn tie(tick: u32, source: u32, target: u32) -> TieRow {
        TieRow {
            replicate: 0,
            tick,
            source,
            target,
            trust: 0.8,
        }
    }

    fn sample() -> (Vec<NodeRow>, Vec<TieRow>) {
        let mut nodes: Vec<NodeRow> = (0..30).map(|c| node(0, c, c % 3)).collect();
        nodes.extend((0..32).map(|c| node(10, c, c % 3)));
        let ties = vec![
            tie(0, 0, 3),
            tie(0, 3, 6),
            tie(10, 0, 3),
            tie(10, 30, 31),
            tie(10, 1, 31),
        ];
        (nodes, ties)
    }

    #[test]
    fn every_community_gets_a_place_in_the_unit_square_and_late_ones_too() {
        let (nodes, ties) = sample();
        let layout = compute(&nodes, &ties);
        assert_eq!(layout.positions.len(), 32);
        for (x, y) in layout.positions.values() {
            assert!((0.0..=1.0).contains(x) && (0.0..=1.0).contains(y));
        }
        assert!(layout.get(31).is_some());
    }

    #[test]
    fn the_layout_is_deterministic() {
        let (nodes, ties) = sample();
        assert_eq!(compute(&nodes, &ties), compute(&nodes, &ties));
    }

    #[test]
    fn tied_communities_end_closer_than_untied_ones() {
        let (nodes, ties) = sample();
        let l = compute(&nodes, &ties);
        let d = |a: u32, b: u32| {
            let (p, q) = (l.get(a).unwrap(), l.get(b).unwrap());
            ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt()
        };
        assert!(d(0, 3) < d(0, 1));
    }

    #[test]
    fn no_nodes_no_layout() {
        assert!(compute(&[], &[]).positions.is_empty());
    }
}
