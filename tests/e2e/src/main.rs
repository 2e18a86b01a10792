//! Runs the shared cases against a running server:
//! `edgedesk-e2e [BASE_URL] [SECRET]` (defaults: http://127.0.0.1:8787, dev-secret).
//! The server must hold `dev-secret,previous-secret` as HMAC_SECRET, allow
//! the origin http://localhost:3000, and have sample_data/ and
//! tests/fixtures/ loaded.

fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8787".into());
    let secret = args.next().unwrap_or_else(|| "dev-secret".into());
    let total = edgedesk_e2e::load_cases().len();
    let (passed, failures) = edgedesk_e2e::run_all(&edgedesk_e2e::Http::new(&base), &secret);
    print!("{failures}");
    println!("{passed} passed, {} failed", total - passed);
    if passed != total {
        std::process::exit(1);
    }
}
