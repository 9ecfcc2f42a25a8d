//! Bands: the polygon of a 95% interval over weeks, the shaded gap between two curves, and the
//! legend entry that explains bands.

use super::data::BandPoint;
use super::legend::{Key, LegendItem};
use super::style;

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

#[cfg(test)]
mod tests {
    use super::*;

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
