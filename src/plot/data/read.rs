//! Reading a folder's files for drawing, through `output::schema`'s row types and
//! `output::manifest`'s one manifest type; errors name the file, line and column.

use std::path::Path;

use super::{Arm, PlotError, Row, Timeseries};
use crate::output::manifest::Manifest;
use crate::output::schema::{
    CompareRow, NodeRow, PointsRow, SchemaError, Table, TieRow, TimeseriesRow, header,
};

impl From<SchemaError> for PlotError {
    fn from(e: SchemaError) -> Self {
        match e {
            SchemaError::Io { path, source } => PlotError::io(Path::new(&path), source),
            other => PlotError::File(other),
        }
    }
}

/// A bad value at column `i` of a record.
fn bad(
    table_path: &str,
    header: &csv::StringRecord,
    record: &csv::StringRecord,
    i: usize,
) -> PlotError {
    PlotError::File(SchemaError::BadValue {
        path: table_path.to_string(),
        line: record.position().map_or(0, |p| p.line()),
        column: header.get(i).unwrap_or("").to_string(),
        value: record.get(i).unwrap_or("").to_string(),
    })
}

/// Reads `dir/manifest.json` if there is one.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, PlotError> {
    let path = dir.join("manifest.json");
    if !path.is_file() {
        return Ok(None);
    }
    Manifest::read(&path).map(Some).map_err(|e| {
        PlotError::File(SchemaError::Parse {
            path: e.path,
            line: e.line,
            message: e.message,
        })
    })
}

/// Reads `timeseries.csv` (a run's, or a comparison's with one `scenario` per arm): the key
/// columns of [`TimeseriesRow`], then metric columns (which ones is up to the file; `tick` is
/// required).
pub fn read_timeseries(path: &Path) -> Result<Timeseries, PlotError> {
    let mut table = Table::open(path)?;
    let keys = TimeseriesRow::keys();
    table.require_prefix(&keys)?;
    table.column("tick")?;
    let columns: Vec<String> = table
        .header
        .iter()
        .skip(keys.len())
        .map(str::to_string)
        .collect();
    let tick = columns.iter().position(|c| c == "tick").unwrap_or(0);
    let metrics: Vec<String> = columns.iter().filter(|c| *c != "tick").cloned().collect();
    let (shown, head) = (table.path.clone(), table.header.clone());
    let mut arms: Vec<Arm> = Vec::new();
    let mut failed: Option<PlotError> = None;
    table.rows(false, |row: TimeseriesRow, record| {
        if failed.is_some() {
            return Ok(());
        }
        if let Some(i) = row.values.iter().position(|v| v.is_nan()) {
            failed = Some(bad(&shown, &head, record, keys.len() + i));
            return Ok(());
        }
        let t = row.values.get(tick).copied().unwrap_or(f64::NAN);
        if !(t >= 0.0 && t.fract() == 0.0 && t <= u32::MAX as f64) {
            failed = Some(bad(&shown, &head, record, keys.len() + tick));
            return Ok(());
        }
        let mut values = row.values;
        values.remove(tick);
        let row_out = Row {
            replicate: row.replicate,
            tick: t as u32,
            values,
        };
        match arms.iter_mut().find(|a| a.label == row.scenario) {
            Some(arm) => arm.rows.push(row_out),
            None => arms.push(Arm {
                label: row.scenario.into_owned(),
                rows: vec![row_out],
            }),
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if arms.is_empty() {
        return Err(PlotError::Empty { path: shown });
    }
    Ok(Timeseries {
        source: shown,
        metrics,
        arms,
    })
}

/// Reads one replicate's rows of `nodes.csv`.
pub fn read_nodes(path: &Path, replicate: u32) -> Result<Vec<NodeRow>, PlotError> {
    let mut table = Table::open(path)?;
    table.require(&header::<NodeRow>(&[]))?;
    let (shown, head) = (table.path.clone(), table.header.clone());
    let stage = table.column("stage")?;
    let mut nodes = Vec::new();
    let mut failed: Option<PlotError> = None;
    table.rows(true, |node: NodeRow, record| {
        if node.replicate == replicate {
            if node.stage > 7 && failed.is_none() {
                failed = Some(bad(&shown, &head, record, stage));
            }
            nodes.push(node);
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if nodes.is_empty() {
        return Err(PlotError::NoReplicate {
            path: shown,
            replicate,
        });
    }
    Ok(nodes)
}

/// Reads one replicate's rows of `ties.csv`.
pub fn read_ties(path: &Path, replicate: u32) -> Result<Vec<TieRow>, PlotError> {
    let mut table = Table::open(path)?;
    table.require(&header::<TieRow>(&[]))?;
    let mut ties = Vec::new();
    table.rows(true, |tie: TieRow, _| {
        if tie.replicate == replicate {
            ties.push(tie);
        }
        Ok(())
    })?;
    Ok(ties)
}

/// Reads `compare.csv`.
pub fn read_compare(path: &Path) -> Result<Vec<CompareRow<'static>>, PlotError> {
    let mut table = Table::open(path)?;
    table.require(&CompareRow::required())?;
    let mut rows = Vec::new();
    table.rows(true, |row: CompareRow<'static>, _| {
        rows.push(row);
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(PlotError::Empty { path: table.path });
    }
    Ok(rows)
}

/// A sweep folder's `points.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub source: String,
    /// The varied keys (columns between `point` and `metric`, or the manifest's `varied`).
    pub keys: Vec<String>,
    /// Each row's `point_values` are the values of `keys`, in order.
    pub rows: Vec<PointsRow<'static>>,
}

/// Reads `points.csv`; `varied` (from the manifest) names the key columns when given.
pub fn read_sweep(path: &Path, varied: &[String]) -> Result<Sweep, PlotError> {
    read_sweep_where(path, varied, |_| true)
}

/// `points.csv` as [`read_sweep`], keeping only the rows `keep` accepts (it sees every row, in
/// order), so a large sweep's file is read in constant memory.
pub fn read_sweep_where(
    path: &Path,
    varied: &[String],
    mut keep: impl FnMut(&PointsRow<'static>) -> bool,
) -> Result<Sweep, PlotError> {
    let mut table = Table::open(path)?;
    table.require(&PointsRow::fixed_columns())?;
    let (point, metric) = (table.column("point")?, table.column("metric")?);
    let keys: Vec<String> = if varied.is_empty() {
        table
            .header
            .iter()
            .enumerate()
            .filter(|&(i, _)| i > point && i < metric)
            .map(|(_, h)| h.to_string())
            .collect()
    } else {
        varied.to_vec()
    };
    let key_idx: Vec<usize> = keys
        .iter()
        .map(|k| table.column(k))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    table.rows(true, |mut row: PointsRow<'static>, record| {
        row.point_values = key_idx
            .iter()
            .map(|&i| record.get(i).unwrap_or("").to_string().into())
            .collect();
        if keep(&row) {
            rows.push(row);
        }
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(PlotError::Empty { path: table.path });
    }
    Ok(Sweep {
        source: table.path,
        keys,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::data::{scenario_label, snapshot_ticks};

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn timeseries_bands_are_means_with_intervals() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "timeseries.csv",
            "scenario,replicate,seed,tick,x\ns,0,1,0,1\ns,1,2,0,3\ns,0,1,1,2\ns,1,2,1,2\n",
        );
        let ts = read_timeseries(&p).unwrap();
        assert_eq!(ts.metrics, vec!["x"]);
        assert_eq!(ts.replicates(0), 2);
        let band = ts.band(0, 0);
        assert_eq!(band.len(), 2);
        assert_eq!(band[0].mean, 2.0);
        assert!(band[0].low < 2.0 && band[0].high > 2.0);
        assert_eq!((band[1].low, band[1].high), (2.0, 2.0));
    }

    #[test]
    fn missing_column_and_bad_value_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "timeseries.csv",
            "scenario,replicate,seed,x\ns,0,1,1\n",
        );
        let e = read_timeseries(&p).unwrap_err().to_string();
        assert!(e.contains("timeseries.csv") && e.contains("`tick`"), "{e}");
        let p = write(
            dir.path(),
            "timeseries.csv",
            "scenario,replicate,x\ns,0,1\n",
        );
        let e = read_timeseries(&p).unwrap_err().to_string();
        assert!(e.contains("timeseries.csv") && e.contains("`seed`"), "{e}");
        let p = write(
            dir.path(),
            "timeseries.csv",
            "scenario,replicate,seed,tick,x\ns,0,1,0,1\ns,0,1,1,oops\n",
        );
        let e = read_timeseries(&p).unwrap_err().to_string();
        assert!(
            e.contains(":3") && e.contains("`x`") && e.contains("oops"),
            "{e}"
        );
    }

    #[test]
    fn nodes_keep_one_replicate_and_empty_networks() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "nodes.csv",
            "replicate,tick,community,region,network,members,stage\n0,0,0,0,,10,0\n1,0,0,0,3,10,4\n0,5,0,0,2,11,4\n",
        );
        let nodes = read_nodes(&p, 0).unwrap();
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].network, None);
        assert_eq!(nodes[1].network, Some(2));
        assert_eq!(snapshot_ticks(&nodes), vec![0, 5]);
        assert!(matches!(
            read_nodes(&p, 7),
            Err(PlotError::NoReplicate { .. })
        ));
    }

    #[test]
    fn scenario_labels_show_model_overrides_only() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(scenario_label("baseline", &[]), "baseline");
        assert_eq!(
            scenario_label(
                "baseline",
                &o(&[
                    "funding.policy=direct_service",
                    "run.seed=3",
                    "output.ties_every=2"
                ])
            ),
            "baseline (funding.policy=direct_service)"
        );
    }

    #[test]
    fn sweep_keys_come_from_the_header_or_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "points.csv",
            "point,a.b,c.d,metric,n,mean,sd,ci95_low,ci95_high\n0,0.1,x,m,3,1,0.1,0.9,1.1\n",
        );
        let s = read_sweep(&p, &[]).unwrap();
        assert_eq!(s.keys, vec!["a.b", "c.d"]);
        assert_eq!(s.rows[0].point_values, vec!["0.1", "x"]);
        let e = read_sweep(&p, &["e.f".to_string()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`e.f`"), "{e}");
    }
}
