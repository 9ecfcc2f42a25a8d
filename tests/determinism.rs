//! Reproducibility: the same scenario and seed give byte-identical files, on 1 thread or many.

use assert_cmd::Command;
use std::path::Path;

fn run(dir: &Path, out: &str, threads: &str, seed: &str) {
    run_with(
        dir,
        out,
        threads,
        seed,
        &["--ticks", "30", "--replicates", "6"],
    );
}

fn run_with(dir: &Path, out: &str, threads: &str, seed: &str, more: &[&str]) {
    Command::cargo_bin("coordsim")
        .unwrap()
        .current_dir(dir)
        .args(["run", "--seed", seed, "--threads", threads, "--quiet"])
        .args(more)
        .args(["--out", out])
        .assert()
        .success();
}

/// A world large enough that every parallel phase splits into several chunks (2,048
/// communities, 8,192 tie slots each), so threads really share one replicate's work.
const LARGE: [&str; 8] = [
    "--set",
    "population.communities=12000",
    "--set",
    "population.regions=120",
    "--ticks",
    "12",
    "--no-plots",
    "--set",
];

/// The manifest without the fields that legitimately differ (times, threads, command line).
fn stable_manifest(path: &Path) -> serde_json::Value {
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for volatile in ["started_at", "finished_at", "threads", "command_line"] {
        m.as_object_mut().unwrap().remove(volatile);
    }
    m
}

fn same_outputs(dir: &Path, a: &str, b: &str) {
    for f in [
        "timeseries.csv",
        "ties.csv",
        "nodes.csv",
        "ledger.csv",
        "summary.csv",
        "summary.json",
    ] {
        let (x, y) = (
            std::fs::read(dir.join(a).join(f)).unwrap(),
            std::fs::read(dir.join(b).join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between {a} and {b}");
    }
    assert_eq!(
        stable_manifest(&dir.join(a).join("manifest.json")),
        stable_manifest(&dir.join(b).join("manifest.json"))
    );
}

#[test]
fn same_seed_twice_and_one_thread_versus_two_give_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", "2", "11");
    run(dir.path(), "b", "2", "11");
    run(dir.path(), "c", "1", "11");
    same_outputs(dir.path(), "a", "b");
    same_outputs(dir.path(), "a", "c");
}

#[test]
fn a_different_seed_gives_different_results() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", "2", "11");
    run(dir.path(), "b", "2", "12");
    let (x, y) = (
        std::fs::read(dir.path().join("a/timeseries.csv")).unwrap(),
        std::fs::read(dir.path().join("b/timeseries.csv")).unwrap(),
    );
    assert_ne!(x, y);
}

#[test]
fn one_large_replicate_is_identical_on_one_two_and_three_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = [&LARGE[..], &["output.ties_every=4", "--replicates", "1"]].concat();
    for threads in ["1", "2", "3"] {
        run_with(dir.path(), threads, threads, "5", &one);
    }
    same_outputs(dir.path(), "1", "2");
    same_outputs(dir.path(), "1", "3");
}

#[test]
fn several_large_replicates_are_identical_on_one_two_and_three_threads() {
    let dir = tempfile::tempdir().unwrap();
    let several = [&LARGE[..], &["output.ties_every=0", "--replicates", "3"]].concat();
    for threads in ["1", "2", "3"] {
        run_with(dir.path(), threads, threads, "6", &several);
    }
    same_outputs(dir.path(), "1", "2");
    same_outputs(dir.path(), "1", "3");
}
