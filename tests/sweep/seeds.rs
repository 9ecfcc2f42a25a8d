//! The sweep's seed rule through the real binary: common seeds (`--seeds common`, `[sweep]
//! seeds = "common"`) give replicate k of every point the seed of `coordsim run`'s replicate k;
//! the default keeps one seed per run; sweeps of different rules are never resumed or merged
//! into each other; a bad rule is an input error.

use super::{coordsim, same_data};
use coordsim::world::rng::replicate_seed;
use predicates::prelude::*;
use std::path::Path;

/// Three points, the first two with identical parameters (0.2 twice).
const SMALL: &[&str] = &[
    "--vary",
    "funding.coordination_share=0.2,0.2,0.4",
    "--replicates",
    "3",
    "--ticks",
    "20",
    "--set",
    "population.communities=60",
    "--set",
    "population.regions=3",
    "--quiet",
    "--no-plots",
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

fn text(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The data rows of a CSV file, split into cells.
fn rows(dir: &Path, file: &str) -> Vec<Vec<String>> {
    text(dir, file)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn manifest(dir: &Path, out: &str) -> serde_json::Value {
    serde_json::from_str(&text(dir, &format!("{out}/manifest.json"))).unwrap()
}

/// The rows of one point with the run and point cells blanked.
/// The rows of one point without their `run` and `point` cells; `offset` is where `run` is
/// (runs.csv starts with it; a sweep's timeseries.csv has `scenario` first).
fn point_rows(all: &[Vec<String>], point: &str, offset: usize) -> Vec<Vec<String>> {
    all.iter()
        .filter(|r| r[offset + 1] == point)
        .map(|r| {
            let mut r = r.clone();
            r[offset].clear();
            r[offset + 1].clear();
            r
        })
        .collect()
}

#[test]
fn common_seeds_give_replicate_k_of_every_point_the_seed_of_coordsim_run_replicate_k() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "crn", &["--seeds", "common"]);
    // coordsim run with the same master seed and replicates.
    coordsim(dir.path())
        .args(["run", "baseline", "--replicates", "3", "--ticks", "20"])
        .args(["--set", "population.communities=60"])
        .args(["--set", "population.regions=3"])
        .args(["--quiet", "--no-plots", "--out", "run"])
        .assert()
        .success();
    let run_seeds: Vec<String> = rows(dir.path(), "run/summary.csv")
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    assert_eq!(run_seeds.len(), 3);
    let runs = rows(dir.path(), "crn/runs.csv");
    assert_eq!(runs.len(), 9);
    for (i, row) in runs.iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        assert_eq!(row[1], (i / 3).to_string());
        assert_eq!(row[2], (i % 3).to_string());
        assert_eq!(
            row[3],
            run_seeds[i % 3],
            "run {i}: replicate {}'s seed",
            i % 3
        );
        assert_eq!(row[3], replicate_seed(42, (i % 3) as u64).to_string());
    }
    // Points 0 and 1 have the same parameters and now the same seeds: the same rows.
    for (file, offset) in [("crn/runs.csv", 0), ("crn/timeseries.csv", 1)] {
        let all = rows(dir.path(), file);
        assert_eq!(
            point_rows(&all, "0", offset),
            point_rows(&all, "1", offset),
            "{file}"
        );
        assert!(!point_rows(&all, "0", offset).is_empty());
    }
    let points: Vec<Vec<String>> = rows(dir.path(), "crn/points.csv");
    let summary = |p: &str| -> Vec<Vec<String>> {
        points
            .iter()
            .filter(|r| r[0] == p)
            .map(|r| r[1..].to_vec())
            .collect()
    };
    assert_eq!(summary("0"), summary("1"));
    // Point 2 differs in its parameter only: same seeds, other results.
    assert_ne!(
        point_rows(&runs, "0", 0),
        point_rows(&runs, "2", 0),
        "coordination share 0.4 changes the runs"
    );
    let m = manifest(dir.path(), "crn");
    assert_eq!(m["sweep"]["plan"]["seeds"], "common");
    assert!(
        m["seed_rule"]
            .as_str()
            .unwrap()
            .contains("replicate_seed(master_seed, replicate)"),
        "{}",
        m["seed_rule"]
    );
    // The [sweep] table's key gives the same sweep as the flag; the flag wins over the table.
    std::fs::write(
        dir.path().join("study.toml"),
        "[meta]\nname = \"baseline\"\n\n[sweep]\nseeds = \"common\"\n",
    )
    .unwrap();
    coordsim(dir.path())
        .arg("sweep")
        .arg("study.toml")
        .args(SMALL)
        .args(["--out", "table"])
        .assert()
        .success();
    let table_runs = rows(dir.path(), "table/runs.csv");
    let seeds = |rs: &[Vec<String>]| -> Vec<String> { rs.iter().map(|r| r[3].clone()).collect() };
    assert_eq!(seeds(&table_runs), seeds(&runs));
    assert_eq!(
        manifest(dir.path(), "table")["sweep"]["plan"]["seeds"],
        "common"
    );
    coordsim(dir.path())
        .arg("sweep")
        .arg("study.toml")
        .args(SMALL)
        .args(["--seeds", "per-run", "--out", "table-per-run"])
        .assert()
        .success();
    let per_run = rows(dir.path(), "table-per-run/runs.csv");
    assert_eq!(per_run[3][3], replicate_seed(42, 3).to_string());
}

#[test]
fn by_default_every_run_has_its_own_seed_and_per_run_spelled_out_is_the_same_sweep() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "default", &[]);
    let runs = rows(dir.path(), "default/runs.csv");
    for (i, row) in runs.iter().enumerate() {
        assert_eq!(row[3], replicate_seed(42, i as u64).to_string(), "run {i}");
    }
    let seeds: std::collections::BTreeSet<&str> = runs.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(seeds.len(), 9, "points do not share seeds");
    // Identical parameters on other seeds give other rows.
    assert_ne!(point_rows(&runs, "0", 0), point_rows(&runs, "1", 0));
    let m = manifest(dir.path(), "default");
    assert!(
        m["sweep"]["plan"].get("seeds").is_none(),
        "a per-run plan reads as before the rule could be chosen"
    );
    assert_eq!(
        m["seed_rule"],
        "run r (point-major: r = point x replicates + replicate) has seed replicate_seed(master_seed, r)"
    );
    for (out, rule) in [("dash", "per-run"), ("underscore", "per_run")] {
        sweep(dir.path(), out, &["--seeds", rule]);
        same_data(dir.path(), "default", out);
    }
    // Resuming a default sweep with the rule spelled out is the same sweep: nothing to do.
    sweep(dir.path(), "default", &["--seeds", "per-run", "--resume"]);
}

#[test]
fn resuming_or_merging_across_seed_rules_is_refused_naming_the_seed_rule() {
    let dir = tempfile::tempdir().unwrap();
    // Shards of a common-seed sweep merge into the unsharded sweep.
    sweep(dir.path(), "whole", &["--seeds", "common"]);
    sweep(dir.path(), "c0", &["--seeds", "common", "--shard", "0/2"]);
    sweep(dir.path(), "c1", &["--seeds", "common", "--shard", "1/2"]);
    coordsim(dir.path())
        .args(["merge", "c1", "c0", "--out", "merged"])
        .assert()
        .success();
    same_data(dir.path(), "whole", "merged");
    assert_eq!(
        manifest(dir.path(), "merged")["sweep"]["plan"]["seeds"],
        "common"
    );
    assert_eq!(
        manifest(dir.path(), "merged")["seed_rule"],
        manifest(dir.path(), "whole")["seed_rule"]
    );
    // A per-run shard does not merge with a common-seed one.
    sweep(dir.path(), "p1", &["--shard", "1/2"]);
    coordsim(dir.path())
        .args(["merge", "c0", "p1", "--out", "mixed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("its seed rule differs"));
    assert!(!dir.path().join("mixed/runs.csv").exists());
    // A complete common-seed sweep is not "resumed" as a per-run one, nor the reverse.
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args(["--out", "whole", "--resume"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("(seed rule differs)"));
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args([
            "--seeds", "common", "--out", "p1", "--shard", "1/2", "--resume",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("(seed rule differs)"));
    // An unfinished common-seed sweep (its work folder holds the plan and nothing done yet)
    // refuses a per-run resume and completes a common one to the same bytes.
    let work = dir.path().join("unfinished/.sweep");
    std::fs::create_dir_all(&work).unwrap();
    let plan = manifest(dir.path(), "whole")["sweep"]["plan"].clone();
    std::fs::write(work.join("plan.json"), plan.to_string()).unwrap();
    std::fs::write(work.join("shard.json"), r#"{"index":0,"count":1}"#).unwrap();
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args(["--out", "unfinished", "--resume"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unfinished holds a different sweep (seed rule differs)",
        ));
    sweep(dir.path(), "unfinished", &["--seeds", "common", "--resume"]);
    same_data(dir.path(), "whole", "unfinished");
}

#[test]
fn the_slurm_script_forwards_common_seeds_to_every_shard() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args([
            "--seeds",
            "common",
            "--out",
            "cluster",
            "--emit-slurm",
            "job.sh",
        ])
        .assert()
        .success();
    let script = text(dir.path(), "job.sh");
    let shard_line = script
        .lines()
        .find(|l| l.contains("--shard \"$SLURM_ARRAY_TASK_ID/4\""))
        .expect("the shard command");
    assert!(shard_line.contains("--seeds common"), "{shard_line}");
    // A default sweep's script has no --seeds, as before the rule could be chosen.
    coordsim(dir.path())
        .arg("sweep")
        .arg("baseline")
        .args(SMALL)
        .args(["--out", "cluster2", "--emit-slurm", "job2.sh"])
        .assert()
        .success();
    assert!(!text(dir.path(), "job2.sh").contains("--seeds"));
}

#[test]
fn a_bad_seed_rule_exits_2_naming_the_key_and_what_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[meta]\nname = \"bad\"\n\n[sweep]\nseeds = \"shared\"\n\n[sweep.vary]\n\"funding.coordination_share\" = [0.0, 0.2]\n",
    )
    .unwrap();
    for command in ["sweep", "validate"] {
        coordsim(dir.path())
            .args([command, "bad.toml"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "bad.toml:5:9: sweep.seeds: expected one of \"per_run\", \"common\"",
            ));
    }
    std::fs::write(
        dir.path().join("number.toml"),
        "[meta]\nname = \"number\"\n\n[sweep]\nseeds = 1\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["validate", "number.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("number.toml:5:9: sweep.seeds"));
    coordsim(dir.path())
        .args(["sweep", "baseline", "--seeds", "shared"])
        .args(SMALL)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("invalid value 'shared' for '--seeds <SEEDS>'")
                .and(predicate::str::contains("per-run, common")),
        );
    assert!(!dir.path().join("outputs").exists());
}
