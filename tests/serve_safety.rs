//! `coordsim serve`'s safety (issue #15, item 4): bad input (unknown key, out-of-range value,
//! broken TOML with its line and key, an oversize world, an unknown session, a path for a
//! scenario, a file name outside the download list) gets a 4xx with a message, and the app
//! still serves after 200 bad requests in a row; the real binary binds 127.0.0.1 unless asked,
//! warns for another address, and stops cleanly on Ctrl-C (SIGINT), removing its folder.

mod serve_common;
use serve_common::{app, call, json_call};

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn coordsim() -> Command {
    Command::cargo_bin("coordsim").expect("binary")
}

/// Bad requests: each a 4xx whose message names the problem.
fn bad_requests() -> Vec<(
    &'static str,
    String,
    Option<String>,
    StatusCode,
    &'static str,
)> {
    let post = |uri: &str, body: Value, status, needle| {
        (
            "POST",
            uri.to_string(),
            Some(body.to_string()),
            status,
            needle,
        )
    };
    vec![
        post(
            "/api/sessions",
            json!({"scenario": "baseline", "set": ["trust.half_lif=3"]}),
            StatusCode::BAD_REQUEST,
            "trust.half_life_ticks",
        ),
        post(
            "/api/sessions",
            json!({"set": ["trust.half_life_ticks=-5"]}),
            StatusCode::BAD_REQUEST,
            "trust.half_life_ticks",
        ),
        post(
            "/api/sessions",
            json!({"toml": "[run]\nticks = 10\n\n[trust]\nhalf_life_ticks = \"soon\"\n"}),
            StatusCode::BAD_REQUEST,
            "uploaded.toml:5:",
        ),
        post(
            "/api/sessions",
            json!({"toml": "[run\nticks = 10\n"}),
            StatusCode::BAD_REQUEST,
            "uploaded.toml:1:",
        ),
        post(
            "/api/sessions",
            json!({"set": ["population.communities=50000"]}),
            StatusCode::BAD_REQUEST,
            "cap",
        ),
        post(
            "/api/sessions",
            json!({"set": ["run.ticks=5000"]}),
            StatusCode::BAD_REQUEST,
            "cap",
        ),
        post(
            "/api/sessions",
            json!({"scenario": "/etc/passwd"}),
            StatusCode::BAD_REQUEST,
            "no shipped scenario",
        ),
        post(
            "/api/sessions",
            json!({"scenario": "../Cargo.toml"}),
            StatusCode::BAD_REQUEST,
            "no shipped scenario",
        ),
        post(
            "/api/sessions",
            json!({"scenario": "baseline", "path": "/tmp/x"}),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "POST",
            "/api/sessions".into(),
            Some("{not json".into()),
            StatusCode::BAD_REQUEST,
            "bad request body",
        ),
        (
            "POST",
            "/api/sessions/999999/step".into(),
            None,
            StatusCode::NOT_FOUND,
            "no session",
        ),
        (
            "POST",
            "/api/sessions/abc/step".into(),
            None,
            StatusCode::NOT_FOUND,
            "no session",
        ),
        (
            "GET",
            "/api/sessions/999999/events".into(),
            None,
            StatusCode::NOT_FOUND,
            "no session",
        ),
        (
            "GET",
            "/api/sessions/999999/communities/1".into(),
            None,
            StatusCode::NOT_FOUND,
            "no session",
        ),
        (
            "GET",
            "/api/sessions/1/files/..%2F..%2Fetc%2Fpasswd".into(),
            None,
            StatusCode::NOT_FOUND,
            "no",
        ),
        post(
            "/api/whatif",
            json!({"changes": [], "replicates": 5}),
            StatusCode::BAD_REQUEST,
            "one to 3 changes",
        ),
        post(
            "/api/whatif",
            json!({"changes": ["a=1", "b=2", "c=3", "d=4"], "replicates": 5}),
            StatusCode::BAD_REQUEST,
            "one to 3 changes",
        ),
        post(
            "/api/whatif",
            json!({"changes": ["funding.policy=direct_service"], "replicates": 100000}),
            StatusCode::BAD_REQUEST,
            "cap",
        ),
        post(
            "/api/whatif",
            json!({"changes": ["funding.polcy=direct_service"], "replicates": 3}),
            StatusCode::BAD_REQUEST,
            "funding.policy",
        ),
        post(
            "/api/whatif",
            json!({"changes": ["run.seed=3"], "replicates": 3}),
            StatusCode::BAD_REQUEST,
            "seeds",
        ),
        (
            "GET",
            "/api/whatif/424242".into(),
            None,
            StatusCode::NOT_FOUND,
            "no what-if job",
        ),
        (
            "GET",
            "/api/whatif/424242/files/compare.csv".into(),
            None,
            StatusCode::NOT_FOUND,
            "no what-if job",
        ),
        (
            "GET",
            "/assets/secret.js".into(),
            None,
            StatusCode::NOT_FOUND,
            "no asset",
        ),
        (
            "GET",
            "/etc/passwd".into(),
            None,
            StatusCode::NOT_FOUND,
            "no such page",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_4xx_with_a_message_and_the_server_keeps_serving() {
    let work = tempfile::tempdir().expect("tmp");
    let app = app(work.path());
    // A session 1 exists so the download of a bad file name is about the name.
    let (s, _) = json_call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"set": ["run.ticks=3"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let cases = bad_requests();
    for round in 0..200 {
        let (method, uri, body, status, needle) = &cases[round % cases.len()];
        let (s, bytes) = call(&app, method, uri, body.as_deref()).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        assert_eq!(s, *status, "{method} {uri} {body:?}: {text}");
        assert!(s.is_client_error());
        let v: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{uri}: not JSON: {text}"));
        let message = v["error"].as_str().expect("an error message");
        assert!(
            message.contains(needle),
            "{method} {uri}: `{message}` does not say `{needle}`"
        );
    }
    let (s, good) = json_call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"scenario": "classroom/01_kinship"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{good}");
    assert_eq!(good["scenario"]["communities"], 100);
}

/// GET over a real socket; the status line and body.
fn http_get(port: u16, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn the_binary_serves_on_localhost_and_stops_cleanly_on_ctrl_c() {
    let bin = assert_cmd::cargo::cargo_bin("coordsim");
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--port", "0", "--max-ticks", "50"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).expect("read") == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let line = String::from_utf8(line).expect("utf8");
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in `{line}`"));
    let page = http_get(port, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let limits = http_get(port, "/api/limits");
    assert!(limits.contains("\"max_ticks\":50"), "{limits}");
    let work = std::env::temp_dir().join(format!("coordsim-serve-{}", child.id()));
    assert!(work.is_dir(), "the download folder exists while serving");
    // Ctrl-C.
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("the server stopped"), "{err}");
    assert!(!work.exists(), "the download folder is removed");
}

#[test]
fn another_address_than_localhost_is_warned_about() {
    let bin = assert_cmd::cargo::cargo_bin("coordsim");
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stderr.read(&mut byte).expect("read") == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let line = String::from_utf8(line).expect("utf8");
    assert!(
        line.starts_with("warning:") && line.contains("anyone"),
        "{line}"
    );
    coordsim()
        .args(["serve", "--bind", "not-an-address"])
        .assert()
        .code(2);
}
