//! Frames around charts: a panel's title, note and legend, and a figure's heading.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::legend::{self, LegendItem};
use super::style::{self, INK, MUTED, size};
use super::text;

/// Draws a panel's title (and an optional note under it) and its legend; returns the area left
/// for the chart.
pub fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    note: Option<&str>,
    entries: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    let (w, _) = area.dim_in_pixel();
    let pad = 16;
    let left = style::bold(size::PANEL_TITLE)
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Top));
    text::draw(area, title, &left, (pad, 10))?;
    let mut y = 10 + (size::PANEL_TITLE * 1.45) as i32;
    if let Some(note) = note {
        let s = style::font(size::LEGEND)
            .color(&MUTED)
            .pos(Pos::new(HPos::Left, VPos::Top));
        for line in text::wrap(area, note, &style::font(size::LEGEND), w as i32 - 2 * pad) {
            text::draw(area, &line, &s, (pad, y))?;
            y += (size::LEGEND * 1.4) as i32;
        }
        y += (size::LEGEND * 0.1) as i32;
    }
    let y = legend::draw(area, entries, pad, y, w as i32 - 2 * pad)?;
    let (_, rest) = area.split_vertically(y + 6);
    Ok(rest)
}

/// A figure's heading: a bold title at the top left and a muted subtitle `subtitle_y` pixels
/// down.
pub fn heading<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    subtitle_y: i32,
) -> Result<(), PlotError> {
    let left_top = Pos::new(HPos::Left, VPos::Top);
    text::draw(
        area,
        title,
        &style::bold(size::TITLE).color(&INK).pos(left_top),
        (22, 14),
    )?;
    text::draw(
        area,
        subtitle,
        &style::font(size::SUBTITLE).color(&MUTED).pos(left_top),
        (22, subtitle_y),
    )
}
