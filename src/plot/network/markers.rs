//! Network dots: the (colour, shape) pair each network is drawn with, chosen so that no two
//! networks alive in one snapshot share one, and the drawing of a dot.

use std::collections::{BTreeMap, BTreeSet};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::PlotError;
use super::super::data::Snapshots;
use super::super::layout::Layout;
use super::super::style::{CATEGORICAL, WHITE};

/// The shape of a network's dots: with the palette's seven colours, 28 distinct dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

const SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
];

/// How a network's communities are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    pub colour: RGBColor,
    pub shape: Shape,
}

/// Distinct (colour, shape) pairs: every colour as a circle first, then as a square, ...
fn marker(idx: usize) -> Marker {
    Marker {
        colour: CATEGORICAL[idx % CATEGORICAL.len()],
        shape: SHAPES[(idx / CATEGORICAL.len()) % SHAPES.len()],
    }
}

const MARKERS: usize = CATEGORICAL.len() * SHAPES.len();

/// Gives each network a dot (colour and shape) that no other network alive in the same
/// snapshot has, as long as at most 28 are alive at once (networks are also labelled on the
/// picture, so beyond that the label still tells them apart). Networks that touch (a tie
/// between members, or members close together) get different colours where possible, not
/// just different shapes. Greedy in order of first appearance: deterministic, and fixed for
/// the whole run, so a network keeps its dot in every GIF frame.
pub(super) fn network_markers(snaps: &Snapshots, layout: &Layout) -> BTreeMap<u32, Marker> {
    let mut order: Vec<u32> = Vec::new();
    let mut member_of: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    let mut alive_at: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    // Centre of each network's members at each snapshot: (tick, network) -> (x, y, count).
    let mut centroid: BTreeMap<(u32, u32), (f64, f64, f64)> = BTreeMap::new();
    for n in &snaps.nodes {
        if let Some(net) = n.network {
            if !order.contains(&net) {
                order.push(net);
            }
            member_of.insert((n.tick, n.community), net);
            alive_at.entry(n.tick).or_default().insert(net);
            if let Some((x, y)) = layout.get(n.community) {
                let c = centroid.entry((n.tick, net)).or_default();
                *c = (c.0 + x, c.1 + y, c.2 + 1.0);
            }
        }
    }
    let pair = |a: u32, b: u32| (a.min(b), a.max(b));
    let mut together: BTreeSet<(u32, u32)> = BTreeSet::new();
    for nets in alive_at.values() {
        for &a in nets {
            for &b in nets.range(a + 1..) {
                together.insert(pair(a, b));
            }
        }
    }
    let mut touching: BTreeSet<(u32, u32)> = BTreeSet::new();
    for t in &snaps.ties {
        if let (Some(&a), Some(&b)) = (
            member_of.get(&(t.tick, t.source)),
            member_of.get(&(t.tick, t.target)),
        ) && a != b
        {
            touching.insert(pair(a, b));
        }
    }
    // Networks whose members sit close together in some snapshot also count as neighbours.
    for &tick in &snaps.ticks {
        let here: Vec<(u32, f64, f64)> = centroid
            .range((tick, 0)..=(tick, u32::MAX))
            .map(|(&(_, net), c)| (net, c.0 / c.2, c.1 / c.2))
            .collect();
        for (i, a) in here.iter().enumerate() {
            for b in &here[i + 1..] {
                if ((a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt() < 0.3 {
                    touching.insert(pair(a.0, b.0));
                }
            }
        }
    }
    let mut chosen: BTreeMap<u32, usize> = BTreeMap::new();
    let mut used = [0usize; MARKERS];
    for &net in &order {
        // Per candidate: networks alive with it that have the same dot, touching networks
        // of the same colour, networks alive with it of the same colour, then how often the
        // dot was used.
        let mut same_dot = [0usize; MARKERS];
        let mut colour_clash = [0usize; CATEGORICAL.len()];
        let mut same_colour = [0usize; CATEGORICAL.len()];
        for (&other, &mi) in &chosen {
            if together.contains(&pair(net, other)) {
                same_dot[mi] += 1;
                same_colour[mi % CATEGORICAL.len()] += 1;
            }
            if touching.contains(&pair(net, other)) {
                colour_clash[mi % CATEGORICAL.len()] += 1;
            }
        }
        let best = (0..MARKERS)
            .min_by_key(|&mi| {
                (
                    same_dot[mi],
                    colour_clash[mi % CATEGORICAL.len()],
                    same_colour[mi % CATEGORICAL.len()],
                    used[mi],
                    mi,
                )
            })
            .unwrap_or(0);
        used[best] += 1;
        chosen.insert(net, best);
    }
    chosen
        .into_iter()
        .map(|(net, mi)| (net, marker(mi)))
        .collect()
}

/// Draws one dot of `shape` centred at `p` with radius `r` (a square or diamond of the same
/// area as the circle, a triangle a little larger so it does not look smaller), with a white
/// outline that separates overlapping dots.
pub(crate) fn draw_dot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    shape: Shape,
    p: (i32, i32),
    r: i32,
    fill: RGBColor,
) -> Result<(), PlotError> {
    let (x, y) = p;
    let rf = r as f64;
    let points: Vec<(i32, i32)> = match shape {
        Shape::Circle => {
            root.draw(&Circle::new(p, r, fill.filled()))?;
            root.draw(&Circle::new(p, r, WHITE.stroke_width(1)))?;
            return Ok(());
        }
        Shape::Square => {
            let h = (rf * 0.886).round() as i32;
            vec![
                (x - h, y - h),
                (x + h, y - h),
                (x + h, y + h),
                (x - h, y + h),
            ]
        }
        Shape::Diamond => {
            let h = (rf * 1.253).round() as i32;
            vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)]
        }
        Shape::Triangle => {
            let h = rf * 1.4;
            vec![
                (x, (y as f64 - h).round() as i32),
                (
                    (x as f64 + h * 0.866).round() as i32,
                    (y as f64 + h * 0.5).round() as i32,
                ),
                (
                    (x as f64 - h * 0.866).round() as i32,
                    (y as f64 + h * 0.5).round() as i32,
                ),
            ]
        }
    };
    root.draw(&Polygon::new(points.clone(), fill.filled()))?;
    let mut outline = points.clone();
    outline.push(points[0]);
    root.draw(&PathElement::new(outline, WHITE.stroke_width(1)))?;
    Ok(())
}
