//! The pages' files, embedded in the binary (the app works offline; no CDN, no external URL).

use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::ApiError;

/// Every asset: name, content type, bytes.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("assets/style.css"),
    ),
    (
        "util.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/util.js"),
    ),
    (
        "chart.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/chart.js"),
    ),
    (
        "network.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/network.js"),
    ),
    (
        "explore.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/explore.js"),
    ),
    (
        "whatif.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/whatif.js"),
    ),
    (
        "lessons.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/lessons.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
];

/// The single page.
pub async fn index() -> Html<&'static str> {
    Html(include_str!("assets/index.html"))
}

/// One embedded asset by name.
pub async fn asset(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (_, kind, body) = ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| ApiError::not_found(format!("no asset `{name}`")))?;
    Ok(([(header::CONTENT_TYPE, *kind)], *body).into_response())
}
