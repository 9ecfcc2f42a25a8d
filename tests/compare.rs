//! `coordsim compare`: arms on common random numbers, paired differences, plain-language verdicts.

use assert_cmd::Command;
use predicates::prelude::*;

fn coordsim(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn what_ifs_share_seeds_and_a_no_change_arm_differs_by_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args([
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=direct_service",
            "--what-if",
            "funding.coordination_share=0.2",
        ])
        .args(["--replicates", "6", "--ticks", "30", "--out", "c"])
        .assert()
        .success()
        .stdout(predicate::str::contains("reference arm: baseline"))
        .stdout(predicate::str::contains("identical"));
    let csv = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    assert!(csv.starts_with(
        "metric,arm,label,n,mean,sd,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,diff_n,diff_sd\n"
    ));
    for line in csv
        .lines()
        .filter(|l| l.contains(",2,funding.coordination_share=0.2,"))
    {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[3] != "0" {
            assert_eq!(
                cells[8], "0",
                "no real change, zero paired difference: {line}"
            );
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["kind"], "compare");
    assert_eq!(manifest["compare"]["arms"].as_array().unwrap().len(), 3);
    assert_eq!(
        manifest["compare"]["replicate_seeds"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let ts = std::fs::read_to_string(dir.path().join("c/timeseries.csv")).unwrap();
    assert_eq!(ts.lines().count(), 1 + 3 * 6 * 31);
    assert!(ts.lines().nth(1).unwrap().starts_with("baseline,0,"));

    // summary.csv: one row per arm and replicate, and its per-replicate differences average to
    // compare.csv's paired difference.
    let summary = std::fs::read_to_string(dir.path().join("c/summary.csv")).unwrap();
    let mut lines = summary.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..3], ["scenario", "replicate", "seed"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3 * 6);
    let col = header
        .iter()
        .position(|&h| h == "cumulative_coordination_value")
        .unwrap();
    let arm = |label: &str| -> Vec<(String, f64)> {
        rows.iter()
            .filter(|r| r[0] == label)
            .map(|r| (r[2].to_string(), r[col].parse().unwrap()))
            .collect()
    };
    let (base, direct) = (arm("baseline"), arm("funding.policy=direct_service"));
    let mean_diff: f64 = base
        .iter()
        .zip(&direct)
        .map(|((seed_b, b), (seed_d, d))| {
            assert_eq!(
                seed_b, seed_d,
                "replicate r runs the same seed in every arm"
            );
            d - b
        })
        .sum::<f64>()
        / 6.0;
    let reported: f64 = csv
        .lines()
        .find(|l| l.starts_with("cumulative_coordination_value,1,"))
        .unwrap()
        .split(',')
        .nth(8)
        .unwrap()
        .parse()
        .unwrap();
    assert!((mean_diff - reported).abs() < 1e-9 * (1.0 + reported.abs()));
}

#[test]
fn compare_needs_two_arms() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["compare", "baseline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two or more scenarios"));
    coordsim(dir.path())
        .args(["compare", "baseline", "--what-if", "trust.nope=1"])
        .assert()
        .code(2);
}
