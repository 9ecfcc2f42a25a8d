//! A run's folder written as its replicates finish: each replicate's rows go to spools (memory,
//! then a hidden file in the folder past [`SPOOL_MEMORY`]) while it runs, and [`RunFiles`]
//! appends finished replicates to the staged tables in replicate order, keeping only each
//! replicate's summary values. So a run's memory does not grow with its replicates or its
//! snapshots, and the files are byte for byte what writing everything at the end gave.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::across::AcrossReplicates;
use super::atomic::{Staging, close};
use super::schema::{self, LedgerRow, NodeRow, SummaryRow, TieRow, TimeseriesRow};
use super::{OutputError, PLOTS_DIR, err, ledger_row, manifest, node_row, summary_of, tie_row};
use crate::metrics::{NetworkRecord, Record};
use crate::sim::{self, Ending, ReplicateOutput};

/// Bytes a spool keeps in memory before it moves to a file.
pub const SPOOL_MEMORY: usize = 1 << 20;

/// The tables of a run's folder, in the order the manifest lists them.
const TABLES: [&str; 5] = [
    "timeseries.csv",
    "ties.csv",
    "nodes.csv",
    "ledger.csv",
    "summary.csv",
];

/// Bytes of one replicate's table: in memory up to [`SPOOL_MEMORY`], then in a hidden file
/// (removed when the spool is dropped; the staging folder goes whole on failure).
#[derive(Debug)]
pub struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
    path: PathBuf,
}

impl Spool {
    /// A spool that, if it grows, moves to `path`.
    pub fn new(path: PathBuf) -> Self {
        Spool {
            memory: Vec::new(),
            file: None,
            path,
        }
    }

    /// Appends the spool's bytes to `out`.
    pub fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.memory)?;
        if let Some(file) = &mut self.file {
            file.seek(SeekFrom::Start(0))?;
            io::copy(&mut io::BufReader::with_capacity(1 << 16, &*file), out)?;
        }
        Ok(())
    }

    /// Whether the spool has moved to a file (tests).
    pub fn on_disk(&self) -> bool {
        self.file.is_some()
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(file) = &mut self.file {
            return file.write(buf);
        }
        if self.memory.len() + buf.len() <= SPOOL_MEMORY {
            self.memory.extend_from_slice(buf);
            return Ok(buf.len());
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&self.path)?;
        file.write_all(&self.memory)?;
        self.memory = Vec::new();
        let n = file.write(buf)?;
        self.file = Some(file);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// One replicate's rows as it runs (a [`sim::Sink`]): snapshots and the ledger written to
/// spools at once, the metric records kept (a few hundred bytes a tick) for the timeseries
/// rows and summary values made when it ends.
pub struct ReplicateRows {
    replicate: u32,
    seed: u64,
    records: Vec<Record>,
    ties: csv::Writer<Spool>,
    nodes: csv::Writer<Spool>,
    ledger: csv::Writer<Spool>,
    spill: (PathBuf, String),
    error: Option<io::Error>,
}

impl ReplicateRows {
    /// Rows of replicate `replicate` (seed `seed`); spools that grow move to hidden files in
    /// `dir`.
    pub fn new(dir: &Path, replicate: u32, seed: u64) -> Self {
        let stem = format!(".spool-{}-{replicate}", std::process::id());
        let spool = |table: &str| schema::writer(Spool::new(dir.join(format!("{stem}-{table}"))));
        ReplicateRows {
            replicate,
            seed,
            records: Vec::new(),
            ties: spool("ties"),
            nodes: spool("nodes"),
            ledger: spool("ledger"),
            spill: (dir.to_path_buf(), stem),
            error: None,
        }
    }

    fn keep(&mut self, result: Result<(), csv::Error>) {
        if let Err(e) = result
            && self.error.is_none()
        {
            self.error = Some(e.into());
        }
    }

    /// The finished replicate: its timeseries rows spooled, its summary values computed.
    pub fn finish(mut self, scenario: &str, ending: Ending) -> io::Result<FinishedReplicate> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let (dir, stem) = &self.spill;
        let mut series = schema::writer(Spool::new(dir.join(format!("{stem}-timeseries"))));
        for row in timeseries_rows(scenario, self.replicate, self.seed, &self.records) {
            series.serialize(row)?;
        }
        let into = |w: csv::Writer<Spool>| w.into_inner().map_err(|e| e.into_error());
        Ok(FinishedReplicate {
            replicate: self.replicate,
            seed: self.seed,
            summary: summary_of(&self.records, ending.first_full_stage_tick),
            timeseries: into(series)?,
            ties: into(self.ties)?,
            nodes: into(self.nodes)?,
            ledger: into(self.ledger)?,
        })
    }
}

impl sim::Sink for ReplicateRows {
    fn record(&mut self, record: Record) {
        self.records.push(record);
    }
    fn ledger(&mut self, row: sim::LedgerRow) {
        let result = self.ledger.serialize(ledger_row(self.replicate, &row));
        self.keep(result);
    }
    fn nodes(&mut self, nodes: &mut dyn Iterator<Item = sim::NodeRow>) {
        for n in nodes {
            let result = self.nodes.serialize(node_row(self.replicate, &n));
            self.keep(result);
        }
    }
    fn ties(&mut self, ties: &[sim::TieRow]) {
        for t in ties {
            let result = self.ties.serialize(tie_row(self.replicate, t));
            self.keep(result);
        }
    }
    /// Network records are for in-memory analyses; a run's files do not hold them.
    fn networks(&mut self, _: &[NetworkRecord]) {}
}

/// A replicate whose rows wait, spooled, to be appended to the run's tables.
#[derive(Debug)]
pub struct FinishedReplicate {
    pub replicate: u32,
    pub seed: u64,
    /// Its summary.csv measures ([`super::summary_values`]).
    pub summary: Vec<Option<f64>>,
    timeseries: Spool,
    ties: Spool,
    nodes: Spool,
    ledger: Spool,
}

/// A run's timeseries rows of one replicate.
pub fn timeseries_rows<'a>(
    scenario: &'a str,
    replicate: u32,
    seed: u64,
    records: &'a [Record],
) -> impl Iterator<Item = TimeseriesRow<'a>> + 'a {
    records.iter().map(move |record| TimeseriesRow {
        scenario: Cow::Borrowed(scenario),
        replicate,
        seed,
        values: record.values(),
    })
}

/// A run's folder being written: the tables open in staging, filled replicate by replicate.
pub struct RunFiles {
    dir: PathBuf,
    scenario: String,
    staging: Staging,
    /// The open tables, in [`TABLES`] order (None once closed).
    tables: Option<Vec<BufWriter<File>>>,
    /// Read back from summary.csv when the tables close.
    across: Option<AcrossReplicates>,
    seeds: Vec<u64>,
}

impl RunFiles {
    /// Opens the tables of a run of `scenario` in `dir` and writes their headers.
    pub fn begin(dir: &Path, scenario: &str) -> Result<Self, OutputError> {
        let mut staging = Staging::new();
        let headers = [
            TimeseriesRow::header(),
            schema::header::<TieRow>(&[]),
            schema::header::<NodeRow>(&[]),
            schema::header::<LedgerRow>(&[]),
            SummaryRow::header(),
        ];
        let mut tables = Vec::with_capacity(TABLES.len());
        for (name, header) in TABLES.iter().zip(headers) {
            let path = dir.join(name);
            let mut w = staging.open(&path)?;
            write_rows_to(&mut w, Some(&header), std::iter::empty::<TieRow>())
                .map_err(err(&path))?;
            tables.push(w);
        }
        Ok(RunFiles {
            dir: dir.to_path_buf(),
            scenario: scenario.to_string(),
            staging,
            tables: Some(tables),
            across: None,
            seeds: Vec::new(),
        })
    }

    fn tables(&mut self) -> &mut [BufWriter<File>] {
        self.tables
            .as_deref_mut()
            .expect("tables are open until close_tables")
    }

    fn table_error(&self, table: usize) -> impl FnOnce(io::Error) -> OutputError + '_ {
        let path = self.dir.join(TABLES[table]);
        move |source| OutputError {
            path: path.display().to_string(),
            source,
        }
    }

    /// Appends the next replicate (replicates come in order) and keeps its summary values.
    pub fn append(&mut self, mut done: FinishedReplicate) -> Result<(), OutputError> {
        let spools = [
            &mut done.timeseries,
            &mut done.ties,
            &mut done.nodes,
            &mut done.ledger,
        ];
        for (i, spool) in spools.into_iter().enumerate() {
            let result = spool.copy_to(&mut self.tables()[i]);
            result.map_err(self.table_error(i))?;
        }
        self.summary_row(done.replicate, done.seed, done.summary)
    }

    /// Appends a replicate held whole in memory (the explorer's downloads).
    pub fn append_output(&mut self, run: &ReplicateOutput) -> Result<(), OutputError> {
        let scenario = self.scenario.clone();
        let r = run.replicate;
        let t = self.tables();
        let results = [
            write_rows_to(
                &mut t[0],
                None,
                timeseries_rows(&scenario, r, run.seed, &run.records),
            ),
            write_rows_to(&mut t[1], None, run.ties.iter().map(|x| tie_row(r, x))),
            write_rows_to(&mut t[2], None, run.nodes.iter().map(|x| node_row(r, x))),
            write_rows_to(&mut t[3], None, run.ledger.iter().map(|x| ledger_row(r, x))),
        ];
        for (i, result) in results.into_iter().enumerate() {
            result.map_err(self.table_error(i))?;
        }
        let summary = summary_of(&run.records, run.first_full_stage_tick);
        self.summary_row(run.replicate, run.seed, summary)
    }

    fn summary_row(
        &mut self,
        replicate: u32,
        seed: u64,
        measures: Vec<Option<f64>>,
    ) -> Result<(), OutputError> {
        self.seeds.push(seed);
        let row = SummaryRow {
            scenario: Cow::Borrowed(self.scenario.as_str()),
            replicate,
            seed,
            measures,
        };
        let result = write_rows_to(&mut self.tables.as_mut().expect("open")[4], None, [row]);
        result.map_err(self.table_error(4))
    }

    /// Finishes the tables (flushed and synced, still under their temporary names) and
    /// summarises the replicates from summary.csv.
    pub fn close_tables(&mut self) -> Result<AcrossReplicates, OutputError> {
        if let Some(tables) = self.tables.take() {
            for (w, name) in tables.into_iter().zip(TABLES) {
                close(w, &self.dir.join(name))?;
            }
        }
        if self.across.is_none() {
            let path = self.dir.join("summary.csv");
            let staged = self.staging.temporary(&path).unwrap_or(&path);
            self.across = Some(AcrossReplicates::read(staged).map_err(err(&path))?);
        }
        Ok(self.across.clone().expect("summarised above"))
    }

    /// Where a closed table can be read before commit (`name` as in the folder, e.g.
    /// `timeseries.csv`).
    pub fn staged(&self, name: &str) -> Option<&Path> {
        self.staging.temporary(&self.dir.join(name))
    }

    /// Writes `summary.json`, the plots under [`PLOTS_DIR`] and the manifest (`provenance`
    /// begun when the run started), then renames everything into place together.
    pub fn finish(
        mut self,
        plots: &[(&str, &[u8])],
        provenance: manifest::Provenance,
        threads: usize,
    ) -> Result<Vec<PathBuf>, OutputError> {
        let across = self.close_tables()?;
        let (dir, staging, scenario) = (&self.dir, &mut self.staging, &self.scenario);
        staging.write(&dir.join("summary.json"), |w| {
            super::write_summary_file(w, scenario, &across)
        })?;
        let mut files = staging.names();
        let plot_dir = dir.join(PLOTS_DIR);
        for (name, bytes) in plots {
            staging.write(&plot_dir.join(name), |w| w.write_all(bytes))?;
        }
        files.push("manifest.json".to_string());
        files.extend(plots.iter().map(|(name, _)| format!("{PLOTS_DIR}/{name}")));
        let m = manifest::Manifest::run(
            provenance.finish(threads, files),
            manifest::RunSection {
                replicate_seeds: std::mem::take(&mut self.seeds),
            },
        );
        staging.write(&dir.join("manifest.json"), |w| m.write(w))?;
        self.staging.commit()
    }
}

/// Rows (and a header, when given) through a fresh CSV writer: rows written in pieces this way
/// are the same bytes as written at once.
pub(super) fn write_rows_to<T: Serialize>(
    out: &mut impl Write,
    header: Option<&[String]>,
    rows: impl IntoIterator<Item = T>,
) -> io::Result<()> {
    let mut w = schema::writer(out);
    if let Some(header) = header {
        w.write_record(header)?;
    }
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_moves_to_disk_past_its_memory_and_is_removed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".spool");
        let mut spool = Spool::new(path.clone());
        let bytes: Vec<u8> = (0..3 * SPOOL_MEMORY).map(|i| (i % 251) as u8).collect();
        for chunk in bytes.chunks(8191) {
            spool.write_all(chunk).unwrap();
        }
        assert!(spool.on_disk() && path.is_file());
        let mut out = Vec::new();
        spool.copy_to(&mut out).unwrap();
        assert!(out == bytes, "the same bytes back");
        drop(spool);
        assert!(!path.exists(), "removed with the spool");
    }
}
