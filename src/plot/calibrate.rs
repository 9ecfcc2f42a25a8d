//! Calibration charts: `posterior` (each calibrated key's weighted kernel density, one line per
//! generation, the posterior darkest) and `pairs` (the posterior particles of every pair of
//! keys, shaded by weight). Log-uniform keys are drawn on a log10 axis.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{HouseStyle, decimals_for, fmt_num};
use super::frame;
use super::style::{self, INK, viridis};
use super::{Figure, PlotError, PlotFile, png_and_svg};
use crate::output::schema::{MarginalRow, ParticleRow, read_rows};

/// Points of a density line.
const GRID: usize = 120;

/// One key's particles, per generation: (value on the drawn axis, weight).
struct Key {
    label: String,
    generations: Vec<Vec<(f64, f64)>>,
    range: (f64, f64),
}

struct Calibration {
    keys: Vec<Key>,
    last: usize,
}

impl Calibration {
    fn read(dir: &Path) -> Result<Self, PlotError> {
        let marginals: Vec<MarginalRow> = read_rows(&dir.join("marginals.csv"))?;
        let (_, rows) = ParticleRow::read(&dir.join("particles.csv"), marginals.len())
            .map_err(PlotError::from)?;
        let last = rows
            .iter()
            .map(|r| r.generation as usize)
            .max()
            .unwrap_or(0);
        let keys = marginals
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let log = m.prior.starts_with("log-uniform");
                let on_axis = |x: f64| if log { x.log10() } else { x };
                let mut generations = vec![Vec::new(); last + 1];
                for r in &rows {
                    generations[r.generation as usize].push((on_axis(r.keys[k]), r.weight));
                }
                let (lo, hi) = generations
                    .iter()
                    .flatten()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(x, _)| {
                        (lo.min(x), hi.max(x))
                    });
                let range = if hi > lo {
                    (lo, hi)
                } else {
                    (lo - 0.5, lo + 0.5)
                };
                Key {
                    label: if log {
                        format!("log10 {}", m.key)
                    } else {
                        m.key.clone()
                    },
                    generations,
                    range,
                }
            })
            .collect();
        Ok(Calibration { keys, last })
    }
}

/// Weighted Gaussian kernel density of `xs` over `range` (Silverman's bandwidth with the
/// weights' effective sample size): (x, density) at [`GRID`] points.
fn density(xs: &[(f64, f64)], range: (f64, f64)) -> Vec<(f64, f64)> {
    let total: f64 = xs.iter().map(|x| x.1).sum::<f64>().max(f64::MIN_POSITIVE);
    let mean: f64 = xs.iter().map(|&(x, w)| x * w).sum::<f64>() / total;
    let var: f64 = xs.iter().map(|&(x, w)| w * (x - mean).powi(2)).sum::<f64>() / total;
    let ess = total.powi(2)
        / xs.iter()
            .map(|x| x.1 * x.1)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
    let h = (1.06 * var.sqrt() * ess.powf(-0.2)).max((range.1 - range.0) / 60.0);
    let norm = 1.0 / (total * h * (2.0 * std::f64::consts::PI).sqrt());
    (0..GRID)
        .map(|i| {
            let x = range.0 + (range.1 - range.0) * i as f64 / (GRID - 1) as f64;
            let d: f64 = xs
                .iter()
                .map(|&(xi, w)| w * (-0.5 * ((x - xi) / h).powi(2)).exp())
                .sum();
            (x, d * norm)
        })
        .collect()
}

fn generation_colour(g: usize, last: usize) -> RGBColor {
    // From pale (the prior draws) to dark (the posterior).
    viridis(0.85 - 0.85 * g as f64 / last.max(1) as f64)
}

struct Marginals<'a>(&'a Calibration);

const PANEL: u32 = 520;

impl Figure for Marginals<'_> {
    fn size(&self) -> (u32, u32) {
        let n = self.0.keys.len() as u32;
        let cols = n.min(3);
        (cols * PANEL + 40, 130 + n.div_ceil(cols) * 440)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let c = self.0;
        let (header, body) = root.split_vertically(130);
        frame::heading(
            &header,
            "Calibration: what the observations say about each key",
            &format!(
                "Weighted density per generation, pale (generation 0: prior draws) to dark (generation {}: the posterior).",
                c.last
            ),
            60,
        )?;
        let cols = c.keys.len().min(3);
        let rows = c.keys.len().div_ceil(cols);
        let areas = body.margin(0, 0, 20, 20).split_evenly((rows, cols));
        for (key, area) in c.keys.iter().zip(areas) {
            let plot = frame::panel(&area, &key.label, None, &[])?;
            let lines: Vec<Vec<(f64, f64)>> = key
                .generations
                .iter()
                .map(|g| density(g, key.range))
                .collect();
            let top = lines.iter().flatten().map(|p| p.1).fold(0.0, f64::max) * 1.08;
            let dec = decimals_for(key.range.1 - key.range.0);
            let x_fmt = move |v: &f64| fmt_num(*v, dec);
            let mut chart = ChartBuilder::on(&plot)
                .margin_right(24)
                .x_label_area_size(50)
                .y_label_area_size(70)
                .build_cartesian_2d(key.range.0..key.range.1, 0.0..top.max(1e-12))?;
            chart
                .configure_mesh()
                .house_style()
                .x_label_formatter(&x_fmt)
                .y_desc("density")
                .x_labels(5)
                .y_labels(5)
                .draw()?;
            for (g, line) in lines.iter().enumerate() {
                let colour = generation_colour(g, c.last);
                let width = if g == c.last { 4 } else { 2 };
                chart.draw_series(LineSeries::new(line.clone(), colour.stroke_width(width)))?;
            }
        }
        Ok(())
    }
}

struct Pairs<'a>(&'a Calibration);

const CELL: u32 = 330;

impl Figure for Pairs<'_> {
    fn size(&self) -> (u32, u32) {
        let n = self.0.keys.len() as u32;
        (n * CELL + 60, n * CELL + 130)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let c = self.0;
        let n = c.keys.len();
        let (header, body) = root.split_vertically(130);
        frame::heading(
            &header,
            "Calibration: the posterior, pair by pair",
            "Each dot a posterior particle, darker for a larger weight; diagonal: each key's posterior density.",
            60,
        )?;
        let cells = body.margin(0, 10, 20, 20).split_evenly((n, n));
        let weights: Vec<f64> = c.keys[0].generations[c.last].iter().map(|x| x.1).collect();
        let heaviest = weights
            .iter()
            .copied()
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        for (i, row) in cells.chunks(n).enumerate() {
            for (j, cell) in row.iter().enumerate() {
                if j > i {
                    continue;
                }
                let (kx, ky) = (&c.keys[j], &c.keys[i]);
                let xdec = decimals_for(kx.range.1 - kx.range.0);
                let x_fmt = move |v: &f64| fmt_num(*v, xdec);
                let mut builder = ChartBuilder::on(cell);
                builder
                    .margin(6)
                    .x_label_area_size(if i + 1 == n { 44 } else { 0 })
                    .y_label_area_size(if j == 0 { 64 } else { 0 });
                if i == j {
                    let line = density(&kx.generations[c.last], kx.range);
                    let top = line.iter().map(|p| p.1).fold(0.0, f64::max) * 1.08;
                    let mut chart =
                        builder.build_cartesian_2d(kx.range.0..kx.range.1, 0.0..top.max(1e-12))?;
                    chart
                        .configure_mesh()
                        .house_style()
                        .x_label_formatter(&x_fmt)
                        .y_labels(0)
                        .x_labels(4)
                        .x_desc(if i + 1 == n { kx.label.as_str() } else { "" })
                        .draw()?;
                    chart.draw_series(LineSeries::new(line, style::BLUE.stroke_width(4)))?;
                    continue;
                }
                let ydec = decimals_for(ky.range.1 - ky.range.0);
                let y_fmt = move |v: &f64| fmt_num(*v, ydec);
                let mut chart =
                    builder.build_cartesian_2d(kx.range.0..kx.range.1, ky.range.0..ky.range.1)?;
                chart
                    .configure_mesh()
                    .house_style()
                    .x_label_formatter(&x_fmt)
                    .y_label_formatter(&y_fmt)
                    .x_labels(4)
                    .y_labels(4)
                    .x_desc(if i + 1 == n { kx.label.as_str() } else { "" })
                    .y_desc(if j == 0 { ky.label.as_str() } else { "" })
                    .draw()?;
                let points = kx.generations[c.last]
                    .iter()
                    .zip(&ky.generations[c.last])
                    .map(|(&(x, w), &(y, _))| {
                        let shade = 0.2 + 0.8 * (w / heaviest).sqrt();
                        Circle::new((x, y), 4, INK.mix(shade).filled())
                    });
                chart.draw_series(points)?;
            }
        }
        Ok(())
    }
}

/// `posterior.png`/`.svg` and, with two or more keys, `pairs.png`/`.svg`.
pub fn draw(dir: &Path) -> Result<Vec<PlotFile>, PlotError> {
    let c = Calibration::read(dir)?;
    let mut files = png_and_svg("posterior", &Marginals(&c))?;
    if c.keys.len() >= 2 {
        files.extend(png_and_svg("pairs", &Pairs(&c))?);
    }
    Ok(files)
}
