//! `coordsim plot DIR`, and the drawing every other command does into its folder at the end.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use coordsim::output::{FolderLock, Staging};
use coordsim::plot;

use crate::cli::PlotArgs;
use crate::error::CommandError;
use crate::report::plot_stems;
use coordsim::output::PLOTS_DIR;

/// `coordsim plot DIR`, resolved: what to draw from which folder, and where to.
#[derive(Debug)]
pub struct PlotRequest {
    /// The finished run, comparison or sweep folder.
    pub dir: PathBuf,
    pub options: plot::Options,
    /// Folder for the plot files (default: DIR/plots).
    pub out: PathBuf,
    pub quiet: bool,
}

/// Raw flags to a plot request.
pub fn request(args: &PlotArgs) -> PlotRequest {
    PlotRequest {
        dir: args.dir.clone(),
        options: plot::Options {
            tick: args.tick,
            animate: args.animate,
            metric: args.metric.clone(),
        },
        out: args.out.clone().unwrap_or_else(|| args.dir.join(PLOTS_DIR)),
        quiet: args.quiet,
    }
}

/// `coordsim plot DIR`: draws what applies to the folder into DIR/plots (or --out).
pub fn plot(request: &PlotRequest) -> Result<(), CommandError> {
    let PlotRequest {
        dir,
        options,
        out,
        quiet,
    } = request;
    // The folder's other writers (run, compare, sweep) wait for this to finish, and it for them.
    let lock = FolderLock::acquire(dir)?;
    let (drawn, written) = draw_into(dir, options, out)?;
    remove_stale_plots(out, &written)?;
    drop(lock);
    if !quiet {
        for note in &drawn.notes {
            eprintln!("note: {note}");
        }
        let refs: Vec<&PathBuf> = written.iter().collect();
        println!(
            "drew the {} in {} into {}: {}",
            drawn.kind.name(),
            dir.display(),
            out.display(),
            plot_stems(&refs).join(", ")
        );
    }
    Ok(())
}

/// Draws what applies to a finished folder into `out`, atomically.
fn draw_into(
    dir: &Path,
    options: &plot::Options,
    out: &Path,
) -> Result<(plot::Drawn, Vec<PathBuf>), CommandError> {
    let drawn = plot::draw_folder(dir, options)?;
    let mut staging = Staging::new();
    for p in &drawn.files {
        staging.write(&out.join(&p.name), |w| w.write_all(&p.bytes))?;
    }
    let written = staging.commit()?;
    Ok((drawn, written))
}

/// The file formats `plot` writes: the files of these kinds in its folder are its own.
const PLOT_EXTENSIONS: &[&str] = &["png", "svg", "gif"];

/// Removes the plot files in `out` that this drawing did not write (an animation or a
/// per-tick chart of an earlier `plot --animate`, say), so the folder shows one drawing.
fn remove_stale_plots(out: &Path, written: &[PathBuf]) -> Result<(), CommandError> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_plot = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| PLOT_EXTENSIONS.contains(&e));
        if is_plot && path.is_file() && !written.iter().any(|w| w == &path) {
            std::fs::remove_file(&path).map_err(|e| coordsim::output::OutputError {
                path: path.display().to_string(),
                source: e,
            })?;
        }
    }
    Ok(())
}

/// After `sweep`, `merge` or `compare`: their charts drawn into `dir`/plots (`dir` is the
/// staging folder, `shown` the folder it becomes); returns the line that says so.
pub fn draw_finished(dir: &Path, shown: &Path) -> Result<String, CommandError> {
    let (_, written) = draw_into(dir, &plot::Options::default(), &dir.join(PLOTS_DIR))?;
    let written = crate::run::in_target(&written, dir, shown);
    let refs: Vec<&PathBuf> = written.iter().collect();
    Ok(format!(
        "drew {}: {}",
        shown.join(PLOTS_DIR).display(),
        plot_stems(&refs).join(", ")
    ))
}
