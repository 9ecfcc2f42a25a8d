//! What is wrong with a scenario, where, and the nearest key to a typo.

use super::specs;

/// A scenario that cannot be used, with enough detail to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read the scenario file: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{origin}:{line}:{column}: {}{message}", key_prefix(key))]
    Invalid {
        origin: String,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error("--set {assignment}: {message}")]
    Override { assignment: String, message: String },
    #[error(
        "no scenario file or shipped scenario named `{name}`{hint}\n(`coordsim scenarios` lists the shipped ones)"
    )]
    NotFound { name: String, hint: String },
}

fn key_prefix(key: &Option<String>) -> String {
    key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default()
}

pub(super) fn unknown_key_message(key: &str) -> String {
    let keys = specs();
    match nearest(key, keys.iter().map(|s| s.key)) {
        Some(n) => format!("unknown key `{key}` (did you mean `{n}`?)"),
        None => format!("unknown key `{key}`"),
    }
}

pub(super) fn first_by_position(errors: Vec<ScenarioError>) -> Option<ScenarioError> {
    errors.into_iter().min_by_key(|e| match e {
        ScenarioError::Invalid { line, column, .. } => (*line, *column),
        _ => (0, 0),
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .map(|c| {
            // A key given without its table (half_life_ticks) matches trust.half_life_ticks,
            // and a truncated key (trust.half_life) matches the key it begins.
            let tail = c.rsplit('.').next().unwrap_or(c);
            let truncated =
                word.chars().count() >= 4 && (c.starts_with(word) || tail.starts_with(word));
            let d = if truncated {
                1
            } else {
                strsim::levenshtein(word, c).min(strsim::levenshtein(word, tail))
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}
