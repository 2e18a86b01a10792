//! Observability on a real runtime: every answer carries `X-Request-Id`;
//! the counters behind `/metrics` add up exactly across instances (they
//! live in the database); the Prometheus view is read by Prometheus's own
//! parser; an unexpected error reaches a Sentry stand-in as an envelope
//! with its request and business.

use crate::limits::Figures;
use crate::mock_llm::{MockRequest, read_request, respond};
use crate::receptionist::BUSINESS;
use crate::{Transport, WireRequest, WireResponse};
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::owners::OPERATOR_TOKEN;
/// A business whose stored time zone no longer exists: loading it fails,
/// which is the unexpected error these runs provoke.
pub const BROKEN_BUSINESS: &str = "broken-salon";
pub const SENTRY_PROJECT: &str = "42";
pub const SENTRY_KEY: &str = "e2epublickey";

/// The broken business, added to the sample.
pub fn broken_business_sql(now_ms: i64) -> String {
    format!(
        "INSERT INTO businesses (id, name, time_zone, hours, created_at) \
         VALUES ('{BROKEN_BUSINESS}', 'Broken Salon', 'Mars/Olympus_Mons', '{{}}', {now_ms});\n"
    )
}

/// A local HTTP server that answers every request alike (JSON) and keeps
/// them.
pub struct Recorder {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    received: Arc<Mutex<Vec<MockRequest>>>,
}

impl Recorder {
    pub fn received(&self) -> Vec<MockRequest> {
        self.received.lock().unwrap().clone()
    }

    /// Waits up to ten seconds for a request `matches` accepts (work that
    /// runs after the answer, as `waitUntil` does, may still be going).
    pub fn wait_for(&self, matches: impl Fn(&MockRequest) -> bool) -> Option<MockRequest> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(r) = self.received().into_iter().find(|r| matches(r)) {
                return Some(r);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}

pub fn recorder(status: &'static str, body: &'static str) -> Recorder {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a stand-in");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let received = Arc::new(Mutex::new(Vec::new()));
    let shared = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let Some(req) = read_request(&stream) else {
                    return;
                };
                shared.lock().unwrap().push(req);
                respond(&stream, status, body);
            });
        }
    });
    Recorder { url, received }
}

/// A stand-in for Sentry's ingestion endpoint.
pub fn start_sentry() -> Recorder {
    recorder("200 OK", r#"{"id": "ok"}"#)
}

/// The settings these runs give a runtime.
pub fn vars(sentry: &Recorder) -> Vec<(String, String)> {
    let host = sentry.url.trim_start_matches("http://");
    [
        (
            "SENTRY_DSN",
            format!("http://{SENTRY_KEY}@{host}/{SENTRY_PROJECT}"),
        ),
        ("SENTRY_ENVIRONMENT", "e2e".to_string()),
        ("GIT_SHA", "e2e-sha".to_string()),
        ("SENTRY_TRACES_SAMPLE_RATE", "0".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn get(t: &dyn Transport, path: &str, token: Option<&str>) -> WireResponse {
    let headers = token
        .map(|tok| vec![("authorization".to_string(), format!("Bearer {tok}"))])
        .unwrap_or_default();
    t.send(WireRequest {
        method: "GET".into(),
        path: path.into(),
        headers,
        body: Vec::new(),
    })
    .expect("answered")
}

fn header<'a>(res: &'a WireResponse, name: &str) -> Option<&'a str> {
    res.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn json(res: &WireResponse) -> Value {
    serde_json::from_slice(&res.body).unwrap_or(Value::Null)
}

/// What a run of the other suites left behind, checked: `figures` is what
/// the rate-limit burst found; `python` runs Prometheus's parser.
pub fn check(
    t: &dyn Transport,
    sentry: &Recorder,
    figures: &Figures,
    python: &Path,
    scratch: &Path,
) {
    // Operator routes need the operator token.
    assert_eq!(get(t, "/metrics", None).status, 401);
    assert_eq!(get(t, "/metrics", Some("not-it")).status, 401);
    assert_eq!(get(t, "/metrics/prometheus", Some("not-it")).status, 401);

    // The burst's refusals, counted exactly under the business it named
    // (the counters may still be being written after their answers).
    let refused = figures.refused_all as i64;
    let started = Instant::now();
    let metrics = loop {
        let res = get(t, "/metrics", Some(OPERATOR_TOKEN));
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let v = json(&res);
        let counted = v["rate_limit_blocks_by_route_business"]["widget"][BUSINESS]
            .as_i64()
            .unwrap_or(0);
        if counted == refused
            || (figures.repeated && counted > refused)
            || started.elapsed() > Duration::from_secs(10)
        {
            break v;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // A burst repeated after the dev proxy reloaded may have had refusals
    // its client never saw: then the counters hold at least those seen.
    let refused = if figures.repeated {
        let counted = metrics["rate_limit_blocks_total"].as_i64().unwrap_or(0);
        assert!(counted >= refused, "{metrics}");
        counted
    } else {
        refused
    };
    assert_eq!(metrics["rate_limit_blocks_total"], refused, "{metrics}");
    assert_eq!(
        metrics["rate_limit_blocks_by_route"]["widget"], refused,
        "{metrics}"
    );
    assert_eq!(
        metrics["rate_limit_blocks_by_route_business"]["widget"][BUSINESS], refused,
        "{metrics}"
    );
    let widget = &metrics["requests"]["widget"];
    assert!(
        widget["4xx"]["count"].as_i64().unwrap_or(0) >= refused,
        "{metrics}"
    );
    assert!(widget["2xx"]["count"].as_i64().unwrap_or(0) >= figures.admitted as i64);
    assert_eq!(
        widget["2xx"]["latency_ms_buckets"]["+Inf"], widget["2xx"]["count"],
        "{metrics}"
    );
    assert!(
        metrics["requests"]["twilio"]["2xx"]["count"]
            .as_i64()
            .unwrap_or(0)
            > 0
    );
    assert!(
        metrics["scope"]
            .as_str()
            .unwrap()
            .contains("every instance")
    );

    // An unexpected error: reported to Sentry with its request and business.
    let failing = t
        .send(WireRequest {
            method: "POST".into(),
            path: "/v1/widget/session".into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-business-id".into(), BROKEN_BUSINESS.into()),
            ],
            body: b"{}".to_vec(),
        })
        .expect("answered");
    assert_eq!(
        failing.status,
        500,
        "{}",
        String::from_utf8_lossy(&failing.body)
    );
    let request_id = header(&failing, "x-request-id")
        .expect("every answer carries X-Request-Id")
        .to_string();
    assert_eq!(request_id.len(), 32);
    let envelope = sentry
        .wait_for(|r| String::from_utf8_lossy(&r.body).contains(&request_id))
        .expect("the error reached the Sentry stand-in");
    assert_eq!(envelope.method, "POST");
    assert_eq!(envelope.path, format!("/api/{SENTRY_PROJECT}/envelope/"));
    let auth = envelope.header("x-sentry-auth").unwrap_or_default();
    assert!(auth.contains(&format!("sentry_key={SENTRY_KEY}")), "{auth}");
    assert_eq!(
        envelope.header("content-type"),
        Some("application/x-sentry-envelope")
    );
    let text = String::from_utf8(envelope.body.clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each envelope line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[1]["type"], "event");
    let event = &lines[2];
    assert_eq!(event["tags"]["request_id"], request_id.as_str());
    assert_eq!(event["tags"]["business_id"], BROKEN_BUSINESS);
    assert_eq!(event["environment"], "e2e");
    assert_eq!(event["release"], "e2e-sha");
    assert_eq!(event["level"], "error");
    // Traces are off: nothing else was sent for that request.
    let for_request = sentry
        .received()
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains(&request_id))
        .count();
    assert_eq!(for_request, 1);

    // The Prometheus view, read by Prometheus's own parser.
    let res = get(t, "/metrics/prometheus", Some(OPERATOR_TOKEN));
    assert_eq!(res.status, 200);
    assert_eq!(
        header(&res, "content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let exposition = scratch.join("exposition.txt");
    std::fs::write(&exposition, &res.body).unwrap();
    let parsed = std::process::Command::new(python)
        .arg(crate::repo_root().join("tests/metrics/check_exposition.py"))
        .arg(&exposition)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; make test installs it", python.display()));
    assert!(
        parsed.status.success(),
        "the parser refused the exposition: {}\n{}",
        String::from_utf8_lossy(&parsed.stderr),
        String::from_utf8_lossy(&res.body)
    );
    let families: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let blocks = &families["ai_telephony_rate_limit_blocks"];
    assert_eq!(blocks["type"], "counter", "{families}");
    assert!(!blocks["help"].as_str().unwrap_or_default().is_empty());
    assert_eq!(blocks["samples"][0]["value"], refused as f64);
    let by_business = &families["ai_telephony_rate_limit_blocks_by_route_business"]["samples"];
    assert!(
        by_business
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["labels"]["route"] == "widget"
                && s["labels"]["business_id"] == BUSINESS
                && s["value"] == refused as f64),
        "{families}"
    );
    let histogram = &families["ai_telephony_request_duration_seconds"];
    assert_eq!(histogram["type"], "histogram");
    assert!(
        histogram["samples"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["labels"]["le"] == "+Inf" && s["labels"]["route"] == "widget")
    );
    assert_eq!(families["ai_telephony_requests"]["type"], "counter");
}

/// Where `make test` installs Prometheus's parser.
pub fn prometheus_python() -> std::path::PathBuf {
    crate::repo_root().join("target/venv-prometheus/bin/python")
}
