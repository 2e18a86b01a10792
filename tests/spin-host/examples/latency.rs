//! Per-request time on the test host: a fresh component instance for every
//! call (instantiate + handle), as Spin does. A measurement, not a test:
//! `cargo run --example latency` after `make spin-build` (dependencies are
//! optimised even in the dev profile, see Cargo.toml).

use bytes::Bytes;
use edgedesk_core::signing::{Target, sign_call};
use edgedesk_spin_host::SpinHost;
use http_body_util::Full;
use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let root = edgedesk_e2e::repo_root();
    let manifest = std::fs::read_to_string(root.join("spin.toml")).unwrap();
    let values = HashMap::from([("hmac_secret".to_string(), "dev-secret".to_string())]);
    let host = SpinHost::load(&root, &manifest, &values).unwrap();
    host.load_data(&root, &["sample_data"]).unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let body = r#"{"customerId":"acme-001"}"#;
    let calls = 1000;
    let mut ms = Vec::with_capacity(calls);
    let start_ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    for i in 0..=calls {
        let ts = start_ts + i as i64;
        let req = http::Request::post("http://127.0.0.1:3000/tools/calculate_health")
            .header("x-timestamp", ts.to_string())
            .header("x-client", "latency")
            .header(
                "x-signature",
                sign_call(
                    b"dev-secret",
                    ts,
                    "latency",
                    Target {
                        method: "POST",
                        path: "/tools/calculate_health",
                    },
                    body.as_bytes(),
                ),
            )
            .header("content-length", body.len().to_string())
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap();
        let t = Instant::now();
        let res = rt.block_on(host.handle(req)).unwrap();
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        // The first call includes compiling the component; leave it out.
        if i > 0 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((p / 100.0 * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    println!(
        "calculate_health, fresh instance per call, {} calls: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms.len(),
        pct(50.0),
        pct(99.0),
        ms[ms.len() - 1]
    );
}
