//! Command-line definitions (clap) only: the raw flags. Each command's module turns them into
//! its validated request (`run::request`, `sweep::request`, ...).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Simulate coordi-nations: communities that build kinship, pool resources and act together.
#[derive(Debug, Parser)]
#[command(name = "coordsim", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a command, `coordsim [SCENARIO] [FLAGS]` is `coordsim run [SCENARIO] [FLAGS]`.
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replicates in parallel and write results (the default command).
    Run(RunArgs),
    /// Check scenario files; prints nothing when all are valid.
    Validate {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Document every scenario key, one table, or one key: default, unit, range and meaning;
    /// or an output measure: plain label, unit, which way is better and its formula.
    Explain {
        /// A key (trust.half_life_ticks), a table (trust), an output measure
        /// (fragmentation, final_fragmentation) or `measures` (all of them).
        key: Option<String>,
        /// Print the parameter table in Markdown (as in docs/model.md); with `measures`, the
        /// measures table.
        #[arg(long)]
        markdown: bool,
    },
    /// List the shipped scenarios with their descriptions.
    Scenarios,
    /// Sweep parameters: every point of a design, with replicates, in parallel, resumable.
    Sweep(Box<SweepArgs>),
    /// Join sweep shard folders into one sweep, identical to an unsharded run.
    Merge {
        /// Shard folders (written by `sweep --shard I/N`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder for the merged sweep.
        #[arg(long)]
        out: PathBuf,
    },
    /// Compare scenarios (or one scenario and what-ifs) on the same seeds, with paired differences.
    Compare(CompareArgs),
    /// Draw (or redraw) the plots of a finished run, comparison or sweep folder.
    Plot(PlotArgs),
    /// Write DIR/report.html: one self-contained page (headline, charts, tables, changes from
    /// the defaults, provenance) for a finished run, comparison, sweep or calibration folder.
    Report {
        /// Output folder of `coordsim run`, `compare`, `sweep`, `screen`, `sobol` or `calibrate`
        /// (it has a manifest.json).
        dir: PathBuf,
        /// Print nothing on success (otherwise the report's path).
        #[arg(long)]
        quiet: bool,
    },
    /// Screen keys with Morris elementary effects: which keys matter for which measures.
    Screen(Box<ScreenArgs>),
    /// Sobol first-order and total indices: how much of a measure's variance each key explains.
    Sobol(Box<SobolArgs>),
    /// Calibrate keys against observations (ABC-SMC): a posterior and a calibrated scenario.
    Calibrate(Box<CalibrateArgs>),
    /// Serve the explorer in a browser: Explore, What-if and the classroom Lessons.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port, printed).
    #[arg(long, default_value_t = 8700)]
    pub port: u16,
    /// Address to listen on; anything but 127.0.0.1 lets other computers in (with a warning).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Most communities a requested world may have.
    #[arg(long, default_value_t = 2000)]
    pub max_communities: u32,
    /// Most ticks a requested run may have.
    #[arg(long, default_value_t = 520)]
    pub max_ticks: u32,
    /// Most replicates per arm of a what-if.
    #[arg(long, default_value_t = 100)]
    pub max_replicates: u32,
    /// Most what-if comparisons running at once.
    #[arg(long, default_value_t = 2)]
    pub max_jobs: usize,
    /// Most Explore sessions kept (the oldest is dropped for a new one).
    #[arg(long, default_value_t = 32)]
    pub max_sessions: usize,
}

#[derive(Debug, Default, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario file or shipped scenario name.
    pub scenario: String,
    /// Target file, or a shipped one by name (all_in_for_sport, green_pill): [calibrate]
    /// settings and priors, [[target]] observations.
    #[arg(long, value_name = "FILE")]
    pub target: String,
    /// Particles per generation (default: the target file's calibrate.population, else 100).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub population: Option<u32>,
    /// Most generations (default: the target file's calibrate.generations, else 5).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub generations: Option<u32>,
    /// Output folder (default: outputs/<scenario name>-calibrate).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted calibration in --out: finished candidates are read back.
    #[arg(long)]
    pub resume: bool,
    /// Also write report.html into the folder: one self-contained page to read offline and share.
    #[arg(long)]
    pub report: bool,
    /// Write a Slurm submit script (one job on one node's cores, requeued with --resume) to
    /// FILE instead of running.
    #[arg(long, value_name = "FILE")]
    pub emit_slurm: Option<PathBuf>,
    /// Slurm partition.
    #[arg(long)]
    pub slurm_partition: Option<String>,
    /// Time limit of the job, in Slurm's format (e.g. 02:00:00).
    #[arg(long)]
    pub slurm_time: Option<String>,
    /// CPUs of the job; also its --threads (default 8).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub slurm_cpus: Option<u32>,
    /// Memory of the job, in Slurm's format (e.g. 4G).
    #[arg(long)]
    pub slurm_mem: Option<String>,
    /// An extra #SBATCH option (e.g. --slurm-extra=--account=lab). Repeatable.
    #[arg(long, value_name = "OPTION", allow_hyphen_values = true)]
    pub slurm_extra: Vec<String>,
}

#[derive(Debug, Default, Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario file or shipped scenario name.
    pub scenario: String,
    /// A key and its range: KEY=LO..HI (or a list KEY=V1,V2,...). Repeatable; at least one.
    #[arg(long, value_name = "KEY=RANGE", required = true)]
    pub vary: Vec<String>,
    /// Trajectories (each runs keys + 2 points) (default 10).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub trajectories: Option<u32>,
    /// Grid levels of each key, even (default 4).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub levels: Option<u32>,
    /// Campolongo's design: the most spread --trajectories of M random candidates.
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub optimize: Option<u32>,
    /// Replicates per point, on common seeds (default: run.replicates).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicates: Option<u32>,
    /// A summary measure to analyse (final_fragmentation, cumulative_total_value, ...).
    /// Repeatable (default: six headline measures).
    #[arg(long = "metric", value_name = "NAME")]
    pub metrics: Vec<String>,
    /// Keep every Nth tick in timeseries.csv; 0 keeps only the last (default 0).
    #[arg(long)]
    pub series_every: Option<u32>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Default, Args)]
pub struct SobolArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario file or shipped scenario name.
    pub scenario: String,
    /// A key and its range: KEY=LO..HI (or a list KEY=V1,V2,...). Repeatable; at least one.
    #[arg(long, value_name = "KEY=RANGE", required = true)]
    pub vary: Vec<String>,
    /// Rows N of the matrices A and B: N x (factors + 2) points (default 64).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=10_000_000))]
    pub samples: Option<u32>,
    /// Keys analysed as one factor: NAME=KEY,KEY;NAME=KEY,... or `tables` (one group per
    /// scenario table, e.g. every trust.* key).
    #[arg(long, value_name = "GROUPS")]
    pub groups: Option<String>,
    /// Replicates per point, on common seeds (default: run.replicates).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicates: Option<u32>,
    /// A summary measure to analyse. Repeatable (default: six headline measures).
    #[arg(long = "metric", value_name = "NAME")]
    pub metrics: Vec<String>,
    /// Keep every Nth tick in timeseries.csv; 0 keeps only the last (default 0).
    #[arg(long)]
    pub series_every: Option<u32>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of `coordsim run` (or of a comparison or sweep).
    pub dir: PathBuf,
    /// Week of the network picture (default: the last snapshot); must be a snapshot tick.
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub tick: Option<u32>,
    /// Also write network.gif, one frame per snapshot tick (run folders).
    #[arg(long)]
    pub animate: bool,
    /// Summary measure to draw: a sweep's (default final_fragmentation) or the only one in a
    /// comparison's forest plot.
    #[arg(long)]
    pub metric: Option<String>,
    /// Folder for the plot files (default: DIR/plots).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Default, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario file or shipped scenario name; its [sweep] table is used if present.
    pub scenario: String,
    /// A varied key: KEY=V1,V2,... (a list) or KEY=LO..HI (a range, for lhs and random). Repeatable.
    #[arg(long, value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    /// factorial, zip, lhs or random (default: the [sweep] table's, else factorial).
    #[arg(long)]
    pub design: Option<String>,
    /// Points of an lhs or random design.
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub samples: Option<u32>,
    /// Runs per point (default: [sweep] replicates, else run.replicates).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub replicates: Option<u32>,
    /// Keep every Nth tick (and the last) in timeseries.csv; 0 keeps only the last (default 1).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub series_every: Option<u32>,
    /// Seed rule: per-run (run r gets its own seed) or common (replicate k of every point gets
    /// the seed of `coordsim run`'s replicate k). Default: the [sweep] table's, else per-run.
    #[arg(long, value_enum)]
    pub seeds: Option<SeedsArg>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// Where a sweep-engine command writes, and how it resumes, shards and goes to a cluster
/// (`sweep`, `screen`, `sobol`).
#[derive(Debug, Default, Args)]
pub struct ClusterArgs {
    /// Output folder (default: outputs/<scenario name>-sweep, -screen or -sobol).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep in --out: only missing runs are computed.
    #[arg(long)]
    pub resume: bool,
    /// Also write report.html into the folder: one self-contained page to read offline and share
    /// (not for a shard).
    #[arg(long)]
    pub report: bool,
    /// Run only shard I of N (I counts from 0), for clusters; join with `coordsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write a Slurm submit script for this job to FILE instead of running it.
    #[arg(long, value_name = "FILE")]
    pub emit_slurm: Option<PathBuf>,
    /// Shards (array tasks) in the Slurm job (default 4).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub slurm_shards: Option<u32>,
    /// Slurm partition.
    #[arg(long)]
    pub slurm_partition: Option<String>,
    /// Time limit per shard task, in Slurm's format (e.g. 02:00:00).
    #[arg(long)]
    pub slurm_time: Option<String>,
    /// CPUs per shard task; also the task's --threads (default 1).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub slurm_cpus: Option<u32>,
    /// Memory per shard task, in Slurm's format (e.g. 4G).
    #[arg(long)]
    pub slurm_mem: Option<String>,
    /// An extra #SBATCH option for every job (e.g. --slurm-extra=--account=lab). Repeatable.
    #[arg(long, value_name = "OPTION", allow_hyphen_values = true)]
    pub slurm_extra: Vec<String>,
    /// Path of the coordsim binary on the cluster (default: this binary's absolute path).
    #[arg(long, value_name = "PATH")]
    pub slurm_binary: Option<PathBuf>,
    /// After writing the script, submit it with sbatch and print the job ids.
    #[arg(long)]
    pub submit: bool,
}

/// Values of `sweep --seeds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedsArg {
    /// Run r has seed replicate_seed(master, r): every run its own seed.
    #[value(alias = "per_run")]
    PerRun,
    /// Replicate k of every point has seed replicate_seed(master, k) (common random numbers).
    Common,
}

#[derive(Debug, Default, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario files or shipped names: the first is the reference arm. With --what-if, one base scenario.
    #[arg(required = true)]
    pub scenarios: Vec<String>,
    /// An arm made from the base by KEY=VALUE (several keys: KEY=VALUE;KEY=VALUE). Repeatable.
    #[arg(long = "what-if", value_name = "KEY=VALUE")]
    pub what_if: Vec<String>,
    /// Replicates per arm (same as --set run.replicates=N).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub replicates: Option<u32>,
    /// Output folder (default: outputs/compare).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write report.html into the folder: one self-contained page to read offline and share.
    #[arg(long)]
    pub report: bool,
}

#[derive(Debug, Default, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub flags: SharedFlags,
    /// Scenario file, or the name of a shipped scenario (default: baseline).
    pub scenario: Option<String>,
    /// Output folder (default: outputs/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Number of replicates (same as --set run.replicates=N).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub replicates: Option<u32>,
    /// Also write report.html into the folder: one self-contained page to read offline and share.
    #[arg(long)]
    pub report: bool,
}

/// Flags shared by `run`, `sweep` and `compare`: seed, length and overrides of the scenario, and
/// how the work is run and shown.
#[derive(Debug, Default, Args)]
pub struct SharedFlags {
    /// Master seed (same as --set run.seed=N).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u64)]
    pub seed: Option<u64>,
    /// Ticks per run (same as --set run.ticks=N).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u32)]
    pub ticks: Option<u32>,
    /// Override any scenario key, validated as in the file: --set trust.half_life_ticks=13.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// No progress bar and no summary.
    #[arg(long)]
    pub quiet: bool,
    /// Do not draw the plots into OUT/plots at the end.
    #[arg(long)]
    pub no_plots: bool,
    /// Refuse to start when the estimated memory exceeds this (e.g. 8G, 512M; default: the
    /// memory available now, from /proc/meminfo).
    #[arg(long, value_name = "SIZE", value_parser = coordsim::experiment::budget::parse_size)]
    pub max_memory: Option<u64>,
}

// Numeric flags accept a leading minus so that `--threads -1` or `--seed -5` is read as a value
// and rejected for what it is, instead of clap's advice to write `-- -1` (which would pass it as
// a scenario name).

/// A whole number 0 or more that fits in 64 bits, with a message that says so.
fn whole_u64(text: &str) -> Result<u64, String> {
    text.parse::<u64>().map_err(|_| {
        format!(
            "expected a whole number from 0 to {}, found {text}",
            u64::MAX
        )
    })
}

/// A whole number 0 or more that fits in 32 bits, with a message that says so.
fn whole_u32(text: &str) -> Result<u32, String> {
    text.parse::<u32>().map_err(|_| {
        format!(
            "expected a whole number from 0 to {}, found {text}",
            u32::MAX
        )
    })
}
