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

    let llm = mock_llm::start();
    let port = free_port();
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
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let _server = Server(dev.spawn().expect("start wrangler dev"));

    let base = format!("http://127.0.0.1:{port}");
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
