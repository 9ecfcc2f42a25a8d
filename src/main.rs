//! The `coordsim` binary: parse the command line, run the command, map errors to exit codes
//! (2 for bad input, 1 for failures while running).

use std::process::ExitCode;

use clap::Parser;
use coordsim::cli::{Cli, Command};
use coordsim::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command_line: Vec<String> = std::env::args().collect();
    let result = match cli.command.unwrap_or(Command::Run(cli.run)) {
        Command::Run(args) => commands::run(&args, command_line),
        Command::Validate { files } => commands::validate(&files),
        Command::Explain { key, markdown } => commands::explain(key.as_deref(), markdown),
        Command::Scenarios => commands::scenarios(),
        Command::Sweep(args) => commands::sweep(&args, command_line),
        Command::Merge { dirs, out } => commands::merge(&dirs, &out, command_line),
        Command::Compare(args) => commands::compare(&args, command_line),
        Command::Plot(args) => commands::plot(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
