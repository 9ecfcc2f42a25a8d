//! Who caused the value (docs/model.md, Section 8.1): `coordination_value` counts only value that
//! coordination work causes. The counterfactual check runs the model with every coordination
//! hour turned into nothing (`coordination.capacity_multiplier = 0`) on the same seeds: the
//! coordination value must fall to near zero while communities still create peer value.

use coordsim::experiment::run_replicates;
use coordsim::scenario::Scenario;
use coordsim::sim::ReplicateOutput;

const REPLICATES: u32 = 20;

fn run(overrides: &[&str]) -> Vec<ReplicateOutput> {
    let mut s = Scenario::find("baseline").expect("baseline");
    let mut all = vec![format!("run.replicates={REPLICATES}")];
    all.extend(overrides.iter().map(|o| o.to_string()));
    s.apply_overrides(&all).expect("valid overrides");
    run_replicates(&s.params, None, false).expect("runs").0
}

/// Sum over all ticks and replicates of one flow.
fn total(runs: &[ReplicateOutput], flow: impl Fn(&coordsim::metrics::Record) -> f64) -> f64 {
    runs.iter().flat_map(|r| r.records.iter()).map(flow).sum()
}

#[test]
fn without_coordination_work_coordination_value_falls_to_near_zero() {
    let with = run(&[]);
    let without = run(&["coordination.capacity_multiplier=0"]);
    let value_with = total(&with, |r| r.coordination_value);
    let value_without = total(&without, |r| r.coordination_value);
    let peer_without = total(&without, |r| r.peer_value);
    assert!(
        value_with > 0.0,
        "coordination creates value in the baseline"
    );
    assert!(
        value_without <= 0.02 * value_with,
        "without coordination work, coordination value should be near zero: \
         {value_without} against {value_with} with it"
    );
    assert!(
        peer_without > 0.0,
        "communities still help each other without coordination work"
    );
    // No gathering, brokered tie or project happens without capacity.
    let projects: f64 = total(&without, |r| r.collective_actions_started);
    assert_eq!(projects, 0.0, "projects need coordination coverage");
    let participants = without
        .iter()
        .map(|r| r.records.last().expect("ticks").gathering_participants)
        .sum::<f64>();
    assert_eq!(participants, 0.0, "gatherings need coordination hours");
}

#[test]
fn peer_aid_is_not_coordination_value() {
    // With coordination running, aid along ties the communities formed on their own is peer
    // value: switching coordination off must not remove it all, and the two flows together
    // account for every unit of aid relief the model books.
    let runs = run(&[]);
    let peer = total(&runs, |r| r.peer_value);
    let coordination = total(&runs, |r| r.coordination_value);
    assert!(
        peer > 0.0 && coordination > 0.0,
        "peer {peer}, coordination {coordination}"
    );
}
