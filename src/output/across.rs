//! Summary statistics across a run's replicates (summary.json, the terminal summary): from
//! values held in memory, or read back from summary.csv in two passes so that a streamed run
//! keeps no replicate's values, with the same arithmetic in the same order, so the same bits.

use std::fs::File;
use std::io;
use std::path::Path;

use super::MeasureSummary;
use super::schema;
use crate::stats::{self, summarize};

/// Every summary measure's mean, sd and 95% CI across a run's replicates (missing values
/// skipped), as summary.json and the terminal summary give them.
#[derive(Debug, Clone)]
pub struct AcrossReplicates {
    replicates: usize,
    measures: Vec<MeasureSummary>,
}

impl AcrossReplicates {
    /// From every replicate's summary values, held in memory.
    pub fn of_values<'a>(per_run: impl IntoIterator<Item = &'a [Option<f64>]>) -> Self {
        let mut present: Vec<Vec<f64>> = vec![Vec::new(); schema::summary_columns().len()];
        let mut replicates = 0;
        for values in per_run {
            for (column, v) in present.iter_mut().zip(values) {
                column.extend(*v);
            }
            replicates += 1;
        }
        let measures = present.iter().map(|xs| summarize(xs)).collect();
        Self::named(replicates, measures)
    }

    /// From a `summary.csv`, read twice (sums, then squared deviations), so no replicate's
    /// values stay in memory; the same bits as [`AcrossReplicates::of_values`].
    pub fn read(path: &Path) -> io::Result<Self> {
        let columns = schema::summary_columns().len();
        let mut n = vec![0usize; columns];
        let mut sums = vec![stats::sum_start(); columns];
        let replicates = each_summary_row(path, columns, |values| {
            for (i, v) in values.iter().enumerate() {
                if let Some(x) = v {
                    n[i] += 1;
                    sums[i] += x;
                }
            }
        })?;
        let means: Vec<f64> = n
            .iter()
            .zip(&sums)
            .map(|(&n, &s)| stats::mean_of(n, s))
            .collect();
        let mut squares = vec![stats::sum_start(); columns];
        each_summary_row(path, columns, |values| {
            for (i, v) in values.iter().enumerate() {
                if let Some(x) = v {
                    squares[i] += (x - means[i]) * (x - means[i]);
                }
            }
        })?;
        let measures = (0..columns)
            .map(|i| stats::summarize_sums(n[i], sums[i], squares[i]))
            .collect();
        Ok(Self::named(replicates, measures))
    }

    fn named(replicates: usize, stats: Vec<stats::Summary>) -> Self {
        let measures = schema::summary_columns()
            .into_iter()
            .zip(stats)
            .map(|(metric, stats)| MeasureSummary { metric, stats })
            .collect();
        AcrossReplicates {
            replicates,
            measures,
        }
    }

    /// Replicates summarised.
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// Every summary measure's statistics, in [`schema::summary_columns`] order.
    pub fn measures(&self) -> &[MeasureSummary] {
        &self.measures
    }
}

/// Calls `each` with every row's measures of a `summary.csv` (the last `columns` cells; empty
/// is None); returns the number of rows.
fn each_summary_row(
    path: &Path,
    columns: usize,
    mut each: impl FnMut(&[Option<f64>]),
) -> io::Result<usize> {
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(io::BufReader::new(File::open(path)?));
    let mut record = csv::StringRecord::new();
    let mut values = vec![None; columns];
    let mut rows = 0;
    while reader.read_record(&mut record).map_err(io::Error::from)? {
        let first = record
            .len()
            .checked_sub(columns)
            .ok_or_else(|| bad(format!("{} cells, expected more", record.len())))?;
        for (slot, cell) in values.iter_mut().zip(record.iter().skip(first)) {
            *slot = match cell {
                "" => None,
                text => Some(
                    text.parse::<f64>()
                        .map_err(|e| bad(format!("`{text}`: {e}")))?,
                ),
            };
        }
        each(&values);
        rows += 1;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::output::schema::SummaryRow;
    use crate::output::stream::write_rows_to;

    #[test]
    fn summary_statistics_read_back_from_the_file_are_the_in_memory_bits() {
        let columns = schema::summary_columns().len();
        let rows: Vec<Vec<Option<f64>>> = (0..7)
            .map(|r| {
                (0..columns)
                    .map(|c| match (r + c) % 5 {
                        0 => None,
                        1 => Some(-0.0),
                        _ => Some((r * 31 + c) as f64 / 7.0 - 3.0),
                    })
                    .collect()
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        let mut file = Vec::new();
        let body = rows.iter().enumerate().map(|(r, m)| SummaryRow {
            scenario: Cow::Borrowed("a, \"quoted\" name"),
            replicate: r as u32,
            seed: r as u64,
            measures: m.clone(),
        });
        write_rows_to(&mut file, Some(&SummaryRow::header()), body).unwrap();
        std::fs::write(&path, file).unwrap();
        let read = AcrossReplicates::read(&path).unwrap();
        let held = AcrossReplicates::of_values(rows.iter().map(Vec::as_slice));
        assert_eq!(read.replicates(), 7);
        let json = |a: &AcrossReplicates| serde_json::to_string(a.measures()).unwrap();
        assert_eq!(json(&read), json(&held));
    }
}
