//! What-if jobs: a baseline and up to three changes, N replicates on shared seeds, run in the
//! background with a progress count, summarised by `experiment::compare` (the code path of
//! `coordsim compare`, so the numbers are its compare.csv's) and written as a compare folder
//! for the download buttons.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::catalog::{self, ScenarioRequest};
use super::{ApiError, ApiResult, Caps, folders};
use crate::experiment::compare::{self as cmp, Arm};
use crate::metrics::measures;
use crate::output::manifest::Provenance;
use crate::sim::{ReplicateOutput, run_replicate_with};

/// Most changes besides the baseline.
pub const MAX_CHANGES: usize = 3;

/// Most finished jobs kept (with their download folders); the oldest go first.
pub const KEEP_FINISHED: usize = 32;

/// A what-if as the page asks for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    #[serde(flatten)]
    pub base: ScenarioRequest,
    /// Each change: `KEY=VALUE`, several joined with `;` (as `--what-if`).
    pub changes: Vec<String>,
    pub replicates: u32,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// One row of the table: a measure in one arm and its paired difference to the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub metric: String,
    pub label: String,
    pub unit: String,
    pub direction: String,
    pub headline: bool,
    pub arm: usize,
    pub arm_label: String,
    pub n: usize,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub diff_mean: Option<f64>,
    pub diff_ci95_low: Option<f64>,
    pub diff_ci95_high: Option<f64>,
    pub verdict: String,
}

/// A job's state, as polled.
#[derive(Debug, Default, Serialize, Clone)]
pub struct Status {
    pub done: usize,
    pub total: usize,
    pub finished: bool,
    pub error: Option<String>,
    pub arms: Vec<String>,
    /// The same comparison on the command line.
    pub command: String,
    pub rows: Vec<Row>,
}

struct Job {
    done: AtomicUsize,
    status: Mutex<Status>,
    dir: PathBuf,
}

/// The what-if jobs, by id, and how many run now.
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    running: Arc<AtomicUsize>,
    map: Mutex<HashMap<u64, Arc<Job>>>,
}

/// The arms of a request, checked: the baseline with the replicates and seed, then each change.
pub fn arms(req: &WhatIfRequest, caps: &Caps) -> ApiResult<(Vec<Arm>, String)> {
    if req.changes.is_empty() || req.changes.len() > MAX_CHANGES {
        return Err(ApiError::bad(format!(
            "give one to {MAX_CHANGES} changes to compare with the baseline, found {}",
            req.changes.len()
        )));
    }
    if req.replicates < 2 || req.replicates > caps.max_replicates {
        return Err(ApiError::bad(format!(
            "replicates must be 2 to {} (this server's cap; --max-replicates changes it), found {}",
            caps.max_replicates, req.replicates
        )));
    }
    let mut base_req = req.base.clone();
    base_req
        .set
        .push(format!("run.replicates={}", req.replicates));
    if let Some(seed) = req.seed {
        base_req.set.push(format!("run.seed={seed}"));
    }
    let base = catalog::load(&base_req, caps)?;
    let mut arms =
        cmp::what_if_arms(&base, &req.changes).map_err(|e| ApiError::bad(e.to_string()))?;
    for arm in &arms {
        catalog::check_caps(&arm.scenario, caps)?;
    }
    cmp::unique_labels(&mut arms);
    let name = req.base.scenario.clone().unwrap_or_else(|| {
        if req.base.toml.is_some() {
            catalog::UPLOAD_NAME.to_string()
        } else {
            "baseline".to_string()
        }
    });
    let mut command = format!("coordsim compare {name}");
    for a in &req.base.set {
        command.push_str(&format!(" --set '{a}'"));
    }
    for c in &req.changes {
        command.push_str(&format!(" --what-if '{c}'"));
    }
    command.push_str(&format!(
        " --replicates {} --seed {}",
        req.replicates, base.params.run.seed
    ));
    Ok((arms, command))
}

impl Jobs {
    /// Starts a job on a background thread; refused when `max_jobs` are already running.
    pub fn start(
        &self,
        arms: Vec<Arm>,
        command: String,
        work_dir: PathBuf,
        max_jobs: usize,
    ) -> ApiResult<u64> {
        if self.running.fetch_add(1, Ordering::SeqCst) >= max_jobs {
            self.running.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError {
                status: axum::http::StatusCode::TOO_MANY_REQUESTS,
                message: format!(
                    "{max_jobs} what-if comparisons are running already (the server's --max-jobs): wait for one to finish"
                ),
            });
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let seeds = cmp::shared_seeds(&arms);
        let job = Arc::new(Job {
            done: AtomicUsize::new(0),
            status: Mutex::new(Status {
                total: arms.len() * seeds.len(),
                arms: arms.iter().map(|a| a.label.clone()).collect(),
                command: command.clone(),
                ..Status::default()
            }),
            dir: work_dir.join(format!("whatif-{id}")),
        });
        {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            let mut finished: Vec<u64> = map
                .iter()
                .filter(|(_, j)| j.status.lock().is_ok_and(|s| s.finished))
                .map(|(&k, _)| k)
                .collect();
            finished.sort_unstable();
            for old in finished
                .iter()
                .take(finished.len().saturating_sub(KEEP_FINISHED - 1))
            {
                if let Some(j) = map.remove(old) {
                    let _ = std::fs::remove_dir_all(&j.dir);
                }
            }
            map.insert(id, job.clone());
        }
        let running = self.running.clone();
        std::thread::spawn(move || {
            let outcome = run_job(&job, &arms, &seeds, command);
            let mut status = job.status.lock().unwrap_or_else(|e| e.into_inner());
            match outcome {
                Ok(rows) => status.rows = rows,
                Err(e) => status.error = Some(e.message),
            }
            status.finished = true;
            drop(status);
            running.fetch_sub(1, Ordering::SeqCst);
        });
        Ok(id)
    }

    fn get(&self, id: u64) -> ApiResult<Arc<Job>> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("no what-if job {id}")))
    }

    /// A job's progress, and its table once finished.
    pub fn status(&self, id: u64) -> ApiResult<Status> {
        let job = self.get(id)?;
        let mut status = job.status.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if !status.finished {
            status.done = job.done.load(Ordering::Relaxed);
        } else {
            status.done = status.total;
        }
        Ok(status)
    }

    /// A finished job's folder.
    pub fn folder(&self, id: u64) -> ApiResult<PathBuf> {
        let job = self.get(id)?;
        let status = job.status.lock().unwrap_or_else(|e| e.into_inner());
        if !status.finished || status.error.is_some() {
            return Err(ApiError {
                status: axum::http::StatusCode::CONFLICT,
                message: format!("what-if job {id} has no files: it has not finished well"),
            });
        }
        Ok(job.dir.clone())
    }
}

/// Runs every arm's replicates (in parallel, in any order: each run depends only on its
/// parameters and seed), then summarises and writes the folder as `coordsim compare` does.
fn run_job(job: &Job, arms: &[Arm], seeds: &[u64], command: String) -> ApiResult<Vec<Row>> {
    let provenance = Provenance::begin(
        &arms[0].scenario,
        Vec::new(),
        command.split(' ').map(str::to_string).collect(),
        cmp::SEED_RULE,
    );
    let jobs: Vec<(usize, usize)> = (0..arms.len())
        .flat_map(|a| (0..seeds.len()).map(move |r| (a, r)))
        .collect();
    let flat: Vec<ReplicateOutput> = jobs
        .par_iter()
        .map(|&(a, r)| {
            let out = run_replicate_with(&arms[a].scenario.params, r as u32, seeds[r], false);
            job.done.fetch_add(1, Ordering::Relaxed);
            out
        })
        .collect();
    let mut it = flat.into_iter();
    let results: Vec<Vec<ReplicateOutput>> = arms
        .iter()
        .map(|_| it.by_ref().take(seeds.len()).collect())
        .collect();
    let measures_rows = cmp::measures(arms, &results);
    std::fs::create_dir_all(&job.dir)
        .map_err(|e| ApiError::internal(format!("cannot write the download folder: {e}")))?;
    cmp::write_folder(
        &job.dir,
        arms,
        &results,
        &measures_rows,
        provenance,
        rayon::current_num_threads(),
    )
    .map_err(|e| ApiError::internal(e.to_string()))?;
    folders::write_report(&job.dir)?;
    let headline = crate::plot::compare::HEADLINE;
    Ok(measures_rows
        .iter()
        .map(|m| {
            let meta = measures::summary(&m.metric);
            let d = m.difference.as_ref();
            Row {
                metric: m.metric.clone(),
                label: meta.as_ref().map_or(m.metric.clone(), |x| x.label.clone()),
                unit: meta.as_ref().map_or(String::new(), |x| x.unit.clone()),
                direction: meta
                    .as_ref()
                    .map_or(String::new(), |x| x.direction.words().to_string()),
                headline: headline.contains(&m.metric.as_str()),
                arm: m.arm,
                arm_label: m.label.clone(),
                n: m.stats.n,
                mean: m.stats.mean,
                ci95_low: m.stats.ci95_low,
                ci95_high: m.stats.ci95_high,
                diff_mean: d.map(|d| d.mean),
                diff_ci95_low: d.map(|d| d.ci95_low),
                diff_ci95_high: d.map(|d| d.ci95_high),
                verdict: match d {
                    None => "reference".to_string(),
                    Some(d) => cmp::judged_measure(&m.metric, d).to_string(),
                },
            }
        })
        .collect())
}
