//! End-to-end cases as data (`tests/e2e/cases/<product>.json`) and a driver that runs
//! them through any [`Transport`]: real HTTP against workerd, or
//! in-process against the route table. One set of cases for every runtime.

pub mod browser;
pub mod coaching;
pub mod in_process;
pub mod limits;
pub mod mock_google;
pub mod mock_llm;
pub mod mock_quimbi;
pub mod observability;
pub mod owners;
pub mod receptionist;
pub mod sales;
pub mod support;

use edgedesk_core::signing::{Target, sign_call, sign_call_v1};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

pub use edgedesk_kernel::testing::repo_root;
pub use in_process::InProcess;

/// Each product's cases (`tests/e2e/cases/<product>.json`).
pub const CASES: [(&str, &str); 2] = [
    ("platform", include_str!("../cases/platform.json")),
    ("copilot", include_str!("../cases/copilot.json")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub request: CaseRequest,
    /// Send the identical request this many times; `expect` is for the last.
    #[serde(default = "one")]
    pub times: u32,
    /// Expectations for every response but the last, when `times` > 1.
    #[serde(default)]
    pub expect_first: Option<Expect>,
    pub expect: Expect,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CaseRequest {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body, serialised compactly.
    #[serde(default)]
    pub json: Option<Value>,
    /// Raw body text, sent as is.
    #[serde(default)]
    pub raw: Option<String>,
    /// A body of this many bytes of `a`.
    #[serde(default)]
    pub filler_bytes: Option<usize>,
    #[serde(default)]
    pub sign: Sign,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sign {
    /// Sign at all (off for unauthenticated routes and missing-header cases).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Added to the current time for `X-Timestamp`.
    #[serde(default)]
    pub skew_ms: i64,
    /// Sign with this secret instead of the configured one.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default = "default_client")]
    pub client: String,
    /// Signing headers to leave out.
    #[serde(default)]
    pub omit: Vec<String>,
    /// Replace a signing header's value after signing.
    #[serde(default)]
    pub overwrite: BTreeMap<String, String>,
    /// Sign a body different from the one sent (tampering).
    #[serde(default)]
    pub signed_body: Option<String>,
    /// Sign for another path than the one the request goes to.
    #[serde(default)]
    pub signed_path: Option<String>,
    /// Sign in the seed's v1 format (not bound to the route).
    #[serde(default)]
    pub v1: bool,
}

fn yes() -> bool {
    true
}

fn default_client() -> String {
    "e2e-agent".into()
}

impl Default for Sign {
    fn default() -> Self {
        Sign {
            enabled: true,
            skew_ms: 0,
            secret: None,
            client: default_client(),
            omit: Vec::new(),
            overwrite: BTreeMap::new(),
            signed_body: None,
            signed_path: None,
            v1: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expect {
    pub status: u16,
    /// `ok` in the envelope.
    #[serde(default)]
    pub ok: Option<bool>,
    #[serde(default)]
    pub error_code: Option<String>,
    /// The error message must contain this text.
    #[serde(default)]
    pub message_contains: Option<String>,
    /// JSON pointer -> exact value.
    #[serde(default)]
    pub json: BTreeMap<String, Value>,
    /// JSON pointers that must resolve to something other than null.
    #[serde(default)]
    pub present: Vec<String>,
    /// JSON pointer -> array length.
    #[serde(default)]
    pub len: BTreeMap<String, usize>,
    /// JSON pointer -> [min, max] for a number.
    #[serde(default)]
    pub between: BTreeMap<String, (f64, f64)>,
    /// JSON pointer -> text the string value must contain.
    #[serde(default)]
    pub contains: BTreeMap<String, String>,
    /// Header (lowercase) -> exact value.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub headers_absent: Vec<String>,
    /// The body must be empty (preflights).
    #[serde(default)]
    pub empty_body: bool,
    /// The body is JSON but not an envelope (`/openapi.json`).
    #[serde(default = "yes")]
    pub envelope: bool,
    /// The body is text (a page) that must contain each of these.
    #[serde(default)]
    pub text_contains: Vec<String>,
}

/// A request as the driver sends it.
#[derive(Debug, Clone)]
pub struct WireRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct WireResponse {
    pub status: u16,
    /// Header names lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Something that can answer a request: an HTTP server, or the service
/// called in-process.
pub trait Transport {
    fn send(&self, req: WireRequest) -> Result<WireResponse, String>;
    /// The clock the server checks timestamps against.
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// The products that own a database: the folders of `migrations/`.
pub fn products_with_migrations() -> Vec<String> {
    let mut products: Vec<String> = std::fs::read_dir(repo_root().join("migrations"))
        .expect("migrations/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    products.sort();
    products
}

/// Every product's cases.
pub fn load_cases() -> Vec<Case> {
    CASES.iter().flat_map(|(p, _)| product_cases(p)).collect()
}

/// One product's cases.
pub fn product_cases(product: &str) -> Vec<Case> {
    let (_, json) = CASES
        .iter()
        .find(|(p, _)| *p == product)
        .unwrap_or_else(|| panic!("no cases for product {product}"));
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("tests/e2e/cases/{product}.json is invalid: {e}"))
}

/// Builds the signed request for a case.
pub fn build(case: &Case, secret: &str, now_ms: i64) -> WireRequest {
    let r = &case.request;
    let body: Vec<u8> = if let Some(json) = &r.json {
        serde_json::to_vec(json).expect("case json")
    } else if let Some(raw) = &r.raw {
        raw.clone().into_bytes()
    } else if let Some(n) = r.filler_bytes {
        vec![b'a'; n]
    } else {
        Vec::new()
    };
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    if !body.is_empty()
        && !r
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("content-type".into(), "application/json".into()));
    }
    let s = &r.sign;
    if s.enabled {
        let ts = now_ms + s.skew_ms;
        let key = s.secret.as_deref().unwrap_or(secret);
        let signed_body = s
            .signed_body
            .as_ref()
            .map(|b| b.as_bytes())
            .unwrap_or(&body);
        let path = s.signed_path.as_deref().unwrap_or(&r.path);
        let method = r.method.to_ascii_uppercase();
        let sig = if s.v1 {
            sign_call_v1(key.as_bytes(), ts, &s.client, signed_body)
        } else {
            let target = Target {
                method: &method,
                path,
            };
            sign_call(key.as_bytes(), ts, &s.client, target, signed_body)
        };
        for (name, value) in [
            ("x-timestamp", ts.to_string()),
            ("x-client", s.client.clone()),
            ("x-signature", sig),
        ] {
            if s.omit.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                continue;
            }
            let value = s
                .overwrite
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or(value);
            headers.push((name.into(), value));
        }
    }
    WireRequest {
        method: r.method.clone(),
        path: r.path.clone(),
        headers,
        body,
    }
}

fn header<'a>(res: &'a WireResponse, name: &str) -> Option<&'a str> {
    res.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Every way the response differs from the expectation.
pub fn check(expect: &Expect, res: &WireResponse) -> Vec<String> {
    let mut errs = Vec::new();
    if res.status != expect.status {
        errs.push(format!(
            "status {} (expected {})",
            res.status, expect.status
        ));
    }
    for (k, v) in &expect.headers {
        if header(res, k) != Some(v.as_str()) {
            errs.push(format!("header {k}: {:?} (expected {v:?})", header(res, k)));
        }
    }
    for k in &expect.headers_absent {
        if let Some(v) = header(res, k) {
            errs.push(format!("header {k} should be absent, is {v:?}"));
        }
    }
    if expect.empty_body {
        if !res.body.is_empty() {
            errs.push(format!(
                "body should be empty, has {} bytes",
                res.body.len()
            ));
        }
        return errs;
    }
    if !expect.text_contains.is_empty() {
        let text = String::from_utf8_lossy(&res.body);
        for want in &expect.text_contains {
            if !text.contains(want.as_str()) {
                errs.push(format!("body lacks {want:?}"));
            }
        }
        return errs;
    }
    let body: Value = match serde_json::from_slice(&res.body) {
        Ok(v) => v,
        Err(e) => {
            errs.push(format!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&res.body[..res.body.len().min(200)])
            ));
            return errs;
        }
    };
    if expect.envelope && !is_envelope(&body) {
        errs.push(format!("body is not an {{ok,data,error}} envelope: {body}"));
        return errs;
    }
    if let Some(ok) = expect.ok
        && body["ok"] != Value::Bool(ok)
    {
        errs.push(format!("ok is {} (expected {ok})", body["ok"]));
    }
    if let Some(code) = &expect.error_code
        && body.pointer("/error/code").and_then(Value::as_str) != Some(code)
    {
        errs.push(format!("error code {} (expected {code})", body["error"]));
    }
    if let Some(text) = &expect.message_contains {
        let msg = body
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !msg.contains(text.as_str()) {
            errs.push(format!("error message {msg:?} lacks {text:?}"));
        }
    }
    for (ptr, want) in &expect.json {
        let got = body.pointer(ptr);
        if got != Some(want) {
            errs.push(format!("{ptr} is {got:?} (expected {want})"));
        }
    }
    for ptr in &expect.present {
        if body.pointer(ptr).is_none_or(Value::is_null) {
            errs.push(format!("{ptr} is missing or null"));
        }
    }
    for (ptr, n) in &expect.len {
        let got = body.pointer(ptr).and_then(Value::as_array).map(Vec::len);
        if got != Some(*n) {
            errs.push(format!("{ptr} has length {got:?} (expected {n})"));
        }
    }
    for (ptr, (lo, hi)) in &expect.between {
        match body.pointer(ptr).and_then(Value::as_f64) {
            Some(x) if *lo <= x && x <= *hi => {}
            got => errs.push(format!("{ptr} is {got:?} (expected {lo}..={hi})")),
        }
    }
    for (ptr, text) in &expect.contains {
        let got = body.pointer(ptr).and_then(Value::as_str).unwrap_or("");
        if !got.contains(text.as_str()) {
            errs.push(format!("{ptr} = {got:?} lacks {text:?}"));
        }
    }
    errs
}

fn is_envelope(v: &Value) -> bool {
    let Some(obj) = v.as_object() else {
        return false;
    };
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    if sorted != ["data", "error", "ok"] {
        return false;
    }
    match obj["ok"] {
        Value::Bool(true) => obj["error"].is_null() && !obj["data"].is_null(),
        Value::Bool(false) => {
            obj["data"].is_null()
                && obj["error"]["code"].is_string()
                && obj["error"]["message"].is_string()
                && obj["error"].as_object().map(Map::len) == Some(2)
        }
        _ => false,
    }
}

/// Runs every product's cases; returns how many passed and a report of
/// failures (empty when all passed).
pub fn run_all(transport: &dyn Transport, secret: &str) -> (usize, String) {
    run_cases(transport, secret, &load_cases())
}

/// Runs the given cases.
pub fn run_cases(transport: &dyn Transport, secret: &str, cases: &[Case]) -> (usize, String) {
    let mut failures = String::new();
    let mut failed = 0;
    let mut last_ts = 0;
    for case in cases {
        let mut problems = Vec::new();
        // Distinct timestamps, so two cases with the same body are never
        // mistaken for a replay of each other; `times` resends the very
        // same signed request.
        let now = transport.now_ms().max(last_ts + 1);
        last_ts = now;
        let req = build(case, secret, now);
        for i in 0..case.times {
            let last = i + 1 == case.times;
            match transport.send(req.clone()) {
                Ok(res) => {
                    let expect = if last {
                        Some(&case.expect)
                    } else {
                        case.expect_first.as_ref()
                    };
                    if let Some(e) = expect {
                        problems.extend(
                            check(e, &res)
                                .into_iter()
                                .map(|p| format!("call {}: {p}", i + 1)),
                        );
                    }
                }
                Err(e) => problems.push(format!("call {}: transport error: {e}", i + 1)),
            }
        }
        if !problems.is_empty() {
            failed += 1;
            let _ = writeln!(failures, "FAIL {}", case.name);
            for p in problems {
                let _ = writeln!(failures, "    {p}");
            }
        }
    }
    (cases.len() - failed, failures)
}

/// Real HTTP against a running server.
pub struct Http {
    pub base_url: String,
    agent: ureq::Agent,
}

impl Http {
    pub fn new(base_url: &str) -> Self {
        Http {
            base_url: base_url.trim_end_matches('/').to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(std::time::Duration::from_secs(30))
                .build(),
        }
    }
}

impl Transport for Http {
    fn send(&self, req: WireRequest) -> Result<WireResponse, String> {
        let mut r = self
            .agent
            .request(&req.method, &format!("{}{}", self.base_url, req.path));
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        let result = if req.body.is_empty() && req.method != "POST" {
            r.call()
        } else {
            r.send_bytes(&req.body)
        };
        let res = match result {
            Ok(res) => res,
            Err(ureq::Error::Status(_, res)) => res,
            Err(e) => return Err(e.to_string()),
        };
        let status = res.status();
        let headers = res
            .headers_names()
            .into_iter()
            .filter_map(|n| {
                res.header(&n)
                    .map(|v| (n.to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut res.into_reader(), &mut body).map_err(|e| e.to_string())?;
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }
}

/// Signs and sends one tool call (for checks outside the shared cases).
pub fn call_tool(
    transport: &dyn Transport,
    secret: &str,
    tool: &str,
    body: &Value,
) -> Result<(u16, Value), String> {
    let raw = body.to_string();
    let ts = transport.now_ms();
    let path = format!("/tools/{tool}");
    let target = Target {
        method: "POST",
        path: &path,
    };
    let sig = sign_call(secret.as_bytes(), ts, "e2e-agent", target, raw.as_bytes());
    let res = transport.send(WireRequest {
        method: "POST".into(),
        path,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-timestamp".into(), ts.to_string()),
            ("x-client".into(), "e2e-agent".into()),
            ("x-signature".into(), sig),
        ],
        body: raw.into_bytes(),
    })?;
    let value = serde_json::from_slice(&res.body).map_err(|e| e.to_string())?;
    Ok((res.status, value))
}
