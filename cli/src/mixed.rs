//! Mixed load: the routes that exist, in the proportions a deployment sees
//! (signed tool calls, replays of them, catalogue and health reads), from
//! many keep-alive connections for a fixed time. It counts what the server
//! acknowledged, so a check afterwards can compare it with what was stored:
//! every accepted signed call leaves exactly one replay record, under the
//! run's client ids, and every replay is refused.

use crate::load::{Endpoint, cpu_seconds};
use crate::wire::{self, Connection};
use clap::Args;
use edgedesk_core::signing::{Target, sign_call};
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Args)]
pub struct MixedArgs {
    #[arg(long, default_value_t = 64)]
    connections: usize,
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Writes the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

/// What a connection sends, in turn; a weight per kind.
const MIX: [(&str, u32); 10] = [
    ("calculate_health", 30),
    ("get_customer_usage", 10),
    ("get_recent_tickets", 10),
    ("get_contract_info", 10),
    ("generate_email", 5),
    ("generate_qbr_outline", 5),
    ("replay", 10),
    ("GET /tools", 10),
    ("GET /health", 5),
    ("GET /openapi.json", 5),
];

const CUSTOMERS: [&str; 5] = [
    "acme-001",
    "globex-002",
    "initech-003",
    "umbrella-004",
    "hooli-005",
];

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub run_id: String,
    pub connections: usize,
    pub seconds: f64,
    pub requests: usize,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_errors: usize,
    pub connection_errors: usize,
    /// Signed calls answered 200: each must have left one replay record.
    pub accepted_signed_calls: usize,
    /// Replays sent, and how many were refused with 401. A replay of a call
    /// whose connection closed unanswered may be its first delivery, and
    /// then it is rightly accepted.
    pub replays: usize,
    pub replays_refused: usize,
    pub replays_of_unanswered_accepted: usize,
    /// Signed requests whose connection closed before an answer: the server
    /// may or may not have run them.
    pub unanswered_signed_calls: usize,
    /// Status counts per kind of request.
    pub statuses: BTreeMap<String, BTreeMap<u16, usize>>,
    pub client_cpu_cores: f64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn pick(n: u64) -> &'static str {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut at = (n % u64::from(total)) as u32;
    for (kind, w) in MIX {
        if at < w {
            return kind;
        }
        at -= w;
    }
    MIX[0].0
}

struct Conn<'a> {
    e: &'a Endpoint,
    secret: &'a [u8],
    client: String,
    last_ts: i64,
    /// The last signed request, its signature, and whether it was answered.
    last_signed: Option<(Vec<u8>, String, bool)>,
}

impl Conn<'_> {
    fn signed(&mut self, tool: &str, customer: &str) -> (Vec<u8>, String) {
        self.last_ts = now_ms().max(self.last_ts + 1);
        let path = format!("/tools/{tool}");
        let body = format!(r#"{{"customerId":"{customer}"}}"#);
        let target = Target {
            method: "POST",
            path: &path,
        };
        let sig = sign_call(
            self.secret,
            self.last_ts,
            &self.client,
            target,
            body.as_bytes(),
        );
        let ts = self.last_ts.to_string();
        let req = wire::request(
            "POST",
            &path,
            &self.e.host,
            &[
                ("content-type", "application/json"),
                ("x-timestamp", &ts),
                ("x-client", &self.client),
                ("x-signature", &sig),
            ],
            body.as_bytes(),
        );
        (req, sig.trim_start_matches("v2=").to_string())
    }
}

pub fn run(base_url: &str, secret: &str, args: &MixedArgs) -> ExitCode {
    let Some(e) = Endpoint::parse(base_url) else {
        eprintln!("mixed needs an http://host:port URL, not {base_url}");
        return ExitCode::from(2);
    };
    let run_id = format!("mixed-{}", now_ms());
    let length = Duration::from_secs_f64(args.seconds);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    type PerConn = (Vec<f64>, Summary, Vec<String>, Vec<String>);
    let per_conn: Vec<PerConn> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..args.connections.max(1))
            .map(|i| {
                let e = &e;
                let run_id = &run_id;
                s.spawn(move || {
                    let mut c = Conn {
                        e,
                        secret: secret.as_bytes(),
                        client: format!("{run_id}-{i}"),
                        last_ts: 0,
                        last_signed: None,
                    };
                    let mut conn = Connection::open(&e.addr).ok();
                    let mut lat = Vec::new();
                    let mut sum = Summary::default();
                    // Signatures the server acknowledged, and those it may
                    // have run without answering.
                    let mut acknowledged = Vec::new();
                    let mut unanswered = Vec::new();
                    let mut n = i as u64 * 7919;
                    while started.elapsed() < length {
                        n += 1;
                        let kind = pick(n.wrapping_mul(2_654_435_761));
                        let customer = CUSTOMERS[(n % 5) as usize];
                        let (req, signature, original_answered) = match kind {
                            "replay" => match &c.last_signed {
                                Some((r, sig, answered)) => {
                                    (r.clone(), Some(sig.clone()), *answered)
                                }
                                None => continue,
                            },
                            k if k.starts_with("GET ") => {
                                (wire::request("GET", &k[4..], &e.host, &[], b""), None, true)
                            }
                            tool => {
                                let (r, sig) = c.signed(tool, customer);
                                c.last_signed = Some((r.clone(), sig.clone(), false));
                                (r, Some(sig), true)
                            }
                        };
                        let t = Instant::now();
                        let answer = match conn.as_mut().map(|x| x.exchange(&req)) {
                            Some(Ok(a)) => a,
                            _ => {
                                sum.connection_errors += 1;
                                if let Some(sig) = signature {
                                    sum.unanswered_signed_calls += 1;
                                    unanswered.push(sig);
                                }
                                conn = Connection::open(&e.addr).ok();
                                continue;
                            }
                        };
                        if kind != "replay"
                            && let Some((_, _, answered)) = c.last_signed.as_mut()
                            && signature.is_some()
                        {
                            *answered = true;
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        *sum.statuses
                            .entry(kind.to_string())
                            .or_default()
                            .entry(answer.status)
                            .or_default() += 1;
                        sum.server_errors += usize::from(answer.status >= 500);
                        match kind {
                            "replay" => {
                                sum.replays += 1;
                                if answer.status == 401 {
                                    sum.replays_refused += 1;
                                } else if answer.status == 200 && !original_answered {
                                    // The original never reached the server:
                                    // this was its first delivery.
                                    sum.replays_of_unanswered_accepted += 1;
                                    acknowledged.extend(signature);
                                }
                            }
                            k if !k.starts_with("GET ") && answer.status == 200 => {
                                sum.accepted_signed_calls += 1;
                                acknowledged.extend(signature);
                            }
                            _ => {}
                        }
                    }
                    (lat, sum, acknowledged, unanswered)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let mut lat = Vec::new();
    let mut total = Summary {
        run_id: run_id.clone(),
        connections: args.connections,
        seconds: secs,
        client_cpu_cores: (cpu_seconds() - cpu_before) / secs,
        ..Summary::default()
    };
    let mut acknowledged = Vec::new();
    let mut unanswered = Vec::new();
    for (l, s, a, u) in per_conn {
        lat.extend(l);
        acknowledged.extend(a);
        unanswered.extend(u);
        total.replays_of_unanswered_accepted += s.replays_of_unanswered_accepted;
        total.unanswered_signed_calls += s.unanswered_signed_calls;
        total.server_errors += s.server_errors;
        total.connection_errors += s.connection_errors;
        total.accepted_signed_calls += s.accepted_signed_calls;
        total.replays += s.replays;
        total.replays_refused += s.replays_refused;
        for (kind, counts) in s.statuses {
            let into = total.statuses.entry(kind).or_default();
            for (status, n) in counts {
                *into.entry(status).or_default() += n;
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((p / 100.0 * lat.len() as f64).ceil() as usize).max(1) - 1)
            .copied()
            .unwrap_or(f64::NAN)
    };
    total.requests = lat.len();
    total.requests_per_second = lat.len() as f64 / secs;
    total.p50_ms = pct(50.0);
    total.p99_ms = pct(99.0);
    let text = serde_json::to_string_pretty(&total).unwrap_or_default();
    println!("{text}");
    if let Some(path) = &args.json {
        // The signatures, for the check against what was stored.
        let signatures =
            serde_json::json!({"acknowledged": acknowledged, "unanswered": unanswered});
        let written = std::fs::write(path, &text).and_then(|()| {
            std::fs::write(
                path.with_extension("signatures.json"),
                signatures.to_string(),
            )
        });
        if let Err(err) = written {
            eprintln!("{}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    // A refused replay is right; so is an accepted one whose original
    // never reached the server.
    let clean = total.server_errors == 0
        && total.replays_refused + total.replays_of_unanswered_accepted == total.replays;
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_follows_its_weights() {
        let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
        for n in 0..100 {
            *seen.entry(pick(n)).or_default() += 1;
        }
        for (kind, w) in MIX {
            assert_eq!(seen[kind], w, "{kind}");
        }
    }
}
