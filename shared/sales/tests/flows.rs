//! The sales pipeline in process, on the kernel's test platform: keys and
//! roles, stores, presigned uploads, processing (in the request and from
//! the queue, with retries and dead letters), replacement without double
//! counting, refused files and their alert, and the daily analysis started
//! exactly once by the last store, the fallback or an admin.

mod harness;

use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Delivery, OutboundResponse};
use edgedesk_kernel::testing::NOW_MS;
use edgedesk_sales::PRODUCT;
use harness::{BASE, World, bytes, day, history};
use serde_json::{Value, json};

#[test]
fn keys_decide_who_may_do_what() {
    let w = World::new();
    let cases = [
        ("GET", "/api/sales/stores", None, 401),
        ("GET", "/api/sales/stores", Some("nope"), 401),
        ("GET", "/api/sales/stores", Some("uploader-key"), 403),
        ("GET", "/api/sales/stores", Some("analyst-key"), 200),
        ("GET", "/api/sales/keys", Some("analyst-key"), 403),
        ("GET", "/api/sales/keys", Some("admin-key"), 200),
    ];
    for (m, path, key, want) in cases {
        assert_eq!(w.call(m, path, key, None).0, want, "{m} {path} {key:?}");
    }
    let (s, _) = w.call(
        "POST",
        "/api/sales/upload-url",
        Some("analyst-key"),
        Some(json!({"store_id": "s1", "date": "2026-11-02"})),
    );
    assert_eq!(s, 403);
    // A key made through the API works until it is revoked.
    let (s, made) = w.call(
        "POST",
        "/api/sales/keys",
        Some("admin-key"),
        Some(json!({"role": "analyst", "label": "BI"})),
    );
    assert_eq!(s, 201, "{made}");
    let key = made["data"]["key"].as_str().unwrap().to_string();
    let id = made["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(w.call("GET", "/api/sales/stores", Some(&key), None).0, 200);
    let listed = w.call("GET", "/api/sales/keys", Some("admin-key"), None).1;
    assert!(
        !listed.to_string().contains(&key),
        "listings never show a key"
    );
    assert_eq!(
        w.call(
            "DELETE",
            &format!("/api/sales/keys/{id}"),
            Some("admin-key"),
            None
        )
        .0,
        200
    );
    assert_eq!(w.call("GET", "/api/sales/stores", Some(&key), None).0, 401);
    let stored = w.sql("SELECT key_hash FROM api_keys");
    assert!(
        !stored.iter().any(|r| r[0] == json!(key)),
        "keys are stored hashed"
    );
}

#[test]
fn an_upload_becomes_metrics_and_a_processed_file() {
    let w = World::new();
    w.store("s1");
    let (s, v) = w.upload(
        "s1",
        "2026-11-02",
        &bytes(&day("s1", "2026-11-02", 40, 1.0)),
    );
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["data"]["status"], "processed");
    assert_eq!(v["data"]["transactions"], 40);
    let (s, m) = w.call(
        "GET",
        "/api/sales/metrics?from=2026-11-01&to=2026-11-03",
        Some("analyst-key"),
        None,
    );
    assert_eq!(s, 200);
    let m = &m["data"]["metrics"][0];
    let expected: f64 = day("s1", "2026-11-02", 40, 1.0)["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["total"].as_f64().unwrap())
        .sum();
    assert_eq!(m["revenue"], json!((expected * 100.0).round() / 100.0));
    assert_eq!(m["transactions"], 40);
    assert_eq!(m["items_sold"], json!(120.0));
    assert_eq!(m["discounts"], json!(20.0));
    assert_eq!(
        m["hourly"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_u64().unwrap())
            .sum::<u64>(),
        40
    );
    assert_eq!(m["hourly"][8], 4);
    assert_eq!(m["payment_mix"].as_object().unwrap().len(), 4);
    assert!(m["top_products"].as_array().unwrap().len() <= 10);
    // The processed file: gzip NDJSON, one line per sale line.
    let gz =
        w.p.objects
            .borrow()
            .get("sales/processed/2026-11-02/s1.ndjson.gz")
            .map(|o| o.0.clone())
            .expect("processed file");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).unwrap();
    assert_eq!(text.lines().count(), 80);
    let line: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        (line["store_id"].as_str(), line["date"].as_str()),
        (Some("s1"), Some("2026-11-02"))
    );
    // Listed, and downloadable through a presigned URL.
    let (_, files) = w.call(
        "GET",
        "/api/sales/files?date=2026-11-02&store_id=s1",
        Some("analyst-key"),
        None,
    );
    let keys: Vec<&str> = files["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "processed/2026-11-02/s1.ndjson.gz",
            "raw/2026-11-02/s1.json"
        ]
    );
    let (s, grant) = w.call(
        "GET",
        "/api/sales/files/processed%2F2026-11-02%2Fs1.ndjson.gz/download-url",
        Some("analyst-key"),
        None,
    );
    assert_eq!(s, 200, "{grant}");
    let path = grant["data"]["path"].as_str().unwrap();
    assert!(grant["data"]["url"].as_str().unwrap().starts_with(BASE));
    let res = w.p.handle(&w.routes, Request::new("GET", path));
    assert_eq!((res.status, res.body.len()), (200, gz.len()));
    assert_eq!(res.header("content-type"), Some("application/gzip"));
    // The raw upload too, as it was sent.
    let (_, raw) = w.call(
        "GET",
        "/api/sales/files/raw%2F2026-11-02%2Fs1.json/download-url",
        Some("analyst-key"),
        None,
    );
    let res = w.p.handle(
        &w.routes,
        Request::new("GET", raw["data"]["path"].as_str().unwrap()),
    );
    assert_eq!(res.status, 200);
    assert_eq!(res.body, bytes(&day("s1", "2026-11-02", 40, 1.0)));
    assert_eq!(res.header("content-type"), Some("application/json"));
    // A download URL cannot upload, and an altered one cannot download.
    let put = w.put(path, b"{}");
    assert_eq!(put.0, 403);
    let altered = path.replace("s1.ndjson", "s2.ndjson");
    assert_eq!(
        w.p.handle(&w.routes, Request::new("GET", &altered)).status,
        403
    );
}

#[test]
fn expired_or_altered_upload_urls_store_nothing() {
    let w = World::new();
    w.store("s1");
    w.store("s2");
    let (_, grant) = w.call(
        "POST",
        "/api/sales/upload-url",
        Some("uploader-key"),
        Some(json!({"store_id": "s1", "date": "2026-11-02", "content_length": 100000})),
    );
    let g = &grant["data"];
    assert!(g["expires_in"].as_i64().unwrap() <= 900);
    let path = g["path"].as_str().unwrap().to_string();
    let file = bytes(&day("s1", "2026-11-02", 3, 1.0));
    for altered in [
        path.replace("/s1.json", "/s2.json"),
        path.replace("max_bytes=100000", "max_bytes=100001"),
        path.replace("expires=", "expires=1"),
        path.split('?').next().unwrap().to_string(),
    ] {
        assert_eq!(w.put(&altered, &file).0, 403, "{altered}");
    }
    w.p.now.set(NOW_MS + 901_000);
    assert_eq!(w.put(&path, &file).0, 403);
    assert!(w.p.objects.borrow().is_empty(), "nothing stored");
    assert!(w.sql("SELECT * FROM uploads").is_empty());
    // Unknown stores get no URL.
    let (s, e) = w.call(
        "POST",
        "/api/sales/upload-url",
        Some("uploader-key"),
        Some(json!({"store_id": "s9", "date": "2026-11-02"})),
    );
    assert_eq!(s, 422);
    assert!(e["error"]["message"].as_str().unwrap().contains("no store"));
}

#[test]
fn a_body_larger_than_the_url_grants_is_refused() {
    let w = World::new();
    w.store("s1");
    let file = bytes(&day("s1", "2026-11-02", 30, 1.0));
    let (_, grant) = w.call(
        "POST",
        "/api/sales/upload-url",
        Some("uploader-key"),
        Some(json!({"store_id": "s1", "date": "2026-11-02", "content_length": 100})),
    );
    let (s, _) = w.put(grant["data"]["path"].as_str().unwrap(), &file);
    assert_eq!(s, 413);
    assert!(w.p.objects.borrow().is_empty());
}

#[test]
fn a_refused_file_is_recorded_with_its_errors_and_alerted() {
    let w = World::new();
    w.store("s1");
    let good = day("s1", "2026-11-02", 10, 1.0);
    assert_eq!(w.upload("s1", "2026-11-02", &bytes(&good)).0, 201);
    let mut bad = good.clone();
    bad["transactions"][3]["items"][0]["quantity"] = json!(0);
    bad["transactions"][5]["total"] = json!(999.0);
    bad["transactions"][6]["transaction_id"] = bad["transactions"][0]["transaction_id"].clone();
    let (s, v) = w.upload("s1", "2026-11-02", &bytes(&bad));
    assert_eq!(s, 201);
    assert_eq!(v["data"]["status"], "failed");
    let (_, status) = w.call(
        "GET",
        "/api/sales/uploads/2026-11-02/s1",
        Some("analyst-key"),
        None,
    );
    let errors: Vec<String> = status["data"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0], "transactions[3].items[0].quantity: must be > 0");
    assert!(errors[1].starts_with("transactions[5].total: must equal"));
    assert!(errors[2].starts_with("transactions[6].transaction_id: must be unique"));
    assert_eq!(status["data"]["version"], 2);
    // The refused file is the day on record: its metrics are withdrawn.
    assert!(w.sql("SELECT * FROM store_metrics").is_empty());
    assert!(w.sql("SELECT * FROM product_sales").is_empty());
    let alerts = w.posted_events("upload_failed");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["store_id"], "s1");
    assert_eq!(alerts[0]["error_count"], 3);
}

#[test]
fn re_uploads_replace_and_never_double_count() {
    let w = World::new();
    w.store("s1");
    for (n, scale) in [(10, 1.0), (10, 1.0), (25, 2.0)] {
        assert_eq!(
            w.upload(
                "s1",
                "2026-11-02",
                &bytes(&day("s1", "2026-11-02", n, scale))
            )
            .0,
            201
        );
    }
    let rows = w.sql("SELECT transactions, version FROM store_metrics");
    assert_eq!(rows, vec![vec![json!(25), json!(3)]]);
    let units = w.sql("SELECT sum(units) FROM product_sales");
    assert_eq!(units[0][0], json!(75.0));
}

#[test]
fn the_queue_processes_retries_and_dead_letters() {
    let w = World::new();
    *w.p.queued.borrow_mut() = Some(Vec::new());
    w.store("s1");
    let (s, v) = w.upload("s1", "2026-11-02", &bytes(&day("s1", "2026-11-02", 5, 1.0)));
    assert_eq!((s, v["data"]["status"].as_str()), (202, Some("queued")));
    let message = w.p.queued.borrow_mut().as_mut().unwrap().remove(0);
    assert_eq!(message.0, "sales");
    let p = w.p.scoped(&PRODUCT);
    // A store fault: retried later, with a delay within the first backoff.
    w.p.blob_fault.set(true);
    let first = futures::executor::block_on(edgedesk_sales::on_queue_message(
        &p,
        edgedesk_sales::QUEUE,
        &message.1,
    ));
    assert!(
        matches!(first, Delivery::Retry(d) if (5..=10).contains(&d)),
        "{first:?}"
    );
    let second = futures::executor::block_on(edgedesk_sales::on_queue_message(
        &p,
        edgedesk_sales::QUEUE,
        &message.1,
    ));
    assert!(
        matches!(second, Delivery::Retry(d) if (10..=20).contains(&d)),
        "{second:?}"
    );
    w.p.blob_fault.set(false);
    let third = futures::executor::block_on(edgedesk_sales::on_queue_message(
        &p,
        edgedesk_sales::QUEUE,
        &message.1,
    ));
    assert_eq!(third, Delivery::Ack);
    assert_eq!(
        w.sql("SELECT status, attempts FROM uploads"),
        vec![vec![json!("processed"), json!(3)]]
    );
    // A duplicate delivery changes nothing.
    let again = futures::executor::block_on(edgedesk_sales::on_queue_message(
        &p,
        edgedesk_sales::QUEUE,
        &message.1,
    ));
    assert_eq!(again, Delivery::Ack);
    assert_eq!(
        w.sql("SELECT transactions FROM store_metrics"),
        vec![vec![json!(5)]]
    );
    // A message the queue gave up on marks an unprocessed upload failed.
    w.upload("s1", "2026-11-03", &bytes(&day("s1", "2026-11-03", 5, 1.0)));
    let dead =
        w.p.queued
            .borrow()
            .as_ref()
            .unwrap()
            .iter()
            .map(|m| m.1.clone())
            .find(|m| m.contains("2026-11-03") && m.contains("process"))
            .unwrap();
    let d = futures::executor::block_on(edgedesk_sales::on_queue_message(
        &p,
        edgedesk_sales::DEAD_LETTER_QUEUE,
        &dead,
    ));
    assert_eq!(d, Delivery::Ack);
    let (_, st) = w.call(
        "GET",
        "/api/sales/uploads/2026-11-03/s1",
        Some("analyst-key"),
        None,
    );
    assert_eq!(st["data"]["status"], "failed");
    assert_eq!(w.posted_events("upload_failed").len(), 1);
}

#[test]
fn the_last_store_starts_the_analysis_once_and_it_finds_the_spike() {
    let w = World::new();
    let last = history(&w, 21);
    let runs = w.sql("SELECT date, trigger, status FROM analysis_runs ORDER BY date");
    assert_eq!(runs.len(), 21, "one run a day");
    assert!(
        runs.iter()
            .all(|r| r[1] == "all_stores" && r[2] == "completed"),
        "{runs:?}"
    );
    let (s, a) = w.call(
        "GET",
        &format!("/api/sales/analytics/{last}"),
        Some("analyst-key"),
        None,
    );
    assert_eq!(s, 200, "{a}");
    let a = &a["data"];
    let flagged: Vec<&Value> = a["anomalies"]["store_revenue"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["anomaly"] == true)
        .collect();
    assert_eq!(flagged.len(), 1, "{}", a["anomalies"]);
    assert_eq!(flagged[0]["store_id"], "store-003");
    assert_eq!(flagged[0]["direction"], "high");
    assert_eq!(flagged[0]["flagged_by"], json!(["modified_z", "tukey"]));
    assert!(
        flagged[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("an anomaly")
    );
    assert_eq!(a["company"]["stores_reported"], 3);
    assert_eq!(a["company"]["ranking"][0]["store_id"], "store-003");
    assert!(
        a["company"]["day_over_day"]["revenue_pct"]
            .as_f64()
            .unwrap()
            > 50.0
    );
    assert!(
        a["run"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "completed")
    );
    // An early day: too little history, said so.
    let (_, early) = w.call(
        "GET",
        "/api/sales/analytics/2026-10-05",
        Some("analyst-key"),
        None,
    );
    assert_eq!(early["data"]["anomalies"]["store_revenue"], json!([]));
    assert!(
        early["data"]["anomalies"]["no_verdict"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("needs 14")
    );
    // Recommendations follow from the spike; the report went out once a day.
    let (_, recs) = w.call(
        "GET",
        &format!("/api/sales/recommendations?date={last}"),
        Some("analyst-key"),
        None,
    );
    let recs = recs["data"]["recommendations"].as_array().unwrap();
    assert!(
        recs.iter().any(|r| r["store_id"] == "store-003"),
        "{recs:?}"
    );
    let reports = w.posted_events("daily_report");
    assert_eq!(reports.len(), 21);
    assert!(
        reports.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("store-003")
    );
    // Exports for BI tools.
    let objects = w.p.objects.borrow();
    for f in [
        "store-metrics.ndjson.gz",
        "products.ndjson.gz",
        "anomalies.ndjson.gz",
        "report.html",
        "report.txt",
    ] {
        assert!(
            objects.contains_key(&format!("sales/exports/{last}/{f}")),
            "{f}"
        );
    }
}

#[test]
fn on_demand_and_fallback_runs_start_once_and_name_missing_stores() {
    let w = World::new();
    for s in ["s1", "s2"] {
        w.store(s);
    }
    w.upload("s1", "2026-11-02", &bytes(&day("s1", "2026-11-02", 5, 1.0)));
    assert!(
        w.sql("SELECT * FROM analysis_runs").is_empty(),
        "s2 has not reported"
    );
    let (s, run) = w.call(
        "POST",
        "/api/sales/analysis/run",
        Some("admin-key"),
        Some(json!({"date": "2026-11-02"})),
    );
    assert_eq!(s, 200, "{run}");
    assert_eq!(run["data"]["status"], "completed");
    assert_eq!(run["data"]["trigger"], "manual");
    assert_eq!(run["data"]["missing_stores"], json!(["s2"]));
    let again = w
        .call(
            "POST",
            "/api/sales/analysis/run",
            Some("admin-key"),
            Some(json!({"date": "2026-11-02"})),
        )
        .1;
    assert_eq!(again["data"]["created_at"], run["data"]["created_at"]);
    assert_eq!(w.posted_events("daily_report").len(), 1);
    assert_eq!(w.posted_events("stores_missing").len(), 1);
    // s2 reporting late does not start a second run.
    w.upload("s2", "2026-11-02", &bytes(&day("s2", "2026-11-02", 5, 1.0)));
    assert_eq!(w.sql("SELECT count(*) FROM analysis_runs")[0][0], 1);
    // The fallback: before 23:00 on the company's clock nothing starts;
    // after, the day starts once however often the schedule ticks.
    w.p.set_var("COMPANY_TIMEZONE", "America/Chicago");
    let p = w.p.scoped(&PRODUCT);
    // NOW_MS is 2026-11-22 12:00 UTC, 06:00 in Chicago.
    let chicago_2250 = NOW_MS + 16 * 3_600_000 + 50 * 60_000;
    w.p.now.set(chicago_2250);
    futures::executor::block_on(edgedesk_sales::analysis::scheduled(&p)).unwrap();
    assert_eq!(w.sql("SELECT count(*) FROM analysis_runs")[0][0], 1);
    w.p.now.set(chicago_2250 + 15 * 60_000);
    for _ in 0..3 {
        futures::executor::block_on(edgedesk_sales::analysis::scheduled(&p)).unwrap();
    }
    let runs = w.sql("SELECT date, trigger, missing_stores FROM analysis_runs ORDER BY date");
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[1][1], "schedule");
    assert_eq!(runs[1][2], json!("[\"s1\",\"s2\"]"));
}

#[test]
fn a_failed_step_is_retried_alone() {
    let w = World::new();
    w.store("s1");
    w.p.set_var("REPORT_WEBHOOK_URL", "https://down.test/hook");
    w.p.on_http(|req| {
        Some(Ok(OutboundResponse {
            status: if req.url.contains("down.test") {
                503
            } else {
                200
            },
            body: Vec::new(),
        }))
    });
    w.upload("s1", "2026-11-02", &bytes(&day("s1", "2026-11-02", 5, 1.0)));
    let steps =
        w.sql("SELECT step, status, attempts FROM analysis_steps ORDER BY started_at, step");
    assert!(
        steps.iter().any(|s| s[0] == "report" && s[1] == "failed"),
        "{steps:?}"
    );
    assert_eq!(w.sql("SELECT status FROM analysis_runs")[0][0], "failed");
    w.p.set_var("REPORT_WEBHOOK_URL", "https://reports.test/hook");
    let (_, run) = w.call(
        "POST",
        "/api/sales/analysis/run",
        Some("admin-key"),
        Some(json!({"date": "2026-11-02"})),
    );
    assert_eq!(run["data"]["status"], "completed");
    let attempts: Vec<(String, i64)> = w
        .sql("SELECT step, attempts FROM analysis_steps")
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_i64().unwrap()))
        .collect();
    for (step, n) in attempts {
        assert_eq!(n, if step == "report" { 2 } else { 1 }, "{step}");
    }
}

#[test]
fn recommendations_are_rewritten_by_the_llm_when_it_keeps_them_all() {
    for (status, want) in [(200, "llm"), (500, "rules")] {
        let w = World::new();
        w.p.set_var("LLM_API_URL", "https://llm.test/v1/chat/completions");
        w.p.on_http(move |req| {
            if !req.url.starts_with("https://llm.test") {
                return Some(Ok(OutboundResponse { status: 200, body: Vec::new() }));
            }
            // Every recommendation's text rewritten, ids kept.
            let sent: Value = serde_json::from_slice(&req.body).unwrap();
            let facts: Value =
                serde_json::from_str(sent["messages"][1]["content"].as_str().unwrap()).unwrap();
            let recs: Vec<Value> = facts["recommendations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| json!({"id": r["id"], "text": format!("Plainly: {}", r["text"].as_str().unwrap())}))
                .collect();
            let content = json!({"recommendations": recs}).to_string();
            let body = json!({"choices": [{"message": {"role": "assistant", "content": content}}]});
            Some(Ok(OutboundResponse { status, body: body.to_string().into_bytes() }))
        });
        let last = history(&w, 16);
        let (_, v) = w.call(
            "GET",
            &format!("/api/sales/recommendations?date={last}"),
            Some("analyst-key"),
            None,
        );
        assert_eq!(v["data"]["source"], want, "{v}");
        let recs = v["data"]["recommendations"].as_array().unwrap();
        assert!(!recs.is_empty());
        assert!(
            recs.iter()
                .all(|r| r["text"].as_str().unwrap().starts_with("Plainly: ") == (want == "llm")),
            "{v}"
        );
    }
}
