//! Measures and reports through the real binary: `explain MEASURE`, the compare verdicts in
//! words, `coordsim report DIR` and `--report` for run, compare and sweep folders (a
//! self-contained page: no URL, nothing loaded from outside, every text escaped), and bad
//! folders.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = coordsim(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SMALL: [&str; 4] = ["--replicates", "4", "--ticks", "30"];

#[test]
fn explain_names_a_measure_with_its_label_unit_direction_and_formula() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(dir.path(), &["explain", "fragmentation"]);
    assert!(
        text.starts_with("fragmentation (timeseries.csv)\n"),
        "{text}"
    );
    assert!(text.contains("unit share 0-1 | lower is better"), "{text}");
    assert!(text.contains("docs/model.md section 8.1"), "{text}");
    assert!(text.contains("Borgatti"), "the formula row of 8.1: {text}");
    let text = stdout(dir.path(), &["explain", "final_mean_trust"]);
    assert!(text.contains("mean trust at the end"), "{text}");
    assert!(text.contains("higher is better"), "{text}");
    assert!(
        text.contains("its value at the last tick of mean_trust:"),
        "{text}"
    );
    // Every metric column has its row in docs/model.md 8.1, so explain shows a formula.
    for column in coordsim::metrics::COLUMNS {
        let text = stdout(dir.path(), &["explain", column]);
        assert!(
            text.contains(&format!("\n      {column}: ")),
            "no formula row of `{column}` in docs/model.md 8.1:\n{text}"
        );
    }
    // `measures` lists every summary measure; parameters still explain as before.
    let all = stdout(dir.path(), &["explain", "measures"]);
    for key in coordsim::output::summary_columns() {
        assert!(all.contains(&format!("  {key} ")), "{key} not listed");
    }
    let key = stdout(dir.path(), &["explain", "trust.half_life_ticks"]);
    assert!(key.contains("default 26"), "{key}");
    // A near miss of a measure or of a key is suggested, exit 2.
    coordsim(dir.path())
        .args(["explain", "fragmentaton"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `fragmentation`?"));
    coordsim(dir.path())
        .args(["explain", "trust.half_life_tick"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `trust.half_life_ticks`?",
        ));
}

#[test]
fn compare_verdicts_say_better_or_worse_by_the_measures_direction() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(
        dir.path(),
        &[
            &[
                "compare",
                "baseline",
                "--what-if",
                "funding.policy=direct_service",
            ][..],
            &[
                "--replicates",
                "5",
                "--ticks",
                "40",
                "--no-plots",
                "--out",
                "c",
            ],
        ]
        .concat(),
    );
    assert!(
        text.contains("fragmentation at the end (final_fragmentation; lower is better)"),
        "{text}"
    );
    assert!(text.contains("(final_networks; neither direction is better by itself)"));
    // Direct service leaves coordination unfunded: less coordination capacity, clearly worse;
    // less coordination funding, a measure with no better direction: just "lower".
    let line = |heading: &str| -> String {
        let at = text
            .find(heading)
            .unwrap_or_else(|| panic!("{heading}\n{text}"));
        text[at..].lines().nth(3).unwrap().to_string()
    };
    let capacity = line("(final_coordination_capacity;");
    assert!(capacity.trim_end().ends_with("clearly worse"), "{capacity}");
    let funding = line("(cumulative_coordination_funding;");
    assert!(funding.trim_end().ends_with(" lower"), "{funding}");
    // Only the new words: no raw "clearly higher" / "within noise" left in the table.
    assert!(!text.contains("within noise") && !text.contains("clearly higher"));
    assert!(
        text.contains("\"no clear difference\""),
        "the words explained"
    );
    // compare.csv keeps its columns (scripts read them).
    let csv = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "metric,arm,label,n,mean,sd,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,diff_n,diff_sd"
    );
}

/// The checks every report passes: one page, self-contained, escaped, with its sections.
fn check_self_contained(html: &str, sections: &[&str]) {
    assert!(html.starts_with("<!DOCTYPE html>"), "not a page");
    assert!(html.contains("<p class=\"headline\" id=\"headline\">"));
    for id in sections {
        assert!(html.contains(&format!("id=\"{id}\"")), "no `{id}`");
    }
    assert!(html.contains("<svg"), "no inline chart");
    let lower = html.to_ascii_lowercase();
    for outside in [
        "http://", "https://", "src=", "href=", "url(", "<script", "@import",
    ] {
        assert!(!lower.contains(outside), "`{outside}` in report.html");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn run_report_holds_headline_summary_charts_changes_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(
        dir.path(),
        &[
            &[
                "run",
                "--out",
                "r",
                "--report",
                "--set",
                "trust.half_life_ticks=13",
            ][..],
            &SMALL,
        ]
        .concat(),
    );
    assert!(text.contains("wrote r/report.html"), "{text}");
    let html = read(&dir.path().join("r/report.html"));
    check_self_contained(
        &html,
        &["summary", "summary-all", "charts", "changed", "provenance"],
    );
    assert!(html.contains("4 replicates of 30 weeks: fragmentation ended at"));
    assert!(html.contains("<td>fragmentation at the end</td>"));
    // What changed from the defaults, with both values.
    assert!(
        html.contains(
            "<td>trust.half_life_ticks</td><td class=\"num\">26.0</td><td class=\"num\">13.0</td>"
        ),
        "changes table"
    );
    // Provenance from the manifest: version, scenario hash, seeds, command.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("r/manifest.json"))).unwrap();
    let sha = manifest["scenario"]["sha256"].as_str().unwrap();
    assert!(html.contains(sha));
    assert!(html.contains(&format!("{} (build", coordsim::VERSION)));
    let seed = manifest["run"]["replicate_seeds"][0].as_u64().unwrap();
    assert!(html.contains(&seed.to_string()));
    assert!(html.contains("--report --set trust.half_life_ticks=13"));
    // The folder holds the run and its report, nothing else (no staging left).
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["r"], "{names:?}");
}

#[test]
fn compare_and_sweep_reports_hold_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let what_if = "funding.policy=direct_service";
    stdout(
        dir.path(),
        &[
            &[
                "compare",
                "baseline",
                "--what-if",
                what_if,
                "--out",
                "c",
                "--report",
            ][..],
            &SMALL,
        ]
        .concat(),
    );
    let html = read(&dir.path().join("c/report.html"));
    check_self_contained(
        &html,
        &[
            "differences",
            "differences-all",
            "charts",
            "arms",
            "changes",
            "provenance",
        ],
    );
    assert!(html.contains("Against \u{201c}baseline\u{201d} on the same 4 seeds"));
    assert!(html.contains("<td>reference</td>"));
    assert!(
        ["clearly better", "clearly worse", "no clear difference"]
            .iter()
            .any(|v| html.contains(&format!("<td>{v}</td>"))),
        "verdicts in the table"
    );
    assert!(
        html.contains(&format!("<td>{what_if}</td>")),
        "the arm and its what-if"
    );
    stdout(
        dir.path(),
        &[
            &[
                "sweep",
                "baseline",
                "--vary",
                "funding.coordination_share=0,0.4",
            ][..],
            &["--out", "s", "--report"],
            &SMALL,
        ]
        .concat(),
    );
    let html = read(&dir.path().join("s/report.html"));
    check_self_contained(&html, &["points", "charts", "changes", "provenance"]);
    assert!(html.contains("A sweep of funding.coordination_share over 2 points"));
    assert!(html.contains("<th>funding.coordination_share</th>"));
}

#[test]
fn calibration_report_holds_targets_posterior_and_generations() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(
        dir.path(),
        &[
            "calibrate",
            "all_in_for_sport",
            "--target",
            "all_in_for_sport",
            "--population",
            "8",
            "--generations",
            "2",
            "--ticks",
            "20",
            "--out",
            "k",
            "--report",
        ],
    );
    assert!(text.contains("wrote k/report.html"), "{text}");
    let html = read(&dir.path().join("k/report.html"));
    check_self_contained(
        &html,
        &[
            "targets",
            "posterior",
            "generations",
            "charts",
            "provenance",
        ],
    );
    assert!(html.contains("ABC-SMC calibration of gatherings.places"));
    assert!(html.contains("2 generation(s) of 8 particles"));
    // Each calibrated key's row holds its prior as the target file declares it.
    assert!(html.contains("<td>gatherings.places</td><td>uniform(4, 40)</td>"));
    assert!(html.contains("<td>final_gathering_participants</td>"));
}

#[test]
fn screening_and_sobol_reports_rank_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let vary = [
        "--vary",
        "trust.half_life_ticks=13..39",
        "--vary",
        "trust.cooperation_gain=0.04..0.12",
        "--replicates",
        "2",
        "--ticks",
        "30",
        "--metric",
        "final_fragmentation",
        "--report",
    ];
    stdout(
        dir.path(),
        &[
            &["screen", "baseline", "--trajectories", "4", "--out", "m"][..],
            &vary,
        ]
        .concat(),
    );
    let html = read(&dir.path().join("m/report.html"));
    check_self_contained(&html, &["indices", "morris", "charts", "provenance"]);
    assert!(html.contains("coordsim screening: baseline"));
    assert!(html.contains("A Morris screening of 2 keys"));
    assert!(html.contains("<td>dummy</td>"));
    assert!(html.contains("<td>the noise floor</td>"));
    // The ranking, not the design: no table of points (with the dummy's seeds) is shown.
    assert!(!html.contains("id=\"points\""));
    stdout(
        dir.path(),
        &[
            &["sobol", "baseline", "--samples", "8", "--out", "s"][..],
            &vary,
        ]
        .concat(),
    );
    let html = read(&dir.path().join("s/report.html"));
    check_self_contained(&html, &["indices", "sobol", "charts", "provenance"]);
    assert!(html.contains("A Sobol analysis of trust.half_life_ticks, trust.cooperation_gain"));
    assert!(html.contains("largest total index"));
}

#[test]
fn report_rewrites_only_report_html_and_escapes_names() {
    let dir = tempfile::tempdir().unwrap();
    // A scenario whose name needs escaping in HTML.
    std::fs::write(dir.path().join("a<b&c.toml"), "[run]\nticks = 20\n").unwrap();
    stdout(
        dir.path(),
        &[
            "run",
            "a<b&c.toml",
            "--out",
            "r",
            "--replicates",
            "3",
            "--no-plots",
        ],
    );
    let folder = dir.path().join("r");
    let before: Vec<(String, Vec<u8>)> = files(&folder);
    assert!(
        !folder.join("report.html").exists(),
        "no report without --report"
    );
    let text = stdout(dir.path(), &["report", "r"]);
    assert_eq!(text, "r/report.html\n");
    let html = read(&folder.join("report.html"));
    check_self_contained(&html, &["summary", "provenance"]);
    assert!(
        html.contains("a&lt;b&amp;c") && !html.contains("a<b&c"),
        "escaped name"
    );
    // Every other file is as it was; a second report replaces the first.
    let mut after = files(&folder);
    after.retain(|(n, _)| n != "report.html");
    assert_eq!(before, after);
    stdout(dir.path(), &["report", "r", "--quiet"]);
    assert_eq!(read(&folder.join("report.html")).len(), html.len());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "r" && n != "a<b&c.toml")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A folder's files (top level) and their bytes, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_folder_that_is_not_an_output_folder_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["report", "missing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing: not a coordsim output folder (no manifest.json)",
        ));
    assert!(!dir.path().join("missing").exists(), "nothing created");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    coordsim(dir.path())
        .args(["report", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a coordsim output folder"));
    // A manifest that is not one: exit 2 with the file named.
    std::fs::create_dir(dir.path().join("bad")).unwrap();
    std::fs::write(dir.path().join("bad/manifest.json"), "{ not json").unwrap();
    coordsim(dir.path())
        .args(["report", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.json"));
    assert!(!dir.path().join("bad/report.html").exists());
}
