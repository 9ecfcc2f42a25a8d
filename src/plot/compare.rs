//! Comparison plots: each metric's arms overlaid over weeks with their 95% bands, and a forest
//! plot of the paired differences from the reference arm with their 95% intervals.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Categories, HouseStyle, Range, category_label, decimals_for, fmt_num};
use super::data::{self, Timeseries};
use super::frame;
use super::style::{self, CATEGORICAL, INK, size};
use super::text;
use super::time_chart::{self, Series, TimeChart};
use crate::metrics::measures;
use crate::output::{GAP_MEANING, schema};

type CompareRow = schema::CompareRow<'static>;
use super::{Figure, PlotError, PlotFile, png_and_svg};

/// The metrics overlaid, with their axis ranges.
const METRICS: [(&str, Range); 11] = [
    ("coordination_value", Range::Auto),
    ("network_value", Range::Auto),
    ("coordination_funding", Range::Auto),
    ("cumulative_coordination_value_gap", Range::Auto),
    ("fragmentation", Range::Fixed(0.0, 1.0)),
    ("largest_component_share", Range::Fixed(0.0, 1.0)),
    ("mean_trust", Range::Fixed(0.0, 1.0)),
    ("coordination_capacity", Range::Auto),
    ("networks", Range::Auto),
    ("interdependence", Range::Auto),
    ("coherence", Range::Auto),
];

/// The summary measures of the forest plot by default (those present are shown), and the
/// headline measures of a report.
pub const HEADLINE: [&str; 10] = [
    "final_fragmentation",
    "cumulative_network_value",
    "cumulative_coordination_value",
    "cumulative_coordination_funding",
    "cumulative_coordination_funded_share",
    "final_cumulative_coordination_value_gap",
    "final_mean_trust",
    "final_networks",
    "final_coordination_capacity",
    "final_stage_7",
];

/// The arms' labels, joined for a title.
fn arms_title(series: &Timeseries) -> String {
    let labels: Vec<String> = series
        .arms
        .iter()
        .map(|a| format!("\u{201c}{}\u{201d}", a.label))
        .collect();
    if labels.len() <= 3 {
        labels.join(" vs. ")
    } else {
        format!("{} arms", labels.len())
    }
}

/// One metric, every arm.
fn overlay(
    series: &Timeseries,
    metric: &str,
    range: Range,
    suffix: &str,
) -> Result<TimeChart, PlotError> {
    let col = series.column(metric)?;
    let (label, unit) = style::metric_label(metric);
    let replicates = (0..series.arms.len())
        .map(|a| series.replicates(a))
        .min()
        .unwrap_or(0);
    let mut title = label.clone();
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    Ok(TimeChart {
        title: format!("{title}{suffix}"),
        note: None,
        y_desc: if unit.is_empty() {
            label
        } else {
            format!("{label} ({unit})")
        },
        y_range: range,
        y2: None,
        series: series
            .arms
            .iter()
            .enumerate()
            .map(|(i, arm)| {
                Series::new(
                    arm.label.clone(),
                    CATEGORICAL[i % CATEGORICAL.len()],
                    series.band(i, col),
                )
            })
            .collect(),
        gap: None,
        replicates,
    })
}

struct Single<'a>(&'a TimeChart);

impl Figure for Single<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        time_chart::draw(&root.margin(6, 6, 6, 6), self.0)
    }
}

/// Every overlay in one grid.
struct Overview<'a> {
    title: String,
    charts: &'a [TimeChart],
}

impl Figure for Overview<'_> {
    fn size(&self) -> (u32, u32) {
        (1900, 90 + 560 * self.charts.len().div_ceil(2) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (header, body) = root.split_vertically(90);
        frame::heading(
            &header,
            &self.title,
            "Lines: mean across replicates; shaded bands: 95% confidence interval of the mean.",
            56,
        )?;
        let cells = body.split_evenly((self.charts.len().div_ceil(2), 2));
        for (c, cell) in self.charts.iter().zip(cells.iter()) {
            time_chart::draw(&cell.margin(8, 8, 8, 8), c)?;
        }
        Ok(())
    }
}

/// The forest plot: one row per summary measure, each with its own axis and unit.
struct Forest<'a> {
    reference: String,
    measures: Vec<(String, Vec<&'a CompareRow>)>,
}

const FOREST_ROW_BASE: u32 = 170;
const FOREST_ROW_ARM: u32 = 44;

impl Forest<'_> {
    fn row_height(&self, arms: usize) -> u32 {
        FOREST_ROW_BASE + FOREST_ROW_ARM * arms as u32
    }
}

impl Figure for Forest<'_> {
    fn size(&self) -> (u32, u32) {
        let rows: u32 = self
            .measures
            .iter()
            .map(|(_, r)| self.row_height(r.len()))
            .sum();
        (1300, 120 + rows.max(FOREST_ROW_BASE))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (header, mut rest) = root.split_vertically(120);
        frame::heading(
            &header,
            &format!(
                "Differences from \u{201c}{}\u{201d} (the reference arm), with 95% CIs",
                self.reference
            ),
            "Dot: an arm minus the reference, paired by seed; bar: 95% CI. Crossing the \
             dashed zero line: no clear difference.",
            60,
        )?;
        if self.measures.is_empty() {
            text::draw(
                &rest,
                "compare.csv has no differences to show (only the reference arm)",
                &style::font(size::SUBTITLE)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
                (22, 10),
            )?;
            return Ok(());
        }
        let label_w = self
            .measures
            .iter()
            .flat_map(|(_, rows)| rows.iter())
            .map(|r| text::width(&rest, &arm_label(r), size::TICK))
            .max()
            .unwrap_or(100)
            .clamp(80, 520) as u32
            + 24;
        for (measure, rows) in &self.measures {
            let (area, below) = rest.split_vertically(self.row_height(rows.len()));
            rest = below;
            let (label, unit) = style::measure_label(measure);
            let title = match measures::summary(measure) {
                Some(m) => format!("{label} ({})", m.direction.words()),
                None => label,
            };
            // The gap is read with what it is made of: say so under its row.
            let note =
                (measure == "final_cumulative_coordination_value_gap").then_some(GAP_MEANING);
            let plot = frame::panel(&area.margin(0, 0, 8, 8), &title, note, &[])?;
            let x_desc = if unit.is_empty() {
                format!("difference from \u{201c}{}\u{201d}", self.reference)
            } else {
                format!(
                    "difference from \u{201c}{}\u{201d} ({unit})",
                    self.reference
                )
            };
            let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
            for r in rows {
                if let Some((m, l, h)) = r.difference() {
                    for v in [m, l, h] {
                        if v.is_finite() {
                            lo = lo.min(v);
                            hi = hi.max(v);
                        }
                    }
                }
            }
            if hi - lo < 1e-12 {
                hi = lo + 1.0;
            }
            let pad = 0.08 * (hi - lo);
            let (lo, hi) = (lo - pad, hi + pad);
            // Arms top to bottom; arm k's row is centred at n - 0.5 - k.
            let n = rows.len() as f64;
            let labels: Vec<String> = rows.iter().rev().map(|r| arm_label(r)).collect();
            let y_fmt = |v: &f64| category_label(&labels, *v);
            let dec = decimals_for(hi - lo);
            let x_fmt = move |v: &f64| fmt_num(*v, dec);
            let mut chart = ChartBuilder::on(&plot)
                .margin_right(30)
                .x_label_area_size(64)
                .y_label_area_size(label_w)
                .build_cartesian_2d(lo..hi, Categories(rows.len()))?;
            chart
                .configure_mesh()
                .house_style()
                .x_desc(x_desc)
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_labels(8)
                .disable_y_mesh()
                .draw()?;
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (0.0, n)],
                8,
                6,
                INK.stroke_width(2),
            ))?;
            for (k, r) in rows.iter().enumerate() {
                let Some((m, l, h)) = r.difference() else {
                    continue;
                };
                let y = n - 0.5 - k as f64;
                let c = CATEGORICAL[r.arm % CATEGORICAL.len()];
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(l, y), (h, y)],
                    c.stroke_width(4),
                )))?;
                chart.draw_series(std::iter::once(Circle::new((m, y), 8, c.filled())))?;
            }
        }
        Ok(())
    }
}

/// An arm's row label in the forest plot: its label and the verdict in words, which reads the
/// interval with the measure's direction ("clearly better", "no clear difference", ...).
fn arm_label(r: &CompareRow) -> String {
    format!("{}: {}", r.label, r.verdict())
}

/// The measures of the forest plot, each with its non-reference arms.
fn forest_measures<'a>(
    rows: &'a [CompareRow],
    metric: Option<&str>,
    path: &str,
) -> Result<Vec<(String, Vec<&'a CompareRow>)>, PlotError> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&&*r.metric) {
            names.push(&r.metric);
        }
    }
    let chosen: Vec<&str> = match metric {
        Some(m) if names.contains(&m) => vec![m],
        Some(m) => {
            return Err(PlotError::Usage(format!(
                "{path} has no measure `{m}`; it has {}",
                names.join(", ")
            )));
        }
        None => {
            let headline: Vec<&str> = HEADLINE
                .iter()
                .copied()
                .filter(|h| names.contains(h))
                .collect();
            if headline.is_empty() {
                names.iter().copied().take(12).collect()
            } else {
                headline
            }
        }
    };
    Ok(chosen
        .into_iter()
        .map(|m| {
            (
                m.to_string(),
                rows.iter()
                    .filter(|r| r.metric == m && r.arm != 0 && r.difference().is_some())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rs)| !rs.is_empty())
        .collect())
}

/// The plots of a comparison folder.
pub fn draw(dir: &Path, metric: Option<&str>) -> Result<Vec<PlotFile>, PlotError> {
    let series = data::read_timeseries(&dir.join("timeseries.csv"))?;
    let compare_path = dir.join("compare.csv");
    let rows = data::read_compare(&compare_path)?;
    let suffix = format!(": {}", arms_title(&series));
    let charts: Vec<(&str, TimeChart)> = METRICS
        .iter()
        .filter(|(m, _)| series.column(m).is_ok())
        .map(|&(m, r)| overlay(&series, m, r, &suffix).map(|c| (m, c)))
        .collect::<Result<_, _>>()?;
    if charts.is_empty() {
        // Name a column the charts need, so the message says what is wrong.
        series.column(METRICS[0].0)?;
    }
    let mut files = Vec::new();
    let grid: Vec<TimeChart> = charts
        .iter()
        .map(|(_, c)| {
            let mut c = c.clone();
            c.title = c.title.trim_end_matches(suffix.as_str()).to_string();
            c
        })
        .collect();
    files.extend(png_and_svg(
        "compare",
        &Overview {
            title: format!("Comparison{suffix}"),
            charts: &grid,
        },
    )?);
    for (m, c) in &charts {
        files.extend(png_and_svg(&format!("compare_{m}"), &Single(c))?);
    }
    let reference = rows
        .iter()
        .find(|r| r.arm == 0)
        .map(|r| r.label.to_string())
        .or_else(|| series.arms.first().map(|a| a.label.clone()))
        .unwrap_or_default();
    let forest = Forest {
        reference,
        measures: forest_measures(&rows, metric, &compare_path.display().to_string())?,
    };
    files.extend(png_and_svg("forest", &forest)?);
    Ok(files)
}
