//! Legends: entries (a key and a label), their keys, and rows of entries that fit a width.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::style::{self, BAND_ALPHA, INK, size};
use super::text;

/// A legend entry's key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    Line(RGBColor),
    Dashed(RGBColor),
    /// A confidence band.
    Band(RGBColor),
    /// A filled area with this opacity.
    Fill(RGBColor, f64),
    /// An interval whisker.
    Whisker,
}

/// A legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub key: Key,
    pub label: String,
}

impl LegendItem {
    pub fn new(key: Key, label: impl Into<String>) -> Self {
        LegendItem {
            key,
            label: label.into(),
        }
    }
}

/// Width of a key.
const KEY_W: i32 = 30;
/// Space between a key and its label.
const KEY_GAP: i32 = 8;
/// Space between one entry and the next in a row.
const ITEM_GAP: i32 = 26;
/// Height of a row of entries.
const ROW_H: i32 = 28;

/// Draws `items` in rows that fit `width`, the first row's top-left corner at (`left`, `top`);
/// returns the y just below the last row.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    left: i32,
    top: i32,
    width: i32,
) -> Result<i32, PlotError> {
    let label_style = style::font(size::LEGEND)
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = top;
    for row in &rows(area, items, width) {
        for &(i, x) in row {
            let x = left + x;
            draw_key(area, items[i].key, x, y)?;
            text::draw(
                area,
                &items[i].label,
                &label_style,
                (x + KEY_W + KEY_GAP, y + ROW_H / 2),
            )?;
        }
        y += ROW_H;
    }
    Ok(y)
}

/// Splits items into rows that fit `width`: each row the items' indices and x offsets.
fn rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    width: i32,
) -> Vec<Vec<(usize, i32)>> {
    let mut rows: Vec<Vec<(usize, i32)>> = Vec::new();
    let mut x = 0;
    for (i, item) in items.iter().enumerate() {
        let w = KEY_W + KEY_GAP + text::width(area, &item.label, size::LEGEND);
        if x > 0 && x + w > width {
            x = 0;
        }
        if x == 0 {
            rows.push(Vec::new());
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, x));
        }
        x += w + ITEM_GAP;
    }
    rows
}

/// Draws one legend key with its top-left corner at (x, y) in a row of `ROW_H`.
fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    key: Key,
    x: i32,
    y: i32,
) -> Result<(), PlotError> {
    let mid = y + ROW_H / 2;
    match key {
        Key::Line(c) => area.draw(&PathElement::new(
            vec![(x, mid), (x + KEY_W, mid)],
            c.stroke_width(4),
        ))?,
        Key::Dashed(c) => {
            for s in [0, 12, 24] {
                area.draw(&PathElement::new(
                    vec![(x + s, mid), (x + (s + 7).min(KEY_W), mid)],
                    c.stroke_width(4),
                ))?;
            }
        }
        Key::Band(c) => area.draw(&Rectangle::new(
            [(x, mid - 8), (x + KEY_W, mid + 8)],
            c.mix(BAND_ALPHA).filled(),
        ))?,
        Key::Fill(c, a) => area.draw(&Rectangle::new(
            [(x, mid - 8), (x + KEY_W, mid + 8)],
            c.mix(a).filled(),
        ))?,
        Key::Whisker => {
            let (cx, ink) = (x + KEY_W / 2, RGBColor(0, 0, 0).stroke_width(2));
            area.draw(&PathElement::new(vec![(cx, mid - 10), (cx, mid + 10)], ink))?;
            area.draw(&PathElement::new(
                vec![(cx - 5, mid - 10), (cx + 5, mid - 10)],
                ink,
            ))?;
            area.draw(&PathElement::new(
                vec![(cx - 5, mid + 10), (cx + 5, mid + 10)],
                ink,
            ))?;
        }
    }
    Ok(())
}
