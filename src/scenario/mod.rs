//! Scenarios: a TOML file as written becomes validated [`Params`] in one step.
//!
//! A scenario states only what differs from the defaults. Loading checks every key and value
//! once; after that the model never sees an invalid parameter. Errors name the file, line,
//! column and key, say what was expected, and suggest the nearest key for a typo.

pub mod builtin;
pub mod calibrate;
mod error;
mod meta;
pub mod params;
pub mod sweep;
pub mod value;

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

pub use error::{ScenarioError, nearest};
pub use meta::Meta;
pub use params::{ParamSpec, Params, spec, specs};

/// Largest seed: 2^53 - 1. Seeds are written to CSV and JSON, and readers that hold numbers
/// as doubles (R, JavaScript, spreadsheets) would round larger ones.
pub const MAX_SEED: u64 = (1 << 53) - 1;
pub use error::{MAX_ERRORS, MAX_SCENARIO_BYTES};
use error::{duplicate_key_name, in_file_order, invalid_at, read_capped, unknown_key_message};
use meta::read_meta;
use value::RawValue;

/// Where a scenario came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    File(PathBuf),
    /// A scenario shipped inside the binary, by its path under `scenarios/`.
    Builtin(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Builtin(rel) => write!(f, "scenarios/{rel} (built in)"),
        }
    }
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `meta.name`, or the file name without `.toml`.
    pub name: String,
    pub meta: Meta,
    pub params: Params,
    /// The `[sweep]` table, if the file has one.
    pub sweep: Option<sweep::SweepTable>,
    pub origin: Origin,
    /// The file's exact text (its SHA-256 goes into the manifest).
    pub text: String,
    /// The parameter keys the file or an override set (the others are defaults, and some
    /// defaults follow other keys: see [`Params::adapt_defaults`]).
    pub explicit: Vec<&'static str>,
}

impl Scenario {
    /// The defaults alone, under the given name.
    pub fn defaults(name: &str) -> Self {
        Scenario {
            name: name.to_string(),
            meta: Meta::default(),
            params: Params::default(),
            sweep: None,
            origin: Origin::Builtin("(defaults)"),
            text: String::new(),
            explicit: Vec::new(),
        }
    }

    /// Loads a scenario given as a path or as the name of a shipped scenario.
    pub fn find(name_or_path: &str) -> Result<Self, ScenarioError> {
        let path = Path::new(name_or_path);
        if path.is_file() {
            return Self::from_file(path);
        }
        if let Some((rel, text)) = builtin::find(name_or_path) {
            return Self::parse(text, Origin::Builtin(rel));
        }
        let hint = nearest(name_or_path, builtin::names().into_iter())
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        Err(ScenarioError::NotFound {
            name: name_or_path.to_string(),
            hint,
        })
    }

    /// Loads and validates a scenario file.
    pub fn from_file(path: &Path) -> Result<Self, ScenarioError> {
        Self::check_file(path).map_err(|mut errors| errors.remove(0))
    }

    /// Loads a scenario file and reports every problem in it (up to [`MAX_ERRORS`]), in the
    /// order they appear in the file.
    pub fn check_file(path: &Path) -> Result<Self, Vec<ScenarioError>> {
        let text = read_capped(path).map_err(|e| vec![e])?;
        Self::check(&text, Origin::File(path.to_path_buf()))
    }

    /// The shipped default scenario (`scenarios/baseline.toml`).
    pub fn baseline() -> Self {
        let (rel, text) = builtin::find("baseline").expect("baseline.toml is embedded by build.rs");
        Self::parse(text, Origin::Builtin(rel)).expect("the shipped baseline is valid (tested)")
    }

    /// Parses and validates scenario text; the first problem in the file is the error.
    pub fn parse(text: &str, origin: Origin) -> Result<Self, ScenarioError> {
        Self::check(text, origin).map_err(|mut errors| errors.remove(0))
    }

    /// Parses and validates scenario text, reporting every problem (up to [`MAX_ERRORS`], the
    /// last one then saying how many more there are), in file order.
    pub fn check(text: &str, origin: Origin) -> Result<Self, Vec<ScenarioError>> {
        let origin_name = origin.to_string();
        let at = |span: std::ops::Range<usize>, key: Option<String>, message: String| {
            invalid_at(text, &origin_name, span, key, message)
        };
        let root = DeTable::parse(text).map_err(|e| {
            let first_line = e.message().lines().next().unwrap_or("invalid TOML");
            let span = e.span().unwrap_or(0..0);
            // The parser says "duplicate key" without the key: name it from the text.
            let key = (first_line == "duplicate key")
                .then(|| duplicate_key_name(text, span.clone()))
                .flatten();
            let message = match &key {
                Some(k) => format!("invalid TOML: duplicate key `{k}` (each key once per table)"),
                None => format!("invalid TOML: {first_line}"),
            };
            vec![at(span, key, message)]
        })?;

        let mut params = Params::default();
        let mut meta = Meta::default();
        let mut sweep_table = None;
        let mut errors: Vec<ScenarioError> = Vec::new();
        let mut keyed_spans: Vec<(&'static str, std::ops::Range<usize>)> = Vec::new();

        for (section_key, section_value) in root.get_ref() {
            let section = section_key.get_ref().as_ref();
            if section == "meta" {
                for (span, key, msg) in read_meta(section_value, &mut meta) {
                    errors.push(at(span, key, msg));
                }
                continue;
            }
            if section == "sweep" {
                let (table, problems) = sweep::read_table(section_value);
                sweep_table = Some(table);
                for (span, key, msg) in problems {
                    errors.push(at(span, Some(key), msg));
                }
                continue;
            }
            if !params::SECTIONS.contains(&section) {
                let msg = match nearest(
                    section,
                    params::SECTIONS.iter().copied().chain(["meta", "sweep"]),
                ) {
                    Some(n) => format!("unknown table `{section}` (did you mean `{n}`?)"),
                    None => format!("unknown table `{section}`"),
                };
                errors.push(at(section_key.span(), Some(section.to_string()), msg));
                continue;
            }
            let DeValue::Table(fields) = section_value.get_ref() else {
                errors.push(at(
                    section_value.span(),
                    Some(section.to_string()),
                    format!(
                        "expected a table of parameters, found {}",
                        section_value.get_ref().type_str()
                    ),
                ));
                continue;
            };
            for (field_key, field_value) in fields {
                let key = format!("{section}.{}", field_key.get_ref());
                let raw = sweep::raw(field_value.get_ref());
                match params.set(&key, &raw) {
                    Ok(()) => {
                        if let Some(spec) = spec(&key) {
                            keyed_spans.push((spec.key, field_value.span()));
                        }
                    }
                    Err(Some(msg)) => errors.push(at(field_value.span(), Some(key), msg)),
                    Err(None) => {
                        let msg = unknown_key_message(&key);
                        errors.push(at(field_key.span(), Some(key), msg));
                    }
                }
            }
        }
        let explicit: Vec<&'static str> = keyed_spans.iter().map(|(k, _)| *k).collect();
        params.adapt_defaults(&explicit);
        if errors.is_empty()
            && let Err(conflict) = params.check_consistency()
        {
            let (key, msg) = conflict.blame(|k| explicit.contains(&k));
            let span = keyed_spans
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, s)| s.clone())
                .unwrap_or(0..0);
            errors.push(at(span, Some(key.to_string()), msg.to_string()));
        }
        if !errors.is_empty() {
            return Err(in_file_order(errors));
        }
        let name = meta.name.clone().unwrap_or_else(|| match &origin {
            Origin::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Origin::Builtin(rel) => rel
                .trim_end_matches(".toml")
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .to_string(),
        });
        Ok(Scenario {
            name,
            meta,
            params,
            sweep: sweep_table,
            origin,
            text: text.to_string(),
            explicit,
        })
    }

    /// Applies one `KEY=VALUE` override with the same validation as the file.
    pub fn apply_override(&mut self, assignment: &str) -> Result<(), ScenarioError> {
        self.apply_overrides(&[assignment])
    }

    /// Applies `KEY=VALUE` overrides in order, each checked for type and range, then checks
    /// the rules that tie keys together once, so the order of related overrides does not matter.
    /// On error the scenario is left unchanged.
    pub fn apply_overrides<S: AsRef<str>>(
        &mut self,
        assignments: &[S],
    ) -> Result<(), ScenarioError> {
        let mut params = self.params.clone();
        let mut explicit = self.explicit.clone();
        for assignment in assignments {
            let assignment = assignment.as_ref();
            let err = |message: String| ScenarioError::Override {
                assignment: assignment.to_string(),
                message,
            };
            let (key, value) = assignment.split_once('=').ok_or_else(|| {
                err("expected KEY=VALUE, e.g. trust.half_life_ticks=13".to_string())
            })?;
            let (key, value) = (key.trim(), value.trim());
            // A value that is not valid TOML on its own (e.g. quadratic) is taken as a bare string.
            let raw = match DeValue::parse(value) {
                Ok(v) => sweep::raw(v.get_ref()),
                Err(_) => RawValue::String(value.to_string()),
            };
            match params.set(key, &raw) {
                Ok(()) => {
                    if let Some(spec) = spec(key)
                        && !explicit.contains(&spec.key)
                    {
                        explicit.push(spec.key);
                    }
                }
                Err(Some(msg)) => return Err(err(format!("{key}: {msg}"))),
                Err(None) => return Err(err(unknown_key_message(key))),
            }
        }
        params.adapt_defaults(&explicit);
        if let Err(conflict) = params.check_consistency() {
            // Blame the last assignment of either key; else the key the file set.
            let assigned = |a: &&str| {
                a.split_once('=')
                    .is_some_and(|(k, _)| conflict.keys.contains(&k.trim()))
            };
            let last = assignments.iter().map(AsRef::as_ref).rfind(assigned);
            let (key, message) = match last {
                Some(a) => {
                    conflict.blame(|k| a.split_once('=').is_some_and(|(x, _)| x.trim() == k))
                }
                None => conflict.blame(|k| self.explicit.contains(&k)),
            };
            return Err(ScenarioError::Override {
                assignment: last.unwrap_or(key).to_string(),
                message: message.to_string(),
            });
        }
        self.params = params;
        self.explicit = explicit;
        Ok(())
    }

    /// One line on what the scenario is.
    pub fn description(&self) -> &str {
        self.meta.description.as_deref().unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, Origin::File("s.toml".into()))
    }

    #[test]
    fn a_scenario_states_only_what_differs() {
        let s =
            parse("[trust]\nhalf_life_ticks = 13\n[funding]\npolicy = \"quadratic\"\n").unwrap();
        assert_eq!(s.params.trust.half_life_ticks, 13.0);
        assert_eq!(s.params.funding.policy, params::FundingPolicy::Quadratic);
        assert_eq!(s.params.run, params::RunParams::default());
        assert_eq!(s.name, "s");
    }

    #[test]
    fn out_of_range_value_names_line_column_key_and_expectation() {
        let err = parse("[trust]\n\ntie_threshold = 1.5\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.toml:3:17: trust.tie_threshold: expected a number in [0, 1], found 1.5"
        );
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let err = parse("[trust]\nhalf_life = 3\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "s.toml:2:1: trust.half_life: unknown key `trust.half_life` (did you mean `trust.half_life_ticks`?)"
        );
        let err = parse("[trsut]\nx = 1\n").unwrap_err().to_string();
        assert!(err.contains("did you mean `trust`?"), "{err}");
    }

    #[test]
    fn nearest_is_the_closest_by_edit_distance_in_characters_ties_alphabetical() {
        let keys = ["trust.half_life_ticks", "trust.tie_threshold", "run.ticks"];
        // One deletion, one substitution, two substitutions (a swap counts two).
        assert_eq!(
            nearest("trust.half_lif_ticks", keys.into_iter()),
            Some("trust.half_life_ticks")
        );
        assert_eq!(nearest("rum.ticks", keys.into_iter()), Some("run.ticks"));
        assert_eq!(
            nearest("trsut", ["trust", "run"].into_iter()),
            Some("trust")
        );
        assert_eq!(
            nearest("basline", ["baseline", "green_pill"].into_iter()),
            Some("baseline")
        );
        // The limit is a third of the word's length, at least 2.
        assert_eq!(nearest("xyz", ["trust", "run"].into_iter()), None);
        // Distances count characters, not bytes: `€` is one edit, not three.
        assert_eq!(nearest("trust€", ["trust"].into_iter()), Some("trust"));
        // Equal distances: the alphabetically first.
        assert_eq!(nearest("cat", ["cap", "bat"].into_iter()), Some("bat"));
    }

    #[test]
    fn wrong_type_and_bad_toml_are_reported() {
        let err = parse("[run]\nticks = \"many\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "s.toml:2:9: run.ticks: expected a whole number in [1, 100000], found a string"
        );
        let err = parse("[run\nticks = 3\n").unwrap_err().to_string();
        assert!(err.starts_with("s.toml:1:"), "{err}");
        assert!(err.contains("invalid TOML"), "{err}");
    }

    #[test]
    fn the_first_error_in_the_file_is_reported() {
        let err = parse("[trust]\ntie_threshold = 2.0\nhalf_life_ticks = -1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("s.toml:2:"), "{err}");
    }

    #[test]
    fn consistency_rules_point_at_a_key() {
        let err = parse("[kinship]\nlocal_share = 0.8\nintroduction_share = 0.5\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("s.toml:3:22: kinship.introduction_share: expected"),
            "{err}"
        );
    }

    #[test]
    fn overrides_validate_like_the_file() {
        let mut s = Scenario::defaults("x");
        s.apply_override("run.ticks=20").unwrap();
        s.apply_override("funding.policy=retroactive").unwrap();
        s.apply_override("governance.cells=true").unwrap();
        assert_eq!(s.params.run.ticks, 20);
        assert!(s.params.governance.cells);
        let err = s.apply_override("run.ticks=0").unwrap_err().to_string();
        assert_eq!(
            err,
            "--set run.ticks=0: run.ticks: expected a whole number in [1, 100000], found 0"
        );
        let err = s.apply_override("run.tick=3").unwrap_err().to_string();
        assert!(err.contains("did you mean `run.ticks`?"), "{err}");
        assert!(s.apply_override("run.ticks").is_err());
        // Related keys can be overridden in any order.
        s.apply_overrides(&["population.communities=5", "population.regions=4"])
            .unwrap();
        let err = s
            .apply_overrides(&["population.regions=9"])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("--set population.regions=9: expected at most"),
            "{err}"
        );
    }

    #[test]
    fn meta_is_read_and_checked() {
        let s =
            parse("[meta]\nname = \"n\"\ndescription = \"d\"\nsources = [\"a\", \"b\"]\n").unwrap();
        assert_eq!(s.name, "n");
        assert_eq!(s.meta.sources, vec!["a", "b"]);
        let err = parse("[meta]\ndescripton = \"d\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `meta.description`?"), "{err}");
    }

    #[test]
    fn every_shipped_scenario_is_valid() {
        for name in builtin::names() {
            Scenario::find(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(builtin::names().contains(&"baseline"));
    }
}
