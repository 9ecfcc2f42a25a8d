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

use super::value::RawValue;

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

/// Reads the `[sweep]` table.
pub fn read_table(value: &Spanned<DeValue<'_>>) -> Result<SweepTable, TableError> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err((value.span(), "sweep".into(), "expected a table".into()));
    };
    let mut out = SweepTable::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let full = format!("sweep.{key}");
        let whole = |v: &Spanned<DeValue<'_>>| -> Result<u32, TableError> {
            match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .and_then(|x| u32::try_from(x).ok())
                    .ok_or_else(|| {
                        (
                            v.span(),
                            full.clone(),
                            "expected a whole number >= 0".into(),
                        )
                    }),
                other => Err((
                    v.span(),
                    full.clone(),
                    format!("expected a whole number, found {}", other.type_str()),
                )),
            }
        };
        match key {
            "design" => match v.get_ref().as_str() {
                Some(d) if ["factorial", "zip", "lhs", "random"].contains(&d) => {
                    out.design = Some(d.to_string())
                }
                _ => {
                    return Err((
                        v.span(),
                        full,
                        "expected one of \"factorial\", \"zip\", \"lhs\", \"random\"".into(),
                    ));
                }
            },
            "seeds" => match v.get_ref().as_str() {
                Some(r) if ["per_run", "common"].contains(&r) => out.seeds = Some(r.to_string()),
                _ => {
                    return Err((
                        v.span(),
                        full,
                        "expected one of \"per_run\", \"common\"".into(),
                    ));
                }
            },
            "samples" => out.samples = Some(whole(v)?),
            "replicates" => out.replicates = Some(whole(v)?),
            "series_every" => out.series_every = Some(whole(v)?),
            "vary" => {
                let DeValue::Table(vary) = v.get_ref() else {
                    return Err((
                        v.span(),
                        full,
                        "expected a table of key = [values] or key = \"LO..HI\"".into(),
                    ));
                };
                for (vk, vv) in vary {
                    let name = vk.get_ref().to_string();
                    let levels = match vv.get_ref() {
                        DeValue::Array(items) => {
                            Levels::Values(items.iter().map(|x| raw(x.get_ref())).collect())
                        }
                        DeValue::String(s) => match Vary::parse(&format!("{name}={s}")) {
                            Ok(Vary {
                                levels: l @ Levels::Range { .. },
                                ..
                            }) => l,
                            _ => {
                                return Err((
                                    vv.span(),
                                    format!("sweep.vary.{name}"),
                                    "expected a range \"LO..HI\" or an array of values".into(),
                                ));
                            }
                        },
                        _ => {
                            return Err((
                                vv.span(),
                                format!("sweep.vary.{name}"),
                                "expected an array of values or a range \"LO..HI\"".into(),
                            ));
                        }
                    };
                    out.vary.push(Vary { key: name, levels });
                }
            }
            _ => {
                let msg = format!(
                    "unknown key `{full}` (expected design, samples, replicates, series_every, seeds or vary)"
                );
                return Err((k.span(), full, msg));
            }
        }
    }
    Ok(out)
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
