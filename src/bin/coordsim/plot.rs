//! `coordsim plot DIR`, and the drawing every other command does into its folder at the end.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use coordsim::output::Staging;
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
    let (drawn, written) = draw_into(dir, options, out)?;
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

/// After `sweep`, `merge` or `compare`: their charts into DIR/plots, and a line saying so.
pub fn draw_finished(dir: &Path, quiet: bool) -> Result<(), CommandError> {
    let out = dir.join(PLOTS_DIR);
    let (_, written) = draw_into(dir, &plot::Options::default(), &out)?;
    if !quiet {
        let refs: Vec<&PathBuf> = written.iter().collect();
        println!("drew {}: {}", out.display(), plot_stems(&refs).join(", "));
    }
    Ok(())
}
