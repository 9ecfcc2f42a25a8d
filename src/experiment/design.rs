//! Experimental designs: which parameter points a sweep runs.
//!
//! A varied key takes a list of values (`KEY=V1,V2,...`) or a range (`KEY=LO..HI`).
//! - `factorial`: every combination of the lists (the first key varies slowest);
//! - `zip`: the i-th value of every list together (lists of equal length);
//! - `lhs`: Latin hypercube of `samples` points: each of the `samples` equal strata of every
//!   key holds exactly one point (lists are split into strata by index);
//! - `random`: `samples` independent uniform draws.
//!
//! Sampled designs draw from their own generator, seeded from the master seed, so the points
//! are part of what the seed reproduces. Whole-number keys are rounded after sampling.
//!
//! A design is a [`Layout`]: each point is computed from its index when a run needs it, so a
//! sweep never holds its list of points (`layout.rs`).

mod layout;

pub use crate::scenario::sweep::{Levels, Vary, display, scalar};
use crate::scenario::value::{Range, RawValue};
use crate::scenario::{Scenario, spec};
pub use layout::{Layout, held_bytes};

/// How a sweep's points are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Design {
    Factorial,
    Zip,
    Lhs,
    Random,
}

impl Design {
    pub const NAMES: &'static [&'static str] = &["factorial", "zip", "lhs", "random"];

    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "factorial" => Ok(Design::Factorial),
            "zip" => Ok(Design::Zip),
            "lhs" => Ok(Design::Lhs),
            "random" => Ok(Design::Random),
            other => Err(format!(
                "expected one of factorial, zip, lhs, random, found \"{other}\""
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Design::Factorial => "factorial",
            Design::Zip => "zip",
            Design::Lhs => "lhs",
            Design::Random => "random",
        }
    }

    fn sampled(self) -> bool {
        matches!(self, Design::Lhs | Design::Random)
    }
}

/// A point of the design: one value per varied key, in the order of the keys.
pub type Point = Vec<RawValue>;

/// Checks the design against the scenario and returns its layout (points computed on demand,
/// never listed whole). Every point of a design of at most [`CHECKED_UP_FRONT`] points is
/// validated by building its parameters, so a bad value fails before anything runs; a larger
/// design has each key's values validated alone here, and each point as its batch is built.
pub fn layout(
    base: &Scenario,
    vary: &[Vary],
    design: Design,
    samples: u32,
    seed: u64,
) -> Result<Layout, String> {
    if vary.is_empty() {
        return Err("nothing to vary: give --vary KEY=V1,V2,... or a [sweep.vary] table".into());
    }
    for (i, v) in vary.iter().enumerate() {
        check_key(&v.key)?;
        if vary[..i].iter().any(|o| o.key == v.key) {
            return Err(format!("--vary {}: the key is varied twice", v.key));
        }
        match &v.levels {
            Levels::Values(vals) if vals.is_empty() => {
                return Err(format!("--vary {}: no values", v.key));
            }
            Levels::Range { .. } if !design.sampled() => {
                return Err(format!(
                    "--vary {}: a range LO..HI needs --design lhs or random; give a list for {}",
                    v.key,
                    design.name()
                ));
            }
            Levels::Range { lo, hi } if !(lo.is_finite() && hi.is_finite() && lo <= hi) => {
                return Err(format!(
                    "--vary {}: the range must run from a lower to a higher number",
                    v.key
                ));
            }
            _ => {}
        }
    }
    // Counted before anything is laid out: a plan too large is refused, never built.
    let count = check_count(vary, design, samples)?;
    if design.sampled() && samples == 0 {
        return Err(format!(
            "--design {} needs --samples N (N >= 1)",
            design.name()
        ));
    }
    if design == Design::Zip {
        check_zip(vary)?;
    }
    let layout = Layout::new(vary, design, samples, count, seed);
    if count <= CHECKED_UP_FRONT {
        for p in layout.iter() {
            point_scenario(base, vary, &p)?;
        }
    } else {
        check_levels(base, vary)?;
    }
    Ok(layout)
}

/// Designs of at most this many points have every point validated before the sweep starts.
pub const CHECKED_UP_FRONT: u64 = 1_000_000;

/// Most points a sweep may have. Points are computed on demand, so this is no memory limit
/// (the budget refuses a plan by the memory and disk it needs): a count beyond it is taken
/// for a mistake.
pub const MAX_POINTS: u64 = 1_000_000_000_000;

/// The number of points a design lays out, computed without laying them out (saturating).
pub fn count_points(vary: &[Vary], design: Design, samples: u32) -> u64 {
    let len = |v: &Vary| match &v.levels {
        Levels::Values(vals) => vals.len() as u64,
        Levels::Range { .. } => 1,
    };
    match design {
        Design::Factorial => vary.iter().fold(1u64, |n, v| n.saturating_mul(len(v))),
        Design::Zip => vary.first().map(len).unwrap_or(0),
        Design::Lhs | Design::Random => u64::from(samples),
    }
}

/// The number of points, or an error when there are more than [`MAX_POINTS`].
pub fn check_count(vary: &[Vary], design: Design, samples: u32) -> Result<u64, String> {
    let count = count_points(vary, design, samples);
    let most = crate::scenario::sweep::MAX_SAMPLES;
    if design.sampled() && samples > most {
        return Err(format!(
            "--samples {samples}: the {} design draws at most {most} samples",
            design.name()
        ));
    }
    if count > MAX_POINTS {
        return Err(format!(
            "the {} design has {count} points; at most {MAX_POINTS} are allowed (sample it with --design lhs and --samples)",
            design.name()
        ));
    }
    Ok(count)
}

/// A varied key must be a scenario key; the error names the nearest one.
pub fn check_key(key: &str) -> Result<(), String> {
    if spec(key).is_some() {
        return Ok(());
    }
    let hint = crate::scenario::nearest(key, crate::scenario::specs().iter().map(|s| s.key))
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(format!("--vary {key}: unknown key{hint}"))
}

/// The scenario at one point: the base with the point's values applied and validated.
pub fn point_scenario(base: &Scenario, vary: &[Vary], point: &Point) -> Result<Scenario, String> {
    let assignments: Vec<String> = vary
        .iter()
        .zip(point)
        .map(|(v, x)| format!("{}={}", v.key, toml_text(x)))
        .collect();
    let mut s = base.clone();
    s.apply_overrides(&assignments)
        .map_err(|e| e.to_string().replacen("--set ", "--vary ", 1))?;
    Ok(s)
}

fn toml_text(v: &RawValue) -> String {
    match v {
        RawValue::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        RawValue::Float(f) if f.fract() == 0.0 && f.is_finite() => format!("{f:.1}"),
        other => display(other),
    }
}

/// Zip's lists must be of equal length.
fn check_zip(vary: &[Vary]) -> Result<(), String> {
    let len = |v: &Vary| match &v.levels {
        Levels::Values(vals) => vals.len(),
        Levels::Range { .. } => unreachable!("checked: zip takes lists"),
    };
    let n = len(&vary[0]);
    if let Some(v) = vary.iter().find(|v| len(v) != n) {
        return Err(format!(
            "--design zip needs lists of equal length: {} has {}, {} has {n}",
            v.key,
            len(v),
            vary[0].key
        ));
    }
    Ok(())
}

/// Each key's values alone against the base scenario: a list's every value, a range's ends.
fn check_levels(base: &Scenario, vary: &[Vary]) -> Result<(), String> {
    for v in vary {
        let values: Vec<RawValue> = match &v.levels {
            Levels::Values(vals) => vals.clone(),
            Levels::Range { .. } => vec![at(v, 0.0), at(v, 1.0)],
        };
        for x in values {
            point_scenario(base, std::slice::from_ref(v), &vec![x])?;
        }
    }
    Ok(())
}

/// The value at position `u` in [0, 1) of a key's levels.
pub(crate) fn at(v: &Vary, u: f64) -> RawValue {
    match &v.levels {
        Levels::Values(vals) => {
            vals[((u * vals.len() as f64) as usize).min(vals.len() - 1)].clone()
        }
        Levels::Range { lo, hi } => {
            let x = lo + u * (hi - lo);
            match spec(&v.key).map(|s| s.range) {
                Some(Range::Whole { .. }) => RawValue::Integer(x.round() as i64),
                _ => RawValue::Float(x),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario::defaults("t")
    }

    fn points(
        base: &Scenario,
        vary: &[Vary],
        design: Design,
        samples: u32,
        seed: u64,
    ) -> Result<Vec<Point>, String> {
        Ok(layout(base, vary, design, samples, seed)?.iter().collect())
    }

    #[test]
    fn factorial_is_every_combination_first_key_slowest() {
        let vary = vec![
            Vary::parse("funding.coordination_share=0.0,0.1,0.2").unwrap(),
            Vary::parse("governance.cells=false,true").unwrap(),
        ];
        let pts = points(&base(), &vary, Design::Factorial, 0, 1).unwrap();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[0], vec![RawValue::Float(0.0), RawValue::Bool(false)]);
        assert_eq!(pts[1], vec![RawValue::Float(0.0), RawValue::Bool(true)]);
        assert_eq!(pts[5], vec![RawValue::Float(0.2), RawValue::Bool(true)]);
    }

    #[test]
    fn lhs_puts_exactly_one_sample_in_each_stratum_of_every_key() {
        let vary = vec![
            Vary::parse("funding.coordination_share=0..1").unwrap(),
            Vary::parse("governance.centralization=0.2..0.6").unwrap(),
        ];
        let n = 10;
        let pts = points(&base(), &vary, Design::Lhs, n, 5).unwrap();
        for (k, (lo, hi)) in [(0.0, 1.0), (0.2, 0.6)].into_iter().enumerate() {
            let mut strata: Vec<usize> = pts
                .iter()
                .map(|p| match p[k] {
                    RawValue::Float(x) => ((x - lo) / (hi - lo) * n as f64) as usize,
                    _ => panic!("float expected"),
                })
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n as usize).collect::<Vec<_>>());
        }
    }

    #[test]
    fn zip_pairs_values_and_bad_designs_are_refused() {
        let vary = vec![
            Vary::parse("run.ticks=10,20").unwrap(),
            Vary::parse("trust.half_life_ticks=5,6").unwrap(),
        ];
        assert_eq!(points(&base(), &vary, Design::Zip, 0, 1).unwrap().len(), 2);
        let uneven = vec![
            Vary::parse("run.ticks=10,20").unwrap(),
            Vary::parse("trust.half_life_ticks=5").unwrap(),
        ];
        assert!(
            points(&base(), &uneven, Design::Zip, 0, 1)
                .unwrap_err()
                .contains("equal length")
        );
        let range = vec![Vary::parse("trust.half_life_ticks=5..9").unwrap()];
        assert!(
            points(&base(), &range, Design::Factorial, 0, 1)
                .unwrap_err()
                .contains("needs --design lhs")
        );
        let bad = vec![Vary::parse("trust.tie_threshold=0.5,2").unwrap()];
        assert!(
            points(&base(), &bad, Design::Factorial, 0, 1)
                .unwrap_err()
                .contains("expected a number in [0, 1]")
        );
        let unknown = vec![Vary::parse("trust.tie_treshold=0.5").unwrap()];
        assert!(
            points(&base(), &unknown, Design::Factorial, 0, 1)
                .unwrap_err()
                .contains("did you mean `trust.tie_threshold`")
        );
    }

    #[test]
    fn sampled_whole_number_keys_are_rounded_and_seeded() {
        let vary = vec![Vary::parse("run.ticks=10..20").unwrap()];
        let a = points(&base(), &vary, Design::Random, 5, 9).unwrap();
        assert!(a.iter().all(|p| matches!(p[0], RawValue::Integer(10..=20))));
        assert_eq!(a, points(&base(), &vary, Design::Random, 5, 9).unwrap());
        assert_ne!(a, points(&base(), &vary, Design::Random, 5, 10).unwrap());
    }
}
