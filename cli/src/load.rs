//! A small load generator: N signed calls from C concurrent connections,
//! reporting latency percentiles. Bounded in count and time; loopback use.

use crate::client::Client;
use clap::Args;
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct LoadArgs {
    #[arg(long, default_value = "calculate_health")]
    tool: String,
    #[arg(long, default_value = "acme-001")]
    customer_id: String,
    /// Tool parameters as a JSON object.
    #[arg(long, default_value = "{}")]
    params: String,
    /// Calls in total, spread over the connections.
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// Concurrent connections (comma-separated runs one pass each, e.g. 1,16).
    #[arg(long, default_value = "1,16", value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Stop a pass after this many seconds even if calls remain.
    #[arg(long, default_value_t = 120)]
    max_seconds: u64,
}

struct Pass {
    latencies_ms: Vec<f64>,
    failures: usize,
    elapsed: Duration,
}

fn pass(
    client: &Client,
    body: &Value,
    tool: &str,
    total: usize,
    conns: usize,
    limit: Duration,
) -> Pass {
    let started = Instant::now();
    let per_conn = total.div_ceil(conns);
    let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..conns)
            .map(|i| {
                // One client id per connection keeps every signature unique.
                let c = client.with_client_id(&format!("load-{i}"));
                s.spawn(move || {
                    let mut lat = Vec::with_capacity(per_conn);
                    let mut failures = 0;
                    for _ in 0..per_conn {
                        if started.elapsed() > limit {
                            break;
                        }
                        let t = Instant::now();
                        match c.call(tool, body) {
                            Ok((200, _)) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                            _ => failures += 1,
                        }
                    }
                    (lat, failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut latencies_ms = Vec::new();
    let mut failures = 0;
    for (l, f) in results {
        latencies_ms.extend(l);
        failures += f;
    }
    latencies_ms.sort_by(f64::total_cmp);
    Pass {
        latencies_ms,
        failures,
        elapsed: started.elapsed(),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn run(client: &Client, args: &LoadArgs) -> ExitCode {
    let params: Value = match serde_json::from_str(&args.params) {
        Ok(p @ Value::Object(_)) => p,
        _ => {
            eprintln!("--params must be a JSON object");
            return ExitCode::from(2);
        }
    };
    let body = json!({"customerId": args.customer_id, "params": params});
    println!(
        "{:<5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "conns", "ok", "failed", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    let mut any_failed = false;
    for &conns in &args.concurrency {
        let conns = conns.max(1);
        let p = pass(
            client,
            &body,
            &args.tool,
            args.requests,
            conns,
            Duration::from_secs(args.max_seconds),
        );
        let l = &p.latencies_ms;
        println!(
            "{:<5} {:>6} {:>6} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            conns,
            l.len(),
            p.failures,
            l.len() as f64 / p.elapsed.as_secs_f64(),
            percentile(l, 50.0),
            percentile(l, 90.0),
            percentile(l, 99.0),
            l.last().copied().unwrap_or(f64::NAN)
        );
        any_failed |= p.failures > 0;
    }
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }
}
