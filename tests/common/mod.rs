//! Shared by the test files that kill a long command mid-way (`mod common;`).

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

/// Waits until the JSON checkpoint at `checkpoint` holds `field` >= `at_least` (or a minute
/// passed), then kills `child` (SIGKILL) and reaps it: a command stopped after some recorded
/// progress and before its end.
pub fn kill_after_progress(child: &mut Child, checkpoint: &Path, field: &str, at_least: u64) {
    let start = Instant::now();
    loop {
        let done = std::fs::read_to_string(checkpoint)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v[field].as_u64())
            .unwrap_or(0);
        if done >= at_least || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
