//! `coordsim validate`, `explain` and `scenarios`: what the scenario files and keys are.

use std::fmt::Write as _;
use std::path::PathBuf;

use coordsim::metrics::measures::{self, Direction, Measure};
use coordsim::scenario::{self, Scenario, ScenarioError, builtin, specs};

use crate::error::CommandError;

/// `coordsim validate FILE...`: silent on success, every file's first error otherwise.
pub fn validate(files: &[PathBuf]) -> Result<(), CommandError> {
    // Every problem of every file, up to a limit per file.
    let errors: Vec<ScenarioError> = files
        .iter()
        .filter_map(|f| Scenario::check_file(f).err())
        .flatten()
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Inputs(errors))
    }
}

/// `coordsim explain [KEY | MEASURE | measures]`.
pub fn explain(key: Option<&str>, markdown: bool) -> Result<(), CommandError> {
    if markdown && key == Some(MEASURES) {
        print!("{}", measures::markdown_table());
    } else if markdown {
        print!("{}", scenario::params::markdown_table());
    } else {
        print!("{}", explain_text(key)?);
    }
    Ok(())
}

/// `coordsim explain measures` lists every output measure.
const MEASURES: &str = "measures";

/// docs/model.md, for the formula of a measure (its section 8.1 table has one row per metric
/// column; a test checks that every column has one).
const MODEL_MD: &str = include_str!("../../../docs/model.md");

/// The text `explain` prints.
pub fn explain_text(key: Option<&str>) -> Result<String, CommandError> {
    let all = specs();
    if key == Some(MEASURES) {
        return Ok(measures_text());
    }
    if let Some(m) = key.and_then(measures::find) {
        return Ok(measure_text(&m));
    }
    let chosen: Vec<_> = match key {
        None => all.iter().collect(),
        Some(k) if scenario::params::SECTIONS.contains(&k) => all
            .iter()
            .filter(|s| s.key.split_once('.').map(|(sec, _)| sec) == Some(k))
            .collect(),
        Some(k) => {
            let found: Vec<_> = all.iter().filter(|s| s.key == k).collect();
            if found.is_empty() {
                let measure_keys: Vec<String> =
                    measures::all().into_iter().map(|m| m.key).collect();
                let hint = scenario::nearest(
                    k,
                    all.iter()
                        .map(|s| s.key)
                        .chain(scenario::params::SECTIONS.iter().copied())
                        .chain(measure_keys.iter().map(String::as_str))
                        .chain([MEASURES]),
                )
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
                return Err(CommandError::Usage(format!(
                    "no scenario key, table or output measure `{k}`{hint}; `coordsim explain measures` lists the measures"
                )));
            }
            found
        }
    };
    let mut s = String::new();
    let mut section = "";
    for spec in chosen {
        let sec = spec.key.split_once('.').map(|(a, _)| a).unwrap_or("");
        if sec != section {
            let _ = writeln!(s, "[{sec}]");
            section = sec;
        }
        let _ = writeln!(s, "  {}", spec.key);
        let _ = writeln!(s, "      {}", spec.help);
        let _ = writeln!(
            s,
            "      default {} | unit {} | {}",
            spec.default, spec.unit, spec.range
        );
    }
    Ok(s)
}

/// One output measure: label, unit, direction, where its formula is, and the formula.
fn measure_text(m: &Measure) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} ({})", m.key, m.file);
    let _ = writeln!(s, "      {}", m.label);
    let unit = if m.unit.is_empty() { "-" } else { &m.unit };
    let _ = writeln!(s, "      unit {unit} | {}", m.direction.words());
    let (section, column) = match m.file {
        "summary.csv" => ("8.4 `summary.csv`", summary_source(&m.key)),
        _ => ("8.1 `timeseries.csv`", Some(m.key.as_str())),
    };
    let _ = writeln!(s, "      formula: docs/model.md section {section}");
    let built = if m.key.starts_with("final_") {
        "its value at the last tick of "
    } else if column.is_some() && m.file == "summary.csv" {
        "the sum over ticks 1..T of "
    } else {
        ""
    };
    if let Some(row) = column.and_then(formula_row) {
        let _ = writeln!(s, "      {built}{row}");
    }
    s
}

/// The metric column a summary measure is built from (`final_x`, `cumulative_x`: `x`).
fn summary_source(key: &str) -> Option<&str> {
    use coordsim::metrics::{COLUMNS, FLOW_COLUMNS};
    match key.strip_prefix("final_") {
        Some(c) => COLUMNS.contains(&c).then_some(c),
        None => key
            .strip_prefix("cumulative_")
            .filter(|c| FLOW_COLUMNS.contains(c)),
    }
}

/// A metric column's row of docs/model.md's 8.1 table, as `column: formula`.
pub fn formula_row(column: &str) -> Option<String> {
    let start = MODEL_MD.find("### 8.1 `timeseries.csv`")?;
    let end = start + MODEL_MD[start..].find("\n### ")?.max(1);
    let quoted = format!("`{column}`");
    MODEL_MD[start..end].lines().find_map(|line| {
        let mut cells = line.strip_prefix("| ")?.splitn(2, " | ");
        let (names, formula) = (cells.next()?, cells.next()?);
        let stages = column.starts_with("stage_") && names.starts_with("`stage_0` ...");
        (names.split(", ").any(|n| n == quoted) || stages)
            .then(|| format!("{}: {}", column, formula.trim_end_matches(" |")))
    })
}

/// Every output measure, one line each.
fn measures_text() -> String {
    let mut s = String::new();
    for (file, list) in [
        ("timeseries.csv", measures::metrics()),
        ("summary.csv", measures::summaries()),
    ] {
        let _ = writeln!(s, "[{file}]");
        for m in list {
            let better = match m.direction {
                Direction::HigherIsBetter => "higher is better",
                Direction::LowerIsBetter => "lower is better",
                Direction::Neither => "",
            };
            let _ = writeln!(s, "  {:<42} {} ({}) {better}", m.key, m.label, m.unit);
        }
    }
    s.push_str("one measure in full: coordsim explain MEASURE\n");
    s
}

/// `coordsim scenarios`: shipped scenarios grouped by folder, with descriptions.
pub fn scenarios() -> Result<(), CommandError> {
    print!("{}", scenarios_text());
    Ok(())
}

pub fn scenarios_text() -> String {
    // Group by [meta] group, else by folder.
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (rel, text) in builtin::BUILTIN {
        let name = builtin::name_of(rel).to_string();
        let folder = name
            .rsplit_once('/')
            .map(|(g, _)| g.to_string())
            .unwrap_or_default();
        let (group, description) = match Scenario::parse(text, scenario::Origin::Builtin(rel)) {
            Ok(sc) => (
                sc.meta.group.clone().unwrap_or(folder),
                sc.description().to_string(),
            ),
            Err(e) => (folder, format!("(invalid: {e})")),
        };
        let group = if group.is_empty() {
            "scenarios".to_string()
        } else {
            group
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, items)) => items.push((name, description)),
            None => groups.push((group, vec![(name, description)])),
        }
    }
    // The order a newcomer reads them in: the default, stories, contrasts, policy what-ifs,
    // challenges, lessons; any other group after these.
    const ORDER: [&str; 6] = [
        "default",
        "case studies",
        "contrasts",
        "funding what-ifs",
        "challenges",
        "classroom",
    ];
    groups.sort_by_key(|(g, _)| ORDER.iter().position(|o| o == g).unwrap_or(ORDER.len()));
    let mut s = String::new();
    for (group, items) in groups {
        let _ = writeln!(s, "{group}:");
        for (name, description) in items {
            let _ = writeln!(s, "  {name:<36} {description}");
        }
    }
    s.push_str("run one with: coordsim run NAME\n");
    s
}
