//! What a plan needs, estimated before it starts, and what the machine has: a run, comparison
//! or sweep too large for the memory (MemAvailable, or `--max-memory`) or the disk under its
//! output folder is refused at once with the estimate, instead of dying hours later.
//!
//! The constants are measured (BENCHMARKS.md, "Memory and disk estimates" and "Memory: streamed
//! outputs"): a replicate's world takes about 0.5 KiB per community, its kept records about 0.6
//! KiB per tick, a snapshot's ties about 128 bytes per community; on disk a replicate's tick is
//! about 0.9 KB of CSV and a snapshot about 120 bytes per community; initial ties beyond the
//! default two add about 24 bytes per community each to the world, 12 to a held snapshot and 7
//! to its CSV (`population.initial_ties` = 100: 473 MB and 128 MB of files for 100,000
//! communities, 2 snapshots, measured; the estimate says 635 MiB and 161 MB). They are rounded
//! up, so the estimate errs on the large side; communities added by replication during a run
//! are not foreseen (the world starts with `population.communities`).
//!
//! A run streams its replicates to disk (`experiment::run_streamed`): only the replicates in
//! its reorder window are in memory, so replicates cost disk, not memory, apart from each
//! replicate's seed and, when plots are drawn, the timeseries read back for them. A
//! comparison still holds every replicate's records (no snapshots).

use std::fmt;
use std::path::Path;

use crate::output::SPOOL_MEMORY;
use crate::scenario::Params;

use super::WINDOW_PER_THREAD;

/// A live world, per community (communities, ties, networks, scratch), at the default two
/// initial ties; each further initial tie per community adds `WORLD_BYTES_PER_TIE`.
const WORLD_BYTES_PER_COMMUNITY: u64 = 1024;
const WORLD_BYTES_PER_TIE: u64 = 24;
/// A replicate's kept records per tick (the metric record and the ledger row).
const RECORD_BYTES_PER_TICK: u64 = 640;
/// A replicate's held snapshot per community (a node row and about four tie rows; a run holds
/// one snapshot's ties per live world, and replicate 0's snapshots when it draws the network).
const SNAPSHOT_BYTES_PER_COMMUNITY: u64 = 128;
/// ... and per further initial tie per community (its tie rows).
const SNAPSHOT_BYTES_PER_TIE: u64 = 12;
/// CSV bytes per replicate and tick (timeseries.csv and ledger.csv rows).
const CSV_BYTES_PER_TICK: u64 = 900;
/// CSV bytes per snapshot and community (nodes.csv and ties.csv rows).
const CSV_BYTES_PER_SNAPSHOT_COMMUNITY: u64 = 120;
/// ... and per further initial tie per community.
const CSV_BYTES_PER_SNAPSHOT_TIE: u64 = 7;
/// A sweep's timeseries row and a runs.csv row.
const SERIES_ROW_BYTES: u64 = 640;
const RUNS_ROW_BYTES: u64 = 640;
/// What a streamed run keeps per replicate: its seed, twice (the seed list and the manifest's),
/// with room for the lists' growth (17 bytes measured: 1,000 to 100,000 replicates).
const BYTES_PER_REPLICATE: u64 = 64;
/// A timeseries row read back for the plots and drawn (48 numbers, the row's keys, the bands;
/// 563 bytes measured: 1,000 and 10,000 replicates of 11 ticks, BENCHMARKS.md).
const PLOT_ROW_BYTES: u64 = 640;
/// The program itself, the plots drawn in memory and slack.
const BASE_BYTES: u64 = 64 << 20;

/// The memory and disk a plan needs, and in words what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub memory: u64,
    pub disk: u64,
    pub what: String,
}

/// Initial ties per community beyond the default two (`population.initial_ties`, up to 100:
/// a world starting with 100 ties per community takes about 5 KiB per community, measured).
fn extra_ties(params: &Params) -> u64 {
    (params.population.initial_ties - 2.0).max(0.0).ceil() as u64
}

/// A live world's bytes per community.
fn world_bytes(params: &Params) -> u64 {
    WORLD_BYTES_PER_COMMUNITY + WORLD_BYTES_PER_TIE * extra_ties(params)
}

/// Snapshot ticks of one replicate: every `ties_every` ticks, and the first and last.
fn snapshots(params: &Params) -> u64 {
    let ticks = u64::from(params.run.ticks);
    match params.output.ties_every {
        0 => 2,
        every => ticks / u64::from(every) + 2,
    }
}

/// A run, streamed: `threads` worlds are alive at once, each with one snapshot's ties; at most
/// `WINDOW_PER_THREAD` x threads replicates hold their records and spools; every replicate
/// keeps its seed; with `plots`, the timeseries of every replicate and replicate 0's
/// snapshots are read back for drawing. On disk: every replicate's files, and the spools of
/// the window while they wait.
pub fn run_need(params: &Params, threads: usize, plots: bool) -> Need {
    let replicates = u64::from(params.run.replicates);
    let ticks = u64::from(params.run.ticks) + 1;
    let communities = u64::from(params.population.communities);
    let snaps = snapshots(params);
    let snapshot = communities
        .saturating_mul(SNAPSHOT_BYTES_PER_COMMUNITY + SNAPSHOT_BYTES_PER_TIE * extra_ties(params));
    let threads = threads.max(1) as u64;
    let worlds = threads.min(replicates);
    let window = (threads * WINDOW_PER_THREAD as u64).min(replicates);
    let held = ticks
        .saturating_mul(RECORD_BYTES_PER_TICK)
        .saturating_add(4 * SPOOL_MEMORY as u64);
    let mut memory = worlds
        .saturating_mul(
            communities
                .saturating_mul(world_bytes(params))
                .saturating_add(snapshot),
        )
        .saturating_add(window.saturating_mul(held))
        .saturating_add(replicates.saturating_mul(BYTES_PER_REPLICATE))
        .saturating_add(BASE_BYTES);
    if plots {
        memory = memory
            .saturating_add(
                replicates
                    .saturating_mul(ticks)
                    .saturating_mul(PLOT_ROW_BYTES),
            )
            .saturating_add(snaps.saturating_mul(snapshot));
    }
    let disk_per_replicate = files_per_replicate(params, ticks, snaps);
    Need {
        memory,
        disk: (replicates + window).saturating_mul(disk_per_replicate),
        what: format!(
            "{replicates} replicates x {} ticks x {communities} communities, {snaps} snapshots each",
            params.run.ticks
        ),
    }
}

/// A replicate's CSV bytes with `snaps` snapshots.
fn files_per_replicate(params: &Params, ticks: u64, snaps: u64) -> u64 {
    let communities = u64::from(params.population.communities);
    ticks.saturating_mul(CSV_BYTES_PER_TICK).saturating_add(
        snaps.saturating_mul(communities).saturating_mul(
            CSV_BYTES_PER_SNAPSHOT_COMMUNITY + CSV_BYTES_PER_SNAPSHOT_TIE * extra_ties(params),
        ),
    )
}

/// A comparison of `arms` arms: every replicate's records are held until the files are written
/// (no snapshots); `threads` worlds are alive at once.
pub fn compare_need(params: &Params, arms: usize, threads: usize) -> Need {
    let replicates = u64::from(params.run.replicates) * arms as u64;
    let ticks = u64::from(params.run.ticks) + 1;
    let communities = u64::from(params.population.communities);
    let worlds = (threads.max(1) as u64).min(replicates);
    let memory = replicates
        .saturating_mul(ticks.saturating_mul(RECORD_BYTES_PER_TICK))
        .saturating_add(
            worlds
                .saturating_mul(communities)
                .saturating_mul(world_bytes(params)),
        )
        .saturating_add(BASE_BYTES);
    Need {
        memory,
        disk: replicates.saturating_mul(files_per_replicate(params, ticks, 0)),
        what: format!(
            "{replicates} replicates x {} ticks x {communities} communities, no snapshots",
            params.run.ticks
        ),
    }
}

/// A sweep: a batch of runs is alive at once (no snapshots), plus what the plan holds
/// (`held` bytes: `experiment::sweep::held_bytes`); on disk every run's kept series and its
/// runs.csv row.
pub fn sweep_need(
    params: &Params,
    points: u64,
    held: u64,
    replicates: u32,
    series_every: u32,
    threads: usize,
) -> Need {
    let runs = points.saturating_mul(u64::from(replicates));
    let ticks = u64::from(params.run.ticks) + 1;
    let communities = u64::from(params.population.communities);
    let batch = (threads.max(1) as u64 * 8).min(runs);
    let per_run = ticks
        .saturating_mul(RECORD_BYTES_PER_TICK)
        .saturating_add(communities.saturating_mul(world_bytes(params)));
    let memory = batch
        .saturating_mul(per_run)
        .saturating_add(held)
        .saturating_add(BASE_BYTES);
    let kept_ticks = ticks.div_ceil(u64::from(series_every.max(1)));
    let disk = runs.saturating_mul(
        kept_ticks
            .saturating_mul(SERIES_ROW_BYTES)
            .saturating_add(RUNS_ROW_BYTES),
    );
    Need {
        memory,
        disk,
        what: format!(
            "{points} points x {replicates} replicates = {runs} runs of {} ticks x {communities} communities",
            params.run.ticks
        ),
    }
}

/// Bytes in words: `1.5 GiB`.
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let mut x = self.0 as f64;
        let mut unit = 0;
        while x >= 1024.0 && unit < units.len() - 1 {
            x /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{x:.1} {}", units[unit])
        }
    }
}

/// `8G`, `512M`, `2GiB`, `1.5g`, or bytes: the `--max-memory` value.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let x: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as 8G or 512M, found `{text}`"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "expected a size such as 8G or 512M, found `{text}`"
            ));
        }
    };
    let bytes = x * scale as f64;
    if !(bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(format!(
            "expected a size such as 8G or 512M, found `{text}`"
        ));
    }
    Ok(bytes as u64)
}

/// The memory the machine has free now: `MemAvailable` of /proc/meminfo (None elsewhere).
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    meminfo_available(&text)
}

fn meminfo_available(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// Free space on the file system that will hold `dir`: that of its nearest existing ancestor
/// (None if it cannot be told).
pub fn available_disk(dir: &Path) -> Option<u64> {
    let existing = dir.ancestors().find(|d| d.exists())?;
    fs2::available_space(existing).ok()
}

/// Refuses a plan whose estimate exceeds the memory limit (`max_memory`, else what is free)
/// or the free disk under `dir`; the message gives the estimate and the limit.
pub fn check(need: &Need, max_memory: Option<u64>, dir: &Path) -> Result<(), String> {
    let (limit, source) = match max_memory {
        Some(m) => (Some(m), "allowed by --max-memory".to_string()),
        None => (
            available_memory(),
            "available (MemAvailable in /proc/meminfo)".to_string(),
        ),
    };
    if let Some(limit) = limit
        && need.memory > limit
    {
        return Err(format!(
            "this needs about {} of memory ({}), more than the {} {source}: lower the replicates, ticks, communities or snapshots (output.ties_every), or set --max-memory",
            Bytes(need.memory),
            need.what,
            Bytes(limit)
        ));
    }
    if let Some(free) = available_disk(dir)
        && need.disk > free
    {
        return Err(format!(
            "this writes about {} of files ({}), more than the {} free under {}: lower the replicates, ticks or snapshots, or choose another --out",
            Bytes(need.disk),
            need.what,
            Bytes(free),
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_binary_units() {
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1.5k"), Ok(1536));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn meminfo_is_read_in_kib() {
        let text = "MemTotal:  100 kB\nMemAvailable:     2048 kB\n";
        assert_eq!(meminfo_available(text), Some(2 << 20));
    }

    #[test]
    fn the_estimate_grows_with_replicates_ticks_and_communities() {
        let p = Params::default();
        let base = compare_need(&p, 1, 2);
        let mut bigger = p.clone();
        bigger.run.replicates *= 2;
        assert!(compare_need(&bigger, 1, 2).memory > base.memory);
        assert_eq!(compare_need(&p, 2, 2).disk, 2 * base.disk);
        let mut huge = p;
        huge.run.replicates = 100_000;
        huge.run.ticks = 100_000;
        huge.population.communities = 10_000_000;
        assert!(
            compare_need(&huge, 1, 2).memory > 1 << 42,
            "terabytes of records"
        );
        assert!(
            run_need(&huge, 2, true).memory > 1 << 40,
            "terabytes of plot rows"
        );
    }

    #[test]
    fn a_streamed_run_costs_disk_not_memory_per_replicate() {
        let mut p = Params::default();
        p.run.ticks = 10;
        p.run.replicates = 1_000;
        let (few, few_plots) = (run_need(&p, 2, false), run_need(&p, 2, true));
        p.run.replicates = 100_000;
        let (many, many_plots) = (run_need(&p, 2, false), run_need(&p, 2, true));
        assert!(many.disk > 90 * few.disk, "files grow with replicates");
        // Without plots only the seeds grow: 64 bytes a replicate.
        assert_eq!(many.memory - few.memory, 99_000 * BYTES_PER_REPLICATE);
        assert!(many.memory < 256 << 20, "{}", Bytes(many.memory));
        // Plots read the timeseries back: 11 rows a replicate.
        assert_eq!(
            many_plots.memory - many.memory,
            few_plots.memory - few.memory + 99_000 * 11 * PLOT_ROW_BYTES
        );
    }
}
