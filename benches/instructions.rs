//! Linear work, proven by instruction counts: instructions per community-tick of one replicate
//! at 10,000 and 100,000 communities, counted by valgrind's cachegrind, and their ratio.
//!
//! Issue 17's rule: 10x the communities may cost at most 11x the instructions. Wall-clock time
//! per community-tick, in cache and out of it, is the `ratio` bench's (`cargo bench --bench
//! ratio`); this one counts work, which a shared machine's noise and cache misses do not move.
//!
//! The bench re-executes itself under `valgrind --tool=cachegrind --cache-sim=no` (one child per
//! size and tick count; the child runs `run_replicate` on the baseline scenario resized to that
//! many communities, 100 per region as in the `ratio` bench, one thread, and exits). Each size
//! runs twice, with 0 ticks and with `COORDSIM_BENCH_TICKS` ticks: the difference is the
//! instructions of the ticks alone (set-up, process start and the tick-0 record cancel out, since
//! the same seed builds the same world), divided by communities x ticks. The whole-process
//! counts are printed too. Counts are exact and repeatable (same binary, same inputs).
//!
//! Run with `cargo bench --bench instructions`. Knobs: `COORDSIM_BENCH_TICKS` (default 10),
//! `COORDSIM_BENCH_SIZES` (default `10000,100000`; the ratio is last size over first). Without
//! valgrind it says how to install it and exits 0 (a bench, not a test).

mod common;
use common::{PER_REGION, env_or, params_for};

use std::path::Path;
use std::process::Command;

use coordsim::sim::run_replicate;
use coordsim::world::rng::replicate_seed;

/// Largest acceptable instruction ratio for 10x the communities.
const MAX_RATIO: f64 = 11.0;
/// Set in a child's environment: `communities,ticks` to run under cachegrind.
const CHILD: &str = "COORDSIM_ICOUNT_CHILD";

/// The child: one replicate, nothing printed (cachegrind counts this process).
fn child(spec: &str) {
    let (communities, ticks) = spec
        .split_once(',')
        .and_then(|(n, t)| Some((n.parse::<u32>().ok()?, t.parse::<u32>().ok()?)))
        .unwrap_or_else(|| panic!("{CHILD}={spec}: expected communities,ticks"));
    let params = params_for(communities, ticks);
    let out = run_replicate(&params, 0, replicate_seed(params.run.seed, 0));
    std::hint::black_box(out);
}

/// Instructions executed by this binary as a child running `communities` for `ticks` ticks:
/// the `summary:` line of cachegrind's out file.
fn count(dir: &Path, communities: u32, ticks: u32) -> u64 {
    let out_file = dir.join(format!("cachegrind.{communities}.{ticks}"));
    let exe = std::env::current_exe().expect("the bench knows its own path");
    // Its stderr (a warning about the L3 cache on every start) is shown only on failure.
    let run = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=no", "--quiet"])
        .arg(format!("--cachegrind-out-file={}", out_file.display()))
        .arg(&exe)
        .env(CHILD, format!("{communities},{ticks}"))
        .output()
        .expect("valgrind starts");
    assert!(
        run.status.success(),
        "valgrind on {communities} x {ticks}: {}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out_file).expect("cachegrind wrote its out file");
    let summary = text
        .lines()
        .find_map(|l| l.strip_prefix("summary:"))
        .expect("cachegrind's out file has a summary line");
    summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the summary starts with the instruction count (I refs)")
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let found = Command::new("valgrind").arg("--version").output();
    if !found.is_ok_and(|o| o.status.success()) {
        println!(
            "instructions: valgrind not found; install it (Debian: `apt-get install valgrind`) and run `cargo bench --bench instructions` again"
        );
        return;
    }
    let ticks: u32 = env_or("COORDSIM_BENCH_TICKS", 10).max(1);
    let sizes: Vec<u32> = std::env::var("COORDSIM_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".to_string())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("COORDSIM_BENCH_SIZES: comma-separated counts")
        })
        .collect();
    println!(
        "instructions: baseline scenario, {ticks} ticks, {PER_REGION} communities per region, 1 thread, cachegrind --cache-sim=no; per community-tick = (I({ticks} ticks) - I(0 ticks)) / (communities x {ticks})"
    );
    let dir = std::env::temp_dir().join(format!("coordsim-icount-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut per_tick = Vec::new();
    for &n in &sizes {
        let (setup, whole) = (count(&dir, n, 0), count(&dir, n, ticks));
        let ticks_only = whole.saturating_sub(setup);
        let per = ticks_only as f64 / (f64::from(n) * f64::from(ticks));
        println!(
            "instructions: {n:>8} communities: {whole:>15} whole process, {setup:>14} with 0 ticks, {ticks_only:>15} in the ticks, {per:>8.1} per community-tick"
        );
        per_tick.push((n, ticks_only));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (Some(&(n0, i0)), Some(&(n1, i1))) = (per_tick.first(), per_tick.last()) else {
        return;
    };
    if n0 != n1 {
        let ratio = i1 as f64 / i0 as f64;
        let scale = f64::from(n1) / f64::from(n0);
        let limit = MAX_RATIO * scale / 10.0;
        let verdict = if ratio <= limit { "within" } else { "OVER" };
        println!(
            "instructions: I({n1}) / I({n0}) in the ticks = {ratio:.3}x for {scale:.0}x the communities ({verdict} the {limit:.1}x limit)"
        );
    }
}
