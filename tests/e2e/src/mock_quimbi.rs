//! A stand-in for the intelligence service, on loopback, for end-to-end
//! runs of the support product's AI routes. It checks `X-API-Key`, and by
//! the customer a request is about it answers normally, fails twice with
//! 503 before answering (`cus-wayne`), always fails with 500
//! (`cus-cyberdyne`), refuses with 422 (`cus-stark`) or never answers
//! (`cus-tyrell`, holding the connection for `HANG_SECS`). It counts calls
//! per customer, so a test sees the cache, the retries and their limits.

use crate::mock_llm::{read_request, respond};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub const API_KEY: &str = "e2e-quimbi-key";
pub const HANG_SECS: u64 = 10;

pub struct MockQuimbi {
    pub url: String,
    calls: Arc<Mutex<HashMap<String, usize>>>,
}

impl MockQuimbi {
    /// Calls so far about `customer` (both endpoints).
    pub fn calls(&self, customer: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .get(customer)
            .copied()
            .unwrap_or(0)
    }
}

pub fn start() -> MockQuimbi {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock intelligence service");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let calls: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let counter = calls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || answer(stream, &counter));
        }
    });
    MockQuimbi { url, calls }
}

/// What the stand-in answers: `None` for a call it never answers.
/// `count` gives the number of this call among the customer's.
pub fn reply(
    path: &str,
    api_key: Option<&str>,
    body: &[u8],
    count: &mut dyn FnMut(&str) -> usize,
) -> Option<(u16, String)> {
    if api_key != Some(API_KEY) {
        return Some((401, r#"{"detail":"bad key"}"#.into()));
    }
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let customer = &body["customer"];
    let id = customer["id"].as_str().unwrap_or_default();
    let n = count(id);
    match id {
        "cus-tyrell" => return None,
        "cus-cyberdyne" => return Some((500, "{}".into())),
        "cus-stark" => return Some((422, r#"{"detail":"bad"}"#.into())),
        "cus-wayne" if n <= 2 => return Some((503, "{}".into())),
        _ => {}
    }
    let payload = if path.ends_with("/api/intelligence/analyze") {
        let ltv = customer["lifetime_value"].as_f64().unwrap_or(0.0);
        let churn = customer["churn_risk_score"].as_f64().unwrap_or(0.0);
        json!({
            "archetype": if ltv >= 10_000.0 { "loyal_power_user" } else { "occasional_buyer" },
            "segments": ["b2b", if churn >= 0.7 { "at_risk" } else { "stable" }],
            "predictions": {"churn_risk": churn, "lifetime_value": ltv * 1.2},
            "behavioral_metrics": {"orders_per_month": 3.5, "support_contacts_90d": 4},
        })
    } else if path.ends_with("/api/generation/message") {
        let name = customer["name"].as_str().unwrap_or("there");
        json!({
            "message": format!(
                "Hi {name}, thanks for your patience. ({}, {})",
                body["tone"].as_str().unwrap_or("?"),
                body["length"].as_str().unwrap_or("?")
            ),
            "personalization_applied": ["customer_name", "tone"],
        })
    } else {
        return Some((404, "{}".into()));
    };
    Some((200, payload.to_string()))
}

fn answer(stream: std::net::TcpStream, calls: &Mutex<HashMap<String, usize>>) {
    let Some(req) = read_request(&stream) else {
        return;
    };
    let mut count = |id: &str| {
        let mut calls = calls.lock().unwrap();
        let n = calls.entry(id.to_string()).or_default();
        *n += 1;
        *n
    };
    match reply(&req.path, req.header("x-api-key"), &req.body, &mut count) {
        None => std::thread::sleep(std::time::Duration::from_secs(HANG_SECS)),
        Some((status, payload)) => {
            let reason = match status {
                200 => "OK",
                401 => "Unauthorized",
                404 => "Not Found",
                422 => "Unprocessable Entity",
                503 => "Service Unavailable",
                _ => "Internal Server Error",
            };
            respond(&stream, &format!("{status} {reason}"), &payload)
        }
    }
}

/// The same stand-in for the in-process platform: its outbound client
/// answers as the server would, and the returned map counts calls per
/// customer.
pub fn in_process(
    p: &edgedesk_kernel::testing::TestPlatform,
) -> std::rc::Rc<std::cell::RefCell<HashMap<String, usize>>> {
    use edgedesk_kernel::platform::OutboundResponse;
    p.set_var("QUIMBI_BASE_URL", "http://quimbi.test");
    p.set_var("QUIMBI_API_KEY", API_KEY);
    p.set_var("QUIMBI_TIMEOUT_MS", "1000");
    let calls: std::rc::Rc<std::cell::RefCell<HashMap<String, usize>>> = Default::default();
    let counter = calls.clone();
    p.on_http(move |req| {
        let key = req
            .headers
            .iter()
            .find(|(k, _)| k == "x-api-key")
            .map(|(_, v)| v.as_str());
        let mut count = |id: &str| {
            let mut calls = counter.borrow_mut();
            let n = calls.entry(id.to_string()).or_default();
            *n += 1;
            *n
        };
        reply(&req.url, key, &req.body, &mut count).map(|(status, body)| {
            Ok(OutboundResponse {
                status,
                body: body.into_bytes(),
            })
        })
    });
    calls
}

/// The AI routes through a runtime configured with this stand-in
/// (`QUIMBI_TIMEOUT_MS=1000`, `QUIMBI_MAX_RETRIES` unset: 2), `calls`
/// counting its calls per customer: intelligence and
/// its cache, drafts cached per thread version, a regenerated draft, a
/// recommendation, retries that succeed, and failures that are 502 after
/// the right number of attempts. Panics on the first difference.
pub fn check_ai_path(t: &dyn crate::Transport, calls: &dyn Fn(&str) -> usize) {
    use crate::support::{call, login};
    use std::time::{Duration, Instant};
    let token = login(t, "senior_agent@support.test");
    let get = |path: &str| call(t, "GET", path, Some(&token), None);

    let before = calls("cus-acme");
    let (status, first) = get("/api/ai/customers/cus-acme/intelligence");
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["archetype"], "loyal_power_user");
    assert_eq!(first["predictions"]["churn_risk_level"], "low");
    assert_eq!(first["cached"], false);
    let (_, second) = get("/api/ai/customers/cus-acme/intelligence");
    assert_eq!(second["cached"], true, "{second}");
    assert_eq!(
        calls("cus-acme"),
        before + 1,
        "the second answer comes from the cache"
    );

    let (status, ticket) = call(
        t,
        "POST",
        "/api/tickets",
        Some(&token),
        Some(
            json!({"customer_id": "cus-acme", "subject": "Invoice question", "channel": "email",
                    "message": "Why was I charged twice?"}),
        ),
    );
    assert_eq!(status, 201, "{ticket}");
    let id = ticket["id"].as_str().unwrap();
    let (status, draft) = get(&format!("/api/ai/tickets/{id}/draft-response"));
    assert_eq!(status, 200, "{draft}");
    assert!(
        draft["draft_content"]
            .as_str()
            .unwrap()
            .starts_with("Hi Acme Corp"),
        "{draft}"
    );
    assert_eq!(draft["cached"], false);
    assert_eq!(
        get(&format!("/api/ai/tickets/{id}/draft-response")).1["cached"],
        true
    );
    // A new message: the ticket's drafts are stale.
    let (status, _) = call(
        t,
        "POST",
        &format!("/api/tickets/{id}/messages"),
        Some(&token),
        Some(json!({"content": "Any news?", "from_agent": false})),
    );
    assert_eq!(status, 201);
    assert_eq!(
        get(&format!("/api/ai/tickets/{id}/draft-response")).1["cached"],
        false
    );
    let (status, again) = call(
        t,
        "POST",
        &format!("/api/ai/tickets/{id}/regenerate-draft"),
        Some(&token),
        Some(json!({"tone": "friendly", "length": "short"})),
    );
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["tone"].as_str(), again["length"].as_str()),
        (Some("friendly"), Some("short"))
    );
    let (status, _) = call(
        t,
        "POST",
        &format!("/api/ai/tickets/{id}/regenerate-draft"),
        Some(&token),
        Some(json!({"tone": "sarcastic"})),
    );
    assert_eq!(status, 422);
    let (status, rec) = get(&format!("/api/ai/tickets/{id}/recommendation"));
    assert_eq!(status, 200, "{rec}");
    assert!(!rec["next_best_actions"].as_array().unwrap().is_empty());
    // Acme: a lifetime value of 48,000, predicted at 57,600.
    assert_eq!(rec["customer_value"]["tier"], "platinum");

    // Two 503s, then an answer: three attempts, one answer.
    let (status, v) = get("/api/ai/customers/cus-wayne/intelligence");
    assert_eq!(status, 200, "{v}");
    assert_eq!(calls("cus-wayne"), 3);
    // Always 500: the first attempt and two retries, then 502.
    let (status, v) = get("/api/ai/customers/cus-cyberdyne/intelligence");
    assert_eq!(status, 502, "{v}");
    assert_eq!(v["error"]["code"], "UPSTREAM_FAILURE");
    assert_eq!(calls("cus-cyberdyne"), 3);
    // A 4xx is not retried.
    let (status, v) = get("/api/ai/customers/cus-stark/intelligence");
    assert_eq!(status, 502, "{v}");
    assert_eq!(calls("cus-stark"), 1);
    // A hanging service: each attempt bounded, then 502.
    let started = Instant::now();
    let (status, v) = get("/api/ai/customers/cus-tyrell/intelligence");
    assert_eq!(status, 502, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within 1000 ms"),
        "{v}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(HANG_SECS),
        "{:?}",
        started.elapsed()
    );
}
