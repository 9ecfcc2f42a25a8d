//! `report.html`: one self-contained page for a finished run, comparison or sweep folder, to
//! read offline and forward: a headline sentence, the charts (inline SVG from `plot`), the
//! tables (summary with 95% intervals, differences with verdicts, sweep points), what was
//! changed from the defaults and the provenance. It reads only the folder's files (through
//! `output`'s schema and the manifest), so it can be written for any finished folder, and
//! nothing on the page refers outside it.
//!
//! - `html`: escaping, tables, inline SVG, the page;
//! - `run`, `compare`, `sweep`, `sensitivity` (screen, sobol), `calibrate`: each kind's
//!   headline and tables.

pub mod html;

mod calibrate;
mod compare;
mod run;
mod sensitivity;
mod sweep;

use std::collections::BTreeMap;
use std::path::Path;

use crate::metrics::measures;
use crate::output::manifest::{self, Manifest, ManifestError};
use crate::output::schema::{SchemaError, Table};
use crate::plot::{self, PlotError};
use crate::scenario::Scenario;
use crate::stats::{Summary, summarize};

use html::{Cell, escape};

/// The file a report is written to, inside the folder it reports on.
pub const FILE_NAME: &str = "report.html";

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "{path}: not a coordsim output folder (no manifest.json); give the folder of a finished `coordsim run`, `compare` or `sweep`"
    )]
    NotAFolder { path: String },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    File(#[from] SchemaError),
    #[error(transparent)]
    Plot(#[from] PlotError),
    #[error("{path}: {message}")]
    Content { path: String, message: String },
}

impl ReportError {
    /// Whether the error is the user's input (a folder or its files), not a failure.
    pub fn is_input(&self) -> bool {
        match self {
            ReportError::Plot(e) => e.is_input(),
            ReportError::File(SchemaError::Io { .. }) => false,
            _ => true,
        }
    }
}

/// A finished report: the page and what kind of folder it describes.
#[derive(Debug, Clone)]
pub struct Report {
    pub kind: manifest::Kind,
    pub html: String,
}

/// The report of a finished output folder, detected by its `manifest.json`.
pub fn render(dir: &Path) -> Result<Report, ReportError> {
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        return Err(ReportError::NotAFolder {
            path: dir.display().to_string(),
        });
    }
    let m = Manifest::read(&manifest_path)?;
    let (title, headline, mut sections) = match m.kind {
        manifest::Kind::Run => run::sections(dir, &m)?,
        manifest::Kind::Compare => compare::sections(dir, &m)?,
        manifest::Kind::Sweep => sweep::sections(dir, &m)?,
        manifest::Kind::Calibrate => calibrate::sections(dir, &m)?,
    };
    sections.push(provenance(&m));
    Ok(Report {
        kind: m.kind,
        html: html::page(&title, &headline, &sections),
    })
}

/// The charts of the folder, drawn from its files as `coordsim plot` draws them, as inline
/// SVG: those named in `wanted` (stems, in this order), or every chart when it is empty.
fn charts(dir: &Path, wanted: &[&str]) -> Result<String, ReportError> {
    let drawn = plot::draw_folder(dir, &plot::Options::default())?;
    let svgs: Vec<&plot::PlotFile> = drawn
        .files
        .iter()
        .filter(|f| f.name.ends_with(".svg"))
        .collect();
    let stem = |f: &plot::PlotFile| f.name.trim_end_matches(".svg").to_string();
    let chosen: Vec<&plot::PlotFile> = if wanted.is_empty() {
        svgs
    } else {
        wanted
            .iter()
            .filter_map(|w| svgs.iter().find(|f| stem(f) == *w).copied())
            .collect()
    };
    let mut s = String::new();
    for f in chosen {
        let caption = format!(
            "{} (plots/{} in the folder)",
            chart_caption(&stem(f)),
            f.name
        );
        if let Some(figure) = html::inline_svg(&f.bytes, &caption) {
            s.push_str(&figure);
        }
    }
    for note in &drawn.notes {
        s.push_str(&html::para("note", note));
    }
    Ok(html::section("charts", "Charts", &s))
}

/// What a chart shows, in words.
fn chart_caption(stem: &str) -> String {
    match stem {
        "dashboard" => "The run at a glance: means across replicates with 95% bands".to_string(),
        "network" => {
            "The trusted ties at the last snapshot, one colour and shape per network".to_string()
        }
        "forest" => "Each arm minus the reference, paired by seed, with 95% intervals and verdicts"
            .to_string(),
        "compare" => "Every arm over the weeks, means with 95% bands".to_string(),
        other => other.replace('_', " "),
    }
}

/// One group of replicates (a run, or one arm of a comparison) read from `summary.csv`:
/// each summary measure's statistics across replicates, empty cells skipped, as
/// `summary.json` computes them.
struct SummaryGroup {
    label: String,
    replicates: usize,
    measures: Vec<(String, Summary)>,
}

/// `summary.csv`, grouped by its `scenario` column in the order groups first appear.
fn read_summary(path: &Path) -> Result<Vec<SummaryGroup>, ReportError> {
    let mut table = Table::open(path)?;
    let header: Vec<String> = table.header.iter().map(str::to_string).collect();
    let scenario = table.column("scenario")?;
    let seed = table.column("seed")?;
    let names: Vec<String> = header[seed + 1..].to_vec();
    let mut groups: Vec<(String, Vec<Vec<f64>>, usize)> = Vec::new();
    let shown = table.path.clone();
    table.records(|record, line| {
        let label = record.get(scenario).unwrap_or("").to_string();
        let at = match groups.iter().position(|g| g.0 == label) {
            Some(i) => i,
            None => {
                groups.push((label, vec![Vec::new(); names.len()], 0));
                groups.len() - 1
            }
        };
        groups[at].2 += 1;
        for (i, cell) in record.iter().skip(seed + 1).enumerate() {
            if cell.is_empty() || i >= names.len() {
                continue;
            }
            let x: f64 = cell.parse().map_err(|_| SchemaError::BadValue {
                path: shown.clone(),
                line,
                column: names[i].clone(),
                value: cell.to_string(),
            })?;
            groups[at].1[i].push(x);
        }
        Ok(())
    })?;
    if groups.is_empty() {
        return Err(ReportError::Content {
            path: path.display().to_string(),
            message: "no rows".to_string(),
        });
    }
    Ok(groups
        .into_iter()
        .map(|(label, values, replicates)| SummaryGroup {
            label,
            replicates,
            measures: names
                .iter()
                .cloned()
                .zip(values.iter().map(|v| summarize(v)))
                .collect(),
        })
        .collect())
}

/// The headline measures, in the forest plot's order, then the other summary measures.
fn ordered_measures(present: &[String]) -> Vec<String> {
    let mut out: Vec<String> = plot::compare::HEADLINE
        .iter()
        .filter(|h| present.iter().any(|p| p == *h))
        .map(|h| h.to_string())
        .collect();
    let rest: Vec<String> = present
        .iter()
        .filter(|p| !out.contains(p))
        .cloned()
        .collect();
    out.extend(rest);
    out
}

/// A measure's plain label, unit and direction in words (its key when it has no metadata).
fn describe(key: &str) -> (String, String, &'static str) {
    match measures::summary(key) {
        Some(m) => (
            m.label,
            m.unit,
            match m.direction {
                measures::Direction::HigherIsBetter => "higher",
                measures::Direction::LowerIsBetter => "lower",
                measures::Direction::Neither => "neither",
            },
        ),
        None => (key.replace('_', " "), String::new(), ""),
    }
}

/// A mean and its interval, or "never reached" when no replicate had a value.
fn mean_and_interval(s: &Summary) -> (String, String) {
    if s.n == 0 {
        ("never reached".to_string(), String::new())
    } else {
        (
            html::num(s.mean),
            format!("[{}, {}]", html::num(s.ci95_low), html::num(s.ci95_high)),
        )
    }
}

/// The summary table of one group: every measure with mean, 95% CI, n, unit and direction.
fn summary_table(id: &str, group: &SummaryGroup, keys: &[String]) -> String {
    let rows: Vec<Vec<Cell>> = keys
        .iter()
        .filter_map(|k| group.measures.iter().find(|(m, _)| m == k))
        .map(|(key, s)| {
            let (label, unit, better) = describe(key);
            let (mean, ci) = mean_and_interval(s);
            vec![
                Cell::text(label),
                Cell::num(mean),
                Cell::num(ci),
                Cell::num(s.n.to_string()),
                Cell::text(unit),
                Cell::text(better),
                Cell::text(key.clone()),
            ]
        })
        .collect();
    html::table(
        id,
        &["measure", "mean", "95% CI", "n", "unit", "better", "column"],
        &rows,
    )
}

/// Every parameter as `section.key` -> value, from the manifest's nested JSON.
fn flatten(parameters: &serde_json::Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let serde_json::Value::Object(sections) = parameters {
        for (section, table) in sections {
            if let serde_json::Value::Object(keys) = table {
                for (key, value) in keys {
                    let shown = match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    out.insert(format!("{section}.{key}"), shown);
                }
            }
        }
    }
    out
}

/// The table of what differs from the built-in defaults (`coordsim explain` shows them).
fn changed_from_defaults(parameters: &serde_json::Value) -> String {
    let defaults = flatten(&manifest::parameters_json(&Scenario::defaults("defaults")));
    let rows: Vec<Vec<Cell>> = flatten(parameters)
        .into_iter()
        .filter(|(k, v)| defaults.get(k) != Some(v))
        .map(|(k, v)| {
            let default = defaults.get(&k).cloned().unwrap_or_default();
            vec![Cell::text(k), Cell::num(default), Cell::num(v)]
        })
        .collect();
    if rows.is_empty() {
        return html::para("note", "Every parameter has its default value.");
    }
    html::table("changed", &["key", "default", "used"], &rows)
}

/// The provenance: version and build, command, scenario and its hash, seeds, times, files.
fn provenance(m: &Manifest) -> String {
    let p = &m.provenance;
    let seeds = m
        .run
        .as_ref()
        .map(|r| &r.replicate_seeds)
        .or(m.compare.as_ref().map(|c| &c.replicate_seeds))
        .map(|s| s.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
    let mut items = vec![
        (
            "coordsim version",
            format!("{} (build {})", p.coordsim_version, p.coordsim_build),
        ),
        ("command", p.command_line.join(" ")),
        (
            "scenario",
            format!("{} ({})", p.scenario.name, p.scenario.source),
        ),
        ("scenario SHA-256", p.scenario.sha256.clone()),
        ("master seed", p.master_seed.to_string()),
        ("seed rule", p.seed_rule.clone()),
    ];
    if let Some(seeds) = seeds {
        items.push(("replicate seeds", seeds));
    }
    items.push(("overrides", p.overrides.join(" ")));
    items.push((
        "threads",
        format!("{} (results do not depend on them)", p.threads),
    ));
    items.push((
        "started, finished (UTC)",
        format!("{}, {}", p.started_at, p.finished_at),
    ));
    items.push(("files", p.files.join(", ")));
    let note = html::para(
        "note",
        "The same scenario text (same SHA-256), seed and coordsim build give the same numbers, byte for byte, on any number of threads.",
    );
    html::section("provenance", "Provenance", &(html::facts(&items) + &note))
}

/// The `--set` overrides as given, or "none".
fn overrides(m: &Manifest) -> String {
    if m.provenance.overrides.is_empty() {
        "none".to_string()
    } else {
        m.provenance.overrides.join(" ")
    }
}

/// The page's title for a folder: kind and scenario.
fn title(kind: &str, m: &Manifest) -> String {
    format!("coordsim {kind}: {}", m.provenance.scenario.name)
}

/// A quoted name, for sentences.
fn quoted(s: &str) -> String {
    format!("\u{201c}{s}\u{201d}")
}

/// The description of the scenario, when it has one, as a paragraph.
fn description(m: &Manifest) -> String {
    let d = &m.provenance.scenario.description;
    if d.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>\n", escape(d))
    }
}
