//! The `[calibrate]` table of a target file: the ABC-SMC settings and `[calibrate.priors]`,
//! one prior per calibrated key, checked against the key's own range.

use toml::Spanned;
use toml::de::DeValue;

use super::{
    MAX_CANDIDATES, MAX_GENERATIONS, MAX_POPULATION, Prior, PriorShape, Problem, Settings, number,
    shown,
};
use crate::scenario::error::nearest;
use crate::scenario::params::{Params, spec, specs};
use crate::scenario::sweep::raw;
use crate::scenario::value::{Range, RawValue, short_num};

/// Reads `[calibrate]`; returns whether it had a `priors` table.
pub(super) fn read_calibrate(
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
