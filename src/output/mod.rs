//! Output files: the tidy CSVs, the JSON summary and the manifest, written atomically.
//!
//! Every file is first written to a hidden temporary file beside its destination; only when
//! all files of a run are complete are they renamed into place, manifest last. A run that fails
//! or is killed leaves no partial file under the final names (temporaries are removed on error).
//! Numbers are written with Rust's shortest round-trip formatting, so identical runs give
//! identical bytes.

pub mod manifest;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::metrics::{COLUMNS, FLOW_COLUMNS};
use crate::sim::ReplicateOutput;
use crate::stats::{Summary, summarize};

/// Output errors carry the path they concern.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct OutputError {
    pub path: String,
    #[source]
    pub source: io::Error,
}

fn err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.display().to_string(),
        source,
    }
}

/// Files written to temporary names and renamed into place together by [`Staging::commit`].
#[derive(Debug, Default)]
pub struct Staging {
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staging {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a file under a temporary name through `fill`; it is renamed at commit.
    pub fn write(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err(dir))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        self.pending.push((tmp.clone(), path.to_path_buf()));
        let file = File::create(&tmp).map_err(err(&tmp))?;
        let mut writer = BufWriter::new(file);
        fill(&mut writer).map_err(err(path))?;
        let file = writer.into_inner().map_err(|e| OutputError {
            path: path.display().to_string(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(err(path))
    }

    /// File names staged so far, in order (for the manifest's file list).
    pub fn names(&self) -> Vec<String> {
        self.pending
            .iter()
            .filter_map(|(_, p)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    }

    /// Renames every staged file into place, in the order they were written.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::with_capacity(pending.len());
        for (i, (tmp, path)) in pending.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                // Leave nothing half-staged behind.
                for (t, _) in &pending[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(err(path)(e));
            }
            done.push(path.clone());
        }
        Ok(done)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes one CSV field: quoted only when it must be.
pub fn field(out: &mut (impl Write + ?Sized), text: &str) -> io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

/// `timeseries.csv`: one row per replicate and tick.
pub fn write_timeseries(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    writeln!(out, "scenario,replicate,seed,{}", COLUMNS.join(","))?;
    for run in runs {
        for record in &run.records {
            field(out, scenario)?;
            write!(out, ",{},{}", run.replicate, run.seed)?;
            for v in record.values() {
                write!(out, ",{v}")?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// `ties.csv`: the trusted ties at each snapshot tick.
pub fn write_ties(out: &mut impl Write, runs: &[ReplicateOutput]) -> io::Result<()> {
    writeln!(out, "replicate,tick,source,target,trust")?;
    for run in runs {
        for t in &run.ties {
            writeln!(
                out,
                "{},{},{},{},{}",
                run.replicate, t.tick, t.source, t.target, t.trust
            )?;
        }
    }
    Ok(())
}

/// `nodes.csv`: every community at each snapshot tick (network is empty outside networks).
pub fn write_nodes(out: &mut impl Write, runs: &[ReplicateOutput]) -> io::Result<()> {
    writeln!(out, "replicate,tick,community,region,network,members,stage")?;
    for run in runs {
        for n in &run.nodes {
            write!(
                out,
                "{},{},{},{},",
                run.replicate, n.tick, n.community, n.region
            )?;
            if let Some(label) = n.network {
                write!(out, "{label}")?;
            }
            writeln!(out, ",{},{}", n.members, n.stage)?;
        }
    }
    Ok(())
}

/// Names of the per-replicate summary measures, in `summary.csv` column order.
pub fn summary_columns() -> Vec<String> {
    let mut cols: Vec<String> = COLUMNS
        .iter()
        .skip(1)
        .map(|c| format!("final_{c}"))
        .collect();
    cols.extend(FLOW_COLUMNS.iter().map(|c| format!("cumulative_{c}")));
    // The share of all coordination value that was funded: steadier than any one tick's ratio.
    cols.push("cumulative_coordination_funded_share".to_string());
    cols.push("first_full_stage_tick".to_string());
    cols
}

/// One replicate's summary measures; `None` where a measure has no value (never reached).
pub fn summary_values(run: &ReplicateOutput) -> Vec<Option<f64>> {
    let last = run.records.last().map(|r| r.values()).unwrap_or_default();
    let mut vals: Vec<Option<f64>> = last.iter().skip(1).map(|&v| Some(v)).collect();
    let mut totals = Vec::with_capacity(FLOW_COLUMNS.len());
    for flow in FLOW_COLUMNS {
        let i = COLUMNS
            .iter()
            .position(|c| c == flow)
            .expect("flow columns are metric columns");
        // Tick 0 holds no flows; sum the ticks that ran.
        let total: f64 = run.records.iter().skip(1).map(|r| r.values()[i]).sum();
        totals.push(total);
        vals.push(Some(total));
    }
    let (value, funding) = (totals[0], totals[1]);
    vals.push(Some(if value > 0.0 { funding / value } else { 0.0 }));
    vals.push(run.first_full_stage_tick.map(f64::from));
    vals
}

/// `summary.csv`: one row per replicate with final and cumulative values.
pub fn write_summary_csv(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    writeln!(
        out,
        "scenario,replicate,seed,{}",
        summary_columns().join(",")
    )?;
    for run in runs {
        field(out, scenario)?;
        write!(out, ",{},{}", run.replicate, run.seed)?;
        for v in summary_values(run) {
            match v {
                Some(v) => write!(out, ",{v}")?,
                None => write!(out, ",")?,
            }
        }
        writeln!(out)?;
    }
    Ok(())
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
    let per_run: Vec<Vec<Option<f64>>> = runs.iter().map(summary_values).collect();
    summary_columns()
        .into_iter()
        .enumerate()
        .map(|(i, metric)| {
            let xs: Vec<f64> = per_run.iter().filter_map(|v| v[i]).collect();
            MeasureSummary {
                metric,
                stats: summarize(&xs),
            }
        })
        .collect()
}

/// `summary.json`: the scenario, replicate count and every measure's statistics.
pub fn write_summary_json(
    out: &mut impl Write,
    scenario: &str,
    runs: &[ReplicateOutput],
) -> io::Result<()> {
    #[derive(Serialize)]
    struct SummaryFile<'a> {
        scenario: &'a str,
        replicates: usize,
        confidence: f64,
        metrics: Vec<MeasureSummary>,
    }
    let file = SummaryFile {
        scenario,
        replicates: runs.len(),
        confidence: 0.95,
        metrics: across_replicates(runs),
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    writeln!(out)
}
