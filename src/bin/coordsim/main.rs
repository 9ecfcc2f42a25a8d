//! The `coordsim` binary: parse the command line, run the command, map errors to exit codes
//! (2 for bad input, 1 for failures while running). The CLI and one module per command live
//! here, not in the library.

mod cli;
mod compare;
mod error;
mod info;
mod merge;
mod plot;
mod report;
mod resolve;
mod run;
mod sweep;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command_line: Vec<String> = std::env::args().collect();
    let result = match cli.command.unwrap_or(Command::Run(cli.run)) {
        Command::Run(args) => run::run(&args, command_line),
        Command::Validate { files } => info::validate(&files),
        Command::Explain { key, markdown } => info::explain(key.as_deref(), markdown),
        Command::Scenarios => info::scenarios(),
        Command::Sweep(args) => sweep::sweep(&args, command_line),
        Command::Merge { dirs, out } => merge::merge(&dirs, &out, command_line),
        Command::Compare(args) => compare::compare(&args, command_line),
        Command::Plot(args) => plot::plot(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
