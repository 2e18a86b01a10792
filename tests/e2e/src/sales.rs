//! The sales pipeline end to end on a real runtime: a generated chain of
//! stores uploads its days through presigned URLs, the last day all at
//! once and with duplicates; metrics match what was uploaded, the day's
//! analysis starts exactly once and finds the injected anomalies, a broken
//! file is refused and alerted, tampered URLs store nothing, the report
//! reaches its webhook once, and the fallback and on-demand runs start
//! once.

use crate::observability::Recorder;
use crate::{Transport, WireRequest, WireResponse, repo_root};
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::time::{Duration, Instant};

pub const URL_SECRET: &str = "e2e-url-secret";
pub const UPLOADER: &str = "e2e-uploader-key";
pub const ANALYST: &str = "e2e-analyst-key";
pub const ADMIN: &str = "e2e-admin-key";

/// Stores and days of the generated chain: enough days that the last
/// three (where the anomalies are) have two weeks of history.
const STORES: usize = 3;
const DAYS: usize = 18;
const END: &str = "2026-10-31";

/// What a scenario needs from the runtime besides HTTP.
pub struct Runtime<'a> {
    pub name: &'a str,
    /// A count on the sales database.
    pub count: &'a dyn Fn(&str) -> i64,
    /// Fires the scheduled fallback once (a Cron Trigger, or the external
    /// scheduler's call on Spin).
    pub fallback: &'a dyn Fn(),
}

/// The API keys the scenario uses, as SQL for the sales database.
pub fn keys_sql() -> String {
    use edgedesk_sales::keys::{Role, insert_sql};
    [
        (UPLOADER, Role::Uploader),
        (ANALYST, Role::Analyst),
        (ADMIN, Role::Admin),
    ]
    .iter()
    .map(|(k, r)| insert_sql(k, *r, "e2e", 0))
    .collect()
}

/// The settings a runtime gets: hooks at the recorder, the fallback due
/// at once on a UTC clock.
pub fn vars(base: &str, hooks: &Recorder) -> Vec<(String, String)> {
    [
        ("URL_SIGNING_SECRET", URL_SECRET.to_string()),
        ("PUBLIC_BASE_URL", base.to_string()),
        ("ALERT_WEBHOOK_URL", format!("{}/alerts", hooks.url)),
        ("REPORT_WEBHOOK_URL", format!("{}/reports", hooks.url)),
        ("COMPANY_TIMEZONE", "UTC".to_string()),
        ("ANALYSIS_FALLBACK_TIME", "00:00".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A stand-in for the alert and report webhooks.
pub fn start_hooks() -> Recorder {
    crate::observability::recorder("200 OK", r#"{"ok": true}"#)
}

/// Generates the chain with the repository's generator.
pub fn generate(dir: &Path) -> Value {
    let _ = std::fs::remove_dir_all(dir);
    let out = std::process::Command::new("python3")
        .current_dir(repo_root())
        .args([
            "scripts/sales-sample.py",
            "--out",
            dir.to_str().unwrap(),
            "--stores",
            &STORES.to_string(),
            "--days",
            &DAYS.to_string(),
            "--end",
            END,
        ])
        .output()
        .expect("python3 runs the sample generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn send(
    t: &dyn Transport,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut headers = Vec::new();
    if let Some(k) = key {
        headers.push(("authorization".to_string(), format!("Bearer {k}")));
    }
    let body = match body {
        Some(b) => {
            headers.push(("content-type".to_string(), "application/json".to_string()));
            b.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    let res = with_retry(
        t,
        WireRequest {
            method: method.into(),
            path: path.into(),
            headers,
            body,
        },
    );
    (
        res.status,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

/// `wrangler dev`'s proxy answers a request in flight while it reloads the
/// Worker with 503 and `Retry-After: 0`; that is the local tool, not the
/// service: send it again.
fn with_retry(t: &dyn Transport, req: WireRequest) -> WireResponse {
    for _ in 0..5 {
        let res = t.send(req.clone()).expect("answered");
        let reload = res.status == 503
            && res
                .headers
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case("retry-after") && v == "0");
        if !reload {
            return res;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    t.send(req).expect("answered")
}

/// Asks for an upload URL for a file and PUTs it there.
pub fn upload(t: &dyn Transport, store: &str, date: &str, bytes: &[u8]) -> (u16, Value) {
    let (s, grant) = send(
        t,
        "POST",
        "/api/sales/upload-url",
        Some(UPLOADER),
        Some(&json!({"store_id": store, "date": date, "content_length": bytes.len()})),
    );
    assert_eq!(s, 201, "upload URL for {store} {date}: {grant}");
    put(t, grant["data"]["path"].as_str().unwrap(), bytes)
}

fn put(t: &dyn Transport, path: &str, bytes: &[u8]) -> (u16, Value) {
    let res = with_retry(
        t,
        WireRequest {
            method: "PUT".into(),
            path: path.into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: bytes.to_vec(),
        },
    );
    (
        res.status,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

/// Waits for an upload to be processed or refused (the queue works after
/// the answer on Cloudflare).
fn settled(t: &dyn Transport, date: &str, store: &str) -> Value {
    let started = Instant::now();
    loop {
        let (s, v) = send(
            t,
            "GET",
            &format!("/api/sales/uploads/{date}/{store}"),
            Some(ANALYST),
            None,
        );
        if s == 200 && matches!(v["data"]["status"].as_str(), Some("processed" | "failed")) {
            return v["data"].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{store} {date} not processed: {v}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits for a day's run to finish.
fn completed_run(t: &dyn Transport, date: &str) -> Value {
    let started = Instant::now();
    loop {
        let (_, v) = send(
            t,
            "GET",
            &format!("/api/sales/runs?date={date}"),
            Some(ANALYST),
            None,
        );
        let run = &v["data"]["runs"][0];
        if run["status"] == "completed" {
            return run.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the run of {date} did not complete: {v}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn file(dir: &Path, entry: &Value) -> Vec<u8> {
    let path = PathBuf::from(entry["path"].as_str().unwrap());
    std::fs::read(if path.is_absolute() {
        path
    } else {
        dir.join(path)
    })
    .unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .unwrap();
    s
}

pub fn scenario(t: &(dyn Transport + Sync), rt: &Runtime<'_>, hooks: &Recorder) {
    // The format, published.
    let schema = with_retry(
        t,
        WireRequest {
            method: "GET".into(),
            path: "/api/sales/schema/upload.json".into(),
            headers: Vec::new(),
            body: Vec::new(),
        },
    );
    assert_eq!(schema.status, 200);
    let schema: Value = serde_json::from_slice(&schema.body).unwrap();
    assert_eq!(schema["$id"], "/api/sales/schema/upload.json");
    // Keys and roles.
    assert_eq!(send(t, "GET", "/api/sales/stores", None, None).0, 401);
    assert_eq!(
        send(t, "GET", "/api/sales/stores", Some("unknown"), None).0,
        401
    );
    assert_eq!(
        send(t, "GET", "/api/sales/stores", Some(UPLOADER), None).0,
        403
    );

    let dir = repo_root().join(format!("target/e2e-sales-{}", rt.name));
    let manifest = generate(&dir);
    let stores: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("stores.json")).unwrap()).unwrap();
    for s in &stores {
        let (status, v) = send(t, "POST", "/api/sales/stores", Some(ADMIN), Some(s));
        assert_eq!(status, 201, "{v}");
    }
    let uploads: Vec<Value> = manifest["files"]["uploads"].as_array().unwrap().clone();
    let last = END;
    // Every day but the last, one file after another.
    let started = Instant::now();
    for u in uploads.iter().filter(|u| u["date"] != last) {
        let (s, v) = upload(
            t,
            u["store_id"].as_str().unwrap(),
            u["date"].as_str().unwrap(),
            &file(&dir, u),
        );
        assert!(matches!(s, 201 | 202), "{v}");
    }
    for u in uploads.iter().filter(|u| u["date"] != last) {
        let st = settled(
            t,
            u["date"].as_str().unwrap(),
            u["store_id"].as_str().unwrap(),
        );
        assert_eq!(st["status"], "processed", "{st}");
    }
    eprintln!(
        "{}: {} uploads processed in {:?}",
        rt.name,
        uploads.len() - STORES,
        started.elapsed()
    );
    // The last day: every store at once, one of them four times over.
    let todays: Vec<&Value> = uploads.iter().filter(|u| u["date"] == last).collect();
    let mut sends: Vec<(&str, Vec<u8>)> = todays
        .iter()
        .map(|u| (u["store_id"].as_str().unwrap(), file(&dir, u)))
        .collect();
    for _ in 0..3 {
        sends.push((sends[0].0, sends[0].1.clone()));
    }
    let barrier = Barrier::new(sends.len());
    let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
        let workers: Vec<_> = sends
            .iter()
            .map(|(store, bytes)| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    upload(t, store, last, bytes)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for (s, v) in &answers {
        assert!(matches!(s, 201 | 202), "{v}");
    }
    for u in &todays {
        settled(t, last, u["store_id"].as_str().unwrap());
    }
    let run = completed_run(t, last);
    assert_eq!(run["trigger"], "all_stores");
    assert_eq!(run["missing_stores"], json!([]));
    assert_eq!(
        (rt.count)(&format!(
            "SELECT count(*) FROM analysis_runs WHERE date = '{last}'"
        )),
        1
    );
    // Every day was complete, so every day ran, once.
    assert_eq!(
        (rt.count)("SELECT count(*) FROM analysis_runs"),
        DAYS as i64
    );
    // Metrics are what was uploaded, the duplicated store counted once.
    let (_, m) = send(
        t,
        "GET",
        &format!("/api/sales/metrics?from={last}&to={last}"),
        Some(ANALYST),
        None,
    );
    let metrics = m["data"]["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), STORES);
    for u in &todays {
        let got = metrics
            .iter()
            .find(|x| x["store_id"] == u["store_id"])
            .unwrap();
        assert_eq!(got["transactions"], u["transactions"], "{got}");
        let want = u["revenue"].as_f64().unwrap();
        assert!(
            (got["revenue"].as_f64().unwrap() - want).abs() < 0.006,
            "{got} against {want}"
        );
    }
    assert_eq!(
        (rt.count)(&format!(
            "SELECT sum(transactions) FROM store_metrics WHERE date = '{last}'"
        )),
        todays
            .iter()
            .map(|u| u["transactions"].as_i64().unwrap())
            .sum::<i64>()
    );
    // The injected anomalies are found, each with its numbers.
    for a in manifest["anomalies"].as_array().unwrap() {
        let date = a["date"].as_str().unwrap();
        let (s, v) = send(
            t,
            "GET",
            &format!("/api/sales/analytics/{date}"),
            Some(ANALYST),
            None,
        );
        assert_eq!(s, 200, "{v}");
        let an = &v["data"]["anomalies"];
        let found = match a["kind"].as_str().unwrap() {
            "units_spike" => an["product_units"].as_array().unwrap().iter().any(|x| {
                x["store_id"] == a["store_id"] && x["sku"] == a["sku"] && x["direction"] == "high"
            }),
            kind => an["store_revenue"].as_array().unwrap().iter().any(|x| {
                x["store_id"] == a["store_id"]
                    && x["anomaly"] == true
                    && x["direction"]
                        == if kind == "revenue_spike" {
                            "high"
                        } else {
                            "low"
                        }
            }),
        };
        assert!(found, "{a} not flagged: {an}");
    }
    // The report went to its webhook once for the day.
    let reports_for = |date: &str| {
        hooks
            .received()
            .iter()
            .filter(|r| r.path == "/reports")
            .filter(|r| {
                serde_json::from_slice::<Value>(&r.body).unwrap_or_default()["date"] == date
            })
            .count()
    };
    assert_eq!(reports_for(last), 1);
    // The processed file, downloaded through its presigned URL.
    let store = todays[0]["store_id"].as_str().unwrap();
    let key = format!("processed%2F{last}%2F{store}.ndjson.gz");
    let (s, grant) = send(
        t,
        "GET",
        &format!("/api/sales/files/{key}/download-url"),
        Some(ANALYST),
        None,
    );
    assert_eq!(s, 200, "{grant}");
    let path = grant["data"]["path"].as_str().unwrap();
    let res = with_retry(
        t,
        WireRequest {
            method: "GET".into(),
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        },
    );
    assert_eq!(res.status, 200);
    let lines = gunzip(&res.body).lines().count();
    let day: Value = serde_json::from_slice(&file(&dir, todays[0])).unwrap();
    let items: usize = day["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(lines, items);
    let tampered = path.replace(&format!("{store}.ndjson"), "other.ndjson");
    let res = with_retry(
        t,
        WireRequest {
            method: "GET".into(),
            path: tampered,
            headers: Vec::new(),
            body: Vec::new(),
        },
    );
    assert_eq!(res.status, 403);
    // Tampered and expired-looking upload URLs store nothing.
    let files_before = (rt.count)("SELECT count(*) FROM files");
    let (_, grant) = send(
        t,
        "POST",
        "/api/sales/upload-url",
        Some(UPLOADER),
        Some(&json!({"store_id": store, "date": "2026-11-01", "content_length": 1000})),
    );
    let good = grant["data"]["path"].as_str().unwrap().to_string();
    for bad in [
        good.replace(&format!("/{store}.json"), "/store-999.json"),
        good.replace("max_bytes=1000", "max_bytes=100000"),
        good.replace("expires=", "expires=9"),
    ] {
        assert_eq!(put(t, &bad, b"{}").0, 403, "{bad}");
    }
    assert_eq!((rt.count)("SELECT count(*) FROM files"), files_before);
    assert_eq!(
        (rt.count)("SELECT count(*) FROM uploads WHERE date = '2026-11-01'"),
        0
    );
    // A broken file: refused with its errors, alerted.
    let broken = &manifest["files"]["broken"][0];
    let (bstore, bdate) = (
        broken["store_id"].as_str().unwrap(),
        broken["date"].as_str().unwrap(),
    );
    let (s, _) = upload(t, bstore, bdate, &file(&dir, broken));
    assert!(matches!(s, 201 | 202));
    let st = settled(t, bdate, bstore);
    assert_eq!(st["status"], "failed", "{st}");
    let paths: Vec<&str> = st["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with(".quantity")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with(".total")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with(".transaction_id")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with(".payment_method")),
        "{paths:?}"
    );
    let alert = hooks
        .wait_for(|r| r.path == "/alerts" && String::from_utf8_lossy(&r.body).contains(bstore))
        .expect("the refused upload is alerted");
    let alert: Value = serde_json::from_slice(&alert.body).unwrap();
    assert_eq!(alert["event"], "upload_failed");
    // The day's analysis stands as it ran; asked again, it is that run.
    let (s, again) = send(
        t,
        "POST",
        "/api/sales/analysis/run",
        Some(ADMIN),
        Some(&json!({"date": last})),
    );
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["data"]["created_at"], run["created_at"]);
    assert_eq!(reports_for(last), 1);
    // The fallback: today's run starts once however often it fires, with
    // every store missing.
    let today = today_utc();
    for _ in 0..3 {
        (rt.fallback)();
    }
    let run = completed_run(t, &today);
    assert_eq!(run["trigger"], "schedule");
    assert_eq!(run["missing_stores"].as_array().unwrap().len(), STORES);
    assert_eq!(
        (rt.count)(&format!(
            "SELECT count(*) FROM analysis_runs WHERE date = '{today}'"
        )),
        1
    );
    // Trends and recommendations read back.
    let first = uploads[0]["date"].as_str().unwrap();
    let (s, tr) = send(
        t,
        "GET",
        &format!("/api/sales/trends?metric=revenue&from={first}&to={last}"),
        Some(ANALYST),
        None,
    );
    assert_eq!(s, 200, "{tr}");
    assert_eq!(tr["data"]["series"].as_array().unwrap().len(), DAYS);
    let (s, recs) = send(
        t,
        "GET",
        &format!("/api/sales/recommendations?date={last}"),
        Some(ANALYST),
        None,
    );
    assert_eq!(s, 200, "{recs}");
}

/// Today's date on a UTC clock.
pub fn today_utc() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
