//! Parameter sweeps: every run (point x replicate) in parallel, streamed to disk, resumable,
//! and splittable into shards for a cluster.
//!
//! Runs are numbered point-major (run = point x replicates + replicate). Under the default seed
//! rule ([`SeedRule::PerRun`]) run r's seed is `replicate_seed(master, r)`; under common seeds
//! ([`SeedRule::Common`]) it is `replicate_seed(master, replicate)`, the same at every point.
//! They are computed in batches; each finished batch is appended
//! in run order to `.sweep/runs.part` and `.sweep/timeseries.part`, synced, and then recorded in
//! `.sweep/checkpoint.json` (written to a temporary file and renamed). A sweep killed at any
//! moment, even by SIGKILL, restarts with `--resume` from the last checkpoint: the part files
//! are cut back to the recorded lengths, so nothing is lost or duplicated, and the final files
//! are the same bytes as an uninterrupted sweep. Memory holds one batch, not the sweep.
//!
//! A shard `I/N` runs the contiguous block of runs [I x T / N, (I + 1) x T / N); its folder
//! holds `runs.csv`, `timeseries.csv` and a shard manifest. `merge` concatenates shards in
//! order, which gives the unsharded files byte for byte, and computes `points.csv`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::design::{self, Design, Point, Vary, display};
use super::progress_bar;
use crate::metrics::COLUMNS;
use crate::output::{self, OutputError, Staging, field, manifest};
use crate::scenario::{Params, Scenario};
use crate::sim::{ReplicateOutput, run_replicate_with};
use crate::stats::summarize;
use crate::world::rng::replicate_seed;

/// How a sweep's runs get their seeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedRule {
    /// Run r has seed `replicate_seed(master, r)`: every run its own seed (the default).
    #[default]
    PerRun,
    /// Run r (point p, replicate k) has seed `replicate_seed(master, k)`: replicate k of every
    /// point shares a seed (common random numbers), the seed of `coordsim run`'s replicate k.
    Common,
}

impl SeedRule {
    /// The names of the rules, as written in the `[sweep]` table.
    pub const NAMES: &'static [&'static str] = &["per_run", "common"];

    /// Reads a rule by its name (`per_run` or `common`; `per-run` as the flag spells it).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "per_run" | "per-run" => Ok(SeedRule::PerRun),
            "common" => Ok(SeedRule::Common),
            other => Err(format!(
                "expected one of per_run, common, found \"{other}\""
            )),
        }
    }

    /// The rule's name, as written in the `[sweep]` table and the plan.
    pub fn name(self) -> &'static str {
        match self {
            SeedRule::PerRun => "per_run",
            SeedRule::Common => "common",
        }
    }

    /// The seed of run `run`, which is replicate `replicate` of its point.
    pub fn seed(self, master: u64, run: u64, replicate: u32) -> u64 {
        match self {
            SeedRule::PerRun => replicate_seed(master, run),
            SeedRule::Common => replicate_seed(master, replicate as u64),
        }
    }

    /// The rule in words, for the manifest.
    pub fn text(self) -> &'static str {
        match self {
            SeedRule::PerRun => {
                "run r (point-major: r = point x replicates + replicate) has seed replicate_seed(master_seed, r)"
            }
            SeedRule::Common => {
                "common seeds: run r (point-major: r = point x replicates + replicate) has seed replicate_seed(master_seed, replicate), so replicate k of every point has the seed of coordsim run's replicate k"
            }
        }
    }

    fn is_per_run(&self) -> bool {
        *self == SeedRule::PerRun
    }
}

/// What makes two sweeps the same sweep: resuming and merging require equal plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub coordsim_version: String,
    /// Fingerprint of the build's sources: shards from different builds are not mixed.
    pub coordsim_build: String,
    pub scenario_name: String,
    pub scenario_sha256: String,
    pub overrides: Vec<String>,
    pub design: String,
    pub samples: u32,
    pub varied: Vec<String>,
    /// Each point's values, as written in the CSV files.
    pub points: Vec<Vec<String>>,
    pub replicates: u32,
    pub master_seed: u64,
    /// The seed rule. Left out of plans of per-run sweeps, so their plans and manifests read as
    /// they did before the rule could be chosen (and older plans read back as per-run).
    #[serde(default, skip_serializing_if = "SeedRule::is_per_run")]
    pub seeds: SeedRule,
    pub series_every: u32,
    pub total_runs: u64,
}

/// A shard: index `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with 0 <= I < N.
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = || format!("--shard {text}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = text.split_once('/').ok_or_else(err)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| err())?,
            n.trim().parse().map_err(|_| err())?,
        );
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }

    /// The runs of this shard among `total`.
    pub fn runs(self, total: u64) -> (u64, u64) {
        let (i, n) = (self.index as u64, self.count as u64);
        (i * total / n, (i + 1) * total / n)
    }
}

/// Progress recorded after each batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Checkpoint {
    runs_done: u64,
    runs_bytes: u64,
    timeseries_bytes: u64,
}

/// Errors of sweeps and merges.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Design(String),
    #[error("{dir} holds an unfinished sweep: add --resume to continue it, or remove the folder")]
    Unfinished { dir: String },
    #[error(
        "{dir} holds a different sweep ({what} differs): use another --out, or remove the folder"
    )]
    DifferentSweep { dir: String, what: String },
    #[error("{0}")]
    Merge(String),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

impl SweepError {
    /// True for problems with what the user asked (exit code 2).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            SweepError::Design(_)
                | SweepError::Unfinished { .. }
                | SweepError::DifferentSweep { .. }
                | SweepError::Merge(_)
        )
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Everything a sweep needs.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// The scenario with its overrides applied.
    pub base: Scenario,
    pub overrides: Vec<String>,
    pub vary: Vec<Vary>,
    pub design: Design,
    pub samples: u32,
    pub replicates: u32,
    pub seeds: SeedRule,
    pub series_every: u32,
    pub out: PathBuf,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub threads: Option<usize>,
    pub command_line: Vec<String>,
    pub show_progress: bool,
}

/// How a sweep ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    pub runs_in_range: u64,
    pub runs_computed: u64,
    pub files: Vec<PathBuf>,
    pub threads: usize,
}

/// The plan and each point's parameters.
pub fn plan(req: &SweepRequest) -> Result<(Plan, Vec<Params>), SweepError> {
    let points = design::points(
        &req.base,
        &req.vary,
        req.design,
        req.samples,
        req.base.params.run.seed,
    )
    .map_err(SweepError::Design)?;
    let params = points
        .iter()
        .map(|p| design::point_scenario(&req.base, &req.vary, p).map(|s| s.params))
        .collect::<Result<Vec<_>, _>>()
        .map_err(SweepError::Design)?;
    if req.replicates == 0 {
        return Err(SweepError::Design("--replicates must be at least 1".into()));
    }
    let plan = Plan {
        coordsim_version: crate::VERSION.to_string(),
        coordsim_build: crate::BUILD_ID.to_string(),
        scenario_name: req.base.name.clone(),
        scenario_sha256: manifest::sha256_hex(req.base.text.as_bytes()),
        overrides: req.overrides.clone(),
        design: req.design.name().to_string(),
        samples: req.samples,
        varied: req.vary.iter().map(|v| v.key.clone()).collect(),
        points: points
            .iter()
            .map(|p: &Point| p.iter().map(display).collect())
            .collect(),
        replicates: req.replicates,
        master_seed: req.base.params.run.seed,
        seeds: req.seeds,
        series_every: req.series_every,
        total_runs: points.len() as u64 * req.replicates as u64,
    };
    Ok((plan, params))
}

/// Names the first field in which two plans differ.
pub fn plan_difference(a: &Plan, b: &Plan) -> Option<&'static str> {
    let checks: [(&'static str, bool); 12] = [
        ("coordsim version", a.coordsim_version == b.coordsim_version),
        ("coordsim build", a.coordsim_build == b.coordsim_build),
        ("scenario file", a.scenario_sha256 == b.scenario_sha256),
        ("--set overrides", a.overrides == b.overrides),
        ("design", a.design == b.design),
        ("samples", a.samples == b.samples),
        ("varied keys", a.varied == b.varied),
        ("points", a.points == b.points),
        ("replicates", a.replicates == b.replicates),
        ("master seed", a.master_seed == b.master_seed),
        ("seed rule", a.seeds == b.seeds),
        ("series-every", a.series_every == b.series_every),
    ];
    checks.iter().find(|(_, same)| !same).map(|(what, _)| *what)
}

fn work_dir(out: &Path) -> PathBuf {
    out.join(".sweep")
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SweepError> {
    let text = fs::read_to_string(path).map_err(io_err(path))?;
    serde_json::from_str(&text).map_err(|e| SweepError::Io {
        path: path.display().to_string(),
        source: io::Error::other(e),
    })
}

/// Writes JSON to a temporary file, syncs it and renames it into place.
fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), SweepError> {
    let tmp = path.with_extension("json.tmp");
    let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
    serde_json::to_writer_pretty(&mut f, value).map_err(|e| SweepError::Io {
        path: tmp.display().to_string(),
        source: io::Error::other(e),
    })?;
    f.sync_all().map_err(io_err(&tmp))?;
    fs::rename(&tmp, path).map_err(io_err(path))
}

/// Header of runs.csv.
fn runs_header(plan: &Plan) -> String {
    let mut s = String::from("run,point,replicate,seed");
    for k in &plan.varied {
        s.push(',');
        s.push_str(k);
    }
    for c in output::summary_columns() {
        s.push(',');
        s.push_str(&c);
    }
    s.push('\n');
    s
}

/// Header of a sweep's timeseries.csv.
fn timeseries_header() -> String {
    format!("run,point,replicate,seed,{}\n", COLUMNS.join(","))
}

/// Runs the sweep (or its shard) and finalises the folder.
pub fn run_sweep(req: &SweepRequest) -> Result<SweepOutcome, SweepError> {
    let (plan, params) = plan(req)?;
    let shard = req.shard.unwrap_or(Shard { index: 0, count: 1 });
    let (start, end) = shard.runs(plan.total_runs);
    let work = work_dir(&req.out);
    let plan_path = work.join("plan.json");
    let checkpoint_path = work.join("checkpoint.json");
    let runs_part = work.join("runs.part");
    let series_part = work.join("timeseries.part");

    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = req.threads {
            b = b.num_threads(t);
        }
        b.build().map_err(|e| SweepError::Threads(e.to_string()))?
    };
    let threads = pool.current_num_threads();

    let mut checkpoint = Checkpoint::default();
    if work.is_dir() && plan_path.is_file() {
        let existing: Plan = read_json(&plan_path)?;
        if let Some(what) = plan_difference(&existing, &plan) {
            return Err(SweepError::DifferentSweep {
                dir: req.out.display().to_string(),
                what: what.to_string(),
            });
        }
        let started_as: Option<Shard> = read_json(&work.join("shard.json")).ok();
        if started_as.is_some_and(|s| s != shard) {
            return Err(SweepError::DifferentSweep {
                dir: req.out.display().to_string(),
                what: "shard".to_string(),
            });
        }
        if !req.resume {
            return Err(SweepError::Unfinished {
                dir: req.out.display().to_string(),
            });
        }
        if checkpoint_path.is_file() {
            checkpoint = read_json(&checkpoint_path)?;
        }
        // A finalisation cut short may have moved the part files already: take them back.
        for (part, name) in [(&runs_part, "runs.csv"), (&series_part, "timeseries.csv")] {
            if !part.exists() && req.out.join(name).exists() {
                fs::rename(req.out.join(name), part).map_err(io_err(part))?;
            }
        }
    } else {
        if req.resume {
            match finished_plan(&req.out)? {
                Some((done, done_shard))
                    if plan_difference(&done, &plan).is_none() && done_shard == shard =>
                {
                    return Ok(SweepOutcome {
                        runs_in_range: end - start,
                        runs_computed: 0,
                        files: Vec::new(),
                        threads,
                    });
                }
                Some((done, done_shard)) => {
                    let what = plan_difference(&done, &plan).unwrap_or(if done_shard != shard {
                        "shard"
                    } else {
                        "plan"
                    });
                    return Err(SweepError::DifferentSweep {
                        dir: req.out.display().to_string(),
                        what: what.to_string(),
                    });
                }
                None => {}
            }
        }
        fs::create_dir_all(&work).map_err(io_err(&work))?;
        write_json_atomic(&work.join("shard.json"), &shard)?;
        write_json_atomic(&plan_path, &plan)?;
    }
    // Fresh part files start with their headers; a resumed one is cut back to the checkpoint.
    let mut runs_file = open_part(&runs_part, checkpoint.runs_bytes, &runs_header(&plan))?;
    let mut series_file = open_part(
        &series_part,
        checkpoint.timeseries_bytes,
        &timeseries_header(),
    )?;
    if checkpoint.runs_bytes == 0 {
        checkpoint.runs_bytes = runs_file.stream_position().map_err(io_err(&runs_part))?;
        checkpoint.timeseries_bytes = series_file
            .stream_position()
            .map_err(io_err(&series_part))?;
        write_json_atomic(&checkpoint_path, &checkpoint)?;
    }

    let mut next = start + checkpoint.runs_done;
    let computed_from = next;
    let bar = progress_bar(end - start, "runs", req.show_progress);
    bar.set_position(checkpoint.runs_done);
    let batch = (threads as u64 * 8).max(8);
    while next < end {
        let stop = (next + batch).min(end);
        let rows: Vec<(String, String)> = pool.install(|| {
            (next..stop)
                .into_par_iter()
                .map(|run| {
                    let point = (run / plan.replicates as u64) as usize;
                    let replicate = (run % plan.replicates as u64) as u32;
                    let seed = plan.seeds.seed(plan.master_seed, run, replicate);
                    let out = run_replicate_with(&params[point], replicate, seed, false);
                    format_run(&plan, run, point, &out)
                })
                .collect()
        });
        for (run_row, series_rows) in &rows {
            runs_file
                .write_all(run_row.as_bytes())
                .map_err(io_err(&runs_part))?;
            series_file
                .write_all(series_rows.as_bytes())
                .map_err(io_err(&series_part))?;
        }
        runs_file.sync_data().map_err(io_err(&runs_part))?;
        series_file.sync_data().map_err(io_err(&series_part))?;
        checkpoint.runs_done = stop - start;
        checkpoint.runs_bytes = runs_file.stream_position().map_err(io_err(&runs_part))?;
        checkpoint.timeseries_bytes = series_file
            .stream_position()
            .map_err(io_err(&series_part))?;
        write_json_atomic(&checkpoint_path, &checkpoint)?;
        bar.set_position(checkpoint.runs_done);
        next = stop;
    }
    bar.finish_and_clear();
    drop((runs_file, series_file));
    let files = finalise(req, &plan, shard, threads)?;
    Ok(SweepOutcome {
        runs_in_range: end - start,
        runs_computed: end - computed_from,
        files,
        threads,
    })
}

/// Opens a part file for appending: created with `header` when new, else cut to `len` bytes.
fn open_part(path: &Path, len: u64, header: &str) -> Result<File, SweepError> {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_err(path))?;
    if len == 0 {
        f.set_len(0).map_err(io_err(path))?;
        f.write_all(header.as_bytes()).map_err(io_err(path))?;
    } else {
        f.set_len(len).map_err(io_err(path))?;
        f.seek(SeekFrom::Start(len)).map_err(io_err(path))?;
    }
    Ok(f)
}

/// One run's row of runs.csv and its rows of timeseries.csv.
fn format_run(plan: &Plan, run: u64, point: usize, out: &ReplicateOutput) -> (String, String) {
    let mut row = Vec::with_capacity(512);
    let _ = write!(row, "{run},{point},{},{}", out.replicate, out.seed);
    for v in &plan.points[point] {
        row.push(b',');
        let _ = field(&mut row, v);
    }
    for v in output::summary_values(out) {
        match v {
            Some(x) => {
                let _ = write!(row, ",{x}");
            }
            None => row.push(b','),
        }
    }
    row.push(b'\n');
    let mut series = Vec::with_capacity(4096);
    let last = out.records.len().saturating_sub(1);
    for (tick, record) in out.records.iter().enumerate() {
        let kept = if plan.series_every == 0 {
            tick == last
        } else {
            tick % plan.series_every as usize == 0 || tick == last
        };
        if !kept {
            continue;
        }
        let _ = write!(series, "{run},{point},{},{}", out.replicate, out.seed);
        for v in record.values() {
            let _ = write!(series, ",{v}");
        }
        series.push(b'\n');
    }
    (
        String::from_utf8(row).unwrap_or_default(),
        String::from_utf8(series).unwrap_or_default(),
    )
}

/// The manifest of a finished sweep, shard or merge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepManifest {
    /// "sweep" (complete, with points.csv) or "sweep-shard".
    pub kind: String,
    pub complete: bool,
    pub plan: Plan,
    pub scenario: manifest::ScenarioInfo,
    pub shard: Option<Shard>,
    /// First run and one past the last run in this folder.
    pub runs: (u64, u64),
    pub run_seeds_rule: String,
    pub merged_from: Vec<String>,
    pub threads: usize,
    pub command_line: Vec<String>,
    pub finished_at: String,
    pub files: Vec<String>,
}

/// The plan and shard of the finished sweep in `out`, if there is one.
fn finished_plan(out: &Path) -> Result<Option<(Plan, Shard)>, SweepError> {
    let path = out.join("manifest.json");
    if !path.is_file() {
        return Ok(None);
    }
    match read_json::<SweepManifest>(&path) {
        Ok(m) if m.complete => Ok(Some((
            m.plan,
            m.shard.unwrap_or(Shard { index: 0, count: 1 }),
        ))),
        _ => Ok(None),
    }
}

/// Moves the part files into place and writes points.csv (whole sweeps) and the manifest.
fn finalise(
    req: &SweepRequest,
    plan: &Plan,
    shard: Shard,
    threads: usize,
) -> Result<Vec<PathBuf>, SweepError> {
    let work = work_dir(&req.out);
    let (runs_part, series_part) = (work.join("runs.part"), work.join("timeseries.part"));
    let whole = shard.count == 1;
    let mut staging = Staging::new();
    let mut files = vec!["runs.csv".to_string(), "timeseries.csv".to_string()];
    if whole {
        staging.write(&req.out.join("points.csv"), |w| {
            write_points(w, csv_lines(vec![runs_part.clone()]), plan)
        })?;
        files.push("points.csv".into());
    }
    files.push("manifest.json".into());
    let m = SweepManifest {
        kind: if whole {
            "sweep".into()
        } else {
            "sweep-shard".into()
        },
        complete: true,
        plan: plan.clone(),
        scenario: manifest::ScenarioInfo::of(&req.base),
        shard: (!whole).then_some(shard),
        runs: shard.runs(plan.total_runs),
        run_seeds_rule: plan.seeds.text().into(),
        merged_from: Vec::new(),
        threads,
        command_line: req.command_line.clone(),
        finished_at: manifest::now_utc(),
        files: files.clone(),
    };
    staging.write(&req.out.join("manifest.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &m)?;
        writeln!(w)
    })?;
    fs::rename(&runs_part, req.out.join("runs.csv")).map_err(io_err(&runs_part))?;
    fs::rename(&series_part, req.out.join("timeseries.csv")).map_err(io_err(&series_part))?;
    staging.commit()?;
    fs::remove_dir_all(&work).map_err(io_err(&work))?;
    Ok(files.iter().map(|f| req.out.join(f)).collect())
}

/// points.csv from the lines of runs.csv (header first): per point, each summary measure's n,
/// mean, sd and 95% CI. Runs are point-major, so each point's rows are contiguous and one pass
/// suffices; memory holds one point.
pub fn write_points(
    out: &mut impl Write,
    mut lines: impl Iterator<Item = io::Result<String>>,
    plan: &Plan,
) -> io::Result<()> {
    let header = lines.next().transpose()?.unwrap_or_default();
    let first_measure = 4 + plan.varied.len();
    let measures: Vec<String> = header
        .split(',')
        .skip(first_measure)
        .map(str::to_string)
        .collect();
    write!(out, "point")?;
    for k in &plan.varied {
        write!(out, ",{k}")?;
    }
    writeln!(out, ",metric,n,mean,sd,ci95_low,ci95_high")?;
    let mut current: Option<usize> = None;
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); measures.len()];
    let flush = |out: &mut dyn Write, point: usize, values: &mut Vec<Vec<f64>>| -> io::Result<()> {
        for (m, xs) in measures.iter().zip(values.iter_mut()) {
            let s = summarize(xs);
            write!(out, "{point}")?;
            for v in &plan.points[point] {
                out.write_all(b",")?;
                field(out, v)?;
            }
            writeln!(
                out,
                ",{m},{},{},{},{},{}",
                s.n, s.mean, s.sd, s.ci95_low, s.ci95_high
            )?;
            xs.clear();
        }
        Ok(())
    };
    for line in lines {
        let line = line?;
        let cells: Vec<&str> = line.split(',').collect();
        let point: usize = cells.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        if let Some(c) = current.filter(|&c| c != point) {
            flush(out, c, &mut values)?;
        }
        current = Some(point);
        // Measures are the last cells; counting from the end stays right even if a varied
        // value were quoted.
        let tail = &cells[cells.len().saturating_sub(measures.len())..];
        for (xs, cell) in values.iter_mut().zip(tail) {
            if let Ok(x) = cell.parse::<f64>() {
                xs.push(x);
            }
        }
    }
    if let Some(p) = current {
        flush(out, p, &mut values)?;
    }
    Ok(())
}

/// Lines of several CSV files sharing a header, the header once.
fn csv_lines(files: Vec<PathBuf>) -> impl Iterator<Item = io::Result<String>> {
    files.into_iter().enumerate().flat_map(|(i, path)| {
        let lines: Box<dyn Iterator<Item = io::Result<String>>> = match File::open(&path) {
            Ok(f) => Box::new(BufReader::new(f).lines().skip(usize::from(i > 0))),
            Err(e) => Box::new(std::iter::once(Err(io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            )))),
        };
        lines
    })
}

/// Joins complete shard folders into one sweep folder, byte-identical to an unsharded sweep.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    command_line: Vec<String>,
) -> Result<Vec<PathBuf>, SweepError> {
    if dirs.is_empty() {
        return Err(SweepError::Merge(
            "merge needs at least one shard folder".into(),
        ));
    }
    let mut shards: Vec<(SweepManifest, PathBuf)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for dir in dirs {
        let path = dir.join("manifest.json");
        if path.is_file() {
            let m: SweepManifest = read_json(&path)?;
            shards.push((m, dir.clone()));
        } else if work_dir(dir).join("plan.json").is_file() {
            problems.push(incomplete_note(dir)?);
        } else {
            problems.push(format!(
                "{}: not a sweep shard folder (no manifest.json)",
                dir.display()
            ));
        }
    }
    let Some(reference) = shards.first().map(|(m, _)| m.clone()) else {
        return Err(SweepError::Merge(format!(
            "cannot merge, no shard is complete:\n  {}",
            problems.join("\n  ")
        )));
    };
    let count = reference.shard.map(|s| s.count).unwrap_or(1);
    for (m, dir) in &shards {
        if let Some(what) = plan_difference(&m.plan, &reference.plan) {
            return Err(SweepError::Merge(format!(
                "{} is from a different sweep: its {what} differs from {}",
                dir.display(),
                dirs[0].display()
            )));
        }
        let c = m.shard.map(|s| s.count).unwrap_or(1);
        if c != count {
            return Err(SweepError::Merge(format!(
                "{} is shard of {c}, others are shards of {count}",
                dir.display()
            )));
        }
    }
    let mut by_index: Vec<Option<&(SweepManifest, PathBuf)>> = vec![None; count as usize];
    for s in &shards {
        let i = s.0.shard.map(|x| x.index).unwrap_or(0) as usize;
        if by_index[i].is_some() {
            return Err(SweepError::Merge(format!(
                "shard {i}/{count} is given twice ({})",
                s.1.display()
            )));
        }
        by_index[i] = Some(s);
    }
    let total = reference.plan.total_runs;
    for (i, s) in by_index.iter().enumerate() {
        if s.is_none() {
            let (a, b) = Shard {
                index: i as u32,
                count,
            }
            .runs(total);
            if !problems
                .iter()
                .any(|p| p.contains(&format!("shard {i}/{count}")))
            {
                problems.push(format!("shard {i}/{count} is missing (runs {a}..{b})"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(SweepError::Merge(format!(
            "cannot merge, shards are missing or incomplete:\n  {}",
            problems.join("\n  ")
        )));
    }
    let plan = reference.plan.clone();
    let mut staging = Staging::new();
    let ordered: Vec<&PathBuf> = by_index
        .iter()
        .map(|s| &s.expect("checked above").1)
        .collect();
    staging.write(&out.join("runs.csv"), |w| {
        concat_csv(w, ordered.iter().map(|d| d.join("runs.csv")))
    })?;
    staging.write(&out.join("timeseries.csv"), |w| {
        concat_csv(w, ordered.iter().map(|d| d.join("timeseries.csv")))
    })?;
    let runs_files: Vec<PathBuf> = ordered.iter().map(|d| d.join("runs.csv")).collect();
    staging.write(&out.join("points.csv"), |w| {
        write_points(w, csv_lines(runs_files), &plan)
    })?;
    let files = vec![
        "runs.csv".to_string(),
        "timeseries.csv".to_string(),
        "points.csv".to_string(),
        "manifest.json".to_string(),
    ];
    let m = SweepManifest {
        kind: "sweep".into(),
        complete: true,
        plan: plan.clone(),
        scenario: reference.scenario.clone(),
        shard: None,
        runs: (0, total),
        run_seeds_rule: plan.seeds.text().into(),
        merged_from: ordered.iter().map(|d| d.display().to_string()).collect(),
        threads: 0,
        command_line,
        finished_at: manifest::now_utc(),
        files: files.clone(),
    };
    staging.write(&out.join("manifest.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &m)?;
        writeln!(w)
    })?;
    Ok(staging.commit()?)
}

/// Says which runs an unfinished shard folder is missing.
fn incomplete_note(dir: &Path) -> Result<String, SweepError> {
    let plan: Plan = read_json(&work_dir(dir).join("plan.json"))?;
    let done = read_json::<Checkpoint>(&work_dir(dir).join("checkpoint.json"))
        .map(|c| c.runs_done)
        .unwrap_or(0);
    // The shard's index is not in the plan; find it from the folder's own record if any.
    let shard: Option<Shard> = read_json(&work_dir(dir).join("shard.json")).ok();
    Ok(match shard {
        Some(s) => {
            let (a, b) = s.runs(plan.total_runs);
            format!(
                "shard {}/{} in {} is incomplete: runs {}..{} are missing ({} of {} done; rerun it with --resume)",
                s.index,
                s.count,
                dir.display(),
                a + done,
                b,
                done,
                b - a
            )
        }
        None => format!(
            "{} is incomplete ({done} runs done; rerun it with --resume)",
            dir.display()
        ),
    })
}

/// Concatenates CSV files that share a header, keeping the first header only.
fn concat_csv(out: &mut impl Write, files: impl Iterator<Item = PathBuf>) -> io::Result<()> {
    for (i, path) in files.enumerate() {
        let f = File::open(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut reader = BufReader::new(f);
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if i == 0 {
            out.write_all(header.as_bytes())?;
        }
        io::copy(&mut reader, out)?;
    }
    Ok(())
}
