//! Exact rate limits on a real runtime: many requests at once from one
//! client, however many instances serve them, admit exactly what the
//! bucket holds and refuse the rest with 429 and `Retry-After`.

use crate::receptionist::{BUSINESS, WIDGET_TOKEN};
use crate::{Transport, WireRequest};
use serde_json::Value;
use std::sync::Barrier;
use std::time::Instant;

/// The limits the runtimes under test run with: a bucket of ten that
/// refills one token a minute, so a burst sent within a minute meets
/// exactly ten tokens. The tests' own traffic comes from 127.0.0.1 and is
/// never limited.
pub const PER_MINUTE: u32 = 1;
pub const BURST: u32 = 10;
pub const UNLIMITED_CLIENT: &str = "127.0.0.1";

pub fn vars() -> Vec<(String, String)> {
    [
        ("RATE_LIMIT_PER_MINUTE", PER_MINUTE.to_string()),
        ("RATE_LIMIT_BURST", BURST.to_string()),
        ("RATE_LIMIT_WHITELIST_IPS", UNLIMITED_CLIENT.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// How a request names the client it comes from on a runtime: the header
/// the runtime's edge sets (`CF-Connecting-IP` on Cloudflare, Spin's
/// `spin-client-addr`).
pub type ClientHeader = fn(&str) -> (String, String);

/// What one burst found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub sent: usize,
    pub admitted: usize,
    pub refused: usize,
    /// Refusals of every burst sent, a repeated one's included: what the
    /// counters hold (at least, when a burst was repeated: a request the
    /// reloading proxy cut off may have been refused all the same).
    pub refused_all: usize,
    pub repeated: bool,
    /// `burst + floor(per_minute × elapsed / 1 min)`.
    pub expected: usize,
    pub elapsed_ms: u128,
}

fn open_session(
    t: &dyn Transport,
    client: Option<(String, String)>,
) -> (u16, Option<String>, Value) {
    let mut headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("x-widget-token".to_string(), WIDGET_TOKEN.to_string()),
        // Names the business, so refusals are counted under it.
        ("x-business-id".to_string(), BUSINESS.to_string()),
    ];
    headers.extend(client);
    let res = t
        .send(WireRequest {
            method: "POST".into(),
            path: "/v1/widget/session".into(),
            headers,
            body: b"{}".to_vec(),
        })
        .expect("the widget answers");
    let retry = res
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.clone());
    (
        res.status,
        retry,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

type Answer = (u16, Option<String>, Value);

fn burst(
    t: &(dyn Transport + Sync),
    header: ClientHeader,
    client_ip: &str,
    n: usize,
) -> Vec<Answer> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..n)
            .map(|_| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    open_session(t, Some(header(client_ip)))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    })
}

/// `wrangler dev`'s proxy answers a request in flight while it reloads
/// the Worker with 503 and `Retry-After: 0`: an artefact of the local
/// tool, not an answer of the service.
fn dev_proxy_restart(a: &Answer) -> bool {
    a.0 == 503 && a.1.as_deref() == Some("0") && a.2.is_null()
}

/// Sends `n` widget sessions at once from `client_ip` and checks that
/// exactly the expected number are admitted. A burst that met a local
/// dev-proxy reload is sent again from the next address (a fresh bucket),
/// at most twice; its refusals still count in [`Figures::refused_all`].
pub fn exact_under_concurrency(
    t: &(dyn Transport + Sync),
    header: ClientHeader,
    client_ip: &str,
    n: usize,
) -> Figures {
    let first: std::net::Ipv4Addr = client_ip.parse().expect("an IPv4 address");
    let mut refused_before = 0;
    let mut attempt = 0u32;
    let (answers, started) = loop {
        let ip = std::net::Ipv4Addr::from(u32::from(first) + attempt).to_string();
        let started = Instant::now();
        let answers = burst(t, header, &ip, n);
        if attempt < 2 && answers.iter().any(dev_proxy_restart) {
            eprintln!("the dev proxy reloaded during the burst from {ip}; sending it again");
            refused_before += answers.iter().filter(|a| a.0 == 429).count();
            attempt += 1;
            continue;
        }
        break (answers, started);
    };
    let elapsed_ms = started.elapsed().as_millis();
    let admitted = answers.iter().filter(|(s, _, _)| *s == 201).count();
    let refused: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 429).collect();
    assert_eq!(
        admitted + refused.len(),
        n,
        "every answer is an admission or a refusal: {answers:?}"
    );
    for (_, retry, body) in &refused {
        assert_eq!(body["error"]["code"], "RATE_LIMITED", "{body}");
        // An empty bucket refilling one token a minute: a minute to wait.
        assert_eq!(retry.as_deref(), Some("60"), "{body}");
    }
    let expected = BURST as usize + (u128::from(PER_MINUTE) * elapsed_ms / 60_000) as usize;
    let figures = Figures {
        sent: n,
        admitted,
        refused: refused.len(),
        refused_all: refused_before + refused.len(),
        repeated: attempt > 0,
        expected,
        elapsed_ms,
    };
    assert_eq!(admitted, expected, "{figures:?}");
    // The bucket is one client's: another client, and the unlimited one,
    // are admitted at once.
    assert!(!client_ip.starts_with("198.51.100."));
    assert_eq!(open_session(t, Some(header("198.51.100.7"))).0, 201);
    assert_eq!(open_session(t, None).0, 201);
    figures
}
