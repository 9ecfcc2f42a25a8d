//! The README cannot drift from the program: every `coordsim` command in its `sh` blocks runs,
//! as written and in order, through the built binary in a temporary folder, and the default
//! run's printed summary is the one the README shows (up to the time and thread count).

use std::path::Path;
use std::process::Command;

const README: &str = include_str!("../README.md");

/// The `sh` blocks of the README, each as its lines.
fn sh_blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), l) => block.push(l),
            (None, _) => {}
        }
    }
    blocks
}

/// The commands a reader pastes: lines that call `coordsim`, outside the synopsis block (the
/// one that lists `[SCENARIO]` and other placeholders).
fn commands(text: &str) -> Vec<String> {
    sh_blocks(text)
        .into_iter()
        .filter(|b| !b.iter().any(|l| l.contains("[SCENARIO]")))
        .flatten()
        .filter(|l| l.trim_start().starts_with("coordsim "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The binary's folder first on PATH, as `cargo install --path .` would make it.
fn path_with_binary() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_coordsim"));
    let dir = bin.parent().unwrap().display().to_string();
    match std::env::var("PATH") {
        Ok(p) => format!("{dir}:{p}"),
        Err(_) => dir,
    }
}

/// The run report without what differs between machines and runs: seconds and threads.
fn normalised(report: &str) -> String {
    report
        .lines()
        .map(|l| {
            if l.starts_with("coordsim ") && l.contains(" threads | ") {
                let kept: Vec<&str> = l
                    .split(" | ")
                    .filter(|part| !part.ends_with(" threads") && !part.ends_with(" s"))
                    .collect();
                kept.join(" | ")
            } else {
                l.trim_end().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_readme_command_runs_as_written() {
    let cmds = commands(README);
    for needed in [
        "coordsim run ",
        "coordsim compare ",
        "coordsim sweep ",
        "coordsim plot ",
        "coordsim explain",
    ] {
        assert!(
            cmds.iter().any(|c| c.contains(needed)),
            "the README shows no `{needed}` example: {cmds:#?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = path_with_binary();
    for cmd in &cmds {
        let out = Command::new("sh")
            .args(["-c", cmd])
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README command failed: {cmd}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_readme_shows_the_default_run_as_it_prints() {
    // The block after "The default run prints a summary:".
    let after = README
        .split_once("The default run prints a summary:")
        .expect("README: the default run's summary")
        .1;
    let block = after
        .split_once("```\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .expect("README: a code block with the summary")
        .0;
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_coordsim"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(normalised(block), normalised(printed.trim_end()));
}

#[test]
fn commands_are_found_outside_the_synopsis() {
    let text = "```sh\ncoordsim run [SCENARIO] [--out DIR]\ncoordsim scenarios\n```\n\
                ```sh\ncargo build\ncoordsim run x --quiet   # note\n```\n";
    assert_eq!(commands(text), vec!["coordsim run x --quiet   # note"]);
}
