//! Text: raster text drawn with the embedded Noto Sans (vector text left to the SVG viewer),
//! text widths with room for wider fonts, and word wrapping.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::PlotError;
use super::style;

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
pub fn draw<DB: DrawingBackend>(
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

/// Width of `text` in the regular font at `px`, with room for wider fonts (see `slack`).
pub fn width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> i32 {
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
