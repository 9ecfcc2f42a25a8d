//! A folder holds one result: reused folders, concurrent commands, interrupts, unwritable
//! folders and a full disk, each through the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("coordsim"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until `path` exists (or 60 s pass).
fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(path.exists(), "{} never appeared", path.display());
}

/// Every name in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

const SMALL: &[&str] = &[
    "--ticks",
    "20",
    "--replicates",
    "2",
    "--set",
    "population.communities=40",
    "--set",
    "population.regions=4",
    "--quiet",
];

/// A run long enough (seconds) to still hold its folder's lock when a second command comes.
const LONG: &[&str] = &[
    "--ticks",
    "20000",
    "--replicates",
    "2",
    "--threads",
    "1",
    "--quiet",
];

#[test]
fn a_reused_folder_after_plot_animate_holds_only_the_second_run() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["run", "--out", "x"])
        .args(SMALL)
        .assert()
        .success();
    coordsim(dir.path())
        .args(["plot", "x", "--animate", "--quiet"])
        .assert()
        .success();
    let plots = names(&dir.path().join("x/plots"));
    assert!(plots.iter().any(|n| n == "network.gif"), "{plots:?}");
    coordsim(dir.path())
        .args([
            "run",
            "--out",
            "x",
            "--set",
            "funding.policy=direct_service",
        ])
        .args(SMALL)
        .assert()
        .success();
    let plots = names(&dir.path().join("x/plots"));
    assert!(
        !plots
            .iter()
            .any(|n| n == "network.gif" || n.starts_with("network_tick_")),
        "the first run's animation is gone: {plots:?}"
    );
    // The manifest lists exactly the files in the folder.
    let m = manifest(&dir.path().join("x"));
    let mut listed: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.sort();
    let mut present: Vec<String> = names(&dir.path().join("x"))
        .into_iter()
        .filter(|n| n != "plots")
        .chain(plots.iter().map(|p| format!("plots/{p}")))
        .collect();
    present.sort();
    assert_eq!(listed, present);
    assert!(m["overrides"].to_string().contains("direct_service"));
    // Nothing beside the folder: no lock, no staging.
    assert_eq!(names(dir.path()), vec!["x"]);
}

#[test]
fn plot_removes_the_plot_files_it_no_longer_draws() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["run", "--out", "x", "--no-plots"])
        .args(SMALL)
        .assert()
        .success();
    coordsim(dir.path())
        .args(["plot", "x", "--animate", "--quiet"])
        .assert()
        .success();
    std::fs::write(dir.path().join("x/plots/notes.txt"), "mine").unwrap();
    coordsim(dir.path())
        .args(["plot", "x", "--quiet"])
        .assert()
        .success();
    let plots = names(&dir.path().join("x/plots"));
    assert!(!plots.iter().any(|n| n.ends_with(".gif")), "{plots:?}");
    assert!(plots.iter().any(|n| n == "dashboard.png"));
    assert!(plots.iter().any(|n| n == "notes.txt"), "not a plot: kept");
}

/// Starts `first`, waits until it holds the folder's lock, and checks that `second` into the
/// same folder fails at once with exit 1 naming the first's pid; the first then finishes.
fn second_command_is_refused(dir: &Path, folder: &str, first: &[&str], second: &[&str]) {
    let mut child = spawn(dir, first);
    wait_for(&dir.join(format!(".{folder}.lock")));
    let start = Instant::now();
    coordsim(dir)
        .args(second)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("pid {}", child.id())))
        .stderr(predicate::str::contains("in use"));
    assert!(start.elapsed() < Duration::from_secs(5), "refused at once");
    assert!(child.wait().unwrap().success());
    assert!(!dir.join(format!(".{folder}.lock")).exists());
}

#[test]
fn two_runs_into_one_folder_the_second_is_refused_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let first: Vec<&str> = [&["run", "--out", "x", "--no-plots"], LONG].concat();
    let second: Vec<&str> = [&["run", "--out", "x"], SMALL].concat();
    second_command_is_refused(dir.path(), "x", &first, &second);
    let m = manifest(&dir.path().join("x"));
    assert!(
        m["command_line"].to_string().contains("20000"),
        "the first's"
    );
    assert_eq!(names(dir.path()), vec!["x"]);
}

#[test]
fn two_compares_into_one_folder_never_mix() {
    let dir = tempfile::tempdir().unwrap();
    let first: Vec<&str> = [
        &[
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=direct_service",
            "--out",
            "c",
        ],
        LONG,
    ]
    .concat();
    let second: Vec<&str> = [
        &[
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=quadratic",
            "--out",
            "c",
        ],
        SMALL,
    ]
    .concat();
    second_command_is_refused(dir.path(), "c", &first, &second);
    let compare = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    assert!(compare.contains("direct_service") && !compare.contains("quadratic"));
    assert!(dir.path().join("c/plots").is_dir());
    // Two at once, many times: each folder afterwards is one comparison, data and plots.
    for round in 0..4 {
        let policies = ["direct_service", "quadratic"];
        let children: Vec<Child> = policies
            .iter()
            .map(|p| {
                let what_if = format!("funding.policy={p}");
                let args: Vec<&str> = [
                    &["compare", "baseline", "--what-if", &what_if, "--out", "d"],
                    SMALL,
                ]
                .concat();
                spawn(dir.path(), &args)
            })
            .collect();
        let codes: Vec<i32> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
            .collect();
        assert!(codes.iter().all(|c| *c == 0 || *c == 1), "{codes:?}");
        assert!(codes.contains(&0), "round {round}: {codes:?}");
        let m = manifest(&dir.path().join("d"));
        let winner = policies
            .iter()
            .find(|p| m["command_line"].to_string().contains(*p))
            .unwrap();
        let compare = std::fs::read_to_string(dir.path().join("d/compare.csv")).unwrap();
        for p in policies {
            assert_eq!(compare.contains(p), p == *winner, "round {round}");
        }
        assert_eq!(names(dir.path()), vec!["c", "d"]);
    }
}

#[test]
fn two_sweeps_into_one_folder_the_second_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first: Vec<&str> = [
        &[
            "sweep",
            "baseline",
            "--vary",
            "trust.half_life_ticks=10,20",
            "--out",
            "s",
            "--no-plots",
        ],
        LONG,
    ]
    .concat();
    let second = [
        "sweep",
        "baseline",
        "--vary",
        "trust.half_life_ticks=10,20",
        "--ticks",
        "5",
        "--out",
        "s",
    ];
    second_command_is_refused(dir.path(), "s", &first, &second);
    assert_eq!(
        names(&dir.path().join("s")),
        vec!["manifest.json", "points.csv", "runs.csv", "timeseries.csv"]
    );
}

#[test]
fn ctrl_c_on_a_run_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<&str> = [&["run", "--out", "deep/x"], LONG].concat();
    let child = spawn(dir.path(), &args);
    wait_for(&dir.path().join("deep/.x.lock"));
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[test]
fn ctrl_c_on_a_sweep_says_how_to_resume_and_the_resume_finishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "baseline",
        "--vary",
        "trust.half_life_ticks=10,20,30,40",
        "--replicates",
        "8",
        "--ticks",
        "2000",
        "--threads",
        "1",
        "--quiet",
        "--no-plots",
        "--out",
        "s",
    ];
    let child = spawn(dir.path(), &args);
    let checkpoint = dir.path().join("s/.sweep/checkpoint.json");
    wait_for(&checkpoint);
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("continue the sweep with"), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    // Only the resumable state is left.
    assert_eq!(names(dir.path()), vec!["s"]);
    assert_eq!(names(&dir.path().join("s")), vec![".sweep"]);
    coordsim(dir.path())
        .args(args)
        .arg("--resume")
        .assert()
        .success();
    assert!(dir.path().join("s/runs.csv").is_file());
}

#[test]
fn an_unwritable_folder_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), "not a folder").unwrap();
    // Long enough that a refusal after the simulation would take minutes.
    // (and small enough in memory and on disk to pass the size checks).
    let heavy = [
        "--ticks",
        "100000",
        "--replicates",
        "2",
        "--threads",
        "1",
        "--quiet",
    ];
    for command in [
        vec!["run", "--out", "file/x"],
        vec![
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=quadratic",
            "--out",
            "file/x",
        ],
        vec![
            "sweep",
            "baseline",
            "--vary",
            "trust.half_life_ticks=10,20",
            "--out",
            "file/x",
        ],
    ] {
        let start = Instant::now();
        coordsim(dir.path())
            .args(&command)
            .args(heavy)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("file"));
        assert!(start.elapsed() < Duration::from_secs(10), "{command:?}");
    }
    // A read-only folder: by permissions for a user, a read-only file system for root (whom
    // permissions do not stop; CI runs as root). One of the two always applies.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&ro, perms).unwrap();
    // Large (a tmpfs takes no memory until written), so the free-disk check passes first.
    let read_only_mount = SmallDisk::mount_with("4g", "ro");
    let folder = match &read_only_mount {
        Some(disk) => disk.path.clone(),
        None => ro.clone(),
    };
    assert!(
        std::fs::File::create(folder.join("probe")).is_err(),
        "neither permissions nor a read-only mount stop writes here"
    );
    for command in [
        vec!["run"],
        vec![
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=quadratic",
        ],
        vec!["sweep", "baseline", "--vary", "trust.half_life_ticks=10,20"],
    ] {
        let start = Instant::now();
        coordsim(dir.path())
            .args(&command)
            .args(["--out", &folder.join("x").display().to_string()])
            .args(heavy)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(folder.display().to_string()));
        assert!(start.elapsed() < Duration::from_secs(10), "{command:?}");
        assert!(!folder.join("x").exists());
    }
}

/// A small tmpfs mounted for the test, unmounted when dropped; `None` where mounting is not
/// permitted (not root). CI runs as root, so the full-disk tests run there.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        Self::mount_with(size, "rw")
    }

    /// A tmpfs mounted with `mode` (`rw`, or `ro`: nothing can be written, not even by root).
    fn mount_with(size: &str, mode: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},{mode}"), "tmpfs"])
            .arg(&path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("cannot mount a tmpfs here (not root?): the test that needs it skips it");
            return None;
        }
        Some(SmallDisk { path, _dir: dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(&self.path)
            .status();
    }
}

/// Fills the disk once `folder`'s lock shows the command has started (it is simulating).
fn fill_disk_when_started(disk: &Path, folder: &str) {
    wait_for(&disk.join(format!(".{folder}.lock")));
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=64k", "count=1000"])
        .arg(format!("of={}", disk.join("filler").display()))
        .stderr(Stdio::null())
        .status();
}

#[test]
fn a_full_disk_fails_every_command_with_exit_1_and_leaves_nothing_but_a_sweeps_state() {
    let Some(disk) = SmallDisk::mount("16m") else {
        return;
    };
    // Fits the free disk when it starts (the size check passes); the disk fills meanwhile.
    let long = [
        "--ticks",
        "8000",
        "--replicates",
        "1",
        "--set",
        "output.ties_every=0",
        "--quiet",
        "--threads",
        "1",
    ];
    for command in [
        vec!["run", "--out", "x"],
        vec![
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=quadratic",
            "--out",
            "x",
        ],
        vec![
            "sweep",
            "baseline",
            "--vary",
            "trust.half_life_ticks=10,20",
            "--out",
            "x",
        ],
    ] {
        let args: Vec<&str> = [command.as_slice(), &long].concat();
        let mut child = spawn(&disk.path, &args);
        fill_disk_when_started(&disk.path, "x");
        let out = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(out.code(), Some(1), "{command:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
        if command[0] == "sweep" {
            assert_eq!(names(&disk.path), vec!["filler", "x"]);
            assert_eq!(names(&disk.path.join("x")), vec![".sweep"]);
            std::fs::remove_dir_all(disk.path.join("x")).unwrap();
        } else {
            assert_eq!(names(&disk.path), vec!["filler"], "{command:?}");
        }
        std::fs::remove_file(disk.path.join("filler")).unwrap();
    }
    // Too large for the free disk from the start: refused before anything (exit 2).
    coordsim(&disk.path)
        .args(["run", "--out", "x", "--ticks", "2000", "--replicates", "40"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("of files"));
    assert!(names(&disk.path).is_empty());
    // A plot into a full disk fails and keeps the plots that were there.
    coordsim(&disk.path)
        .args(["run", "--out", "x", "--ticks", "10", "--replicates", "1"])
        .args([
            "--set",
            "population.communities=20",
            "--set",
            "population.regions=2",
        ])
        .arg("--quiet")
        .assert()
        .success();
    let before = names(&disk.path.join("x/plots"));
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=64k", "count=1000"])
        .arg(format!("of={}", disk.path.join("filler").display()))
        .stderr(Stdio::null())
        .status();
    coordsim(&disk.path)
        .args(["plot", "x", "--animate", "--quiet"])
        .assert()
        .code(1);
    assert_eq!(names(&disk.path.join("x/plots")), before);
    assert_eq!(names(&disk.path), vec!["filler", "x"]);
}
