//! The chart most panels are: means with 95% bands over weeks, optionally with a right-hand
//! axis and the shaded gap between two series.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::axis::{HouseStyle, Range, decimals_for, fmt_num};
use super::band::{band_legend, band_polygon, gap_polygons};
use super::data::BandPoint;
use super::frame;
use super::legend::{Key, LegendItem};
use super::style::{self, BAND_ALPHA};

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

/// Draws a [`TimeChart`] into `area`.
pub fn draw<DB: DrawingBackend>(
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
    let plot_area = frame::panel(area, &spec.title, spec.note.as_deref(), &legend)?;

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
        .house_style()
        .x_desc("week")
        .y_desc(spec.y_desc.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .y_labels(6)
        .draw()?;
    if let Some((desc, _)) = &spec.y2 {
        let dec2 = decimals_for(y2_1 - y2_0);
        let y2_fmt = move |v: &f64| fmt_num(*v, dec2);
        chart
            .configure_secondary_axes()
            .house_style()
            .y_desc(desc.as_str())
            .y_label_formatter(&y2_fmt)
            .y_labels(6)
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
