use criterion::{Criterion, black_box, criterion_group, criterion_main};
use edgedesk_core::health::{HealthInputs, OpenTickets, PaymentStatus, Weights, score};
use edgedesk_core::signing::{CallHeaders, sign_call, verify_call};

fn signing(c: &mut Criterion) {
    let body = br#"{"customerId":"acme-001","params":{"periodDays":30}}"#;
    let ts = 1_763_700_000_000i64;
    let sig = sign_call(b"dev-secret", ts, "agent-1", body);
    let ts_s = ts.to_string();
    c.bench_function("sign_call", |b| {
        b.iter(|| sign_call(black_box(b"dev-secret"), ts, "agent-1", black_box(body)))
    });
    c.bench_function("verify_call", |b| {
        b.iter(|| {
            verify_call(
                &[b"dev-secret"],
                CallHeaders {
                    timestamp: Some(&ts_s),
                    client: Some("agent-1"),
                    signature: Some(&sig),
                },
                black_box(body),
                ts,
            )
            .unwrap()
        })
    });
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
