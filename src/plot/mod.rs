//! Plots: the only module that uses plotters. It draws from the output files (or the same
//! records in memory), so `coordsim plot DIR` redraws any finished run, comparison or sweep.
//!
//! Every chart is a [`Figure`] drawn once to PNG and once to SVG, in memory; the caller stages
//! the bytes like any other output file, so no half-written image is ever left. Text uses the
//! embedded Noto Sans (see `style`), so drawing needs no system library and no system font.
//! Drawing is deterministic: the same inputs give byte-identical files.
//!
//! - `data`: the CSV and JSON files as plain records, with errors naming file, line and column;
//! - `style`: palette (Okabe-Ito, viridis), fonts and sizes;
//! - `text`: raster text with the embedded font, widths and wrapping;
//! - `legend`, `frame`, `axis`, `band`: the pieces charts share: legend entries; a panel's
//!   title and legend; tick formats, categorical axes, value ranges and the axes' house
//!   style; 95% bands;
//! - `time_chart`: means with 95% bands over weeks, the chart most panels are;
//! - `dashboard`: the run dashboard and its panels;
//! - `layout` and `network`: the tie graph at a tick and the animated GIF;
//! - `compare`: arms overlaid with bands, and the forest plot of paired differences;
//! - `sweep`: one varied key as a line with a band, two as a heatmap.

pub mod axis;
pub mod band;
pub mod calibrate;
pub mod compare;
pub mod dashboard;
pub mod data;
pub mod frame;
pub mod layout;
pub mod legend;
pub mod network;
pub mod sensitivity;
pub mod style;
pub mod sweep;
pub mod text;
pub mod time_chart;

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

pub use data::{RunData, RunTables};

use crate::output::schema::SchemaError;

/// Why drawing failed.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path}: not found; {hint}")]
    MissingFile { path: String, hint: String },
    /// A file that is not what its schema says (line, column, value): `output::schema`'s error.
    #[error(transparent)]
    File(SchemaError),
    #[error("{path}: no rows")]
    Empty { path: String },
    #[error("{path}: no rows for replicate {replicate}")]
    NoReplicate { path: String, replicate: u32 },
    #[error("{0}")]
    Usage(String),
    #[error("drawing failed: {0}")]
    Draw(String),
}

impl PlotError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::NotFound {
            PlotError::MissingFile {
                path: path.display().to_string(),
                hint: "is this a coordsim output folder?".to_string(),
            }
        } else {
            PlotError::Io {
                path: path.display().to_string(),
                source,
            }
        }
    }

    /// Whether the error is the user's input (a folder, a file or a flag), not a failure.
    pub fn is_input(&self) -> bool {
        !matches!(self, PlotError::Io { .. } | PlotError::Draw(_))
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(e.to_string())
    }
}

/// Something drawable on any plotters backend at a fixed size.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws onto a white area of [`Figure::size`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError>;
}

/// A finished plot file: its name inside the plots folder and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Draws a figure into an RGB buffer.
pub fn rgb(fig: &impl Figure) -> Result<Vec<u8>, PlotError> {
    style::register_fonts();
    text::set_vector(false);
    let (w, h) = fig.size();
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&style::WHITE)?;
        fig.draw(&root)?;
        root.present()?;
    }
    Ok(buf)
}

/// A figure as PNG bytes.
pub fn png(fig: &impl Figure) -> Result<Vec<u8>, PlotError> {
    let (w, h) = fig.size();
    encode_png(&rgb(fig)?, w, h)
}

/// An RGB buffer as PNG bytes, encoded as `image` 0.24's `PngEncoder` did, so the bytes stay
/// those of earlier versions: the `png` crate 0.17 with fast (fdeflate) compression and the
/// adaptive filter, which picks each row's filter (png 0.18's adaptive filter picks others).
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, PlotError> {
    let png_err = |e: png::EncodingError| PlotError::Draw(format!("PNG encoding: {e}"));
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Sub);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(rgb).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}

/// A figure as SVG bytes (text stays text).
pub fn svg(fig: &impl Figure) -> Result<Vec<u8>, PlotError> {
    style::register_fonts();
    text::set_vector(true);
    let (w, h) = fig.size();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
        root.fill(&style::WHITE)?;
        fig.draw(&root)?;
        root.present()?;
    }
    Ok(text.into_bytes())
}

/// `stem.png` and `stem.svg` of a figure.
pub fn png_and_svg(stem: &str, fig: &impl Figure) -> Result<Vec<PlotFile>, PlotError> {
    Ok(vec![
        PlotFile {
            name: format!("{stem}.png"),
            bytes: png(fig)?,
        },
        PlotFile {
            name: format!("{stem}.svg"),
            bytes: svg(fig)?,
        },
    ])
}

/// What `coordsim plot` may ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Tick of the network picture (default: the last snapshot).
    pub tick: Option<u32>,
    /// Also write `network.gif`, one frame per snapshot tick.
    pub animate: bool,
    /// Summary measure of a sweep's chart (default `final_fragmentation`) or a comparison's
    /// forest plot (default: the headline measures).
    pub metric: Option<String>,
}

/// The kinds of output folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Run,
    Compare,
    Sweep,
    Screen,
    Sobol,
    Calibrate,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "comparison",
            Kind::Sweep => "sweep",
            Kind::Screen => "screening",
            Kind::Sobol => "Sobol analysis",
            Kind::Calibrate => "calibration",
        }
    }
}

/// A folder's kind from its files: `points.csv` is a sweep, `compare.csv` a comparison,
/// anything else a run.
pub fn kind_of(dir: &Path) -> Kind {
    if dir.join("posterior.csv").is_file() {
        Kind::Calibrate
    } else if dir.join("morris.csv").is_file() {
        Kind::Screen
    } else if dir.join("sobol.csv").is_file() {
        Kind::Sobol
    } else if dir.join("points.csv").is_file() {
        Kind::Sweep
    } else if dir.join("compare.csv").is_file() {
        Kind::Compare
    } else {
        Kind::Run
    }
}

/// The plots of a folder, and notes on what could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub kind: Kind,
    pub files: Vec<PlotFile>,
    pub notes: Vec<String>,
}

/// Draws whatever applies to the folder's kind.
pub fn draw_folder(dir: &Path, options: &Options) -> Result<Drawn, PlotError> {
    if !dir.is_dir() {
        return Err(PlotError::MissingFile {
            path: dir.display().to_string(),
            hint: "expected an output folder of `coordsim run`, `compare` or `sweep`".to_string(),
        });
    }
    let kind = kind_of(dir);
    if kind != Kind::Run && (options.tick.is_some() || options.animate) {
        return Err(PlotError::Usage(format!(
            "--tick and --animate apply to run folders; {} is a {} folder",
            dir.display(),
            kind.name()
        )));
    }
    match kind {
        Kind::Run => {
            if options.metric.is_some() {
                return Err(PlotError::Usage(format!(
                    "--metric applies to sweep and comparison folders; {} is a run folder",
                    dir.display()
                )));
            }
            draw_run(&RunData::read(dir)?, options)
        }
        Kind::Compare => Ok(Drawn {
            kind,
            files: compare::draw(dir, options.metric.as_deref())?,
            notes: Vec::new(),
        }),
        Kind::Sweep => Ok(Drawn {
            kind,
            files: sweep::draw(dir, options.metric.as_deref())?,
            notes: Vec::new(),
        }),
        Kind::Screen => Ok(Drawn {
            kind,
            files: sensitivity::draw_morris(dir)?,
            notes: Vec::new(),
        }),
        Kind::Sobol => Ok(Drawn {
            kind,
            files: sensitivity::draw_sobol(dir)?,
            notes: Vec::new(),
        }),
        Kind::Calibrate => Ok(Drawn {
            kind,
            files: calibrate::draw(dir)?,
            notes: Vec::new(),
        }),
    }
}

/// A run's dashboard, its panels and the network picture (and the GIF when asked).
pub fn draw_run(run: &RunData, options: &Options) -> Result<Drawn, PlotError> {
    let mut files = dashboard::draw(run)?;
    let mut notes = Vec::new();
    match &run.snapshots {
        Some(snaps) => {
            files.extend(network::draw(run, snaps, options.tick)?);
            if options.animate {
                files.push(network::animate(run, snaps)?);
            }
        }
        None => {
            notes.push("no nodes.csv and ties.csv in this folder: no network picture".to_string())
        }
    }
    Ok(Drawn {
        kind: Kind::Run,
        files,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The bytes `image` 0.24.9's `PngEncoder` wrote for the same buffer: a change of the `png`
    /// crate or its settings that would change every plot's bytes fails here first.
    #[test]
    fn png_bytes_are_those_of_image_0_24() {
        let (w, h) = (64_u32, 48_u32);
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                // White rows and a white margin (where filters tie) around coloured gradients.
                if y % 8 < 2 || x > 56 {
                    rgb.extend_from_slice(&[255, 255, 255]);
                } else {
                    rgb.extend_from_slice(&[
                        (x * 7 + y * 3) as u8,
                        (x * x + y) as u8,
                        ((x ^ y) * 5) as u8,
                    ]);
                }
            }
        }
        let bytes = encode_png(&rgb, w, h).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(bytes.len(), 4478);
        assert_eq!(
            hex,
            "b5757aad0973b2e26e0ecd7ab9e294389f36a55b69a55a9bdae0357dcec46de7"
        );
    }
}
