//! Axes: number formats for ticks, categorical axes, how a value axis chooses its range, and
//! the house style every chart's axes are drawn in.

use plotters::chart::{MeshStyle, SecondaryMeshStyle};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;

use super::data::BandPoint;
use super::style::{self, GRID, INK, MUTED, size};

/// The house style of a chart's axes, written once for every chart: tick labels and axis
/// descriptions in ink, grid lines in light grey at the labelled ticks only, axis lines muted.
/// Call it first on `configure_mesh()` or `configure_secondary_axes()`, then set what differs
/// (descriptions, formatters, label counts, which grid lines to leave out).
pub trait HouseStyle {
    fn house_style(&mut self) -> &mut Self;
}

impl<X, Y, XT, YT, DB> HouseStyle for MeshStyle<'_, '_, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    fn house_style(&mut self) -> &mut Self {
        self.label_style(tick_label_style())
            .axis_desc_style(axis_desc_style())
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
    }
}

/// Secondary axes draw no grid (plotters offers no grid styles for them): labels and the axis.
impl<X, Y, XT, YT, DB> HouseStyle for SecondaryMeshStyle<'_, '_, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    fn house_style(&mut self) -> &mut Self {
        self.label_style(tick_label_style())
            .axis_desc_style(axis_desc_style())
            .axis_style(MUTED)
    }
}

/// Tick labels.
fn tick_label_style() -> TextStyle<'static> {
    style::font(size::TICK).color(&INK)
}

/// Axis descriptions.
fn axis_desc_style() -> TextStyle<'static> {
    style::font(size::AXIS).color(&INK)
}

/// A number for an axis or a label: grouped thousands, no trailing zeros.
pub fn fmt_num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // A tiny negative value (a tick at -1e-17, say) rounds to zero: no "-0" either.
    let s = match s.strip_prefix('-') {
        Some(d) if d.chars().all(|c| c == '0' || c == '.') => d.to_string(),
        _ => s,
    };
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", s.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int = if int.len() > 4 {
        let mut out = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        int.to_string()
    };
    match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    }
}

/// Decimals that suit an axis spanning `span`.
pub fn decimals_for(span: f64) -> usize {
    if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else if span >= 0.2 {
        2
    } else {
        3
    }
}

/// A categorical axis of `n` cells: cell i spans [i, i + 1), its label sits at i + 0.5 (the
/// only key points), so every category gets exactly one label, even when there is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Categories(pub usize);

impl plotters::coord::ranged1d::Ranged for Categories {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let n = self.0.max(1) as f64;
        limit.0 + (value / n * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            (0..self.0).map(|i| i as f64 + 0.5).collect()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        0.0..self.0.max(1) as f64
    }
}

/// The label of the category whose cell holds `v`.
pub fn category_label(labels: &[String], v: f64) -> String {
    labels
        .get(v.floor().max(0.0) as usize)
        .cloned()
        .unwrap_or_default()
}

/// How an axis chooses its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// From the data (bands included); starts at zero when all data are non-negative.
    Auto,
    Fixed(f64, f64),
}

impl Range {
    /// The range covering `bands`, padded a little at the top.
    pub fn resolve<'a>(self, bands: impl Iterator<Item = &'a [BandPoint]>) -> (f64, f64) {
        match self {
            Range::Fixed(lo, hi) => (lo, hi),
            Range::Auto => {
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for b in bands {
                    for p in b {
                        for v in [p.low, p.high, p.mean] {
                            if v.is_finite() {
                                lo = lo.min(v);
                                hi = hi.max(v);
                            }
                        }
                    }
                }
                if !lo.is_finite() {
                    return (0.0, 1.0);
                }
                if lo >= 0.0 {
                    lo = 0.0;
                }
                if hi - lo < 1e-12 {
                    hi = lo + 1.0;
                }
                let pad = 0.05 * (hi - lo);
                (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(0.25, 2), "0.25");
        assert_eq!(fmt_num(0.2, 2), "0.2");
        assert_eq!(fmt_num(3810.4, 0), "3810");
        assert_eq!(fmt_num(13810.4, 0), "13,810");
        assert_eq!(fmt_num(-1234567.0, 0), "-1,234,567");
        assert_eq!(fmt_num(-0.0, 1), "0");
        assert_eq!(
            fmt_num(-1e-17, 1),
            "0",
            "a tick next to zero reads 0, not -0"
        );
        assert_eq!(fmt_num(40.0, 0), "40");
    }
}
