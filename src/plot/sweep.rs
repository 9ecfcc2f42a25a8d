//! Sweep plots: with one varied key, the chosen measure against the key with its 95% band;
//! with two, a heatmap (phase diagram) with a colour scale, each cell labelled with its mean
//! and the half-width of its 95% interval (sampled designs that do not fill a grid: coloured
//! dots at their values).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Categories, HouseStyle, category_label, decimals_for, fmt_num};
use super::data::{self, Sweep};
use super::frame;
use super::legend::{Key, LegendItem};
use super::style::{self, BAND_ALPHA, BLUE, INK, MUTED, size};
use super::text;
use crate::output::schema::PointsRow;

type SweepRow = PointsRow<'static>;
use super::{Figure, PlotError, PlotFile, png_and_svg};

/// The measure drawn when none is asked for.
pub const DEFAULT_METRIC: &str = "final_fragmentation";

/// A varied key's values in display order: numeric ascending when all are numbers, otherwise
/// in order of first appearance.
fn levels(rows: &[&SweepRow], key: usize) -> (Vec<String>, bool) {
    let mut vals: Vec<String> = Vec::new();
    for r in rows {
        if !vals.iter().any(|v| *v == r.point_values[key]) {
            vals.push(r.point_values[key].to_string());
        }
    }
    let numeric = vals
        .iter()
        .all(|v| v.parse::<f64>().is_ok_and(f64::is_finite));
    if numeric {
        vals.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
    }
    (vals, numeric)
}

/// A scenario key with its unit for an axis: `trust.half_life_ticks (weeks)`.
fn key_desc(key: &str) -> String {
    match crate::scenario::specs().iter().find(|s| s.key == key) {
        Some(spec) if !spec.unit.is_empty() && spec.unit != "-" => {
            // A tick is a week.
            let unit = if spec.unit == "ticks" {
                "weeks"
            } else {
                spec.unit
            };
            format!("{key} ({unit})")
        }
        _ => key.to_string(),
    }
}

fn title_case(s: &str) -> String {
    match s.get(..1) {
        Some(f) => f.to_uppercase() + &s[1..],
        None => String::new(),
    }
}

fn replicates_note(rows: &[&SweepRow]) -> String {
    let (lo, hi) = rows.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), r| {
        (lo.min(r.n as f64), hi.max(r.n as f64))
    });
    if (hi - lo).abs() < 0.5 {
        format!("{} replicates per point", fmt_num(hi, 0))
    } else {
        format!("{}-{} replicates per point", fmt_num(lo, 0), fmt_num(hi, 0))
    }
}

/// One varied key: the measure against the key.
struct LineFigure<'a> {
    title: String,
    key: &'a str,
    measure: &'a str,
    rows: Vec<&'a SweepRow>,
}

impl Figure for LineFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 760)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (label, unit) = style::measure_label(self.measure);
        let y_desc = if unit.is_empty() {
            label.clone()
        } else {
            format!("{label} ({unit})")
        };
        let legend = [
            LegendItem::new(Key::Line(BLUE), format!("mean: {label}")),
            LegendItem::new(
                Key::Band(BLUE),
                format!("95% CI of the mean ({})", replicates_note(&self.rows)),
            ),
        ];
        let area = frame::panel(&root.margin(6, 6, 6, 6), &self.title, None, &legend)?;
        let (levels, numeric) = levels(&self.rows, 0);
        let at = |level: &str| self.rows.iter().find(|r| r.point_values[0] == level);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for r in &self.rows {
            for v in [r.ci95_low, r.ci95_high, r.mean] {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if lo >= 0.0 {
            lo = 0.0;
        }
        if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        let hi = hi + 0.05 * (hi - lo);
        let dec = decimals_for(hi - lo);
        let y_fmt = move |v: &f64| fmt_num(*v, dec);
        if numeric {
            let xs: Vec<(f64, &SweepRow)> = levels
                .iter()
                .filter_map(|l| at(l).map(|r| (l.parse::<f64>().unwrap_or(0.0), *r)))
                .collect();
            let (x0, x1) = (
                xs.first().map(|p| p.0).unwrap_or(0.0),
                xs.last().map(|p| p.0).unwrap_or(1.0),
            );
            let (x0, x1) = if x1 > x0 {
                (x0, x1)
            } else {
                (x0 - 0.5, x0 + 0.5)
            };
            let xpad = 0.03 * (x1 - x0);
            let xdec = decimals_for(x1 - x0);
            let x_fmt = move |v: &f64| fmt_num(*v, xdec + 1);
            let mut chart = ChartBuilder::on(&area)
                .margin_left(10)
                .margin_right(30)
                .margin_top(8)
                .x_label_area_size(62)
                .y_label_area_size(96)
                .build_cartesian_2d((x0 - xpad)..(x1 + xpad), lo..hi)?;
            chart
                .configure_mesh()
                .house_style()
                .x_desc(key_desc(self.key))
                .y_desc(y_desc.as_str())
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .draw()?;
            let band: Vec<(f64, f64)> = xs
                .iter()
                .map(|(x, r)| (*x, r.ci95_high))
                .chain(xs.iter().rev().map(|(x, r)| (*x, r.ci95_low)))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                BLUE.mix(BAND_ALPHA).filled(),
            )))?;
            chart.draw_series(LineSeries::new(
                xs.iter().map(|(x, r)| (*x, r.mean)),
                BLUE.stroke_width(3),
            ))?;
            chart.draw_series(
                xs.iter()
                    .map(|(x, r)| Circle::new((*x, r.mean), 6, BLUE.filled())),
            )?;
        } else {
            let x_fmt = |v: &f64| category_label(&levels, *v);
            let mut chart = ChartBuilder::on(&area)
                .margin_left(10)
                .margin_right(30)
                .margin_top(8)
                .x_label_area_size(62)
                .y_label_area_size(96)
                .build_cartesian_2d(Categories(levels.len()), lo..hi)?;
            chart
                .configure_mesh()
                .house_style()
                .x_desc(key_desc(self.key))
                .y_desc(y_desc.as_str())
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .disable_x_mesh()
                .draw()?;
            for (i, l) in levels.iter().enumerate() {
                let Some(r) = at(l) else { continue };
                let x = i as f64 + 0.5;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, r.ci95_low), (x, r.ci95_high)],
                    BLUE.mix(0.6).stroke_width(14),
                )))?;
                chart.draw_series(std::iter::once(Circle::new((x, r.mean), 8, BLUE.filled())))?;
            }
        }
        Ok(())
    }
}

/// Two varied keys: a heatmap of the measure's mean (or, for sampled points that do not fill a
/// grid, dots at their values coloured by the mean).
struct Heatmap<'a> {
    title: String,
    keys: [&'a str; 2],
    measure: &'a str,
    rows: Vec<&'a SweepRow>,
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

/// The plots of a sweep folder.
pub fn draw(dir: &Path, metric: Option<&str>) -> Result<Vec<PlotFile>, PlotError> {
    let manifest = data::read_manifest(dir)?;
    let varied = manifest
        .as_ref()
        .map(|m| m.varied().to_vec())
        .unwrap_or_default();
    let sweep: Sweep = data::read_sweep(&dir.join("points.csv"), &varied)?;
    let measure = metric.unwrap_or(DEFAULT_METRIC);
    let rows: Vec<&SweepRow> = sweep.rows.iter().filter(|r| r.metric == measure).collect();
    if rows.is_empty() {
        let mut names: Vec<&str> = Vec::new();
        for r in &sweep.rows {
            if !names.contains(&&*r.metric) {
                names.push(&r.metric);
            }
        }
        return Err(PlotError::Usage(format!(
            "{} has no measure `{measure}`; choose one with --metric: {}",
            sweep.source,
            names.join(", ")
        )));
    }
    let (label, _) = style::measure_label(measure);
    let scenario = manifest
        .map(|m| m.provenance.scenario.name)
        .map(|s| format!(" (scenario \u{201c}{s}\u{201d})"))
        .unwrap_or_default();
    let stem = format!("sweep_{measure}");
    match sweep.keys.as_slice() {
        [key] => png_and_svg(
            &stem,
            &LineFigure {
                title: format!("{} by {key}{scenario}", title_case(&label)),
                key,
                measure,
                rows,
            },
        ),
        [a, b] => png_and_svg(
            &stem,
            &Heatmap {
                title: format!("{} by {a} and {b}{scenario}", title_case(&label)),
                keys: [a, b],
                measure,
                rows,
            },
        ),
        [] => Err(PlotError::Usage(format!(
            "{}: no varied key (expected columns between `point` and `metric`)",
            sweep.source
        ))),
        more => Err(PlotError::Usage(format!(
            "{}: {} varied keys ({}); sweep plots show one key (a line) or two (a heatmap)",
            sweep.source,
            more.len(),
            more.join(", ")
        ))),
    }
}
