//! Every input checked where it is written: the `[sweep]` table through the loader, every
//! problem of a file reported, cross-key errors naming the key the user set, duplicate keys,
//! non-UTF-8 and oversized files, numbers echoed short.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// `validate` on a file of `text`: exit 2 and its stderr.
fn invalid(text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = coordsim(dir.path())
        .args(["validate", "s.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{text:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn each_bad_sweep_value_is_reported_at_its_line_with_its_key() {
    let cases: &[(&str, &str)] = &[
        (
            "[sweep]\ndesing = \"lhs\"\n",
            "s.toml:2:1: sweep.desing: unknown key `sweep.desing` (did you mean `sweep.design`?)",
        ),
        (
            "[sweep]\ndesign = \"grid\"\n",
            "s.toml:2:10: sweep.design: expected one of \"factorial\", \"zip\", \"lhs\", \"random\", found \"grid\"",
        ),
        (
            "[sweep]\nsamples = 0\n",
            "s.toml:2:11: sweep.samples: expected a whole number in [1, 1000000], found 0",
        ),
        (
            "[sweep]\nsamples = 4294967295\n",
            "s.toml:2:11: sweep.samples: expected a whole number in [1, 1000000], found 4294967295",
        ),
        (
            "[sweep]\nreplicates = 0\n",
            "s.toml:2:14: sweep.replicates: expected a whole number in [1, 100000], found 0",
        ),
        (
            "[sweep]\nseries_every = 0\n",
            "s.toml:2:16: sweep.series_every: expected a whole number in [1, 100000], found 0",
        ),
        (
            "[sweep]\nseeds = \"same\"\n",
            "s.toml:2:9: sweep.seeds: expected one of \"per_run\", \"common\", found \"same\"",
        ),
        (
            "[sweep]\ndesign = \"lhs\"\n[sweep.vary]\n\"trust.half_life_ticks\" = \"1..0\"\n",
            "s.toml:4:27: sweep.vary.trust.half_life_ticks: expected a range from a lower to a higher number, found 1..0",
        ),
        (
            "[sweep]\ndesign = \"lhs\"\n[sweep.vary]\n\"trust.half_life_ticks\" = \"nan..inf\"\n",
            "s.toml:4:27: sweep.vary.trust.half_life_ticks: expected a range of finite numbers, found NaN..inf",
        ),
        (
            "[sweep.vary]\n\"trust.tie_threshold\" = [0.1, 1.5]\n",
            "s.toml:2:31: sweep.vary.trust.tie_threshold: expected a number in [0, 1], found 1.5",
        ),
        (
            "[sweep.vary]\n\"trust.half_life\" = [1]\n",
            "s.toml:2:1: sweep.vary.trust.half_life: `trust.half_life` is not a scenario key (did you mean `trust.half_life_ticks`?)",
        ),
        (
            "[sweep.vary]\n\"run.ticks\" = []\n",
            "s.toml:2:15: sweep.vary.run.ticks: expected at least one value",
        ),
        (
            "[sweep]\ndesign = \"factorial\"\n[sweep.vary]\n\"trust.tie_threshold\" = \"0..1\"\n",
            "s.toml:4:25: sweep.vary.trust.tie_threshold: a range LO..HI needs design = \"lhs\" or \"random\"",
        ),
        (
            "[sweep]\ndesign = \"zip\"\n[sweep.vary]\n\"trust.tie_threshold\" = [0.1, 0.2]\n\"trust.half_life_ticks\" = [1]\n",
            "s.toml:5:27: sweep.vary.trust.half_life_ticks: design = \"zip\" pairs the i-th values: expected 2 values",
        ),
    ];
    for (text, expected) in cases {
        let err = invalid(text.as_bytes());
        assert!(err.contains(expected), "{text}\n{err}");
    }
}

#[test]
fn validate_reports_every_problem_in_file_order_up_to_a_limit() {
    let err = invalid(b"[trust]\ntie_threshold = 2.0\n[sweep]\nreplicates = 0\n[run]\nticks = 0\n");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("error: s.toml:2:"), "{err}");
    assert!(lines[1].starts_with("error: s.toml:4:"), "{err}");
    assert!(lines[2].starts_with("error: s.toml:6:"), "{err}");
    let many: String = (0..30).map(|i| format!("nope{i} = 1\n")).collect();
    let err = invalid(format!("[trust]\n{many}").as_bytes());
    assert_eq!(err.lines().count(), 21, "{err}");
    assert!(
        err.ends_with("s.toml: 10 more problems not shown\n"),
        "{err}"
    );
}

#[test]
fn a_sweep_of_a_bad_table_fails_with_its_position_before_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        "[sweep]\ndesign = \"random\"\nsamples = 4294967295\n[sweep.vary]\n\"trust.tie_threshold\" = \"0..1\"\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["sweep", "s.toml", "--out", "o"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("s.toml:3:11: sweep.samples"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn cross_key_errors_name_the_key_the_user_set_and_regions_follow_communities() {
    let dir = tempfile::tempdir().unwrap();
    // regions (default 10) follows a smaller number of communities.
    std::fs::write(
        dir.path().join("two.toml"),
        "[population]\ncommunities = 2\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["validate", "two.toml"])
        .assert()
        .success();
    coordsim(dir.path())
        .args([
            "run",
            "two.toml",
            "--ticks",
            "3",
            "--replicates",
            "1",
            "--quiet",
        ])
        .args(["--out", "two"])
        .assert()
        .success();
    let manifest = std::fs::read_to_string(dir.path().join("two/manifest.json")).unwrap();
    assert!(manifest.contains("\"regions\": 2"), "{manifest}");
    // Set explicitly, regions above communities is the user's error, on the line they wrote.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[population]\ncommunities = 2\nregions = 3\n",
    )
    .unwrap();
    coordsim(dir.path())
        .args(["validate", "bad.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:3:11: population.regions: expected at most population.communities (2) regions, found 3",
        ));
    coordsim(dir.path())
        .args(["run", "--set", "population.communities=10000000", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--set population.communities=10000000: expected at most pattern_library.max_communities (1000000) communities",
        ));
}

#[test]
fn duplicate_keys_non_utf8_and_oversized_files_are_reported_with_a_position() {
    let err = invalid(b"[trust]\nhalf_life_ticks = 3\nhalf_life_ticks = 4\n");
    assert!(
        err.contains(
            "s.toml:3:1: trust.half_life_ticks: invalid TOML: duplicate key `trust.half_life_ticks`"
        ),
        "{err}"
    );
    let err = invalid(b"[trust]\nhalf_life_ticks = 3\n# caf\xe9\n");
    assert!(
        err.contains("s.toml:3:6: not UTF-8 text (byte 0xE9)"),
        "{err}"
    );
    let err = invalid(b"[trust]\ntie_threshold = 1e308\n");
    assert!(err.contains("found 1e308"), "{err}");
    let name = "n".repeat(10_000_000);
    let err = invalid(format!("[meta]\nname = \"{}\"\n", &name[..300]).as_bytes());
    assert!(
        err.contains("s.toml:2:8: meta.name: expected a name of at most 200 characters, found 300"),
        "{err}"
    );
    let err = invalid(format!("[meta]\nname = \"{name}\"\n").as_bytes());
    assert!(err.contains("larger than 1 MiB"), "{err}");
    let start = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["validate", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 1 MiB"));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
