//! `manifest.json`: everything needed to trace a result back to a scenario, a seed and a
//! version. Every command writes the same type: a provenance header ([`Provenance`], flattened
//! at the top level) and one section named by `kind` (`run`, `sweep` or `compare`). Its JSON
//! Schema is `docs/manifest.schema.json` (a test validates every command's manifest against it).

mod sweep;

pub use sweep::{Analysis, Group, Plan, SeedRule, Shard};

use std::io::{self, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::Scenario;

/// The command that wrote a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Run,
    /// A sweep, a shard of one (`sweep.shard` says which) or a merge of shards.
    Sweep,
    Compare,
    Calibrate,
}

/// The manifest of every output folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub kind: Kind,
    #[serde(flatten)]
    pub provenance: Provenance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<CompareSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrate: Option<CalibrateSection>,
}

/// The header every manifest starts with: what was run, by which build, from which scenario,
/// with which seeds, when, and what was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub coordsim_version: String,
    /// Fingerprint of the sources the binary was built from.
    pub coordsim_build: String,
    pub command_line: Vec<String>,
    /// The scenario (a comparison: its first arm's).
    pub scenario: ScenarioInfo,
    /// `--set` assignments and shortcut flags, in the order applied (a comparison: the ones
    /// common to every arm).
    pub overrides: Vec<String>,
    pub master_seed: u64,
    /// How runs get their seeds from the master seed, in words.
    pub seed_rule: String,
    /// Worker threads (results do not depend on them; 0 when nothing was computed: a merge).
    pub threads: usize,
    /// UTC, RFC 3339.
    pub started_at: String,
    pub finished_at: String,
    /// Files written, relative to the folder, in the order written.
    pub files: Vec<String>,
    /// Every parameter after overrides, nested by table (a sweep: its base, before the varied
    /// keys; a comparison: the first arm's).
    pub parameters: serde_json::Value,
}

impl Provenance {
    /// The header of a command starting now on `scenario`.
    pub fn begin(
        scenario: &Scenario,
        overrides: Vec<String>,
        command_line: Vec<String>,
        seed_rule: &str,
    ) -> Self {
        Provenance {
            coordsim_version: crate::VERSION.to_string(),
            coordsim_build: crate::BUILD_ID.to_string(),
            command_line,
            scenario: ScenarioInfo::of(scenario),
            overrides,
            master_seed: scenario.params.run.seed,
            seed_rule: seed_rule.to_string(),
            threads: 0,
            started_at: now_utc(),
            finished_at: String::new(),
            files: Vec::new(),
            parameters: parameters_json(scenario),
        }
    }

    /// The header completed now: the threads used and the files written.
    pub fn finish(mut self, threads: usize, files: Vec<String>) -> Self {
        self.threads = threads;
        self.files = files;
        self.finished_at = now_utc();
        self
    }
}

/// `run`: the seed of every replicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    pub replicate_seeds: Vec<u64>,
}

/// `sweep`: the plan, and which part of it the folder holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSection {
    /// Always true in a manifest (an unfinished sweep has none).
    pub complete: bool,
    pub plan: Plan,
    /// The shard this folder holds; `null` for a whole sweep or a merge.
    pub shard: Option<Shard>,
    /// First run and one past the last run in this folder.
    pub runs: (u64, u64),
    /// The shard folders a merge joined, in order (empty otherwise).
    pub merged_from: Vec<String>,
}

/// `compare`: the arms, their shared seeds and the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSection {
    pub arms: Vec<ArmInfo>,
    /// The replicate seeds every arm runs.
    pub replicate_seeds: Vec<u64>,
    /// The statistics of compare.csv, in words.
    pub statistics: String,
}

/// `calibrate`: what was calibrated against what, how, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrateSection {
    pub plan: CalibratePlan,
    /// Generations completed; the last is the posterior.
    pub generations: u32,
    /// Why it stopped: `generations`, `tolerance` or `acceptance`.
    pub stop: String,
    /// Candidates simulated in all.
    pub candidates: u64,
}

/// Everything that decides a calibration's results (a resume must find the same plan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibratePlan {
    /// The target file as given, and the SHA-256 of its text.
    pub target_file: String,
    pub target_sha256: String,
    /// Each calibrated key with its prior, e.g. `log-uniform(5, 100)`.
    pub priors: Vec<(String, String)>,
    /// Each target's column label with what was observed and the scale of a deviation.
    pub targets: Vec<(String, String)>,
    pub population: u32,
    pub max_generations: u32,
    pub quantile: f64,
    pub tolerance: f64,
    pub replicates: u32,
    pub max_candidates: u32,
    pub master_seed: u64,
    /// SHA-256 of the scenario's resolved parameters (after overrides).
    pub parameters_sha256: String,
}

/// One arm of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmInfo {
    pub label: String,
    pub scenario: ScenarioInfo,
    /// The what-if assignments that made the arm from the base (empty for a scenario).
    pub what_if: Vec<String>,
    pub parameters: serde_json::Value,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ManifestError {
    pub path: String,
    pub line: u64,
    pub message: String,
}

impl Manifest {
    /// A manifest of `kind` with its section.
    pub fn run(provenance: Provenance, section: RunSection) -> Self {
        Manifest {
            kind: Kind::Run,
            provenance,
            run: Some(section),
            sweep: None,
            compare: None,
            calibrate: None,
        }
    }

    pub fn sweep(provenance: Provenance, section: SweepSection) -> Self {
        Manifest {
            kind: Kind::Sweep,
            provenance,
            run: None,
            sweep: Some(section),
            compare: None,
            calibrate: None,
        }
    }

    pub fn compare(provenance: Provenance, section: CompareSection) -> Self {
        Manifest {
            kind: Kind::Compare,
            provenance,
            run: None,
            sweep: None,
            compare: Some(section),
            calibrate: None,
        }
    }

    pub fn calibrate(provenance: Provenance, section: CalibrateSection) -> Self {
        Manifest {
            kind: Kind::Calibrate,
            provenance,
            run: None,
            sweep: None,
            compare: None,
            calibrate: Some(section),
        }
    }

    /// Pretty JSON and a newline.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// Reads a manifest; the section must be the one `kind` names.
    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        let error = |line: u64, message: String| ManifestError {
            path: path.display().to_string(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(0, e.to_string()))?;
        let m: Manifest =
            serde_json::from_str(&text).map_err(|e| error(e.line() as u64, e.to_string()))?;
        let sections = (
            m.run.is_some(),
            m.sweep.is_some(),
            m.compare.is_some(),
            m.calibrate.is_some(),
        );
        let expected = match m.kind {
            Kind::Run => (true, false, false, false),
            Kind::Sweep => (false, true, false, false),
            Kind::Compare => (false, false, true, false),
            Kind::Calibrate => (false, false, false, true),
        };
        if sections != expected {
            return Err(error(
                0,
                format!("kind {:?} needs its section, and only it", m.kind),
            ));
        }
        Ok(m)
    }

    /// The keys a sweep varied (none for other kinds).
    pub fn varied(&self) -> &[String] {
        self.sweep.as_ref().map_or(&[], |s| &s.plan.varied)
    }

    /// A resolved parameter, by `table.key`.
    pub fn parameter(&self, key: &str) -> Option<&serde_json::Value> {
        let (table, field) = key.split_once('.')?;
        self.provenance.parameters.get(table)?.get(field)
    }
}

/// Where the scenario came from, and a hash of its exact bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    pub source: String,
    pub sha256: String,
}

impl ScenarioInfo {
    pub fn of(scenario: &Scenario) -> Self {
        ScenarioInfo {
            name: scenario.name.clone(),
            description: scenario.description().to_string(),
            source: scenario.origin.to_string(),
            sha256: sha256_hex(scenario.text.as_bytes()),
        }
    }
}

/// The resolved parameters as nested JSON: `{ "trust": { "half_life_ticks": 26.0, ... }, ... }`.
pub fn parameters_json(scenario: &Scenario) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (key, value) in scenario.params.values() {
        let (section, field) = key.split_once('.').expect("keys are section.field");
        let table = root
            .entry(section.to_string())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        let json = serde_json::to_value(&value).unwrap_or(serde_json::Value::Null);
        if let serde_json::Value::Object(map) = table {
            map.insert(field.to_string(), json);
        }
    }
    serde_json::Value::Object(root)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Now, as an RFC 3339 UTC timestamp with seconds.
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Formats seconds since the Unix epoch (Howard Hinnant's civil-from-days algorithm).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_hashes_are_standard() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parameters_are_nested_by_table() {
        let p = parameters_json(&Scenario::defaults("x"));
        assert_eq!(p["trust"]["half_life_ticks"], serde_json::json!(26.0));
        assert_eq!(
            p["funding"]["policy"],
            serde_json::json!("coordination_share")
        );
    }
}
