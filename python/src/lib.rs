//! `coordsim._coordsim`, the extension module of the Python package: runs the CLI's own
//! commands in-process (the same clap flags, requests and library writers, so a folder written
//! from Python holds the CLI's bytes), with the GIL released, Ctrl-C turned into a cancel
//! token the library checks between runs, and every error (a panic included) a Python
//! exception. The pure-Python API over it is `python/coordsim/__init__.py`.

// The binary's modules, compiled in as they are (they are not part of the library's API, so
// they are shared by path rather than moved): `execute` below is the binary's `execute` for
// the commands Python offers.
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/calibrate.rs"]
mod calibrate;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/cli.rs"]
mod cli;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/compare.rs"]
mod compare;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/interrupt.rs"]
mod interrupt;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/plot.rs"]
mod plot;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/report.rs"]
mod report;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/resolve.rs"]
mod resolve;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/run.rs"]
mod run;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/sensitivity.rs"]
mod sensitivity;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/share.rs"]
mod share;
#[allow(dead_code)]
#[path = "../../src/bin/coordsim/sweep.rs"]
mod sweep;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use coordsim::experiment::cancel::{self, Cancel};
use coordsim::scenario::{self, Scenario, ScenarioError as LibScenarioError, builtin, specs};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cli::{Cli, Command};
use error::CommandError;

pyo3::create_exception!(
    _coordsim,
    CoordsimError,
    PyException,
    "Base class of coordsim's errors."
);
pyo3::create_exception!(
    _coordsim,
    ScenarioError,
    CoordsimError,
    "A scenario file, shipped name or `set` key/value is invalid (the CLI's exit 2): `.file`, `.line`, `.column`, `.key`, `.message`."
);
pyo3::create_exception!(
    _coordsim,
    UsageError,
    CoordsimError,
    "An option is invalid or the request cannot be run as asked (the CLI's exit 2)."
);
pyo3::create_exception!(
    _coordsim,
    RunError,
    CoordsimError,
    "A failure while running: an output folder, threads (the CLI's exit 1)."
);
pyo3::create_exception!(
    _coordsim,
    InternalError,
    CoordsimError,
    "A bug in coordsim (a Rust panic), caught before it reached the interpreter."
);

/// What the worker thread hands back: the command's result, or a panic's message.
type Outcome = Result<Result<(), CommandError>, String>;

/// Runs one command given as the CLI's arguments (`argv[0]` is the program name);
/// `command_line` is recorded in the manifest. Raises the exception matching the CLI's error.
#[pyfunction]
fn execute(py: Python<'_>, argv: Vec<String>, command_line: Vec<String>) -> PyResult<()> {
    let cli = Cli::try_parse_from(&argv).map_err(|e| UsageError::new_err(e.to_string()))?;
    let command = cli.command.unwrap_or(Command::Run(cli.run));
    let token = Cancel::new();
    let (tx, rx) = mpsc::channel::<Outcome>();
    let worker_token = token.clone();
    // The work runs on its own thread, so this one can wait with the GIL released and still
    // look at Python's signal handlers (Ctrl-C) every tenth of a second.
    std::thread::spawn(move || {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            cancel::with_token(&worker_token, || dispatch(command, command_line))
        }))
        .map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into())
        });
        let _ = tx.send(outcome);
    });
    // Behind a mutex so the waiting closures may cross `detach` (a receiver is not `Sync`).
    let rx = std::sync::Mutex::new(rx);
    let wait = |timeout: Option<Duration>| {
        let rx = rx
            .lock()
            .map_err(|_| mpsc::RecvTimeoutError::Disconnected)?;
        match timeout {
            Some(t) => rx.recv_timeout(t),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        }
    };
    let outcome = loop {
        match py.detach(|| wait(Some(Duration::from_millis(100)))) {
            Ok(outcome) => break outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    // Stop between runs and wait until the staging folder is removed.
                    token.cancel();
                    let _ = py.detach(|| wait(None));
                    return Err(interrupt);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(InternalError::new_err(
                    "the worker thread ended without a result",
                ));
            }
        }
    };
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(to_py(py, e)),
        Err(panic) => Err(InternalError::new_err(format!(
            "coordsim panicked (a bug, please report it): {panic}"
        ))),
    }
}

/// The binary's `execute`, for the commands the package offers.
fn dispatch(command: Command, command_line: Vec<String>) -> Result<(), CommandError> {
    match command {
        Command::Run(args) => run::run(run::request(&args, command_line)?),
        Command::Compare(args) => compare::compare(compare::request(&args, command_line)?),
        Command::Sweep(args) => sweep::sweep(&sweep::request(&args, command_line)?),
        Command::Screen(args) => sweep::sweep(&sensitivity::screen_request(&args, command_line)?),
        Command::Sobol(args) => sweep::sweep(&sensitivity::sobol_request(&args, command_line)?),
        Command::Calibrate(args) => calibrate::calibrate(&calibrate::request(&args, command_line)?),
        Command::Report { dir, .. } => share::report(&dir, true),
        _ => Err(CommandError::Usage(
            "only run, compare, sweep, screen, sobol, calibrate and report run from Python".into(),
        )),
    }
}

/// A command's error as the Python exception of its kind, with the CLI's message.
fn to_py(py: Python<'_>, e: CommandError) -> PyErr {
    let message = e.to_string();
    match e {
        CommandError::Input(s) => scenario_error(py, &s),
        CommandError::Inputs(mut all) if !all.is_empty() => scenario_error(py, &all.remove(0)),
        // The CLI's exit 2 (bad input) or 1 (a failure while running).
        e if e.exit_code() == 2 => UsageError::new_err(message),
        _ => RunError::new_err(message),
    }
}

/// A `ScenarioError` with its fields: the file (or shipped scenario), line, column and key.
fn scenario_error(py: Python<'_>, e: &LibScenarioError) -> PyErr {
    let err = ScenarioError::new_err(e.to_string());
    let (file, line, column, key): (Option<String>, Option<usize>, Option<usize>, Option<String>) =
        match e {
            LibScenarioError::Invalid {
                origin,
                line,
                column,
                key,
                ..
            } => (
                Some(origin.clone()),
                Some(*line),
                Some(*column),
                key.clone(),
            ),
            LibScenarioError::Unreadable { path, .. } => (Some(path.clone()), None, None, None),
            LibScenarioError::Override { assignment, .. } => (
                None,
                None,
                None,
                Some(
                    assignment
                        .split('=')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                ),
            ),
            LibScenarioError::NotFound { name, .. } => (Some(name.clone()), None, None, None),
            LibScenarioError::More { origin, .. } => (Some(origin.clone()), None, None, None),
        };
    let value = err.value(py);
    let _ = value.setattr("file", file);
    let _ = value.setattr("line", line);
    let _ = value.setattr("column", column);
    let _ = value.setattr("key", key);
    let _ = value.setattr("message", e.to_string());
    err
}

/// The shipped scenarios: (name, group, description), in the order they are embedded.
#[pyfunction]
fn scenarios() -> Vec<(String, String, String)> {
    builtin::BUILTIN
        .iter()
        .map(|(rel, text)| {
            let name = builtin::name_of(rel).to_string();
            let folder = name
                .rsplit_once('/')
                .map(|(g, _)| g.to_string())
                .unwrap_or_default();
            match Scenario::parse(text, scenario::Origin::Builtin(rel)) {
                Ok(sc) => (
                    name,
                    sc.meta.group.clone().unwrap_or(folder),
                    sc.description().to_string(),
                ),
                Err(e) => (name, folder, format!("(invalid: {e})")),
            }
        })
        .collect()
}

/// Every scenario key (or one table's, or one key): dicts of key, default, unit, range and
/// meaning, as `coordsim explain` prints them. An unknown key raises `UsageError`.
#[pyfunction]
#[pyo3(signature = (key=None))]
fn explain(py: Python<'_>, key: Option<&str>) -> PyResult<Vec<Py<PyDict>>> {
    let all = specs();
    let in_table = |s: &&scenario::params::ParamSpec, table: &str| {
        s.key.split_once('.').map(|(t, _)| t) == Some(table)
    };
    let chosen: Vec<_> = match key {
        None => all.iter().collect(),
        Some(k) if scenario::params::SECTIONS.contains(&k) => {
            all.iter().filter(|s| in_table(s, k)).collect()
        }
        Some(k) => all.iter().filter(|s| s.key == k).collect(),
    };
    if chosen.is_empty() {
        let k = key.unwrap_or_default();
        let hint = scenario::nearest(
            k,
            all.iter()
                .map(|s| s.key)
                .chain(scenario::params::SECTIONS.iter().copied()),
        )
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
        return Err(UsageError::new_err(format!(
            "no scenario key or table `{k}`{hint}"
        )));
    }
    chosen
        .into_iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("key", s.key)?;
            d.set_item("default", s.default.to_string())?;
            d.set_item("unit", s.unit.to_string())?;
            d.set_item("range", s.range.to_string())?;
            d.set_item("meaning", s.help)?;
            Ok(d.unbind())
        })
        .collect()
}

/// Copies a finished folder (`src`, a staging folder the package wrote) to `dst` the way the
/// CLI writes one: locked, built beside it and swapped in whole.
#[pyfunction]
fn save(py: Python<'_>, src: String, dst: String) -> PyResult<()> {
    py.detach(|| copy_folder(Path::new(&src), Path::new(&dst)))
        .map_err(|e| RunError::new_err(e.to_string()))
}

fn copy_folder(src: &Path, dst: &Path) -> Result<(), coordsim::output::OutputError> {
    use coordsim::output::{FolderLock, OutputError, StagedFolder};
    let lock = FolderLock::acquire(dst)?;
    lock.check_writable()?;
    let staged = StagedFolder::begin(&lock)?;
    fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                std::fs::create_dir(&target)?;
                copy(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }
    copy(src, staged.path()).map_err(|source| OutputError {
        path: src.display().to_string(),
        source,
    })?;
    staged.commit()
}

#[pymodule]
fn _coordsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", coordsim::VERSION)?;
    m.add("BUILD_ID", coordsim::BUILD_ID)?;
    m.add("CoordsimError", py.get_type::<CoordsimError>())?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("RunError", py.get_type::<RunError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_function(wrap_pyfunction!(execute, m)?)?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(save, m)?)?;
    Ok(())
}
