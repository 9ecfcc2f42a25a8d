//! Switching a mechanism off in `[mechanisms]` really removes its effect, and on it is there.

use coordsim::metrics::Record;
use coordsim::scenario::Scenario;
use coordsim::sim::{ReplicateOutput, run_replicate};

fn run_with(overrides: &[&str]) -> ReplicateOutput {
    let mut s = Scenario::baseline();
    for o in [
        "run.ticks=80",
        "population.communities=150",
        "population.regions=5",
    ]
    .iter()
    .chain(overrides)
    {
        s.apply_override(o).unwrap();
    }
    run_replicate(&s.params, 0, 2024)
}

fn total(run: &ReplicateOutput, f: impl Fn(&Record) -> f64) -> f64 {
    run.records.iter().map(f).sum()
}

#[test]
fn kinship_off_means_no_new_ties_ever() {
    // Without relationships at tick 0, only kinship encounters could create ties.
    let off = run_with(&["mechanisms.kinship=false", "population.initial_ties=0"]);
    assert_eq!(total(&off, |r| r.mean_trust), 0.0);
    assert!(off.ties.is_empty());
    let on = run_with(&["population.initial_ties=0"]);
    assert!(total(&on, |r| r.ties) > 0.0);
}

#[test]
fn resonance_off_means_no_community_passes_the_resonance_stage() {
    let off = run_with(&["mechanisms.resonance=false"]);
    let beyond_kinship =
        |r: &Record| r.stage_2 + r.stage_3 + r.stage_4 + r.stage_5 + r.stage_6 + r.stage_7;
    assert_eq!(total(&off, beyond_kinship), 0.0);
    assert!(total(&run_with(&[]), beyond_kinship) > 0.0);
}

#[test]
fn mutual_support_off_means_no_aid() {
    assert_eq!(
        total(&run_with(&["mechanisms.mutual_support=false"]), |r| r
            .aid_flow),
        0.0
    );
    assert!(total(&run_with(&[]), |r| r.aid_flow) > 0.0);
}

#[test]
fn identity_off_means_no_networks() {
    let off = run_with(&["mechanisms.identity=false"]);
    assert_eq!(total(&off, |r| r.networks + r.network_members_share), 0.0);
    assert!(total(&run_with(&[]), |r| r.networks) > 0.0);
}

#[test]
fn pooling_off_means_no_pools_and_no_projects() {
    let off = run_with(&["mechanisms.pooling=false"]);
    assert_eq!(
        total(&off, |r| r.pooled_resources + r.collective_actions_started),
        0.0
    );
    assert!(total(&run_with(&[]), |r| r.pooled_resources) > 0.0);
}

#[test]
fn collective_action_off_means_no_projects() {
    let off = run_with(&["mechanisms.collective_action=false"]);
    assert_eq!(total(&off, |r| r.collective_actions_started), 0.0);
    assert!(total(&run_with(&[]), |r| r.collective_actions_succeeded) > 0.0);
}

#[test]
fn interdependence_off_means_no_shared_infrastructure() {
    let off = run_with(&["mechanisms.interdependence=false"]);
    assert_eq!(
        total(&off, |r| r.stage_7),
        0.0,
        "stage 7 needs shared-infrastructure stake"
    );
    assert!(total(&run_with(&[]), |r| r.stage_7) > 0.0);
}

#[test]
fn direct_service_funding_sends_nothing_to_coordination_from_funders() {
    let direct = run_with(&[
        "funding.policy=direct_service",
        "pooling.coordination_share=0",
    ]);
    assert_eq!(total(&direct, |r| r.coordination_funding), 0.0);
    let earmarked = run_with(&[]);
    assert!(total(&earmarked, |r| r.coordination_funding) > 0.0);
}
