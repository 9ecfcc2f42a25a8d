//! A replicate's snapshots (`nodes.csv`, `ties.csv` rows) and the window of a large
//! population the network picture shows.

use std::collections::{BTreeMap, BTreeSet};

use crate::output::schema::{NodeRow, TieRow};

/// One replicate's snapshots: the network picture's input.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshots {
    pub replicate: u32,
    /// Snapshot ticks, ascending.
    pub ticks: Vec<u32>,
    pub nodes: Vec<NodeRow>,
    pub ties: Vec<TieRow>,
    /// Trust at which a tie counts (the lower end of the tie shading).
    pub tie_threshold: f64,
}

/// The part of a population the network picture shows when there are too many communities to
/// draw legibly (and to lay out in seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Regions 0..regions_shown are pictured.
    pub regions_shown: u32,
    pub regions_total: u32,
    pub communities_shown: usize,
    pub communities_total: usize,
}

impl Snapshots {
    /// The snapshots restricted to the lowest-numbered regions holding at most `max`
    /// communities (at least one region), with the ties among them; `None` for the window when
    /// everything fits. Regions are whole, so local structure is shown as it is; ties that
    /// leave the window are not drawn.
    pub fn window(&self, max: usize) -> (Snapshots, Option<Window>) {
        let mut per_region: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for n in &self.nodes {
            per_region.entry(n.region).or_default().insert(n.community);
        }
        let total: usize = per_region.values().map(|c| c.len()).sum();
        if total <= max {
            return (self.clone(), None);
        }
        let (mut shown, mut regions_shown) = (0usize, 0u32);
        let mut kept: BTreeSet<u32> = BTreeSet::new();
        for (&region, communities) in &per_region {
            if regions_shown > 0 && shown + communities.len() > max {
                break;
            }
            shown += communities.len();
            regions_shown = region + 1;
            kept.extend(communities.iter().copied());
        }
        let window = Window {
            regions_shown,
            regions_total: per_region.keys().next_back().map_or(0, |r| r + 1),
            communities_shown: shown,
            communities_total: total,
        };
        let snaps = Snapshots {
            replicate: self.replicate,
            ticks: self.ticks.clone(),
            nodes: self
                .nodes
                .iter()
                .filter(|n| kept.contains(&n.community))
                .cloned()
                .collect(),
            ties: self
                .ties
                .iter()
                .filter(|t| kept.contains(&t.source) && kept.contains(&t.target))
                .cloned()
                .collect(),
            tie_threshold: self.tie_threshold,
        };
        (snaps, Some(window))
    }
}

/// The distinct snapshot ticks of some nodes, ascending.
pub fn snapshot_ticks(nodes: &[NodeRow]) -> Vec<u32> {
    let mut ticks: Vec<u32> = nodes.iter().map(|n| n.tick).collect();
    ticks.sort_unstable();
    ticks.dedup();
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_population_is_pictured_by_whole_regions_from_region_0() {
        // 3 regions of 4 communities each; ties inside region 0, and from region 0 to 2.
        let nodes: Vec<NodeRow> = (0..12)
            .map(|c| NodeRow {
                replicate: 0,
                tick: 0,
                community: c,
                region: c / 4,
                network: None,
                members: 10.0,
                stage: 0,
            })
            .collect();
        let tie = |source, target| TieRow {
            replicate: 0,
            tick: 0,
            source,
            target,
            trust: 0.8,
        };
        let snaps = Snapshots {
            replicate: 0,
            ticks: vec![0],
            nodes,
            ties: vec![tie(0, 1), tie(2, 9)],
            tie_threshold: 0.5,
        };
        let (all, none) = snaps.window(12);
        assert_eq!((all.nodes.len(), none), (12, None));
        let (part, window) = snaps.window(9);
        assert_eq!(
            window,
            Some(Window {
                regions_shown: 2,
                regions_total: 3,
                communities_shown: 8,
                communities_total: 12,
            })
        );
        assert!(part.nodes.iter().all(|n| n.region < 2));
        assert_eq!(
            part.ties,
            vec![tie(0, 1)],
            "ties leaving the window are not drawn"
        );
        // A region larger than the limit is still shown whole.
        let (one, window) = snaps.window(2);
        assert_eq!((one.nodes.len(), window.unwrap().regions_shown), (4, 1));
    }
}
