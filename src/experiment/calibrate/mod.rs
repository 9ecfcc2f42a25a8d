//! `coordsim calibrate`: ABC-SMC ([`abc`]) of a scenario's keys against a target file's
//! observations, streamed, resumable and byte-identical across thread counts.
//!
//! Every simulated candidate is appended, in the order the algorithm examines them, to
//! `.calibrate/candidates.part`; after each batch the file is synced and its length and
//! SHA-256 recorded in `.calibrate/checkpoint.json`. A calibration killed at any moment
//! restarts with `--resume`: the part file is verified and cut back to the checkpoint, its
//! candidates are read back instead of run again, and the algorithm (deterministic given the
//! candidates) continues where it stopped, so the finished files are the same bytes. The
//! finished folder ([`files`]) is built in a staging folder and swapped in whole.
//!
//! Generations depend on each other, so a calibration is not split into shards: on a cluster
//! it runs as one job on one node's cores (`--emit-slurm`), requeued with `--resume`.

pub mod abc;
mod files;

use std::path::PathBuf;

use self::abc::{Outcome, Problem, Simulator, Stop};
use crate::experiment::progress_bar;
use crate::experiment::sweep::{Part, SweepError, open_part, read_json, write_json};
use crate::metrics::COLUMNS;
use crate::output::manifest::{CalibratePlan, Provenance, sha256_hex};
use crate::output::schema::{CandidateRow, read_candidate_values, summary_columns};
use crate::output::{self, FolderLock, OutputError, StagedFolder};
use crate::scenario::calibrate::{Observed, Prior, TargetFile};
use crate::scenario::{Scenario, nearest};
use crate::sim::{Measured, run_replicate_measured};

pub use files::calibrated_scenario;

/// Errors of a calibration.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error("{0}")]
    Input(String),
    #[error(
        "{dir} holds an unfinished calibration: add --resume to continue it, or remove the folder"
    )]
    Unfinished { dir: String },
    #[error(
        "{dir} holds a different calibration ({what} differs): use another --out, or remove the folder"
    )]
    Different { dir: String, what: String },
    #[error("{0}")]
    Engine(#[from] SweepError),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

impl CalibrateError {
    /// True for problems with what the user asked (exit code 2).
    pub fn is_input(&self) -> bool {
        match self {
            CalibrateError::Input(_)
            | CalibrateError::Unfinished { .. }
            | CalibrateError::Different { .. } => true,
            CalibrateError::Engine(e) => e.is_input(),
            _ => false,
        }
    }
}

/// Everything a calibration needs.
#[derive(Debug, Clone)]
pub struct CalibrateRequest {
    /// The scenario with its overrides applied.
    pub base: Scenario,
    pub overrides: Vec<String>,
    /// The target file, with any settings the command line overrode.
    pub target: TargetFile,
    pub out: PathBuf,
    pub resume: bool,
    pub threads: Option<usize>,
    pub command_line: Vec<String>,
    pub show_progress: bool,
}

/// How a calibration ended.
#[derive(Debug, Clone)]
pub struct CalibrateOutcome {
    pub outcome: Outcome,
    pub candidates_computed: u64,
    pub threads: usize,
    pub plan: CalibratePlan,
}

/// Where a target's value is read from a run.
#[derive(Debug, Clone, Copy)]
enum Source {
    Summary(usize),
    Metric { column: usize, tick: usize },
}

/// The model as the calibration sees it: parameter values in, target values out.
struct Model<'a> {
    base: &'a Scenario,
    priors: &'a [Prior],
    sources: Vec<Source>,
    /// The ticks the targets read (and the last, which the summary reads): the only ticks
    /// measured in full.
    measured: Measured,
}

impl Simulator for Model<'_> {
    fn simulate(&self, theta: &[f64], seed: u64) -> Vec<f64> {
        let assignments: Vec<String> = self
            .priors
            .iter()
            .zip(theta)
            .map(|(p, &x)| p.assignment(x))
            .collect();
        let mut scenario = self.base.clone();
        // A combination the scenario's consistency rules refuse is outside the prior: no value,
        // an infinite distance, never accepted.
        if scenario.apply_overrides(&assignments).is_err() {
            return vec![f64::NAN; self.sources.len()];
        }
        let out = run_replicate_measured(&scenario.params, 0, seed, false, &self.measured);
        let summary = output::summary_values(&out);
        self.sources
            .iter()
            .map(|s| match *s {
                Source::Summary(i) => summary.get(i).copied().flatten().unwrap_or(f64::NAN),
                Source::Metric { column, tick } => out
                    .records
                    .get(tick)
                    .map_or(f64::NAN, |r| r.values()[column]),
            })
            .collect()
    }
}

/// Where each target is read from, checked against the output's columns and the run's length.
fn sources(req: &CalibrateRequest) -> Result<Vec<Source>, CalibrateError> {
    let summary = summary_columns();
    let ticks = req.base.params.run.ticks as usize;
    req.target
        .targets
        .iter()
        .map(|t| {
            let (file, line, column) = &t.at;
            let wrong = |msg: String| {
                CalibrateError::Input(format!("{file}:{line}:{column}: target.measure: {msg}"))
            };
            match t.tick {
                None => summary
                    .iter()
                    .position(|c| *c == t.measure)
                    .map(Source::Summary)
                    .ok_or_else(|| {
                        let hint = nearest(&t.measure, summary.iter().map(String::as_str))
                            .map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default();
                        let series = COLUMNS.contains(&t.measure.as_str());
                        wrong(format!(
                            "`{}` is not a summary measure (summary.csv's columns){hint}{}",
                            t.measure,
                            if series {
                                "; it is a timeseries metric: add tick = N"
                            } else {
                                ""
                            }
                        ))
                    }),
                Some(tick) => {
                    let column = COLUMNS
                        .iter()
                        .position(|c| *c == t.measure)
                        .ok_or_else(|| {
                            let hint = nearest(&t.measure, COLUMNS.iter().copied())
                                .map(|n| format!(" (did you mean `{n}`?)"))
                                .unwrap_or_default();
                            wrong(format!(
                                "`{}` is not a timeseries metric (timeseries.csv's columns){hint}",
                                t.measure
                            ))
                        })?;
                    if tick as usize > ticks {
                        let (tl, tc) = t.tick_at;
                        return Err(CalibrateError::Input(format!(
                            "{file}:{tl}:{tc}: target.tick: tick {tick} is after the run's last tick ({ticks}, run.ticks)"
                        )));
                    }
                    Ok(Source::Metric {
                        column,
                        tick: tick as usize,
                    })
                }
            }
        })
        .collect()
}

/// The plan: everything that decides the results.
pub fn plan(req: &CalibrateRequest) -> CalibratePlan {
    let t = &req.target;
    let s = &t.settings;
    CalibratePlan {
        target_file: t.origin.clone(),
        target_sha256: sha256_hex(t.text.as_bytes()),
        priors: t
            .priors
            .iter()
            .map(|p| (p.key.clone(), p.describe()))
            .collect(),
        targets: t
            .targets
            .iter()
            .map(|x| {
                let observed = match x.observed {
                    Observed::Value(v) => format!("{v}"),
                    Observed::Interval { low, high } => format!(
                        "[{}, {}]",
                        low.map_or("-inf".into(), |v| v.to_string()),
                        high.map_or("inf".into(), |v| v.to_string())
                    ),
                };
                (x.label(), format!("{observed}, scale {}", x.scale))
            })
            .collect(),
        population: s.population,
        max_generations: s.generations,
        quantile: s.quantile,
        tolerance: s.tolerance,
        replicates: s.replicates,
        max_candidates: s.max_candidates,
        master_seed: req.base.params.run.seed,
        parameters_sha256: sha256_hex(
            crate::output::manifest::parameters_json(&req.base)
                .to_string()
                .as_bytes(),
        ),
    }
}

/// The work folder of an unfinished calibration.
struct WorkDir {
    dir: PathBuf,
    plan: PathBuf,
    checkpoint: PathBuf,
    part: PathBuf,
}

impl WorkDir {
    fn of(out: &std::path::Path) -> Self {
        let dir = out.join(".calibrate");
        WorkDir {
            plan: dir.join("plan.json"),
            checkpoint: dir.join("checkpoint.json"),
            part: dir.join("candidates.part"),
            dir,
        }
    }
}

/// Length and SHA-256 of `candidates.part` after the last complete batch.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Checkpoint {
    bytes: u64,
    sha256: String,
}

/// How candidates get their seeds, in words (the manifest's `seed_rule`).
pub const SEED_RULE: &str = "run r of candidate i of generation t: a seed mixed from (master seed, t, i), then replicate r's seed of it; proposals from a generator seeded by (master seed, t, i)";

/// Runs the calibration and builds its finished folder in a staging folder beside `req.out`
/// (`(None, None)` when the folder already holds this finished calibration and `--resume` was
/// given).
pub fn run_calibration(
    req: &CalibrateRequest,
    lock: &FolderLock,
) -> Result<(Option<CalibrateOutcome>, Option<StagedFolder>), CalibrateError> {
    let sources = sources(req)?;
    let plan = plan(req);
    let provenance = Provenance::begin(
        &req.base,
        req.overrides.clone(),
        req.command_line.clone(),
        SEED_RULE,
    );
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = req.threads {
            b = b.num_threads(t);
        }
        b.build()
            .map_err(|e| CalibrateError::Threads(e.to_string()))?
    };
    let threads = pool.current_num_threads();
    let dir = req.out.display().to_string();
    let work = WorkDir::of(&req.out);
    let keys: Vec<String> = req.target.priors.iter().map(|p| p.key.clone()).collect();
    let labels: Vec<String> = req.target.targets.iter().map(|t| t.label()).collect();

    let mut checkpoint = None;
    if work.plan.is_file() {
        let existing: CalibratePlan = read_json(&work.plan)?;
        if existing != plan {
            return Err(CalibrateError::Different {
                dir,
                what: plan_difference(&existing, &plan),
            });
        }
        if !req.resume {
            return Err(CalibrateError::Unfinished { dir });
        }
        checkpoint = read_json::<Checkpoint>(&work.checkpoint).ok();
    } else if req.resume
        && let Some(done) = files::finished_plan(&req.out)
    {
        if done != plan {
            return Err(CalibrateError::Different {
                dir,
                what: plan_difference(&done, &plan),
            });
        }
        return Ok((None, None));
    }
    let part_error = |source: std::io::Error| SweepError::Io {
        path: work.part.display().to_string(),
        source,
    };
    let header =
        csv_bytes(|w| w.write_record(CandidateRow::header(&keys, &labels))).map_err(part_error)?;
    let (mut part, recorded) = match &checkpoint {
        Some(c) => {
            let part = open_part(&work.part, Some((c.bytes, c.sha256.as_str())), &header)?;
            let recorded = read_candidate_values(&work.part, labels.len())
                .map_err(|e| CalibrateError::Input(e.to_string()))?;
            (part, recorded)
        }
        None => {
            std::fs::create_dir_all(&work.dir).map_err(|e| SweepError::Io {
                path: work.dir.display().to_string(),
                source: e,
            })?;
            write_json(&work.plan, &plan)?;
            let part = open_part(&work.part, None, &header)?;
            save(&work, &part)?;
            (part, Vec::new())
        }
    };

    let problem = Problem {
        priors: &req.target.priors,
        targets: &req.target.targets,
        settings: &req.target.settings,
        master_seed: req.base.params.run.seed,
    };
    let measured = Measured::Ticks(
        sources
            .iter()
            .filter_map(|s| match *s {
                Source::Metric { tick, .. } => Some(tick as u32),
                Source::Summary(_) => None,
            })
            .collect(),
    );
    let model = Model {
        base: &req.base,
        priors: &req.target.priors,
        sources,
        measured,
    };
    let s = &req.target.settings;
    let bar = progress_bar(
        u64::from(s.population) * u64::from(s.generations),
        "candidates",
        req.show_progress,
    );
    let token = crate::experiment::cancel::current();
    let outcome = problem.run(
        &model,
        &recorded,
        &pool,
        |batch| -> Result<(), CalibrateError> {
            // A caller's cancel (Python's Ctrl-C) drops this batch: the checkpoint still
            // ends at the one before, so --resume continues from there.
            if crate::experiment::cancel::is_cancelled(&token) {
                return Err(SweepError::Cancelled {
                    dir: req.out.display().to_string(),
                }
                .into());
            }
            let bytes = csv_bytes(|w| {
                batch.iter().try_for_each(|c| {
                    w.serialize(CandidateRow {
                        generation: c.generation,
                        candidate: c.index,
                        accepted: c.accepted,
                        distance: c.distance,
                        keys: c.theta.clone(),
                        targets: c.values.clone(),
                    })
                })
            })
            .map_err(part_error)?;
            part.append(&bytes)?;
            part.sync()?;
            save(&work, &part)?;
            Ok(())
        },
        |examined| {
            // The bar counts toward population x generations; a generation may need more.
            if examined > bar.length().unwrap_or(0) {
                bar.set_length(examined);
            }
            bar.set_position(examined);
        },
    )?;
    bar.finish_and_clear();
    drop(part);
    let computed = outcome.candidates.saturating_sub(recorded.len() as u64);
    let done = CalibrateOutcome {
        outcome,
        candidates_computed: computed,
        threads,
        plan,
    };
    let staged = files::finalise(req, lock, provenance, &done, &keys, &labels, &work.part)?;
    Ok((Some(done), Some(staged)))
}

/// CSV rows written with the files' conventions, as bytes.
fn csv_bytes(
    rows: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> std::io::Result<Vec<u8>> {
    let mut w = output::schema::writer(Vec::new());
    rows(&mut w)?;
    w.into_inner().map_err(|e| e.into_error())
}

fn save(work: &WorkDir, part: &Part) -> Result<(), SweepError> {
    let (bytes, sha256) = part.state();
    write_json(&work.checkpoint, &Checkpoint { bytes, sha256 })
}

/// Which part of two plans differs, in words.
fn plan_difference(a: &CalibratePlan, b: &CalibratePlan) -> String {
    if a.target_sha256 != b.target_sha256 {
        "the target file".into()
    } else if a.parameters_sha256 != b.parameters_sha256 {
        "the scenario's parameters".into()
    } else if a.master_seed != b.master_seed {
        "the seed".into()
    } else {
        "the settings".into()
    }
}

/// Words for why a calibration stopped.
pub fn stop_words(stop: Stop) -> &'static str {
    match stop {
        Stop::Generations => "generations",
        Stop::Tolerance => "tolerance",
        Stop::Acceptance => "acceptance",
    }
}
