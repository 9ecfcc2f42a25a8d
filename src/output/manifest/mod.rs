//! `manifest.json`: everything needed to trace a result back to a scenario, a seed and a version.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::scenario::Scenario;

/// The manifest of one `coordsim run`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub coordsim_version: String,
    pub coordsim_build: String,
    pub scenario: ScenarioInfo,
    /// Every parameter after overrides, by table.
    pub parameters: serde_json::Value,
    pub overrides: Vec<String>,
    pub master_seed: u64,
    pub replicate_seeds: Vec<u64>,
    pub command_line: Vec<String>,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: String,
    pub files: Vec<String>,
}

/// Where the scenario came from, and a hash of its exact bytes.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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

pub fn write(out: &mut impl Write, manifest: &Manifest) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, manifest)?;
    writeln!(out)
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
