//! Plots as users get them: a small real run draws its dashboard, panels and network picture;
//! `coordsim plot` redraws them byte for byte, animates the GIF, and draws comparison and sweep
//! folders from CSV fixtures; bad folders and flags fail with clear messages.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// A small run: 3 replicates, 26 weeks, snapshots at weeks 0, 13 and 26.
fn small_run(dir: &Path, out: &str, extra: &[&str]) {
    coordsim(dir)
        .args([
            "run",
            "--ticks",
            "26",
            "--replicates",
            "3",
            "--seed",
            "5",
            "--set",
            "output.ties_every=13",
            "--quiet",
            "--out",
            out,
        ])
        .args(extra)
        .assert()
        .success();
}

const PANELS: [&str; 8] = [
    "coordination_gap",
    "cumulative_gap",
    "fragmentation",
    "trust_capacity",
    "interdependence_coherence",
    "networks",
    "stages",
    "inclusion",
];

/// Checks a PNG's size and that it is not blank: many colours, a fair share of ink.
fn check_png(path: &Path, size: (u32, u32)) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let not_png = |e: png::DecodingError| format!("{}: not a PNG: {e}", path.display());
    let mut reader = png::Decoder::new(bytes.as_slice())
        .read_info()
        .unwrap_or_else(|e| panic!("{}", not_png(e)));
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut pixels)
        .unwrap_or_else(|e| panic!("{}", not_png(e)));
    assert_eq!((info.width, info.height), size, "{}", path.display());
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight),
        "{}",
        path.display()
    );
    let mut colours: Vec<[u8; 3]> = pixels[..info.buffer_size()]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let ink = colours.iter().filter(|c| **c != [255, 255, 255]).count();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 30,
        "{}: only {} colours",
        path.display(),
        colours.len()
    );
    assert!(
        ink * 50 > (size.0 * size.1) as usize,
        "{}: almost blank",
        path.display()
    );
}

/// Checks an SVG's size and that its text holds every `needle`.
fn check_svg(path: &Path, size: (u32, u32), needles: &[&str]) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        text.starts_with(&format!("<svg width=\"{}\" height=\"{}\"", size.0, size.1)),
        "{}",
        path.display()
    );
    assert!(text.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(text.matches("<text").count() > 5, "{}", path.display());
    for n in needles {
        assert!(text.contains(n), "{}: no text `{n}`", path.display());
    }
}

fn gif_frames(path: &Path) -> (u16, u16, usize) {
    let file = std::fs::File::open(path).unwrap();
    let mut decoder = gif::DecodeOptions::new().read_info(file).unwrap();
    let (w, h) = (decoder.width(), decoder.height());
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    (w, h, frames)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_run_draws_its_dashboard_panels_and_network_picture() {
    let dir = tempfile::tempdir().unwrap();
    small_run(dir.path(), "r", &[]);
    let plots = dir.path().join("r/plots");
    check_png(&plots.join("dashboard.png"), (1900, 2535));
    check_svg(
        &plots.join("dashboard.svg"),
        (1900, 2535),
        &[
            "Coordination dashboard: scenario",
            "baseline",
            "week",
            "resources per week",
            "95% CI of the mean (3 replicates)",
            // The gap is headlined with what it is made of, and what it means.
            "coordination work created",
            "funders paid",
            "it also shrinks when less coordination happens at all",
            "gap: value nobody paid for",
        ],
    );
    for p in PANELS {
        check_png(&plots.join(format!("{p}.png")), (1200, 720));
        check_svg(
            &plots.join(format!("{p}.svg")),
            (1200, 720),
            &["\u{2014} baseline", "week"],
        );
    }
    check_png(&plots.join("network.png"), (1300, 1000));
    check_svg(
        &plots.join("network.svg"),
        (1300, 1000),
        &[
            "Trusted ties at week 26",
            "replicate 0",
            "Ties (lines): trust",
        ],
    );
    // Nothing half-written is left behind, and the manifest lists the plots.
    assert!(files_in(&plots).iter().all(|f| !f.contains(".tmp")));
    let manifest = std::fs::read_to_string(dir.path().join("r/manifest.json")).unwrap();
    assert!(manifest.contains("plots/dashboard.png") && manifest.contains("nodes.csv"));
}

#[test]
fn plot_redraws_the_same_bytes_and_animates_every_snapshot_with_cross_fades() {
    let dir = tempfile::tempdir().unwrap();
    small_run(dir.path(), "r", &[]);
    coordsim(dir.path())
        .args(["plot", "r", "--animate", "--out", "again"])
        .assert()
        .success()
        .stdout(predicate::str::contains("network (png, svg, gif)"));
    let (first, again) = (dir.path().join("r/plots"), dir.path().join("again"));
    for f in files_in(&first) {
        assert!(
            std::fs::read(first.join(&f)).unwrap() == std::fs::read(again.join(&f)).unwrap(),
            "{f} differs between run and plot"
        );
    }
    // Three snapshots, and three cross-fade frames between each two of them.
    assert_eq!(
        gif_frames(&again.join("network.gif")),
        (975, 750, 3 + 2 * 3)
    );
    // An explicit snapshot tick gets its own file; other ticks are refused with the list.
    coordsim(dir.path())
        .args(["plot", "r", "--tick", "13", "--quiet"])
        .assert()
        .success()
        .stdout("");
    check_png(&first.join("network_tick_13.png"), (1300, 1000));
    check_svg(
        &first.join("network_tick_13.svg"),
        (1300, 1000),
        &["Trusted ties at week 13"],
    );
    coordsim(dir.path())
        .args(["plot", "r", "--tick", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("snapshot ticks are 0, 13, 26"));
}

#[test]
fn plots_are_byte_identical_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    small_run(dir.path(), "a", &["--threads", "2"]);
    small_run(dir.path(), "b", &["--threads", "1"]);
    let (a, b) = (dir.path().join("a/plots"), dir.path().join("b/plots"));
    assert_eq!(files_in(&a), files_in(&b));
    assert_eq!(files_in(&a).len(), 2 * (PANELS.len() + 2));
    for f in files_in(&a) {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn no_plots_draws_nothing_and_overrides_reach_the_titles() {
    let dir = tempfile::tempdir().unwrap();
    small_run(dir.path(), "quiet", &["--no-plots"]);
    assert!(!dir.path().join("quiet/plots").exists());
    small_run(
        dir.path(),
        "direct",
        &["--set", "funding.policy=direct_service"],
    );
    check_svg(
        &dir.path().join("direct/plots/dashboard.svg"),
        (1900, 2535),
        &["baseline (funding.policy=direct_service)"],
    );
}

/// The header and rows of a comparison's timeseries.csv: two arms, 3 replicates, 5 ticks.
fn compare_fixture(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut ts = String::from(
        "scenario,replicate,seed,tick,fragmentation,mean_trust,coordination_value,cumulative_coordination_value_gap\n",
    );
    for (arm, label) in ["earmark", "direct service"].iter().enumerate() {
        for rep in 0..3 {
            for tick in 0..5 {
                let x = tick as f64 / 4.0;
                let frag = 0.95 - 0.3 * x * (1 - arm) as f64 + 0.01 * rep as f64;
                let value = 30.0 + 10.0 * x + rep as f64;
                let gap = value * tick as f64 * 0.9;
                writeln_str(
                    &mut ts,
                    &format!(
                        "{label},{rep},{},{tick},{frag},0.5,{value},{gap}",
                        100 + rep
                    ),
                );
            }
        }
    }
    std::fs::write(dir.join("timeseries.csv"), ts).unwrap();
    std::fs::write(
        dir.join("compare.csv"),
        "metric,arm,label,n,mean,sd,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high\n\
         final_fragmentation,0,earmark,3,0.66,0.01,0.64,0.68,,,\n\
         final_fragmentation,1,direct service,3,0.96,0.01,0.94,0.98,0.3,0.27,0.33\n\
         cumulative_coordination_value,0,earmark,3,400,10,380,420,,,\n\
         cumulative_coordination_value,1,direct service,3,390,10,370,410,-10,-30,10\n",
    )
    .unwrap();
}

fn writeln_str(s: &mut String, line: &str) {
    s.push_str(line);
    s.push('\n');
}

#[test]
fn a_comparison_folder_draws_overlays_and_a_forest_plot() {
    let dir = tempfile::tempdir().unwrap();
    compare_fixture(&dir.path().join("cmp"));
    coordsim(dir.path())
        .args(["plot", "cmp"])
        .assert()
        .success()
        .stdout(predicate::str::contains("drew the comparison"));
    let plots = dir.path().join("cmp/plots");
    check_png(&plots.join("compare.png"), (1900, 90 + 560 * 2));
    for m in [
        "fragmentation",
        "mean_trust",
        "coordination_value",
        "cumulative_coordination_value_gap",
    ] {
        check_png(&plots.join(format!("compare_{m}.png")), (1200, 720));
    }
    check_svg(
        &plots.join("compare_fragmentation.svg"),
        (1200, 720),
        &[
            "Fragmentation: \u{201c}earmark\u{201d} vs. \u{201c}direct service\u{201d}",
            "week",
            "share 0-1",
        ],
    );
    check_png(&plots.join("forest.png"), (1300, 120 + 2 * (170 + 44)));
    check_svg(
        &plots.join("forest.svg"),
        (1300, 120 + 2 * (170 + 44)),
        &[
            "Differences from \u{201c}earmark\u{201d}",
            "fragmentation at the end",
            "coordination value, all weeks",
            "direct service",
        ],
    );
    // --metric keeps one measure; an unknown one is named with the choices.
    coordsim(dir.path())
        .args([
            "plot",
            "cmp",
            "--metric",
            "final_fragmentation",
            "--out",
            "one",
        ])
        .assert()
        .success();
    check_png(&dir.path().join("one/forest.png"), (1300, 120 + 170 + 44));
    coordsim(dir.path())
        .args(["plot", "cmp", "--metric", "final_nonsense"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("final_nonsense").and(predicate::str::contains(
                "final_fragmentation, cumulative_coordination_value",
            )),
        );
}

fn sweep_fixture(dir: &Path, keys: &[&str], grid: &[Vec<&str>]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut points = format!(
        "point,{},metric,n,mean,sd,ci95_low,ci95_high\n",
        keys.join(",")
    );
    for (i, values) in grid.iter().enumerate() {
        for (metric, base) in [("final_fragmentation", 0.9), ("final_networks", 10.0)] {
            let mean = base * (1.0 - 0.05 * i as f64);
            writeln_str(
                &mut points,
                &format!(
                    "{i},{},{metric},10,{mean},0.1,{},{}",
                    values.join(","),
                    mean * 0.95,
                    mean * 1.05
                ),
            );
        }
    }
    // No manifest: the key columns are those between `point` and `metric`.
    std::fs::write(dir.join("points.csv"), points).unwrap();
}

#[test]
fn a_sweep_draws_a_line_for_one_key_and_a_heatmap_for_two() {
    let dir = tempfile::tempdir().unwrap();
    let one: Vec<Vec<&str>> = ["0", "0.1", "0.2", "0.4"]
        .iter()
        .map(|v| vec![*v])
        .collect();
    sweep_fixture(
        &dir.path().join("one"),
        &["funding.coordination_share"],
        &one,
    );
    coordsim(dir.path())
        .args(["plot", "one"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sweep_final_fragmentation (png, svg)",
        ));
    check_png(
        &dir.path().join("one/plots/sweep_final_fragmentation.png"),
        (1200, 760),
    );
    check_svg(
        &dir.path().join("one/plots/sweep_final_fragmentation.svg"),
        (1200, 760),
        &[
            "Fragmentation at the end by funding.coordination_share",
            "funding.coordination_share",
            "share 0-1",
            "95% CI of the mean (10 replicates per point)",
        ],
    );
    coordsim(dir.path())
        .args(["plot", "one", "--metric", "final_networks"])
        .assert()
        .success();
    check_png(
        &dir.path().join("one/plots/sweep_final_networks.png"),
        (1200, 760),
    );

    // A categorical key, with a single level.
    sweep_fixture(
        &dir.path().join("cat"),
        &["funding.policy"],
        &[vec!["quadratic"]],
    );
    coordsim(dir.path())
        .args(["plot", "cat"])
        .assert()
        .success();
    check_svg(
        &dir.path().join("cat/plots/sweep_final_fragmentation.svg"),
        (1200, 760),
        &["quadratic"],
    );

    let mut two = Vec::new();
    for share in ["0", "0.2", "0.4"] {
        for half_life in ["13", "26"] {
            two.push(vec![share, half_life]);
        }
    }
    sweep_fixture(
        &dir.path().join("two"),
        &["funding.coordination_share", "trust.half_life_ticks"],
        &two,
    );
    coordsim(dir.path())
        .args(["plot", "two"])
        .assert()
        .success();
    check_png(
        &dir.path().join("two/plots/sweep_final_fragmentation.png"),
        (1300, 1000),
    );
    check_svg(
        &dir.path().join("two/plots/sweep_final_fragmentation.svg"),
        (1300, 1000),
        &[
            "by funding.coordination_share and trust.half_life_ticks",
            "trust.half_life_ticks",
            "\u{00b1}",
        ],
    );

    // A sampled design that does not fill a grid: dots at their values.
    let sampled: Vec<Vec<&str>> = vec![
        vec!["0.05", "13"],
        vec!["0.15", "40"],
        vec!["0.3", "22"],
        vec!["0.45", "60"],
    ];
    sweep_fixture(
        &dir.path().join("sampled"),
        &["funding.coordination_share", "trust.half_life_ticks"],
        &sampled,
    );
    coordsim(dir.path())
        .args(["plot", "sampled"])
        .assert()
        .success();
    check_png(
        &dir.path()
            .join("sampled/plots/sweep_final_fragmentation.png"),
        (1300, 1000),
    );
    check_svg(
        &dir.path()
            .join("sampled/plots/sweep_final_fragmentation.svg"),
        (1300, 1000),
        &[
            "each dot: one sampled point",
            "trust.half_life_ticks (weeks)",
        ],
    );

    sweep_fixture(
        &dir.path().join("three"),
        &["a.b", "c.d", "e.f"],
        &[vec!["1", "2", "3"]],
    );
    coordsim(dir.path())
        .args(["plot", "three"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 varied keys"));
    coordsim(dir.path())
        .args(["plot", "one", "--metric", "final_nonsense"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--metric").and(predicate::str::contains("final_networks")),
        );
    coordsim(dir.path())
        .args(["plot", "one", "--animate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run folders"));
}

#[test]
fn malformed_folders_fail_with_the_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["plot", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere: not found"));
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    coordsim(dir.path())
        .args(["plot", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("timeseries.csv: not found"));
    // A run's timeseries without the fragmentation column.
    std::fs::write(
        bad.join("timeseries.csv"),
        "scenario,replicate,seed,tick,coordination_value\ns,0,1,0,1\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["plot", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "timeseries.csv: missing column `coordination_funding`",
        ));
    std::fs::write(
        bad.join("timeseries.csv"),
        "scenario,replicate,seed,tick,coordination_value\ns,0,1,0,1\ns,0,1,1,x1\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["plot", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "timeseries.csv:3: column `coordination_value`: expected a number, found `x1`",
        ));
    // A comparison whose compare.csv lacks a column.
    let cmp = dir.path().join("cmp");
    compare_fixture(&cmp);
    std::fs::write(cmp.join("compare.csv"), "metric,arm,label,n,mean\n").unwrap();
    coordsim(dir.path())
        .args(["plot", "cmp"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("compare.csv: missing column `sd`").or(
                predicate::str::contains("compare.csv: missing column `ci95_low`"),
            ),
        );
    // A manifest not of the one manifest shape (docs/manifest.schema.json) is named.
    let sw = dir.path().join("sw");
    sweep_fixture(&sw, &["a.b"], &[vec!["0"], vec!["1"]]);
    std::fs::write(
        sw.join("manifest.json"),
        "{\"kind\": \"sweep\", \"varied\": [\"a.b\"]}\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["plot", "sw"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.json:1: missing field"));
    // Nothing was written for the failed folders.
    assert!(
        !bad.join("plots").exists() && !cmp.join("plots").exists() && !sw.join("plots").exists()
    );
}
