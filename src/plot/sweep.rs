//! Sweep plots: with one varied key, the chosen measure against the key with its 95% band;
//! with two, a heatmap (phase diagram) with a colour scale, each cell labelled with its mean
//! and the half-width of its 95% interval (sampled designs that do not fill a grid: coloured
//! dots at their values).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Categories, HouseStyle, category_label, decimals_for, fmt_num};
use super::data::{self, Sweep};
use super::frame;
use super::legend::{Key, LegendItem};
use super::style::{self, BAND_ALPHA, BLUE};
use crate::output::schema::PointsRow;

type SweepRow = PointsRow<'static>;

mod heatmap;
use super::{Figure, PlotError, PlotFile, png_and_svg};
use heatmap::Heatmap;

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

/// The plots of a sweep folder.
pub fn draw(dir: &Path, metric: Option<&str>) -> Result<Vec<PlotFile>, PlotError> {
    let manifest = data::read_manifest(dir)?;
    let varied = manifest
        .as_ref()
        .map(|m| m.varied().to_vec())
        .unwrap_or_default();
    if varied.len() > 2 {
        return Err(too_many_keys(&dir.join("points.csv"), &varied));
    }
    // Only the drawn measure's rows are kept (and the names of the others, for the error).
    let measure = metric.unwrap_or(DEFAULT_METRIC);
    let mut names: Vec<String> = Vec::new();
    let sweep: Sweep = data::read_sweep_where(&dir.join("points.csv"), &varied, |r| {
        if !names.iter().any(|n| *n == r.metric) {
            names.push(r.metric.to_string());
        }
        r.metric == measure
    })
    .or_else(|e| match e {
        // Rows there were, but none of this measure: said below, with the measures there are.
        PlotError::Empty { path } if !names.is_empty() => Ok(Sweep {
            source: path,
            keys: Vec::new(),
            rows: Vec::new(),
        }),
        e => Err(e),
    })?;
    let rows: Vec<&SweepRow> = sweep.rows.iter().collect();
    if rows.is_empty() {
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
        more => Err(too_many_keys(Path::new(&sweep.source), more)),
    }
}

fn too_many_keys(source: &Path, keys: &[String]) -> PlotError {
    PlotError::Usage(format!(
        "{}: {} varied keys ({}); sweep plots show one key (a line) or two (a heatmap)",
        source.display(),
        keys.len(),
        keys.join(", ")
    ))
}
