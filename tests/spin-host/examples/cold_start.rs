//! Cold start per Spin component on the test host: the first answer of a
//! component (compiling it, as `spin up` does once at start, then a fresh
//! instance) and the answer of a fresh instance once compiled (what every
//! request costs on Spin, which instantiates per request). A measurement,
//! not a test: `cargo run --example cold_start -- [OUT.json]`
//! after `make spin-build`.

use bytes::Bytes;
use edgedesk_core::signing::{Target, sign_call};
use edgedesk_spin_host::SpinHost;
use http_body_util::Full;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

const FRESH_CALLS: usize = 200;

fn request(path: &str, ts: i64) -> http::Request<Full<Bytes>> {
    let builder = http::Request::builder().uri(format!("http://127.0.0.1:3000{path}"));
    if !path.starts_with("/tools/") {
        return builder.method("GET").body(Full::new(Bytes::new())).unwrap();
    }
    let body = r#"{"customerId":"acme-001"}"#;
    let target = Target {
        method: "POST",
        path,
    };
    builder
        .method("POST")
        .header("x-timestamp", ts.to_string())
        .header("x-client", "cold-start")
        .header(
            "x-signature",
            sign_call(b"dev-secret", ts, "cold-start", target, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

fn main() {
    let out = std::env::args().nth(1);
    let root = edgedesk_e2e::repo_root();
    let manifest = std::fs::read_to_string(root.join("spin.toml")).unwrap();
    let values = HashMap::from([("hmac_secret".to_string(), "dev-secret".to_string())]);
    let host = SpinHost::load(&root, &manifest, &values).unwrap();
    host.load_data(&root, &["sample_data"]).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    println!(
        "{:<22} {:<28} {:>12} {:>14}",
        "component", "request", "first ms", "fresh p50 ms"
    );
    for (route, component) in host.manifest().routes().to_vec() {
        // One request per component: its first exact route, or any path
        // for a wildcard.
        if !seen.insert(component.clone()) {
            continue;
        }
        let path = route
            .strip_suffix("/...")
            .map_or(route.clone(), |p| format!("{p}/no-such-page"));
        let time = |ts: i64| {
            let t = Instant::now();
            let res = rt.block_on(host.handle(request(&path, ts))).unwrap();
            assert!(
                res.status < 500,
                "{path}: {}",
                String::from_utf8_lossy(&res.body)
            );
            t.elapsed().as_secs_f64() * 1000.0
        };
        ts += 1;
        let first = time(ts);
        let mut fresh: Vec<f64> = (0..FRESH_CALLS)
            .map(|_| {
                ts += 1;
                time(ts)
            })
            .collect();
        fresh.sort_by(f64::total_cmp);
        let p50 = fresh[fresh.len() / 2];
        println!("{component:<22} {path:<28} {first:>12.1} {p50:>14.2}");
        rows.push(
            json!({"component": component, "request": path, "firstMs": first, "freshP50Ms": p50}),
        );
    }
    if let Some(out) = out {
        std::fs::write(out, serde_json::to_string_pretty(&rows).unwrap()).unwrap();
    }
}
