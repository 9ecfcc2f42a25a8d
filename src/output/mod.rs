//! Output files: the tidy CSVs, the JSON summary and the manifest, written atomically.
//!
//! Every file is first written to a hidden temporary file beside its destination; only when
//! all files of a run are complete are they renamed into place, manifest last. A run that fails
//! or is killed leaves no partial file under the final names (temporaries are removed on error).
//! Numbers are written with Rust's shortest round-trip formatting, so identical runs give
//! identical bytes.

mod across;
mod atomic;
pub mod folder;
pub mod manifest;
pub mod schema;
mod stream;
pub mod sweep;

pub use across::AcrossReplicates;
pub use atomic::{Staging, write_atomic};
pub use folder::{FolderLock, StagedFolder};
pub use schema::{GAP_MEANING, summary_columns};
pub use stream::{
    FinishedReplicate, ReplicateRows, RunFiles, SPOOL_MEMORY, Spool, timeseries_rows,
};

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use schema::{LedgerRow, NodeRow, SummaryRow, TieRow, TimeseriesRow};

use crate::metrics::{COLUMNS, FLOW_COLUMNS, Record};
use crate::sim::ReplicateOutput;
use crate::stats::Summary;

/// Output errors carry the path they concern.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct OutputError {
    pub path: String,
    #[source]
    pub source: io::Error,
}

pub(crate) fn err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.display().to_string(),
        source,
    }
}

/// Where a run's plots go, inside its folder.
pub const PLOTS_DIR: &str = "plots";

/// Writes a header and rows through a CSV writer.
fn write_csv<T: Serialize>(
    out: &mut impl Write,
    header: &[String],
    rows: impl IntoIterator<Item = T>,
) -> io::Result<()> {
    let mut w = schema::writer(out);
    w.write_record(header)?;
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()
}

/// `timeseries.csv`: one row per replicate and tick.
pub fn write_timeseries(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    write_timeseries_arms(out, &[(scenario, runs)])
}

/// `timeseries.csv` of several scenarios (a comparison's arms), one after another.
pub fn write_timeseries_arms(
    out: &mut impl Write,
    arms: &[(&str, &[ReplicateOutput])],
) -> io::Result<()> {
    write_csv(
        out,
        &TimeseriesRow::header(),
        arms.iter().flat_map(|&(scenario, runs)| {
            runs.iter().flat_map(move |run| {
                timeseries_rows(scenario, run.replicate, run.seed, &run.records)
            })
        }),
    )
}

/// `ties.csv`: the trusted ties at each snapshot tick.
pub fn write_ties(out: &mut impl Write, runs: &[ReplicateOutput]) -> io::Result<()> {
    write_csv(
        out,
        &schema::header::<TieRow>(&[]),
        runs.iter()
            .flat_map(|run| run.ties.iter().map(|t| tie_row(run.replicate, t))),
    )
}

/// `ledger.csv`: every replicate's resource ledger, tick by tick.
pub fn write_ledger(out: &mut impl Write, runs: &[ReplicateOutput]) -> io::Result<()> {
    write_csv(
        out,
        &schema::header::<LedgerRow>(&[]),
        runs.iter()
            .flat_map(|run| run.ledger.iter().map(|r| ledger_row(run.replicate, r))),
    )
}

/// A replicate's ledger tick as its `ledger.csv` row.
pub fn ledger_row(replicate: u32, r: &crate::sim::LedgerRow) -> LedgerRow {
    let l = &r.ledger;
    LedgerRow {
        replicate,
        tick: r.tick,
        held_start: l.held_at_start,
        funding_in: l.funding_in,
        production_in: l.production_in,
        project_returns_in: l.project_returns_in,
        own_spending_out: l.own_spending_out,
        aid_out: l.aid_out,
        allocation_relief_out: l.allocation_relief_out,
        coordination_spending_out: l.coordination_spending_out,
        project_spending_out: l.project_spending_out,
        contributions_moved: l.contributions_moved,
        contributions_to_coordination_moved: l.contributions_to_coordination_moved,
        allocations_moved: l.allocations_moved,
        retro_payouts_moved: l.retro_payouts_moved,
        retro_leftover_moved: l.retro_leftover_moved,
        chapter_seeding_moved: l.chapter_seeding_moved,
        merges_moved: l.merges_moved,
        splits_moved: l.splits_moved,
        dissolutions_moved: l.dissolutions_moved,
        treasuries: r.treasuries,
        pools: r.pools,
        coordination_budgets: r.coordination_budgets,
        retro_pot: r.retro_pot,
        held_end: r.held_at_end,
    }
}

/// `nodes.csv`: every community at each snapshot tick (network is empty outside networks).
pub fn write_nodes(out: &mut impl Write, runs: &[ReplicateOutput]) -> io::Result<()> {
    write_csv(
        out,
        &schema::header::<NodeRow>(&[]),
        runs.iter()
            .flat_map(|run| run.nodes.iter().map(|n| node_row(run.replicate, n))),
    )
}

/// A replicate's snapshot community as its `nodes.csv` row.
pub fn node_row(replicate: u32, n: &crate::sim::NodeRow) -> NodeRow {
    NodeRow {
        replicate,
        tick: n.tick,
        community: n.community,
        region: n.region,
        network: n.network,
        members: n.members,
        stage: n.stage,
    }
}

/// A replicate's snapshot tie as its `ties.csv` row.
pub fn tie_row(replicate: u32, t: &crate::sim::TieRow) -> TieRow {
    TieRow {
        replicate,
        tick: t.tick,
        source: t.source,
        target: t.target,
        trust: t.trust,
    }
}

/// One replicate's summary measures; `None` where a measure has no value (never reached).
pub fn summary_values(run: &ReplicateOutput) -> Vec<Option<f64>> {
    summary_of(&run.records, run.first_full_stage_tick)
}

/// The summary measures of a replicate's records (tick 0 first) and its first tick with a
/// network at stage 7.
pub fn summary_of(records: &[Record], first_full_stage_tick: Option<u32>) -> Vec<Option<f64>> {
    let last = records.last().map(|r| r.values()).unwrap_or_default();
    let mut vals: Vec<Option<f64>> = last.iter().skip(1).map(|&v| Some(v)).collect();
    let mut totals = Vec::with_capacity(FLOW_COLUMNS.len());
    for flow in FLOW_COLUMNS {
        let i = COLUMNS
            .iter()
            .position(|c| c == flow)
            .expect("flow columns are metric columns");
        // Tick 0 holds no flows; sum the ticks that ran.
        let total: f64 = records.iter().skip(1).map(|r| r.values()[i]).sum();
        totals.push(total);
        vals.push(Some(total));
    }
    let (value, funding) = (totals[0], totals[1]);
    vals.push(Some(if value > 0.0 { funding / value } else { 0.0 }));
    vals.push(first_full_stage_tick.map(f64::from));
    vals
}

/// `summary.csv`: one row per replicate with final and cumulative values.
pub fn write_summary_csv(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    write_summary_arms(out, &[(scenario, runs)])
}

/// `summary.csv` of several scenarios (a comparison's arms), one after another.
pub fn write_summary_arms(
    out: &mut impl Write,
    arms: &[(&str, &[ReplicateOutput])],
) -> io::Result<()> {
    write_csv(
        out,
        &SummaryRow::header(),
        arms.iter().flat_map(|&(scenario, runs)| {
            runs.iter().map(move |run| SummaryRow {
                scenario: Cow::Borrowed(scenario),
                replicate: run.replicate,
                seed: run.seed,
                measures: summary_values(run),
            })
        }),
    )
}

/// Writes a list of rows with their header (compare.csv, and any fixed-column file).
pub fn write_rows<T: Serialize>(
    out: &mut impl Write,
    header: &[String],
    rows: &[T],
) -> io::Result<()> {
    write_csv(out, header, rows)
}

/// One measure's statistics across replicates, as written to `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureSummary {
    pub metric: String,
    #[serde(flatten)]
    pub stats: Summary,
}

/// Mean, sd and 95% CI of every summary measure across replicates (missing values skipped).
pub fn across_replicates(runs: &[ReplicateOutput]) -> Vec<MeasureSummary> {
    let values: Vec<Vec<Option<f64>>> = runs.iter().map(summary_values).collect();
    AcrossReplicates::of_values(values.iter().map(Vec::as_slice))
        .measures()
        .to_vec()
}

/// `summary.json`: the scenario, replicate count and every measure's statistics.
pub fn write_summary_json(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    let values: Vec<Vec<Option<f64>>> = runs.iter().map(summary_values).collect();
    let across = AcrossReplicates::of_values(values.iter().map(Vec::as_slice));
    write_summary_file(out, scenario, &across)
}

/// `summary.json` of the replicates gathered in `across`.
pub fn write_summary_file(
    out: &mut impl Write,
    scenario: &str,
    across: &AcrossReplicates,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct SummaryFile<'a> {
        scenario: &'a str,
        replicates: usize,
        confidence: f64,
        metrics: &'a [MeasureSummary],
    }
    let file = SummaryFile {
        scenario,
        replicates: across.replicates(),
        confidence: 0.95,
        metrics: across.measures(),
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    writeln!(out)
}

/// Writes a run's folder atomically: the CSVs, `summary.json`, the plots under [`PLOTS_DIR`]
/// and the manifest (`provenance` begun when the run started), renamed into place together.
pub fn write_run(
    out_dir: &Path,
    scenario: &str,
    runs: &[ReplicateOutput],
    plots: &[(&str, &[u8])],
    provenance: manifest::Provenance,
    threads: usize,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut files = RunFiles::begin(out_dir, scenario)?;
    for run in runs {
        files.append_output(run)?;
    }
    files.finish(plots, provenance, threads)
}
