//! The `coordsim` binary as users run it: default run, overrides, validate, explain, scenarios,
//! and every kind of bad input, each with its exit code and message.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn no_arguments_runs_the_baseline_into_outputs() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("baseline"));
    let out = dir.path().join("outputs/baseline");
    for f in [
        "timeseries.csv",
        "ties.csv",
        "summary.csv",
        "summary.json",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header = ts.lines().next().unwrap();
    assert!(header.starts_with(
        "scenario,replicate,seed,tick,communities,ties,mean_trust,components,largest_component_share,fragmentation,networks,"
    ));
    for col in [
        "coordination_value_gap",
        "cumulative_coordination_value_gap",
        "coordination_funded_share",
        "resource_gini",
        "stage_7",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col}");
    }
    // 10 replicates x (104 ticks + tick 0) rows plus the header.
    assert_eq!(ts.lines().count(), 10 * 105 + 1);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"]["name"], "baseline");
    assert_eq!(manifest["master_seed"], 42);
    assert_eq!(
        manifest["run"]["replicate_seeds"].as_array().unwrap().len(),
        10
    );
    assert_eq!(manifest["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["parameters"]["trust"]["half_life_ticks"], 26.0);
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn overrides_and_flags_reach_the_run_and_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args([
            "run",
            "--set",
            "run.ticks=5",
            "--replicates",
            "3",
            "--seed",
            "7",
            "--set",
            "funding.policy=quadratic",
        ])
        .args(["--out", "o", "--quiet"])
        .assert()
        .success()
        .stdout("");
    let ts = std::fs::read_to_string(dir.path().join("o/timeseries.csv")).unwrap();
    assert_eq!(ts.lines().count(), 3 * 6 + 1);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["parameters"]["funding"]["policy"], "quadratic");
    assert_eq!(manifest["master_seed"], 7);
    assert_eq!(manifest["overrides"][0], "run.ticks=5");
    let summary = std::fs::read_to_string(dir.path().join("o/summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 4);
}

#[test]
fn shipped_scenarios_are_found_by_name_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args([
            "run",
            "baseline",
            "--ticks",
            "2",
            "--replicates",
            "1",
            "--quiet",
        ])
        .assert()
        .success();
    assert!(dir.path().join("outputs/baseline/summary.csv").is_file());
    coordsim(dir.path())
        .arg("scenarios")
        .assert()
        .success()
        .stdout(predicate::str::contains("baseline"));
    coordsim(dir.path())
        .args(["run", "baselin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `baseline`?"));
}

#[test]
fn validate_is_silent_on_good_files_and_names_every_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.toml", "[trust]\nhalf_life_ticks = 13\n");
    let bad = write(dir.path(), "bad.toml", "[trust]\nhalf_life_ticks = -1\n");
    coordsim(dir.path())
        .args(["validate", &good])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    coordsim(dir.path())
        .args(["validate", &good, &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:2:19: trust.half_life_ticks: expected a number in [0.1, 1000000], found -1",
        ));
}

#[test]
fn each_kind_of_bad_scenario_exits_2_with_file_line_column_and_key_and_writes_nothing() {
    let cases = [
        (
            "[trust]\nhalf_lif_ticks = 3\n",
            "2:1: trust.half_lif_ticks: unknown key `trust.half_lif_ticks` (did you mean `trust.half_life_ticks`?)",
        ),
        (
            "[run]\nticks = \"ten\"\n",
            "2:9: run.ticks: expected a whole number in [1, 100000], found a string",
        ),
        (
            "[funding]\npolicy = \"grants\"\n",
            "2:10: funding.policy: expected one of \"direct_service\", \"coordination_share\", \"quadratic\", \"retroactive\", found \"grants\"",
        ),
        (
            "[governance]\ncentralization = 1.5\n",
            "2:18: governance.centralization: expected a number in [0, 1], found 1.5",
        ),
        ("[run\nticks = 3\n", "1:5: invalid TOML"),
        (
            "[mechanisms]\nkinship = 1\n",
            "2:11: mechanisms.kinship: expected true or false, found an integer",
        ),
    ];
    for (text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "s.toml", text);
        coordsim(dir.path())
            .args(["run", &file, "--out", "o"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("s.toml:{expected}")));
        assert!(
            !dir.path().join("o").exists(),
            "no output for a bad scenario: {text}"
        );
    }
}

#[test]
fn bad_overrides_and_missing_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["run", "--set", "trust.tie_threshold=2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set trust.tie_threshold=2: trust.tie_threshold: expected a number in [0, 1], found 2"));
    coordsim(dir.path())
        .args(["run", "--set", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
    coordsim(dir.path())
        .args(["run", "nope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
    coordsim(dir.path())
        .args(["run", "--threads", "0"])
        .assert()
        .code(2);
}

#[test]
fn an_unwritable_output_folder_exits_1_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("blocker"),
        "a file where a folder should be",
    )
    .unwrap();
    coordsim(dir.path())
        .args([
            "run",
            "--ticks",
            "2",
            "--replicates",
            "1",
            "--out",
            "blocker/sub",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("blocker"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["blocker"]);
}

#[test]
fn explain_documents_every_key_one_table_or_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let all = coordsim(dir.path())
        .arg("explain")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let all = String::from_utf8(all).unwrap();
    for key in [
        "run.ticks",
        "funding.policy",
        "trust.half_life_ticks",
        "gatherings.design",
        "mechanisms.pooling",
        "governance.cells",
    ] {
        assert!(all.contains(key), "{key}");
    }
    coordsim(dir.path())
        .args(["explain", "trust.half_life_ticks"])
        .assert()
        .success()
        .stdout(predicate::str::contains("default 26.0 | unit ticks"));
    coordsim(dir.path())
        .args(["explain", "trust"])
        .assert()
        .success()
        .stdout(predicate::str::contains("trust.tie_threshold"));
    coordsim(dir.path())
        .args(["explain", "trust.tie_treshold"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("trust.tie_threshold"));
}
