//! Verifying an access token with the keys held (the common case: the
//! isolate already has the issuer's keys): RS256-2048 signature, the
//! claims, the user found. `cargo bench -p edgedesk-coaching`; the
//! tokens are minted by PyJWT (`scripts/ensure-python-tools.sh`).

use criterion::{Criterion, criterion_group, criterion_main};
use edgedesk_coaching::sso::{self, Settings};
use edgedesk_kernel::platform::OutboundResponse;
use edgedesk_kernel::testing::{NOW_MS, TestPlatform, repo_root};
use serde_json::Value;

fn minted() -> Value {
    let root = repo_root();
    let out = std::process::Command::new(root.join("target/venv-tools/bin/python"))
        .arg(root.join("shared/coaching/tests/sso/mint.py"))
        .arg((NOW_MS / 1000).to_string())
        .output()
        .expect("run scripts/ensure-python-tools.sh first");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn verify(c: &mut Criterion) {
    let m = minted();
    let p = TestPlatform::new();
    let jwks = m["jwks_a"].to_string();
    p.on_http(move |_| {
        Some(Ok(OutboundResponse {
            status: 200,
            body: jwks.clone().into_bytes(),
        }))
    });
    let settings = Settings {
        jwks_url: "https://auth.test/jwks".into(),
        issuer: m["issuer"].as_str().unwrap().into(),
        client_id: m["client_id"].as_str().unwrap().into(),
    };
    let token = m["tokens"]["member"].as_str().unwrap().to_string();
    // The first call fetches and keeps the keys.
    futures::executor::block_on(sso::verify(&p, &settings, &token)).unwrap();
    c.bench_function("sso_verify_rs256_held_keys", |b| {
        b.iter(|| futures::executor::block_on(sso::verify(&p, &settings, &token)).unwrap())
    });
}

criterion_group!(benches, verify);
criterion_main!(benches);
