//! A run streamed to its folder (`experiment::run_streamed`: replicates appended as they finish,
//! rows spooled to disk past `output::SPOOL_MEMORY`) writes the same bytes as the in-memory
//! writer (`output::write_run` of every `ReplicateOutput`), on any thread count, and leaves no
//! spool behind.

use std::path::Path;

use coordsim::experiment::{self, run_streamed};
use coordsim::output::{RunFiles, manifest::Provenance, write_run};
use coordsim::scenario::Scenario;
use coordsim::sim::run_replicate;

const TABLES: [&str; 6] = [
    "timeseries.csv",
    "ties.csv",
    "nodes.csv",
    "ledger.csv",
    "summary.csv",
    "summary.json",
];

fn scenario(overrides: &[&str]) -> Scenario {
    let mut s = Scenario::find("baseline").expect("baseline");
    let overrides: Vec<String> = overrides.iter().map(|o| o.to_string()).collect();
    s.apply_overrides(&overrides).expect("valid overrides");
    s
}

fn provenance(s: &Scenario) -> Provenance {
    Provenance::begin(s, Vec::new(), vec!["test".into()], experiment::SEED_RULE)
}

fn streamed(s: &Scenario, threads: usize, dir: &Path) {
    let mut files = RunFiles::begin(dir, &s.name).unwrap();
    let used = run_streamed(&s.params, Some(threads), false, dir, &s.name, &mut files).unwrap();
    assert_eq!(used, threads);
    files.finish(&[], provenance(s), used).unwrap();
}

fn in_memory(s: &Scenario, dir: &Path) {
    let runs: Vec<_> = experiment::seeds(&s.params)
        .iter()
        .enumerate()
        .map(|(r, &seed)| run_replicate(&s.params, r as u32, seed))
        .collect();
    write_run(dir, &s.name, &runs, &[], provenance(s), 1).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn same_tables(a: &Path, b: &Path, what: &str) {
    for table in TABLES {
        let (x, y) = (
            std::fs::read(a.join(table)).unwrap(),
            std::fs::read(b.join(table)).unwrap(),
        );
        assert!(x == y, "{what}: {table} differs");
    }
    assert_eq!(names(a), names(b), "{what}: the same files, no spool left");
}

#[test]
fn streamed_runs_write_the_in_memory_bytes_on_any_thread_count() {
    let s = scenario(&["run.replicates=5", "run.ticks=30"]);
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("memory");
    in_memory(&s, &reference);
    for threads in [1, 2, 3] {
        let dir = tmp.path().join(format!("streamed-{threads}"));
        streamed(&s, threads, &dir);
        same_tables(&reference, &dir, &format!("{threads} threads"));
    }
}

#[test]
fn replicates_larger_than_a_spool_are_spooled_to_disk_and_joined_exactly() {
    // 20,000 communities at every tick for 6 ticks: 7 snapshots of nodes, about 3 MB a
    // replicate, past the 1 MiB a spool keeps in memory.
    let s = scenario(&[
        "run.replicates=3",
        "run.ticks=6",
        "population.communities=20000",
        "population.regions=200",
        "output.ties_every=1",
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("memory");
    in_memory(&s, &reference);
    let nodes = std::fs::metadata(reference.join("nodes.csv"))
        .unwrap()
        .len();
    assert!(
        nodes / 3 > 2 * coordsim::output::SPOOL_MEMORY as u64,
        "each replicate's nodes ({} bytes) outgrow a spool",
        nodes / 3
    );
    let dir = tmp.path().join("streamed");
    streamed(&s, 2, &dir);
    same_tables(&reference, &dir, "spooled");
}
