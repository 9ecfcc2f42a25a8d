//! One `[[target]]` table of a target file: a measure (or a metric at a tick) and what was
//! observed, as a value with a scale or an interval.

use toml::Spanned;
use toml::de::DeValue;

use super::{Observed, Problem, Target, number, shown};
use crate::scenario::error::nearest;
use crate::scenario::sweep::raw;
use crate::scenario::value::{RawValue, short_num};

/// Reads one `[[target]]` table; returns it with the spans of its `measure` and its `tick`.
pub(super) fn read_target(
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
