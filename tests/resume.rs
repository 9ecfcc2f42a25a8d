//! Resume trusts nothing it cannot check: a part file shorter than, different from or missing
//! beside its checkpoint is refused with a clear message, never finished into a sweep of NUL
//! bytes or a headerless CSV.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const ARGS: &[&str] = &[
    "sweep",
    "baseline",
    "--vary",
    "funding.coordination_share=0,0.1,0.2,0.3",
    "--replicates",
    "60",
    "--ticks",
    "60",
    "--quiet",
    "--no-plots",
    "--threads",
    "1",
];

fn resume(dir: &Path, out: &str) -> assert_cmd::assert::Assert {
    Command::cargo_bin("coordsim")
        .unwrap()
        .current_dir(dir)
        .args(ARGS)
        .args(["--out", out, "--resume"])
        .assert()
}

/// A sweep killed (SIGKILL) after a few batches, copied to `copies` folders.
fn killed_sweep(dir: &Path, copies: &[&str]) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coordsim"))
        .current_dir(dir)
        .args(ARGS)
        .args(["--out", "killed"])
        .spawn()
        .unwrap();
    let checkpoint = dir.join("killed/.sweep/checkpoint.json");
    common::kill_after_progress(&mut child, &checkpoint, "runs_done", 16);
    for copy in copies {
        let status = std::process::Command::new("cp")
            .args(["-r", "killed", copy])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

#[test]
fn a_tampered_checkpoint_is_refused_and_an_intact_one_resumes() {
    let dir = tempfile::tempdir().unwrap();
    killed_sweep(dir.path(), &["short", "changed", "missing"]);
    let part = |out: &str, name: &str| dir.path().join(out).join(".sweep").join(name);
    // Shorter than the checkpoint records (it would have been padded with NUL bytes).
    let runs = std::fs::read(part("short", "runs.part")).unwrap();
    std::fs::write(part("short", "runs.part"), &runs[..runs.len() / 2]).unwrap();
    resume(dir.path(), "short")
        .code(2)
        .stderr(predicate::str::contains(
            "does not match the sweep's checkpoint",
        ))
        .stderr(predicate::str::contains("the file has"));
    // Same length, other bytes.
    let mut series = std::fs::read(part("changed", "timeseries.part")).unwrap();
    series[100] ^= 1;
    std::fs::write(part("changed", "timeseries.part"), &series).unwrap();
    resume(dir.path(), "changed")
        .code(2)
        .stderr(predicate::str::contains("SHA-256 differs"));
    // Missing (it would have been recreated without its header).
    std::fs::remove_file(part("missing", "runs.part")).unwrap();
    resume(dir.path(), "missing")
        .code(2)
        .stderr(predicate::str::contains("runs.part does not match"))
        .stderr(predicate::str::contains("it is missing"));
    // Refused resumes change nothing; the intact one finishes.
    assert!(part("changed", "checkpoint.json").is_file());
    resume(dir.path(), "killed").success();
    let runs = std::fs::read_to_string(dir.path().join("killed/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 4 * 60 + 1);
    assert!(!runs.contains('\0'));
}
