//! A load generator: signed calls from C concurrent keep-alive connections
//! for a fixed time, reporting throughput, latency percentiles and the
//! client's own CPU share (client and server share the machine's cores).
//! Each request is signed just before it is sent, with a timestamp unique
//! on its connection, so no call is a replay.

use crate::wire::{self, Connection};
use clap::Args;
use edgedesk_core::signing::{Target, sign_call};
use serde::Serialize;
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Args)]
pub struct LoadArgs {
    #[arg(long, default_value = "calculate_health")]
    tool: String,
    #[arg(long, default_value = "acme-001")]
    customer_id: String,
    /// Tool parameters as a JSON object.
    #[arg(long, default_value = "{}")]
    params: String,
    /// Concurrent connections (comma-separated runs one pass each, e.g. 1,16,64).
    #[arg(long, default_value = "1,16", value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Length of each pass.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Calls before each pass's clock starts, not counted.
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    /// Appends each pass as a JSON line to this file.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// A name for the passes in the JSON lines (e.g. "rust-workerd").
    #[arg(long, default_value = "")]
    label: String,
    /// Instead of a signed tool call, send this request target (path and
    /// query) as it is, over and over; any 2xx counts as an answer.
    #[arg(long)]
    path: Option<String>,
    /// The method of `--path` requests.
    #[arg(long, default_value = "GET")]
    method: String,
    /// The JSON body of `--path` requests.
    #[arg(long)]
    body: Option<String>,
    /// `Authorization: Bearer <token>` on `--path` requests.
    #[arg(long)]
    bearer: Option<String>,
    /// Instead of a tool call, this text to the business's Twilio number at
    /// /v1/twilio/sms, signed as Twilio signs it: a new MessageSid every
    /// time, one sender number per connection. A TwiML reply counts.
    #[arg(long)]
    twilio_sms: Option<String>,
    /// The auth token that signs `--twilio-sms` webhooks.
    #[arg(
        long,
        env = "TWILIO_AUTH_TOKEN",
        default_value = "dev-twilio-token",
        hide_env_values = true
    )]
    twilio_token: String,
    /// The business's Twilio number.
    #[arg(long, default_value = "+15005550006")]
    twilio_to: String,
}

/// Mean milliseconds per phase over a pass's answers, in the order the
/// server named them (`Server-Timing: read;dur=0.1, verify;dur=...`).
#[derive(Debug, Default, Serialize)]
pub struct Phases(Vec<(String, f64, usize)>);

impl Phases {
    fn add(&mut self, header: &str) {
        for part in header.split(',') {
            let mut fields = part.trim().split(';');
            let name = fields.next().unwrap_or_default().to_string();
            let dur = fields
                .find_map(|f| f.trim().strip_prefix("dur="))
                .and_then(|d| d.parse::<f64>().ok());
            let Some(dur) = dur else { continue };
            match self.0.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, total, count)) => {
                    *total += dur;
                    *count += 1;
                }
                None => self.0.push((name, dur, 1)),
            }
        }
    }

    fn merge(&mut self, other: Phases) {
        for (name, total, count) in other.0 {
            match self.0.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, t, c)) => {
                    *t += total;
                    *c += count;
                }
                None => self.0.push((name, total, count)),
            }
        }
    }

    /// Each phase's mean over `answers` answers (a phase absent from an
    /// answer counts as zero there).
    pub fn means(&self, answers: usize) -> Vec<(String, f64)> {
        self.0
            .iter()
            .map(|(n, total, _)| (n.clone(), total / answers.max(1) as f64))
            .collect()
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    pub label: String,
    pub connections: usize,
    pub seconds: f64,
    pub ok: usize,
    pub failed: usize,
    /// Requests whose connection the server closed before answering (sent
    /// again on a new connection would risk a second effect, so they are
    /// counted, not retried).
    pub dropped: usize,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The client's CPU time over the pass's wall time, in cores.
    pub client_cpu_cores: f64,
    /// Mean ms per phase, from the server's `Server-Timing` headers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<(String, f64)>,
}

/// Where requests go: `host:port` and the Host header.
pub struct Endpoint {
    pub addr: String,
    pub host: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Option<Endpoint> {
        let rest = url.strip_prefix("http://")?;
        let host = rest.split('/').next()?.to_string();
        let addr = if host.contains(':') {
            host.clone()
        } else {
            format!("{host}:80")
        };
        Some(Endpoint { addr, host })
    }
}

/// What became of one request.
enum Outcome {
    /// A success envelope, after this many milliseconds.
    Answered(f64),
    /// Any other answer.
    Failed,
    /// The connection closed before an answer.
    Dropped,
}

/// What one connection sends over and over: a tool call it signs afresh
/// each time, or a plain request as it is.
struct Call<'a> {
    path: &'a str,
    body: &'a [u8],
    secret: &'a [u8],
    plain: Option<Plain<'a>>,
    twilio: Option<TwilioSms<'a>>,
}

struct TwilioSms<'a> {
    /// The URL the service believes it is reached at, plus the path.
    url: String,
    text: &'a str,
    token: &'a str,
    to: &'a str,
}

/// A text from connection `conn`'s own number, the `n`th it sends.
fn twilio_request(
    e: &Endpoint,
    call: &Call<'_>,
    sms: &TwilioSms<'_>,
    run: i64,
    conn: usize,
    n: u64,
) -> Vec<u8> {
    let sid = format!("SM{run:x}{conn:04x}{n:012x}");
    let from = format!("+1312{:07}", 5_550_000 + conn);
    let params = [
        ("MessageSid", sid.as_str()),
        ("From", from.as_str()),
        ("To", sms.to),
        ("Body", sms.text),
    ];
    let signature = edgedesk_core::twilio::signature(sms.token, &sms.url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    wire::request(
        "POST",
        call.path,
        &e.host,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-twilio-signature", &signature),
        ],
        body.as_bytes(),
    )
}

struct Plain<'a> {
    method: &'a str,
    bearer: Option<String>,
}

fn plain_request(e: &Endpoint, call: &Call<'_>, plain: &Plain<'_>) -> Vec<u8> {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(b) = &plain.bearer {
        headers.push(("authorization", b.as_str()));
    }
    wire::request(plain.method, call.path, &e.host, &headers, call.body)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// CPU seconds this process has used (user + system), from /proc.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 (11 and 12 after the name), in
    // USER_HZ = 100 ticks per second.
    (ticks(11) + ticks(12)) / 100.0
}

fn signed_request(e: &Endpoint, call: &Call<'_>, client: &str, ts: i64) -> Vec<u8> {
    let target = Target {
        method: "POST",
        path: call.path,
    };
    let sig = sign_call(call.secret, ts, client, target, call.body);
    let ts = ts.to_string();
    wire::request(
        "POST",
        call.path,
        &e.host,
        &[
            ("content-type", "application/json"),
            ("x-timestamp", &ts),
            ("x-client", client),
            ("x-signature", &sig),
        ],
        call.body,
    )
}

fn pass(e: &Endpoint, call: &Call<'_>, conns: usize, seconds: f64, warmup: usize) -> PassReport {
    let length = Duration::from_secs_f64(seconds);
    let run_id = now_ms();
    let barrier = std::sync::Barrier::new(conns + 1);
    let (results, elapsed, cpu) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..conns)
            .map(|i| {
                let barrier = &barrier;
                // A client id per connection and pass keeps every signature unique.
                let client = format!("load-{run_id}-{i}");
                s.spawn(move || {
                    let mut conn = Connection::open(&e.addr).ok();
                    let mut last_ts = 0;
                    let mut sent: u64 = 0;
                    let mut phases = Phases::default();
                    let mut send =
                        |conn: &mut Option<Connection>, phases: &mut Phases| -> Outcome {
                            last_ts = now_ms().max(last_ts + 1);
                            sent += 1;
                            let req = match (&call.plain, &call.twilio) {
                                (_, Some(sms)) => twilio_request(e, call, sms, run_id, i, sent),
                                (Some(plain), None) => plain_request(e, call, plain),
                                (None, None) => signed_request(e, call, &client, last_ts),
                            };
                            let t = Instant::now();
                            let Some(c) = conn.as_mut() else {
                                *conn = Connection::open(&e.addr).ok();
                                return Outcome::Dropped;
                            };
                            match c.exchange(&req) {
                                // Only a success envelope counts as an answer
                                // (any 2xx for a plain request).
                                Ok(a)
                                    if (call.plain.is_some() && (200..300).contains(&a.status))
                                        || (call.twilio.is_some()
                                            && a.status == 200
                                            && a.body.windows(9).any(|w| w == b"<Message>"))
                                        || (a.status == 200
                                            && a.body.windows(9).any(|w| w == b"\"ok\":true")) =>
                                {
                                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                                    if let Some(h) = &a.server_timing {
                                        phases.add(h);
                                    }
                                    Outcome::Answered(ms)
                                }
                                Ok(a) => {
                                    // Named on stderr: a failure should say what it was.
                                    let text = String::from_utf8_lossy(&a.body);
                                    eprintln!(
                                        "{} {}",
                                        a.status,
                                        text.chars().take(200).collect::<String>()
                                    );
                                    Outcome::Failed
                                }
                                Err(_) => {
                                    *conn = Connection::open(&e.addr).ok();
                                    Outcome::Dropped
                                }
                            }
                        };
                    for _ in 0..warmup.div_ceil(conns) {
                        send(&mut conn, &mut Phases::default());
                    }
                    barrier.wait();
                    let started = Instant::now();
                    let mut lat = Vec::new();
                    let (mut failed, mut dropped) = (0, 0);
                    while started.elapsed() < length {
                        match send(&mut conn, &mut phases) {
                            Outcome::Answered(ms) => lat.push(ms),
                            Outcome::Failed => failed += 1,
                            Outcome::Dropped => dropped += 1,
                        }
                    }
                    (lat, failed, dropped, phases)
                })
            })
            .collect();
        barrier.wait();
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let results: Vec<(Vec<f64>, usize, usize, Phases)> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect();
        (results, started.elapsed(), cpu_seconds() - cpu_before)
    });
    let mut lat = Vec::new();
    let (mut failed, mut dropped) = (0, 0);
    let mut phases = Phases::default();
    for (l, f, d, p) in results {
        lat.extend(l);
        failed += f;
        dropped += d;
        phases.merge(p);
    }
    lat.sort_by(f64::total_cmp);
    let secs = elapsed.as_secs_f64();
    PassReport {
        label: String::new(),
        connections: conns,
        seconds: secs,
        ok: lat.len(),
        failed,
        dropped,
        requests_per_second: lat.len() as f64 / secs,
        p50_ms: percentile(&lat, 50.0),
        p90_ms: percentile(&lat, 90.0),
        p99_ms: percentile(&lat, 99.0),
        max_ms: lat.last().copied().unwrap_or(f64::NAN),
        client_cpu_cores: cpu / secs,
        phases: phases.means(lat.len()),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn run(base_url: &str, secret: &str, args: &LoadArgs) -> ExitCode {
    let params: Value = match serde_json::from_str(&args.params) {
        Ok(p @ Value::Object(_)) => p,
        _ => {
            eprintln!("--params must be a JSON object");
            return ExitCode::from(2);
        }
    };
    let Some(endpoint) = Endpoint::parse(base_url) else {
        eprintln!("load needs an http://host:port URL, not {base_url}");
        return ExitCode::from(2);
    };
    let (path, body) = match (&args.path, &args.twilio_sms) {
        (_, Some(_)) => ("/v1/twilio/sms".to_string(), String::new()),
        (Some(p), None) => (p.clone(), args.body.clone().unwrap_or_default()),
        (None, None) => (
            format!("/tools/{}", args.tool),
            json!({"customerId": args.customer_id, "params": params}).to_string(),
        ),
    };
    let call = Call {
        path: &path,
        body: body.as_bytes(),
        secret: secret.as_bytes(),
        plain: args.path.as_ref().map(|_| Plain {
            method: &args.method,
            bearer: args.bearer.as_ref().map(|t| format!("Bearer {t}")),
        }),
        twilio: args.twilio_sms.as_deref().map(|text| TwilioSms {
            url: format!("{}/v1/twilio/sms", base_url.trim_end_matches('/')),
            text,
            token: &args.twilio_token,
            to: &args.twilio_to,
        }),
    };
    println!(
        "{:<5} {:>7} {:>6} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "conns",
        "ok",
        "failed",
        "dropped",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "client cpu"
    );
    let mut any_failed = false;
    for &conns in &args.concurrency {
        let mut r = pass(&endpoint, &call, conns.max(1), args.seconds, args.warmup);
        r.label = args.label.clone();
        println!(
            "{:<5} {:>7} {:>6} {:>7} {:>8.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>9.0}%",
            r.connections,
            r.ok,
            r.failed,
            r.dropped,
            r.requests_per_second,
            r.p50_ms,
            r.p90_ms,
            r.p99_ms,
            r.max_ms,
            r.client_cpu_cores * 100.0
        );
        if let Some(path) = &args.json {
            use std::io::Write;
            let line = serde_json::to_string(&r).unwrap_or_default();
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(e) = written {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        if !r.phases.is_empty() {
            let total: f64 = r.phases.iter().map(|(_, ms)| ms).sum();
            let line: Vec<String> = r
                .phases
                .iter()
                .map(|(name, ms)| format!("{name} {ms:.3}"))
                .collect();
            println!(
                "      server phases, mean ms: {} (total {total:.3})",
                line.join(", ")
            );
        }
        any_failed |= r.failed > 0 || r.ok == 0;
    }
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn phases_average_over_answers() {
        let mut a = Phases::default();
        a.add("read;dur=1.0, verify;dur=0.5");
        a.add("read;dur=3.0, bogus, verify;desc=x");
        let mut b = Phases::default();
        b.add("read;dur=2.0");
        a.merge(b);
        assert_eq!(
            a.means(4),
            [("read".to_string(), 1.5), ("verify".to_string(), 0.125)]
        );
    }

    #[test]
    fn endpoints_from_urls() {
        let e = Endpoint::parse("http://127.0.0.1:8787/").unwrap();
        assert_eq!(
            (e.addr.as_str(), e.host.as_str()),
            ("127.0.0.1:8787", "127.0.0.1:8787")
        );
        assert_eq!(
            Endpoint::parse("http://localhost").unwrap().addr,
            "localhost:80"
        );
        assert!(Endpoint::parse("https://x").is_none());
    }

    #[test]
    fn this_process_has_used_some_cpu() {
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {}
        assert!(cpu_seconds() > 0.0);
    }
}
