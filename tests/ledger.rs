//! `ledger.csv` as the CLI writes it: every row balances (flows and stocks) to 1e-9 relative,
//! moves are non-negative, and the moves a scenario makes are booked.

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;

const HEADER: &str = "replicate,tick,held_start,funding_in,production_in,project_returns_in,\
own_spending_out,aid_out,allocation_relief_out,coordination_spending_out,project_spending_out,\
contributions_moved,contributions_to_coordination_moved,allocations_moved,retro_payouts_moved,\
retro_leftover_moved,chapter_seeding_moved,merges_moved,splits_moved,dissolutions_moved,\
treasuries,pools,coordination_budgets,retro_pot,held_end";

const REPLICATES: usize = 2;
const TICKS: usize = 60;

/// Runs `scenario` through the binary and returns `ledger.csv`'s rows as column -> value.
fn ledger(scenario: &str, dir: &Path) -> Vec<HashMap<String, f64>> {
    let out = dir.join(scenario);
    Command::cargo_bin("coordsim")
        .unwrap()
        .current_dir(dir)
        .args(["run", scenario, "--quiet", "--replicates"])
        .arg(REPLICATES.to_string())
        .arg("--ticks")
        .arg(TICKS.to_string())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("ledger.csv")).expect("ledger.csv written");
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    assert_eq!(header.join(","), HEADER);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"ledger.csv\""),
        "manifest lists ledger.csv"
    );
    lines
        .map(|l| {
            let cells: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
            assert_eq!(cells.len(), header.len(), "row {l}");
            header.iter().cloned().zip(cells).collect()
        })
        .collect()
}

fn ends_with(row: &HashMap<String, f64>, suffix: &str) -> f64 {
    row.iter()
        .filter(|(k, _)| k.ends_with(suffix))
        .map(|(_, v)| v)
        .sum()
}

fn check(scenario: &str, dir: &Path) -> HashMap<String, f64> {
    let rows = ledger(scenario, dir);
    assert_eq!(
        rows.len(),
        REPLICATES * TICKS,
        "{scenario}: one row per replicate and tick"
    );
    let mut totals: HashMap<String, f64> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["replicate"] as usize, i / TICKS);
        assert_eq!(r["tick"] as usize, i % TICKS + 1);
        if i % TICKS > 0 {
            assert_eq!(
                r["held_start"],
                rows[i - 1]["held_end"],
                "{scenario} row {i}: carried"
            );
        }
        let scale = r["held_start"].abs().max(1.0);
        let flows = r["held_start"] + ends_with(r, "_in") - ends_with(r, "_out");
        assert!(
            (r["held_end"] - flows).abs() <= 1e-9 * scale,
            "{scenario} row {i}: held_end {} != start + in - out {flows}",
            r["held_end"]
        );
        let stocks = r["treasuries"] + r["pools"] + r["coordination_budgets"] + r["retro_pot"];
        assert!(
            (r["held_end"] - stocks).abs() <= 1e-9 * scale,
            "{scenario} row {i}: held_end {} != stocks {stocks}",
            r["held_end"]
        );
        for (k, v) in r {
            if k.ends_with("_moved") || k.ends_with("_in") || k.ends_with("_out") {
                assert!(*v >= 0.0, "{scenario} row {i}: {k} = {v} negative");
            }
            *totals.entry(k.clone()).or_default() += v;
        }
    }
    totals
}

#[test]
fn baseline_ledger_balances() {
    let dir = tempfile::tempdir().unwrap();
    let t = check("baseline", dir.path());
    for k in ["funding_in", "production_in", "own_spending_out", "aid_out"] {
        assert!(t[k] > 0.0, "baseline books {k}");
    }
}

#[test]
fn pooling_and_retroactive_moves_are_booked_and_balance() {
    let dir = tempfile::tempdir().unwrap();
    let t = check("funding_retroactive", dir.path());
    for k in [
        "contributions_moved",
        "contributions_to_coordination_moved",
        "allocations_moved",
        "retro_payouts_moved",
        "retro_pot",
    ] {
        assert!(t[k] > 0.0, "funding_retroactive books {k}");
    }
}
