//! A tiny fixed scenario, snapshot-tested: any change of model behaviour shows up as a diff of
//! this file and is reviewed on purpose (`INSTA_UPDATE=always cargo test --release --test
//! snapshot` rewrites it after a deliberate change).

use coordsim::experiment::run_replicates;
use coordsim::output::write_summary_csv;
use coordsim::scenario::Scenario;

#[test]
fn a_tiny_scenario_gives_the_recorded_summary() {
    let mut s = Scenario::defaults("tiny");
    s.apply_overrides(&[
        "population.communities=40",
        "population.regions=4",
        "run.ticks=30",
        "run.replicates=3",
        "run.seed=7",
    ])
    .unwrap();
    let (runs, _) = run_replicates(&s.params, Some(1), false).unwrap();
    let mut csv = Vec::new();
    write_summary_csv(&mut csv, "tiny", &runs).unwrap();
    // One measure per line keeps the snapshot diff readable.
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut readable = String::new();
    for row in lines {
        for (k, v) in header.iter().zip(row.split(',')) {
            readable.push_str(&format!("{k} = {v}\n"));
        }
        readable.push('\n');
    }
    insta::assert_snapshot!(readable);
}
