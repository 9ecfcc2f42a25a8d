//! The scenarios shipped in `scenarios/`, embedded at build time (see build.rs).

include!(concat!(env!("OUT_DIR"), "/builtin_scenarios.rs"));

/// The name users type for a shipped scenario: its path under `scenarios/` without `.toml`.
pub fn name_of(rel: &str) -> &str {
    rel.trim_end_matches(".toml")
}

/// Every shipped scenario's name, sorted.
pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(rel, _)| name_of(rel)).collect()
}

/// Finds a shipped scenario by name (`baseline`, `classroom/01_kinship`), by path under
/// `scenarios/` (`baseline.toml`), or by its bare file name when that is unique.
pub fn find(name: &str) -> Option<(&'static str, &'static str)> {
    let name = name.trim_start_matches("scenarios/");
    let exact = BUILTIN
        .iter()
        .find(|(rel, _)| *rel == name || name_of(rel) == name);
    exact.copied().or_else(|| {
        let stem = name.trim_end_matches(".toml");
        let mut by_stem = BUILTIN
            .iter()
            .filter(|(rel, _)| name_of(rel).rsplit('/').next() == Some(stem));
        match (by_stem.next(), by_stem.next()) {
            (Some(one), None) => Some(*one),
            _ => None,
        }
    })
}

/// Finds a shipped calibration target file by name (`all_in_for_sport`, `targets/green_pill`)
/// or by its path under `scenarios/`.
pub fn find_target(name: &str) -> Option<(&'static str, &'static str)> {
    let name = name
        .trim_start_matches("scenarios/")
        .trim_start_matches("targets/");
    let stem = name.trim_end_matches(".toml");
    BUILTIN_TARGETS
        .iter()
        .find(|(rel, _)| name_of(rel).rsplit('/').next() == Some(stem))
        .copied()
}

/// Every shipped target file's name, sorted.
pub fn target_names() -> Vec<&'static str> {
    BUILTIN_TARGETS
        .iter()
        .map(|(rel, _)| name_of(rel).rsplit('/').next().unwrap_or(rel))
        .collect()
}
