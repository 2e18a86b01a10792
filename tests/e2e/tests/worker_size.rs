//! The Worker with every product compiled in stays within its budget: 1.75
//! MB gzip, well under the Workers Free plan's 3 MB limit (the size that is
//! sent and that a cold start loads); five products, one of them a realtime
//! coach with its model providers. Needs the
//! built Worker (`make build`; `make test` does it). `make worker-sizes`
//! reports the size per product feature.

use edgedesk_e2e::repo_root;
use std::process::Command;

const BUDGET_GZIP_BYTES: usize = 1_750_000;

#[test]
fn the_worker_is_within_its_size_budget() {
    let wasm = repo_root().join("workers/cloudflare/build/index_bg.wasm");
    let raw = std::fs::metadata(&wasm)
        .unwrap_or_else(|e| panic!("{}: {e}; run make build", wasm.display()))
        .len();
    let gzip = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(&wasm)
        .output()
        .expect("gzip runs");
    assert!(gzip.status.success());
    let gz = gzip.stdout.len();
    eprintln!("Worker: {raw} B raw, {gz} B gzip");
    assert!(gz > 10_000, "the build looks empty: {gz} B");
    assert!(
        gz <= BUDGET_GZIP_BYTES,
        "{gz} B gzip is over the {BUDGET_GZIP_BYTES} B budget"
    );
}
