//! Ablation tests: switching a mechanism off (or to its extreme) moves at least one named
//! output beyond replicate noise, paired over >= 20 replicates on shared seeds. Each test is
//! self-contained, with its own small helpers named after it.

use coordsim::experiment::run_replicates;
use coordsim::output::{summary_columns, summary_values};
use coordsim::scenario::Scenario;
use coordsim::sim::ReplicateOutput;
use coordsim::stats::{Summary, paired_difference};

/// Runs the shipped `baseline` for 20 replicates on its seeds, with overrides.
fn gatherings_run(overrides: &[&str]) -> Vec<ReplicateOutput> {
    let mut s = Scenario::find("baseline").unwrap();
    let mut all = vec!["run.replicates=20".to_string()];
    all.extend(overrides.iter().map(|o| o.to_string()));
    s.apply_overrides(&all).unwrap();
    run_replicates(&s.params, None, false).unwrap().0
}

/// `off - on` of a summary measure, paired by replicate.
fn gatherings_effect(on: &[ReplicateOutput], off: &[ReplicateOutput], name: &str) -> Summary {
    let i = summary_columns()
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no measure {name}"));
    let values = |runs: &[ReplicateOutput]| -> Vec<Option<f64>> {
        runs.iter().map(|r| summary_values(r)[i]).collect()
    };
    paired_difference(&values(on), &values(off))
}

/// Gatherings (`gatherings.every_ticks = 0` switches them off): attendees take home local fit
/// (practices learned from peers), so without gatherings communities produce clearly less
/// over the run: `cumulative_direct_value` (production plus direct service) falls
/// (docs/model.md, 7.7).
#[test]
fn gatherings_matter() {
    let on = gatherings_run(&[]);
    let off = gatherings_run(&["gatherings.every_ticks=0"]);
    let production = gatherings_effect(&on, &off, "cumulative_direct_value");
    assert!(
        production.n >= 20 && production.ci95_high < 0.0,
        "direct value without gatherings minus with: expected clearly negative, got {production:?}"
    );
}
