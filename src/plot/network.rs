//! The network picture: the trusted-tie graph of one replicate at a snapshot tick, and the
//! animated GIF with one frame per snapshot. Communities keep their place in every frame (the
//! layout is computed once); colours mark networks, sizes members, tie shade trust.

use std::collections::{BTreeMap, BTreeSet};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::fmt_num;
use super::data::{RunData, Snapshots, Window};
use super::layout::{self, Layout};
use super::style::{self, INK, MUTED, UNAFFILIATED, WHITE};
use super::text;
use super::{Figure, PlotError, PlotFile, png_and_svg, rgb};
use crate::output::schema::{NodeRow, TieRow};

mod legend;
mod markers;

use markers::{Marker, Shape, draw_dot, network_markers};

/// Everything frames share: positions, network colours, size scale, per-tick context.
struct Scene<'a> {
    scenario: &'a str,
    snaps: &'a Snapshots,
    layout: Layout,
    /// Each network's dot: colour and shape, fixed for the whole run.
    markers: BTreeMap<u32, Marker>,
    max_members: f64,
    last_tick: u32,
    /// Fragmentation of the pictured replicate, by tick.
    fragmentation: BTreeMap<u32, f64>,
    /// Fragmentation across all replicates (mean, low, high), by tick.
    fragmentation_all: BTreeMap<u32, (f64, f64, f64)>,
    replicates: usize,
    /// Set when only some regions are pictured.
    window: Option<Window>,
}

/// Most communities the picture shows; beyond it, whole regions up to this many (a picture of
/// more is unreadable at these sizes, and laying it out would take minutes).
pub const MAX_PICTURED: usize = 2500;

impl<'a> Scene<'a> {
    fn new(run: &'a RunData, snaps: &'a Snapshots, window: Option<Window>) -> Self {
        let layout = layout::compute(&snaps.nodes, &snaps.ties);
        let markers = network_markers(snaps, &layout);
        let max_members = snaps
            .nodes
            .iter()
            .map(|n| n.members)
            .fold(1.0_f64, f64::max);
        let series = &run.series;
        let (mut fragmentation, mut fragmentation_all) = (BTreeMap::new(), BTreeMap::new());
        if let Ok(col) = series.column("fragmentation") {
            for row in &series.arms[0].rows {
                if row.replicate == snaps.replicate {
                    fragmentation.insert(row.tick, row.values[col]);
                }
            }
            for p in series.band(0, col) {
                fragmentation_all.insert(p.tick as u32, (p.mean, p.low, p.high));
            }
        }
        Scene {
            scenario: &run.scenario,
            snaps,
            layout,
            markers,
            max_members,
            last_tick: snaps.ticks.last().copied().unwrap_or(0),
            fragmentation,
            fragmentation_all,
            replicates: series.replicates(0),
            window,
        }
    }

    fn frame(&self, tick: u32, size: (u32, u32), progress: bool) -> Frame<'_> {
        Frame {
            scene: self,
            tick,
            nodes: self.snaps.nodes.iter().filter(|n| n.tick == tick).collect(),
            ties: self.snaps.ties.iter().filter(|t| t.tick == tick).collect(),
            size,
            progress,
        }
    }
}

/// One picture of the graph at a tick.
struct Frame<'a> {
    scene: &'a Scene<'a>,
    tick: u32,
    nodes: Vec<&'a NodeRow>,
    ties: Vec<&'a TieRow>,
    size: (u32, u32),
    /// Draw the week's progress bar (GIF frames).
    progress: bool,
}

const LEGEND_W: f64 = 330.0;
/// Where the graph starts below the header, and the height of a GIF frame's week bar, at the
/// reference height of 1000 px.
const GRAPH_TOP: f64 = 122.0;
const GIF_FOOTER: f64 = 56.0;

impl Figure for Frame<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let sc = self.scene;
        let (w, h) = self.size;
        // Everything scales with the height (1000 px is the reference).
        let s = h as f64 / 1000.0;
        let px = |v: f64| (v * s).round() as i32;
        let font = |v: f64| style::font(v * s);
        let bold = |v: f64| style::bold(v * s);
        let left_top = Pos::new(HPos::Left, VPos::Top);

        // Header.
        let networks: BTreeSet<u32> = self.nodes.iter().filter_map(|n| n.network).collect();
        text::draw(
            root,
            &format!(
                "Trusted ties at week {}: scenario \u{201c}{}\u{201d}, replicate {}",
                self.tick, sc.scenario, sc.snaps.replicate
            ),
            &bold(28.0).color(&INK).pos(left_top),
            (px(22.0), px(14.0)),
        )?;
        let shown = match sc.window {
            Some(w) => format!(
                "{} of {} communities (regions 0-{} of {})",
                w.communities_shown,
                w.communities_total,
                w.regions_shown.saturating_sub(1),
                w.regions_total
            ),
            None => format!("{} communities", self.nodes.len()),
        };
        let mut facts = format!(
            "{shown} \u{00b7} {} trusted ties{} \u{00b7} {} network{}",
            self.ties.len(),
            if sc.window.is_some() {
                " among them"
            } else {
                ""
            },
            networks.len(),
            if networks.len() == 1 { "" } else { "s" }
        );
        if let Some(f) = sc.fragmentation.get(&self.tick) {
            facts.push_str(&format!(
                " \u{00b7} fragmentation {} in this replicate",
                fmt_num(*f, 2)
            ));
        }
        text::draw(
            root,
            &facts,
            &font(20.0).color(&INK).pos(left_top),
            (px(22.0), px(56.0)),
        )?;
        if let Some((m, lo, hi)) = sc.fragmentation_all.get(&self.tick) {
            text::draw(
                root,
                &format!(
                    "Across all {} replicates at week {}: fragmentation {} (95% CI {} to {})",
                    sc.replicates,
                    self.tick,
                    fmt_num(*m, 2),
                    fmt_num(*lo, 2),
                    fmt_num(*hi, 2)
                ),
                &font(18.0).color(&MUTED).pos(left_top),
                (px(22.0), px(86.0)),
            )?;
        }
        let header = px(GRAPH_TOP);
        let footer = if self.progress {
            px(GIF_FOOTER)
        } else {
            px(12.0)
        };
        let legend_w = px(LEGEND_W);
        let graph_w = w as i32 - legend_w;
        let graph_h = h as i32 - header - footer;
        let side = graph_w.min(graph_h) - px(40.0);
        let (gx, gy) = ((graph_w - side) / 2, header + (graph_h - side) / 2);
        let at = |c: u32| {
            sc.layout.get(c).map(|(x, y)| {
                (
                    gx + (x * side as f64).round() as i32,
                    gy + (y * side as f64).round() as i32,
                )
            })
        };

        // Ties, weakest first, shaded from light (at the tie threshold) to dark (trust 1).
        let thr = sc.snaps.tie_threshold;
        let mut ties = self.ties.clone();
        ties.sort_by(|a, b| a.trust.total_cmp(&b.trust));
        for t in ties {
            if let (Some(a), Some(b)) = (at(t.source), at(t.target)) {
                let shade = tie_colour(t.trust, thr);
                root.draw(&PathElement::new(
                    vec![a, b],
                    shade.stroke_width(px(2.0).max(1) as u32),
                ))?;
            }
        }
        // Communities: outside networks first, then by network; larger ones underneath.
        let mut nodes = self.nodes.clone();
        nodes.sort_by(|a, b| {
            a.network
                .is_some()
                .cmp(&b.network.is_some())
                .then(b.members.total_cmp(&a.members))
                .then(a.community.cmp(&b.community))
        });
        for n in &nodes {
            let Some(p) = at(n.community) else { continue };
            let r = self.radius(n.members, s);
            let dot = n
                .network
                .and_then(|net| sc.markers.get(&net).copied())
                .unwrap_or(Marker {
                    colour: UNAFFILIATED,
                    shape: Shape::Circle,
                });
            draw_dot(root, dot.shape, p, r, dot.colour)?;
        }
        // Network names above their members: at the members' mean x, over the topmost one.
        let mut centres: BTreeMap<u32, (f64, f64, f64)> = BTreeMap::new();
        for n in &self.nodes {
            if let (Some(net), Some((x, y))) = (n.network, at(n.community)) {
                let top = y as f64 - self.radius(n.members, s) as f64;
                let c = centres.entry(net).or_insert((0.0, f64::INFINITY, 0.0));
                *c = (c.0 + x as f64, c.1.min(top), c.2 + 1.0);
            }
        }
        let label_style = bold(17.0)
            .color(&INK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        // Labels avoid each other: each moves down or up by a line until it is clear.
        let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
        for (net, (x, y, k)) in &centres {
            let (x, y0) = ((x / k).round() as i32, y.round() as i32 - px(16.0));
            let text = format!("N{net}");
            let tw = (text.chars().count() as f64 * 10.5 * s) as i32 + px(8.0);
            let hh = px(12.0);
            let clear = |y: i32, placed: &[(i32, i32, i32, i32)]| {
                placed.iter().all(|&(a0, b0, a1, b1)| {
                    x + tw / 2 < a0 || x - tw / 2 > a1 || y + hh < b0 || y - hh > b1
                })
            };
            let y = (0..12)
                .map(|i| {
                    let shift = (i + 1) / 2 * 2 * hh + px(2.0) * ((i + 1) / 2);
                    if i % 2 == 1 { y0 + shift } else { y0 - shift }
                })
                .find(|&y| clear(y, &placed))
                .unwrap_or(y0);
            placed.push((x - tw / 2, y - hh, x + tw / 2, y + hh));
            root.draw(&Rectangle::new(
                [(x - tw / 2, y - hh), (x + tw / 2, y + hh)],
                WHITE.mix(0.85).filled(),
            ))?;
            text::draw(root, &text, &label_style, (x, y))?;
        }

        self.draw_legend(root, graph_w, header, s)?;

        if self.progress {
            let y = h as i32 - px(34.0);
            let (x0, x1) = (px(22.0), w as i32 - px(22.0) - px(190.0));
            let frac = if sc.last_tick > 0 {
                self.tick as f64 / sc.last_tick as f64
            } else {
                1.0
            };
            root.draw(&Rectangle::new(
                [(x0, y - px(6.0)), (x1, y + px(6.0))],
                style::GRID.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [
                    (x0, y - px(6.0)),
                    (x0 + ((x1 - x0) as f64 * frac) as i32, y + px(6.0)),
                ],
                style::BLUE.filled(),
            ))?;
            text::draw(
                root,
                &format!("week {} of {}", self.tick, sc.last_tick),
                &bold(20.0)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
                (x1 + px(14.0), y),
            )?;
        }
        Ok(())
    }
}

/// Tie shade: light grey at the threshold, near black at trust 1.
fn tie_colour(trust: f64, threshold: f64) -> RGBColor {
    let t = if threshold < 1.0 {
        ((trust - threshold) / (1.0 - threshold)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    style::blend(RGBColor(0xD0, 0xD0, 0xD0), RGBColor(0x30, 0x30, 0x30), t)
}

impl Frame<'_> {
    fn radius(&self, members: f64, s: f64) -> i32 {
        let frac = (members.max(0.0) / self.scene.max_members).sqrt();
        ((3.0 + 11.0 * frac) * s).round().max(2.0) as i32
    }
}

/// The picture at `tick` (default: the last snapshot): `network.png/.svg`, or
/// `network_tick_N.png/.svg` for an explicit tick.
pub fn draw(
    run: &RunData,
    snaps: &Snapshots,
    tick: Option<u32>,
) -> Result<Vec<PlotFile>, PlotError> {
    let chosen = match tick {
        None => snaps.ticks.last().copied().unwrap_or(0),
        Some(t) if snaps.ticks.contains(&t) => t,
        Some(t) => {
            return Err(PlotError::Usage(format!(
                "tick {t} has no snapshot; snapshot ticks are {} (set output.ties_every for more)",
                snaps
                    .ticks
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let (pictured, window) = snaps.window(MAX_PICTURED);
    let scene = Scene::new(run, &pictured, window);
    let stem = match tick {
        None => "network".to_string(),
        Some(t) => format!("network_tick_{t}"),
    };
    png_and_svg(&stem, &scene.frame(chosen, (1300, 1000), false))
}

/// Size of a GIF frame.
pub const GIF_SIZE: (u32, u32) = (975, 750);

/// Frames that cross-fade between two snapshots of the GIF.
pub const TWEENS: usize = 3;

/// Two RGB frames of `size`: the graph's pixels of `a` faded into `b` by `t` (0 gives `a`,
/// 1 gives `b`); the text around it (header, key, week bar) is the nearer frame's, so words
/// never show through each other.
fn cross_fade(a: &[u8], b: &[u8], t: f64, size: (u32, u32)) -> Vec<u8> {
    let (w, h) = (size.0 as usize, size.1 as usize);
    let s = h as f64 / 1000.0;
    let graph_right = w.saturating_sub((LEGEND_W * s).round() as usize);
    let (top, bottom) = (
        (GRAPH_TOP * s).round() as usize,
        h - (GIF_FOOTER * s).round() as usize,
    );
    let nearer = if t < 0.5 { a } else { b };
    let mut out = nearer.to_vec();
    for y in top..bottom {
        for i in y * w * 3..(y * w + graph_right) * 3 {
            out[i] = (a[i] as f64 + (b[i] as f64 - a[i] as f64) * t).round() as u8;
        }
    }
    out
}

/// `network.gif`: one frame per snapshot tick, the same layout in every frame, with
/// cross-fades between snapshots.
pub fn animate(run: &RunData, snaps: &Snapshots) -> Result<PlotFile, PlotError> {
    let (pictured, window) = snaps.window(MAX_PICTURED);
    let scene = Scene::new(run, &pictured, window);
    let (w, h) = GIF_SIZE;
    let mut out = Vec::new();
    {
        let gif_err = |e: gif::EncodingError| PlotError::Draw(format!("GIF encoding: {e}"));
        let mut encoder = gif::Encoder::new(&mut out, w as u16, h as u16, &[]).map_err(gif_err)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        let n = snaps.ticks.len().max(1);
        // About 8 seconds in all. Between two snapshots, TWEENS frames cross-fade from one to
        // the next, so ties and networks appear gradually instead of jumping every second;
        // each snapshot itself is held a little longer than the fades.
        let step = ((800 / n) as u16).clamp(25, 100);
        let fade = (step / (2 * (TWEENS as u16 + 1))).max(4);
        let hold = step.saturating_sub(fade * TWEENS as u16).max(fade);
        let write = |encoder: &mut gif::Encoder<&mut Vec<u8>>, buf: &[u8], delay: u16| {
            let mut frame = gif::Frame::from_rgb_speed(w as u16, h as u16, buf, 10);
            frame.delay = delay;
            encoder.write_frame(&frame).map_err(gif_err)
        };
        let mut previous: Option<Vec<u8>> = None;
        for (i, &tick) in snaps.ticks.iter().enumerate() {
            let buf = rgb(&scene.frame(tick, (w, h), true))?;
            if let Some(prev) = &previous {
                for k in 1..=TWEENS {
                    let t = k as f64 / (TWEENS + 1) as f64;
                    write(&mut encoder, &cross_fade(prev, &buf, t, (w, h)), fade)?;
                }
            }
            write(
                &mut encoder,
                &buf,
                if i + 1 == n { hold + 250 } else { hold },
            )?;
            previous = Some(buf);
        }
    }
    Ok(PlotFile {
        name: "network.gif".to_string(),
        bytes: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::style::CATEGORICAL;

    /// `n_networks` networks of two communities each, all alive at tick 0.
    fn snapshots(n_networks: u32) -> Snapshots {
        let nodes = (0..2 * n_networks)
            .map(|c| NodeRow {
                replicate: 0,
                tick: 0,
                community: c,
                region: 0,
                network: Some(c / 2),
                members: 10.0,
                stage: 3,
            })
            .collect();
        Snapshots {
            replicate: 0,
            ticks: vec![0],
            nodes,
            ties: Vec::new(),
            tie_threshold: 0.5,
        }
    }

    #[test]
    fn networks_alive_together_get_distinct_dots_and_colours_first() {
        for n in [7, 8, 28] {
            let snaps = snapshots(n);
            let markers = network_markers(&snaps, &layout::compute(&snaps.nodes, &snaps.ties));
            let dots: Vec<Marker> = markers.values().copied().collect();
            for (i, a) in dots.iter().enumerate() {
                assert!(!dots[i + 1..].contains(a), "{n} networks: a dot repeats");
            }
            let colours: BTreeSet<(u8, u8, u8)> = dots
                .iter()
                .map(|m| (m.colour.0, m.colour.1, m.colour.2))
                .collect();
            assert_eq!(colours.len(), (n as usize).min(CATEGORICAL.len()));
        }
    }

    #[test]
    fn a_cross_fade_blends_the_graph_and_keeps_the_nearer_text() {
        let size = (10, 1000);
        let (a, b) = (vec![0u8; 10 * 1000 * 3], vec![200u8; 10 * 1000 * 3]);
        let mid = cross_fade(&a, &b, 0.25, size);
        // Row 500 is inside the graph (left of the key, which at 10 px wide is all key: the
        // graph is empty), so every pixel is the nearer frame's here.
        assert!(mid.iter().all(|&v| v == 0));
        let wide = (1000, 1000);
        let (a, b) = (vec![0u8; 1000 * 1000 * 3], vec![200u8; 1000 * 1000 * 3]);
        let mid = cross_fade(&a, &b, 0.25, wide);
        assert_eq!(mid[(500 * 1000 + 10) * 3], 50, "graph pixels are blended");
        assert_eq!(
            mid[(10 * 1000 + 10) * 3],
            0,
            "header pixels are the nearer frame's"
        );
    }

    #[test]
    fn tie_shades_darken_with_trust() {
        let (a, b) = (tie_colour(0.5, 0.5), tie_colour(1.0, 0.5));
        assert!(a.0 > b.0);
        assert_eq!(tie_colour(2.0, 0.5), b);
    }
}
