//! Why a command failed, and the exit code that says so (2 bad input, 1 failure while running).

use coordsim::experiment::ExperimentError;
use coordsim::experiment::calibrate::CalibrateError;
use coordsim::experiment::sweep::SweepError;
use coordsim::output::OutputError;
use coordsim::plot::PlotError;
use coordsim::report::ReportError;
use coordsim::scenario::ScenarioError;

/// Why a command failed; decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Input(#[from] ScenarioError),
    /// Several invalid files (validate): one message per file.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\nerror: "))]
    Inputs(Vec<ScenarioError>),
    #[error("{0}")]
    Usage(String),
    /// The plan's estimated memory or disk exceeds what there is: refused before starting.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    #[error("{0}")]
    Sweep(#[from] SweepError),
    #[error("{0}")]
    Plot(#[from] PlotError),
    #[error("{0}")]
    Calibrate(#[from] CalibrateError),
    #[error("{0}")]
    Report(#[from] ReportError),
    /// A finished folder's files could not be read back for the terminal summary.
    #[error("{0}")]
    Failed(String),
    /// `sweep --emit-slurm FILE --submit`: bash could not run the script, or the script (sbatch)
    /// failed. The script is written and valid; submitting it failed.
    #[error("{0}")]
    Submit(String),
}

impl CommandError {
    /// 2 for bad input, 1 for failures while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Input(_)
            | CommandError::Inputs(_)
            | CommandError::Usage(_)
            | CommandError::TooLarge(_) => 2,
            CommandError::Sweep(e) if e.is_input() => 2,
            CommandError::Plot(e) if e.is_input() => 2,
            CommandError::Calibrate(e) if e.is_input() => 2,
            CommandError::Report(e) if e.is_input() => 2,
            CommandError::Output(_)
            | CommandError::Submit(_)
            | CommandError::Experiment(_)
            | CommandError::Sweep(_)
            | CommandError::Plot(_)
            | CommandError::Calibrate(_)
            | CommandError::Report(_)
            | CommandError::Failed(_) => 1,
        }
    }
}
