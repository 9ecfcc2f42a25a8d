//! A sweep's files: the rows of `runs.csv` and `timeseries.csv` (formatted per run, appended
//! to the part files by `experiment::sweep`), `points.csv` computed from `runs.csv`, and the
//! concatenation of shards' files.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

use super::schema::{self, PointsRow, RunsRow, SweepSeriesRow, Table, summary_columns};
use super::summary_values;
use crate::sim::ReplicateOutput;
use crate::stats::summarize;

/// A header as the bytes of one CSV line.
fn header_line(header: &[String]) -> io::Result<Vec<u8>> {
    let mut w = schema::writer(Vec::new());
    w.write_record(header)?;
    w.into_inner().map_err(|e| e.into_error())
}

/// The header line of `runs.csv` for these varied keys.
pub fn runs_header(varied: &[String]) -> io::Result<Vec<u8>> {
    header_line(&RunsRow::header(varied, &summary_columns()))
}

/// The header line of a sweep's `timeseries.csv`.
pub fn series_header() -> io::Result<Vec<u8>> {
    header_line(&SweepSeriesRow::header())
}

/// One run's row of `runs.csv` and its rows of `timeseries.csv`: every `series_every`-th tick
/// and the last (only the last when `series_every` is 0).
pub fn run_rows(
    scenario: &str,
    run: u64,
    point: usize,
    point_values: &[String],
    out: &ReplicateOutput,
    series_every: u32,
) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut runs = schema::writer(Vec::with_capacity(512));
    runs.serialize(RunsRow {
        run,
        point,
        replicate: out.replicate,
        seed: out.seed,
        point_values: point_values
            .iter()
            .map(|v| Cow::Borrowed(v.as_str()))
            .collect(),
        measures: summary_values(out),
    })?;
    let mut series = schema::writer(Vec::with_capacity(4096));
    let last = out.records.len().saturating_sub(1);
    for (tick, record) in out.records.iter().enumerate() {
        let kept = if series_every == 0 {
            tick == last
        } else {
            tick % series_every as usize == 0 || tick == last
        };
        if kept {
            series.serialize(SweepSeriesRow {
                scenario: Cow::Borrowed(scenario),
                run,
                point,
                replicate: out.replicate,
                seed: out.seed,
                values: record.values(),
            })?;
        }
    }
    Ok((
        runs.into_inner().map_err(|e| e.into_error())?,
        series.into_inner().map_err(|e| e.into_error())?,
    ))
}

/// `points.csv` from the `runs.csv` files (in run order; their rows point-major): per point,
/// its values (as its runs.csv rows give them) and each summary measure's n, mean, sd and 95%
/// CI. One pass; memory holds one point.
pub fn write_points(
    out: &mut impl Write,
    runs_files: &[PathBuf],
    varied: &[String],
) -> io::Result<()> {
    let mut w = schema::writer(out);
    w.write_record(PointsRow::header(varied))?;
    let mut measures: Vec<String> = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    let mut values: Vec<Vec<f64>> = Vec::new();
    let flush = |w: &mut csv::Writer<_>,
                 (point, point_values): &(usize, Vec<String>),
                 measures: &[String],
                 values: &mut Vec<Vec<f64>>|
     -> io::Result<()> {
        for (m, xs) in measures.iter().zip(values.iter_mut()) {
            let s = summarize(xs);
            w.serialize(PointsRow {
                point: *point,
                point_values: point_values
                    .iter()
                    .map(|v| Cow::Borrowed(v.as_str()))
                    .collect(),
                metric: Cow::Borrowed(m),
                n: s.n,
                mean: s.mean,
                sd: s.sd,
                ci95_low: s.ci95_low,
                ci95_high: s.ci95_high,
            })?;
            xs.clear();
        }
        Ok(())
    };
    for (i, path) in runs_files.iter().enumerate() {
        let mut table = Table::open(path).map_err(io::Error::other)?;
        if i == 0 {
            measures = table
                .header
                .iter()
                .skip(4 + varied.len())
                .map(str::to_string)
                .collect();
            values = vec![Vec::new(); measures.len()];
        }
        let (shown, header) = (table.path.clone(), table.header.clone());
        let mut failed: io::Result<()> = Ok(());
        table
            .records(|record, _| {
                let row = RunsRow::from_record(record, varied.len(), &shown, &header)?;
                if current.as_ref().is_none_or(|(p, _)| *p != row.point) {
                    if let Some(c) = &current {
                        // The writer's errors are io errors: keep the first and stop adding.
                        if failed.is_ok() {
                            failed = flush(&mut w, c, &measures, &mut values);
                        }
                    }
                    let values = row.point_values.iter().map(|v| v.to_string()).collect();
                    current = Some((row.point, values));
                }
                for (xs, x) in values.iter_mut().zip(&row.measures) {
                    xs.extend(*x);
                }
                Ok(())
            })
            .map_err(io::Error::other)?;
        failed?;
    }
    if let Some(c) = &current {
        flush(&mut w, c, &measures, &mut values)?;
    }
    w.flush()
}

/// Concatenates CSV files that share a header, keeping the first header only (bytes copied
/// as they are).
pub fn concat_csv(out: &mut impl Write, files: &[PathBuf]) -> io::Result<()> {
    for (i, path) in files.iter().enumerate() {
        let f = File::open(path)
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
