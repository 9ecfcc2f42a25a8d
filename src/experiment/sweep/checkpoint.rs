//! The work folder `.sweep/` of an unfinished sweep: its plan and shard, the part files and
//! the checkpoint recording how many runs are done and how long each part file was then.
//! Every JSON file here is written atomically through `output::write_atomic`.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{SweepError, io_err};
use crate::output::manifest::{Kind, Manifest, Plan, Shard};
use crate::output::write_atomic;

/// Progress recorded after each batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    pub runs_done: u64,
    pub runs_bytes: u64,
    pub timeseries_bytes: u64,
}

/// The files of a sweep folder's work folder.
pub(super) struct WorkDir {
    pub dir: PathBuf,
    pub plan: PathBuf,
    pub shard: PathBuf,
    pub checkpoint: PathBuf,
    pub runs_part: PathBuf,
    pub series_part: PathBuf,
}

impl WorkDir {
    pub fn of(out: &Path) -> Self {
        let dir = out.join(".sweep");
        WorkDir {
            plan: dir.join("plan.json"),
            shard: dir.join("shard.json"),
            checkpoint: dir.join("checkpoint.json"),
            runs_part: dir.join("runs.part"),
            series_part: dir.join("timeseries.part"),
            dir,
        }
    }
}

pub(super) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SweepError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    serde_json::from_str(&text).map_err(|e| SweepError::Io {
        path: path.display().to_string(),
        source: io::Error::other(e),
    })
}

/// Writes JSON atomically (temporary file, synced, renamed).
pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), SweepError> {
    write_atomic(path, |w| Ok(serde_json::to_writer_pretty(w, value)?))?;
    Ok(())
}

/// Opens a part file for appending: created with `header` when new, else cut to `len` bytes.
pub(super) fn open_part(path: &Path, len: u64, header: &[u8]) -> Result<File, SweepError> {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_err(path))?;
    if len == 0 {
        f.set_len(0).map_err(io_err(path))?;
        f.write_all(header).map_err(io_err(path))?;
    } else {
        f.set_len(len).map_err(io_err(path))?;
        f.seek(SeekFrom::Start(len)).map_err(io_err(path))?;
    }
    Ok(f)
}

/// The plan and shard of the finished sweep in `out`, if there is one.
pub(super) fn finished_plan(out: &Path) -> Result<Option<(Plan, Shard)>, SweepError> {
    let path = out.join("manifest.json");
    if !path.is_file() {
        return Ok(None);
    }
    Ok(match Manifest::read(&path) {
        Ok(Manifest {
            kind: Kind::Sweep,
            sweep: Some(s),
            ..
        }) if s.complete => Some((s.plan, s.shard.unwrap_or(Shard::WHOLE))),
        _ => None,
    })
}

/// Says which runs an unfinished shard folder is missing.
pub(super) fn incomplete_note(dir: &Path) -> Result<String, SweepError> {
    let work = WorkDir::of(dir);
    let plan: Plan = read_json(&work.plan)?;
    let done = read_json::<Checkpoint>(&work.checkpoint)
        .map(|c| c.runs_done)
        .unwrap_or(0);
    // The shard's index is not in the plan; find it from the folder's own record if any.
    let shard: Option<Shard> = read_json(&work.shard).ok();
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
