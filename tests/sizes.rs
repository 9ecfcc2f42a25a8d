//! Plans too large for the machine are refused before anything starts: exit 2 with the
//! estimate, no folder, no allocation (the refusal is immediate).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// Runs `args` in an empty folder: exit 2 within a second or two, `expected` in stderr, and
/// nothing written.
fn refused(args: &[&str], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    coordsim(dir.path())
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(expected));
    assert!(start.elapsed() < Duration::from_secs(5), "{args:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "{args:?}"
    );
}

#[test]
fn oversized_runs_compares_and_sweeps_are_refused_with_the_estimate() {
    refused(
        &[
            "run",
            "--set",
            "population.communities=10000000",
            "--set",
            "pattern_library.max_communities=10000000",
            "--ticks",
            "100000",
            "--replicates",
            "100000",
        ],
        "TiB of memory (100000 replicates x 100000 ticks x 10000000 communities",
    );
    refused(
        &["run", "--ticks", "104", "--max-memory", "10M"],
        "more than the 10.0 MiB allowed by --max-memory",
    );
    refused(
        &[
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=quadratic",
            "--max-memory",
            "10M",
        ],
        "(20 replicates x 104 ticks x 200 communities",
    );
    // Sampled and factorial designs too large are counted, not built.
    refused(
        &[
            "sweep",
            "baseline",
            "--design",
            "random",
            "--samples",
            "4294967295",
            "--vary",
            "trust.tie_threshold=0..1",
        ],
        "--samples 4294967295",
    );
    refused(
        &[
            "sweep",
            "baseline",
            "--design",
            "random",
            "--samples",
            "4294967295",
            "--vary",
            "trust.tie_threshold=0..1",
            "--max-memory",
            "1T",
        ],
        "--samples 4294967295: the random design draws at most 1000000 samples",
    );
    let many: String = (1..=40).map(|i| format!("0.{i:02},")).collect();
    let vary = format!("trust.tie_threshold={}", many.trim_end_matches(','));
    refused(
        &[
            "sweep",
            "baseline",
            "--vary",
            &vary,
            "--vary",
            &vary.replace("trust.tie_threshold", "kinship.initial_trust"),
            "--vary",
            &vary.replace("trust.tie_threshold", "kinship.local_share"),
            "--vary",
            &vary.replace("trust.tie_threshold", "funding.coordination_share"),
            "--max-memory",
            "1T",
        ],
        // Points are computed on demand: the plan is refused by the files it would write.
        "2560000 points x 10 replicates",
    );
    refused(
        &[
            "sweep",
            "baseline",
            "--vary",
            "trust.tie_threshold=0.1,0.2",
            "--replicates",
            "4000000000",
        ],
        "of files (2 points x 4000000000 replicates",
    );
}

#[test]
fn a_bad_max_memory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["run", "--max-memory", "lots"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a size such as 8G"));
}
