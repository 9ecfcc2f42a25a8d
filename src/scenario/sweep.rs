//! The `[sweep]` table of a scenario file and the `--vary` flag: which keys a sweep varies.
//!
//! ```toml
//! [sweep]
//! design = "factorial"        # factorial | zip | lhs | random
//! samples = 20                # points of an lhs or random design
//! replicates = 5              # runs per point (default: run.replicates)
//! series_every = 13           # keep every 13th tick in timeseries.csv (default 1)
//! seeds = "common"            # per_run (default) | common: replicate k of every point shares a seed
//! [sweep.vary]
//! "funding.coordination_share" = [0.0, 0.1, 0.2]
//! "governance.centralization" = "0.0..1.0"   # a range, for lhs and random
//! ```

use toml::Spanned;
use toml::de::DeValue;

use super::error::nearest;
use super::params::{ParamSpec, Params, spec, specs};
use super::value::{Range, RawValue, short_num};

/// The values one key takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    Values(Vec<RawValue>),
    Range { lo: f64, hi: f64 },
}

/// One varied key.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub levels: Levels,
}

impl Vary {
    /// Parses `KEY=V1,V2,...` or `KEY=LO..HI`; values are TOML scalars or bare strings.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (key, rest) = text
            .split_once('=')
            .ok_or("expected KEY=V1,V2,... or KEY=LO..HI")?;
        let key = key.trim().to_string();
        let rest = rest.trim();
        let levels = match rest.split_once("..") {
            Some((lo, hi)) if !lo.contains(',') => {
                let lo: f64 = lo
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key}: range start `{lo}` is not a number"))?;
                let hi: f64 = hi
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key}: range end `{hi}` is not a number"))?;
                Levels::Range { lo, hi }
            }
            _ => Levels::Values(rest.split(',').map(|v| scalar(v.trim())).collect()),
        };
        Ok(Vary { key, levels })
    }
}

/// A TOML scalar (`0.2`, `3`, `true`, `"x"`) or, failing that, a bare string.
pub fn scalar(text: &str) -> RawValue {
    match DeValue::parse(text) {
        Ok(v)
            if !matches!(
                v.get_ref(),
                DeValue::Array(_) | DeValue::Table(_) | DeValue::Datetime(_)
            ) =>
        {
            raw(v.get_ref())
        }
        _ => RawValue::String(text.to_string()),
    }
}

/// Writes a value as it appears in CSV cells and manifests.
pub fn display(v: &RawValue) -> String {
    match v {
        RawValue::Integer(i) => i.to_string(),
        RawValue::Float(f) => f.to_string(),
        RawValue::Bool(b) => b.to_string(),
        RawValue::String(s) => s.clone(),
        RawValue::Other(t) => t.to_string(),
    }
}

/// The `[sweep]` table as written (validated for shape; points are checked by the design).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepTable {
    pub design: Option<String>,
    pub samples: Option<u32>,
    pub replicates: Option<u32>,
    pub series_every: Option<u32>,
    /// The seed rule: "per_run" or "common".
    pub seeds: Option<String>,
    pub vary: Vec<Vary>,
}

/// A problem in the table: where, which key, what was expected.
pub type TableError = (std::ops::Range<usize>, String, String);

/// The keys of the `[sweep]` table.
pub const SWEEP_KEYS: &[&str] = &[
    "design",
    "samples",
    "replicates",
    "series_every",
    "seeds",
    "vary",
];

/// Most points a sampled design may draw (`samples`, `--samples`): a plan this size is already
/// millions of runs once replicated.
pub const MAX_SAMPLES: u32 = 1_000_000;
/// Most replicates per point (as `run.replicates`).
pub const MAX_REPLICATES: u32 = 100_000;
/// Largest `series_every` (as `run.ticks`).
pub const MAX_SERIES_EVERY: u32 = 100_000;

/// Reads and validates the `[sweep]` table, collecting every problem with its position: each
/// key and value, each varied key (it must be a parameter) and each of its values or range
/// ends (they must be valid for that parameter), and the rules that tie keys together.
pub fn read_table(value: &Spanned<DeValue<'_>>) -> (SweepTable, Vec<TableError>) {
    let mut out = SweepTable::default();
    let mut errors: Vec<TableError> = Vec::new();
    let DeValue::Table(table) = value.get_ref() else {
        errors.push((value.span(), "sweep".into(), "expected a table".into()));
        return (out, errors);
    };
    // Ranges, with their spans, for the design rule checked once the design is known.
    let mut ranges: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut lists: Vec<(std::ops::Range<usize>, String, usize)> = Vec::new();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let full = format!("sweep.{key}");
        let whole = |v: &Spanned<DeValue<'_>>, lo: u32, hi: u32| -> Result<u32, TableError> {
            let expected = format!("expected a whole number in [{lo}, {hi}]");
            match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .filter(|x| (i64::from(lo)..=i64::from(hi)).contains(x))
                    .map(|x| x as u32)
                    .ok_or_else(|| (v.span(), full.clone(), format!("{expected}, found {i}"))),
                other => Err((
                    v.span(),
                    full.clone(),
                    format!("{expected}, found {}", raw(other).type_name()),
                )),
            }
        };
        let mut check = |r: Result<u32, TableError>| match r {
            Ok(x) => Some(x),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match key {
            "design" => match v.get_ref().as_str() {
                Some(d) if ["factorial", "zip", "lhs", "random"].contains(&d) => {
                    out.design = Some(d.to_string());
                }
                _ => errors.push((
                    v.span(),
                    full,
                    format!(
                        "expected one of \"factorial\", \"zip\", \"lhs\", \"random\", found {}",
                        found(v.get_ref())
                    ),
                )),
            },
            "seeds" => match v.get_ref().as_str() {
                Some(r) if ["per_run", "common"].contains(&r) => out.seeds = Some(r.to_string()),
                _ => errors.push((
                    v.span(),
                    full,
                    format!(
                        "expected one of \"per_run\", \"common\", found {}",
                        found(v.get_ref())
                    ),
                )),
            },
            "samples" => out.samples = check(whole(v, 1, MAX_SAMPLES)),
            "replicates" => out.replicates = check(whole(v, 1, MAX_REPLICATES)),
            "series_every" => out.series_every = check(whole(v, 1, MAX_SERIES_EVERY)),
            "vary" => {
                let DeValue::Table(vary) = v.get_ref() else {
                    errors.push((
                        v.span(),
                        full,
                        "expected a table of key = [values] or key = \"LO..HI\"".into(),
                    ));
                    continue;
                };
                for (vk, vv) in vary {
                    let name = vk.get_ref().to_string();
                    let at = format!("sweep.vary.{name}");
                    let Some(param) = spec(&name) else {
                        let hint = nearest(&name, specs().iter().map(|s| s.key))
                            .map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default();
                        errors.push((
                            vk.span(),
                            at,
                            format!("`{name}` is not a scenario key{hint}"),
                        ));
                        continue;
                    };
                    let levels = match vv.get_ref() {
                        DeValue::Array(items) if items.is_empty() => {
                            errors.push((vv.span(), at, "expected at least one value".into()));
                            continue;
                        }
                        DeValue::Array(items) => {
                            for item in items {
                                let raw = raw(item.get_ref());
                                if let Err(Some(msg)) = Params::default().set(param.key, &raw) {
                                    errors.push((item.span(), at.clone(), msg));
                                }
                            }
                            lists.push((vv.span(), at.clone(), items.len()));
                            Levels::Values(items.iter().map(|x| raw(x.get_ref())).collect())
                        }
                        DeValue::String(text) => match Vary::parse(&format!("{name}={text}")) {
                            Ok(Vary {
                                levels: Levels::Range { lo, hi },
                                ..
                            }) => {
                                if let Some(msg) = range_problem(&param, lo, hi) {
                                    errors.push((vv.span(), at, msg));
                                    continue;
                                }
                                ranges.push((vv.span(), at.clone()));
                                Levels::Range { lo, hi }
                            }
                            _ => {
                                errors.push((
                                    vv.span(),
                                    at,
                                    format!(
                                        "expected a range \"LO..HI\" or an array of values, found \"{}\"",
                                        shorten(text)
                                    ),
                                ));
                                continue;
                            }
                        },
                        other => {
                            errors.push((
                                vv.span(),
                                at,
                                format!(
                                    "expected an array of values or a range \"LO..HI\", found {}",
                                    raw(other).type_name()
                                ),
                            ));
                            continue;
                        }
                    };
                    out.vary.push(Vary { key: name, levels });
                }
            }
            _ => {
                let hint = nearest(key, SWEEP_KEYS.iter().copied())
                    .map(|n| format!(" (did you mean `sweep.{n}`?)"))
                    .unwrap_or_else(|| {
                        " (expected design, samples, replicates, series_every, seeds or vary)"
                            .to_string()
                    });
                errors.push((
                    k.span(),
                    full.clone(),
                    format!("unknown key `{full}`{hint}"),
                ));
            }
        }
    }
    // Rules between keys: each error names the value the rule rejects, where it is written.
    if let Some(d @ ("factorial" | "zip")) = out.design.as_deref() {
        for (span, at) in ranges {
            errors.push((
                span,
                at,
                format!(
                    "a range LO..HI needs design = \"lhs\" or \"random\", and this table sets design = \"{d}\": give a list of values"
                ),
            ));
        }
        if d == "zip"
            && let Some((_, _, n)) = lists.first()
        {
            for (span, at, len) in &lists[1..] {
                if len != n {
                    errors.push((
                        span.clone(),
                        at.clone(),
                        format!(
                            "design = \"zip\" pairs the i-th values: expected {n} values like the first varied key, found {len}"
                        ),
                    ));
                }
            }
        }
    }
    (out, errors)
}

/// What is wrong with a range `LO..HI` for a parameter, if anything.
fn range_problem(param: &ParamSpec, lo: f64, hi: f64) -> Option<String> {
    if !(lo.is_finite() && hi.is_finite()) {
        return Some(format!(
            "expected a range of finite numbers, found {}..{}",
            short_num(lo),
            short_num(hi)
        ));
    }
    if lo > hi {
        return Some(format!(
            "expected a range from a lower to a higher number, found {}..{}",
            short_num(lo),
            short_num(hi)
        ));
    }
    for end in [lo, hi] {
        // Whole-number keys are rounded after sampling, so their ends are checked rounded.
        let raw = match param.range {
            Range::Whole { .. } => RawValue::Integer(end.round() as i64),
            _ => RawValue::Float(end),
        };
        if let Err(Some(msg)) = Params::default().set(param.key, &raw) {
            return Some(format!(
                "the range {}..{}: {msg}",
                short_num(lo),
                short_num(hi)
            ));
        }
    }
    None
}

/// A value as echoed in an error: short, whatever its size.
fn found(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(text) => format!("\"{}\"", shorten(text)),
        other => raw(other).type_name().to_string(),
    }
}

/// At most 40 characters of a string, for messages.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(40).collect::<String>())
    }
}

/// A TOML value as a raw scalar (arrays, tables and datetimes become `Other`).
pub fn raw(v: &DeValue<'_>) -> RawValue {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(RawValue::Integer)
            .unwrap_or(RawValue::Other("an integer too large")),
        DeValue::Float(f) => f
            .as_str()
            .parse()
            .map(RawValue::Float)
            .unwrap_or(RawValue::Other("a float")),
        DeValue::Boolean(b) => RawValue::Bool(*b),
        DeValue::String(s) => RawValue::String(s.to_string()),
        DeValue::Array(_) => RawValue::Other("an array"),
        DeValue::Table(_) => RawValue::Other("a table"),
        DeValue::Datetime(_) => RawValue::Other("a datetime"),
    }
}
