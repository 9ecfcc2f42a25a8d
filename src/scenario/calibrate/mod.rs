//! A calibration target file (`coordsim calibrate SCENARIO --target FILE`): the priors of the
//! keys to calibrate, the observations to reproduce and the settings of the ABC-SMC, read with
//! their positions so every problem names file:line:column and key.
//!
//! ```toml
//! [meta]                       # what the case is and where its numbers come from
//! name = "all_in_for_sport"
//! sources = ["..."]
//!
//! [calibrate]
//! population = 100             # particles kept per generation
//! generations = 5              # at most
//! quantile = 0.5               # next epsilon: this weighted quantile of the distances
//! tolerance = 0.0              # stop once epsilon is at or below it
//! replicates = 1               # runs per candidate; the distance uses their mean
//! max_candidates = 20000       # per generation; stop when acceptance falls lower
//!
//! [calibrate.priors]
//! "pooling.contribution_rate" = { prior = "uniform", low = 0.0, high = 0.2 }
//! "trust.half_life_ticks" = { prior = "log-uniform", low = 5, high = 100 }
//! "gatherings.places" = { prior = "normal", mean = 16, sd = 4, low = 4, high = 40 }
//!
//! [[target]]
//! measure = "final_gathering_participants"   # a summary measure (summary.csv's columns)
//! low = 111                                  # an interval: distance 0 inside it
//! high = 176
//!
//! [[target]]
//! measure = "networks"                       # a timeseries metric ...
//! tick = 26                                  # ... at a tick
//! observed = 15
//! scale = 5                                  # a deviation of 5 counts as distance 1
//! ```
//!
//! Measure names are checked by the experiment layer, which knows the output columns: a
//! [`Target`] keeps the position of its `measure` for that message.
//!
//! - `settings`: the `[calibrate]` table, its settings and `[calibrate.priors]`;
//! - `targets`: one `[[target]]` table.

use toml::de::{DeTable, DeValue};

use super::error::{in_file_order, invalid_at, line_column, nearest, read_capped};
use super::meta::{Meta, read_meta};
use super::sweep::raw;
use super::value::{RawValue, short_num};
use super::{Origin, ScenarioError};

mod settings;
mod targets;
#[cfg(test)]
mod tests;

use settings::read_calibrate;
use targets::read_target;

/// A prior distribution over one key, with the bounds it is truncated to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriorShape {
    Uniform,
    /// Uniform in the logarithm: every factor of ten between the bounds equally likely.
    LogUniform,
    Normal {
        mean: f64,
        sd: f64,
    },
}

/// One calibrated key.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    pub key: String,
    pub shape: PriorShape,
    pub low: f64,
    pub high: f64,
    /// The key takes whole numbers: a sampled value is rounded before it is used.
    pub whole: bool,
}

impl Prior {
    /// The `--set` assignment giving the key value `x` (a whole number for whole-number keys).
    pub fn assignment(&self, x: f64) -> String {
        if self.whole {
            format!("{}={}", self.key, x.round() as i64)
        } else if x.fract() == 0.0 {
            format!("{}={x:.1}", self.key)
        } else {
            format!("{}={x}", self.key)
        }
    }

    /// The prior as written, e.g. `log-uniform(5, 100)`.
    pub fn describe(&self) -> String {
        match self.shape {
            PriorShape::Uniform => format!("uniform({}, {})", self.low, self.high),
            PriorShape::LogUniform => format!("log-uniform({}, {})", self.low, self.high),
            PriorShape::Normal { mean, sd } => {
                format!("normal({mean}, {sd}) in [{}, {}]", self.low, self.high)
            }
        }
    }
}

/// What one observation says of a measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Observed {
    Value(f64),
    /// Between `low` and `high` (either may be open).
    Interval {
        low: Option<f64>,
        high: Option<f64>,
    },
}

/// One observation to reproduce.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub measure: String,
    /// A timeseries metric at this tick; `None` for a summary measure.
    pub tick: Option<u32>,
    pub observed: Observed,
    /// The deviation that counts as distance 1.
    pub scale: f64,
    /// Where `measure` is written: file, line, column.
    pub at: (String, usize, usize),
    /// Where `tick` is written: line, column (the measure's when there is no tick).
    pub tick_at: (usize, usize),
}

impl Target {
    /// The target's column name in the output files: `measure` or `measure@tick`.
    pub fn label(&self) -> String {
        match self.tick {
            Some(t) => format!("{}@{t}", self.measure),
            None => self.measure.clone(),
        }
    }

    /// This target's share of the distance: how far `value` is from the observation, in scales.
    pub fn deviation(&self, value: f64) -> f64 {
        let off = match self.observed {
            Observed::Value(v) => value - v,
            Observed::Interval { low, high } => match (low, high) {
                (Some(lo), _) if value < lo => lo - value,
                (_, Some(hi)) if value > hi => value - hi,
                _ => 0.0,
            },
        };
        off / self.scale
    }
}

/// The settings of the ABC-SMC.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub population: u32,
    pub generations: u32,
    pub quantile: f64,
    pub tolerance: f64,
    pub replicates: u32,
    pub max_candidates: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            population: 100,
            generations: 5,
            quantile: 0.5,
            tolerance: 0.0,
            replicates: 1,
            max_candidates: 20_000,
        }
    }
}

/// A target file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFile {
    pub meta: Meta,
    pub settings: Settings,
    pub priors: Vec<Prior>,
    pub targets: Vec<Target>,
    /// The file's path as given, for messages and the manifest.
    pub origin: String,
    pub text: String,
}

/// Largest population, generation count, replicate count and candidates per generation.
pub const MAX_POPULATION: u32 = 100_000;
pub const MAX_GENERATIONS: u32 = 100;
pub const MAX_CANDIDATES: u32 = 10_000_000;

type Problem = (std::ops::Range<usize>, Option<String>, String);

impl TargetFile {
    /// Reads a target file (size-capped, UTF-8), reporting every problem in file order.
    pub fn from_file(path: &std::path::Path) -> Result<Self, Vec<ScenarioError>> {
        let text = read_capped(path).map_err(|e| vec![e])?;
        Self::check(&text, Origin::File(path.to_path_buf()))
    }

    /// A target file by path, or a shipped one by name (`all_in_for_sport`).
    pub fn find(name_or_path: &str) -> Result<Self, Vec<ScenarioError>> {
        let path = std::path::Path::new(name_or_path);
        if path.is_file() {
            return Self::from_file(path);
        }
        match super::builtin::find_target(name_or_path) {
            Some((rel, text)) => Self::check(text, Origin::Builtin(rel)),
            None => {
                let names = super::builtin::target_names();
                let hint = nearest(name_or_path, names.iter().copied())
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                Err(vec![ScenarioError::Unreadable {
                    path: name_or_path.to_string(),
                    reason: format!(
                        "no such file, and no shipped target file of that name{hint}; shipped: {}",
                        names.join(", ")
                    ),
                }])
            }
        }
    }

    /// Reads a target file's text.
    pub fn check(text: &str, origin: Origin) -> Result<Self, Vec<ScenarioError>> {
        let origin_name = origin.to_string();
        let at = |span: std::ops::Range<usize>, key: Option<String>, message: String| {
            invalid_at(text, &origin_name, span, key, message)
        };
        let root = DeTable::parse(text).map_err(|e| {
            let first = e.message().lines().next().unwrap_or("invalid TOML");
            vec![at(
                e.span().unwrap_or(0..0),
                None,
                format!("invalid TOML: {first}"),
            )]
        })?;
        let mut problems: Vec<Problem> = Vec::new();
        let mut meta = Meta::default();
        let mut settings = Settings::default();
        let mut priors = Vec::new();
        let mut targets = Vec::new();
        let mut saw_priors = false;
        for (k, v) in root.get_ref() {
            match k.get_ref().as_ref() {
                "meta" => problems.extend(read_meta(v, &mut meta)),
                "calibrate" => {
                    saw_priors |= read_calibrate(v, &mut settings, &mut priors, &mut problems)
                }
                "target" => {
                    let DeValue::Array(items) = v.get_ref() else {
                        problems.push((
                            v.span(),
                            Some("target".into()),
                            "expected [[target]] tables".into(),
                        ));
                        continue;
                    };
                    for item in items {
                        if let Some(t) = read_target(item, &mut problems) {
                            let (line, column) = line_column(text, t.1.start);
                            let tick_at = line_column(text, t.2.start);
                            targets.push(Target {
                                at: (origin_name.clone(), line, column),
                                tick_at,
                                ..t.0
                            });
                        }
                    }
                }
                other => {
                    let hint = nearest(other, ["meta", "calibrate", "target"].into_iter())
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_else(|| " (expected [meta], [calibrate] or [[target]])".into());
                    problems.push((
                        k.span(),
                        Some(other.to_string()),
                        format!("unknown table `{other}`{hint}"),
                    ));
                }
            }
        }
        if problems.is_empty() && (!saw_priors || priors.is_empty()) {
            problems.push((
                0..0,
                Some("calibrate.priors".into()),
                "no priors: add a [calibrate.priors] table with at least one key, e.g. \
                 \"trust.half_life_ticks\" = { prior = \"uniform\", low = 5, high = 50 }"
                    .into(),
            ));
        }
        if problems.is_empty() && targets.is_empty() {
            problems.push((
                0..0,
                Some("target".into()),
                "no targets: add a [[target]] table with measure and observed (or low/high)".into(),
            ));
        }
        if !problems.is_empty() {
            return Err(in_file_order(
                problems
                    .into_iter()
                    .map(|(span, key, msg)| at(span, key, msg))
                    .collect(),
            ));
        }
        Ok(TargetFile {
            meta,
            settings,
            priors,
            targets,
            origin: origin_name,
            text: text.to_string(),
        })
    }
}

/// A number (integer or float) or `None`.
pub(super) fn number(v: &DeValue<'_>) -> Option<f64> {
    match raw(v) {
        RawValue::Integer(i) => Some(i as f64),
        RawValue::Float(f) => Some(f),
        _ => None,
    }
}

/// A value as written, for messages (`1e308` stays short).
pub(super) fn shown(v: &DeValue<'_>) -> String {
    match raw(v) {
        RawValue::Integer(i) => i.to_string(),
        RawValue::Float(f) => short_num(f),
        other => other.type_name().to_string(),
    }
}
