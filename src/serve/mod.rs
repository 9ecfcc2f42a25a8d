//! `coordsim serve`'s web app: the routes, the shared state and the caps, built as an axum
//! `Router` so tests can drive it in-process. The binary only parses flags, binds the socket
//! and opens the browser.
//!
//! Safety (issue #15): a request names a shipped scenario or carries TOML text, validated
//! exactly as a file is; nothing a request says becomes a path on disk. World size, ticks,
//! replicates, live sessions and concurrent what-if jobs are capped by [`Caps`]. Every bad
//! request is a 4xx with a message in JSON (`{"error": ...}`) and the server keeps serving.

mod api;
mod assets;
mod catalog;
mod folders;
mod session;
mod whatif;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use api::router;
pub use catalog::lessons;

/// Limits on what one request may ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Caps {
    /// Most communities in a world (`population.communities`).
    pub max_communities: u32,
    /// Most ticks of a run (`run.ticks`).
    pub max_ticks: u32,
    /// Most replicates per arm of a what-if.
    pub max_replicates: u32,
    /// Most what-if jobs running at once.
    pub max_jobs: usize,
    /// Most Explore sessions kept (the least recently used is dropped for a new one).
    pub max_sessions: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            max_communities: 2000,
            max_ticks: 520,
            max_replicates: 100,
            max_jobs: 2,
            max_sessions: 32,
        }
    }
}

/// What the app needs: its caps and a private folder for the files it offers to download.
#[derive(Debug, Clone)]
pub struct Config {
    pub caps: Caps,
    /// Where downloads are staged (created if missing; the binary removes it at exit).
    pub work_dir: PathBuf,
}

/// The state every handler shares.
pub(crate) struct App {
    pub config: Config,
    pub sessions: session::Sessions,
    pub jobs: whatif::Jobs,
}

pub(crate) type Shared = Arc<App>;

/// A request that cannot be served: a status and a message for the person at the browser.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;
