//! The `coordsim` binary: parse the command line, run the command, map errors to exit codes
//! (2 for bad input, 1 for failures while running). The CLI and one module per command live
//! here, not in the library.

mod calibrate;
mod cli;
mod compare;
mod error;
mod info;
mod interrupt;
mod merge;
mod plot;
mod report;
mod resolve;
mod run;
mod sensitivity;
mod serve;
mod share;
mod sweep;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command};
use error::CommandError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    interrupt::install();
    let command_line: Vec<String> = std::env::args().collect();
    match execute(cli.command.unwrap_or(Command::Run(cli.run)), command_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Each command in two steps, as ripgrep does it: its raw flags (and scenario) become a
/// validated request, then the request runs.
fn execute(command: Command, command_line: Vec<String>) -> Result<(), CommandError> {
    match command {
        Command::Run(args) => run::run(run::request(&args, command_line)?),
        Command::Validate { files } => info::validate(&files),
        Command::Explain { key, markdown } => info::explain(key.as_deref(), markdown),
        Command::Scenarios => info::scenarios(),
        Command::Sweep(args) => sweep::sweep(&sweep::request(&args, command_line)?),
        Command::Merge { dirs, out } => merge::merge(&dirs, &out, command_line),
        Command::Compare(args) => compare::compare(compare::request(&args, command_line)?),
        Command::Plot(args) => plot::plot(&plot::request(&args)),
        Command::Report { dir, quiet } => share::report(&dir, quiet),
        Command::Screen(args) => sweep::sweep(&sensitivity::screen_request(&args, command_line)?),
        Command::Sobol(args) => sweep::sweep(&sensitivity::sobol_request(&args, command_line)?),
        Command::Calibrate(args) => calibrate::calibrate(&calibrate::request(&args, command_line)?),
        Command::Serve(args) => serve::serve(&args),
    }
}
