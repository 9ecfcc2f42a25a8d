//! Running a sweep or a shard: batches of runs in parallel, appended in run order to the part
//! files and checkpointed, then the folder finalised (part files renamed, `points.csv` for a
//! whole sweep, the manifest).

use std::fs;
use std::path::PathBuf;

use rayon::prelude::*;

use super::checkpoint::{
    Checkpoint, CheckpointPace, Part, WorkDir, finished_plan, open_part, read_json, write_json,
};
use super::plan::{point_params, values};
use super::{SweepError, SweepOutcome, SweepRequest, io_err, plan, plan_difference};
use crate::experiment::progress_bar;
use crate::output::folder::link_or_copy;
use crate::output::manifest::{Manifest, Plan, Provenance, SeedRule, Shard, SweepSection};
use crate::output::{self, FolderLock, StagedFolder, Staging};
use crate::sim::{Measured, run_replicate_measured};

/// Runs the sweep (or its shard) and builds its finished folder in a staging folder beside
/// `req.out`, returned with the outcome for the caller to add plots to and swap in (`None`
/// when the folder already held this complete sweep). `lock` must be the lock on `req.out`.
pub fn run_sweep(
    req: &SweepRequest,
    lock: &FolderLock,
) -> Result<(SweepOutcome, Option<StagedFolder>), SweepError> {
    let (plan, layout) = plan(req)?;
    let provenance = Provenance::begin(
        &req.base,
        req.overrides.clone(),
        req.command_line.clone(),
        plan.seeds.text(),
    );
    let shard = req.shard.unwrap_or(Shard::WHOLE);
    let (start, end) = shard.runs(plan.total_runs);
    let work = WorkDir::of(&req.out);

    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = req.threads {
            b = b.num_threads(t);
        }
        b.build().map_err(|e| SweepError::Threads(e.to_string()))?
    };
    let threads = pool.current_num_threads();

    let mut checkpoint = Checkpoint::default();
    if work.dir.is_dir() && work.plan.is_file() {
        let existing: Plan = read_json(&work.plan)?;
        if let Some(what) = plan_difference(&existing, &plan) {
            return Err(SweepError::DifferentSweep {
                dir: req.out.display().to_string(),
                what: what.to_string(),
            });
        }
        let started_as: Option<Shard> = read_json(&work.shard).ok();
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
        if work.checkpoint.is_file() {
            checkpoint = read_json(&work.checkpoint)?;
        }
    } else {
        if req.resume {
            match finished_plan(&req.out)? {
                Some((done, done_shard))
                    if plan_difference(&done, &plan).is_none() && done_shard == shard =>
                {
                    let outcome = SweepOutcome {
                        runs_in_range: end - start,
                        runs_computed: 0,
                        files: Vec::new(),
                        threads,
                    };
                    return Ok((outcome, None));
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
        fs::create_dir_all(&work.dir).map_err(io_err(&work.dir))?;
        write_json(&work.shard, &shard)?;
        write_json(&work.plan, &plan)?;
    }
    // Fresh part files start with their headers; a resumed one is verified against the
    // checkpoint (length and SHA-256) and cut back to it.
    let header = |h: std::io::Result<Vec<u8>>, path: &PathBuf| h.map_err(io_err(path));
    let fresh = checkpoint.runs_bytes == 0;
    let mut runs_file = open_part(
        &work.runs_part,
        (!fresh).then_some((checkpoint.runs_bytes, checkpoint.runs_sha256.as_str())),
        &header(output::sweep::runs_header(&plan.varied), &work.runs_part)?,
    )?;
    let mut series_file = open_part(
        &work.series_part,
        (!fresh).then_some((
            checkpoint.timeseries_bytes,
            checkpoint.timeseries_sha256.as_str(),
        )),
        &header(output::sweep::series_header(), &work.series_part)?,
    )?;
    // The headers are part of what a resume keeps: record where they end.
    let started = std::time::Instant::now();
    if fresh {
        record(&mut checkpoint, &runs_file, &series_file);
        write_json(&work.checkpoint, &checkpoint)?;
    }
    let mut pace = CheckpointPace::after(started.elapsed());

    let mut next = start + checkpoint.runs_done;
    let computed_from = next;
    let bar = progress_bar(end - start, "runs", req.show_progress);
    bar.set_position(checkpoint.runs_done);
    let batch = (threads as u64 * 8).max(8);
    let token = crate::experiment::cancel::current();
    let measured = Measured::Every(plan.series_every);
    while next < end {
        let stop = (next + batch).min(end);
        // This batch's points' parameters, built now: the sweep never holds them all.
        let first_point = next / plan.replicates as u64;
        let last_point = (stop - 1) / plan.replicates as u64;
        let params = (first_point..=last_point)
            .map(|p| Ok((point_params(req, &layout, p)?, values(&layout.point(p)))))
            .collect::<Result<Vec<_>, SweepError>>()?;
        let rows: Option<Vec<RunRows>> = pool.install(|| {
            (next..stop)
                .into_par_iter()
                .map(|run| {
                    if crate::experiment::cancel::is_cancelled(&token) {
                        return None;
                    }
                    let point = run / plan.replicates as u64;
                    let replicate = (run % plan.replicates as u64) as u32;
                    let (params, point_values) = &params[(point - first_point) as usize];
                    // Under common seeds a point's own `run.seed` is its master seed: the
                    // same for every point unless the design varies it (the Morris dummy).
                    let master = match plan.seeds {
                        SeedRule::Common => params.run.seed,
                        SeedRule::PerRun => plan.master_seed,
                    };
                    let seed = plan.seeds.seed(master, run, replicate);
                    // Only the ticks `timeseries.csv` keeps are measured in full.
                    let out = run_replicate_measured(params, replicate, seed, false, &measured);
                    Some(output::sweep::run_rows(
                        &req.base.name,
                        run,
                        point as usize,
                        point_values,
                        &out,
                        plan.series_every,
                    ))
                })
                .collect()
        });
        // A cancelled batch is dropped whole: the checkpoint still ends where it was last written.
        let rows = rows.ok_or_else(|| SweepError::Cancelled {
            dir: req.out.display().to_string(),
        })?;
        for row in rows {
            let (run_row, series_rows) = row.map_err(io_err(&work.runs_part))?;
            runs_file.append(&run_row)?;
            series_file.append(&series_rows)?;
        }
        if pace.due() {
            let started = std::time::Instant::now();
            runs_file.sync()?;
            series_file.sync()?;
            checkpoint.runs_done = stop - start;
            record(&mut checkpoint, &runs_file, &series_file);
            write_json(&work.checkpoint, &checkpoint)?;
            pace = CheckpointPace::after(started.elapsed());
        }
        bar.set_position(stop - start);
        next = stop;
    }
    bar.finish_and_clear();
    drop((runs_file, series_file));
    let (files, staged) = finalise(req, lock, &plan, shard, provenance, threads)?;
    let outcome = SweepOutcome {
        runs_in_range: end - start,
        runs_computed: end - computed_from,
        files,
        threads,
    };
    Ok((outcome, Some(staged)))
}

/// One run's `runs.csv` row and `timeseries.csv` rows, as bytes.
type RunRows = std::io::Result<(Vec<u8>, Vec<u8>)>;

/// Records in the checkpoint how long the part files are now and what they hold.
fn record(checkpoint: &mut Checkpoint, runs: &Part, series: &Part) {
    (checkpoint.runs_bytes, checkpoint.runs_sha256) = runs.state();
    (checkpoint.timeseries_bytes, checkpoint.timeseries_sha256) = series.state();
}

/// Builds the finished folder beside `req.out`: the part files linked in under their final
/// names, points.csv (whole sweeps) and the manifest. The work folder stays until the staged
/// folder is swapped in, so a failure here loses nothing a resume needs.
fn finalise(
    req: &SweepRequest,
    lock: &FolderLock,
    plan: &Plan,
    shard: Shard,
    provenance: Provenance,
    threads: usize,
) -> Result<(Vec<PathBuf>, StagedFolder), SweepError> {
    let work = WorkDir::of(&req.out);
    let staged = StagedFolder::begin(lock)?;
    let dir = staged.path();
    let whole = shard.count == 1;
    let mut staging = Staging::new();
    let mut files = vec!["runs.csv".to_string(), "timeseries.csv".to_string()];
    if whole {
        let runs = [work.runs_part.clone()];
        staging.write(&dir.join("points.csv"), |w| {
            output::sweep::write_points(w, &runs, &plan.varied)
        })?;
        files.push("points.csv".into());
        if let Some(name) = super::write_analysis(&mut staging, dir, plan, &runs)? {
            files.push(name);
        }
    }
    files.push("manifest.json".into());
    let m = Manifest::sweep(
        provenance.finish(threads, files.clone()),
        SweepSection {
            complete: true,
            plan: plan.clone(),
            shard: (!whole).then_some(shard),
            runs: shard.runs(plan.total_runs),
            merged_from: Vec::new(),
        },
    );
    staging.write(&dir.join("manifest.json"), |w| m.write(w))?;
    link_or_copy(&work.runs_part, &dir.join("runs.csv"))?;
    link_or_copy(&work.series_part, &dir.join("timeseries.csv"))?;
    staging.commit()?;
    Ok((files.iter().map(|f| req.out.join(f)).collect(), staged))
}
