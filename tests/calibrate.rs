//! `coordsim calibrate`: ABC-SMC against a model with a known posterior (through the same
//! `Problem::run` the command uses), and the command end to end.

mod common;

use coordsim::experiment::calibrate::abc::{Problem, Simulator, Stop};
use coordsim::scenario::Origin;
use coordsim::scenario::calibrate::TargetFile;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// The mean of `n` draws from N(mu, 1): its sampling distribution is N(mu, 1/n).
struct SampleMean {
    n: u32,
}

impl Simulator for SampleMean {
    fn simulate(&self, theta: &[f64], seed: u64) -> Vec<f64> {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
        let sum: f64 = (0..self.n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                theta[0] + z
            })
            .sum();
        vec![sum / f64::from(self.n)]
    }
}

fn targets(prior: &str) -> TargetFile {
    let text = format!(
        "[calibrate]\npopulation = 1000\ngenerations = 8\nmax_candidates = 200000\n\
         [calibrate.priors]\n\"trust.cooperation_gain\" = {prior}\n\
         [[target]]\nmeasure = \"sample_mean\"\nobserved = 0.3\nscale = 1\n"
    );
    TargetFile::check(&text, Origin::File("normal.toml".into())).unwrap()
}

/// Weighted mean and sd of the posterior's only key.
fn posterior_moments(file: &TargetFile) -> (f64, f64, Stop) {
    let problem = Problem {
        priors: &file.priors,
        targets: &file.targets,
        settings: &file.settings,
        master_seed: 7,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let outcome = problem
        .run(
            &SampleMean { n: 10 },
            &[],
            &pool,
            |_| Ok::<(), ()>(()),
            |_| {},
        )
        .unwrap();
    let g = outcome.posterior();
    let mean: f64 = g.particles.iter().map(|p| p.weight * p.theta[0]).sum();
    let var: f64 = g
        .particles
        .iter()
        .map(|p| p.weight * (p.theta[0] - mean).powi(2))
        .sum();
    (mean, var.sqrt(), outcome.stop)
}

// Observed sample mean 0.3 of n = 10 draws with variance 1: the likelihood of mu is N(0.3, 0.1).
// (trust.cooperation_gain only names a numeric key in [0, 1]; the test model ignores the
// scenario.) Tolerances: the ABC posterior at the final epsilon is wider than the exact one by
// about epsilon^2/3, and 1000 weighted particles estimate a mean to about 0.02.

#[test]
fn abc_smc_recovers_a_normal_mean_under_a_flat_prior() {
    // Uniform prior on [0, 1]: the exact posterior is N(0.3, 0.1) truncated to [0, 1], mean
    // 0.3853 and sd 0.2319 (truncated-normal moments). Measured: 0.3758 and 0.2369.
    let (mean, sd, stop) =
        posterior_moments(&targets("{ prior = \"uniform\", low = 0, high = 1 }"));
    assert_eq!(stop, Stop::Generations);
    assert!((mean - 0.3853).abs() < 0.02, "posterior mean {mean}");
    assert!((sd - 0.2319).abs() < 0.015, "posterior sd {sd}");
}

#[test]
fn abc_smc_recovers_a_conjugate_normal_posterior() {
    // Prior N(0.6, 0.2^2) on [0, 1]: precision 25 + 10 = 35, mean (25 x 0.6 + 10 x 0.3)/35 =
    // 0.5143, sd 0.1690; truncated to [0, 1]: 0.5139 and 0.1664. Measured: 0.5138 and 0.1631.
    let (mean, sd, _) = posterior_moments(&targets(
        "{ prior = \"normal\", mean = 0.6, sd = 0.2, low = 0, high = 1 }",
    ));
    assert!((mean - 0.5139).abs() < 0.02, "posterior mean {mean}");
    assert!((sd - 0.1664).abs() < 0.015, "posterior sd {sd}");
}

// --- The command end to end -------------------------------------------------------------------

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

/// A small calibration of the baseline: two trust keys against mean trust at the end and the
/// number of networks at week 20.
const TARGET: &str = r#"[meta]
name = "test"
sources = ["made up for the test"]

[calibrate]
population = 100
generations = 5

[calibrate.priors]
"trust.cooperation_gain" = { prior = "uniform", low = 0.02, high = 0.3 }
"trust.half_life_ticks" = { prior = "log-uniform", low = 5, high = 100 }

[[target]]
measure = "final_mean_trust"
observed = 0.45
scale = 0.05

[[target]]
measure = "networks"
tick = 20
observed = 3
scale = 2
"#;

const FILES: [&str; 6] = [
    "candidates.csv",
    "particles.csv",
    "posterior.csv",
    "generations.csv",
    "marginals.csv",
    "calibrated.toml",
];

fn calibrate(dir: &Path, out: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("coordsim")
        .unwrap()
        .current_dir(dir)
        .args([
            "calibrate",
            "baseline",
            "--target",
            "target.toml",
            "--ticks",
            "40",
        ])
        .args(["--out", out])
        .args(extra)
        .assert()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("target.toml"), TARGET).unwrap();
    dir
}

fn same_files(a: &Path, b: &Path) {
    for f in FILES {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn calibrate_writes_its_files_plots_and_a_scenario_that_runs() {
    let dir = setup();
    calibrate(dir.path(), "one", &["--threads", "2"])
        .success()
        .stdout(predicate::str::contains("posterior: median [95% interval]"))
        .stdout(predicate::str::contains("trust.half_life_ticks"));
    let out = dir.path().join("one");
    for f in FILES
        .iter()
        .chain(&["manifest.json", "plots/posterior.png", "plots/pairs.svg"])
    {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let posterior = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
    let rows: Vec<&str> = posterior.lines().skip(1).collect();
    assert!(rows.len() >= 100, "{} particles", rows.len());
    let weight: f64 = rows
        .iter()
        .map(|r| r.split(',').nth(3).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((weight - 1.0).abs() < 1e-9, "weights sum to {weight}");
    // Epsilon falls from generation to generation.
    let generations = std::fs::read_to_string(out.join("generations.csv")).unwrap();
    let eps: Vec<f64> = generations
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(
        eps.len() >= 3 && eps.windows(2).all(|w| w[1] <= w[0]),
        "{eps:?}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "calibrate");
    assert_eq!(manifest["calibrate"]["plan"]["population"], 100);
    // The calibrated scenario is a valid file that runs.
    Command::cargo_bin("coordsim")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "run",
            "one/calibrated.toml",
            "--replicates",
            "2",
            "--quiet",
            "--no-plots",
            "--out",
            "check",
        ])
        .assert()
        .success();
}

#[test]
fn threads_do_not_change_a_calibration() {
    let dir = setup();
    calibrate(
        dir.path(),
        "t1",
        &["--threads", "1", "--quiet", "--no-plots"],
    )
    .success();
    calibrate(
        dir.path(),
        "t2",
        &["--threads", "2", "--quiet", "--no-plots"],
    )
    .success();
    same_files(&dir.path().join("t1"), &dir.path().join("t2"));
}

#[test]
fn a_calibration_killed_at_any_moment_resumes_to_the_same_bytes() {
    let dir = setup();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coordsim"))
        .current_dir(dir.path())
        .args([
            "calibrate",
            "baseline",
            "--target",
            "target.toml",
            "--ticks",
            "40",
        ])
        .args(["--out", "killed", "--threads", "1", "--quiet", "--no-plots"])
        .spawn()
        .unwrap();
    let checkpoint = dir.path().join("killed/.calibrate/checkpoint.json");
    // About 150 candidates: into the second generation.
    common::kill_after_progress(&mut child, &checkpoint, "bytes", 15_001);
    assert!(
        !dir.path().join("killed/manifest.json").exists(),
        "the calibration finished before it could be killed: the test needs a longer one"
    );
    // Without --resume the unfinished folder is refused.
    calibrate(dir.path(), "killed", &["--quiet"])
        .code(2)
        .stderr(predicate::str::contains("add --resume"));
    calibrate(
        dir.path(),
        "killed",
        &["--resume", "--threads", "2", "--quiet", "--no-plots"],
    )
    .success();
    calibrate(
        dir.path(),
        "whole",
        &["--threads", "2", "--quiet", "--no-plots"],
    )
    .success();
    same_files(&dir.path().join("killed"), &dir.path().join("whole"));
    assert!(!dir.path().join("killed/.calibrate").exists());
    // Resuming a finished calibration does nothing; a different one is refused.
    calibrate(dir.path(), "whole", &["--resume"])
        .success()
        .stdout(predicate::str::contains("nothing to do"));
    calibrate(dir.path(), "whole", &["--resume", "--seed", "7"])
        .code(2)
        .stderr(predicate::str::contains("different calibration"));
}

#[test]
fn bad_target_files_name_file_line_column_and_key() {
    let dir = setup();
    let cases = [
        (
            "low = 0.02, high = 0.3",
            "low = 0.3, high = 0.02",
            "target.toml:10:",
            "expected low < high",
        ),
        (
            "prior = \"uniform\"",
            "prior = \"beta\"",
            "target.toml:10:",
            "calibrate.priors.trust.cooperation_gain.prior",
        ),
        (
            "\"trust.half_life_ticks\"",
            "\"trust.half_life\"",
            "target.toml:11:",
            "did you mean `trust.half_life_ticks`",
        ),
        (
            "population = 100",
            "population = 1",
            "target.toml:6:",
            "calibrate.population",
        ),
        (
            "observed = 0.45",
            "observed = \"high\"",
            "target.toml:15:",
            "target.observed",
        ),
        (
            "measure = \"final_mean_trust\"",
            "measure = \"final_mean_trus\"",
            "target.toml:14:",
            "did you mean `final_mean_trust`",
        ),
        (
            "tick = 20",
            "tick = 400",
            "target.toml:20:",
            "after the run's last tick",
        ),
    ];
    for (from, to, at, says) in cases {
        assert!(TARGET.contains(from), "{from}");
        std::fs::write(dir.path().join("bad.toml"), TARGET.replace(from, to)).unwrap();
        Command::cargo_bin("coordsim")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "calibrate",
                "baseline",
                "--target",
                "bad.toml",
                "--ticks",
                "40",
                "--out",
                "bad",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                at.replace("target.toml", "bad.toml"),
            ))
            .stderr(predicate::str::contains(says));
        assert!(
            !dir.path().join("bad").exists(),
            "{to}: a folder was left behind"
        );
    }
    Command::cargo_bin("coordsim")
        .unwrap()
        .args(["calibrate", "baseline", "--target", "all_in_for_sprot"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `all_in_for_sport`"));
}
