//! What a new user meets in the first hour, through the real binary: numeric flags that reject
//! a minus sign for what it is, `explain` ending its output with a newline, the gap printed
//! with what it is made of, compare's reference named once, a sweep's closing table and the
//! `scenario` column of its timeseries.csv.

use std::path::Path;
use std::process::{Command, Output};

fn coordsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coordsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_negative_number_is_rejected_as_a_value_not_told_to_use_double_dash() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--threads", "-1"][..],
        &["run", "--threads", "-1"],
        &["run", "--seed", "-3"],
        &["sweep", "baseline", "--replicates", "-2"],
    ] {
        let out = coordsim(dir.path(), args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!err.contains("-- -"), "{args:?}: {err}");
        assert!(
            err.contains("is not in 1..=4096") || err.contains("expected a whole number"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("outputs").exists());
}

#[test]
fn explain_always_ends_with_a_newline() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["explain"][..],
        &["explain", "trust"],
        &["explain", "trust.half_life_ticks"],
        &["explain", "--markdown"],
    ] {
        let out = coordsim(dir.path(), args);
        assert!(out.status.success());
        assert_eq!(out.stdout.last(), Some(&b'\n'), "{args:?}");
    }
}

#[test]
fn run_and_compare_print_the_gap_with_the_value_created_and_the_share_paid() {
    let dir = tempfile::tempdir().unwrap();
    let small = ["--replicates", "3", "--ticks", "20", "--no-plots"];
    let out = coordsim(dir.path(), &[&["run", "--out", "r"][..], &small].concat());
    let report = text(&out.stdout);
    for needed in [
        "coordination value created, all ticks",
        "share of coordination value funders paid",
        "cumulative coordination value gap (unpaid)",
        "it also shrinks when less coordination happens at all",
    ] {
        assert!(report.contains(needed), "run: no `{needed}` in\n{report}");
    }
    let long = "funding.coordination_share=0.4";
    let out = coordsim(
        dir.path(),
        &[
            &["compare", "baseline", "--what-if", long, "--out", "c"][..],
            &small,
        ]
        .concat(),
    );
    let report = text(&out.stdout);
    assert!(report.contains("reference arm: baseline"), "{report}");
    assert!(report.contains("difference to reference"), "{report}");
    assert!(report.contains(
        "funded share of coordination value, all weeks (cumulative_coordination_funded_share; higher is better)"
    ));
    assert!(report.contains("it also shrinks when less coordination happens at all"));
}

#[test]
fn a_sweep_ends_on_a_table_and_its_timeseries_names_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = coordsim(
        dir.path(),
        &[
            "sweep",
            "baseline",
            "--vary",
            "funding.coordination_share=0,0.4",
            "--replicates",
            "3",
            "--ticks",
            "20",
            "--no-plots",
            "--out",
            "s",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let rows: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("each point"))
        .collect();
    assert!(rows[1].contains("funding.coordination_share") && rows[1].contains("value gap"));
    assert!(rows[2].trim_start().starts_with("0      0 "), "{report}");
    assert!(rows[3].trim_start().starts_with("1      0.4 "), "{report}");
    assert!(rows[2].contains(" ["), "{report}");
    // The table's numbers are points.csv's.
    let points = std::fs::read_to_string(dir.path().join("s/points.csv")).unwrap();
    let frag = points
        .lines()
        .find(|l| l.starts_with("1,0.4,final_fragmentation,"))
        .unwrap();
    let mean: f64 = frag.split(',').nth(4).unwrap().parse().unwrap();
    assert!(rows[3].contains(&format!("{mean:.3}")), "{report}\n{frag}");
    let series = std::fs::read_to_string(dir.path().join("s/timeseries.csv")).unwrap();
    let mut lines = series.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("scenario,run,point,replicate,seed,tick,")
    );
    assert!(lines.all(|l| l.starts_with("baseline,")));
    // --quiet prints nothing at all.
    let out = coordsim(
        dir.path(),
        &[
            "sweep",
            "baseline",
            "--vary",
            "funding.coordination_share=0,0.4",
            "--replicates",
            "2",
            "--ticks",
            "10",
            "--no-plots",
            "--quiet",
            "--out",
            "q",
        ],
    );
    assert!(out.status.success() && out.stdout.is_empty());
}
