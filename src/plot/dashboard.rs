//! The run dashboard: eight panels over weeks, each the replicate mean with a 95% band, in one
//! image (`dashboard.png/.svg`) and one file per panel.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{HouseStyle, Range, decimals_for, fmt_num};
use super::data::{BandPoint, RunData, Timeseries};
use super::frame;
use super::legend::{Key, LegendItem};
use super::style::{self, BLUE, GREEN, INK, MUTED, ORANGE, VERMILLION, size};
use super::text;
use super::time_chart::{self, Series, TimeChart};
use super::{Figure, PlotError, PlotFile, png_and_svg};
use crate::output::GAP_MEANING;

/// The formation-stage chart: shares of communities per stage, stacked, highest stage at the
/// bottom, with the 95% interval of every boundary as whiskers.
#[derive(Debug, Clone, PartialEq)]
pub struct StagesChart {
    pub title: String,
    pub note: String,
    /// `boundaries[k]`: share of communities at stage k or above, for k = 0..=8 (8 is zero).
    pub boundaries: Vec<Vec<BandPoint>>,
    pub replicates: usize,
}

/// One dashboard panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    Time(TimeChart),
    Stages(StagesChart),
}

impl Panel {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        match self {
            Panel::Time(t) => time_chart::draw(area, t),
            Panel::Stages(s) => draw_stages(area, s),
        }
    }

    fn set_title(&mut self, title: String) {
        match self {
            Panel::Time(t) => t.title = title,
            Panel::Stages(s) => s.title = title,
        }
    }

    fn title(&self) -> &str {
        match self {
            Panel::Time(t) => &t.title,
            Panel::Stages(s) => &s.title,
        }
    }
}

/// The panels of a run, by file stem, in dashboard order.
pub fn panels(series: &Timeseries, arm: usize) -> Result<Vec<(&'static str, Panel)>, PlotError> {
    let reps = series.replicates(arm);
    let band = |name: &str| -> Result<Vec<BandPoint>, PlotError> {
        Ok(series.band(arm, series.column(name)?))
    };
    let time = |title: &str, note: &str, y_desc: &str, y_range: Range, s: Vec<Series>| {
        Panel::Time(TimeChart {
            title: title.to_string(),
            note: Some(note.to_string()),
            y_desc: y_desc.to_string(),
            y_range,
            y2: None,
            series: s,
            gap: None,
            replicates: reps,
        })
    };
    let mut gap = time(
        "Coordination value vs. funding",
        "value that coordination work creates each week, and what funders pay for it",
        "resources per week",
        Range::Auto,
        vec![
            Series::new("coordination value", BLUE, band("coordination_value")?),
            Series::new(
                "coordination funding",
                ORANGE,
                band("coordination_funding")?,
            ),
        ],
    );
    if let Panel::Time(t) = &mut gap {
        t.gap = Some((
            0,
            1,
            "gap: value nobody paid for".to_string(),
            "funding above value".to_string(),
        ));
    }
    let cumulative = time(
        "Cumulative coordination value gap",
        "coordination value created minus coordination funding, added up since week 0 \
         (it also falls when less coordination is done)",
        "resources (cumulative)",
        Range::Auto,
        vec![Series::new(
            "cumulative gap",
            VERMILLION,
            band("cumulative_coordination_value_gap")?,
        )],
    );
    let fragmentation = time(
        "Fragmentation and the largest connected group",
        "fragmentation: share of community pairs with no path of trusted ties (1 = all apart)",
        "share (0-1)",
        Range::Fixed(0.0, 1.0),
        vec![
            Series::new("fragmentation", VERMILLION, band("fragmentation")?),
            Series::new(
                "largest connected group (share of communities)",
                BLUE,
                band("largest_component_share")?,
            ),
        ],
    );
    let mut trust = time(
        "Mean trust and coordination capacity",
        "trust between tied communities (left axis); coordination hours available (right axis)",
        "mean trust (0-1)",
        Range::Fixed(0.0, 1.0),
        vec![Series::new(
            "mean trust (left axis)",
            BLUE,
            band("mean_trust")?,
        )],
    );
    if let Panel::Time(t) = &mut trust {
        t.y2 = Some(("coordination capacity (hours)".to_string(), Range::Auto));
        let mut capacity = Series::new(
            "coordination capacity (right axis)",
            ORANGE,
            band("coordination_capacity")?,
        );
        capacity.right = true;
        t.series.push(capacity);
    }
    let interdependence = time(
        "Interdependence and coherence",
        "interdependence: share of resources from other communities; \
         coherence: share of networks' people in their largest trusted group",
        "share (0-1)",
        Range::Auto,
        vec![
            Series::new("interdependence", GREEN, band("interdependence")?),
            Series::new("coherence", style::PURPLE, band("coherence")?),
        ],
    );
    let networks = time(
        "Networks formed",
        "named networks alive each week",
        "networks (count)",
        Range::Auto,
        vec![Series::new("networks", GREEN, band("networks")?)],
    );
    let stage_cols: Vec<usize> = (0..8)
        .map(|k| series.column(&format!("stage_{k}")))
        .collect::<Result<_, _>>()?;
    let boundaries = (0..=8)
        .map(|k| {
            let cols = &stage_cols[k.min(8)..];
            series.band_by(arm, |v| cols.iter().map(|&c| v[c]).sum())
        })
        .collect();
    let stages = Panel::Stages(StagesChart {
        title: "Formation stages".to_string(),
        note: "share of communities at each of the seven steps (highest step reached)".to_string(),
        boundaries,
        replicates: reps,
    });
    let inclusion = time(
        "Inclusion at gatherings",
        "share of specialist and of generalist communities that come back to gatherings",
        "share retained (0-1)",
        Range::Fixed(0.0, 1.0),
        vec![
            Series::new("specialist retention", BLUE, band("specialist_retention")?),
            Series::new(
                "generalist retention",
                ORANGE,
                band("generalist_retention")?,
            ),
        ],
    );
    Ok(vec![
        ("coordination_gap", gap),
        ("cumulative_gap", cumulative),
        ("fragmentation", fragmentation),
        ("trust_capacity", trust),
        ("interdependence_coherence", interdependence),
        ("networks", networks),
        ("stages", stages),
        ("inclusion", inclusion),
    ])
}

fn draw_stages<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &StagesChart,
) -> Result<(), PlotError> {
    // Legend from the top layer down, matching the stacking.
    let mut legend: Vec<LegendItem> = (0..8)
        .rev()
        .map(|k| {
            LegendItem::new(
                Key::Fill(style::stage_colour(k), 1.0),
                style::STAGE_NAMES[k],
            )
        })
        .collect();
    legend.push(LegendItem::new(
        Key::Whisker,
        format!("95% CI of each boundary ({} replicates)", spec.replicates),
    ));
    let plot_area = frame::panel(area, &spec.title, Some(&spec.note), &legend)?;
    let x_max = spec
        .boundaries
        .first()
        .and_then(|b| b.last())
        .map(|p| p.tick)
        .unwrap_or(1.0)
        .max(1.0);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(10)
        .margin_right(30)
        .margin_top(8)
        .margin_bottom(6)
        .x_label_area_size(58)
        .y_label_area_size(92)
        .build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
    let x_fmt = |v: &f64| fmt_num(*v, 0);
    let y_fmt = |v: &f64| fmt_num(*v, decimals_for(1.0));
    chart
        .configure_mesh()
        .house_style()
        .x_desc("week")
        .y_desc("share of communities")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .y_labels(6)
        .draw()?;
    // Layer k lies between "stage k or above" and "stage k+1 or above".
    for k in 0..8 {
        let (upper, lower) = (&spec.boundaries[k], &spec.boundaries[k + 1]);
        let poly: Vec<(f64, f64)> = upper
            .iter()
            .map(|p| (p.tick, p.mean.clamp(0.0, 1.0)))
            .chain(lower.iter().rev().map(|p| (p.tick, p.mean.clamp(0.0, 1.0))))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            poly,
            style::stage_colour(k).filled(),
        )))?;
    }
    // Each boundary's 95% interval as whiskers at a few weeks (black on a white halo, so they
    // show on light and dark layers alike); a band would read as extra layers.
    let ticks: Vec<f64> = spec.boundaries[0].iter().map(|p| p.tick).collect();
    let step = (ticks.len() / 8).max(1);
    let cap = 0.006 * x_max;
    for b in &spec.boundaries[1..8] {
        for p in b.iter().skip(step).step_by(step) {
            if p.tick + cap > x_max {
                continue;
            }
            let (lo, hi) = (p.low.clamp(0.0, 1.0), p.high.clamp(0.0, 1.0));
            if hi - lo < 1e-9 {
                continue;
            }
            for (colour, width) in [(style::WHITE, 5), (RGBColor(0, 0, 0), 2)] {
                let stroke = colour.stroke_width(width);
                chart.draw_series([
                    PathElement::new(vec![(p.tick, lo), (p.tick, hi)], stroke),
                    PathElement::new(vec![(p.tick - cap, lo), (p.tick + cap, lo)], stroke),
                    PathElement::new(vec![(p.tick - cap, hi), (p.tick + cap, hi)], stroke),
                ])?;
            }
        }
    }
    Ok(())
}

/// One panel as a figure of its own.
struct PanelFigure<'a>(&'a Panel);

impl Figure for PanelFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        self.0.draw(&root.margin(6, 6, 6, 6))
    }
}

/// The dashboard: a header and the panels in a 2-column grid.
struct Dashboard<'a> {
    scenario: &'a str,
    replicates: usize,
    last_tick: u32,
    headline: String,
    panels: &'a [(&'static str, Panel)],
}

const COLS: usize = 2;
const PANEL_W: u32 = 950;
const PANEL_H: u32 = 580;
const HEADER_H: u32 = 215;

impl Figure for Dashboard<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLS) as u32;
        (PANEL_W * COLS as u32, HEADER_H + PANEL_H * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (header, body) = root.split_vertically(HEADER_H);
        let left = |f: FontDesc<'static>, c: &'static RGBColor| {
            f.color(c).pos(Pos::new(HPos::Left, VPos::Top))
        };
        text::draw(
            &header,
            &format!(
                "Coordination dashboard: scenario \u{201c}{}\u{201d}",
                self.scenario
            ),
            &left(style::bold(size::TITLE), &INK),
            (22, 14),
        )?;
        text::draw(
            &header,
            &format!(
                "{} replicates \u{00d7} {} weeks. Lines: mean across replicates; \
                 shaded bands: 95% confidence interval of the mean.",
                self.replicates, self.last_tick
            ),
            &left(style::font(size::SUBTITLE), &MUTED),
            (22, 62),
        )?;
        let (w, _) = header.dim_in_pixel();
        let mut y = 98;
        for line in text::wrap(
            &header,
            &self.headline,
            &style::bold(size::SUBTITLE),
            w as i32 - 44,
        ) {
            text::draw(
                &header,
                &line,
                &left(style::bold(size::SUBTITLE), &INK),
                (22, y),
            )?;
            y += (size::SUBTITLE * 1.4) as i32;
        }
        let plain = style::font(size::SUBTITLE);
        for line in text::wrap(&header, GAP_MEANING, &plain, w as i32 - 44) {
            text::draw(&header, &line, &left(plain.clone(), &MUTED), (22, y))?;
            y += (size::SUBTITLE * 1.4) as i32;
        }
        let rows = self.panels.len().div_ceil(COLS);
        let cells = body.split_evenly((rows, COLS));
        for ((_, panel), cell) in self.panels.iter().zip(cells.iter()) {
            panel.draw(&cell.margin(8, 8, 8, 8))?;
        }
        Ok(())
    }
}

/// What a funder reads first: the coordination value created, the share funders paid, the
/// gap, fragmentation at the end, and what the gap means.
fn headline(series: &Timeseries, arm: usize, last_tick: u32) -> Result<String, PlotError> {
    let end = |name: &str| -> Result<Option<BandPoint>, PlotError> {
        Ok(series.band(arm, series.column(name)?).last().copied())
    };
    let gap = end("cumulative_coordination_value_gap")?;
    let frag = end("fragmentation")?;
    // Sums of the per-tick means: the mean over replicates of each replicate's total.
    let total = |name: &str| -> Result<f64, PlotError> {
        Ok(series
            .band(arm, series.column(name)?)
            .iter()
            .map(|p| p.mean)
            .sum())
    };
    let (value, funding) = (total("coordination_value")?, total("coordination_funding")?);
    let share = funded_share(series, arm)?;
    let mut parts = vec![format!("By week {last_tick}:")];
    if value > 0.0 {
        parts.push(format!(
            "coordination work created {} resources of value and funders paid {} of it (a share of {}% per replicate);",
            fmt_num(value, 0),
            fmt_num(funding, 0),
            fmt_num(share * 100.0, 0)
        ));
    }
    if let Some(g) = gap {
        parts.push(format!(
            "the unpaid rest, the coordination value gap, is {} resources (95% CI {} to {});",
            fmt_num(g.mean, 0),
            fmt_num(g.low, 0),
            fmt_num(g.high, 0)
        ));
    }
    if let Some(f) = frag {
        parts.push(format!(
            "fragmentation {} (0 = all connected, 1 = all apart).",
            fmt_num(f.mean, 2)
        ));
    }
    Ok(parts.join(" "))
}

/// The share funders paid as `summary.csv`'s `cumulative_coordination_funded_share` has it:
/// each replicate's funding over its value, summed over its weeks (0 when it created none),
/// averaged over the replicates; so the dashboard and the terminal table give one number.
fn funded_share(series: &Timeseries, arm: usize) -> Result<f64, PlotError> {
    let (v, f) = (
        series.column("coordination_value")?,
        series.column("coordination_funding")?,
    );
    // Per replicate, in order of first appearance: (value, funding) summed over its ticks.
    // A replicate's rows are contiguous in timeseries.csv, so the last entry is almost always
    // the row's; the search is for files written otherwise.
    let mut totals: Vec<(u32, f64, f64)> = Vec::new();
    for row in &series.arms[arm].rows {
        let last = totals.len().checked_sub(1);
        let at = match last
            .filter(|&i| totals[i].0 == row.replicate)
            .or_else(|| totals.iter().position(|t| t.0 == row.replicate))
        {
            Some(i) => i,
            None => {
                totals.push((row.replicate, 0.0, 0.0));
                totals.len() - 1
            }
        };
        totals[at].1 += row.values[v];
        totals[at].2 += row.values[f];
    }
    let shares: Vec<f64> = totals
        .iter()
        .map(|&(_, value, funding)| if value > 0.0 { funding / value } else { 0.0 })
        .collect();
    Ok(shares.iter().sum::<f64>() / shares.len().max(1) as f64)
}

/// The dashboard and one file per panel, for the run's (first) scenario.
pub fn draw(run: &RunData) -> Result<Vec<PlotFile>, PlotError> {
    let series = &run.series;
    let arm = 0;
    let mut list = panels(series, arm)?;
    let last_tick = series.last_tick(arm);
    let dashboard = Dashboard {
        scenario: &run.scenario,
        replicates: series.replicates(arm),
        last_tick,
        headline: headline(series, arm, last_tick)?,
        panels: &list,
    };
    let mut files = png_and_svg("dashboard", &dashboard)?;
    for (stem, panel) in &mut list {
        let title = format!("{} \u{2014} {}", panel.title(), run.scenario);
        panel.set_title(title);
        files.extend(png_and_svg(stem, &PanelFigure(panel))?);
    }
    Ok(files)
}
