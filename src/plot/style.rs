//! Look of every chart: the colour-blind-safe palette, the embedded font and text sizes.
//!
//! Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
//! deficiencies); ordered quantities (formation stages, heatmaps) use viridis. Text is Noto Sans,
//! compiled into the binary and registered with plotters once, so no system font is needed.

use std::sync::Once;

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor};

use crate::metrics::measures;

/// Okabe-Ito: blue.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe-Ito: orange.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe-Ito: bluish green.
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe-Ito: vermillion.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe-Ito: reddish purple.
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Okabe-Ito: sky blue.
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe-Ito: yellow.
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
/// Text and axes.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (subtitles, notes).
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// Communities outside any network.
pub const UNAFFILIATED: RGBColor = RGBColor(0xC8, 0xC8, 0xC8);
pub const WHITE: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

/// Colours for categories without an order (arms, networks), most distinct first.
pub const CATEGORICAL: [RGBColor; 7] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW];

/// Opacity of a 95% confidence band.
pub const BAND_ALPHA: f64 = 0.22;

/// Viridis anchors (matplotlib's), from low to high.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2c, 0x7a),
    (0x3b, 0x51, 0x8b),
    (0x2c, 0x71, 0x8e),
    (0x21, 0x90, 0x8d),
    (0x27, 0xad, 0x81),
    (0x5c, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// Viridis at `t` in [0, 1] (clamped), linearly interpolated between anchors.
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Linear mix of two colours (`t` = 0 gives `a`).
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether black text reads better than white on `c`.
pub fn is_light(c: RGBColor) -> bool {
    0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64 > 140.0
}

/// Colours of formation stages 0..=7: grey for "no trusted tie yet", then viridis from light
/// (stage 1) to dark (stage 7), so progress reads as the dark base growing.
pub fn stage_colour(stage: usize) -> RGBColor {
    if stage == 0 {
        RGBColor(0xE6, 0xE6, 0xE6)
    } else {
        viridis((7 - stage) as f64 / 6.0)
    }
}

/// What each formation stage means (the indicator that holds at that stage).
pub const STAGE_NAMES: [&str; 8] = [
    "0 no trusted tie",
    "1 kinship",
    "2 resonance",
    "3 mutual support",
    "4 collective identity",
    "5 pooling",
    "6 collective action",
    "7 interdependence",
];

/// A metric column's name for readers and its unit, from `metrics::measures` (an unknown
/// column, from a file of another version, reads as its name in words).
pub fn metric_label(metric: &str) -> (String, String) {
    match measures::metric(metric) {
        Some(m) => (m.label, m.unit),
        None => (metric.replace('_', " "), String::new()),
    }
}

/// A summary measure's name for readers (`final_x`, `cumulative_x`, `first_full_stage_tick`)
/// and its unit, from `metrics::measures`; a metric column's when it is one.
pub fn measure_label(measure: &str) -> (String, String) {
    match measures::summary(measure) {
        Some(m) => (m.label, m.unit),
        None => metric_label(measure),
    }
}

/// Text sizes in pixels at the default chart sizes.
pub mod size {
    pub const TITLE: f64 = 34.0;
    pub const SUBTITLE: f64 = 22.0;
    pub const PANEL_TITLE: f64 = 26.0;
    pub const AXIS: f64 = 21.0;
    pub const TICK: f64 = 19.0;
    pub const LEGEND: f64 = 19.0;
}

/// The font family charts ask for. PNG text is drawn with the embedded Noto Sans registered
/// under this name; SVG text names it as a CSS list, so viewers that have Noto Sans use it and
/// the others fall back to their sans-serif (layouts leave room for wider fonts, see
/// `text::slack`).
pub const FAMILY: &str = "Noto Sans, sans-serif";

/// Registers the embedded Noto Sans (regular and bold) with plotters, once, as "sans-serif"
/// and as [`FAMILY`].
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The fonts are compiled in and known to parse; a failure would show as FontUnavailable
        // when drawing, which is reported as an error there.
        for name in ["sans-serif", FAMILY] {
            let _ = plotters::style::register_font(name, FontStyle::Normal, ttf_noto_sans::REGULAR);
            let _ = plotters::style::register_font(name, FontStyle::Bold, ttf_noto_sans::BOLD);
        }
    });
}

/// The regular font at `px` pixels.
pub fn font(px: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px, FontStyle::Normal)
}

/// The bold font at `px` pixels.
pub fn bold(px: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px, FontStyle::Bold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_clamps() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xfd, 0xe7, 0x25));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }

    #[test]
    fn measures_read_as_words_with_units() {
        assert_eq!(
            measure_label("final_fragmentation"),
            (
                "fragmentation at the end".to_string(),
                "share 0-1".to_string()
            )
        );
        assert_eq!(
            measure_label("cumulative_coordination_value"),
            (
                "coordination value, all weeks".to_string(),
                "resources".to_string()
            )
        );
        assert_eq!(measure_label("odd_thing").0, "odd thing");
    }

    #[test]
    fn stage_colours_are_distinct() {
        let cs: Vec<_> = (0..8).map(stage_colour).collect();
        for i in 0..8 {
            for j in i + 1..8 {
                assert_ne!(cs[i], cs[j]);
            }
        }
    }
}
