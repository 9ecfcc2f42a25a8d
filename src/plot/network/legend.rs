//! The key beside the network picture: networks by size, the dot sizes, the tie shades.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Frame, draw_dot, tie_colour};
use crate::plot::PlotError;
use crate::plot::axis::fmt_num;
use crate::plot::style::{self, INK, MUTED, UNAFFILIATED};
use crate::plot::text;

impl Frame<'_> {
    /// Draws the key to the right of the graph, from (`x_start`, `y_start`), at scale `s`.
    pub(super) fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x_start: i32,
        y_start: i32,
        s: f64,
    ) -> Result<(), PlotError> {
        let sc = self.scene;
        let px = |v: f64| (v * s).round() as i32;
        let font = style::font(19.0 * s);
        let text = font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let head = style::bold(20.0 * s)
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let x = x_start + px(4.0);
        let mut y = y_start + px(14.0);
        let line = px(29.0);

        text::draw(root, "Communities (dots)", &head, (x, y))?;
        y += line;
        text::draw(root, "colour and shape: network,", &text, (x, y))?;
        y += line;
        text::draw(root, "named on the picture; size: members", &text, (x, y))?;
        y += line;
        // Networks by size at this tick.
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for n in &self.nodes {
            if let Some(net) = n.network {
                *counts.entry(net).or_default() += 1;
            }
        }
        let mut by_size: Vec<(u32, usize)> = counts.into_iter().collect();
        by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        const SHOWN: usize = 10;
        for &(net, k) in by_size.iter().take(SHOWN) {
            if let Some(m) = sc.markers.get(&net) {
                draw_dot(root, m.shape, (x + px(10.0), y), px(8.0), m.colour)?;
            }
            text::draw(
                root,
                &format!("network N{net}: {k} communities"),
                &text,
                (x + px(28.0), y),
            )?;
            y += line;
        }
        if by_size.len() > SHOWN {
            text::draw(
                root,
                &format!("+ {} smaller networks", by_size.len() - SHOWN),
                &text,
                (x + px(28.0), y),
            )?;
            y += line;
        }
        let outside = self.nodes.iter().filter(|n| n.network.is_none()).count();
        root.draw(&Circle::new(
            (x + px(10.0), y),
            px(8.0),
            UNAFFILIATED.filled(),
        ))?;
        text::draw(
            root,
            &format!("in no network: {outside}"),
            &text,
            (x + px(28.0), y),
        )?;
        y += line + px(10.0);

        // Sizes.
        for m in size_examples(sc.max_members) {
            let r = self.radius(m, s);
            root.draw(&Circle::new((x + px(10.0), y), r, MUTED.mix(0.5).filled()))?;
            text::draw(
                root,
                &format!("{} members", fmt_num(m, 0)),
                &text,
                (x + px(28.0), y),
            )?;
            y += line.max(2 * r + px(4.0));
        }
        y += px(10.0);

        // Ties.
        text::draw(root, "Ties (lines): trust", &head, (x, y))?;
        y += line;
        let thr = sc.snaps.tie_threshold;
        for t in [thr, (thr + 1.0) / 2.0, 1.0] {
            root.draw(&PathElement::new(
                vec![(x, y), (x + px(30.0), y)],
                tie_colour(t, thr).stroke_width(px(3.0).max(1) as u32),
            ))?;
            text::draw(root, &fmt_num(t, 2), &text, (x + px(40.0), y))?;
            y += line;
        }
        text::draw(
            root,
            &format!("only ties with trust \u{2265} {} count", fmt_num(thr, 2)),
            &style::font(17.0 * s)
                .color(&MUTED)
                .pos(Pos::new(HPos::Left, VPos::Center)),
            (x, y),
        )?;
        Ok(())
    }
}

/// Round member counts (1, 2 or 5 times a power of ten, at most `max`) that illustrate the
/// size scale.
fn size_examples(max: f64) -> Vec<f64> {
    let nice = |v: f64| -> f64 {
        if v < 1.0 {
            return 0.0;
        }
        let mag = 10f64.powf(v.log10().floor());
        let r = v / mag;
        let step = if r >= 5.0 {
            5.0
        } else if r >= 2.0 {
            2.0
        } else {
            1.0
        };
        step * mag
    };
    let mut out = vec![nice(max / 8.0), nice(max / 2.5), nice(max)];
    out.dedup();
    out.retain(|&m| m > 0.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_examples_are_round() {
        assert_eq!(size_examples(52.0), vec![5.0, 20.0, 50.0]);
        assert_eq!(size_examples(70.0), vec![5.0, 20.0, 50.0]);
    }
}
