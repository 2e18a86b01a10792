//! Request and rate-limit counters, aggregated in the product's own
//! database so that they count every instance and edge location: a scrape
//! reads the totals since the database was made, wherever the requests
//! were served. Each request adds to them with one transaction of upserts
//! (exact under concurrency); nothing is held in instance memory.
//!
//! The tables (in the migrations of each product that is observed):
//!
//! ```sql
//! request_metrics (route_group, status_class, requests, duration_ms_sum)
//! request_latency (route_group, status_class, le_ms, count)   -- le_ms -1: over the last bound
//! rate_limit_blocks (route_group, business_id, blocks)
//! ```

use crate::platform::{SqlStore, SqlValue, Statement, StoreError};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Upper bounds of the latency histogram's buckets, in milliseconds.
pub const LATENCY_BOUNDS_MS: [i64; 11] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/// What one request adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub group: String,
    pub status: u16,
    pub duration_ms: i64,
    /// Refused by the rate limiter.
    pub limited: bool,
    /// The tenant the request named, checked against `tenants` when stored.
    pub business_id: Option<String>,
}

/// `2xx`, `4xx`, ...
pub fn status_class(status: u16) -> String {
    format!("{}xx", status / 100)
}

/// The bucket a duration falls in: its bound, or -1 past the last one.
pub fn bucket_of(duration_ms: i64) -> i64 {
    LATENCY_BOUNDS_MS
        .iter()
        .copied()
        .find(|b| duration_ms <= *b)
        .unwrap_or(-1)
}

/// The statements that add `s`. `tenants` is the product's table of
/// tenants: a block is counted under a business only when the business
/// exists, so a client cannot grow the table with made-up names.
pub fn statements(s: &Sample, tenants: &'static str) -> Vec<Statement> {
    let class = status_class(s.status);
    let duration = s.duration_ms.max(0);
    let mut out = vec![
        Statement::new(
            "INSERT INTO request_metrics (route_group, status_class, requests, duration_ms_sum) \
             VALUES (?1, ?2, 1, ?3) ON CONFLICT (route_group, status_class) DO UPDATE SET \
             requests = requests + 1, duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum",
            vec![
                s.group.clone().into(),
                class.clone().into(),
                duration.into(),
            ],
        ),
        Statement::new(
            "INSERT INTO request_latency (route_group, status_class, le_ms, count) \
             VALUES (?1, ?2, ?3, 1) ON CONFLICT (route_group, status_class, le_ms) DO UPDATE SET \
             count = count + 1",
            vec![
                s.group.clone().into(),
                class.into(),
                bucket_of(duration).into(),
            ],
        ),
    ];
    if s.limited {
        out.push(Statement::new(
            block_sql(tenants),
            vec![s.group.clone().into(), s.business_id.clone().into()],
        ));
    }
    out
}

fn block_sql(tenants: &'static str) -> &'static str {
    // The tenants' table is named in code, never by a request; the values
    // stay parameters.
    match tenants {
        "businesses" => {
            "INSERT INTO rate_limit_blocks (route_group, business_id, blocks) \
             VALUES (?1, COALESCE((SELECT id FROM businesses WHERE id = ?2), 'unknown'), 1) \
             ON CONFLICT (route_group, business_id) DO UPDATE SET blocks = blocks + 1"
        }
        _ => {
            "INSERT INTO rate_limit_blocks (route_group, business_id, blocks) \
             VALUES (?1, 'unknown', 1 + 0 * length(COALESCE(?2, ''))) \
             ON CONFLICT (route_group, business_id) DO UPDATE SET blocks = blocks + 1"
        }
    }
}

/// Adds a request to the counters, in one transaction.
pub async fn record<P: SqlStore + ?Sized>(
    p: &P,
    s: &Sample,
    tenants: &'static str,
) -> Result<(), StoreError> {
    p.batch(&statements(s, tenants)).await.map(|_| ())
}

/// The counters as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// (group, class) -> (requests, duration_ms_sum).
    pub requests: BTreeMap<(String, String), (i64, i64)>,
    /// (group, class) -> bound (-1: past the last) -> count in that bucket.
    pub latency: BTreeMap<(String, String), BTreeMap<i64, i64>>,
    /// group -> business -> blocks.
    pub blocks: BTreeMap<String, BTreeMap<String, i64>>,
}

pub async fn snapshot<P: SqlStore + ?Sized>(p: &P) -> Result<Snapshot, StoreError> {
    let text = |r: &[SqlValue], i: usize| {
        r.get(i)
            .and_then(SqlValue::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let int = |r: &[SqlValue], i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or(0);
    let mut s = Snapshot::default();
    for r in p
        .query(
            "SELECT route_group, status_class, requests, duration_ms_sum FROM request_metrics",
            &[],
        )
        .await?
    {
        s.requests
            .insert((text(&r, 0), text(&r, 1)), (int(&r, 2), int(&r, 3)));
    }
    for r in p
        .query(
            "SELECT route_group, status_class, le_ms, count FROM request_latency",
            &[],
        )
        .await?
    {
        s.latency
            .entry((text(&r, 0), text(&r, 1)))
            .or_default()
            .insert(int(&r, 2), int(&r, 3));
    }
    for r in p
        .query(
            "SELECT route_group, business_id, blocks FROM rate_limit_blocks",
            &[],
        )
        .await?
    {
        s.blocks
            .entry(text(&r, 0))
            .or_default()
            .insert(text(&r, 1), int(&r, 2));
    }
    Ok(s)
}

impl Snapshot {
    pub fn blocks_total(&self) -> i64 {
        self.blocks.values().flat_map(|b| b.values()).sum()
    }

    /// Cumulative counts at each bound (the last is `+Inf`), as histograms
    /// are read.
    fn cumulative(&self, key: &(String, String)) -> Vec<(String, i64)> {
        let counts = self.latency.get(key);
        let at = |b: i64| counts.and_then(|c| c.get(&b)).copied().unwrap_or(0);
        let mut running = 0;
        let mut out: Vec<(String, i64)> = LATENCY_BOUNDS_MS
            .iter()
            .map(|b| {
                running += at(*b);
                (b.to_string(), running)
            })
            .collect();
        out.push(("+Inf".into(), running + at(-1)));
        out
    }

    /// The JSON view (`GET /metrics`).
    pub fn json(&self, scope: &str) -> Value {
        let by_route: Map<String, Value> = self
            .blocks
            .iter()
            .map(|(g, b)| (g.clone(), b.values().sum::<i64>().into()))
            .collect();
        let by_route_business: Map<String, Value> = self
            .blocks
            .iter()
            .map(|(g, b)| {
                let per: Map<String, Value> =
                    b.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
                (g.clone(), per.into())
            })
            .collect();
        let mut requests = Map::new();
        for (key @ (group, class), (count, sum)) in &self.requests {
            let buckets: Map<String, Value> = self
                .cumulative(key)
                .into_iter()
                .map(|(b, n)| (b, n.into()))
                .collect();
            let entry = requests
                .entry(group.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            entry[class] = json!({
                "count": count,
                "duration_ms_sum": sum,
                "latency_ms_buckets": buckets,
            });
        }
        json!({
            "rate_limit_blocks_total": self.blocks_total(),
            "rate_limit_blocks_by_route": by_route,
            "rate_limit_blocks_by_route_business": by_route_business,
            "requests_total": self.requests.values().map(|(n, _)| n).sum::<i64>(),
            "requests": requests,
            "latency_bounds_ms": LATENCY_BOUNDS_MS,
            "scope": scope,
        })
    }

    /// The Prometheus text exposition (format 0.0.4) view, every name
    /// under `prefix`.
    pub fn prometheus(&self, prefix: &str) -> String {
        let mut out = String::new();
        help(
            &mut out,
            prefix,
            "rate_limit_blocks_total",
            "counter",
            "Requests refused by the rate limiter, across every instance and location.",
        );
        let _ = writeln!(
            out,
            "{prefix}_rate_limit_blocks_total {}",
            self.blocks_total()
        );
        help(
            &mut out,
            prefix,
            "rate_limit_blocks_by_route_total",
            "counter",
            "Requests refused by the rate limiter, by route group.",
        );
        for (g, b) in &self.blocks {
            let _ = writeln!(
                out,
                "{prefix}_rate_limit_blocks_by_route_total{{route=\"{}\"}} {}",
                label(g),
                b.values().sum::<i64>()
            );
        }
        help(
            &mut out,
            prefix,
            "rate_limit_blocks_by_route_business_total",
            "counter",
            "Requests refused by the rate limiter, by route group and the business named.",
        );
        for (g, b) in &self.blocks {
            for (business, n) in b {
                let _ = writeln!(
                    out,
                    "{prefix}_rate_limit_blocks_by_route_business_total{{route=\"{}\",business_id=\"{}\"}} {n}",
                    label(g),
                    label(business)
                );
            }
        }
        help(
            &mut out,
            prefix,
            "requests_total",
            "counter",
            "Requests answered, by route group and status class.",
        );
        for ((g, c), (n, _)) in &self.requests {
            let _ = writeln!(
                out,
                "{prefix}_requests_total{{route=\"{}\",status_class=\"{}\"}} {n}",
                label(g),
                label(c)
            );
        }
        help(
            &mut out,
            prefix,
            "request_duration_seconds",
            "histogram",
            "Time to answer, by route group and status class.",
        );
        for (key @ (g, c), (n, sum)) in &self.requests {
            let labels = format!("route=\"{}\",status_class=\"{}\"", label(g), label(c));
            for (bound, count) in self.cumulative(key) {
                let le = match bound.as_str() {
                    "+Inf" => bound,
                    ms => seconds(ms.parse().unwrap_or(0)),
                };
                let _ = writeln!(
                    out,
                    "{prefix}_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "{prefix}_request_duration_seconds_sum{{{labels}}} {}",
                seconds(*sum)
            );
            let _ = writeln!(
                out,
                "{prefix}_request_duration_seconds_count{{{labels}}} {n}"
            );
        }
        out
    }
}

fn help(out: &mut String, prefix: &str, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {prefix}_{name} {text}");
    let _ = writeln!(out, "# TYPE {prefix}_{name} {kind}");
}

/// Milliseconds as decimal seconds, exactly.
fn seconds(ms: i64) -> String {
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').map_or(s.to_string(), |w| w.to_string())
}

/// A label value as the exposition format escapes it.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::{OBSERVED, TestPlatform};

    fn db() -> TestPlatform {
        let p = TestPlatform::new().scoped(&OBSERVED);
        p.with_db(|c| {
            c.execute_batch(
                "INSERT INTO businesses (id, name, created_at) VALUES ('demo-salon', 'Demo', 0)",
            )
        })
        .unwrap()
        .unwrap();
        p
    }

    fn sample(group: &str, status: u16, ms: i64, limited: bool, business: Option<&str>) -> Sample {
        Sample {
            group: group.into(),
            status,
            duration_ms: ms,
            limited,
            business_id: business.map(str::to_string),
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        futures::executor::block_on(f)
    }

    #[test]
    fn buckets_hold_their_upper_bound() {
        assert_eq!(bucket_of(0), 5);
        assert_eq!(bucket_of(5), 5);
        assert_eq!(bucket_of(6), 10);
        assert_eq!(bucket_of(10_000), 10_000);
        assert_eq!(bucket_of(10_001), -1);
        assert_eq!(status_class(429), "4xx");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(250), "0.25");
        assert_eq!(seconds(1000), "1");
        assert_eq!(seconds(12_340), "12.34");
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn counters_add_up_and_blocks_name_only_known_businesses() {
        let d = db();
        for s in [
            sample("widget", 201, 3, false, Some("demo-salon")),
            sample("widget", 201, 40, false, None),
            sample("widget", 429, 1, true, Some("demo-salon")),
            sample("widget", 429, 1, true, Some("made-up")),
            sample("widget", 429, 2, true, None),
            sample("twilio", 200, 20_000, false, Some("demo-salon")),
        ] {
            run(record(&d, &s, "businesses")).unwrap();
        }
        let snap = run(snapshot(&d)).unwrap();
        assert_eq!(snap.blocks_total(), 3);
        assert_eq!(snap.blocks["widget"]["demo-salon"], 1);
        assert_eq!(snap.blocks["widget"]["unknown"], 2);
        let v = snap.json("here");
        assert_eq!(v["rate_limit_blocks_total"], 3);
        assert_eq!(v["rate_limit_blocks_by_route"]["widget"], 3);
        assert_eq!(
            v["rate_limit_blocks_by_route_business"]["widget"]["unknown"],
            2
        );
        assert_eq!(v["requests_total"], 6);
        let ok = &v["requests"]["widget"]["2xx"];
        assert_eq!(ok["count"], 2);
        assert_eq!(ok["duration_ms_sum"], 43);
        // Cumulative: 3 ms is under 5, 40 ms under 50.
        assert_eq!(ok["latency_ms_buckets"]["5"], 1);
        assert_eq!(ok["latency_ms_buckets"]["25"], 1);
        assert_eq!(ok["latency_ms_buckets"]["50"], 2);
        assert_eq!(ok["latency_ms_buckets"]["+Inf"], 2);
        let slow = &v["requests"]["twilio"]["2xx"];
        assert_eq!(slow["latency_ms_buckets"]["10000"], 0);
        assert_eq!(slow["latency_ms_buckets"]["+Inf"], 1);
    }

    #[test]
    fn the_exposition_has_help_type_and_every_series() {
        let d = db();
        run(record(
            &d,
            &sample("widget", 201, 3, false, None),
            "businesses",
        ))
        .unwrap();
        run(record(
            &d,
            &sample("widget", 429, 1, true, Some("demo-salon")),
            "businesses",
        ))
        .unwrap();
        let text = run(snapshot(&d)).unwrap().prometheus("ai_telephony");
        for line in [
            "# TYPE ai_telephony_rate_limit_blocks_total counter",
            "ai_telephony_rate_limit_blocks_total 1",
            "ai_telephony_rate_limit_blocks_by_route_total{route=\"widget\"} 1",
            "ai_telephony_rate_limit_blocks_by_route_business_total{route=\"widget\",business_id=\"demo-salon\"} 1",
            "ai_telephony_requests_total{route=\"widget\",status_class=\"2xx\"} 1",
            "# TYPE ai_telephony_request_duration_seconds histogram",
            "ai_telephony_request_duration_seconds_bucket{route=\"widget\",status_class=\"2xx\",le=\"0.005\"} 1",
            "ai_telephony_request_duration_seconds_bucket{route=\"widget\",status_class=\"4xx\",le=\"+Inf\"} 1",
            "ai_telephony_request_duration_seconds_sum{route=\"widget\",status_class=\"2xx\"} 0.003",
            "ai_telephony_request_duration_seconds_count{route=\"widget\",status_class=\"4xx\"} 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from:\n{text}"
            );
        }
        // Every family is introduced once, HELP before TYPE.
        let types = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        let helps = text.lines().filter(|l| l.starts_with("# HELP")).count();
        assert_eq!((types, helps), (5, 5));
        assert!(text.ends_with('\n'));
    }
}
