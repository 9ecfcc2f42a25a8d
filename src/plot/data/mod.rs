//! The output files as plain records for drawing: `timeseries.csv`, `nodes.csv`, `ties.csv`,
//! `compare.csv`, `points.csv` and the manifest, read with clear errors, or built from a run's
//! in-memory results (the same numbers the CSVs hold).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::metrics::COLUMNS;
use crate::sim::ReplicateOutput;
use crate::stats::{Summary, summarize};

use super::PlotError;

/// One point of a band: the mean across replicates at a tick and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub tick: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl BandPoint {
    fn of(tick: u32, s: &Summary) -> Self {
        BandPoint {
            tick: f64::from(tick),
            mean: s.mean,
            low: s.ci95_low,
            high: s.ci95_high,
        }
    }
}

/// One row of `timeseries.csv`: a replicate at a tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub replicate: u32,
    pub tick: u32,
    /// Metric values in the order of [`Timeseries::metrics`].
    pub values: Vec<f64>,
}

/// The rows of one scenario (a run) or one arm (a comparison).
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub label: String,
    pub rows: Vec<Row>,
}

/// `timeseries.csv`: every replicate at every tick, grouped by scenario (arm).
#[derive(Debug, Clone, PartialEq)]
pub struct Timeseries {
    /// Where it came from, for error messages.
    pub source: String,
    /// Metric column names (everything after `scenario,replicate,seed,tick`).
    pub metrics: Vec<String>,
    /// In order of first appearance.
    pub arms: Vec<Arm>,
}

impl Timeseries {
    /// Index of a metric column, or an error naming the file and the column.
    pub fn column(&self, name: &str) -> Result<usize, PlotError> {
        self.metrics
            .iter()
            .position(|m| m == name)
            .ok_or_else(|| PlotError::MissingColumn {
                path: self.source.clone(),
                column: name.to_string(),
            })
    }

    /// The mean and 95% interval across an arm's replicates, tick by tick, of `f(row values)`.
    pub fn band_by(&self, arm: usize, f: impl Fn(&[f64]) -> f64) -> Vec<BandPoint> {
        let mut by_tick: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for row in &self.arms[arm].rows {
            by_tick.entry(row.tick).or_default().push(f(&row.values));
        }
        by_tick
            .iter()
            .map(|(&tick, xs)| BandPoint::of(tick, &summarize(xs)))
            .collect()
    }

    /// The band of one metric column.
    pub fn band(&self, arm: usize, column: usize) -> Vec<BandPoint> {
        self.band_by(arm, |v| v[column])
    }

    /// Number of distinct replicates in an arm.
    pub fn replicates(&self, arm: usize) -> usize {
        let mut reps: Vec<u32> = self.arms[arm].rows.iter().map(|r| r.replicate).collect();
        reps.sort_unstable();
        reps.dedup();
        reps.len()
    }

    /// The last tick of an arm (0 when empty).
    pub fn last_tick(&self, arm: usize) -> u32 {
        self.arms[arm]
            .rows
            .iter()
            .map(|r| r.tick)
            .max()
            .unwrap_or(0)
    }

    /// One replicate's value of a column at a tick.
    pub fn value(&self, arm: usize, replicate: u32, tick: u32, column: usize) -> Option<f64> {
        self.arms[arm]
            .rows
            .iter()
            .find(|r| r.replicate == replicate && r.tick == tick)
            .map(|r| r.values[column])
    }
}

/// A community in a snapshot (`nodes.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub tick: u32,
    pub community: u32,
    pub region: u32,
    pub network: Option<u32>,
    pub members: f64,
    pub stage: u8,
}

/// A trusted tie in a snapshot (`ties.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tie {
    pub tick: u32,
    pub source: u32,
    pub target: u32,
    pub trust: f64,
}

/// One replicate's snapshots: the network picture's input.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshots {
    pub replicate: u32,
    /// Snapshot ticks, ascending.
    pub ticks: Vec<u32>,
    pub nodes: Vec<Node>,
    pub ties: Vec<Tie>,
    /// Trust at which a tie counts (the lower end of the tie shading).
    pub tie_threshold: f64,
}

/// The part of a population the network picture shows when there are too many communities to
/// draw legibly (and to lay out in seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Regions 0..regions_shown are pictured.
    pub regions_shown: u32,
    pub regions_total: u32,
    pub communities_shown: usize,
    pub communities_total: usize,
}

impl Snapshots {
    /// The snapshots restricted to the lowest-numbered regions holding at most `max`
    /// communities (at least one region), with the ties among them; `None` for the window when
    /// everything fits. Regions are whole, so local structure is shown as it is; ties that
    /// leave the window are not drawn.
    pub fn window(&self, max: usize) -> (Snapshots, Option<Window>) {
        let mut per_region: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for n in &self.nodes {
            per_region.entry(n.region).or_default().insert(n.community);
        }
        let total: usize = per_region.values().map(|c| c.len()).sum();
        if total <= max {
            return (self.clone(), None);
        }
        let (mut shown, mut regions_shown) = (0usize, 0u32);
        let mut kept: BTreeSet<u32> = BTreeSet::new();
        for (&region, communities) in &per_region {
            if regions_shown > 0 && shown + communities.len() > max {
                break;
            }
            shown += communities.len();
            regions_shown = region + 1;
            kept.extend(communities.iter().copied());
        }
        let window = Window {
            regions_shown,
            regions_total: per_region.keys().next_back().map_or(0, |r| r + 1),
            communities_shown: shown,
            communities_total: total,
        };
        let snaps = Snapshots {
            replicate: self.replicate,
            ticks: self.ticks.clone(),
            nodes: self
                .nodes
                .iter()
                .filter(|n| kept.contains(&n.community))
                .cloned()
                .collect(),
            ties: self
                .ties
                .iter()
                .filter(|t| kept.contains(&t.source) && kept.contains(&t.target))
                .cloned()
                .collect(),
            tie_threshold: self.tie_threshold,
        };
        (snaps, Some(window))
    }
}

/// Everything a run folder holds that the plots use.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// The scenario's name, with the overrides that change the model:
    /// `baseline (funding.policy=direct_service)`.
    pub scenario: String,
    pub series: Timeseries,
    /// `None` when the folder has no `nodes.csv`/`ties.csv`.
    pub snapshots: Option<Snapshots>,
}

/// The replicate the network picture shows.
pub const PICTURE_REPLICATE: u32 = 0;

impl RunData {
    /// The same data as the run's CSVs, from the results in memory (`overrides` as in the
    /// manifest).
    pub fn from_runs(
        scenario: &str,
        overrides: &[String],
        tie_threshold: f64,
        runs: &[ReplicateOutput],
    ) -> Self {
        let metrics: Vec<String> = COLUMNS.iter().skip(1).map(|c| c.to_string()).collect();
        let rows = runs
            .iter()
            .flat_map(|run| {
                run.records.iter().map(move |rec| {
                    let values = rec.values();
                    Row {
                        replicate: run.replicate,
                        tick: values[0] as u32,
                        values: values[1..].to_vec(),
                    }
                })
            })
            .collect();
        let snapshots = runs
            .iter()
            .find(|r| r.replicate == PICTURE_REPLICATE)
            .map(|run| {
                let nodes: Vec<Node> = run
                    .nodes
                    .iter()
                    .map(|n| Node {
                        tick: n.tick,
                        community: n.community,
                        region: n.region,
                        network: n.network,
                        members: n.members,
                        stage: n.stage,
                    })
                    .collect();
                let ties = run
                    .ties
                    .iter()
                    .map(|t| Tie {
                        tick: t.tick,
                        source: t.source,
                        target: t.target,
                        trust: t.trust,
                    })
                    .collect();
                Snapshots {
                    replicate: run.replicate,
                    ticks: snapshot_ticks(&nodes),
                    nodes,
                    ties,
                    tie_threshold,
                }
            });
        RunData {
            scenario: scenario_label(scenario, overrides),
            series: Timeseries {
                source: "timeseries.csv".to_string(),
                metrics,
                arms: vec![Arm {
                    label: scenario.to_string(),
                    rows,
                }],
            },
            snapshots,
        }
    }

    /// Reads a run folder. `nodes.csv` and `ties.csv` are optional (older folders lack them).
    pub fn read(dir: &Path) -> Result<Self, PlotError> {
        let manifest = Manifest::read(dir)?;
        let series = read_timeseries(&dir.join("timeseries.csv"))?;
        let name = manifest
            .scenario
            .clone()
            .or_else(|| series.arms.first().map(|a| a.label.clone()))
            .unwrap_or_default();
        let scenario = scenario_label(&name, &manifest.overrides);
        let (nodes_path, ties_path) = (dir.join("nodes.csv"), dir.join("ties.csv"));
        let snapshots = if nodes_path.is_file() && ties_path.is_file() {
            let nodes = read_nodes(&nodes_path, PICTURE_REPLICATE)?;
            let ties = read_ties(&ties_path, PICTURE_REPLICATE)?;
            let tie_threshold = manifest.tie_threshold.unwrap_or_else(|| {
                ties.iter()
                    .map(|t| t.trust)
                    .fold(f64::INFINITY, f64::min)
                    .min(1.0)
            });
            Some(Snapshots {
                replicate: PICTURE_REPLICATE,
                ticks: snapshot_ticks(&nodes),
                nodes,
                ties,
                tie_threshold: if tie_threshold.is_finite() {
                    tie_threshold
                } else {
                    0.0
                },
            })
        } else {
            None
        };
        Ok(RunData {
            scenario,
            series,
            snapshots,
        })
    }
}

/// A scenario's name for titles: with the overrides that change the model (not `run.*` or
/// `output.*`, which change how much is run and written).
pub fn scenario_label(name: &str, overrides: &[String]) -> String {
    let shown: Vec<&str> = overrides
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.starts_with("run.") && !o.starts_with("output."))
        .collect();
    if shown.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", shown.join(", "))
    }
}

fn snapshot_ticks(nodes: &[Node]) -> Vec<u32> {
    let mut ticks: Vec<u32> = nodes.iter().map(|n| n.tick).collect();
    ticks.sort_unstable();
    ticks.dedup();
    ticks
}

/// What the plots need from `manifest.json` (every field optional). A run's manifest has
/// `scenario.name` and `overrides`; a sweep's has `varied` (at the top or under `plan`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub kind: Option<String>,
    pub scenario: Option<String>,
    pub varied: Vec<String>,
    pub overrides: Vec<String>,
    pub tie_threshold: Option<f64>,
}

impl Manifest {
    /// Reads `dir/manifest.json` if there is one; a folder without it gives the defaults.
    pub fn read(dir: &Path) -> Result<Self, PlotError> {
        let path = dir.join("manifest.json");
        if !path.is_file() {
            return Ok(Manifest::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|e| PlotError::io(&path, e))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| PlotError::Parse {
            path: path.display().to_string(),
            line: e.line() as u64,
            message: e.to_string(),
        })?;
        let string = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_string);
        let strings = |pointer: &str| -> Option<Vec<String>> {
            v.pointer(pointer).and_then(|x| x.as_array()).map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
        };
        Ok(Manifest {
            kind: string("/kind"),
            scenario: string("/scenario/name")
                .or_else(|| string("/scenario"))
                .or_else(|| string("/plan/scenario_name")),
            varied: strings("/varied")
                .or_else(|| strings("/plan/varied"))
                .unwrap_or_default(),
            overrides: strings("/overrides")
                .or_else(|| strings("/plan/overrides"))
                .unwrap_or_default(),
            tie_threshold: v
                .pointer("/parameters/trust/tie_threshold")
                .and_then(|x| x.as_f64()),
        })
    }
}

/// A CSV file being read: its header and the path for messages.
struct Csv {
    path: String,
    header: Vec<String>,
    reader: csv::Reader<std::fs::File>,
}

impl Csv {
    fn open(path: &Path) -> Result<Self, PlotError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| PlotError::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(file);
        let header = reader
            .headers()
            .map_err(|e| csv_error(&shown, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        Ok(Csv {
            path: shown,
            header,
            reader,
        })
    }

    /// Index of a required column.
    fn column(&self, name: &str) -> Result<usize, PlotError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| PlotError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
            })
    }

    /// Calls `each` with every record and its line number.
    fn rows(
        &mut self,
        mut each: impl FnMut(&Cells<'_>) -> Result<(), PlotError>,
    ) -> Result<(), PlotError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    each(&Cells {
                        path: &self.path,
                        header: &self.header,
                        record: &record,
                        line,
                    })?;
                }
                Err(e) => return Err(csv_error(&self.path, e)),
            }
        }
    }
}

fn csv_error(path: &str, e: csv::Error) -> PlotError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    PlotError::Parse {
        path: path.to_string(),
        line,
        message: e.to_string(),
    }
}

/// One record with typed accessors that report file, line and column on bad values.
struct Cells<'a> {
    path: &'a str,
    header: &'a [String],
    record: &'a csv::StringRecord,
    line: u64,
}

impl Cells<'_> {
    fn text(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("").trim()
    }

    fn bad(&self, i: usize) -> PlotError {
        PlotError::BadValue {
            path: self.path.to_string(),
            line: self.line,
            column: self.header.get(i).cloned().unwrap_or_default(),
            value: self.text(i).to_string(),
        }
    }

    fn f64(&self, i: usize) -> Result<f64, PlotError> {
        self.text(i)
            .parse::<f64>()
            .ok()
            .filter(|v| !v.is_nan())
            .ok_or_else(|| self.bad(i))
    }

    /// An optional number: empty cells are `None`.
    fn opt_f64(&self, i: usize) -> Result<Option<f64>, PlotError> {
        if self.text(i).is_empty() {
            Ok(None)
        } else {
            self.f64(i).map(Some)
        }
    }

    fn u32(&self, i: usize) -> Result<u32, PlotError> {
        self.text(i).parse::<u32>().map_err(|_| self.bad(i))
    }

    fn opt_u32(&self, i: usize) -> Result<Option<u32>, PlotError> {
        if self.text(i).is_empty() {
            Ok(None)
        } else {
            self.u32(i).map(Some)
        }
    }
}

/// Reads `timeseries.csv` (a run's, or a comparison's with one `scenario` per arm).
pub fn read_timeseries(path: &Path) -> Result<Timeseries, PlotError> {
    let mut csv = Csv::open(path)?;
    let (scenario, replicate, tick) = (
        csv.column("scenario")?,
        csv.column("replicate")?,
        csv.column("tick")?,
    );
    let seed = csv.header.iter().position(|h| h == "seed");
    let metric_idx: Vec<usize> = (0..csv.header.len())
        .filter(|&i| i != scenario && i != replicate && i != tick && Some(i) != seed)
        .collect();
    let metrics: Vec<String> = metric_idx.iter().map(|&i| csv.header[i].clone()).collect();
    let mut arms: Vec<Arm> = Vec::new();
    csv.rows(|c| {
        let label = c.text(scenario);
        let row = Row {
            replicate: c.u32(replicate)?,
            tick: c.u32(tick)?,
            values: metric_idx
                .iter()
                .map(|&i| c.f64(i))
                .collect::<Result<_, _>>()?,
        };
        match arms.iter_mut().find(|a| a.label == label) {
            Some(arm) => arm.rows.push(row),
            None => arms.push(Arm {
                label: label.to_string(),
                rows: vec![row],
            }),
        }
        Ok(())
    })?;
    if arms.is_empty() {
        return Err(PlotError::Empty {
            path: csv.path.clone(),
        });
    }
    Ok(Timeseries {
        source: csv.path,
        metrics,
        arms,
    })
}

/// Reads one replicate's rows of `nodes.csv`.
pub fn read_nodes(path: &Path, replicate: u32) -> Result<Vec<Node>, PlotError> {
    let mut csv = Csv::open(path)?;
    let cols = [
        "replicate",
        "tick",
        "community",
        "region",
        "network",
        "members",
        "stage",
    ]
    .map(|c| csv.column(c));
    let [rep, tick, community, region, network, members, stage] = cols;
    let (rep, tick, community, region, network, members, stage) =
        (rep?, tick?, community?, region?, network?, members?, stage?);
    let mut nodes = Vec::new();
    csv.rows(|c| {
        if c.u32(rep)? != replicate {
            return Ok(());
        }
        let s = c.u32(stage)?;
        nodes.push(Node {
            tick: c.u32(tick)?,
            community: c.u32(community)?,
            region: c.u32(region)?,
            network: c.opt_u32(network)?,
            members: c.f64(members)?,
            stage: u8::try_from(s)
                .ok()
                .filter(|&s| s <= 7)
                .ok_or_else(|| c.bad(stage))?,
        });
        Ok(())
    })?;
    if nodes.is_empty() {
        return Err(PlotError::NoReplicate {
            path: csv.path,
            replicate,
        });
    }
    Ok(nodes)
}

/// Reads one replicate's rows of `ties.csv`.
pub fn read_ties(path: &Path, replicate: u32) -> Result<Vec<Tie>, PlotError> {
    let mut csv = Csv::open(path)?;
    let (rep, tick, source, target, trust) = (
        csv.column("replicate")?,
        csv.column("tick")?,
        csv.column("source")?,
        csv.column("target")?,
        csv.column("trust")?,
    );
    let mut ties = Vec::new();
    csv.rows(|c| {
        if c.u32(rep)? != replicate {
            return Ok(());
        }
        ties.push(Tie {
            tick: c.u32(tick)?,
            source: c.u32(source)?,
            target: c.u32(target)?,
            trust: c.f64(trust)?,
        });
        Ok(())
    })?;
    Ok(ties)
}

/// One row of `compare.csv`: a summary measure for one arm, with its difference from arm 0.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub metric: String,
    pub arm: u32,
    pub label: String,
    pub n: f64,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Difference from the reference arm and its 95% interval (`None` for arm 0).
    pub diff: Option<(f64, f64, f64)>,
}

/// Reads `compare.csv`.
pub fn read_compare(path: &Path) -> Result<Vec<CompareRow>, PlotError> {
    let mut csv = Csv::open(path)?;
    let names = [
        "metric",
        "arm",
        "label",
        "n",
        "mean",
        "ci95_low",
        "ci95_high",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
    ];
    let mut idx = [0usize; 10];
    for (slot, name) in idx.iter_mut().zip(names) {
        *slot = csv.column(name)?;
    }
    let [metric, arm, label, n, mean, low, high, dm, dl, dh] = idx;
    let mut rows = Vec::new();
    csv.rows(|c| {
        let diff = match (c.opt_f64(dm)?, c.opt_f64(dl)?, c.opt_f64(dh)?) {
            (Some(m), Some(l), Some(h)) => Some((m, l, h)),
            _ => None,
        };
        rows.push(CompareRow {
            metric: c.text(metric).to_string(),
            arm: c.u32(arm)?,
            label: c.text(label).to_string(),
            n: c.f64(n)?,
            mean: c.f64(mean)?,
            ci95_low: c.f64(low)?,
            ci95_high: c.f64(high)?,
            diff,
        });
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(PlotError::Empty { path: csv.path });
    }
    Ok(rows)
}

/// One row of `points.csv`: a summary measure at one sweep point.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    pub point: u32,
    /// The varied keys' values at this point, in the order of [`Sweep::keys`].
    pub keys: Vec<String>,
    pub metric: String,
    pub n: f64,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// A sweep folder's `points.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub source: String,
    /// The varied keys (columns between `point` and `metric`, or the manifest's `varied`).
    pub keys: Vec<String>,
    pub rows: Vec<SweepRow>,
}

/// Reads `points.csv`; `varied` (from the manifest) names the key columns when given.
pub fn read_sweep(path: &Path, varied: &[String]) -> Result<Sweep, PlotError> {
    let mut csv = Csv::open(path)?;
    let (point, metric, n, mean, low, high) = (
        csv.column("point")?,
        csv.column("metric")?,
        csv.column("n")?,
        csv.column("mean")?,
        csv.column("ci95_low")?,
        csv.column("ci95_high")?,
    );
    let keys: Vec<String> = if varied.is_empty() {
        csv.header
            .iter()
            .enumerate()
            .filter(|&(i, _)| i > point && i < metric)
            .map(|(_, h)| h.clone())
            .collect()
    } else {
        varied.to_vec()
    };
    let key_idx: Vec<usize> = keys
        .iter()
        .map(|k| csv.column(k))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    csv.rows(|c| {
        rows.push(SweepRow {
            point: c.u32(point)?,
            keys: key_idx.iter().map(|&i| c.text(i).to_string()).collect(),
            metric: c.text(metric).to_string(),
            n: c.f64(n)?,
            mean: c.f64(mean)?,
            ci95_low: c.f64(low)?,
            ci95_high: c.f64(high)?,
        });
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(PlotError::Empty { path: csv.path });
    }
    Ok(Sweep {
        source: csv.path,
        keys,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_large_population_is_pictured_by_whole_regions_from_region_0() {
        // 3 regions of 4 communities each; ties inside region 0, and from region 0 to 2.
        let nodes: Vec<Node> = (0..12)
            .map(|c| Node {
                tick: 0,
                community: c,
                region: c / 4,
                network: None,
                members: 10.0,
                stage: 0,
            })
            .collect();
        let tie = |source, target| Tie {
            tick: 0,
            source,
            target,
            trust: 0.8,
        };
        let snaps = Snapshots {
            replicate: 0,
            ticks: vec![0],
            nodes,
            ties: vec![tie(0, 1), tie(2, 9)],
            tie_threshold: 0.5,
        };
        let (all, none) = snaps.window(12);
        assert_eq!((all.nodes.len(), none), (12, None));
        let (part, window) = snaps.window(9);
        assert_eq!(
            window,
            Some(Window {
                regions_shown: 2,
                regions_total: 3,
                communities_shown: 8,
                communities_total: 12,
            })
        );
        assert!(part.nodes.iter().all(|n| n.region < 2));
        assert_eq!(
            part.ties,
            vec![tie(0, 1)],
            "ties leaving the window are not drawn"
        );
        // A region larger than the limit is still shown whole.
        let (one, window) = snaps.window(2);
        assert_eq!((one.nodes.len(), window.unwrap().regions_shown), (4, 1));
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
            "scenario,replicate,x\ns,0,1\n",
        );
        let e = read_timeseries(&p).unwrap_err().to_string();
        assert!(e.contains("timeseries.csv") && e.contains("`tick`"), "{e}");
        let p = write(
            dir.path(),
            "timeseries.csv",
            "scenario,replicate,tick,x\ns,0,0,1\ns,0,1,oops\n",
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
        assert_eq!(s.rows[0].keys, vec!["0.1", "x"]);
        let e = read_sweep(&p, &["e.f".to_string()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`e.f`"), "{e}");
    }
}
