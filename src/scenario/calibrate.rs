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

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{in_file_order, invalid_at, line_column, nearest, read_capped};
use super::meta::{Meta, read_meta};
use super::params::{Params, spec, specs};
use super::sweep::raw;
use super::value::{Range, RawValue, short_num};
use super::{Origin, ScenarioError};

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
fn number(v: &DeValue<'_>) -> Option<f64> {
    match raw(v) {
        RawValue::Integer(i) => Some(i as f64),
        RawValue::Float(f) => Some(f),
        _ => None,
    }
}

/// Reads `[calibrate]`; returns whether it had a `priors` table.
fn read_calibrate(
    value: &Spanned<DeValue<'_>>,
    settings: &mut Settings,
    priors: &mut Vec<Prior>,
    problems: &mut Vec<Problem>,
) -> bool {
    let DeValue::Table(table) = value.get_ref() else {
        problems.push((
            value.span(),
            Some("calibrate".into()),
            "expected a table".into(),
        ));
        return false;
    };
    const KEYS: &[&str] = &[
        "population",
        "generations",
        "quantile",
        "tolerance",
        "replicates",
        "max_candidates",
        "priors",
    ];
    let mut saw_priors = false;
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let full = format!("calibrate.{key}");
        let mut whole = |lo: u32, hi: u32| -> Option<u32> {
            match raw(v.get_ref()) {
                RawValue::Integer(i) if (i64::from(lo)..=i64::from(hi)).contains(&i) => {
                    Some(i as u32)
                }
                other => {
                    let found = match other {
                        RawValue::Integer(i) => i.to_string(),
                        o => o.type_name().to_string(),
                    };
                    problems.push((
                        v.span(),
                        Some(full.clone()),
                        format!("expected a whole number in [{lo}, {hi}], found {found}"),
                    ));
                    None
                }
            }
        };
        match key {
            "population" => {
                if let Some(x) = whole(2, MAX_POPULATION) {
                    settings.population = x;
                }
            }
            "generations" => {
                if let Some(x) = whole(1, MAX_GENERATIONS) {
                    settings.generations = x;
                }
            }
            "replicates" => {
                if let Some(x) = whole(1, 1000) {
                    settings.replicates = x;
                }
            }
            "max_candidates" => {
                if let Some(x) = whole(1, MAX_CANDIDATES) {
                    settings.max_candidates = x;
                }
            }
            "quantile" | "tolerance" => {
                let (lo, hi, what) = if key == "quantile" {
                    (f64::MIN_POSITIVE, 1.0, "a share in (0, 1]")
                } else {
                    (0.0, f64::MAX, "a distance of at least 0")
                };
                match number(v.get_ref()).filter(|x| (lo..=hi).contains(x)) {
                    Some(x) if key == "quantile" => settings.quantile = x,
                    Some(x) => settings.tolerance = x,
                    None => problems.push((
                        v.span(),
                        Some(full),
                        format!("expected {what}, found {}", shown(v.get_ref())),
                    )),
                }
            }
            "priors" => {
                saw_priors = true;
                let DeValue::Table(entries) = v.get_ref() else {
                    problems.push((
                        v.span(),
                        Some(full),
                        "expected a table of key = { prior = ..., low = ..., high = ... }".into(),
                    ));
                    continue;
                };
                for (pk, pv) in entries {
                    if let Some(p) = read_prior(pk, pv, problems) {
                        priors.push(p);
                    }
                }
            }
            _ => {
                let hint = nearest(key, KEYS.iter().copied())
                    .map(|n| format!(" (did you mean `calibrate.{n}`?)"))
                    .unwrap_or_default();
                problems.push((
                    k.span(),
                    Some(full.clone()),
                    format!("unknown key `{full}`{hint}"),
                ));
            }
        }
    }
    if settings.max_candidates < settings.population {
        problems.push((
            value.span(),
            Some("calibrate.max_candidates".into()),
            format!(
                "max_candidates ({}) must be at least population ({})",
                settings.max_candidates, settings.population
            ),
        ));
    }
    saw_priors
}

fn shown(v: &DeValue<'_>) -> String {
    match raw(v) {
        RawValue::Integer(i) => i.to_string(),
        RawValue::Float(f) => short_num(f),
        other => other.type_name().to_string(),
    }
}

/// Reads one prior: the key must be a numeric scenario parameter, the bounds inside its range.
fn read_prior(
    k: &Spanned<std::borrow::Cow<'_, str>>,
    v: &Spanned<DeValue<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<Prior> {
    let name = k.get_ref().to_string();
    let at = format!("calibrate.priors.{name}");
    let Some(param) = spec(&name) else {
        let hint = nearest(&name, specs().iter().map(|s| s.key))
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        problems.push((
            k.span(),
            Some(at),
            format!("`{name}` is not a scenario key{hint}"),
        ));
        return None;
    };
    let whole = match param.range {
        Range::Real { .. } => false,
        Range::Whole { .. } => true,
        _ => {
            problems.push((
                k.span(),
                Some(at),
                format!(
                    "`{name}` is not a number ({}); only numeric keys can be calibrated",
                    param.range
                ),
            ));
            return None;
        }
    };
    let DeValue::Table(fields) = v.get_ref() else {
        problems.push((
            v.span(),
            Some(at),
            "expected { prior = \"uniform\" | \"log-uniform\" | \"normal\", low = ..., high = ... }"
                .into(),
        ));
        return None;
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(fk, _)| fk.get_ref() == name)
            .map(|(_, fv)| fv)
    };
    let before = problems.len();
    let num = |name: &str, problems: &mut Vec<Problem>| -> Option<f64> {
        let fv = field(name)?;
        match number(fv.get_ref()).filter(|x| x.is_finite()) {
            Some(x) => Some(x),
            None => {
                problems.push((
                    fv.span(),
                    Some(format!("{at}.{name}")),
                    format!("expected a finite number, found {}", shown(fv.get_ref())),
                ));
                None
            }
        }
    };
    for (fk, _) in fields {
        let f = fk.get_ref().as_ref();
        if !["prior", "low", "high", "mean", "sd"].contains(&f) {
            problems.push((
                fk.span(),
                Some(format!("{at}.{f}")),
                format!("unknown field `{f}` (expected prior, low, high, and mean and sd for a normal prior)"),
            ));
        }
    }
    let kind = field("prior").and_then(|p| p.get_ref().as_str().map(str::to_string));
    let (low, high) = (num("low", problems), num("high", problems));
    let (mean, sd) = (num("mean", problems), num("sd", problems));
    let shape = match kind.as_deref() {
        Some("uniform") => PriorShape::Uniform,
        Some("log-uniform") => PriorShape::LogUniform,
        Some("normal") => match (mean, sd) {
            (Some(mean), Some(sd)) if sd > 0.0 => PriorShape::Normal { mean, sd },
            _ => {
                problems.push((
                    v.span(),
                    Some(at),
                    "a normal prior needs mean and sd (sd > 0)".into(),
                ));
                return None;
            }
        },
        _ => {
            let span = field("prior").map(|p| p.span()).unwrap_or(v.span());
            problems.push((
                span,
                Some(format!("{at}.prior")),
                "expected prior = \"uniform\", \"log-uniform\" or \"normal\"".into(),
            ));
            return None;
        }
    };
    let (Some(low), Some(high)) = (low, high) else {
        if problems.len() == before {
            problems.push((
                v.span(),
                Some(at),
                "expected both bounds, low and high (the prior is truncated to them)".into(),
            ));
        }
        return None;
    };
    let problem = if low >= high {
        Some(format!(
            "expected low < high, found {} and {}",
            short_num(low),
            short_num(high)
        ))
    } else if shape == PriorShape::LogUniform && low <= 0.0 {
        Some(format!(
            "a log-uniform prior needs low > 0, found {}",
            short_num(low)
        ))
    } else {
        [low, high].into_iter().find_map(|end| {
            let raw = if whole {
                RawValue::Integer(end.round() as i64)
            } else {
                RawValue::Float(end)
            };
            match Params::default().set(param.key, &raw) {
                Err(Some(msg)) => Some(format!("bound {}: {msg}", short_num(end))),
                _ => None,
            }
        })
    };
    if let Some(msg) = problem {
        problems.push((v.span(), Some(at), msg));
        return None;
    }
    (problems.len() == before).then_some(Prior {
        key: param.key.to_string(),
        shape,
        low,
        high,
        whole,
    })
}

/// Reads one `[[target]]` table; returns it with the spans of its `measure` and its `tick`.
fn read_target(
    value: &Spanned<DeValue<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<(Target, std::ops::Range<usize>, std::ops::Range<usize>)> {
    let DeValue::Table(fields) = value.get_ref() else {
        problems.push((
            value.span(),
            Some("target".into()),
            "expected a table".into(),
        ));
        return None;
    };
    let before = problems.len();
    let mut measure = None;
    let (mut tick, mut observed, mut low, mut high, mut scale) = (None, None, None, None, None);
    let mut tick_span = None;
    for (k, v) in fields {
        let key = k.get_ref().as_ref();
        let full = format!("target.{key}");
        let mut finite =
            |slot: &mut Option<f64>| match number(v.get_ref()).filter(|x| x.is_finite()) {
                Some(x) => *slot = Some(x),
                None => problems.push((
                    v.span(),
                    Some(full.clone()),
                    format!("expected a finite number, found {}", shown(v.get_ref())),
                )),
            };
        match key {
            "measure" => match v.get_ref().as_str() {
                Some(m) => measure = Some((m.to_string(), v.span())),
                None => problems.push((
                    v.span(),
                    Some(full),
                    "expected the name of a measure, e.g. \"final_networks\"".into(),
                )),
            },
            "tick" => match raw(v.get_ref()) {
                RawValue::Integer(t) if (0..=i64::from(u32::MAX)).contains(&t) => {
                    tick = Some(t as u32);
                    tick_span = Some(v.span());
                }
                _ => problems.push((
                    v.span(),
                    Some(full),
                    format!(
                        "expected a tick (a whole number from 0), found {}",
                        shown(v.get_ref())
                    ),
                )),
            },
            "observed" => finite(&mut observed),
            "low" => finite(&mut low),
            "high" => finite(&mut high),
            "scale" => finite(&mut scale),
            _ => {
                const KEYS: [&str; 6] = ["measure", "tick", "observed", "low", "high", "scale"];
                let hint = nearest(key, KEYS.into_iter())
                    .map(|n| format!(" (did you mean `target.{n}`?)"))
                    .unwrap_or_else(|| {
                        " (expected measure, tick, observed, low, high, scale)".into()
                    });
                problems.push((
                    k.span(),
                    Some(full.clone()),
                    format!("unknown key `{full}`{hint}"),
                ));
            }
        }
    }
    let Some((measure, measure_span)) = measure else {
        if problems.len() == before {
            problems.push((
                value.span(),
                Some("target.measure".into()),
                "expected measure = \"NAME\" (a summary measure, or a timeseries metric with tick)"
                    .into(),
            ));
        }
        return None;
    };
    if problems.len() > before {
        return None;
    }
    let observed = match (observed, low, high) {
        (Some(v), None, None) => Observed::Value(v),
        (None, lo, hi) if lo.is_some() || hi.is_some() => {
            if let (Some(lo), Some(hi)) = (lo, hi)
                && lo > hi
            {
                problems.push((
                    value.span(),
                    Some("target.low".into()),
                    format!(
                        "expected low <= high, found {} and {}",
                        short_num(lo),
                        short_num(hi)
                    ),
                ));
                return None;
            }
            Observed::Interval { low: lo, high: hi }
        }
        _ => {
            problems.push((
                value.span(),
                Some(format!("target.{measure}")),
                "expected either observed = V, or low and/or high (an interval), not both".into(),
            ));
            return None;
        }
    };
    // Without a scale, a deviation counts relative to the observation's size.
    let scale = scale.unwrap_or(match observed {
        Observed::Value(v) => v.abs(),
        Observed::Interval {
            low: Some(lo),
            high: Some(hi),
        } => (hi - lo) / 2.0,
        Observed::Interval { low, high } => low.or(high).unwrap_or(1.0).abs(),
    });
    if scale.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        problems.push((
            value.span(),
            Some("target.scale".into()),
            "expected scale > 0 (give scale = ... when the observation is 0 or the interval empty)"
                .into(),
        ));
        return None;
    }
    Some((
        Target {
            measure,
            tick,
            observed,
            scale,
            at: (String::new(), 0, 0),
            tick_at: (0, 0),
        },
        measure_span.clone(),
        tick_span.unwrap_or(measure_span),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<TargetFile, Vec<ScenarioError>> {
        TargetFile::check(text, Origin::File("t.toml".into()))
    }

    const GOOD: &str = "[calibrate]\npopulation = 50\n[calibrate.priors]\n\
        \"trust.half_life_ticks\" = { prior = \"log-uniform\", low = 5, high = 100 }\n\
        \"gatherings.places\" = { prior = \"normal\", mean = 16, sd = 4, low = 4, high = 40 }\n\
        [[target]]\nmeasure = \"final_networks\"\nlow = 15\n\
        [[target]]\nmeasure = \"networks\"\ntick = 26\nobserved = 10\nscale = 2\n";

    #[test]
    fn a_good_file_reads_whole() {
        let f = check(GOOD).unwrap();
        assert_eq!(f.settings.population, 50);
        assert_eq!(f.priors.len(), 2);
        assert!(f.priors[1].whole);
        assert_eq!(f.targets[1].label(), "networks@26");
        assert_eq!(f.targets[1].at.1, 10);
        assert_eq!(f.targets[0].deviation(12.0), 0.2);
        assert_eq!(f.targets[0].deviation(20.0), 0.0);
        assert_eq!(f.targets[1].deviation(13.0), 1.5);
    }

    #[test]
    fn problems_name_line_column_and_key() {
        let text = GOOD.replace("low = 5, high = 100", "low = 0, high = 100");
        let e = check(&text).unwrap_err()[0].to_string();
        assert!(e.starts_with("t.toml:4:"), "{e}");
        assert!(e.contains("calibrate.priors.trust.half_life_ticks"), "{e}");
        let e = check(&GOOD.replace("\"gatherings.places\"", "\"gathering.places\"")).unwrap_err()
            [0]
        .to_string();
        assert!(e.contains("did you mean `gatherings.places`"), "{e}");
        let e =
            check(&GOOD.replace("low = 15", "low = 15\nobserved = 3")).unwrap_err()[0].to_string();
        assert!(e.contains("not both"), "{e}");
        let e =
            check(&GOOD.replace("population = 50", "populaton = 50")).unwrap_err()[0].to_string();
        assert!(e.contains("did you mean `calibrate.population`"), "{e}");
        let e = check("[[target]]\nmeasure = \"x\"\nobserved = 1\n").unwrap_err()[0].to_string();
        assert!(e.contains("no priors"), "{e}");
    }

    #[test]
    fn non_numeric_keys_cannot_be_calibrated() {
        let text = GOOD.replace(
            "\"gatherings.places\" = { prior = \"normal\", mean = 16, sd = 4, low = 4, high = 40 }",
            "\"funding.policy\" = { prior = \"uniform\", low = 0, high = 1 }",
        );
        let e = check(&text).unwrap_err()[0].to_string();
        assert!(e.contains("only numeric keys"), "{e}");
    }
}
