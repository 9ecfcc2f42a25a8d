//! What a second thread can buy on this machine, whatever the model does (issue 17, item 1).
//!
//! Two loops shaped like the tick's work, each timed on a pool of one thread and on a pool of
//! every core, in one run:
//! - streaming: read, change and write back a large array in order (the shape of trust decay
//!   over the tie slab and of compaction): bounded by memory bandwidth, which the cores share;
//! - gathering: read the array at random indices (the shape of an encounter reading its
//!   partner's values, or the metrics reading a tie's endpoints): bounded by memory latency,
//!   which each core waits out on its own.
//!
//! The ratio of the two timings is the speed-up that loop can get from the extra cores; a phase
//! made of streaming work cannot beat the first ratio however it is split.
//!
//! `COORDSIM_BENCH_MB` sets the array's size (default 400 MB of f64, well past any cache;
//! the random indices take half as much again). Run with `cargo bench --bench bandwidth`.

use std::time::{Duration, Instant};

use rayon::prelude::*;

/// Elements per task: large enough that the hand-over is noise.
const CHUNK: usize = 1 << 16;
/// Timed repetitions; the fastest is kept (the loop's cost without interruptions).
const REPS: usize = 5;

fn stream(values: &mut [f64]) {
    values.par_chunks_mut(CHUNK).for_each(|chunk| {
        for v in chunk {
            *v = *v * 0.999 + 0.001;
        }
    });
}

fn gather(values: &[f64], at: &[u32]) -> f64 {
    at.par_chunks(CHUNK)
        .map(|chunk| chunk.iter().map(|&i| values[i as usize]).sum::<f64>())
        .sum()
}

fn fastest(mut f: impl FnMut()) -> Duration {
    (0..REPS)
        .map(|_| {
            let clock = Instant::now();
            f();
            clock.elapsed()
        })
        .min()
        .expect("at least one repetition")
}

fn main() {
    let mb: usize = std::env::var("COORDSIM_BENCH_MB")
        .ok()
        .map(|s| s.trim().parse().expect("COORDSIM_BENCH_MB: a size in MB"))
        .unwrap_or(400);
    let n = mb * 1_000_000 / 8;
    let mut values: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
    // xorshift: indices spread over the whole array, the same on every run.
    let mut state = 88_172_645_463_325_252u64;
    let at: Vec<u32> = (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as u32
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!("bandwidth: {n} f64 ({mb} MB), fastest of {REPS}, pools of 1 and {cores} threads");
    let mut timings = Vec::new();
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let (streamed, gathered) = pool.install(|| {
            let streamed = fastest(|| stream(&mut values));
            let mut sum = 0.0;
            let gathered = fastest(|| sum += gather(&values, &at));
            assert!(sum.is_finite());
            (streamed, gathered)
        });
        let ns = |d: Duration| d.as_secs_f64() * 1e9 / n as f64;
        println!(
            "bandwidth: {threads} thread(s): streaming {:.2} GB/s ({:.3} ns per element), gathering {:.2} ns per element",
            16.0 * n as f64 / streamed.as_secs_f64() / 1e9,
            ns(streamed),
            ns(gathered),
        );
        timings.push((streamed, gathered));
    }
    let ratio = |one: Duration, all: Duration| one.as_secs_f64() / all.as_secs_f64();
    println!(
        "bandwidth: speed-up on {cores} threads: streaming {:.2}x, gathering {:.2}x",
        ratio(timings[0].0, timings[1].0),
        ratio(timings[0].1, timings[1].1),
    );
}
