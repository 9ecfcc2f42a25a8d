//! Fuzzing on the stable toolchain: a seeded mutation harness over the shipped scenarios (the
//! corpus, plus a `[sweep]` table) for the scenario loader, and random `--set` overrides.
//! Every input must be answered without a panic, and every input that is accepted must satisfy
//! every range and consistency rule (checked here independently of the loader's own path).
//!
//! `COORDSIM_FUZZ_CASES` sets the number of inputs per target (default 100,000, which CI runs
//! in `cargo test --release`); `COORDSIM_FUZZ_SEED` the seed. A failing input is printed with
//! its seed and case number, so it can be replayed.

use coordsim::scenario::params::{Params, specs};
use coordsim::scenario::sweep::{Levels, MAX_REPLICATES, MAX_SAMPLES, MAX_SERIES_EVERY};
use coordsim::scenario::value::{Range, RawValue};
use coordsim::scenario::{Origin, Scenario, builtin};

/// SplitMix64: a small, portable, seeded generator (the harness needs no more).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn cases() -> u64 {
    std::env::var("COORDSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn seed() -> u64 {
    std::env::var("COORDSIM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(18)
}

/// Values that sit on or beyond the edges of ranges and types.
const INTERESTING: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "0.5",
    "1.5",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551616",
    "100000",
    "100001",
    "10000000",
    "true",
    "\"\"",
    "\"x\"",
    "\"1..0\"",
    "\"nan..inf\"",
    "\"0..1\"",
    "\"-1..2\"",
    "[]",
    "[0.1, 0.2]",
    "[1, 2, 3]",
    "{}",
    "1979-05-27",
    "\"lhs\"",
    "\"random\"",
    "\"zip\"",
    "\"factorial\"",
    "\"common\"",
];

/// Tokens to splice in: table headers, keys, punctuation, bytes that are not UTF-8.
fn tokens() -> Vec<Vec<u8>> {
    let mut t: Vec<Vec<u8>> = [
        "[sweep]\n",
        "[sweep.vary]\n",
        "[meta]\n",
        "[population]\n",
        "[run]\n",
        "=",
        "\n",
        "\"",
        "[",
        "]",
        "..",
        ",",
        "#",
        "design = ",
        "samples = ",
        "replicates = ",
        "series_every = ",
        "seeds = ",
        "name = ",
        "communities = ",
        "regions = ",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    t.push(vec![0xff]);
    t.push(vec![0xc3]);
    t.push(vec![0]);
    for s in specs() {
        let (section, key) = s.key.split_once('.').unwrap();
        t.push(format!("{key} = ").into_bytes());
        t.push(format!("[{section}]\n").into_bytes());
        t.push(format!("\"{}\" = ", s.key).into_bytes());
    }
    t.extend(INTERESTING.iter().map(|s| s.as_bytes().to_vec()));
    t
}

/// The corpus: every shipped scenario and a scenario with a full `[sweep]` table.
fn corpus() -> Vec<Vec<u8>> {
    let mut c: Vec<Vec<u8>> = builtin::names()
        .into_iter()
        .map(|n| builtin::find(n).unwrap().1.as_bytes().to_vec())
        .collect();
    c.push(
        b"[meta]\nname = \"s\"\n[population]\ncommunities = 30\nregions = 3\n[sweep]\ndesign = \"lhs\"\nsamples = 4\nreplicates = 2\nseries_every = 2\nseeds = \"common\"\n[sweep.vary]\n\"trust.tie_threshold\" = \"0.1..0.9\"\n\"run.ticks\" = [5, 10]\n"
            .to_vec(),
    );
    c
}

fn mutate(rng: &mut Rng, input: &[u8], tokens: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let token = &tokens[rng.below(tokens.len())];
                out.splice(at..at, token.iter().copied());
            }
            3 => {
                // Replace the value after the next `=` with an interesting one.
                if let Some(eq) = out[at..].iter().position(|&b| b == b'=') {
                    let start = at + eq + 1;
                    let end = out[start..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(out.len(), |p| start + p);
                    let value = format!(" {}", INTERESTING[rng.below(INTERESTING.len())]);
                    out.splice(start..end, value.bytes());
                }
            }
            4 => {
                // Duplicate a line (duplicate keys and tables).
                let start = out[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let end = out[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(out.len(), |p| at + p + 1);
                let line = out[start..end].to_vec();
                out.splice(end..end, line);
            }
            _ => {
                let token = &tokens[rng.below(tokens.len())];
                let end = (at + token.len()).min(out.len());
                out.splice(at..end, token.iter().copied());
            }
        }
    }
    out
}

/// Every rule an accepted scenario must satisfy, checked independently: each parameter set
/// again through its range check, the cross-key rules, the `[sweep]` table's bounds.
fn check_invariants(s: &Scenario) -> Result<(), String> {
    let mut fresh = Params::default();
    for (key, value) in s.params.values() {
        let raw = match value {
            toml::Value::Integer(i) => RawValue::Integer(i),
            toml::Value::Float(f) => RawValue::Float(f),
            toml::Value::Boolean(b) => RawValue::Bool(b),
            toml::Value::String(s) => RawValue::String(s),
            other => return Err(format!("{key}: unexpected value {other}")),
        };
        if let Err(e) = fresh.set(key, &raw) {
            return Err(format!("{key} = {raw:?} outside its range: {e:?}"));
        }
    }
    if fresh != s.params {
        return Err("parameters do not round-trip".into());
    }
    s.params
        .check_consistency()
        .map_err(|c| format!("consistency: {c:?}"))?;
    if s.name.chars().count() > 200 && s.meta.name.is_some() {
        return Err("meta.name too long".into());
    }
    if let Some(t) = &s.sweep {
        let within = |v: Option<u32>, hi: u32| v.is_none_or(|x| (1..=hi).contains(&x));
        if !(within(t.samples, MAX_SAMPLES)
            && within(t.replicates, MAX_REPLICATES)
            && within(t.series_every, MAX_SERIES_EVERY))
        {
            return Err(format!("sweep bounds: {t:?}"));
        }
        for v in &t.vary {
            let spec = specs()
                .into_iter()
                .find(|s| s.key == v.key)
                .ok_or(format!("sweep.vary: unknown key {}", v.key))?;
            match &v.levels {
                Levels::Values(vals) => {
                    if vals.is_empty() {
                        return Err(format!("sweep.vary.{}: no values", v.key));
                    }
                    for x in vals {
                        Params::default()
                            .set(spec.key, x)
                            .map_err(|e| format!("sweep.vary.{} = {x:?}: {e:?}", v.key))?;
                    }
                }
                Levels::Range { lo, hi } => {
                    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                        return Err(format!("sweep.vary.{}: range {lo}..{hi}", v.key));
                    }
                    for end in [*lo, *hi] {
                        let raw = match spec.range {
                            Range::Whole { .. } => RawValue::Integer(end.round() as i64),
                            _ => RawValue::Float(end),
                        };
                        Params::default()
                            .set(spec.key, &raw)
                            .map_err(|e| format!("sweep.vary.{} range end: {e:?}", v.key))?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[test]
fn mutated_scenario_files_never_panic_and_what_parses_satisfies_every_rule() {
    let (n, seed) = (cases(), seed());
    let corpus = corpus();
    let tokens = tokens();
    let mut rng = Rng(seed);
    let mut accepted = 0u64;
    for case in 0..n {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, &tokens);
        let Ok(text) = std::str::from_utf8(&input) else {
            continue; // non-UTF-8 is refused before parsing (tests/validation.rs)
        };
        let result =
            std::panic::catch_unwind(|| Scenario::check(text, Origin::File("f.toml".into())));
        let result = result
            .unwrap_or_else(|_| panic!("seed {seed} case {case}: the loader panicked on:\n{text}"));
        match result {
            Ok(s) => {
                accepted += 1;
                if let Err(e) = check_invariants(&s) {
                    panic!("seed {seed} case {case}: accepted but {e}:\n{text}");
                }
            }
            Err(errors) => assert!(
                !errors.is_empty() && errors.len() <= 21,
                "seed {seed} case {case}: {} errors",
                errors.len()
            ),
        }
    }
    eprintln!("scenario loader: {n} inputs, {accepted} accepted, seed {seed}");
    assert!(accepted > 0, "the mutations leave some inputs valid");
}

#[test]
fn random_overrides_never_panic_and_what_applies_satisfies_every_rule() {
    let (n, seed) = (cases(), seed() ^ 0x5e7);
    let keys: Vec<&str> = specs().iter().map(|s| s.key).collect();
    let base = Scenario::baseline();
    let mut rng = Rng(seed);
    let mut accepted = 0u64;
    for case in 0..n {
        let assignments: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                let mut key = keys[rng.below(keys.len())].to_string();
                if rng.below(10) == 0 {
                    key.push('x');
                }
                let value = INTERESTING[rng.below(INTERESTING.len())];
                match rng.below(20) {
                    0 => key,
                    1 => format!("{key}=={value}"),
                    _ => format!("{key}={value}"),
                }
            })
            .collect();
        let mut s = base.clone();
        let result = std::panic::catch_unwind(move || {
            let r = s.apply_overrides(&assignments);
            (r, s, assignments)
        });
        let (r, s, assignments) =
            result.unwrap_or_else(|_| panic!("seed {seed} case {case}: apply_overrides panicked"));
        match r {
            Ok(()) => {
                accepted += 1;
                if let Err(e) = check_invariants(&s) {
                    panic!("seed {seed} case {case}: {assignments:?} accepted but {e}");
                }
            }
            Err(_) => assert_eq!(
                s.params, base.params,
                "seed {seed} case {case}: a refused override changed nothing"
            ),
        }
    }
    eprintln!("--set overrides: {n} inputs, {accepted} accepted, seed {seed}");
    assert!(accepted > 0);
}
