//! Sensitivity charts: `morris` (each measure's keys ranked by mu*, with 95% intervals and the
//! dummy's noise floor) and `sobol` (each key's first-order and total index, with intervals).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Categories, HouseStyle, category_label, decimals_for, fmt_num};
use super::frame;
use super::style::{self, CATEGORICAL, INK, size};
use super::text;
use super::{Figure, PlotError, PlotFile, png_and_svg};
use crate::output::schema::{DUMMY, MorrisRow, SobolRow, read_rows};

/// One measure's rows: each key with a point value and an interval per series (one series for
/// Morris, two for Sobol), ranked from the top.
struct Panel {
    measure: String,
    keys: Vec<String>,
    /// Per series, per key: (value, low, high).
    series: Vec<Vec<(f64, f64, f64)>>,
    /// A dashed reference line (the noise floor).
    floor: Option<f64>,
}

struct Ranked {
    title: String,
    subtitle: String,
    legend: Vec<&'static str>,
    panels: Vec<Panel>,
}

const ROW: u32 = 46;

impl Ranked {
    fn height(p: &Panel) -> u32 {
        120 + ROW * p.keys.len() as u32
    }
}

impl Figure for Ranked {
    fn size(&self) -> (u32, u32) {
        (
            1300,
            130 + self.panels.iter().map(Ranked::height).sum::<u32>(),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (header, mut rest) = root.split_vertically(130);
        frame::heading(&header, &self.title, &self.subtitle, 60)?;
        let label_w = self
            .panels
            .iter()
            .flat_map(|p| p.keys.iter())
            .map(|k| text::width(&rest, k, size::TICK))
            .max()
            .unwrap_or(100)
            .clamp(80, 420) as u32
            + 24;
        for p in &self.panels {
            let (area, below) = rest.split_vertically(Ranked::height(p));
            rest = below;
            let (label, unit) = style::measure_label(&p.measure);
            let plot = frame::panel(&area.margin(0, 0, 8, 8), &label, None, &[])?;
            let mut hi = p.floor.unwrap_or(0.0);
            let mut lo = 0.0_f64;
            for s in &p.series {
                for &(v, l, h) in s {
                    for x in [v, l, h] {
                        if x.is_finite() {
                            hi = hi.max(x);
                            lo = lo.min(x);
                        }
                    }
                }
            }
            if hi - lo < 1e-12 {
                hi = lo + 1.0;
            }
            let pad = 0.06 * (hi - lo);
            let (lo, hi) = (lo - if lo < 0.0 { pad } else { 0.0 }, hi + pad);
            let n = p.keys.len() as f64;
            let labels: Vec<String> = p.keys.iter().rev().cloned().collect();
            let y_fmt = |v: &f64| category_label(&labels, *v);
            let dec = decimals_for(hi - lo);
            let x_fmt = move |v: &f64| fmt_num(*v, dec);
            let mut chart = ChartBuilder::on(&plot)
                .margin_right(30)
                .x_label_area_size(64)
                .y_label_area_size(label_w)
                .build_cartesian_2d(lo..hi, Categories(p.keys.len()))?;
            chart
                .configure_mesh()
                .house_style()
                .x_desc(if unit.is_empty() {
                    self.legend.join(", ")
                } else {
                    format!("{} ({unit} over the key's range)", self.legend.join(", "))
                })
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_labels(8)
                .disable_y_mesh()
                .draw()?;
            if let Some(f) = p.floor {
                chart.draw_series(DashedLineSeries::new(
                    vec![(f, 0.0), (f, n)],
                    8,
                    6,
                    INK.stroke_width(2),
                ))?;
            }
            let offsets: Vec<f64> = match p.series.len() {
                1 => vec![0.0],
                k => (0..k)
                    .map(|i| 0.15 - 0.3 * i as f64 / (k - 1) as f64)
                    .collect(),
            };
            for (s, (series, off)) in p.series.iter().zip(&offsets).enumerate() {
                let c = CATEGORICAL[s % CATEGORICAL.len()];
                for (k, &(v, l, h)) in series.iter().enumerate() {
                    let y = n - 0.5 - k as f64 + off;
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(l, y), (h, y)],
                        c.stroke_width(4),
                    )))?;
                    chart.draw_series(std::iter::once(Circle::new((v, y), 8, c.filled())))?;
                }
            }
        }
        Ok(())
    }
}

/// Measures in file order.
fn measures<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|m| m == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// `morris.png`/`.svg` from the folder's `morris.csv`.
pub fn draw_morris(dir: &Path) -> Result<Vec<PlotFile>, PlotError> {
    let rows: Vec<MorrisRow> = read_rows(&dir.join("morris.csv"))?;
    let panels = measures(rows.iter().map(|r| r.metric.as_str()))
        .into_iter()
        .map(|m| {
            let mut of: Vec<&MorrisRow> = rows.iter().filter(|r| r.metric == m).collect();
            of.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
            Panel {
                floor: of.iter().find(|r| r.key == DUMMY).map(|r| r.mu_star),
                keys: of.iter().map(|r| r.key.clone()).collect(),
                series: vec![
                    of.iter()
                        .map(|r| (r.mu_star, r.mu_star_ci95_low, r.mu_star_ci95_high))
                        .collect(),
                ],
                measure: m,
            }
        })
        .collect();
    png_and_svg(
        "morris",
        &Ranked {
            title: "Which keys matter: Morris screening".to_string(),
            subtitle: "Dot: mu*, mean |change| as the key crosses its range; bar: 95% CI; \
                       dashed: the dummy's mu* (noise alone)."
                .to_string(),
            legend: vec!["mu*"],
            panels,
        },
    )
}

/// `sobol.png`/`.svg` from the folder's `sobol.csv`.
pub fn draw_sobol(dir: &Path) -> Result<Vec<PlotFile>, PlotError> {
    let rows: Vec<SobolRow> = read_rows(&dir.join("sobol.csv"))?;
    let panels = measures(rows.iter().map(|r| r.metric.as_str()))
        .into_iter()
        .map(|m| {
            let mut of: Vec<&SobolRow> = rows.iter().filter(|r| r.metric == m).collect();
            of.sort_by(|a, b| b.total.total_cmp(&a.total));
            Panel {
                floor: None,
                keys: of.iter().map(|r| r.key.clone()).collect(),
                series: vec![
                    of.iter()
                        .map(|r| (r.total, r.total_ci95_low, r.total_ci95_high))
                        .collect(),
                    of.iter()
                        .map(|r| {
                            (
                                r.first_order,
                                r.first_order_ci95_low,
                                r.first_order_ci95_high,
                            )
                        })
                        .collect(),
                ],
                measure: m,
            }
        })
        .collect();
    png_and_svg(
        "sobol",
        &Ranked {
            title: "How much of each measure's variance each key explains: Sobol indices"
                .to_string(),
            subtitle: "Upper dot: total index (with interactions); lower dot: first order \
                       (alone); bars: 95% CIs."
                .to_string(),
            legend: vec!["total", "first order"],
            panels,
        },
    )
}
