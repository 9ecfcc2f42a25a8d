//! Where a tick's time goes, phase by phase (issue 17: "profile first, and write in
//! BENCHMARKS.md where the time went").
//!
//! Runs one replicate of the baseline resized to each size (100 communities per region, on a
//! pool of `COORDSIM_BENCH_THREADS` threads, default 1) and clocks every phase of
//! `sim::schedule::SCHEDULE` and the metrics, through `Stepper::step_observed`: the same phases,
//! in the same order, as `coordsim run`. Prints, per size, each phase's nanoseconds per
//! community-tick and share of the total, largest first.
//!
//! Run with `cargo bench --bench phases`; `COORDSIM_BENCH_SIZES=10000,100000` and
//! `COORDSIM_BENCH_TICKS=30` choose the sizes and ticks.

mod common;

use std::time::{Duration, Instant};

use common::{env_or, params_for};
use coordsim::sim::Stepper;
use coordsim::sim::schedule::SCHEDULE;

fn main() {
    let sizes: String = env_or("COORDSIM_BENCH_SIZES", "10000,100000".to_string());
    let ticks: u32 = env_or("COORDSIM_BENCH_TICKS", 30);
    let threads: usize = env_or("COORDSIM_BENCH_THREADS", 1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| measure(&sizes, ticks));
}

fn measure(sizes: &str, ticks: u32) {
    for size in sizes
        .split(',')
        .map(|s| s.trim().parse::<u32>().expect("a size"))
    {
        let params = params_for(size, ticks);
        let mut stepper = Stepper::new(&params, 42);
        let mut spent = vec![Duration::ZERO; SCHEDULE.len() + 1];
        let metrics = SCHEDULE.len();
        let started = Instant::now();
        for _ in 0..ticks {
            stepper.step_observed(&mut |phase, took| spent[phase] += took);
            let clock = Instant::now();
            std::hint::black_box(stepper.record());
            spent[metrics] += clock.elapsed();
        }
        let wall = started.elapsed();
        let total: Duration = spent.iter().sum();
        let per = f64::from(size) * f64::from(ticks);
        println!(
            "{size} communities x {ticks} ticks: {:.0} ns per community-tick ({:.2} s)",
            total.as_nanos() as f64 / per,
            wall.as_secs_f64()
        );
        // The size of the tie slab the tie phases stream through, against the caches.
        let ties = &stepper.world().ties;
        let tie_bytes = std::mem::size_of_val(&ties[0]);
        let live = ties.live().count();
        println!(
            "  live ties at the end {live} ({:.1} per community); slab {} slots x {tie_bytes} B = {:.1} MB",
            live as f64 / f64::from(size),
            ties.slots(),
            (ties.slots() * tie_bytes) as f64 / 1e6,
        );
        let mut rows: Vec<(usize, Duration)> = spent.iter().copied().enumerate().collect();
        rows.sort_by_key(|row| std::cmp::Reverse(row.1));
        for (index, took) in rows.into_iter().filter(|(_, t)| !t.is_zero()) {
            let name = SCHEDULE.get(index).map_or("metrics: record", |p| p.name);
            println!(
                "  {:>7.1} ns  {:>5.1}%  {name}",
                took.as_nanos() as f64 / per,
                100.0 * took.as_secs_f64() / total.as_secs_f64()
            );
        }
    }
}
