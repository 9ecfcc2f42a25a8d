//! Shared chart pieces: a titled panel with a legend strip, and the chart of means with 95%
//! bands over weeks that most panels are.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::data::BandPoint;
use super::style::{self, BAND_ALPHA, GRID, INK, MUTED, size};

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

const KEY_W: i32 = 30;
const KEY_GAP: i32 = 8;
const ITEM_GAP: i32 = 26;

thread_local! {
    static VECTOR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the figure being drawn is an SVG (set by `plot::svg` and `plot::rgb`). SVG text stays
/// text, drawn by the viewer; raster text is drawn here with the embedded font.
pub fn set_vector(vector: bool) {
    VECTOR.with(|v| v.set(vector));
}

fn vector() -> bool {
    VECTOR.with(|v| v.get())
}

/// How much wider than Noto Sans text may turn out, for layout. Raster text is drawn with the
/// embedded font (1.0); an SVG viewer may substitute its own sans-serif (DejaVu Sans Bold
/// renders about 26% wider than Noto Sans Bold), so SVG layouts leave that much room.
fn slack() -> f64 {
    if vector() { 1.3 } else { 1.0 }
}

/// The embedded fonts as `ab_glyph` faces: (regular, bold).
fn faces() -> &'static (ab_glyph::FontRef<'static>, ab_glyph::FontRef<'static>) {
    static FACES: std::sync::OnceLock<(ab_glyph::FontRef<'static>, ab_glyph::FontRef<'static>)> =
        std::sync::OnceLock::new();
    FACES.get_or_init(|| {
        // Compiled in and known to parse; the unit tests draw with both.
        let face = |bytes: &'static [u8]| {
            ab_glyph::FontRef::try_from_slice(bytes).expect("embedded Noto Sans parses")
        };
        (face(ttf_noto_sans::REGULAR), face(ttf_noto_sans::BOLD))
    })
}

/// Draws `text` at `pos` (anchored as `style.pos` says). In an SVG it is a text element. In a
/// raster image it is laid out here with the embedded Noto Sans: glyph advances, kerning and
/// side bearings, anti-aliased (plotters' own raster text drops the side bearings, which
/// spaces letters unevenly).
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    pos: (i32, i32),
) -> Result<(), PlotError> {
    use ab_glyph::{Font, ScaleFont, point};
    if vector() || !matches!(style.font.get_transform(), FontTransform::None) {
        area.draw_text(text, style, pos)?;
        return Ok(());
    }
    let (regular, bold) = faces();
    let face = if matches!(style.font.get_style(), FontStyle::Bold) {
        bold
    } else {
        regular
    };
    let font = face.as_scaled(style.font.get_size() as f32);
    let mut width = 0.0_f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            width += font.kern(p, id);
        }
        width += font.h_advance(id);
        prev = Some(id);
    }
    let (ascent, descent) = (font.ascent(), font.descent());
    let x0 = match style.pos.h_pos {
        HPos::Left => pos.0 as f32,
        HPos::Center => pos.0 as f32 - width / 2.0,
        HPos::Right => pos.0 as f32 - width,
    };
    let baseline = match style.pos.v_pos {
        VPos::Top => pos.1 as f32 + ascent,
        VPos::Center => pos.1 as f32 + (ascent + descent) / 2.0,
        VPos::Bottom => pos.1 as f32 + descent,
    };
    let c = style.color;
    let (r, g, b, alpha) = (c.rgb.0, c.rgb.1, c.rgb.2, c.alpha);
    let mut caret = x0;
    let mut prev = None;
    let mut pixels: Vec<((i32, i32), f32)> = Vec::new();
    for ch in text.chars() {
        let id = font.glyph_id(ch);
        if let Some(p) = prev {
            caret += font.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(font.scale(), point(caret, baseline));
        caret += font.h_advance(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 {
                    pixels.push((
                        (
                            bounds.min.x as i32 + gx as i32,
                            bounds.min.y as i32 + gy as i32,
                        ),
                        coverage.min(1.0),
                    ));
                }
            });
        }
    }
    for (p, coverage) in pixels {
        area.draw_pixel(p, &RGBColor(r, g, b).mix(alpha * coverage as f64))?;
    }
    Ok(())
}

/// Width of `text` in the regular font at `px`, with room for wider fonts (see [`set_slack`]).
pub fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> i32 {
    width_in(area, text, &style::font(px))
}

/// Width of `text` in `font`, with room for wider fonts.
fn width_in<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &FontDesc<'_>,
) -> i32 {
    let w = area
        .estimate_text_size(text, &TextStyle::from(font.clone()))
        .map(|(w, _)| w as f64)
        .unwrap_or(text.chars().count() as f64 * font.get_size() * 0.6);
    (w * slack()).ceil() as i32
}

/// Splits `text` into lines no wider than `width` in `font` (words are never split).
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &FontDesc<'_>,
    width: i32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width_in(area, &candidate, font) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Splits items into rows that fit `width`.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    width: i32,
) -> Vec<Vec<(usize, i32)>> {
    let mut rows: Vec<Vec<(usize, i32)>> = Vec::new();
    let mut x = 0;
    for (i, item) in items.iter().enumerate() {
        let w = KEY_W + KEY_GAP + text_width(area, &item.label, size::LEGEND);
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

const LEGEND_ROW_H: i32 = 28;

/// Draws one legend key with its top-left corner at (x, y) in a row of `LEGEND_ROW_H`.
pub fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    key: Key,
    x: i32,
    y: i32,
) -> Result<(), PlotError> {
    let mid = y + LEGEND_ROW_H / 2;
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

/// Draws a panel's title (and an optional note under it) and its legend; returns the area left
/// for the chart.
pub fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    note: Option<&str>,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    let (w, _) = area.dim_in_pixel();
    let pad = 16;
    let left = style::bold(size::PANEL_TITLE)
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Top));
    text(area, title, &left, (pad, 10))?;
    let mut y = 10 + (size::PANEL_TITLE * 1.45) as i32;
    if let Some(note) = note {
        let s = style::font(size::LEGEND)
            .color(&MUTED)
            .pos(Pos::new(HPos::Left, VPos::Top));
        for line in wrap(area, note, &style::font(size::LEGEND), w as i32 - 2 * pad) {
            text(area, &line, &s, (pad, y))?;
            y += (size::LEGEND * 1.4) as i32;
        }
        y += (size::LEGEND * 0.1) as i32;
    }
    let rows = legend_rows(area, legend, w as i32 - 2 * pad);
    let label_style = style::font(size::LEGEND)
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for row in &rows {
        for &(i, x) in row {
            let x = pad + x;
            draw_key(area, legend[i].key, x, y)?;
            text(
                area,
                &legend[i].label,
                &label_style,
                (x + KEY_W + KEY_GAP, y + LEGEND_ROW_H / 2),
            )?;
        }
        y += LEGEND_ROW_H;
    }
    let (_, rest) = area.split_vertically(y + 6);
    Ok(rest)
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

/// One mean line with its band.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub colour: RGBColor,
    pub band: Vec<BandPoint>,
    /// On the right-hand axis (drawn dashed).
    pub right: bool,
}

impl Series {
    pub fn new(label: impl Into<String>, colour: RGBColor, band: Vec<BandPoint>) -> Self {
        Series {
            label: label.into(),
            colour,
            band,
            right: false,
        }
    }
}

/// A chart of means with 95% bands over weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    pub title: String,
    /// A line under the title (e.g. what the measure means).
    pub note: Option<String>,
    pub y_desc: String,
    pub y_range: Range,
    /// The right-hand axis's description and range, when a series uses it.
    pub y2: Option<(String, Range)>,
    pub series: Vec<Series>,
    /// Shade between two series' means: (upper, lower, label when upper is above, label
    /// when it is below).
    pub gap: Option<(usize, usize, String, String)>,
    /// How many replicates the bands summarise (for the legend).
    pub replicates: usize,
}

/// Polygons between two curves over the same x values, split where they cross: each with
/// whether `a` is above `b`.
pub fn gap_polygons(xs: &[f64], a: &[f64], b: &[f64]) -> Vec<(bool, Vec<(f64, f64)>)> {
    let n = xs.len().min(a.len()).min(b.len());
    let mut out = Vec::new();
    let mut top: Vec<(f64, f64)> = Vec::new();
    let mut bot: Vec<(f64, f64)> = Vec::new();
    let mut sign: Option<bool> = None;
    let flush = |top: &mut Vec<(f64, f64)>,
                 bot: &mut Vec<(f64, f64)>,
                 sign: Option<bool>,
                 out: &mut Vec<_>| {
        if let Some(s) = sign
            && top.len() >= 2
        {
            let mut poly = std::mem::take(top);
            poly.extend(bot.iter().rev());
            out.push((s, poly));
        }
        top.clear();
        bot.clear();
    };
    for i in 0..n {
        let d = a[i] - b[i];
        let s = if d > 0.0 {
            Some(true)
        } else if d < 0.0 {
            Some(false)
        } else {
            None
        };
        if let (Some(cur), Some(new)) = (sign, s)
            && cur != new
            && i > 0
        {
            let d0 = a[i - 1] - b[i - 1];
            let t = d0 / (d0 - d);
            let x = xs[i - 1] + (xs[i] - xs[i - 1]) * t;
            let y = a[i - 1] + (a[i] - a[i - 1]) * t;
            top.push((x, y));
            bot.push((x, y));
            flush(&mut top, &mut bot, sign, &mut out);
            top.push((x, y));
            bot.push((x, y));
        }
        if s.is_some() {
            sign = s;
        }
        top.push((xs[i], a[i]));
        bot.push((xs[i], b[i]));
    }
    flush(&mut top, &mut bot, sign, &mut out);
    out
}

/// The polygon of a band: the upper edge forward, the lower edge back.
pub fn band_polygon(band: &[BandPoint]) -> Vec<(f64, f64)> {
    band.iter()
        .map(|p| (p.tick, p.high))
        .chain(band.iter().rev().map(|p| (p.tick, p.low)))
        .collect()
}

/// The legend line that explains bands.
pub fn band_legend(replicates: usize) -> LegendItem {
    LegendItem::new(
        Key::Band(style::MUTED),
        format!(
            "95% CI of the mean ({replicates} replicate{})",
            if replicates == 1 { "" } else { "s" }
        ),
    )
}

/// Draws a [`TimeChart`] into `area`.
pub fn draw_time_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &TimeChart,
) -> Result<(), PlotError> {
    let mut legend: Vec<LegendItem> = spec
        .series
        .iter()
        .map(|s| {
            LegendItem::new(
                if s.right {
                    Key::Dashed(s.colour)
                } else {
                    Key::Line(s.colour)
                },
                s.label.clone(),
            )
        })
        .collect();
    let polygons = match &spec.gap {
        Some((a, b, _, _)) => {
            let (sa, sb) = (&spec.series[*a].band, &spec.series[*b].band);
            let xs: Vec<f64> = sa.iter().map(|p| p.tick).collect();
            let ya: Vec<f64> = sa.iter().map(|p| p.mean).collect();
            let yb: Vec<f64> = sb.iter().map(|p| p.mean).collect();
            gap_polygons(&xs, &ya, &yb)
        }
        None => Vec::new(),
    };
    const GAP_ALPHA: f64 = 0.35;
    if let Some((_, _, above, below)) = &spec.gap {
        if polygons.iter().any(|(s, _)| *s) {
            legend.push(LegendItem::new(Key::Fill(style::PURPLE, GAP_ALPHA), above));
        }
        if polygons.iter().any(|(s, _)| !*s) {
            legend.push(LegendItem::new(Key::Fill(style::GREEN, GAP_ALPHA), below));
        }
    }
    legend.push(band_legend(spec.replicates));
    let plot_area = frame(area, &spec.title, spec.note.as_deref(), &legend)?;

    let x_max = spec
        .series
        .iter()
        .flat_map(|s| s.band.last().map(|p| p.tick))
        .fold(1.0_f64, f64::max);
    let (y0, y1) = spec.y_range.resolve(
        spec.series
            .iter()
            .filter(|s| !s.right)
            .map(|s| s.band.as_slice()),
    );
    let (y2_0, y2_1) = match &spec.y2 {
        Some((_, r)) => r.resolve(
            spec.series
                .iter()
                .filter(|s| s.right)
                .map(|s| s.band.as_slice()),
        ),
        None => (y0, y1),
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(10)
        .margin_right(if spec.y2.is_some() { 10 } else { 30 })
        .margin_top(8)
        .margin_bottom(6)
        .x_label_area_size(58)
        .y_label_area_size(92)
        .right_y_label_area_size(if spec.y2.is_some() { 92 } else { 0 })
        .build_cartesian_2d(0.0..x_max, y0..y1)?
        .set_secondary_coord(0.0..x_max, y2_0..y2_1);
    let dec = decimals_for(y1 - y0);
    let y_fmt = move |v: &f64| fmt_num(*v, dec);
    let x_fmt = |v: &f64| fmt_num(*v, 0);
    chart
        .configure_mesh()
        .x_desc("week")
        .y_desc(spec.y_desc.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .y_labels(6)
        .label_style(style::font(size::TICK).color(&INK))
        .axis_desc_style(style::font(size::AXIS).color(&INK))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .draw()?;
    if let Some((desc, _)) = &spec.y2 {
        let dec2 = decimals_for(y2_1 - y2_0);
        let y2_fmt = move |v: &f64| fmt_num(*v, dec2);
        chart
            .configure_secondary_axes()
            .y_desc(desc.as_str())
            .y_label_formatter(&y2_fmt)
            .y_labels(6)
            .label_style(style::font(size::TICK).color(&INK))
            .axis_desc_style(style::font(size::AXIS).color(&INK))
            .axis_style(MUTED)
            .draw()?;
    }
    for (above, poly) in &polygons {
        let c = if *above { style::PURPLE } else { style::GREEN };
        chart.draw_series(std::iter::once(Polygon::new(
            poly.clone(),
            c.mix(GAP_ALPHA).filled(),
        )))?;
    }
    for s in &spec.series {
        let poly = Polygon::new(band_polygon(&s.band), s.colour.mix(BAND_ALPHA).filled());
        if s.right {
            chart.draw_secondary_series(std::iter::once(poly))?;
        } else {
            chart.draw_series(std::iter::once(poly))?;
        }
    }
    for s in &spec.series {
        let pts: Vec<(f64, f64)> = s.band.iter().map(|p| (p.tick, p.mean)).collect();
        if s.right {
            chart.draw_secondary_series(DashedLineSeries::new(
                pts,
                12,
                7,
                s.colour.stroke_width(3),
            ))?;
        } else {
            chart.draw_series(LineSeries::new(pts, s.colour.stroke_width(3)))?;
        }
    }
    Ok(())
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
    text(
        area,
        title,
        &style::bold(size::TITLE).color(&INK).pos(left_top),
        (22, 14),
    )?;
    text(
        area,
        subtitle,
        &style::font(size::SUBTITLE).color(&MUTED).pos(left_top),
        (22, subtitle_y),
    )
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

    #[test]
    fn gap_polygons_split_where_the_curves_cross() {
        let xs = [0.0, 1.0, 2.0, 3.0];
        let a = [0.0, 2.0, 0.0, 0.0];
        let b = [0.0, 1.0, 1.0, 1.0];
        let polys = gap_polygons(&xs, &a, &b);
        assert_eq!(polys.len(), 2);
        assert!(polys[0].0 && !polys[1].0);
        // The crossing is at x = 1.5, y = 1.
        assert!(polys[0].1.contains(&(1.5, 1.0)));
        assert!(polys[1].1.contains(&(1.5, 1.0)));
        assert!(gap_polygons(&xs, &b, &b).is_empty());
    }
}
