//! A sweep over two keys: a heatmap (phase diagram) of a measure's mean, or, for sampled points
//! that do not fill a grid, dots at their values coloured by the mean.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{SweepRow, key_desc, levels, replicates_note};
use crate::plot::axis::{Categories, HouseStyle, category_label, decimals_for, fmt_num};
use crate::plot::frame;
use crate::plot::style::{self, INK, MUTED, size};
use crate::plot::text;
use crate::plot::{Figure, PlotError};

/// Two varied keys: a heatmap of the measure's mean (or, for sampled points that do not fill a
/// grid, dots at their values coloured by the mean).
pub(super) struct Heatmap<'a> {
    pub(super) title: String,
    pub(super) keys: [&'a str; 2],
    pub(super) measure: &'a str,
    pub(super) rows: Vec<&'a SweepRow>,
}

/// Sampled points up to this many get their interval written beside them.
const SCATTER_LABELS: usize = 60;

impl Heatmap<'_> {
    /// Whether the points are too few for a grid (a sampled design rather than a factorial
    /// one) and both keys are numbers: then they are drawn as coloured dots at their values.
    fn scattered(&self) -> bool {
        let (xs, x_numeric) = levels(&self.rows, 0);
        let (ys, y_numeric) = levels(&self.rows, 1);
        x_numeric && y_numeric && self.rows.len() * 2 < xs.len() * ys.len()
    }

    /// The factorial grid: one cell per pair of levels.
    fn draw_grid<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        colour: &dyn Fn(f64) -> RGBColor,
        value_dec: usize,
    ) -> Result<(), PlotError> {
        let (xs, _) = levels(&self.rows, 0);
        let (ys, _) = levels(&self.rows, 1);
        let (nx, ny) = (xs.len() as f64, ys.len() as f64);
        let x_fmt = |v: &f64| category_label(&xs, *v);
        let y_fmt = |v: &f64| category_label(&ys, *v);
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(20)
            .margin_top(8)
            .x_label_area_size(66)
            .y_label_area_size(110)
            .build_cartesian_2d(Categories(xs.len()), Categories(ys.len()))?;
        chart
            .configure_mesh()
            .house_style()
            .x_desc(key_desc(self.keys[0]))
            .y_desc(key_desc(self.keys[1]))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .disable_mesh()
            .draw()?;
        let cell_w = chart.plotting_area().dim_in_pixel().0 as f64 / nx.max(1.0);
        let cell_h = chart.plotting_area().dim_in_pixel().1 as f64 / ny.max(1.0);
        let text_px = (cell_h / 4.0).min(cell_w / 5.0).clamp(0.0, 22.0);
        let plot = chart.plotting_area().strip_coord_spec();
        let (ox, oy) = chart.plotting_area().get_base_pixel();
        for r in &self.rows {
            let (Some(i), Some(j)) = (
                xs.iter().position(|v| *v == r.point_values[0]),
                ys.iter().position(|v| *v == r.point_values[1]),
            ) else {
                continue;
            };
            let (i, j) = (i as f64, j as f64);
            let c = colour(r.mean);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(i, j), (i + 1.0, j + 1.0)],
                c.filled(),
            )))?;
            if text_px >= 11.0 {
                let ink = if style::is_light(c) {
                    INK
                } else {
                    style::WHITE
                };
                let half = (r.ci95_high - r.ci95_low) / 2.0;
                let centre = chart.backend_coord(&(i + 0.5, j + 0.5));
                let local = (centre.0 - ox, centre.1 - oy);
                let style = style::bold(text_px)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Bottom));
                text::draw(&plot, &format!("{:.value_dec$}", r.mean), &style, local)?;
                let style = style::font(text_px * 0.85)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Top));
                text::draw(
                    &plot,
                    &format!("\u{00b1}{half:.value_dec$}"),
                    &style,
                    (local.0, local.1 + 2),
                )?;
            }
        }
        Ok(())
    }

    /// Sampled points: a dot per point at its two values, coloured by its mean.
    fn draw_scatter<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        colour: &dyn Fn(f64) -> RGBColor,
        value_dec: usize,
    ) -> Result<(), PlotError> {
        let value = |r: &SweepRow, k: usize| r.point_values[k].parse::<f64>().unwrap_or(0.0);
        let span = |k: usize| {
            let (lo, hi) = self
                .rows
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |a, r| {
                    (a.0.min(value(r, k)), a.1.max(value(r, k)))
                });
            let (lo, hi) = if hi > lo {
                (lo, hi)
            } else {
                (lo - 0.5, lo + 0.5)
            };
            let pad = 0.04 * (hi - lo);
            (lo - pad, hi + pad)
        };
        let ((x0, x1), (y0, y1)) = (span(0), span(1));
        let (xd, yd) = (decimals_for(x1 - x0) + 1, decimals_for(y1 - y0) + 1);
        let x_fmt = move |v: &f64| fmt_num(*v, xd);
        let y_fmt = move |v: &f64| fmt_num(*v, yd);
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(20)
            .margin_top(8)
            .x_label_area_size(66)
            .y_label_area_size(110)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .house_style()
            .x_desc(key_desc(self.keys[0]))
            .y_desc(key_desc(self.keys[1]))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()?;
        let plot = chart.plotting_area().strip_coord_spec();
        let (ox, oy) = chart.plotting_area().get_base_pixel();
        let half_style = style::font(size::TICK * 0.8)
            .color(&MUTED)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for r in &self.rows {
            let p = (value(r, 0), value(r, 1));
            chart.draw_series([
                Circle::new(p, 11, colour(r.mean).filled()),
                Circle::new(p, 11, INK.stroke_width(1)),
            ])?;
        }
        // Labels after all dots, so no dot hides one.
        for r in &self.rows {
            if self.rows.len() <= SCATTER_LABELS {
                let at = chart.backend_coord(&(value(r, 0), value(r, 1)));
                text::draw(
                    &plot,
                    &format!("\u{00b1}{:.value_dec$}", (r.ci95_high - r.ci95_low) / 2.0),
                    &half_style,
                    (at.0 - ox + 14, at.1 - oy),
                )?;
            }
        }
        Ok(())
    }
}

impl Figure for Heatmap<'_> {
    fn size(&self) -> (u32, u32) {
        (1300, 1000)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (label, unit) = style::measure_label(self.measure);
        let scattered = self.scattered();
        let note = if scattered {
            format!(
                "each dot: one sampled point, coloured by its mean{} ({})",
                if self.rows.len() <= SCATTER_LABELS {
                    ", labelled with the \u{00b1} half-width of its 95% CI"
                } else {
                    "; 95% CIs are in points.csv"
                },
                replicates_note(&self.rows)
            )
        } else {
            format!(
                "cell colour: mean; in each cell: mean and \u{00b1} half-width of its 95% CI ({})",
                replicates_note(&self.rows)
            )
        };
        let area = frame::panel(&root.margin(6, 6, 6, 6), &self.title, Some(&note), &[])?;
        let (map_area, scale_area) = area.split_horizontally(area.dim_in_pixel().0 - 190);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for r in &self.rows {
            lo = lo.min(r.mean);
            hi = hi.max(r.mean);
        }
        if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        let t = |v: f64| (v - lo) / (hi - lo);
        let colour = |v: f64| style::viridis(t(v));
        if scattered {
            self.draw_scatter(&map_area, &colour, decimals_for(hi - lo) + 1)?;
        } else {
            self.draw_grid(&map_area, &colour, decimals_for(hi - lo) + 1)?;
        }
        // Colour scale.
        let scale_area = scale_area.margin(8, 74, 20, 40);
        let mut scale = ChartBuilder::on(&scale_area)
            .y_label_area_size(0)
            .right_y_label_area_size(80)
            .build_cartesian_2d(0.0..1.0, lo..hi)?
            .set_secondary_coord(0.0..1.0, lo..hi);
        let steps = 100;
        scale.draw_series((0..steps).map(|k| {
            let a = lo + (hi - lo) * k as f64 / steps as f64;
            let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], colour((a + b) / 2.0).filled())
        }))?;
        let dec = decimals_for(hi - lo);
        let fmt = move |v: &f64| fmt_num(*v, dec);
        scale
            .configure_secondary_axes()
            .house_style()
            .y_label_formatter(&fmt)
            .y_labels(6)
            .y_desc(if unit.is_empty() {
                label.clone()
            } else {
                format!("{label} ({unit})")
            })
            .draw()?;
        Ok(())
    }
}
