//! The conversation engine's own cost, without I/O: a whole booking by
//! text (five turns, each reading the day and time phrases, the words and
//! four weeks of free times against a busy calendar), and the phrase
//! reader alone.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use edgedesk_core::zone::Zone;
use edgedesk_receptionist::availability;
use edgedesk_receptionist::business::{Business, Service};
use edgedesk_receptionist::engine::{self, Channel, Context, State};
use edgedesk_receptionist::{hours, phrases, sample};

/// Monday 2026-11-23, 10:00 in Chicago.
const NOW: i64 = 1_795_449_600;

fn salon() -> Business {
    let zone = Zone::parse(sample::TIME_ZONE).unwrap();
    let week = hours::parse_week(&serde_json::from_str(sample::HOURS).unwrap()).unwrap();
    Business {
        id: sample::BUSINESS.into(),
        name: sample::NAME.into(),
        time_zone: sample::TIME_ZONE.into(),
        zone: zone.clone(),
        calendar: hours::calendar(zone, week.clone(), vec![]).unwrap(),
        week,
        services: sample::SERVICES
            .iter()
            .map(|&(id, name, aliases, minutes, buffer, price)| Service {
                id: id.into(),
                name: name.into(),
                aliases: serde_json::from_str(aliases).unwrap(),
                duration_minutes: minutes as u32,
                buffer_minutes: buffer as u32,
                price_cents: Some(price),
            })
            .collect(),
        address: None,
        phone: None,
        owner_phone: Some(sample::OWNER_PHONE.into()),
        twilio_token_secret: sample::TOKEN_SECRET.into(),
        google: None,
        lockdown: false,
    }
}

/// A busy salon: every other hour of the next four weeks is booked.
fn busy(b: &Business) -> Vec<(i64, i64)> {
    let today = availability::local_day(&b.calendar, NOW);
    (today..today + availability::HORIZON_DAYS)
        .flat_map(|day| (9..18).step_by(2).map(move |h| (day, h)))
        .map(|(day, h)| {
            let s = availability::instant(&b.calendar, day, h * 3600);
            (s, s + 3600)
        })
        .collect()
}

const BOOKING: [&str; 5] = [
    "Hi, can I book a haircut tomorrow at 3?",
    "2",
    "Ana Lopez",
    "yes",
    "what are your hours",
];

fn bench(c: &mut Criterion) {
    let b = salon();
    let held = busy(&b);
    let ctx = Context {
        business: &b,
        channel: Channel::Sms,
        now: NOW,
        busy: &held,
        caller: Some("+13125550147"),
        known_name: None,
        upcoming: &[],
        upcoming_of: Some("+13125550147"),
        hint: None,
    };
    let mut group = c.benchmark_group("receptionist_engine");
    group.bench_function("booking_by_text_5_turns", |bench| {
        bench.iter(|| {
            let mut state = State::default();
            for text in BOOKING {
                black_box(engine::step(&mut state, black_box(text), &ctx));
            }
        })
    });
    let today = availability::local_day(&b.calendar, NOW);
    group.bench_function("day_time_phrase", |bench| {
        bench.iter(|| {
            phrases::parse_when(
                black_box("could I come in next Tuesday morning around 10:30?"),
                today,
            )
        })
    });
    let cut = &b.services[0];
    group.bench_function("free_times_4_weeks", |bench| {
        bench.iter(|| availability::next_free(&b.calendar, cut, None, &held, NOW, 1000).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
