//! Plain scaling check: median time of one replicate at 10k and 100k communities, and their ratio.
//!
//! Times `run_replicate` on the baseline scenario resized to 10,000 and 100,000 communities
//! (100 communities per region) with `std::time::Instant`, after one warm-up run per size, and
//! prints the median and minimum per size, the cost per community per tick, the live ties at
//! the end, and the ratio time(100k) / time(10k) of the medians. The sizes are timed in turn
//! (10k, 100k, 10k, 100k, ...), so that a noisy spell on a shared machine hits both; it also
//! prints the median (and range) of the per-round ratios and the ratio of the minimums, which
//! are steadier than the ratio of medians when the machine is noisy. The requirement is at most
//! 11x for 10x the communities (cost linear in communities plus ties); the ratio is reported,
//! never asserted, because a shared machine can be noisy.
//!
//! Run with `cargo bench --bench ratio`. Environment knobs:
//! `COORDSIM_BENCH_TICKS` (default 10), `COORDSIM_BENCH_REPS` (default 5),
//! `COORDSIM_BENCH_SIZES` (default `10000,100000`; the ratio is last size over first).

mod common;
use common::{PER_REGION, env_or, params_for};

use std::hint::black_box;
use std::time::{Duration, Instant};

use coordsim::scenario::Params;
use coordsim::sim::run_replicate;
use coordsim::world::rng::replicate_seed;

const MAX_RATIO: f64 = 11.0;

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench` (and any filter); this target takes no arguments.
    let ticks: u32 = env_or("COORDSIM_BENCH_TICKS", 10);
    let reps: usize = env_or("COORDSIM_BENCH_REPS", 5).max(1);
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
        "ratio: baseline scenario, {ticks} ticks, {PER_REGION} communities per region, {reps} timed runs per size after 1 warm-up, sizes alternated, 1 thread"
    );
    let params: Vec<Params> = sizes.iter().map(|&n| params_for(n, ticks)).collect();
    let seeds: Vec<u64> = params
        .iter()
        .map(|p| replicate_seed(p.run.seed, 0))
        .collect();
    let ties_at_end: Vec<usize> = params
        .iter()
        .zip(&seeds)
        .map(|(p, &seed)| {
            let warm = run_replicate(p, 0, seed);
            warm.ties
                .iter()
                .filter(|t| t.tick == warm.records.len() as u32 - 1)
                .count()
        })
        .collect();
    // Round r times every size once, in turn, so a slow spell of a shared machine falls on
    // all sizes alike instead of on whichever size was being timed.
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(reps); sizes.len()];
    for _ in 0..reps {
        for (i, p) in params.iter().enumerate() {
            let start = Instant::now();
            black_box(run_replicate(black_box(p), 0, seeds[i]));
            times[i].push(start.elapsed());
        }
    }
    // Per-round ratios of the last size to the first, before the times are sorted.
    let mut pair_ratios: Vec<f64> = times[0]
        .iter()
        .zip(&times[times.len() - 1])
        .map(|(t0, t1)| t1.as_secs_f64() / t0.as_secs_f64())
        .collect();
    let mut summary = Vec::new();
    for (i, &communities) in sizes.iter().enumerate() {
        let min = *times[i].iter().min().expect("reps >= 1");
        let med = median(&mut times[i]);
        let per = med.as_secs_f64() * 1e9 / (f64::from(communities) * f64::from(ticks));
        println!(
            "ratio: {communities:>8} communities: median {:>9.3} ms, min {:>9.3} ms, {per:>7.1} ns per community-tick, {} trusted ties at the end",
            med.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3,
            ties_at_end[i],
        );
        summary.push((communities, med, min));
    }
    let (Some(&(n0, t0, min0)), Some(&(n1, t1, min1))) = (summary.first(), summary.last()) else {
        return;
    };
    if n0 != n1 {
        let ratio = t1.as_secs_f64() / t0.as_secs_f64();
        let scale = f64::from(n1) / f64::from(n0);
        let limit = MAX_RATIO * scale / 10.0;
        let verdict = if ratio <= limit { "within" } else { "OVER" };
        println!(
            "ratio: time({n1}) / time({n0}) = {ratio:.2}x for {scale:.0}x the communities ({verdict} the {limit:.1}x limit)"
        );
        pair_ratios.sort_unstable_by(f64::total_cmp);
        println!(
            "ratio: median of the {reps} per-round ratios {:.2}x (range {:.2}x to {:.2}x), ratio of minimums {:.2}x",
            pair_ratios[pair_ratios.len() / 2],
            pair_ratios[0],
            pair_ratios[pair_ratios.len() - 1],
            min1.as_secs_f64() / min0.as_secs_f64(),
        );
    }
}
