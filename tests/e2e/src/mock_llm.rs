//! A stand-in for an OpenAI-compatible chat completions endpoint, on
//! loopback, for end-to-end runs. It answers with an email for prompts about
//! `acme-001`, never answers for `hooli-005` (holding the connection for
//! `HANG_SECS`), and answers HTTP 503 for everything else. It counts calls,
//! so a test can see the LLM path, the cache, the fallback and the time-out
//! on a real runtime.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct MockLlm {
    pub url: String,
    calls: Arc<AtomicUsize>,
}

impl MockLlm {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

pub const MOCK_SUBJECT: &str = "Acme Corp: a note from your account team";
pub const HANG_SECS: u64 = 10;

pub fn start() -> MockLlm {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock LLM");
    let url = format!(
        "http://127.0.0.1:{}/v1/chat/completions",
        listener.local_addr().unwrap().port()
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || answer(stream));
        }
    });
    MockLlm { url, calls }
}

/// A request as a loopback stand-in reads it.
#[derive(Debug, Clone)]
pub struct MockRequest {
    pub method: String,
    /// The request target: the path, with `?query` when there is one.
    pub path: String,
    /// Names lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl MockRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one HTTP/1.1 request (a body of at most 1 MiB).
pub fn read_request(stream: &std::net::TcpStream) -> Option<MockRequest> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some(MockRequest {
        method,
        path,
        headers,
        body,
    })
}

/// Writes a JSON answer and closes.
pub fn respond(stream: &std::net::TcpStream, status: &str, payload: &str) {
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
        payload.len()
    );
}

fn answer(stream: std::net::TcpStream) {
    let Some(req) = read_request(&stream) else {
        return;
    };
    let prompt = String::from_utf8_lossy(&req.body);
    if prompt.contains("hooli-005") {
        std::thread::sleep(std::time::Duration::from_secs(HANG_SECS));
        return;
    }
    if prompt.contains("acme-001") {
        let content = serde_json::json!({
            "subject": MOCK_SUBJECT,
            "body": "Hi Dana,\n\nThanks for a strong quarter.\n\nBest,\nYour account team"
        })
        .to_string();
        let payload = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]});
        respond(&stream, "200 OK", &payload.to_string());
    } else {
        respond(&stream, "503 Service Unavailable", "{}");
    }
}

/// The LLM path through a runtime configured with this mock as
/// `LLM_API_URL` and `LLM_TIMEOUT_MS=1500`: a grounded answer, the cache on
/// a repeat, the fallback on HTTP 503 and the time-out on a hang. Panics on
/// the first difference.
pub fn check_llm_path(t: &dyn crate::Transport, secret: &str, llm: &MockLlm) {
    use serde_json::json;
    use std::time::{Duration, Instant};
    let call = |tool: &str, body: &serde_json::Value| {
        crate::call_tool(t, secret, tool, body).unwrap_or_else(|e| panic!("{tool}: {e}"))
    };
    let body = json!({"customerId": "acme-001", "params": {"purpose": "check_in"}});
    let before = llm.calls();
    let (status, first) = call("generate_email", &body);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"]["generator"], "llm", "{first}");
    assert_eq!(first["data"]["cached"], false);
    assert_eq!(first["data"]["subject"], MOCK_SUBJECT);
    assert_eq!(llm.calls(), before + 1);
    std::thread::sleep(Duration::from_millis(5));
    let (_, second) = call("generate_email", &body);
    assert_eq!(second["data"]["cached"], true, "{second}");
    assert_eq!(
        llm.calls(),
        before + 1,
        "the second answer must come from the cache"
    );
    let other = json!({"customerId": "initech-003", "params": {"purpose": "renewal"}});
    let (_, fallback) = call("generate_email", &other);
    assert_eq!(fallback["data"]["generator"], "template", "{fallback}");
    assert_eq!(
        fallback["data"]["fallbackReason"],
        "the LLM endpoint answered HTTP 503"
    );
    // The platform timer bounds a hanging endpoint.
    let slow = json!({"customerId": "hooli-005", "params": {"purpose": "check_in"}});
    let started = Instant::now();
    let (_, timed_out) = call("generate_email", &slow);
    assert_eq!(timed_out["data"]["generator"], "template", "{timed_out}");
    assert_eq!(
        timed_out["data"]["fallbackReason"],
        "the LLM did not answer within 1500 ms"
    );
    assert!(started.elapsed() < Duration::from_secs(HANG_SECS));
}
