//! Criterion benchmark: one replicate of the baseline scenario at 10,000 and 100,000 communities.
//!
//! Each size keeps about 100 communities per region (100 and 1,000 regions) and runs a fixed
//! 10 ticks, so throughput (elements = communities x ticks) is directly comparable between the
//! sizes: if the cost of a tick is linear in communities plus ties, both sizes show the same
//! elements per second. At the end the ratio time(100k) / time(10k) of the median iteration
//! times is printed (the requirement is at most 11x for 10x the communities); `benches/ratio.rs`
//! measures the same ratio without criterion. Run with `cargo bench --bench scaling`.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use coordsim::scenario::{Params, Scenario};
use coordsim::sim::run_replicate;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};

/// Ticks simulated per replicate.
const TICKS: u32 = 10;
/// Communities per region (100 and 1,000 regions for the two sizes), so local encounters draw
/// from neighbourhoods of the same size at both scales.
const PER_REGION: u32 = 100;
/// The two sizes compared.
const SIZES: [u32; 2] = [10_000, 100_000];
/// Largest acceptable time(100k) / time(10k).
const MAX_RATIO: f64 = 11.0;

/// Baseline parameters resized to `communities` and `TICKS`.
fn params_for(communities: u32) -> Params {
    let mut params = Scenario::baseline().params;
    params.population.communities = communities;
    params.population.regions = (communities / PER_REGION).max(1);
    params.run.ticks = TICKS;
    params.run.replicates = 1;
    params
}

/// Per-iteration times of the measurement phase, per size, for the ratio printed at the end.
static SAMPLES: Mutex<Vec<(u32, Vec<Duration>)>> = Mutex::new(Vec::new());

fn record(communities: u32, per_iteration: Duration) {
    let mut samples = SAMPLES.lock().expect("no panics while holding the lock");
    match samples.iter_mut().find(|(n, _)| *n == communities) {
        Some((_, times)) => times.push(per_iteration),
        None => samples.push((communities, vec![per_iteration])),
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn replicate(c: &mut Criterion) {
    let mut group = c.benchmark_group("replicate");
    group.sample_size(10);
    // Flat sampling: every sample runs the same number of iterations (one replicate at 100k),
    // instead of the linear 1, 2, ..., 10 that would run 55 replicates.
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(500));
    for communities in SIZES {
        let params = params_for(communities);
        // The 100k replicate takes about a second, so its 10 samples are one iteration each
        // (about 10 s; criterion then warns that it cannot meet the 5 s target, which is
        // expected). The 10k replicate fits about 60 iterations in 2 s.
        let target = if communities > 20_000 { 5 } else { 2 };
        group.measurement_time(Duration::from_secs(target));
        group.throughput(Throughput::Elements(
            u64::from(communities) * u64::from(TICKS),
        ));
        group.bench_with_input(
            BenchmarkId::new("communities", communities),
            &params,
            |b, params| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(run_replicate(black_box(params), 0, 42));
                    }
                    let elapsed = start.elapsed();
                    record(communities, elapsed / iters.max(1) as u32);
                    elapsed
                });
            },
        );
    }
    group.finish();
}

/// Prints the ratio of the median per-iteration times. The recorded times include criterion's
/// few warm-up calls; the median is robust to them.
fn print_ratio() {
    let mut samples = SAMPLES.lock().expect("no panics while holding the lock");
    let mut medians = Vec::new();
    for (communities, times) in samples.iter_mut() {
        let m = median(times);
        let per = m.as_secs_f64() * 1e9 / (f64::from(*communities) * f64::from(TICKS));
        println!(
            "scaling: {communities:>7} communities x {TICKS} ticks: median {:>9.3} ms, {per:.1} ns per community-tick",
            m.as_secs_f64() * 1e3
        );
        medians.push((*communities, m));
    }
    let small = medians.iter().find(|(n, _)| *n == SIZES[0]);
    let large = medians.iter().find(|(n, _)| *n == SIZES[1]);
    if let (Some((_, small)), Some((_, large))) = (small, large) {
        let ratio = large.as_secs_f64() / small.as_secs_f64();
        let verdict = if ratio <= MAX_RATIO { "within" } else { "OVER" };
        println!(
            "scaling: time(100k) / time(10k) = {ratio:.2}x for 10x the communities ({verdict} the {MAX_RATIO}x limit)"
        );
    } else {
        // A filter on the command line (e.g. `cargo bench -- 10000`) ran only one size.
        println!("scaling: ratio not printed: both sizes must run (no benchmark filter)");
    }
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotters backend panics with `FontUnavailable` here, because this
    // crate turns on plotters' `ab_glyph` feature, which has no font registered at bench time.
    config = Criterion::default().without_plots();
    targets = replicate
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratio();
}
