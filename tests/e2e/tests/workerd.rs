//! The shared end-to-end cases against the real Worker on local workerd
//! (`wrangler dev --local`), with fresh local D1, R2 and KV state.
//! Needs the built Worker (`make build`) and `npm ci`; `make test` does both.

use edgedesk_e2e::{
    Http, Transport, WireRequest, browser, call_tool, mock_llm, repo_root, run_all,
};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wrangler(root: &Path) -> Command {
    let bin = root.join("node_modules/.bin/wrangler");
    assert!(
        bin.exists(),
        "wrangler is not installed: run `npm ci` (make test does)"
    );
    let mut c = Command::new(bin);
    c.current_dir(root)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("CI", "true");
    c
}

fn run(mut c: Command, what: &str) {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stops wrangler and its workerd children when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // SIGINT, as Ctrl-C would: wrangler then stops its workerd cleanly.
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-s", "INT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn shared_cases_pass_on_workerd() {
    let root = repo_root();
    assert!(
        root.join("workers/cloudflare/build/index.js").exists(),
        "the Worker is not built: run `make build` (make test does)"
    );
    let state = root.join("target/e2e-workerd-state");
    let _ = std::fs::remove_dir_all(&state);
    let state_arg = state.to_str().unwrap().to_string();

    // Each product's own D1 database (`edgedesk-<product>`), from its
    // `migrations/<product>/`.
    for product in edgedesk_e2e::products_with_migrations() {
        let mut migrate = wrangler(&root);
        migrate.args([
            "d1",
            "migrations",
            "apply",
            &format!("edgedesk-{product}"),
            "--local",
            "--persist-to",
            &state_arg,
        ]);
        run(migrate, &format!("applying the {product} migrations"));
    }
    let mut seed = Command::new("node");
    seed.current_dir(&root).args([
        "scripts/seed-local.mjs",
        &state_arg,
        "sample_data",
        "tests/fixtures",
    ]);
    run(seed, "loading sample data");
    // The support dataset, as `make dev` loads it.
    let support_sql = root.join("target/e2e-support.sql");
    std::fs::write(
        &support_sql,
        edgedesk_e2e::support::sample_sql(edgedesk_e2e::Http::new("").now_ms()),
    )
    .unwrap();
    let mut support = wrangler(&root);
    support.args([
        "d1",
        "execute",
        "edgedesk-support",
        "--local",
        "--persist-to",
        &state_arg,
        "--file",
        support_sql.to_str().unwrap(),
    ]);
    run(support, "loading the support dataset");
    // The receptionist's demo salon, connected to the Google stand-in.
    let receptionist_sql = root.join("target/e2e-receptionist.sql");
    std::fs::write(
        &receptionist_sql,
        edgedesk_e2e::receptionist::sample_sql(edgedesk_e2e::Http::new("").now_ms()),
    )
    .unwrap();
    let mut receptionist = wrangler(&root);
    receptionist.args([
        "d1",
        "execute",
        "edgedesk-receptionist",
        "--local",
        "--persist-to",
        &state_arg,
        "--file",
        receptionist_sql.to_str().unwrap(),
    ]);
    run(receptionist, "loading the receptionist's demo business");
    // The sales pipeline's API keys.
    let sales_sql = root.join("target/e2e-sales-keys.sql");
    std::fs::write(&sales_sql, edgedesk_e2e::sales::keys_sql()).unwrap();
    let mut sales = wrangler(&root);
    sales.args([
        "d1",
        "execute",
        "edgedesk-sales",
        "--local",
        "--persist-to",
        &state_arg,
        "--file",
        sales_sql.to_str().unwrap(),
    ]);
    run(sales, "loading the sales pipeline's keys");

    let llm = mock_llm::start();
    let quimbi = edgedesk_e2e::mock_quimbi::start();
    let twilio = edgedesk_e2e::receptionist::start_twilio();
    let google = edgedesk_e2e::mock_google::start();
    let sentry = edgedesk_e2e::observability::start_sentry();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let empty_env = root.join("target/e2e-empty.env");
    std::fs::write(&empty_env, "").unwrap();
    let sales_hooks = edgedesk_e2e::sales::start_hooks();
    let jwks = edgedesk_e2e::coaching::start_jwks();
    let receptionist_vars: Vec<String> = edgedesk_e2e::receptionist::vars(&base, &twilio, &google)
        .into_iter()
        .chain(edgedesk_e2e::observability::vars(&sentry))
        .chain(edgedesk_e2e::sales::vars(&base, &sales_hooks))
        .chain(edgedesk_e2e::coaching::vars(&jwks))
        .flat_map(|(k, v)| ["--var".to_string(), format!("{k}:{v}")])
        .collect();
    // Its output is kept: the request logs are checked below.
    let log_path = root.join("target/e2e-wrangler.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut dev = wrangler(&root);
    dev.args([
        "dev",
        "--local",
        "--ip",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--inspector-port",
        &free_port().to_string(),
        "--persist-to",
        &state_arg,
        "--show-interactive-dev-session=false",
        // Only the variables below: a developer's .dev.vars (v1 signatures
        // on, their own secrets) must not change what is tested.
        "--env-file",
        empty_env.to_str().unwrap(),
        "--var",
        "HMAC_SECRET:dev-secret,previous-secret",
        "--var",
        "ALLOWED_ORIGIN:http://localhost:3000",
        "--var",
        &format!("LLM_API_URL:{}", llm.url),
        "--var",
        "LLM_MODEL:mock-model",
        "--var",
        "LLM_TIMEOUT_MS:1500",
        "--var",
        &format!("SECRET_KEY:{}", edgedesk_e2e::support::SECRET_KEY),
        "--var",
        &format!("QUIMBI_BASE_URL:{}", quimbi.url),
        "--var",
        &format!("QUIMBI_API_KEY:{}", edgedesk_e2e::mock_quimbi::API_KEY),
        "--var",
        "QUIMBI_TIMEOUT_MS:1000",
    ])
    .args(&receptionist_vars)
    .stdin(Stdio::null())
    .stdout(log)
    .stderr(Stdio::null());
    let _server = Server(dev.spawn().expect("start wrangler dev"));

    let http = Http::new(&base);
    let started = Instant::now();
    loop {
        if ureq_ok(&format!("{base}/health")) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "wrangler dev did not answer on {base} within 90 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    eprintln!("workerd up after {:?}", started.elapsed());

    let (passed, failures) = run_all(&http, "dev-secret");
    assert!(failures.is_empty(), "{failures}");
    eprintln!("{passed} shared cases passed on workerd");

    // The sales coaching backend's REST routes, two organisations and the
    // forged tokens; its key rotation is checked a minute later, below.
    edgedesk_e2e::coaching::scenario(&http, &jwks);
    // The realtime coach on its WebSocket, held by a Durable Object.
    edgedesk_e2e::coaching::realtime_over_ws(&http, &base, &jwks);

    // An oversized body costs its sender a 413 and nobody else anything:
    // the calls after it, over wrangler's dev proxy, are answered as usual.
    for size in [1_200_000, 3_000_000] {
        let refused = http
            .send(WireRequest {
                method: "POST".into(),
                path: "/tools/get_contract_info".into(),
                headers: vec![("content-type".into(), "application/json".into())],
                body: vec![b'x'; size],
            })
            .expect("the oversized request is answered");
        assert_eq!(refused.status, 413, "{size} bytes");
        for _ in 0..3 {
            let (status, v) = call_tool(
                &http,
                "dev-secret",
                "get_contract_info",
                &serde_json::json!({"customerId": "acme-001"}),
            )
            .expect("a call after an oversized one");
            assert_eq!(status, 200, "after {size} bytes: {v}");
        }
    }

    // The support product on the real runtime, then writes racing on it.
    edgedesk_e2e::support::scenario(&http);
    edgedesk_e2e::mock_quimbi::check_ai_path(&http, &|id| quimbi.calls(id));
    concurrent_writes_lose_nothing(&http, &root, &state_arg);

    // The receptionist: texts, calls and the widget, deliveries acted on
    // once, channels racing, and Google Calendar both ways.
    let count = |sql: &str| d1_count(&state, "businesses", sql);
    edgedesk_e2e::receptionist::scenario(&http, &base, &count, &twilio);
    edgedesk_e2e::receptionist::calendar_both_ways(&http, &base, "dev-secret", &count, &google);
    edgedesk_e2e::receptionist::other_routes(&http, &base, "dev-secret", &count);
    // Fifty widget sessions at once from one client, through as many
    // isolates as wrangler runs: exactly the bucket's ten get through.
    let figures = edgedesk_e2e::limits::exact_under_concurrency(
        &http,
        |ip| ("cf-connecting-ip".into(), ip.into()),
        "203.0.113.50",
        50,
    );
    eprintln!("rate limit on workerd: {figures:?}");
    edgedesk_e2e::observability::check(
        &http,
        &sentry,
        &figures,
        &edgedesk_e2e::observability::prometheus_python(),
        &root.join("target"),
    );
    request_logs_are_json_without_secrets(&log_path);
    widget_books_in_a_browser(&root, &base, &count);
    // Owners and the operator, then the dashboard in a browser.
    edgedesk_e2e::owners::scenario(&http, &base, &count, &google);
    uptime_checks_pass(&base);
    dashboard_in_a_browser(&root, &base, &count);

    // The sales pipeline: uploads through presigned URLs, processing on the
    // Queue, the day's analysis once, the fallback from the Cron Trigger.
    let sales_count = |sql: &str| d1_count(&state, "analysis_runs", sql);
    let fire_cron = || {
        let url = format!("{base}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*");
        let res = ureq::get(&url).timeout(Duration::from_secs(60)).call();
        assert!(res.is_ok(), "the Cron Trigger did not fire: {res:?}");
    };
    edgedesk_e2e::sales::scenario(
        &http,
        &edgedesk_e2e::sales::Runtime {
            name: "workerd",
            count: &sales_count,
            fallback: &fire_cron,
        },
        &sales_hooks,
    );

    // A key the identity provider rotated in, once the minute between
    // fetches for unknown keys has passed (the scenarios above took it).
    edgedesk_e2e::coaching::rotation(&http, &jwks);

    // The LLM path on the real runtime: outbound fetch, KV cache, fallback, time-out.
    mock_llm::check_llm_path(&http, "dev-secret", &llm);

    // The API page in a real browser, served by the Worker: every operation
    // rendered, and nothing refused by its content security policy (it
    // loads nothing from elsewhere).
    let page = browser::render(&format!("{base}/docs"));
    for op in [
        "health",
        "openapi",
        "docs",
        "list_tools",
        "get_customer_usage",
        "calculate_health",
        "generate_qbr_outline",
    ] {
        assert!(
            page.dom.contains(&format!("id=\"op-{op}\"")),
            "/docs in Chromium lacks {op}"
        );
    }
    assert!(page.dom.contains("Edgedesk API"), "{}", page.dom);
    assert!(!page.log.contains("Refused to"), "{}", page.log);
}

fn ureq_ok(url: &str) -> bool {
    ureq::get(url)
        .timeout(Duration::from_secs(2))
        .call()
        .is_ok_and(|r| r.status() == 200)
}

/// 100 concurrent message posts to one ticket leave exactly 100 messages;
/// two concurrent assigns of one ticket leave exactly one active
/// assignment (counted in the local D1 database itself).
fn concurrent_writes_lose_nothing(http: &Http, root: &Path, state: &str) {
    use edgedesk_e2e::support::{call, login};
    use serde_json::json;
    let token = login(http, "senior_agent@support.test");
    let new_ticket = |subject: &str| {
        let (status, v) = call(
            http,
            "POST",
            "/api/tickets",
            Some(&token),
            Some(json!({"customer_id": "cus-acme", "subject": subject, "channel": "email"})),
        );
        assert_eq!(status, 201, "{v}");
        v["id"].as_str().unwrap().to_string()
    };
    let id = new_ticket("Concurrent messages");
    let barrier = std::sync::Barrier::new(20);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..20)
            .map(|w| {
                let (barrier, token, id) = (&barrier, &token, &id);
                s.spawn(move || {
                    barrier.wait();
                    (0..5)
                        .map(|n| {
                            call(
                                http,
                                "POST",
                                &format!("/api/tickets/{id}/messages"),
                                Some(token),
                                Some(
                                    json!({"content": format!("note {w}-{n}"), "from_agent": true}),
                                ),
                            )
                            .0
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let (_, v) = call(
        http,
        "GET",
        &format!("/api/tickets/{id}/messages"),
        Some(&token),
        None,
    );
    assert_eq!(v["total"], 100, "{v}");

    let id = new_ticket("Concurrent assigns");
    let barrier = std::sync::Barrier::new(2);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let workers: Vec<_> = ["ag-agent", "ag-lead"]
            .into_iter()
            .map(|agent| {
                let (barrier, token, id) = (&barrier, &token, &id);
                s.spawn(move || {
                    barrier.wait();
                    call(
                        http,
                        "POST",
                        &format!("/api/tickets/{id}/assign"),
                        Some(token),
                        Some(json!({"agent_id": agent})),
                    )
                    .0
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, [201, 409], "{statuses:?}");
    let mut count = wrangler(root);
    count.args([
        "d1",
        "execute",
        "edgedesk-support",
        "--local",
        "--persist-to",
        state,
        "--json",
        "--command",
        &format!("SELECT COUNT(*) AS n FROM ticket_assignments WHERE ticket_id = '{id}' AND is_active = 1"),
    ]);
    let out = count.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"n\": 1"), "{text}");
}

/// One integer from the local D1 database that has `table`, read straight
/// from the file workerd keeps it in (a reader beside the writer, as SQLite
/// allows).
fn d1_count(state: &Path, table: &str, sql: &str) -> i64 {
    let dir = state.join("v3/d1/miniflare-D1DatabaseObject");
    for entry in std::fs::read_dir(&dir).expect("the local D1 files") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("sqlite")
            || path.file_name().and_then(|n| n.to_str()) == Some("metadata.sqlite")
        {
            continue;
        }
        let db = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open a local D1 file");
        let has: bool = db
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap_or(false);
        if has {
            return db
                .query_row(sql, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
    panic!("no local D1 database has the table {table}");
}

/// Runs a puppeteer script of tests/browser: its JSON report, checked for
/// success and for nothing refused by a content security policy or thrown.
fn browser_check(root: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new("node")
        .current_dir(root)
        .args(args)
        .output()
        .expect("node runs the browser check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert!(out.status.success() && result["ok"] == true, "{result:#}");
    let log = result["log"].to_string();
    assert!(
        !log.contains("Refused to") && !log.contains("pageerror"),
        "{log}"
    );
    result
}

/// The widget's demo page in headless Chromium: a customer books a haircut
/// by chat (typing, tapping an offered time, confirming), and the booking
/// is in the database, under the name and number they gave.
fn widget_books_in_a_browser(root: &Path, base: &str, count: &dyn Fn(&str) -> i64) {
    let result = browser_check(root, &["tests/browser/widget.mjs", base, "demo-salon"]);
    let id = result["booked"].as_str().unwrap();
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM appointments a JOIN contacts c ON c.id = a.contact_id \
             WHERE a.id = '{id}' AND a.source = 'chat' AND a.status = 'booked' \
             AND c.name = 'Robin Tester' AND c.phone = '+13125550190'"
        )),
        1,
        "{result:#}"
    );
}

/// Every request the Worker served left one JSON line with its request
/// id, group, status and duration; no line holds a secret or a caller's
/// number.
fn request_logs_are_json_without_secrets(path: &Path) {
    let started = Instant::now();
    let log = loop {
        let log = std::fs::read_to_string(path).unwrap_or_default();
        if log.contains("\"group\":\"metrics\"") || started.elapsed() > Duration::from_secs(10) {
            break log;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| l.find("{\"").map(|i| &l[i..]))
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v.get("request_id").is_some())
        .collect();
    assert!(
        lines.len() > 100,
        "{} request lines in {}",
        lines.len(),
        path.display()
    );
    for v in &lines {
        for key in ["request_id", "group", "status", "duration_ms", "route"] {
            assert!(v.get(key).is_some(), "{key} missing: {v}");
        }
    }
    assert!(lines.iter().any(
        |v| v["group"] == "twilio" && v["business_id"] == edgedesk_e2e::receptionist::BUSINESS
    ));
    for secret in [
        edgedesk_e2e::receptionist::DEV_TWILIO_TOKEN,
        edgedesk_e2e::observability::OPERATOR_TOKEN,
        "dev-secret",
        "5550147",
        "5550100",
    ] {
        assert!(!log.contains(secret), "the logs hold {secret}");
    }
}

/// The owner dashboard in headless Chromium: the demo owner signs in, sees
/// the salon's seeded appointments and turns lockdown on, the salon's
/// widget refuses a customer (423) at once, lockdown goes off and the
/// widget greets again.
fn dashboard_in_a_browser(root: &Path, base: &str, count: &dyn Fn(&str) -> i64) {
    let result = browser_check(root, &["tests/browser/dashboard.mjs", base]);
    assert!(
        result["upcoming"].as_array().is_some_and(|a| a.len() >= 3),
        "{result:#}"
    );
    assert_eq!(result["lockdown_seen_on"], true, "{result:#}");
    assert_eq!(result["widget_locked"]["status"], 423, "{result:#}");
    assert_eq!(result["widget_unlocked"]["status"], 201, "{result:#}");
    assert_eq!(
        count("SELECT lockdown_mode FROM businesses WHERE id = 'demo-salon'"),
        0,
        "the page turned lockdown off again"
    );
}

/// `edgedesk-cli uptime` against this deployment: a signed call and a
/// widget chat, every check passing and nothing posted to Slack; then
/// with a token the deployment does not take, failing and posting.
fn uptime_checks_pass(base: &str) {
    use edgedesk_cli::uptime::{UptimeArgs, report, run};
    let slack = edgedesk_e2e::observability::recorder("200 OK", r#"{"ok": true}"#);
    let args = UptimeArgs {
        base_url: base.to_string(),
        business_id: edgedesk_e2e::receptionist::BUSINESS.to_string(),
        twilio_token: edgedesk_e2e::receptionist::DEV_TWILIO_TOKEN.to_string(),
        widget_token: Some(edgedesk_e2e::receptionist::WIDGET_TOKEN.to_string()),
        slack_webhook: Some(format!("{}/hooks/uptime", slack.url)),
        timeout_secs: 15,
    };
    let checks = run(&args);
    assert_eq!(checks.len(), 3, "{checks:?}");
    assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    assert!(report(&args, &checks));
    assert!(slack.received().is_empty());
    // The same deployment with the business's Twilio token changed under
    // the check: the signed call is refused, and Slack hears of it.
    let wrong = UptimeArgs {
        twilio_token: "not-the-token".into(),
        ..args
    };
    let checks = run(&wrong);
    let call = checks.iter().find(|c| c.name == "twilio voice").unwrap();
    assert!(!call.ok && call.detail.contains("403"), "{checks:?}");
    assert!(!report(&wrong, &checks));
    let posted = slack.received();
    assert_eq!(posted.len(), 1);
    assert!(String::from_utf8_lossy(&posted[0].body).contains("twilio voice"));
}
