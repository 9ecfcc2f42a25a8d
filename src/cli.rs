//! Command-line definitions (clap) only: flags become requests for `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Document every scenario key, one table, or one key: default, unit, range and meaning.
    Explain {
        /// A key (trust.half_life_ticks) or a table (trust).
        key: Option<String>,
        /// Print the parameter table in Markdown (as in docs/model.md).
        #[arg(long)]
        markdown: bool,
    },
    /// List the shipped scenarios with their descriptions.
    Scenarios,
    /// Draw (or redraw) the plots of a finished run, comparison or sweep folder.
    Plot(PlotArgs),
}

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of `coordsim run` (or of a comparison or sweep).
    pub dir: PathBuf,
    /// Week of the network picture (default: the last snapshot); must be a snapshot tick.
    #[arg(long)]
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
pub struct RunArgs {
    /// Scenario file, or the name of a shipped scenario (default: baseline).
    pub scenario: Option<String>,
    /// Output folder (default: outputs/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Master seed (same as --set run.seed=N).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of replicates (same as --set run.replicates=N).
    #[arg(long)]
    pub replicates: Option<u32>,
    /// Ticks to simulate (same as --set run.ticks=N).
    #[arg(long)]
    pub ticks: Option<u32>,
    /// Override any scenario key, validated as in the file: --set trust.half_life_ticks=13.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// No progress bar and no summary table.
    #[arg(long)]
    pub quiet: bool,
    /// Do not draw the dashboard and network picture into OUT/plots.
    #[arg(long)]
    pub no_plots: bool,
}
