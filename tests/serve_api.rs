//! `coordsim serve`'s HTTP API without a browser: every route answers; Explore's numbers for a
//! seed equal `coordsim run`'s timeseries.csv and its downloads are that run's files; a
//! What-if's table equals `coordsim compare`'s compare.csv and its downloads that command's
//! files. Bad input and the binary's socket and Ctrl-C are tests/serve_safety.rs.

mod serve_common;
use serve_common::{app, call, csv_rows, json_call};

use std::time::{Duration, Instant};

use assert_cmd::Command;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn coordsim() -> Command {
    Command::cargo_bin("coordsim").expect("binary")
}

/// A JSON number as written, parsed exactly (serde_json's default parser may be one unit in
/// the last place off; Rust's `f64::from_str` and browsers are exact). `None` for null.
fn exact(json_number: &str) -> Option<f64> {
    (json_number != "null").then(|| json_number.parse().expect("a JSON number"))
}

/// Every value of `"field":` in a JSON text, in order, parsed exactly.
fn fields(text: &str, field: &str) -> Vec<Option<f64>> {
    let re = regex::Regex::new(&format!(r#""{field}":(null|-?[0-9][0-9.eE+-]*)"#)).expect("regex");
    re.captures_iter(text).map(|c| exact(&c[1])).collect()
}

/// A frame's metric values (`"values":[...]`), parsed exactly.
fn frame_values(text: &str) -> Vec<Option<f64>> {
    let start = text.find("\"values\":[").expect("values") + "\"values\":[".len();
    let end = start + text[start..].find(']').expect("]");
    text[start..end].split(',').map(exact).collect()
}

/// A CSV number and an exactly parsed JSON number are the same f64 (NaN as null).
fn same(csv_field: &str, v: Option<f64>) -> bool {
    let x: f64 = csv_field.parse().expect("a number in the CSV");
    match v {
        Some(y) => x == y,
        None => x.is_nan(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_routes_answer() {
    let work = tempfile::tempdir().expect("tmp");
    let app = app(work.path());
    let (s, page) = call(&app, "GET", "/", None).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8(page).expect("utf8");
    assert!(page.contains("Explore") && page.contains("What-if") && page.contains("Lessons"));
    for asset in [
        "style.css",
        "util.js",
        "chart.js",
        "network.js",
        "explore.js",
        "whatif.js",
        "lessons.js",
        "app.js",
    ] {
        let (s, body) = call(&app, "GET", &format!("/assets/{asset}"), None).await;
        assert_eq!(s, StatusCode::OK, "{asset}");
        // The SVG namespace is a name, not an address anything is fetched from.
        let text = String::from_utf8(body)
            .expect("utf8")
            .replace("http://www.w3.org/2000/svg", "");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{asset} names an external URL"
        );
    }
    assert!(!page.contains("https://"), "the page names an external URL");
    let (s, scenarios) = json_call(&app, "GET", "/api/scenarios", None).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = scenarios
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["name"].as_str().expect("name"))
        .collect();
    assert!(names.contains(&"baseline") && names.contains(&"classroom/01_kinship"));
    let baseline = scenarios
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["name"] == "baseline")
        .expect("baseline");
    assert!(
        baseline["meta"]["what_it_shows"]
            .as_str()
            .expect("meta")
            .contains("seven steps")
    );
    let (s, params) = json_call(&app, "GET", "/api/params", None).await;
    assert_eq!(s, StatusCode::OK);
    let half_life = params
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["key"] == "trust.half_life_ticks")
        .expect("key");
    assert_eq!(half_life["kind"], "real");
    assert!(!half_life["meaning"].as_str().expect("meaning").is_empty());
    let policy = params
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["key"] == "funding.policy")
        .expect("key");
    assert!(
        policy["range"]["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .any(|c| c == "direct_service")
    );
    let (s, m) = json_call(&app, "GET", "/api/measures", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["columns"][0], "tick");
    assert!(
        m["metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .any(|x| x["key"] == "fragmentation" && x["direction"] == "lower_is_better")
    );
    let (s, lessons) = json_call(&app, "GET", "/api/lessons", None).await;
    assert_eq!(s, StatusCode::OK);
    let lessons = lessons.as_array().expect("lessons");
    assert_eq!(lessons.len(), 5);
    for l in lessons {
        assert!(!l["question"].as_str().expect("q").is_empty(), "{l}");
        assert!(!l["notice"].as_str().expect("notice").is_empty());
        assert!(!l["picture"].as_array().expect("picture").is_empty());
    }
    assert_eq!(lessons[1]["what_if"], "funding.policy=coordination_share");
    assert_eq!(
        lessons[4]["scenario"],
        "classroom/05_coming_apart_or_growing"
    );
    let (s, limits) = json_call(&app, "GET", "/api/limits", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(limits["max_communities"], 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore_numbers_equal_the_cli_run_and_its_downloads_are_a_run_folder() {
    let work = tempfile::tempdir().expect("tmp");
    let app = app(work.path());
    let set = json!(["run.ticks=30", "run.seed=7", "trust.half_life_ticks=13"]);
    let body = json!({"scenario": "baseline", "set": set}).to_string();
    let (s, created) = call(&app, "POST", "/api/sessions", Some(&body)).await;
    let created = String::from_utf8(created).expect("utf8");
    assert_eq!(s, StatusCode::OK, "{created}");
    let id = serde_json::from_str::<Value>(&created).expect("json")["id"]
        .as_u64()
        .expect("id");
    let mut frames = vec![frame_values(&created)];
    // Step five ticks one by one, then the stream (Go) to the end.
    for _ in 0..5 {
        let (s, f) = call(&app, "POST", &format!("/api/sessions/{id}/step"), None).await;
        assert_eq!(s, StatusCode::OK);
        frames.push(frame_values(&String::from_utf8(f).expect("utf8")));
    }
    let (s, body) = call(&app, "GET", &format!("/api/sessions/{id}/events"), None).await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(body).expect("utf8");
    for line in text.lines() {
        if let Some(data) = line.strip_prefix("data: ").filter(|d| d.starts_with('{')) {
            frames.push(frame_values(data));
        }
    }
    assert!(text.contains("event: end"), "the stream ends with `end`");
    assert_eq!(frames.len(), 31);
    let out = tempfile::tempdir().expect("tmp");
    let dir = out.path().join("run");
    coordsim()
        .args([
            "run",
            "baseline",
            "--seed",
            "7",
            "--ticks",
            "30",
            "--set",
            "trust.half_life_ticks=13",
            "--replicates",
            "2",
            "--no-plots",
            "--quiet",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success();
    let (header, rows) = csv_rows(&dir.join("timeseries.csv"));
    let first = header
        .iter()
        .position(|h| h == "tick")
        .expect("tick column");
    let rep0: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "0").collect();
    assert_eq!(rep0.len(), 31);
    for (row, values) in rep0.iter().zip(&frames) {
        assert_eq!(values.len(), header.len() - first);
        for (k, &v) in values.iter().enumerate() {
            assert!(
                same(&row[first + k], v),
                "tick {}: {} is {} in the CLI, {v:?} in Explore",
                row[first],
                header[first + k],
                row[first + k]
            );
        }
    }
    // A finished run refuses more steps, with a message.
    let (s, e) = json_call(&app, "POST", &format!("/api/sessions/{id}/step"), None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(e["error"].as_str().expect("msg").contains("Setup"));
    // Inspect a community.
    let (s, c) = json_call(
        &app,
        "GET",
        &format!("/api/sessions/{id}/communities/5"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        c["stage"].as_u64().expect("stage") <= 7
            && c["treasury"].is_number()
            && c["ties"].is_array()
    );
    // Downloads: the run folder of what is on screen, as `coordsim run --replicates 1` writes it.
    let single = out.path().join("single");
    coordsim()
        .args([
            "run",
            "baseline",
            "--seed",
            "7",
            "--ticks",
            "30",
            "--set",
            "trust.half_life_ticks=13",
            "--replicates",
            "1",
            "--no-plots",
            "--quiet",
            "--out",
        ])
        .arg(&single)
        .assert()
        .success();
    let html = downloads_equal(
        &app,
        &format!("/api/sessions/{id}/files"),
        &single,
        &["timeseries.csv", "summary.csv", "ties.csv", "nodes.csv"],
    )
    .await;
    assert!(html.contains("<svg"));
    // One folder per session is kept: the week on screen.
    let kept: Vec<_> = std::fs::read_dir(work.path())
        .expect("work dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(kept, vec![format!("explore-{id}-30")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_what_if_equals_coordsim_compare() {
    let work = tempfile::tempdir().expect("tmp");
    let app = app(work.path());
    let req = json!({"scenario": "baseline", "set": ["run.ticks=20"], "changes": ["funding.policy=direct_service", "governance.centralization=0.9; trust.half_life_ticks=13"], "replicates": 4, "seed": 5});
    let (s, started) = json_call(&app, "POST", "/api/whatif", Some(req)).await;
    assert_eq!(s, StatusCode::OK, "{started}");
    let id = started["id"].as_u64().expect("id");
    let start = Instant::now();
    let (status, text) = loop {
        let (s, bytes) = call(&app, "GET", &format!("/api/whatif/{id}"), None).await;
        assert_eq!(s, StatusCode::OK);
        let text = String::from_utf8(bytes).expect("utf8");
        let st: Value = serde_json::from_str(&text).expect("json");
        assert!(st["done"].as_u64() <= st["total"].as_u64());
        if st["finished"] == true {
            break (st, text);
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the what-if did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status["error"].is_null(), "{}", status["error"]);
    assert_eq!(status["total"], 12);
    let out = tempfile::tempdir().expect("tmp");
    let dir = out.path().join("cmp");
    coordsim()
        .args([
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=direct_service",
            "--what-if",
            "governance.centralization=0.9; trust.half_life_ticks=13",
            "--replicates",
            "4",
            "--seed",
            "5",
            "--ticks",
            "20",
            "--no-plots",
            "--quiet",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success();
    let (header, rows) = csv_rows(&dir.join("compare.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let table = status["rows"].as_array().expect("rows");
    assert_eq!(table.len(), rows.len());
    for (row, r) in rows.iter().zip(table) {
        assert_eq!(row[col("metric")], r["metric"].as_str().expect("metric"));
        assert_eq!(row[col("label")], r["arm_label"].as_str().expect("label"));
    }
    for name in [
        "mean",
        "ci95_low",
        "ci95_high",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
    ] {
        let shown = fields(&text, name);
        assert_eq!(shown.len(), rows.len(), "{name}");
        for (row, v) in rows.iter().zip(shown) {
            let field = &row[col(name)];
            if field.is_empty() {
                assert!(v.is_none(), "{name} of {}", row[0]);
            } else {
                assert!(
                    same(field, v),
                    "{} arm {}: {name} {field} vs {v:?}",
                    row[0],
                    row[1]
                );
            }
        }
    }
    // The verdict words are the CLI's (by the measure's direction).
    let frag = table
        .iter()
        .find(|r| r["metric"] == "final_fragmentation" && r["arm"] == 1)
        .expect("row");
    assert!(
        ["clearly better", "clearly worse", "no clear difference"]
            .contains(&frag["verdict"].as_str().expect("verdict"))
    );
    let html = downloads_equal(
        &app,
        &format!("/api/whatif/{id}/files"),
        &dir,
        &["compare.csv", "summary.csv", "timeseries.csv"],
    )
    .await;
    assert!(html.contains("clearly"));
}

/// Each of `files` downloaded from `base` (`.../files`) is byte-identical to the CLI's in
/// `cli_dir`; returns the downloaded report.html, which must be served too.
async fn downloads_equal(
    app: &axum::Router,
    base: &str,
    cli_dir: &std::path::Path,
    files: &[&str],
) -> String {
    for file in files {
        let (s, bytes) = call(app, "GET", &format!("{base}/{file}"), None).await;
        assert_eq!(s, StatusCode::OK, "{file}");
        assert_eq!(
            bytes,
            std::fs::read(cli_dir.join(file)).expect("cli file"),
            "{file} differs from the CLI's"
        );
    }
    let (s, html) = call(app, "GET", &format!("{base}/report.html"), None).await;
    assert_eq!(s, StatusCode::OK);
    String::from_utf8(html).expect("utf8")
}
