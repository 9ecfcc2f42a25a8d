//! Shared by the `coordsim serve` test files (`mod serve_common;`): the app in-process, one
//! request to it, and a CSV file's rows. Each file uses a part of it.
#![allow(dead_code)]

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use coordsim::serve::{Caps, Config, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The app with the default caps, staging its downloads under `work`.
pub fn app(work: &Path) -> Router {
    router(Config {
        caps: Caps::default(),
        work_dir: work.to_path_buf(),
    })
}

/// One request in-process: status and body bytes.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<&str>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, bytes.to_vec())
}

pub async fn json_call(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let text = body.map(|b| b.to_string());
    let (status, bytes) = call(app, method, uri, text.as_deref()).await;
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v)
}

/// A CSV file's rows as (header, rows of fields).
pub fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}
