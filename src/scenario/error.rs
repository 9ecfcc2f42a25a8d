//! What is wrong with a scenario, where, and the nearest key to a typo.

use std::io::Read;
use std::path::Path;

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
    /// After [`MAX_ERRORS`] problems in one file, the count of the rest.
    #[error("{origin}: {count} more problems not shown")]
    More { origin: String, count: usize },
}

/// Most problems reported for one file.
pub const MAX_ERRORS: usize = 20;

/// Largest scenario file read, in bytes: far above any real scenario (the shipped ones are a
/// few KiB), and small enough that `validate /dev/zero` fails at once.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// Reads a scenario file of at most [`MAX_SCENARIO_BYTES`] as UTF-8 text; a file that is not
/// UTF-8 is reported at the line and column of its first bad byte.
pub(super) fn read_capped(path: &Path) -> Result<String, ScenarioError> {
    let unreadable = |reason: String| ScenarioError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(unreadable(format!(
            "larger than {} MiB; a scenario states only what differs from the defaults",
            MAX_SCENARIO_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let text = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let (line, column) = line_column(text, valid);
        ScenarioError::Invalid {
            origin: path.display().to_string(),
            line,
            column,
            key: None,
            message: format!(
                "not UTF-8 text (byte 0x{:02X}): save the file as UTF-8",
                bytes[valid]
            ),
        }
    })
}

/// The key a "duplicate key" error points at, with its table (`trust.half_life_ticks`).
pub(super) fn duplicate_key_name(text: &str, span: std::ops::Range<usize>) -> Option<String> {
    let key = text
        .get(span.clone())?
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    if key.is_empty() {
        return None;
    }
    let before = text.get(..span.start)?;
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match table {
        Some(t) if !t.is_empty() && !key.starts_with('[') => format!("{t}.{key}"),
        _ => key.trim_matches(|c| c == '[' || c == ']').to_string(),
    })
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

/// Errors sorted by position in the file, at most [`MAX_ERRORS`], then a count of the rest.
pub(super) fn in_file_order(mut errors: Vec<ScenarioError>) -> Vec<ScenarioError> {
    errors.sort_by_key(|e| match e {
        ScenarioError::Invalid { line, column, .. } => (*line, *column),
        _ => (0, 0),
    });
    if errors.len() > MAX_ERRORS {
        let count = errors.len() - MAX_ERRORS;
        let origin = match &errors[0] {
            ScenarioError::Invalid { origin, .. } => origin.clone(),
            other => other.to_string(),
        };
        errors.truncate(MAX_ERRORS);
        errors.push(ScenarioError::More { origin, count });
    }
    errors
}

/// The error for a problem at byte range `span` of a file's `text`.
pub(super) fn invalid_at(
    text: &str,
    origin: &str,
    span: std::ops::Range<usize>,
    key: Option<String>,
    message: String,
) -> ScenarioError {
    let (line, column) = line_column(text, span.start);
    ScenarioError::Invalid {
        origin: origin.to_string(),
        line,
        column,
        key,
        message,
    }
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
