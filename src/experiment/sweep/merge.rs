//! `coordsim merge`: complete shard folders joined, in shard order, into one sweep folder that
//! is byte for byte the unsharded sweep (its manifest says which shards it came from).

use std::path::{Path, PathBuf};

use super::checkpoint::{WorkDir, incomplete_note};
use super::{SweepError, plan_difference};
use crate::output::manifest::{Kind, Manifest, Shard, SweepSection, now_utc};
use crate::output::{self, Staging};

/// A complete shard folder and what its manifest says.
struct ShardFolder {
    manifest: Manifest,
    section: SweepSection,
    dir: PathBuf,
}

/// Joins complete shard folders into one sweep folder, byte-identical to an unsharded sweep.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    command_line: Vec<String>,
) -> Result<Vec<PathBuf>, SweepError> {
    let started_at = now_utc();
    if dirs.is_empty() {
        return Err(SweepError::Merge(
            "merge needs at least one shard folder".into(),
        ));
    }
    let mut shards: Vec<ShardFolder> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for dir in dirs {
        let path = dir.join("manifest.json");
        if path.is_file() {
            let manifest = Manifest::read(&path).map_err(|e| SweepError::Merge(e.to_string()))?;
            let section = match (&manifest.kind, &manifest.sweep) {
                (Kind::Sweep, Some(s)) => s.clone(),
                _ => {
                    return Err(SweepError::Merge(format!(
                        "{}: not a sweep folder",
                        dir.display()
                    )));
                }
            };
            shards.push(ShardFolder {
                manifest,
                section,
                dir: dir.clone(),
            });
        } else if WorkDir::of(dir).plan.is_file() {
            problems.push(incomplete_note(dir)?);
        } else {
            problems.push(format!(
                "{}: not a sweep shard folder (no manifest.json)",
                dir.display()
            ));
        }
    }
    let Some(reference) = shards.first() else {
        return Err(SweepError::Merge(format!(
            "cannot merge, no shard is complete:\n  {}",
            problems.join("\n  ")
        )));
    };
    let count = reference.section.shard.map_or(1, |s| s.count);
    for s in &shards {
        if let Some(what) = plan_difference(&s.section.plan, &reference.section.plan) {
            return Err(SweepError::Merge(format!(
                "{} is from a different sweep: its {what} differs from {}",
                s.dir.display(),
                dirs[0].display()
            )));
        }
        let c = s.section.shard.map_or(1, |s| s.count);
        if c != count {
            return Err(SweepError::Merge(format!(
                "{} is shard of {c}, others are shards of {count}",
                s.dir.display()
            )));
        }
    }
    let mut by_index: Vec<Option<&ShardFolder>> = vec![None; count as usize];
    for s in &shards {
        let i = s.section.shard.map_or(0, |x| x.index) as usize;
        if by_index[i].is_some() {
            return Err(SweepError::Merge(format!(
                "shard {i}/{count} is given twice ({})",
                s.dir.display()
            )));
        }
        by_index[i] = Some(s);
    }
    let plan = reference.section.plan.clone();
    let total = plan.total_runs;
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
    let ordered: Vec<&PathBuf> = by_index
        .iter()
        .map(|s| &s.expect("checked above").dir)
        .collect();
    let in_each = |name: &str| -> Vec<PathBuf> { ordered.iter().map(|d| d.join(name)).collect() };
    let mut staging = Staging::new();
    staging.write(&out.join("runs.csv"), |w| {
        output::sweep::concat_csv(w, &in_each("runs.csv"))
    })?;
    staging.write(&out.join("timeseries.csv"), |w| {
        output::sweep::concat_csv(w, &in_each("timeseries.csv"))
    })?;
    staging.write(&out.join("points.csv"), |w| {
        output::sweep::write_points(w, &in_each("runs.csv"), &plan.varied)
    })?;
    let mut files = vec![
        "runs.csv".to_string(),
        "timeseries.csv".to_string(),
        "points.csv".to_string(),
    ];
    files.extend(super::write_analysis(
        &mut staging,
        out,
        &plan,
        &in_each("runs.csv"),
    )?);
    files.push("manifest.json".to_string());
    // The scenario, parameters and seeds are the shards'; the command, build and times are
    // this merge's.
    let mut provenance = reference.manifest.provenance.clone();
    provenance.coordsim_version = crate::VERSION.to_string();
    provenance.coordsim_build = crate::BUILD_ID.to_string();
    provenance.command_line = command_line;
    provenance.started_at = started_at;
    let m = Manifest::sweep(
        provenance.finish(0, files),
        SweepSection {
            complete: true,
            plan,
            shard: None,
            runs: (0, total),
            merged_from: ordered.iter().map(|d| d.display().to_string()).collect(),
        },
    );
    staging.write(&out.join("manifest.json"), |w| m.write(w))?;
    Ok(staging.commit()?)
}
