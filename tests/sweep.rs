//! Sweeps as users run them: designs, determinism across threads, shards and merge, a real
//! SIGKILL followed by --resume, and the Slurm script.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

/// The seed rule (per-run or common seeds), with the helpers below.
#[path = "sweep/seeds.rs"]
mod seeds;

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

const SMALL: &[&str] = &[
    "--vary",
    "funding.coordination_share=0,0.2,0.4",
    "--vary",
    "governance.cells=false,true",
    "--replicates",
    "3",
    "--ticks",
    "20",
    "--set",
    "population.communities=60",
    "--set",
    "population.regions=3",
    "--quiet",
];

fn sweep(dir: &Path, out: &str, extra: &[&str]) {
    coordsim(dir)
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args(["--out", out])
        .args(extra)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn same_data(dir: &Path, a: &str, b: &str) {
    for f in ["runs.csv", "timeseries.csv", "points.csv"] {
        assert!(
            read(dir, &format!("{a}/{f}")) == read(dir, &format!("{b}/{f}")),
            "{f} differs between {a} and {b}"
        );
    }
}

#[test]
fn a_three_by_two_factorial_with_three_replicates_is_eighteen_runs_with_the_right_values() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "s", &[]);
    let runs = String::from_utf8(read(dir.path(), "s/runs.csv")).unwrap();
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..6],
        &[
            "run",
            "point",
            "replicate",
            "seed",
            "funding.coordination_share",
            "governance.cells"
        ]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 18);
    let expected = [
        ("0", "false"),
        ("0", "true"),
        ("0.2", "false"),
        ("0.2", "true"),
        ("0.4", "false"),
        ("0.4", "true"),
    ];
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        assert_eq!(row[1], (i / 3).to_string());
        assert_eq!(row[2], (i % 3).to_string());
        assert_eq!((row[4], row[5]), expected[i / 3], "run {i}");
    }
    let seeds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[3]).collect();
    assert_eq!(seeds.len(), 18, "every run has its own seed");
    let points = String::from_utf8(read(dir.path(), "s/points.csv")).unwrap();
    assert!(points.starts_with(
        "point,funding.coordination_share,governance.cells,metric,n,mean,sd,ci95_low,ci95_high\n"
    ));
    assert!(
        points
            .lines()
            .any(|l| l.starts_with("5,0.4,true,final_fragmentation,3,"))
    );
    // 21 ticks per run are kept with the default --series-every 1.
    assert_eq!(
        String::from_utf8(read(dir.path(), "s/timeseries.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 18 * 21
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(dir.path(), "s/manifest.json")).unwrap();
    assert_eq!(manifest["kind"], "sweep");
    assert_eq!(manifest["sweep"]["plan"]["varied"][1], "governance.cells");
    assert_eq!(manifest["sweep"]["plan"]["total_runs"], 18);
}

#[test]
fn one_thread_and_two_threads_give_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "one", &["--threads", "1"]);
    sweep(dir.path(), "two", &["--threads", "2"]);
    same_data(dir.path(), "one", "two");
}

#[test]
fn shards_merged_equal_the_unsharded_sweep_and_foreign_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "whole", &[]);
    sweep(dir.path(), "s0", &["--shard", "0/2"]);
    coordsim(dir.path())
        .args(["merge", "s0", "--out", "m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "shard 1/2 is missing (runs 9..18)",
        ));
    sweep(dir.path(), "s1", &["--shard", "1/2"]);
    coordsim(dir.path())
        .args(["merge", "s0", "s1", "--out", "merged"])
        .assert()
        .success();
    same_data(dir.path(), "whole", "merged");
    // A shard of another design cannot be merged in.
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args([
            "--set",
            "trust.half_life_ticks=10",
            "--shard",
            "1/2",
            "--out",
            "other",
        ])
        .assert()
        .success();
    coordsim(dir.path())
        .args(["merge", "s0", "other", "--out", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different sweep"));
}

#[test]
fn a_sweep_killed_mid_run_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "baseline",
        "--vary",
        "funding.coordination_share=0,0.1,0.2,0.3",
        "--replicates",
        "60",
        "--ticks",
        "60",
        "--quiet",
        "--series-every",
        "5",
    ];
    let bin = assert_cmd::cargo::cargo_bin("coordsim");
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args(args)
        .args(["--out", "killed", "--threads", "1"])
        .spawn()
        .unwrap();
    // Wait until some batches are on disk, then SIGKILL.
    let checkpoint = dir.path().join("killed/.sweep/checkpoint.json");
    common::kill_after_progress(&mut child, &checkpoint, "runs_done", 16);
    assert!(
        !dir.path().join("killed/runs.csv").exists(),
        "the sweep was killed before it finished"
    );
    // Without --resume an unfinished sweep is not overwritten by accident.
    coordsim(dir.path())
        .args(args)
        .args(["--out", "killed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--resume"));
    coordsim(dir.path())
        .args(args)
        .args(["--out", "killed", "--resume"])
        .assert()
        .success();
    coordsim(dir.path())
        .args(args)
        .args(["--out", "clean", "--threads", "2"])
        .assert()
        .success();
    same_data(dir.path(), "killed", "clean");
    // Resuming a finished sweep does nothing.
    coordsim(dir.path())
        .args(args)
        .args(["--out", "killed", "--resume"])
        .assert()
        .success();
    same_data(dir.path(), "killed", "clean");
}

#[test]
fn lhs_and_random_designs_run_from_flags_and_bad_designs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args([
            "sweep",
            "baseline",
            "--vary",
            "governance.centralization=0..1",
            "--design",
            "lhs",
            "--samples",
            "5",
        ])
        .args([
            "--replicates",
            "2",
            "--ticks",
            "5",
            "--quiet",
            "--out",
            "lhs",
        ])
        .assert()
        .success();
    let runs = String::from_utf8(read(dir.path(), "lhs/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 11);
    coordsim(dir.path())
        .args([
            "sweep",
            "baseline",
            "--vary",
            "governance.centralization=0..1",
            "--quiet",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --design lhs or random"));
    coordsim(dir.path())
        .args([
            "sweep",
            "baseline",
            "--vary",
            "governance.centralisation=0,1",
            "--quiet",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `governance.centralization`",
        ));
}

#[test]
fn the_emitted_slurm_script_is_valid_bash_and_names_every_shard() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args([
            "--emit-slurm",
            "job.sh",
            "--slurm-shards",
            "3",
            "--slurm-cpus",
            "2",
            "--slurm-partition",
            "short",
        ])
        .args([
            "--slurm-time",
            "01:00:00",
            "--slurm-mem",
            "2G",
            "--slurm-extra=--account=lab",
            "--out",
            "big",
        ])
        .assert()
        .success();
    let script = String::from_utf8(read(dir.path(), "job.sh")).unwrap();
    std::process::Command::new("bash")
        .arg("-n")
        .arg(dir.path().join("job.sh"))
        .status()
        .map(|s| assert!(s.success()))
        .unwrap();
    let out = std::path::absolute(dir.path().join("big")).unwrap();
    for i in 0..3 {
        assert!(
            script.contains(&format!("{}/shard-{i}", out.display())),
            "shard {i} named"
        );
    }
    for needle in [
        "--array=",
        "afterok:",
        "--kill-on-invalid-dep=yes",
        "#SBATCH --partition=short",
        "#SBATCH --time=01:00:00",
        "#SBATCH --mem=2G",
        "#SBATCH --account=lab",
        "--threads 2",
        " merge ",
    ] {
        assert!(script.contains(needle), "{needle}");
    }
    assert!(
        !dir.path().join("big").exists(),
        "emitting a script runs nothing"
    );
}

/// `--submit` runs the script, and the script runs sbatch: when sbatch refuses the job, is
/// missing, or bash itself cannot be run, the submission failed while running (exit 1, not 2 for
/// bad input) and the written script stays; when sbatch accepts, the job ids are printed.
#[cfg(unix)]
#[test]
fn a_failed_slurm_submission_exits_1_and_a_successful_one_prints_the_job_ids() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let which = |name: &str| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|d| d.join(name))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{name} not on PATH"))
    };
    // A folder with a fake sbatch first on PATH.
    let fake = dir.path().join("fake");
    std::fs::create_dir(&fake).unwrap();
    let fake_sbatch = |body: &str| {
        let path = fake.join("sbatch");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    let with_fake = std::env::join_paths(
        std::iter::once(fake.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    // A folder with bash and mkdir but no sbatch, and an empty one (no bash either).
    let no_sbatch = dir.path().join("no-sbatch");
    std::fs::create_dir(&no_sbatch).unwrap();
    for tool in ["bash", "mkdir"] {
        symlink(which(tool), no_sbatch.join(tool)).unwrap();
    }
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let submit = |path: &std::ffi::OsStr| {
        coordsim(dir.path())
            .env("PATH", path)
            .arg("sweep")
            .arg("baseline")
            .args(SMALL)
            .args(["--emit-slurm", "job.sh", "--slurm-binary", "/opt/coordsim"])
            .args(["--out", "big", "--submit"])
            .assert()
    };

    fake_sbatch("echo 'sbatch: error: invalid partition' >&2; exit 1");
    submit(with_fake.as_os_str())
        .code(1)
        .stderr(predicate::str::contains("sbatch: error: invalid partition"))
        .stderr(predicate::str::contains("error: submitting job.sh failed"));
    assert!(dir.path().join("job.sh").is_file(), "the script stays");

    submit(no_sbatch.as_os_str())
        .code(1)
        .stderr(predicate::str::contains("error: submitting job.sh failed"));
    submit(empty.as_os_str())
        .code(1)
        .stderr(predicate::str::contains("error: cannot run bash job.sh"));

    fake_sbatch("echo 4242");
    submit(with_fake.as_os_str())
        .success()
        .stdout(predicate::str::contains(
            "array job 4242 (shards 0-3 of 4), merge job 4242",
        ));
}
