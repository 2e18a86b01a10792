//! Signing against the hardware limit (HMAC-SHA256 sign and verify beside
//! raw SHA-256 of the same bytes), the health score, and the support
//! inbox's per-ticket work (smart score, SLA status) over 10,000 tickets,
//! and the sales analysis's statistics over four weeks of daily figures.
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

/// The support inbox's work per ticket, over 10,000 tickets: the smart
/// score, and the SLA status of a clock counted in wall time and in the
/// open hours of a business calendar (America/New_York, 9-17 on weekdays).
fn support(c: &mut Criterion) {
    use edgedesk_core::calendar::{Calendar, Span};
    use edgedesk_core::sla::{Clock, Wall};
    use edgedesk_core::smart_score::{self, Inputs, Priority, SlaPressure};
    use edgedesk_core::zone::Zone;
    const N: usize = 10_000;
    let now = 1_795_348_800i64;
    let priorities = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
    let inputs: Vec<Inputs> = (0..N)
        .map(|i| Inputs {
            priority: priorities[i % 4],
            wait_secs: (i as i64 * 97) % 400_000,
            sentiment: (i % 100) as f64 / 100.0,
            lifetime_value: (i * 37 % 60_000) as f64,
            churn_risk: (i % 17) as f64 / 17.0,
            topic_match: i % 9 == 0,
            sla: (i % 3 != 0).then_some(SlaPressure {
                secs_left: (i as i64 * 13) % 20_000 - 5_000,
                target_secs: 28_800,
            }),
        })
        .collect();
    let weights = smart_score::Weights::default();
    let clocks: Vec<Clock> = (0..N)
        .map(|i| {
            let mut clock = Clock::new(now - (i as i64 * 61) % 500_000, 28_800, 80);
            clock.paused_secs = (i as i64 % 5) * 600;
            clock
        })
        .collect();
    let day = vec![Span {
        start: 9 * 3600,
        end: 17 * 3600,
    }];
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    let hours = Calendar::new(Zone::parse("America/New_York").unwrap(), week, Vec::new()).unwrap();
    let mut group = c.benchmark_group("support_10k_tickets");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("smart_score", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|i| smart_score::score(black_box(i), &weights).milli_total)
                .sum::<i64>()
        })
    });
    group.bench_function("sla_status_wall", |b| {
        b.iter(|| {
            clocks
                .iter()
                .filter(|c| c.status(&Wall, black_box(now)) == edgedesk_core::sla::Status::Breached)
                .count()
        })
    });
    group.bench_function("sla_status_business_hours", |b| {
        b.iter(|| {
            clocks
                .iter()
                .filter(|c| {
                    c.status(&hours, black_box(now)) == edgedesk_core::sla::Status::Breached
                })
                .count()
        })
    });
    group.finish();
}

/// A day's sales judged against the 28 before it (both outlier rules),
/// and the trend through them.
fn sales_stats(c: &mut Criterion) {
    use edgedesk_core::stats;
    let days: Vec<f64> = (0..28)
        .map(|i| 12_000.0 + 150.0 * i as f64 + ((i * 7919) % 2_000) as f64)
        .collect();
    let mut group = c.benchmark_group("sales_stats_28_days");
    group.bench_function("outlier_rules", |b| {
        b.iter(|| {
            (
                stats::modified_z(black_box(31_000.0), black_box(&days)),
                stats::tukey_fences(black_box(&days), stats::TUKEY_K),
            )
        })
    });
    group.bench_function("least_squares", |b| {
        b.iter(|| stats::least_squares(black_box(&days)))
    });
    group.finish();
}

criterion_group!(benches, signing, health, support, sales_stats);
criterion_main!(benches);
