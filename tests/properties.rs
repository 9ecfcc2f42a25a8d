//! Invariants over random valid scenarios: the resource ledger balances every tick, trust stays
//! in [0, 1], shares stay in [0, 1], and no metric is ever NaN or infinite.

use coordsim::scenario::Scenario;
use coordsim::sim::run_replicate;
use proptest::prelude::*;

/// One random scenario: sizes, rule choices, shares and mechanism switches.
struct Case<'a> {
    communities: u32,
    ticks: u32,
    policy: &'a str,
    contribution: &'a str,
    allocation: &'a str,
    design: &'a str,
    shares: (f64, f64, f64),
    cells: bool,
    switches: u8,
}

fn scenario(case: &Case) -> Scenario {
    let Case {
        communities,
        ticks,
        policy,
        contribution,
        allocation,
        design,
        shares,
        cells,
        switches,
    } = *case;
    let mut s = Scenario::baseline();
    let steps = [
        "kinship",
        "resonance",
        "mutual_support",
        "identity",
        "pooling",
        "collective_action",
        "interdependence",
    ];
    let mut overrides = vec![
        format!("population.communities={communities}"),
        "population.regions=4".to_string(),
        format!("run.ticks={ticks}"),
        format!("funding.policy={policy}"),
        format!("funding.coordination_share={}", shares.0),
        format!("funding.grant_cycle_ticks={}", 1 + (switches as u32 % 13)),
        format!("governance.centralization={}", shares.1),
        format!("pooling.contribution_rule={contribution}"),
        format!("pooling.allocation_rule={allocation}"),
        format!("pooling.contribution_rate={}", shares.2),
        format!("gatherings.design={design}"),
        format!("gatherings.every_ticks={}", switches % 7),
        format!("governance.cells={cells}"),
        format!("pattern_library.replication_rate={}", shares.2),
        "identity.min_size=3".to_string(),
    ];
    for (i, step) in steps.iter().enumerate() {
        // Mostly on, each sometimes off.
        let on = switches & (1 << (i % 8)) != 0 || i % 2 == 0;
        overrides.push(format!("mechanisms.{step}={on}"));
    }
    s.apply_overrides(&overrides).unwrap();
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_for_random_valid_scenarios(
        communities in 5u32..120,
        ticks in 5u32..60,
        policy in prop::sample::select(vec!["direct_service", "coordination_share", "quadratic", "retroactive"]),
        contribution in prop::sample::select(vec!["flat", "proportional", "conditional"]),
        allocation in prop::sample::select(vec!["equal", "needs", "quadratic", "vote"]),
        design in prop::sample::select(vec!["universal", "tiered"]),
        share in 0.0f64..1.0,
        centralization in 0.0f64..1.0,
        rate in 0.0f64..0.5,
        cells in any::<bool>(),
        switches in any::<u8>(),
        seed in 0u64..1_000_000,
    ) {
        let case = Case { communities, ticks, policy, contribution, allocation, design, shares: (share, centralization, rate), cells, switches };
        let s = scenario(&case);
        let out = run_replicate(&s.params, 0, seed);
        prop_assert!(out.max_ledger_error < 1e-6, "ledger off by {}", out.max_ledger_error);
        prop_assert_eq!(out.records.len() as u32, ticks + 1);
        prop_assert_eq!(out.ledger.len() as u32, ticks);
        for row in &out.ledger {
            let l = &row.ledger;
            let moves = [l.contributions_moved, l.contributions_to_coordination_moved, l.allocations_moved,
                         l.retro_payouts_moved, l.retro_leftover_moved, l.chapter_seeding_moved,
                         l.merges_moved, l.splits_moved, l.dissolutions_moved];
            prop_assert!(moves.iter().all(|&m| m >= 0.0), "negative move at tick {}: {:?}", row.tick, l);
            let stocks = row.treasuries + row.pools + row.coordination_budgets + row.retro_pot;
            prop_assert!((stocks - row.held_at_end).abs() < 1e-9 * row.held_at_end.abs().max(1.0),
                         "stocks {} != held {} at tick {}", stocks, row.held_at_end, row.tick);
        }
        for r in &out.records {
            for (name, v) in coordsim::metrics::COLUMNS.iter().zip(r.values()) {
                prop_assert!(v.is_finite(), "{} is {}", name, v);
            }
            for v in [r.mean_trust, r.fragmentation, r.largest_component_share, r.network_members_share,
                      r.interdependence, r.coherence, r.inclusion, r.resource_gini, r.stage_0, r.stage_7,
                      r.transitivity] {
                prop_assert!((0.0..=1.0 + 1e-12).contains(&v), "share out of [0,1]: {}", v);
            }
            let stages = r.stage_0 + r.stage_1 + r.stage_2 + r.stage_3 + r.stage_4 + r.stage_5 + r.stage_6 + r.stage_7;
            prop_assert!((stages - 1.0).abs() < 1e-9);
        }
        for t in &out.ties {
            prop_assert!((0.0..=1.0).contains(&t.trust));
        }
    }
}
