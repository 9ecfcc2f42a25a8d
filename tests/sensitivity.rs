//! Sensitivity analyses: the estimators against analytic indices (through the same design and
//! analysis code the commands use, with a test function in place of the model), and
//! `coordsim screen` / `coordsim sobol` end to end.

mod common;

use std::f64::consts::PI;
use std::process::Command;

use coordsim::experiment::sensitivity::sobol::SobolIndex;
use coordsim::experiment::sensitivity::{RESAMPLES, UnitDesign, unit_design};
use coordsim::experiment::sweep::Analysis;
use coordsim::world::rng::ModelRng;
use rand::SeedableRng;

/// First-order and total index of key `i` within 0.03 of the analytic values.
fn assert_indices(ix: &SobolIndex, i: usize, s1: f64, st: f64) {
    assert!((ix.s1 - s1).abs() < 0.03, "S1_{i} = {} vs {s1}", ix.s1);
    assert!((ix.st - st).abs() < 0.03, "ST_{i} = {} vs {st}", ix.st);
}

fn sobol(vary: &[&str], rows: u32) -> Analysis {
    Analysis::Sobol {
        vary: vary.iter().map(|v| v.to_string()).collect(),
        rows,
        groups: Vec::new(),
        metrics: vec!["final_fragmentation".into()],
        resamples: RESAMPLES,
    }
}

/// Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: S1 = 0.3139, S2 = 0.4424, S3 = 0;
/// ST1 = 0.5576, ST2 = 0.4424, ST3 = 0.2437 (Saltelli et al. 2008, Global Sensitivity
/// Analysis: The Primer, 4.4). Tolerance 0.03 at 2^14 rows.
#[test]
fn sobol_indices_of_the_ishigami_function() {
    let keys = [
        "trust.tie_threshold=0..1",
        "trust.half_life_ticks=1..2",
        "kinship.similarity_threshold=0..1",
    ];
    let UnitDesign::Sobol(d) = unit_design(&sobol(&keys, 1 << 14), 42).unwrap() else {
        panic!("a Sobol design")
    };
    let f = |u: &[f64]| {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    };
    let y: Vec<f64> = d.points.iter().map(|p| f(p)).collect();
    let ix = d.analyze(&y, 200, &mut ModelRng::seed_from_u64(1));
    let expected = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
    for (i, (s1, st)) in expected.iter().enumerate() {
        assert_indices(&ix[i], i, *s1, *st);
        assert!(ix[i].s1_ci95_low <= ix[i].s1 && ix[i].s1 <= ix[i].s1_ci95_high);
    }
}

/// Sobol's G-function with a = (0, 1, 4.5, 9): V_i = 1 / (3 (1 + a_i)^2), V = prod(1 + V_i) - 1,
/// S_i = V_i / V, ST_i = V_i prod_{j != i}(1 + V_j) / V.
#[test]
fn sobol_indices_of_the_g_function() {
    let a = [0.0, 1.0, 4.5, 9.0];
    let keys = [
        "trust.tie_threshold=0..1",
        "trust.half_life_ticks=1..2",
        "kinship.similarity_threshold=0..1",
        "kinship.convergence_rate=0..1",
    ];
    let UnitDesign::Sobol(d) = unit_design(&sobol(&keys, 1 << 14), 7).unwrap() else {
        panic!("a Sobol design")
    };
    let g = |u: &[f64]| -> f64 {
        u.iter()
            .zip(a)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    };
    let y: Vec<f64> = d.points.iter().map(|p| g(p)).collect();
    let ix = d.analyze(&y, 100, &mut ModelRng::seed_from_u64(1));
    let vi: Vec<f64> = a
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
        .collect();
    let v: f64 = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
    for i in 0..4 {
        let s1 = vi[i] / v;
        let st = vi[i]
            * (0..4)
                .filter(|&j| j != i)
                .map(|j| 1.0 + vi[j])
                .product::<f64>()
            / v;
        assert_indices(&ix[i], i, s1, st);
    }
}

/// Morris on the G-function ranks the keys as their total indices do (mu* falls with a_i), and
/// the dummy, which the function ignores, has mu* = 0.
#[test]
fn morris_ranks_the_g_function_keys_and_the_dummy_is_zero() {
    let a = [0.0, 1.0, 4.5, 9.0];
    let m = Analysis::Morris {
        vary: vec![
            "trust.tie_threshold=0..1".into(),
            "trust.half_life_ticks=1..2".into(),
            "kinship.similarity_threshold=0..1".into(),
            "kinship.convergence_rate=0..1".into(),
        ],
        levels: 4,
        trajectories: 100,
        candidates: Some(300),
        metrics: vec!["final_fragmentation".into()],
        resamples: RESAMPLES,
    };
    let UnitDesign::Morris(d) = unit_design(&m, 3).unwrap() else {
        panic!("a Morris design")
    };
    assert_eq!(d.factors, 5, "four keys and the dummy");
    let y: Vec<f64> = d
        .points
        .iter()
        .map(|u| {
            u.iter()
                .take(4)
                .zip(a)
                .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
                .product()
        })
        .collect();
    let ix = d.analyze(&y, 200, &mut ModelRng::seed_from_u64(1));
    for i in 0..3 {
        assert!(ix[i].mu_star > ix[i + 1].mu_star, "{ix:?}");
    }
    assert_eq!(ix[4].mu_star, 0.0);
}

fn coordsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_coordsim"))
}

/// `coordsim screen` end to end on a short baseline: its files, a ranked table, shards plus
/// merge equal to one machine, and a bad metric refused with exit 2.
#[test]
fn screen_end_to_end_shards_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "screen",
        "baseline",
        "--vary",
        "trust.half_life_ticks=4..52",
        "--vary",
        "governance.centralization=0..1",
        "--trajectories",
        "4",
        "--replicates",
        "2",
        "--ticks",
        "26",
        "--metric",
        "final_mean_trust",
    ];
    let whole = tmp.path().join("whole");
    let out = coordsim()
        .args(args)
        .arg("--out")
        .arg(&whole)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("noise floor") && stdout.contains("trust.half_life_ticks"),
        "{stdout}"
    );
    let morris = std::fs::read_to_string(whole.join("morris.csv")).unwrap();
    assert!(
        morris.starts_with("metric,key,mu,mu_star,sigma,mu_star_ci95_low,mu_star_ci95_high,n\n")
    );
    assert_eq!(morris.lines().count(), 1 + 3, "two keys and the dummy");
    assert!(whole.join("plots/morris.png").is_file());
    // Two shards and a merge give the same files.
    let mut shards = Vec::new();
    for i in 0..2 {
        let dir = tmp.path().join(format!("shard{i}"));
        let st = coordsim()
            .args(args)
            .args(["--shard", &format!("{i}/2"), "--quiet", "--out"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(st.success());
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    let st = coordsim()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .status()
        .unwrap();
    assert!(st.success());
    for f in ["runs.csv", "points.csv", "morris.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
    // Threads do not change the bytes.
    let one = tmp.path().join("one-thread");
    let st = coordsim()
        .args(args)
        .args(["--threads", "1", "--quiet", "--out"])
        .arg(&one)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        std::fs::read(whole.join("morris.csv")).unwrap(),
        std::fs::read(one.join("morris.csv")).unwrap()
    );
    // A measure that does not exist is refused before anything runs.
    let bad = coordsim()
        .args([
            "screen",
            "baseline",
            "--vary",
            "trust.half_life_ticks=4..52",
            "--metric",
            "final_fragmentaton",
            "--out",
        ])
        .arg(tmp.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean final_fragmentation"));
    assert!(!tmp.path().join("bad").exists());
}

/// `coordsim sobol` end to end, with a group: its file holds the group and the lone key.
#[test]
fn sobol_end_to_end_with_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let out = coordsim()
        .args([
            "sobol",
            "baseline",
            "--vary",
            "trust.half_life_ticks=4..52",
            "--vary",
            "trust.tie_threshold=0.3..0.7",
            "--vary",
            "funding.coordination_share=0..0.5",
            "--groups",
            "tables",
            "--samples",
            "8",
            "--replicates",
            "2",
            "--ticks",
            "26",
            "--metric",
            "final_mean_trust",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("sobol.csv")).unwrap();
    let keys: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(keys, vec!["trust", "funding"], "{csv}");
    assert!(dir.join("plots/sobol.png").is_file());
}

/// `screen` and `sobol` killed (SIGKILL) after a few batches resume, on another thread count,
/// to the bytes of an uninterrupted analysis: they run on the sweep engine's checkpoint.
#[test]
fn screen_and_sobol_killed_resume_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let common = [
        "--vary",
        "trust.half_life_ticks=4..52",
        "--vary",
        "governance.centralization=0..1",
        "--replicates",
        "2",
        "--ticks",
        "40",
        "--quiet",
        "--no-plots",
    ];
    for (command, file) in [
        (["screen", "baseline", "--trajectories", "40"], "morris.csv"),
        (["sobol", "baseline", "--samples", "32"], "sobol.csv"),
    ] {
        let run = |out: &str, extra: &[&str]| {
            let mut c = coordsim();
            c.current_dir(tmp.path())
                .args(command)
                .args(common)
                .args(["--out", out])
                .args(extra);
            c
        };
        let killed = format!("{}-killed", command[0]);
        let mut child = run(&killed, &["--threads", "1"]).spawn().unwrap();
        let checkpoint = tmp.path().join(&killed).join(".sweep/checkpoint.json");
        common::kill_after_progress(&mut child, &checkpoint, "runs_done", 16);
        assert!(
            !tmp.path().join(&killed).join(file).exists(),
            "{} finished before it could be killed: the test needs a longer one",
            command[0]
        );
        assert!(
            run(&killed, &["--threads", "2", "--resume"])
                .status()
                .unwrap()
                .success()
        );
        let whole = format!("{}-whole", command[0]);
        assert!(run(&whole, &["--threads", "2"]).status().unwrap().success());
        for f in [file, "runs.csv", "timeseries.csv"] {
            let (a, b) = (
                std::fs::read(tmp.path().join(&killed).join(f)).unwrap(),
                std::fs::read(tmp.path().join(&whole).join(f)).unwrap(),
            );
            assert!(a == b, "{} {f}: resumed differs from whole", command[0]);
        }
    }
}
