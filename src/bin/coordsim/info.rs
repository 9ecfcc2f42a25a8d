//! `coordsim validate`, `explain` and `scenarios`: what the scenario files and keys are.

use std::fmt::Write as _;
use std::path::PathBuf;

use coordsim::scenario::{self, Scenario, ScenarioError, builtin, specs};

use crate::error::CommandError;

/// `coordsim validate FILE...`: silent on success, every file's first error otherwise.
pub fn validate(files: &[PathBuf]) -> Result<(), CommandError> {
    // Every problem of every file, up to a limit per file.
    let errors: Vec<ScenarioError> = files
        .iter()
        .filter_map(|f| Scenario::check_file(f).err())
        .flatten()
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Inputs(errors))
    }
}

/// `coordsim explain [KEY]`.
pub fn explain(key: Option<&str>, markdown: bool) -> Result<(), CommandError> {
    if markdown {
        print!("{}", scenario::params::markdown_table());
    } else {
        print!("{}", explain_text(key)?);
    }
    Ok(())
}

/// The text `explain` prints.
pub fn explain_text(key: Option<&str>) -> Result<String, CommandError> {
    let all = specs();
    let chosen: Vec<_> = match key {
        None => all.iter().collect(),
        Some(k) if scenario::params::SECTIONS.contains(&k) => all
            .iter()
            .filter(|s| s.key.split_once('.').map(|(sec, _)| sec) == Some(k))
            .collect(),
        Some(k) => {
            let found: Vec<_> = all.iter().filter(|s| s.key == k).collect();
            if found.is_empty() {
                let hint = scenario::nearest(
                    k,
                    all.iter()
                        .map(|s| s.key)
                        .chain(scenario::params::SECTIONS.iter().copied()),
                )
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
                return Err(CommandError::Usage(format!(
                    "no scenario key or table `{k}`{hint}"
                )));
            }
            found
        }
    };
    let mut s = String::new();
    let mut section = "";
    for spec in chosen {
        let sec = spec.key.split_once('.').map(|(a, _)| a).unwrap_or("");
        if sec != section {
            let _ = writeln!(s, "[{sec}]");
            section = sec;
        }
        let _ = writeln!(s, "  {}", spec.key);
        let _ = writeln!(s, "      {}", spec.help);
        let _ = writeln!(
            s,
            "      default {} | unit {} | {}",
            spec.default, spec.unit, spec.range
        );
    }
    Ok(s)
}

/// `coordsim scenarios`: shipped scenarios grouped by folder, with descriptions.
pub fn scenarios() -> Result<(), CommandError> {
    print!("{}", scenarios_text());
    Ok(())
}

pub fn scenarios_text() -> String {
    // Group by [meta] group, else by folder.
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (rel, text) in builtin::BUILTIN {
        let name = builtin::name_of(rel).to_string();
        let folder = name
            .rsplit_once('/')
            .map(|(g, _)| g.to_string())
            .unwrap_or_default();
        let (group, description) = match Scenario::parse(text, scenario::Origin::Builtin(rel)) {
            Ok(sc) => (
                sc.meta.group.clone().unwrap_or(folder),
                sc.description().to_string(),
            ),
            Err(e) => (folder, format!("(invalid: {e})")),
        };
        let group = if group.is_empty() {
            "scenarios".to_string()
        } else {
            group
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, items)) => items.push((name, description)),
            None => groups.push((group, vec![(name, description)])),
        }
    }
    // The order a newcomer reads them in: the default, stories, contrasts, policy what-ifs,
    // challenges, lessons; any other group after these.
    const ORDER: [&str; 6] = [
        "default",
        "case studies",
        "contrasts",
        "funding what-ifs",
        "challenges",
        "classroom",
    ];
    groups.sort_by_key(|(g, _)| ORDER.iter().position(|o| o == g).unwrap_or(ORDER.len()));
    let mut s = String::new();
    for (group, items) in groups {
        let _ = writeln!(s, "{group}:");
        for (name, description) in items {
            let _ = writeln!(s, "  {name:<36} {description}");
        }
    }
    s.push_str("run one with: coordsim run NAME\n");
    s
}
