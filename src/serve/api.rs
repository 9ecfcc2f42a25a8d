//! The routes: pages and assets, the catalogue (scenarios, parameters, measures, lessons),
//! Explore sessions (setup, step, a stream of ticks as server-sent events, inspect,
//! downloads) and What-if jobs (start, poll, downloads).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::{Value, json};

use super::catalog::{self, ScenarioInfo, ScenarioRequest};
use super::session::{self, Session};
use super::whatif::{self, WhatIfRequest};
use super::{ApiError, ApiResult, App, Config, Shared, assets, folders};
use crate::metrics::{COLUMNS, measures};

/// Largest request body: a scenario (1 MiB) and its changes.
const MAX_BODY: usize = (1 << 20) + (64 << 10);

/// The app, ready to serve.
pub fn router(config: Config) -> Router {
    let app = Arc::new(App {
        config,
        sessions: Default::default(),
        jobs: Default::default(),
    });
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .route("/api/scenarios", get(scenarios))
        .route("/api/params", get(params))
        .route("/api/measures", get(all_measures))
        .route("/api/lessons", get(lessons))
        .route("/api/limits", get(limits))
        .route("/api/sessions", post(new_session))
        .route("/api/sessions/{id}/step", post(step))
        .route("/api/sessions/{id}/events", get(events))
        .route("/api/sessions/{id}/communities/{c}", get(community))
        .route("/api/sessions/{id}/files/{name}", get(session_file))
        .route("/api/whatif", post(start_whatif))
        .route("/api/whatif/{id}", get(whatif_status))
        .route("/api/whatif/{id}/files/{name}", get(whatif_file))
        .fallback(|| async { ApiError::not_found("no such page") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

/// A JSON body, or a 400 that says what is wrong with it.
fn body<T>(b: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    b.map(|Json(x)| x)
        .map_err(|e| ApiError::bad(format!("bad request body: {}", e.body_text())))
}

/// An id in a path, or a 404 that says so.
fn id_of(raw: &str, what: &str) -> ApiResult<u64> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("no {what} `{raw}`")))
}

async fn scenarios() -> Json<Vec<ScenarioInfo>> {
    Json(catalog::scenarios())
}

async fn params() -> Json<Value> {
    Json(catalog::params())
}

async fn all_measures() -> Json<Value> {
    Json(
        json!({ "columns": COLUMNS, "metrics": measures::metrics(), "summaries": measures::summaries() }),
    )
}

async fn lessons() -> Json<Vec<catalog::Lesson>> {
    Json(catalog::lessons())
}

async fn limits(State(app): State<Shared>) -> Json<Value> {
    let c = app.config.caps;
    Json(json!({
        "max_communities": c.max_communities,
        "max_ticks": c.max_ticks,
        "max_replicates": c.max_replicates,
        "max_jobs": c.max_jobs,
        "max_sessions": c.max_sessions,
        "max_changes": whatif::MAX_CHANGES,
    }))
}

/// Setup: a new session at tick 0.
async fn new_session(
    State(app): State<Shared>,
    req: Result<Json<ScenarioRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let req = body(req)?;
    let app2 = app.clone();
    let (id, info, frame) = tokio::task::spawn_blocking(move || -> ApiResult<_> {
        let scenario = catalog::load(&req, &app2.config.caps)?;
        let name = req.scenario.clone().unwrap_or_else(|| {
            if req.toml.is_some() {
                catalog::UPLOAD_NAME.into()
            } else {
                "baseline".into()
            }
        });
        let info = ScenarioInfo::of(&name, &scenario);
        let mut s = Session::new(name, scenario, req.set.clone());
        let frame = s.frame();
        let id = app2.sessions.insert(s, app2.config.caps.max_sessions);
        Ok((id, info, frame))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(json!({ "id": id, "scenario": info, "frame": frame })))
}

#[derive(Deserialize)]
struct StepQuery {
    #[serde(default)]
    n: Option<u32>,
}

/// Step: advances `n` ticks (default 1) and returns the last frame.
async fn step(
    State(app): State<Shared>,
    Path(id): Path<String>,
    q: Result<Query<StepQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Value>> {
    let n = q
        .map_err(|e| ApiError::bad(e.body_text()))?
        .0
        .n
        .unwrap_or(1);
    let s = app.sessions.get(id_of(&id, "session")?)?;
    let frame = tokio::task::spawn_blocking(move || {
        let mut s = session::lock(&s);
        let mut last = None;
        for _ in 0..n.max(1) {
            match s.advance() {
                Some(f) => last = Some(f),
                None => break,
            }
        }
        last
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?;
    match frame {
        Some(f) => Ok(Json(json!({ "frame": f, "finished": f.tick >= f.ticks }))),
        None => Err(ApiError {
            status: axum::http::StatusCode::CONFLICT,
            message: "the run is at its last tick: press Setup to start again".into(),
        }),
    }
}

#[derive(Deserialize)]
struct SpeedQuery {
    /// Ticks per second; 0 (the default) as fast as the world runs.
    #[serde(default)]
    speed: Option<f64>,
}

/// Go: a stream of frames, one event per tick, until the last tick (event `end`) or until
/// the page closes it (Pause).
async fn events(
    State(app): State<Shared>,
    Path(id): Path<String>,
    q: Result<Query<SpeedQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let speed = q
        .map_err(|e| ApiError::bad(e.body_text()))?
        .0
        .speed
        .unwrap_or(0.0);
    if !speed.is_finite() || speed < 0.0 {
        return Err(ApiError::bad(
            "speed must be a number of ticks per second, 0 for as fast as possible",
        ));
    }
    let s = app.sessions.get(id_of(&id, "session")?)?;
    let pause = (speed > 0.0).then(|| Duration::from_secs_f64(1.0 / speed.max(0.1)));
    // Paced by a schedule (tick n is due at start + n / speed), not by a pause after each
    // tick, so the time a tick takes does not slow the rate below the speed asked for.
    let start = tokio::time::Instant::now();
    let stream = stream::unfold(Some((s, 0u32)), move |state| async move {
        let (s, n) = state?;
        if let Some(p) = pause {
            tokio::time::sleep_until(start + p * n).await;
        }
        let s2 = s.clone();
        let frame = tokio::task::spawn_blocking(move || session::lock(&s2).advance())
            .await
            .ok()
            .flatten();
        match frame {
            Some(f) => {
                let event = Event::default()
                    .event("tick")
                    .json_data(&f)
                    .unwrap_or_default();
                Some((Ok(event), Some((s, n + 1))))
            }
            None => Some((Ok(Event::default().event("end").data("end")), None)),
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Inspect: one community now.
async fn community(
    State(app): State<Shared>,
    Path((id, c)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let s = app.sessions.get(id_of(&id, "session")?)?;
    let c: u32 = c
        .parse()
        .map_err(|_| ApiError::not_found(format!("no community `{c}`")))?;
    let v = session::lock(&s).community(c)?;
    Ok(Json(v))
}

/// A file of the run folder of what a session shows now.
async fn session_file(
    State(app): State<Shared>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let sid = id_of(&id, "session")?;
    let s = app.sessions.get(sid)?;
    let work = app.config.work_dir.clone();
    tokio::task::spawn_blocking(move || {
        if !folders::RUN_FILES.contains(&name.as_str()) {
            return folders::serve_file(&work, &name, folders::RUN_FILES);
        }
        let (label, scenario, set, tick) = {
            let s = session::lock(&s);
            (s.name.clone(), s.scenario.clone(), s.set.clone(), s.tick)
        };
        let dir = work.join(format!("explore-{sid}-{tick}"));
        folders::remove_other_ticks(&work, sid, tick);
        folders::write_explore_run(&dir, &label, &scenario, &set, tick)?;
        folders::serve_file(&dir, &name, folders::RUN_FILES)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// Starts a what-if comparison.
async fn start_whatif(
    State(app): State<Shared>,
    req: Result<Json<WhatIfRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let req = body(req)?;
    let app2 = app.clone();
    let id = tokio::task::spawn_blocking(move || -> ApiResult<u64> {
        let (arms, command) = whatif::arms(&req, &app2.config.caps)?;
        app2.jobs.start(
            arms,
            command,
            app2.config.work_dir.clone(),
            app2.config.caps.max_jobs,
        )
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(json!({ "id": id })))
}

async fn whatif_status(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<whatif::Status>> {
    Ok(Json(app.jobs.status(id_of(&id, "what-if job")?)?))
}

async fn whatif_file(
    State(app): State<Shared>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let dir = app.jobs.folder(id_of(&id, "what-if job")?)?;
    folders::serve_file(&dir, &name, folders::COMPARE_FILES).map(IntoResponse::into_response)
}
