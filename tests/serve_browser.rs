//! The explorer in a real browser: Debian's headless `chromium` driven over WebDriver
//! (`chromium-driver`, with the `fantoccini` client). Explore: move a slider with the keyboard,
//! Setup, Go, wait for the last week, and the numbers shown equal `coordsim run`'s
//! timeseries.csv for the same seed and change; What-if: its table equals `coordsim compare`'s
//! compare.csv; a lesson walked with the keyboard only; no console errors. Screenshots go to
//! the test's temporary folder (and, with `COORDSIM_UPDATE_SCREENSHOTS=1`, to docs/img/).
//!
//! CI (`.ci/run`) installs chromium and chromium-driver and sets `COORDSIM_REQUIRE_BROWSER=1`:
//! there a missing browser fails this test; elsewhere it says so on stderr and passes.

mod serve_common;
use serve_common::csv_rows;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use coordsim::serve::{Caps, Config, router};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// chromedriver, killed when the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// The browser's console log (chromedriver's `se/log` endpoint).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// Fails on any console error so far.
async fn no_console_errors(c: &Client, step: &str) {
    let log = c.issue_cmd(BrowserLog).await.expect("browser log");
    let severe: Vec<&Value> = log
        .as_array()
        .map(|a| a.iter().filter(|e| e["level"] == "SEVERE").collect())
        .unwrap_or_default();
    assert!(severe.is_empty(), "console errors after {step}: {severe:?}");
}

async fn wait_js(c: &Client, script: &str, what: &str) -> Value {
    let start = Instant::now();
    loop {
        let v = c.execute(script, vec![]).await.expect("script");
        if !(v.is_null() || v == false) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "waited 120 s for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(c: &Client, dir: &Path, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(name), &png).expect("write screenshot");
    if std::env::var_os("COORDSIM_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img");
        std::fs::write(docs.join(name), &png).expect("write docs/img");
    }
}

async fn key(c: &Client, keys: &str) {
    c.active_element()
        .await
        .expect("focus")
        .send_keys(keys)
        .await
        .expect("keys");
}

fn coordsim(args: &[&str], out: &Path) {
    let status = Command::new(assert_cmd::cargo::cargo_bin("coordsim"))
        .args(args)
        .args(["--no-plots", "--quiet", "--out"])
        .arg(out)
        .status()
        .expect("coordsim runs");
    assert!(status.success(), "coordsim {args:?}");
}

fn num(s: &str) -> f64 {
    if s == "NaN" {
        f64::NAN
    } else {
        s.parse()
            .unwrap_or_else(|_| panic!("`{s}` is not a number"))
    }
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore_what_if_and_a_lesson_in_headless_chromium() {
    let (Some(_browser), Some(driver)) = (on_path("chromium"), on_path("chromedriver")) else {
        assert!(
            std::env::var_os("COORDSIM_REQUIRE_BROWSER").is_none(),
            "COORDSIM_REQUIRE_BROWSER is set but chromium or chromedriver is not on the PATH"
        );
        eprintln!(
            "serve_browser: chromium or chromedriver not found; not run (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let shots = tmp.path().join("screenshots");
    std::fs::create_dir_all(&shots).expect("dir");
    // The app, in-process on a real socket.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = router(Config {
        caps: Caps::default(),
        work_dir: tmp.path().join("work"),
    });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let base = format!("http://127.0.0.1:{port}/");
    // chromedriver.
    let dport = free_port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={dport}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1050", format!("--user-data-dir={}", tmp.path().join("profile").display())]}));
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let start = Instant::now();
    let c = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{dport}"))
            .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "chromedriver: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };

    // Explore: the page sets up the baseline at once.
    c.goto(&base).await.expect("goto");
    wait_js(&c, "return document.body.dataset.ready === 'true' && document.getElementById('ex-tick').dataset.tick === '0'", "the page and its first Setup").await;
    // Move the slider of funding.coordination_share (0.2) five steps right with the keyboard.
    c.execute(
        "document.querySelectorAll('#ex-controls details').forEach(d => d.open = true)",
        vec![],
    )
    .await
    .expect("open");
    let slider = c
        .find(Locator::Id("p-funding-coordination_share"))
        .await
        .expect("slider");
    slider
        .send_keys(&"\u{E014}".repeat(5))
        .await
        .expect("arrow right");
    let shown = wait_js(&c, "const v = document.querySelector('#p-funding-coordination_share').closest('.param').querySelector('.value').textContent; return v !== '0.2' && v", "the slider's value").await;
    let share = shown.as_str().expect("text").to_string();
    assert_eq!(share, "0.25");
    c.find(Locator::Id("ex-setup"))
        .await
        .expect("setup")
        .click()
        .await
        .expect("click");
    wait_js(&c, "return document.getElementById('ex-tick').dataset.tick === '0' && !document.getElementById('ex-go').disabled", "Setup").await;
    // Fastest speed (End on the speed slider), then Go.
    c.find(Locator::Id("ex-speed"))
        .await
        .expect("speed")
        .send_keys("\u{E010}")
        .await
        .expect("end");
    let go = Instant::now();
    c.find(Locator::Id("ex-go"))
        .await
        .expect("go")
        .click()
        .await
        .expect("click");
    wait_js(
        &c,
        "return document.getElementById('ex-tick').dataset.tick === '104'",
        "the last week",
    )
    .await;
    let seconds = go.elapsed().as_secs_f64();
    eprintln!(
        "serve_browser: 104 weeks of the baseline shown in {seconds:.2} s in the browser ({:.0} weeks/s)",
        104.0 / seconds
    );
    let shown: Value = c.execute("return [...document.querySelectorAll('#ex-numbers td[data-key]')].map(td => [td.dataset.key, td.textContent])", vec![]).await.expect("numbers");
    let run = tmp.path().join("run");
    coordsim(
        &[
            "run",
            "baseline",
            "--seed",
            "42",
            "--replicates",
            "1",
            "--set",
            &format!("funding.coordination_share={share}"),
        ],
        &run,
    );
    let (header, rows) = csv_rows(&run.join("timeseries.csv"));
    let last = rows.last().expect("rows");
    let shown = shown.as_array().expect("list");
    assert_eq!(shown.len(), header.len() - 3);
    for pair in shown {
        let (k, v) = (
            pair[0].as_str().expect("key"),
            pair[1].as_str().expect("value"),
        );
        let col = header.iter().position(|h| h == k).expect("column");
        assert!(
            same(num(v), num(&last[col])),
            "{k}: the page shows {v}, timeseries.csv has {}",
            last[col]
        );
    }
    // Click the largest community in the network view to inspect it.
    let spot: Value = c
        .execute(
            "const net = Explore.runner.net, f = net.frame, cv = net.canvas, r = cv.getBoundingClientRect();
             let best = 0; f.nodes.forEach((n, i) => { if (n[2] > f.nodes[best][2]) best = i; });
             const [x, y] = net.pos[best];
             return [best, x * r.width / cv.width - r.width / 2, y * r.height / cv.height - r.height / 2];",
            vec![],
        )
        .await
        .expect("position");
    let canvas = c.find(Locator::Id("ex-net")).await.expect("canvas");
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: canvas,
            duration: None,
            x: spot[1].as_f64().expect("x").round(),
            y: spot[2].as_f64().expect("y").round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(mouse).await.expect("click");
    let heading = wait_js(
        &c,
        "const h = document.querySelector('#ex-inspect h3'); return h && h.textContent",
        "the inspector",
    )
    .await;
    assert_eq!(heading, format!("Community {} (week 104)", spot[0]));
    no_console_errors(&c, "Explore").await;
    screenshot(&c, &shots, "explore.png").await;

    // What-if: the default change (all money to direct service), 3 replicates.
    c.find(Locator::Id("tab-whatif"))
        .await
        .expect("tab")
        .click()
        .await
        .expect("click");
    let reps = c
        .find(Locator::Id("wi-replicates"))
        .await
        .expect("replicates");
    reps.clear().await.expect("clear");
    reps.send_keys("3").await.expect("3");
    c.find(Locator::Id("wi-run"))
        .await
        .expect("run")
        .click()
        .await
        .expect("click");
    wait_js(
        &c,
        "return document.getElementById('wi-table').dataset.done",
        "the what-if table",
    )
    .await;
    let table: Value = c.execute("return [...document.querySelectorAll('#wi-results tr[data-metric]')].map(tr => [tr.dataset.metric, tr.dataset.arm, tr.querySelector('[data-mean]').dataset.mean, tr.querySelector('[data-diff]').dataset.diff, tr.querySelector('[data-diff]').dataset.low, tr.querySelector('[data-diff]').dataset.high, tr.lastChild.textContent])", vec![]).await.expect("table");
    let cmp = tmp.path().join("cmp");
    coordsim(
        &[
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=direct_service",
            "--replicates",
            "3",
            "--seed",
            "42",
        ],
        &cmp,
    );
    let (header, rows) = csv_rows(&cmp.join("compare.csv"));
    let col = |n: &str| header.iter().position(|h| h == n).expect(n);
    let table = table.as_array().expect("rows");
    assert_eq!(table.len(), 20, "ten headline measures, two arms each");
    for r in table {
        let f = |i: usize| r[i].as_str().expect("text").to_string();
        let row = rows
            .iter()
            .find(|x| x[col("metric")] == f(0) && x[col("arm")] == f(1))
            .expect("row in compare.csv");
        assert!(
            same(num(&f(2)), num(&row[col("mean")])),
            "{} arm {}: mean {} vs {}",
            f(0),
            f(1),
            f(2),
            row[col("mean")]
        );
        for (i, name) in [
            (3, "diff_mean"),
            (4, "diff_ci95_low"),
            (5, "diff_ci95_high"),
        ] {
            assert_eq!(f(i).is_empty(), row[col(name)].is_empty(), "{name}");
            if !f(i).is_empty() {
                assert!(
                    same(num(&f(i)), num(&row[col(name)])),
                    "{} arm {}: {name} {} vs {}",
                    f(0),
                    f(1),
                    f(i),
                    row[col(name)]
                );
            }
        }
        let verdict = f(6);
        if f(1) == "0" {
            assert_eq!(verdict, "reference");
        } else {
            let d = num(&row[col("diff_mean")]);
            let (lo, hi) = (
                num(&row[col("diff_ci95_low")]),
                num(&row[col("diff_ci95_high")]),
            );
            assert!(!verdict.is_empty());
            if lo > 0.0 || hi < 0.0 {
                assert!(
                    verdict.starts_with("clearly") || verdict == "higher" || verdict == "lower",
                    "{verdict} for {d} [{lo}, {hi}]"
                );
            }
        }
    }
    no_console_errors(&c, "What-if").await;
    screenshot(&c, &shots, "whatif.png").await;

    // A lesson, keyboard only: to the Lessons tab with the arrow keys, Tab to lesson 1, Enter.
    c.find(Locator::Id("tab-whatif"))
        .await
        .expect("tab")
        .send_keys("\u{E014}")
        .await
        .expect("right");
    wait_js(
        &c,
        "return !document.getElementById('page-lessons').hidden",
        "the Lessons page",
    )
    .await;
    key(&c, "\u{E004}").await; // Tab
    let focused: Value = c
        .execute("return document.activeElement.dataset.lesson", vec![])
        .await
        .expect("focus");
    assert_eq!(focused, "1", "Tab reaches lesson 1");
    key(&c, "\u{E007}").await; // Enter
    wait_js(
        &c,
        "return document.querySelector('#lesson .question')",
        "the question",
    )
    .await;
    key(&c, "\u{E014}").await; // ArrowRight: step 2, run it
    wait_js(
        &c,
        "return document.activeElement.textContent === 'Run it'",
        "step 2",
    )
    .await;
    key(&c, "\u{E004}").await; // Tab to Setup
    assert_eq!(
        c.execute("return document.activeElement.textContent", vec![])
            .await
            .expect("focus"),
        "Setup"
    );
    key(&c, "\u{E007}").await;
    wait_js(
        &c,
        "return document.querySelector('#lesson .tick').dataset.tick === '0'",
        "the lesson's Setup",
    )
    .await;
    key(&c, "\u{E004}").await; // Tab to Go
    assert_eq!(
        c.execute("return document.activeElement.textContent", vec![])
            .await
            .expect("focus"),
        "Go"
    );
    key(&c, "\u{E007}").await;
    wait_js(
        &c,
        "return document.querySelector('#lesson .tick').dataset.tick === '52'",
        "the lesson's last week",
    )
    .await;
    c.execute("document.activeElement.blur()", vec![])
        .await
        .expect("blur");
    key(&c, "\u{E014}").await; // What to notice
    wait_js(
        &c,
        "return document.activeElement.textContent === 'What to notice'",
        "step 3",
    )
    .await;
    let outline: Value = c
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await
        .expect("style");
    assert_ne!(outline, "none", "the focused element shows its focus");
    no_console_errors(&c, "the lesson").await;
    screenshot(&c, &shots, "lesson.png").await;
    c.close().await.expect("close");
    for name in ["explore.png", "whatif.png", "lesson.png"] {
        assert!(
            std::fs::metadata(shots.join(name))
                .expect("screenshot")
                .len()
                > 10_000,
            "{name}"
        );
    }
}
