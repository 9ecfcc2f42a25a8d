//! What the app offers and how a request becomes a scenario: the shipped scenarios with their
//! `[meta]`, the parameter metadata the forms are generated from, the five classroom lessons,
//! and [`load`], the one place a request's scenario is validated and capped.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApiError, ApiResult, Caps};
use crate::scenario::value::Range;
use crate::scenario::{Meta, Origin, Scenario, builtin, specs};

/// The file name uploaded TOML is reported under (it is never written anywhere).
pub const UPLOAD_NAME: &str = "uploaded.toml";

/// Which scenario a request runs: a shipped one by name, or uploaded TOML text; then
/// `KEY=VALUE` changes, checked as `--set` is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// A shipped scenario's name (`baseline`, `classroom/01_kinship`).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Scenario TOML text instead of a shipped name.
    #[serde(default)]
    pub toml: Option<String>,
    /// `KEY=VALUE` assignments applied after the scenario.
    #[serde(default)]
    pub set: Vec<String>,
}

/// A request's scenario, validated as a file is (`Scenario::check`, then `apply_overrides`),
/// and refused when it is larger than the caps allow. Only shipped scenarios are looked up
/// by name: a name is never taken as a path.
pub fn load(req: &ScenarioRequest, caps: &Caps) -> ApiResult<Scenario> {
    let mut scenario = match (&req.scenario, &req.toml) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad(
                "give either a shipped scenario's name or TOML text, not both",
            ));
        }
        (None, None) => Scenario::baseline(),
        (Some(name), None) => {
            let (rel, text) = builtin::find(name).ok_or_else(|| {
                let hint = crate::scenario::nearest(name, builtin::names().into_iter())
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                ApiError::bad(format!("no shipped scenario named `{name}`{hint}"))
            })?;
            Scenario::parse(text, Origin::Builtin(rel)).map_err(|e| ApiError::bad(e.to_string()))?
        }
        (None, Some(text)) => {
            if text.len() as u64 > crate::scenario::MAX_SCENARIO_BYTES {
                return Err(ApiError::bad(format!(
                    "the scenario text is larger than {} MiB",
                    crate::scenario::MAX_SCENARIO_BYTES >> 20
                )));
            }
            Scenario::check(text, Origin::File(UPLOAD_NAME.into())).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                ApiError::bad(lines.join("\n"))
            })?
        }
    };
    scenario
        .apply_overrides(&req.set)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    check_caps(&scenario, caps)?;
    Ok(scenario)
}

/// Refuses a world larger or a run longer than the server's caps.
pub fn check_caps(scenario: &Scenario, caps: &Caps) -> ApiResult<()> {
    let p = &scenario.params;
    if p.population.communities > caps.max_communities {
        return Err(ApiError::bad(format!(
            "population.communities = {} is above this server's cap of {} (start it with --max-communities to change it)",
            p.population.communities, caps.max_communities
        )));
    }
    if p.run.ticks > caps.max_ticks {
        return Err(ApiError::bad(format!(
            "run.ticks = {} is above this server's cap of {} (start it with --max-ticks to change it)",
            p.run.ticks, caps.max_ticks
        )));
    }
    Ok(())
}

/// A scenario as the pages show it: name, group and `[meta]`, and the run's size.
#[derive(Debug, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    pub meta: Meta,
    pub ticks: u32,
    pub communities: u32,
    pub replicates: u32,
    pub seed: u64,
    /// The keys the scenario sets, with their values, for the forms to start from.
    pub values: serde_json::Map<String, Value>,
}

impl ScenarioInfo {
    pub fn of(name: &str, s: &Scenario) -> Self {
        let values = s
            .params
            .values()
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    serde_json::to_value(v).unwrap_or(Value::Null),
                )
            })
            .collect();
        ScenarioInfo {
            name: name.to_string(),
            title: s.name.clone(),
            meta: s.meta.clone(),
            ticks: s.params.run.ticks,
            communities: s.params.population.communities,
            replicates: s.params.run.replicates,
            seed: s.params.run.seed,
            values,
        }
    }
}

/// Every shipped scenario (calibration targets are not scenarios), parsed.
pub fn scenarios() -> Vec<ScenarioInfo> {
    builtin::names()
        .into_iter()
        .filter_map(|name| {
            let (rel, text) = builtin::find(name)?;
            let s = Scenario::parse(text, Origin::Builtin(rel)).ok()?;
            Some(ScenarioInfo::of(name, &s))
        })
        .collect()
}

/// Every parameter with what a form needs: key, kind, default, range, unit, meaning.
pub fn params() -> Value {
    let rows: Vec<Value> = specs()
        .into_iter()
        .map(|s| {
            let (kind, range) = match s.range {
                Range::Real { lo, hi } => ("real", json!({ "lo": lo, "hi": finite(hi) })),
                Range::Whole { lo, hi } => ("whole", json!({ "lo": lo, "hi": hi })),
                Range::Switch => ("switch", Value::Null),
                Range::Choice(names) => ("choice", json!({ "choices": names })),
            };
            json!({
                "key": s.key,
                "kind": kind,
                "default": serde_json::to_value(&s.default).unwrap_or(Value::Null),
                "range": range,
                "range_text": s.range.to_string(),
                "unit": s.unit,
                "meaning": s.help,
            })
        })
        .collect();
    Value::Array(rows)
}

/// `f64::MAX` stands for "no upper bound"; JSON gets null.
fn finite(x: f64) -> Option<f64> {
    (x < f64::MAX).then_some(x)
}

/// One classroom lesson as guided steps.
#[derive(Debug, Serialize)]
pub struct Lesson {
    pub number: usize,
    pub scenario: String,
    pub title: String,
    pub setting: String,
    pub question: String,
    pub what_it_shows: String,
    pub notice: String,
    pub to_try: String,
    /// The metric columns of the lesson's picture (notebooks/03_classroom.ipynb's).
    pub picture: Vec<&'static str>,
    /// The comparison the notebook runs for this lesson (`--what-if`), if any.
    pub what_if: Option<&'static str>,
}

/// The what-ifs of notebooks/03_classroom.ipynb: lesson 2 earmarks 20% for coordination,
/// lesson 5 takes it away.
const WHAT_IFS: [Option<&str>; 5] = [
    None,
    Some("funding.policy=coordination_share"),
    None,
    None,
    Some("funding.policy=direct_service"),
];

/// The pictures of notebooks/03_classroom.ipynb, lesson by lesson.
const PICTURES: [&[&str]; 5] = [
    &["ties", "fragmentation"],
    &["coordination_capacity", "ties", "fragmentation"],
    &["networks", "network_members_share", "pooled_resources"],
    &["stage_5", "stage_6", "stage_7"],
    &[
        "fragmentation",
        "network_members_share",
        "cumulative_coordination_value_gap",
    ],
];

/// The five lessons of `scenarios/classroom/`, from their `[meta]`: the description is
/// "Lesson N: setting. Ask the class: question".
pub fn lessons() -> Vec<Lesson> {
    let mut names: Vec<&str> = builtin::names()
        .into_iter()
        .filter(|n| n.starts_with("classroom/"))
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let (rel, text) = builtin::find(name)?;
            let s = Scenario::parse(text, Origin::Builtin(rel)).ok()?;
            let description = s.meta.description.clone().unwrap_or_default();
            let (setting, question) = description
                .split_once("Ask the class:")
                .unwrap_or((description.as_str(), ""));
            let setting = setting.split_once(": ").map_or(setting, |(_, rest)| rest);
            Some(Lesson {
                number: i + 1,
                scenario: name.to_string(),
                title: format!("Lesson {}: {}", i + 1, setting.trim().trim_end_matches('.')),
                setting: setting.trim().to_string(),
                question: question.trim().to_string(),
                what_it_shows: s.meta.what_it_shows.clone().unwrap_or_default(),
                notice: s.meta.things_to_notice.clone().unwrap_or_default(),
                to_try: s.meta.things_to_try.clone().unwrap_or_default(),
                picture: PICTURES.get(i).map(|p| p.to_vec()).unwrap_or_default(),
                what_if: WHAT_IFS.get(i).copied().flatten(),
            })
        })
        .collect()
}
