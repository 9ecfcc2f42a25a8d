//! `coordsim screen` (Morris) and `coordsim sobol`: a sensitivity analysis laid out as a sweep
//! on common seeds, run by the sweep engine (resumable, shardable, on Slurm), then analysed.

use std::path::Path;

use coordsim::experiment::design::Design;
use coordsim::experiment::sensitivity::{self, DEFAULT_METRICS, DUMMY, RESAMPLES};
use coordsim::experiment::sweep::{Analysis, SeedRule, Shard, SweepRequest};
use coordsim::output::manifest::Group;
use coordsim::output::schema::{MorrisRow, SobolRow, read_rows};
use coordsim::output::summary_columns;

use crate::cli::{ClusterArgs, ScreenArgs, SharedFlags, SobolArgs};
use crate::error::CommandError;
use crate::report::num;
use crate::resolve::{folder_name, load};
use crate::sweep::{SweepCommand, slurm_script};

/// `coordsim screen`, resolved.
pub fn screen_request(
    args: &ScreenArgs,
    command_line: Vec<String>,
) -> Result<SweepCommand, CommandError> {
    let analysis = Analysis::Morris {
        vary: args.vary.clone(),
        levels: args.levels.unwrap_or(4),
        trajectories: args.trajectories.unwrap_or(10),
        candidates: args.optimize,
        metrics: metrics(&args.metrics)?,
        resamples: RESAMPLES,
    };
    let mut own = vary_args(&args.vary);
    if let Analysis::Morris {
        levels,
        trajectories,
        candidates,
        ..
    } = &analysis
    {
        own.extend(["--trajectories".into(), trajectories.to_string()]);
        own.extend(["--levels".into(), levels.to_string()]);
        if let Some(m) = candidates {
            own.extend(["--optimize".into(), m.to_string()]);
        }
    }
    command(
        "screen",
        &args.flags,
        &args.scenario,
        &args.cluster,
        analysis,
        args.replicates,
        args.series_every,
        own,
        command_line,
    )
}

/// `coordsim sobol`, resolved.
pub fn sobol_request(
    args: &SobolArgs,
    command_line: Vec<String>,
) -> Result<SweepCommand, CommandError> {
    let groups = match &args.groups {
        None => Vec::new(),
        Some(text) => parse_groups(text, &args.vary)?,
    };
    let analysis = Analysis::Sobol {
        vary: args.vary.clone(),
        rows: args.samples.unwrap_or(64),
        groups,
        metrics: metrics(&args.metrics)?,
        resamples: RESAMPLES,
    };
    let mut own = vary_args(&args.vary);
    if let Analysis::Sobol { rows, .. } = &analysis {
        own.extend(["--samples".into(), rows.to_string()]);
    }
    if let Some(g) = &args.groups {
        own.extend(["--groups".into(), g.clone()]);
    }
    command(
        "sobol",
        &args.flags,
        &args.scenario,
        &args.cluster,
        analysis,
        args.replicates,
        args.series_every,
        own,
        command_line,
    )
}

/// `--vary KEY=RANGE` for each varied key, as forwarded to a cluster's shards.
fn vary_args(vary: &[String]) -> Vec<String> {
    vary.iter()
        .flat_map(|v| ["--vary".to_string(), v.clone()])
        .collect()
}

/// The measures to analyse: those named (each checked), or the defaults.
fn metrics(named: &[String]) -> Result<Vec<String>, CommandError> {
    if named.is_empty() {
        return Ok(DEFAULT_METRICS.iter().map(|m| m.to_string()).collect());
    }
    let known = summary_columns();
    for m in named {
        if !known.iter().any(|k| k == m) {
            let hint = coordsim::scenario::nearest(m, known.iter().map(String::as_str))
                .map(|n| format!(" (did you mean {n}?)"))
                .unwrap_or_default();
            return Err(CommandError::Usage(format!(
                "--metric {m}: not a summary measure{hint}; see the columns of summary.csv"
            )));
        }
    }
    Ok(named.to_vec())
}

/// `--groups`: `tables` (every varied key grouped with the others of its scenario table), or
/// `NAME=KEY,KEY;NAME=KEY,...`.
fn parse_groups(text: &str, vary: &[String]) -> Result<Vec<Group>, CommandError> {
    let keys: Vec<String> = vary
        .iter()
        .map(|v| {
            v.split_once('=')
                .map_or(v.as_str(), |(k, _)| k)
                .trim()
                .to_string()
        })
        .collect();
    if text.trim() == "tables" {
        let mut groups: Vec<Group> = Vec::new();
        for k in &keys {
            let table = k.split_once('.').map_or(k.as_str(), |(t, _)| t).to_string();
            match groups.iter_mut().find(|g| g.name == table) {
                Some(g) => g.keys.push(k.clone()),
                None => groups.push(Group {
                    name: table,
                    keys: vec![k.clone()],
                }),
            }
        }
        return Ok(groups);
    }
    text.split(';')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (name, list) = part.split_once('=').ok_or_else(|| {
                CommandError::Usage(format!(
                    "--groups {text}: expected NAME=KEY,KEY;NAME=KEY,... or `tables`"
                ))
            })?;
            Ok(Group {
                name: name.trim().to_string(),
                keys: list
                    .split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .collect(),
            })
        })
        .collect()
}

/// The sweep that runs an analysis's design: common seeds, every sweep-engine flag honoured.
#[allow(clippy::too_many_arguments)]
fn command(
    name: &'static str,
    flags: &SharedFlags,
    scenario: &str,
    cluster: &ClusterArgs,
    analysis: Analysis,
    replicates: Option<u32>,
    series_every: Option<u32>,
    mut own_args: Vec<String>,
    command_line: Vec<String>,
) -> Result<SweepCommand, CommandError> {
    let settings = flags.resolve(None);
    let base = load(Some(scenario), &settings.overrides)?;
    let shard = cluster
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(CommandError::Usage)?;
    for m in analysis.metrics() {
        own_args.extend(["--metric".to_string(), m.clone()]);
    }
    let replicates = replicates.unwrap_or(base.params.run.replicates);
    let series_every = series_every.unwrap_or(0);
    own_args.extend(["--replicates".into(), replicates.to_string()]);
    own_args.extend(["--series-every".into(), series_every.to_string()]);
    // Checked now, before anything runs or a script is written.
    sensitivity::points(&base, &analysis).map_err(CommandError::Usage)?;
    let request = SweepRequest {
        overrides: settings.overrides,
        vary: Vec::new(),
        design: Design::Factorial,
        samples: 0,
        replicates,
        seeds: SeedRule::Common,
        series_every,
        out: cluster.out.clone().unwrap_or_else(|| {
            Path::new("outputs").join(format!("{}-{name}", folder_name(&base.name)))
        }),
        resume: cluster.resume,
        shard,
        threads: settings.threads,
        command_line: command_line.clone(),
        show_progress: !settings.quiet,
        analysis: Some(analysis),
        base,
    };
    let slurm = slurm_script(name, cluster, &request, own_args, command_line)?;
    Ok(SweepCommand {
        sweep: request,
        quiet: settings.quiet,
        plots: settings.plots && shard.is_none(),
        slurm,
        max_memory: settings.max_memory,
        report: cluster.report,
    })
}

/// The terminal table of a finished analysis, read back from its file: per metric, the keys
/// ranked, and which clear the noise floor (Morris) or explain variance (Sobol).
pub fn table(out: &Path, analysis: &Analysis) -> Result<String, CommandError> {
    let path = out.join(analysis.file());
    let bad = |e: coordsim::output::schema::SchemaError| CommandError::Usage(e.to_string());
    let mut s = String::new();
    match analysis {
        Analysis::Morris { .. } => {
            let rows: Vec<MorrisRow> = read_rows(&path).map_err(bad)?;
            s.push_str(
                "Morris screening: mu* = mean |elementary effect| over the key's whole range \
                 [95% CI]; a key matters when its interval lies above the dummy's mu* (noise)\n",
            );
            for metric in analysis.metrics() {
                let mut of: Vec<&MorrisRow> = rows.iter().filter(|r| &r.metric == metric).collect();
                let Some(floor) = of.iter().find(|r| r.key == DUMMY).map(|r| r.mu_star) else {
                    s.push_str(&format!(
                        "  {metric}: no value at some design points, left out\n"
                    ));
                    continue;
                };
                of.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
                s.push_str(&format!("  {metric} (noise floor {})\n", num(floor)));
                let width = of.iter().map(|r| r.key.len()).max().unwrap_or(0);
                for r in of {
                    let verdict = if r.key == DUMMY {
                        "noise floor"
                    } else if r.mu_star_ci95_low > floor {
                        "matters"
                    } else {
                        "within noise"
                    };
                    s.push_str(&format!(
                        "    {:<width$}  mu* {} [{}, {}]  mu {}  sigma {}  {verdict}\n",
                        r.key,
                        num(r.mu_star),
                        num(r.mu_star_ci95_low),
                        num(r.mu_star_ci95_high),
                        num(r.mu),
                        num(r.sigma),
                    ));
                }
            }
        }
        Analysis::Sobol { .. } => {
            let rows: Vec<SobolRow> = read_rows(&path).map_err(bad)?;
            s.push_str(
                "Sobol indices: share of the measure's variance a key explains alone (first \
                 order) and with its interactions (total) [95% CI]\n",
            );
            for metric in analysis.metrics() {
                let mut of: Vec<&SobolRow> = rows.iter().filter(|r| &r.metric == metric).collect();
                if of.is_empty() {
                    s.push_str(&format!(
                        "  {metric}: no value at some design points, left out\n"
                    ));
                    continue;
                }
                of.sort_by(|a, b| b.total.total_cmp(&a.total));
                s.push_str(&format!("  {metric}\n"));
                let width = of.iter().map(|r| r.key.len()).max().unwrap_or(0);
                for r in of {
                    s.push_str(&format!(
                        "    {:<width$}  total {} [{}, {}]  first order {} [{}, {}]\n",
                        r.key,
                        num(r.total),
                        num(r.total_ci95_low),
                        num(r.total_ci95_high),
                        num(r.first_order),
                        num(r.first_order_ci95_low),
                        num(r.first_order_ci95_high),
                    ));
                }
            }
        }
    }
    Ok(s)
}
