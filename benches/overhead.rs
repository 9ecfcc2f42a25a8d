//! Small runs (issue 17, item 5): inside a sweep of the default scenario, how much of the time
//! goes outside the simulation (set-up, metrics, writing), and runs per second.
//!
//! Replays, in this process through the library and on one thread, the runs of
//! `coordsim sweep baseline --vary funding.coordination_share=0,0.1,0.2,0.3 --replicates 25
//! --threads 1` (same parameters, same per-run seeds), once with the sweep's default
//! `--series-every 1` (every tick kept and measured) and once with `--series-every 0` (only the
//! last tick kept, the default of `coordsim screen` and `coordsim sobol`), and times each part
//! of a run as `sim::run_replicate_measured` and the sweep do it:
//! - set-up: `Stepper::new` (effective parameters, the generator, `build_world`);
//! - simulation: `Stepper::step` (the tick's phases) and the ledger check;
//! - metrics: `Stepper::record_measured` (`metrics::record` at the ticks the sweep keeps,
//!   `metrics::record_flows` at the others), tick 0 included;
//! - formatting: `output::sweep::run_rows` (the run's `runs.csv` row and `timeseries.csv` rows);
//! - file writes: appending those bytes to two files, synced after a batch of 8 runs (the
//!   sweep's batch on one thread) when the sweep's `CheckpointPace` says a checkpoint is due.
//!
//! The share outside the simulation is (set-up + metrics + formatting + file writes) / total.
//! The sweep is replayed `COORDSIM_BENCH_REPS` times (default 3); each part's time is summed per
//! replay and the replay with the median total is printed, with the range of its shares over
//! the replays. It then times the same runs without the per-part clocks (`run_replicate_measured`,
//! `run_rows`, the writes) for runs per second, and checks that the instrumented replay wrote
//! the same bytes as that path. The sweep's once-only work (plan, `points.csv`, manifest) is
//! not counted: it does not grow with the runs.
//!
//! Run with `cargo bench --bench overhead`.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use coordsim::experiment::sweep::CheckpointPace;
use coordsim::output::sweep::{run_rows, runs_header, series_header};
use coordsim::scenario::{Params, Scenario};
use coordsim::sim::{Measured, ReplicateOutput, Stepper, ledger_error, run_replicate_measured};
use coordsim::world::rng::replicate_seed;

const SHARES: [f64; 4] = [0.0, 0.1, 0.2, 0.3];
const REPLICATES: u32 = 25;
/// Runs per batch (`experiment::sweep` on one thread); the part files may be synced after each.
const BATCH: usize = 8;
/// The limit on the share outside the simulation.
const MAX_SHARE: f64 = 0.10;

/// Time spent in each part of a sweep's runs.
#[derive(Default, Clone, Copy)]
struct Parts {
    setup: Duration,
    simulation: Duration,
    metrics: Duration,
    formatting: Duration,
    writes: Duration,
}

impl Parts {
    fn total(&self) -> Duration {
        self.setup + self.simulation + self.metrics + self.formatting + self.writes
    }

    fn outside(&self) -> f64 {
        1.0 - self.simulation.as_secs_f64() / self.total().as_secs_f64()
    }
}

/// One run of the sweep: its number, point, replicate, parameters and seed.
struct Run {
    run: u64,
    point: usize,
    replicate: u32,
    params: Params,
    value: String,
    seed: u64,
}

fn runs() -> Vec<Run> {
    let base = Scenario::baseline().params;
    let mut out = Vec::new();
    for (point, &share) in SHARES.iter().enumerate() {
        let mut params = base.clone();
        params.funding.coordination_share = share;
        for replicate in 0..REPLICATES {
            let run = (point as u64) * u64::from(REPLICATES) + u64::from(replicate);
            out.push(Run {
                run,
                point,
                replicate,
                seed: replicate_seed(base.run.seed, run),
                params: params.clone(),
                value: share.to_string(),
            });
        }
    }
    out
}

/// The two part files of a replay, written and synced as the sweep does.
struct Files {
    runs: File,
    series: File,
    written: usize,
    pace: CheckpointPace,
}

impl Files {
    fn create(dir: &std::path::Path, tag: &str) -> Files {
        let runs = dir.join(format!("runs-{tag}.csv"));
        let series = dir.join(format!("timeseries-{tag}.csv"));
        let mut f = Files {
            runs: File::create(runs).expect("a runs file"),
            series: File::create(series).expect("a series file"),
            written: 0,
            pace: CheckpointPace::after(Duration::ZERO),
        };
        let varied = ["funding.coordination_share".to_string()];
        f.runs.write_all(&runs_header(&varied).unwrap()).unwrap();
        f.series.write_all(&series_header().unwrap()).unwrap();
        f
    }

    fn append(&mut self, rows: &(Vec<u8>, Vec<u8>)) {
        self.runs.write_all(&rows.0).expect("write runs");
        self.series.write_all(&rows.1).expect("write series");
        self.written += 1;
        if self.written.is_multiple_of(BATCH) && self.pace.due() {
            self.sync();
        }
    }

    fn sync(&mut self) {
        let clock = Instant::now();
        self.runs.sync_data().expect("sync runs");
        self.series.sync_data().expect("sync series");
        self.pace = CheckpointPace::after(clock.elapsed());
    }
}

/// One replay with a clock around each part (the path of `run_replicate_measured` without
/// snapshots, taken apart), keeping every `series_every`-th tick.
fn replay_timed(runs: &[Run], files: &mut Files, series_every: u32) -> Parts {
    let mut p = Parts::default();
    let measured = Measured::Every(series_every);
    for r in runs {
        let clock = Instant::now();
        let mut stepper = Stepper::new(&r.params, r.seed);
        let ticks = stepper.params().run.ticks;
        let mut records = Vec::with_capacity(ticks as usize + 1);
        let mut max_ledger_error: f64 = 0.0;
        let after_setup = Instant::now();
        p.setup += after_setup - clock;
        records.push(stepper.record_measured(&measured));
        let mut mark = Instant::now();
        p.metrics += mark - after_setup;
        for _ in 0..ticks {
            stepper.step();
            max_ledger_error = max_ledger_error.max(ledger_error(stepper.world()));
            let stepped = Instant::now();
            p.simulation += stepped - mark;
            records.push(stepper.record_measured(&measured));
            mark = Instant::now();
            p.metrics += mark - stepped;
        }
        let world = stepper.world();
        let out = ReplicateOutput {
            replicate: r.replicate,
            seed: r.seed,
            records,
            ties: Vec::new(),
            nodes: Vec::new(),
            networks: Vec::new(),
            first_full_stage_tick: (world.first_full_stage_tick != u32::MAX)
                .then_some(world.first_full_stage_tick),
            max_ledger_error,
            ledger: Vec::new(),
        };
        let rows = run_rows(
            "baseline",
            r.run,
            r.point,
            std::slice::from_ref(&r.value),
            &out,
            series_every,
        )
        .expect("rows format");
        let formatted = Instant::now();
        p.formatting += formatted - mark;
        files.append(&rows);
        p.writes += formatted.elapsed();
    }
    let clock = Instant::now();
    files.sync();
    p.writes += clock.elapsed();
    p
}

/// One replay as the sweep runs it, one clock around everything.
fn replay_plain(runs: &[Run], files: &mut Files, series_every: u32) -> Duration {
    let clock = Instant::now();
    let measured = Measured::Every(series_every);
    for r in runs {
        let out = run_replicate_measured(&r.params, r.replicate, r.seed, false, &measured);
        let rows = run_rows(
            "baseline",
            r.run,
            r.point,
            std::slice::from_ref(&r.value),
            &out,
            series_every,
        )
        .expect("rows format");
        files.append(&rows);
    }
    files.sync();
    clock.elapsed()
}

fn pct(part: Duration, total: Duration) -> f64 {
    100.0 * part.as_secs_f64() / total.as_secs_f64()
}

fn main() {
    let reps: usize = std::env::var("COORDSIM_BENCH_REPS")
        .ok()
        .map(|r| r.trim().parse().expect("COORDSIM_BENCH_REPS: a count"))
        .unwrap_or(3)
        .max(1);
    let runs = runs();
    let dir: PathBuf =
        std::env::temp_dir().join(format!("coordsim-overhead-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    // The sweep's default, then what `coordsim screen` and `coordsim sobol` keep.
    for series_every in [1, 0] {
        measure(&runs, &dir, reps, series_every);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Replays the sweep `reps` times keeping every `series_every`-th tick, and prints its parts.
fn measure(runs: &[Run], dir: &std::path::Path, reps: usize, series_every: u32) {
    println!(
        "overhead: default sweep (funding.coordination_share=0,0.1,0.2,0.3 x {REPLICATES} replicates = {} runs, {} ticks, --series-every {series_every}), 1 thread, {reps} replays",
        runs.len(),
        runs[0].params.run.ticks
    );
    let files = |name: &str| Files::create(dir, &format!("{name}-every{series_every}"));
    // Warm-up: one plain replay (page cache, allocator, branch predictors).
    replay_plain(runs, &mut files("warm"), series_every);
    let mut timed: Vec<Parts> = Vec::new();
    let mut plain: Vec<Duration> = Vec::new();
    for i in 0..reps {
        timed.push(replay_timed(
            runs,
            &mut files(&format!("timed{i}")),
            series_every,
        ));
        plain.push(replay_plain(
            runs,
            &mut files(&format!("plain{i}")),
            series_every,
        ));
    }
    // The instrumented replay must write what the sweep's path writes.
    for name in ["runs", "timeseries"] {
        let read = |tag: &str| {
            std::fs::read(dir.join(format!("{name}-{tag}-every{series_every}.csv"))).unwrap()
        };
        assert!(
            read("timed0") == read("plain0"),
            "the timed replay's {name} differ from run_replicate_measured's"
        );
    }
    let mut outside: Vec<f64> = timed.iter().map(Parts::outside).collect();
    timed.sort_by_key(Parts::total);
    let p = timed[timed.len() / 2];
    let t = p.total();
    println!(
        "overhead: median replay {:.3} s: simulation {:.1}%, set-up {:.1}%, metrics {:.1}%, formatting rows {:.1}%, file writes {:.1}%",
        t.as_secs_f64(),
        pct(p.simulation, t),
        pct(p.setup, t),
        pct(p.metrics, t),
        pct(p.formatting, t),
        pct(p.writes, t),
    );
    outside.sort_unstable_by(f64::total_cmp);
    let verdict = if p.outside() <= MAX_SHARE {
        "within"
    } else {
        "OVER"
    };
    println!(
        "overhead: outside the simulation {:.1}% of the median replay (range over replays {:.1}% to {:.1}%; {verdict} the {:.0}% limit)",
        100.0 * p.outside(),
        100.0 * outside[0],
        100.0 * outside[outside.len() - 1],
        100.0 * MAX_SHARE,
    );
    plain.sort_unstable();
    let median = plain[plain.len() / 2];
    println!(
        "overhead: as the sweep runs them (no per-part clocks): median {:.3} s per replay, {:.1} runs per second (range {:.1} to {:.1})",
        median.as_secs_f64(),
        runs.len() as f64 / median.as_secs_f64(),
        runs.len() as f64 / plain[plain.len() - 1].as_secs_f64(),
        runs.len() as f64 / plain[0].as_secs_f64(),
    );
}
