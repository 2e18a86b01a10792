//! Signing against the hardware limit (HMAC-SHA256 sign and verify beside
//! raw SHA-256 of the same bytes) and the health score.
//! `make bench` runs these and writes the ratios to docs/performance.md.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use edgedesk_core::health::{HealthInputs, OpenTickets, PaymentStatus, Weights, score};
use edgedesk_core::signing::{CallHeaders, CallKey, Policy, Target, sign_call, verify_call};
use sha2::{Digest, Sha256};

const TARGET: Target = Target {
    method: "POST",
    path: "/tools/calculate_health",
};

fn signing(c: &mut Criterion) {
    let ts = 1_763_700_000_000i64;
    let ts_s = ts.to_string();
    let mut group = c.benchmark_group("signing");
    for size in [1024usize, 64 * 1024] {
        let body: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        let sig = sign_call(b"dev-secret", ts, "agent-1", TARGET, &body);
        // The server prepares its key once per secret and reuses it.
        let keys = [CallKey::new(b"dev-secret").unwrap()];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("sha256", size), &body, |b, body| {
            b.iter(|| Sha256::digest(black_box(body)))
        });
        group.bench_with_input(BenchmarkId::new("sign", size), &body, |b, body| {
            b.iter(|| {
                sign_call(
                    black_box(b"dev-secret"),
                    ts,
                    "agent-1",
                    TARGET,
                    black_box(body),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("verify", size), &body, |b, body| {
            b.iter(|| {
                verify_call(
                    &keys,
                    CallHeaders {
                        timestamp: Some(&ts_s),
                        client: Some("agent-1"),
                        signature: Some(&sig),
                    },
                    TARGET,
                    black_box(body),
                    ts,
                    Policy { accept_v1: false },
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

fn health(c: &mut Criterion) {
    let inputs = HealthInputs {
        usage_change_bp: Some(-1234),
        seat_utilisation_bp: 6100,
        open_tickets: OpenTickets {
            low: 2,
            medium: 1,
            high: 1,
            critical: 0,
        },
        days_to_renewal: 45,
        payment: PaymentStatus::Late,
    };
    c.bench_function("health_score", |b| {
        b.iter(|| score(black_box(&inputs), Weights::DEFAULT))
    });
}

criterion_group!(benches, signing, health);
criterion_main!(benches);
