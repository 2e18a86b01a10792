//! A business-hours calendar as `PUT /api/sla/business-hours` builds it
//! from a request: any zone text, any spans and holidays never panic, and
//! whatever calendar results counts open time consistently.
#![no_main]

use edgedesk_core::calendar::{Calendar, Span};
use edgedesk_core::sla::{Clock, Status};
use edgedesk_core::zone::Zone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Vec<(u8, u32, u32)>, Vec<i16>, (u32, u32, u32))| {
    let (zone, spans, holidays, (start, len, target)) = input;
    let Ok(zone) = Zone::parse(zone) else {
        return;
    };
    let mut week: [Vec<Span>; 7] = Default::default();
    for (day, s, e) in spans.into_iter().take(14) {
        week[usize::from(day) % 7].push(Span {
            start: s % 86_401,
            end: e % 86_401,
        });
    }
    for day in &mut week {
        day.sort_by_key(|s| s.start);
    }
    let holidays = holidays.into_iter().map(|d| 20_000 + i64::from(d)).collect();
    let Ok(calendar) = Calendar::new(zone, week, holidays) else {
        return;
    };
    let from = 1_790_000_000 + i64::from(start % 50_000_000);
    let to = from + i64::from(len % 3_000_000);
    let open = calendar.open_seconds(from, to);
    assert!((0..=to - from).contains(&open));
    if let Some(end) = calendar.add_open_seconds(from, open) {
        assert!(end <= to, "{end} > {to}");
        assert_eq!(calendar.open_seconds(from, end), open);
    }
    let clock = Clock::new(from, i64::from(target % 1_000_000) + 60, 80);
    if clock.status(&calendar, to) == Status::Breached {
        let due = clock.deadline(&calendar, to).expect("a breached clock has a deadline");
        assert!(due <= to);
    }
});
