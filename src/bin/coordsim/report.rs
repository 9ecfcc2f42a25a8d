//! Terminal report pieces shared by the commands: file lists, plot names, rounded numbers and
//! the headline measures.

use std::path::PathBuf;

/// Terminal text is wrapped to this many characters.
pub const TEXT_WIDTH: usize = 96;

pub fn file_names(files: &[&PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

/// Plot files by name without extension, with their formats: `dashboard (png, svg)`, or the
/// formats once at the end when every plot has the same ones.
pub fn plot_stems(files: &[&PathBuf]) -> Vec<String> {
    let mut stems: Vec<(String, Vec<String>)> = Vec::new();
    for f in files {
        let stem = f
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = f
            .extension()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match stems.iter_mut().find(|(s, _)| *s == stem) {
            Some((_, exts)) => exts.push(ext),
            None => stems.push((stem, vec![ext])),
        }
    }
    // The same formats for every plot: say them once.
    if let Some((_, first)) = stems.first()
        && stems.len() > 1
        && stems.iter().all(|(_, e)| e == first)
    {
        let first = first.join(", ");
        let mut names: Vec<String> = stems.into_iter().map(|(s, _)| s).collect();
        if let Some(last) = names.last_mut() {
            last.push_str(&format!(" ({first} each)"));
        }
        return names;
    }
    stems
        .into_iter()
        .map(|(s, e)| format!("{s} ({})", e.join(", ")))
        .collect()
}

/// The measures the terminal reports, with their plain-language names.
pub const HEADLINE: &[(&str, &str)] = &[
    ("final_fragmentation", "fragmentation at the end"),
    ("final_networks", "networks at the end"),
    (
        "final_network_members_share",
        "share of communities in a network",
    ),
    ("final_mean_trust", "mean trust at the end"),
    (
        "final_coordination_capacity",
        "coordination capacity at the end (hours)",
    ),
    (
        "cumulative_network_value",
        "value created inside networks, all ticks",
    ),
    (
        "cumulative_coordination_value",
        "coordination value created, all ticks",
    ),
    (
        "cumulative_coordination_funding",
        "coordination funding, all ticks",
    ),
    (
        "cumulative_coordination_funded_share",
        "share of coordination value funders paid",
    ),
    (
        "final_cumulative_coordination_value_gap",
        "cumulative coordination value gap (unpaid)",
    ),
    ("final_stage_7", "share of communities at stage 7"),
    (
        "first_full_stage_tick",
        "first tick a network reached stage 7",
    ),
];

/// Text wrapped to lines of at most `width` characters, each line starting with `indent`.
pub fn wrapped(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

/// A number rounded for reading (files keep full precision).
pub fn num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}
