//! Error tracking: an unexpected error (a 5xx the service caused) becomes
//! an event posted to Sentry's envelope endpoint, and with
//! `SENTRY_TRACES_SAMPLE_RATE` above 0 a share of requests become
//! transactions. Built by hand: the `sentry` crate cannot run on the
//! Worker and would triple a component's size.
//!
//! Settings: `SENTRY_DSN` (unset: nothing is sent), `SENTRY_ENABLED`
//! (`false` turns sending off whatever else is set), `SENTRY_ENVIRONMENT`
//! (else `ENVIRONMENT`, else `production`), `SENTRY_RELEASE` (else
//! `GIT_SHA`), `SENTRY_TRACES_SAMPLE_RATE` (0 to 1; 0, the default,
//! disables traces).

use crate::observe::Report;
use crate::platform::{Clock, Config, HttpClient, OutboundRequest, Random};
use crate::times;
use crate::{config, deadline};
use serde_json::{Value, json};

/// How long a send may take before it is given up.
pub const SEND_TIMEOUT_MS: u64 = 5_000;

/// The parts of a DSN (`https://<public key>@<host>/<project id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    raw: String,
    pub scheme: String,
    pub public_key: String,
    /// Host, with its port when the DSN names one.
    pub host: String,
    /// Any path before the project id, without a trailing slash.
    pub path: String,
    pub project_id: String,
}

impl Dsn {
    pub fn parse(raw: &str) -> Option<Dsn> {
        let raw = raw.trim();
        let (scheme, rest) = raw.split_once("://")?;
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (auth, location) = rest.split_once('@')?;
        let public_key = auth.split(':').next()?.to_string();
        let (host, path) = location.split_once('/')?;
        let path = path.trim_end_matches('/');
        let (prefix, project_id) = match path.rsplit_once('/') {
            Some((prefix, id)) => (format!("/{prefix}"), id),
            None => (String::new(), path),
        };
        let well_formed = !public_key.is_empty()
            && !host.is_empty()
            && !project_id.is_empty()
            && project_id.bytes().all(|b| b.is_ascii_alphanumeric());
        well_formed.then(|| Dsn {
            raw: raw.to_string(),
            scheme: scheme.to_string(),
            public_key,
            host: host.to_string(),
            path: prefix,
            project_id: project_id.to_string(),
        })
    }

    /// Where envelopes are posted.
    pub fn envelope_url(&self) -> String {
        format!(
            "{}://{}{}/api/{}/envelope/",
            self.scheme, self.host, self.path, self.project_id
        )
    }

    /// The `X-Sentry-Auth` header: the public key alone (the secret part
    /// of old DSNs is never sent).
    pub fn auth_header(&self) -> String {
        format!(
            "Sentry sentry_version=7, sentry_key={}, sentry_client=edgedesk/{}",
            self.public_key,
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// The settings, read when a request needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub dsn: Dsn,
    pub environment: String,
    pub release: Option<String>,
    /// `SENTRY_TRACES_SAMPLE_RATE` in millionths.
    pub traces_ppm: u32,
}

/// Millionths of a rate written as a decimal from 0 to 1 (`0.25`, `1`,
/// `.5`): read without floating point, which nothing else here needs and
/// which would grow every component that reports errors. Above 1 is 1;
/// anything else is not a rate.
pub fn rate_ppm(s: &str) -> Option<u32> {
    let (whole, fraction) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    if !whole.trim_start_matches('0').is_empty() {
        return Some(1_000_000);
    }
    let mut ppm = 0u32;
    for (i, b) in fraction.bytes().take(6).enumerate() {
        ppm += u32::from(b - b'0') * 10u32.pow(5 - i as u32);
    }
    Some(ppm)
}

impl Settings {
    /// `None` when nothing is to be sent: no DSN (or an unreadable one), or
    /// `SENTRY_ENABLED=false`.
    pub async fn read<P: Config>(p: &P) -> Option<Settings> {
        let enabled = config::non_empty(p, "SENTRY_ENABLED").await;
        if enabled.is_some_and(|v| v.eq_ignore_ascii_case("false") || v == "0") {
            return None;
        }
        let dsn = Dsn::parse(&config::non_empty(p, "SENTRY_DSN").await?)?;
        let environment = match config::non_empty(p, "SENTRY_ENVIRONMENT").await {
            Some(e) => e,
            None => config::non_empty(p, "ENVIRONMENT")
                .await
                .unwrap_or_else(|| "production".into()),
        };
        let release = match config::non_empty(p, "SENTRY_RELEASE").await {
            Some(r) => Some(r),
            None => config::non_empty(p, "GIT_SHA").await,
        };
        let traces_ppm = config::non_empty(p, "SENTRY_TRACES_SAMPLE_RATE")
            .await
            .and_then(|r| rate_ppm(&r))
            .unwrap_or(0);
        Some(Settings {
            dsn,
            environment,
            release,
            traces_ppm,
        })
    }
}

/// Whether the request's answer is an error the service should hear of:
/// a server error, but not a refusal it meant (a setting missing, an
/// upstream down is still worth knowing, so only 503 NOT_CONFIGURED is
/// left out).
pub fn unexpected(report: &Report) -> bool {
    report.status >= 500 && report.error_code.as_deref() != Some("NOT_CONFIGURED")
}

/// Runs of seven or more digits (phone numbers, whatever separates their
/// groups) replaced, so no full number leaves in an event.
pub fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || matches!(chars[j], '+' | '-' | ' ' | '(' | ')' | '.'))
            {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            // Separators after the last digit belong to the text.
            while j > i && !chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            if digits >= 7 {
                out.push_str("[number]");
            } else {
                out.extend(&chars[i..j]);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn tags(report: &Report) -> Value {
    json!({
        "request_id": report.request_id,
        "business_id": report.business_id.as_deref().unwrap_or("none"),
        "route": report.route,
        "status": report.status.to_string(),
    })
}

fn common(s: &Settings, report: &Report) -> Value {
    let mut v = json!({
        "platform": "other",
        "logger": "edgedesk",
        "environment": s.environment,
        "tags": tags(report),
        "request": {"method": report.method, "url": report.route},
    });
    if let Some(r) = &s.release {
        v["release"] = r.clone().into();
    }
    v
}

/// The event of an unexpected error.
pub fn event(s: &Settings, report: &Report, event_id: &str) -> Value {
    let code = report.error_code.as_deref().unwrap_or("ERROR");
    let message = redact_numbers(report.error_message.as_deref().unwrap_or("server error"));
    let mut v = common(s, report);
    v["event_id"] = event_id.into();
    v["timestamp"] = times::iso(report.at_ms + report.duration_ms).into();
    v["level"] = "error".into();
    v["message"] = json!({"formatted": format!("{} {} answered {}: {message}", report.method, report.route, report.status)});
    v["exception"] = json!({"values": [{"type": code, "value": message}]});
    v
}

/// The transaction of a sampled request.
pub fn transaction(
    s: &Settings,
    report: &Report,
    event_id: &str,
    trace_id: &str,
    span_id: &str,
) -> Value {
    let mut v = common(s, report);
    v["type"] = "transaction".into();
    v["event_id"] = event_id.into();
    v["transaction"] = format!("{} {}", report.method, report.route).into();
    v["start_timestamp"] = times::iso(report.at_ms).into();
    v["timestamp"] = times::iso(report.at_ms + report.duration_ms).into();
    v["contexts"] = json!({"trace": {
        "trace_id": trace_id,
        "span_id": span_id,
        "op": "http.server",
        "status": if report.status >= 500 { "internal_error" } else if report.status >= 400 { "invalid_argument" } else { "ok" },
    }});
    v["spans"] = json!([]);
    v
}

/// An envelope of one item.
pub fn envelope(
    s: &Settings,
    event_id: &str,
    sent_at_ms: i64,
    kind: &str,
    item: &Value,
) -> Vec<u8> {
    let payload = item.to_string();
    let header = json!({"event_id": event_id, "sent_at": times::iso(sent_at_ms), "dsn": s.dsn.raw});
    let item_header =
        json!({"type": kind, "content_type": "application/json", "length": payload.len()});
    format!("{header}\n{item_header}\n{payload}\n").into_bytes()
}

fn hex_id<P: Random>(p: &P, bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    p.fill(&mut b);
    hex::encode(b)
}

/// What the request sends, if anything: an event for an unexpected error,
/// a transaction when sampled.
pub fn envelopes<P: Random + Clock>(p: &P, s: &Settings, report: &Report) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let now = p.now_ms();
    if unexpected(report) {
        let id = hex_id(p, 16);
        out.push(envelope(s, &id, now, "event", &event(s, report, &id)));
    }
    if s.traces_ppm > 0 {
        let mut draw = [0u8; 4];
        p.fill(&mut draw);
        if u32::from_le_bytes(draw) % 1_000_000 < s.traces_ppm {
            let id = hex_id(p, 16);
            let trace = hex_id(p, 16);
            let span = hex_id(p, 8);
            out.push(envelope(
                s,
                &id,
                now,
                "transaction",
                &transaction(s, report, &id, &trace, &span),
            ));
        }
    }
    out
}

/// Sends what the request warrants. Failures are dropped: error tracking
/// must never become an error of its own.
pub async fn send<P: Config + Random + Clock + HttpClient>(p: &P, report: &Report) {
    let Some(s) = Settings::read(p).await else {
        return;
    };
    for body in envelopes(p, &s, report) {
        let request = OutboundRequest {
            method: "POST",
            url: s.dsn.envelope_url(),
            headers: vec![
                (
                    "content-type".into(),
                    "application/x-sentry-envelope".into(),
                ),
                ("x-sentry-auth".into(), s.dsn.auth_header()),
            ],
            body,
        };
        let _ = deadline::within(p, SEND_TIMEOUT_MS, p.send(request)).await;
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::TestPlatform;

    #[test]
    fn dsns_name_the_envelope_endpoint_and_key() {
        let d = Dsn::parse("https://abc123@o42.ingest.sentry.io/4501").unwrap();
        assert_eq!(
            d.envelope_url(),
            "https://o42.ingest.sentry.io/api/4501/envelope/"
        );
        assert!(
            d.auth_header()
                .starts_with("Sentry sentry_version=7, sentry_key=abc123, ")
        );
        let local = Dsn::parse("http://pub:secret@127.0.0.1:9000/sentry/7").unwrap();
        assert_eq!(
            local.envelope_url(),
            "http://127.0.0.1:9000/sentry/api/7/envelope/"
        );
        assert!(!local.auth_header().contains("secret"));
        for bad in [
            "",
            "abc",
            "ftp://k@h/1",
            "https://h/1",
            "https://k@h/",
            "https://@h/1",
            "https://k@h/a/b c",
        ] {
            assert_eq!(Dsn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rates_are_read_in_millionths() {
        for (text, ppm) in [
            ("0", Some(0)),
            ("1", Some(1_000_000)),
            ("1.0", Some(1_000_000)),
            ("7", Some(1_000_000)),
            ("0.25", Some(250_000)),
            (".5", Some(500_000)),
            ("0.0000019", Some(1)),
            (" 0.1 ", Some(100_000)),
            ("", None),
            (".", None),
            ("-0.5", None),
            ("1e-3", None),
            ("abc", None),
        ] {
            assert_eq!(rate_ppm(text), ppm, "{text}");
        }
    }

    #[test]
    fn numbers_are_redacted_but_short_ones_kept() {
        assert_eq!(
            redact_numbers("texting +1 (312) 555-0147 failed after 3 tries"),
            "texting [number] failed after 3 tries"
        );
        assert_eq!(redact_numbers("+13125550147."), "[number].");
        assert_eq!(redact_numbers("error 503 at 12:30"), "error 503 at 12:30");
    }

    use crate::observe::failed_sms_report as report;

    fn settings(p: &TestPlatform) -> Option<Settings> {
        futures::executor::block_on(Settings::read(p))
    }

    #[test]
    fn settings_fall_back_and_can_be_turned_off() {
        let p = TestPlatform::new();
        assert_eq!(settings(&p), None);
        p.set_var("SENTRY_DSN", "https://k@sentry.example/1");
        p.set_var("ENVIRONMENT", "staging");
        p.set_var("GIT_SHA", "abc1234");
        let s = settings(&p).unwrap();
        assert_eq!(
            (s.environment.as_str(), s.release.as_deref()),
            ("staging", Some("abc1234"))
        );
        assert_eq!(s.traces_ppm, 0);
        p.set_var("SENTRY_ENVIRONMENT", "prod-eu");
        p.set_var("SENTRY_RELEASE", "1.2.3");
        p.set_var("SENTRY_TRACES_SAMPLE_RATE", "7");
        let s = settings(&p).unwrap();
        assert_eq!(
            (s.environment.as_str(), s.release.as_deref()),
            ("prod-eu", Some("1.2.3"))
        );
        assert_eq!(s.traces_ppm, 1_000_000);
        p.set_var("SENTRY_ENABLED", "false");
        assert_eq!(settings(&p), None);
    }

    #[test]
    fn an_unexpected_error_is_one_event_envelope_with_its_tags() {
        let p = TestPlatform::new();
        p.set_var("SENTRY_DSN", "https://k@sentry.example/1");
        let s = settings(&p).unwrap();
        assert!(envelopes(&p, &s, &report(200)).is_empty());
        let not_configured = Report {
            error_code: Some("NOT_CONFIGURED".into()),
            ..report(503)
        };
        assert!(envelopes(&p, &s, &not_configured).is_empty());
        let sent = envelopes(&p, &s, &report(500));
        assert_eq!(sent.len(), 1);
        let text = String::from_utf8(sent[0].clone()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[0]["dsn"], "https://k@sentry.example/1");
        assert_eq!(lines[1]["type"], "event");
        assert_eq!(lines[1]["length"], text.lines().nth(2).unwrap().len());
        let event = &lines[2];
        assert_eq!(event["event_id"], lines[0]["event_id"]);
        assert_eq!(event["event_id"].as_str().unwrap().len(), 32);
        assert_eq!(event["tags"]["request_id"], "req-1");
        assert_eq!(event["tags"]["business_id"], "demo-salon");
        assert_eq!(event["environment"], "production");
        assert_eq!(event["exception"]["values"][0]["type"], "TOOL_FAILURE");
        assert!(!text.contains("5550147"), "{text}");
    }

    #[test]
    fn traces_are_sampled_at_the_rate() {
        let p = TestPlatform::new();
        p.set_var("SENTRY_DSN", "https://k@sentry.example/1");
        p.set_var("SENTRY_TRACES_SAMPLE_RATE", "0.25");
        let s = settings(&p).unwrap();
        let traced = (0..2000)
            .filter(|_| !envelopes(&p, &s, &report(200)).is_empty())
            .count();
        assert!((350..650).contains(&traced), "{traced} of 2000 at 0.25");
        let one = String::from_utf8(
            envelopes(&p, &s, &report(200))
                .into_iter()
                .next()
                .unwrap_or_default(),
        )
        .unwrap();
        if !one.is_empty() {
            assert!(one.contains("\"type\":\"transaction\""));
        }
        p.set_var("SENTRY_TRACES_SAMPLE_RATE", "0");
        let s = settings(&p).unwrap();
        assert!((0..200).all(|_| envelopes(&p, &s, &report(200)).is_empty()));
    }
}
