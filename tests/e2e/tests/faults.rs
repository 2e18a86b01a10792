//! What each store failing does, for every route in the whole application's
//! table: R2, KV, D1 and outbound HTTP, each unavailable and each hanging,
//! on the in-process platform. Each route is called as its OpenAPI example
//! shows (signed where it is signed). Every answer must be the answer
//! without the fault, a documented fallback (template text that says why)
//! or a clear 5xx envelope: never a 4xx blaming the caller, never a panic,
//! and nothing written or sent once the database is down.
//! `cargo test -p edgedesk-e2e --test faults -- --nocapture` prints the matrix.

use edgedesk_core::signing::{Target, sign_call};
use edgedesk_e2e::in_process::with_documents;
use edgedesk_kernel::platform::{OutboundResponse, StoreError};
use edgedesk_kernel::testing::{NOW_MS, TestPlatform};
use edgedesk_kernel::{Auth, Request, RouteInfo, Routes};
use serde_json::{Value, json};

type Fault = (&'static str, fn(&TestPlatform));

const FAULTS: [Fault; 8] = [
    ("R2 down", |p| p.blob_fault.set(true)),
    ("R2 hangs", |p| p.blob_hangs.set(true)),
    ("KV down", |p| p.kv_fault.set(true)),
    ("KV hangs", |p| p.kv_hangs.set(true)),
    ("D1 down", |p| p.sql_fault.set(true)),
    ("D1 hangs", |p| p.sql_hangs.set(true)),
    ("HTTP down", |p| {
        p.on_http(|_| Some(Err(StoreError::new("connection refused"))))
    }),
    ("HTTP hangs", |p| p.on_http(|_| None)),
];

/// Sample data, and an LLM that answers every prompt with grounded text.
fn platform() -> TestPlatform {
    let p = with_documents(&["sample_data"]);
    p.set_var("LLM_API_URL", "https://llm.example/v1/chat/completions");
    p.on_http(|req| {
        let outline = String::from_utf8_lossy(&req.body).contains("sections");
        let content = if outline {
            json!({"sections": [{"title": "Summary", "bullets": ["Thanks for the quarter"]}]})
        } else {
            json!({"subject": "Thank you", "body": "Thanks for your time."})
        };
        let body = json!({"choices": [{"message": {"content": content.to_string()}}]});
        Some(Ok(OutboundResponse {
            status: 200,
            body: body.to_string().into_bytes(),
        }))
    });
    p
}

/// The route called as its operation's example shows.
fn request(doc: &Value, route: &RouteInfo, ts: i64) -> Request {
    let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
    let path = route
        .path
        .split('/')
        .map(|s| {
            if s.starts_with('{') {
                "no_such_tool"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let body = op["requestBody"]["content"]["application/json"]["example"].clone();
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let req = Request::new(route.method, &path).with_body(body.clone());
    if !matches!(route.auth, Auth::Signed | Auth::SignedRead) {
        return req;
    }
    let target = Target {
        method: route.method,
        path: &path,
    };
    req.with_header("x-timestamp", &ts.to_string())
        .with_header("x-client", "faults")
        .with_header(
            "x-signature",
            &sign_call(b"dev-secret", ts, "faults", target, &body),
        )
}

fn replay_records(p: &TestPlatform, route: &RouteInfo) -> i64 {
    p.scoped(route.product)
        .with_db(|db| db.query_row("SELECT count(*) FROM seen_calls", [], |r| r.get(0)))
        .map(|r| r.unwrap_or(0))
        .unwrap_or(0)
}

#[test]
fn every_route_answers_every_store_fault_cleanly() {
    let routes: Routes<TestPlatform> = edgedesk_app::routes();
    let p = platform();
    let doc: Value =
        serde_json::from_slice(&p.handle(&routes, Request::new("GET", "/openapi.json")).body)
            .unwrap();
    let mut matrix = String::from("| route |");
    for (name, _) in FAULTS {
        matrix.push_str(&format!(" {name} |"));
    }
    matrix.push_str(&format!("\n|---|{}\n", "---|".repeat(FAULTS.len())));
    let mut ts = NOW_MS;
    for route in routes.iter().map(|r| r.info) {
        let baseline = platform();
        ts += 1;
        let expected = baseline.handle(&routes, request(&doc, &route, ts));
        matrix.push_str(&format!("| `{} {}` |", route.method, route.path));
        for (name, apply) in FAULTS {
            let p = platform();
            apply(&p);
            ts += 1;
            let res = p.handle(&routes, request(&doc, &route, ts));
            let what = format!("{} {} under {name}", route.method, route.path);
            let envelope: Option<Value> = serde_json::from_slice(&res.body).ok();
            let cell = if res.status == expected.status {
                let fallback = envelope
                    .as_ref()
                    .and_then(|v| v["data"]["fallbackReason"].as_str().map(str::to_string));
                match fallback {
                    Some(why) => format!("{} template: {why}", res.status),
                    None => format!("{}", res.status),
                }
            } else {
                assert!(
                    (500..=504).contains(&res.status),
                    "{what}: {} where {} was expected, and not a server fault",
                    res.status,
                    expected.status
                );
                let v = envelope.unwrap_or_else(|| panic!("{what}: no JSON envelope"));
                assert_eq!(v["ok"], false, "{what}");
                let code = v["error"]["code"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{what}: {v}"));
                format!("**{} {code}**", res.status)
            };
            if name.starts_with("D1") {
                assert_eq!(
                    replay_records(&p, &route),
                    0,
                    "{what}: a replay record was written"
                );
                if res.status >= 500 {
                    assert!(
                        p.http_calls.borrow().is_empty(),
                        "{what}: the LLM was called"
                    );
                }
            }
            matrix.push_str(&format!(" {cell} |"));
        }
        matrix.push('\n');
    }
    println!("{matrix}");
}
