//! Free times: the business's open hours less what is already held
//! (appointments and their buffers, busy times from its calendar), in its
//! time zone. Instants here are Unix seconds.
//!
//! Candidate starts are read on the local wall clock every [`STEP_SECS`]
//! from each open span's start, then turned into instants with the zone's
//! rule, so a day that changes its clocks offers the times its clock shows.
//! A start is free when the whole service lies in open time (checked on the
//! calendar itself, which knows the day's real length) and the service with
//! its buffer overlaps nothing held. The buffer may run past closing.

use crate::business::Service;
use edgedesk_core::calendar::{Calendar, DAY, weekday};

/// Starts are offered on this grid of the local clock.
pub const STEP_SECS: i64 = 15 * 60;

/// How soon a booking may start: the business needs a moment's notice.
pub const LEAD_SECS: i64 = 30 * 60;

/// How far ahead the assistant looks for free times.
pub const HORIZON_DAYS: i64 = 28;

/// The local day an instant falls on.
pub fn local_day(cal: &Calendar, at: i64) -> i64 {
    cal.zone.to_local(at).div_euclid(DAY)
}

/// The instant of local wall time `secs` after midnight of `day`.
pub fn instant(cal: &Calendar, day: i64, secs: u32) -> i64 {
    cal.zone.to_utc(day * DAY + i64::from(secs))
}

/// Seconds after local midnight of an instant.
pub fn local_secs(cal: &Calendar, at: i64) -> u32 {
    // In 0..86_400, so the cast is exact.
    cal.zone.to_local(at).rem_euclid(DAY) as u32
}

/// Whether `[start, start + duration)` lies in open time and
/// `[start, start + held)` overlaps nothing in `busy` (sorted or not).
pub fn is_free(
    cal: &Calendar,
    service: &Service,
    start: i64,
    busy: &[(i64, i64)],
    now: i64,
) -> bool {
    let length = i64::from(service.duration_minutes) * 60;
    let held = service.held_secs();
    start >= now + LEAD_SECS
        && cal.open_seconds(start, start + length) == length
        && !busy.iter().any(|&(b, e)| b < start + held && start < e)
}

/// The free starts for `service` on local `day`, earliest first, within
/// local seconds `[from, to)` of the day when given.
pub fn free_on_day(
    cal: &Calendar,
    service: &Service,
    day: i64,
    window: Option<(u32, u32)>,
    busy: &[(i64, i64)],
    now: i64,
) -> Vec<i64> {
    if cal.holidays.binary_search(&day).is_ok() {
        return Vec::new();
    }
    let (from, to) = window.unwrap_or((0, 86_400));
    let mut out: Vec<i64> = Vec::new();
    for span in &cal.week[weekday(day)] {
        let mut secs = i64::from(span.start);
        while secs < i64::from(span.end) {
            let wall = secs as u32;
            if (from..to).contains(&wall) {
                let start = instant(cal, day, wall);
                // A wall time skipped by a clock change lands on the same
                // instant as a later one: offer it once, at its real time.
                if local_day(cal, start) == day
                    && out.last().is_none_or(|&l| l < start)
                    && is_free(cal, service, start, busy, now)
                {
                    out.push(start);
                }
            }
            secs += STEP_SECS;
        }
    }
    out
}

/// Up to `limit` free starts from `now` on, earliest first, looking
/// [`HORIZON_DAYS`] ahead, within a daily window when given.
pub fn next_free(
    cal: &Calendar,
    service: &Service,
    window: Option<(u32, u32)>,
    busy: &[(i64, i64)],
    now: i64,
    limit: usize,
) -> Vec<i64> {
    let today = local_day(cal, now);
    let mut out = Vec::new();
    for day in today..today + HORIZON_DAYS {
        for start in free_on_day(cal, service, day, window, busy, now) {
            out.push(start);
            if out.len() == limit {
                return out;
            }
        }
    }
    out
}

/// Up to `limit` free starts on `day` nearest to the local time `wanted`.
pub fn nearest(
    cal: &Calendar,
    service: &Service,
    day: i64,
    wanted: u32,
    busy: &[(i64, i64)],
    now: i64,
    limit: usize,
) -> Vec<i64> {
    let target = instant(cal, day, wanted);
    let mut free = free_on_day(cal, service, day, None, busy, now);
    free.sort_by_key(|&s| ((s - target).abs(), s));
    free.truncate(limit);
    free.sort_unstable();
    free
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours;
    use edgedesk_core::calendar::{Span, day_number};
    use edgedesk_core::zone::Zone;
    use proptest::prelude::*;

    fn salon() -> Calendar {
        let week = hours::parse_week(&serde_json::json!({
            "mon": [["09:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]],
            "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]],
            "sat": [["01:00", "05:00"]], "sun": [["00:30", "04:00"]]
        }))
        .unwrap();
        hours::calendar(Zone::parse("America/Chicago").unwrap(), week, vec![]).unwrap()
    }

    fn cut() -> Service {
        Service {
            id: "haircut".into(),
            name: "Haircut".into(),
            aliases: vec![],
            duration_minutes: 45,
            buffer_minutes: 15,
            price_cents: None,
        }
    }

    fn at(cal: &Calendar, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        instant(cal, day_number(y, m, d), h * 3600 + min * 60)
    }

    const LONG_AGO: i64 = 0;

    #[test]
    fn a_plain_day_offers_every_quarter_hour_the_service_fits() {
        let cal = salon();
        let day = day_number(2026, 11, 25); // a Wednesday
        let free = free_on_day(&cal, &cut(), day, None, &[], LONG_AGO);
        // 09:00 .. 16:15: the 45 minutes end by 17:00; the buffer may run over.
        assert_eq!(free.len(), 30);
        assert_eq!(free[0], at(&cal, 2026, 11, 25, 9, 0));
        assert_eq!(*free.last().unwrap(), at(&cal, 2026, 11, 25, 16, 15));
    }

    #[test]
    fn lunch_splits_the_day_and_held_time_with_its_buffer_is_skipped() {
        let cal = salon();
        let day = day_number(2026, 11, 24); // a Tuesday
        let booked = (at(&cal, 2026, 11, 24, 10, 0), at(&cal, 2026, 11, 24, 11, 0));
        let free = free_on_day(&cal, &cut(), day, None, &[booked], LONG_AGO);
        let local: Vec<u32> = free.iter().map(|&s| local_secs(&cal, s) / 60).collect();
        // 09:00 ends (with its buffer) at 10:00; 09:15 would hold 10:00-10:15.
        // 11:00 and 11:15 end by noon, their buffers running into lunch.
        // After lunch 13:00 .. 16:15.
        assert_eq!(&local[..3], &[540, 660, 675]);
        assert_eq!(local[3], 780);
        assert!(
            !local.contains(&570),
            "09:30 + 45 min + 15 min buffer overlaps 10:00"
        );
    }

    #[test]
    fn the_lead_time_and_holidays_are_respected() {
        let day = day_number(2026, 11, 25);
        let cal = salon();
        let now = at(&cal, 2026, 11, 25, 12, 5);
        let free = free_on_day(&cal, &cut(), day, None, &[], now);
        assert_eq!(free[0], at(&cal, 2026, 11, 25, 12, 45));
        let closed = hours::calendar(cal.zone.clone(), cal.week.clone(), vec![day]).unwrap();
        assert!(free_on_day(&closed, &cut(), day, None, &[], LONG_AGO).is_empty());
    }

    #[test]
    fn daylight_saving_days_offer_what_the_wall_clock_shows() {
        let cal = salon();
        // 2026-03-08 (Sunday): 02:00 CST jumps to 03:00 CDT. Open 00:30-04:00
        // on the wall clock is 2.5 real hours; 02:00-02:45 do not exist, and
        // 01:30 + 45 minutes is 03:15 on the wall.
        let spring = day_number(2026, 3, 8);
        let free = free_on_day(&cal, &cut(), spring, None, &[], LONG_AGO);
        let local: Vec<u32> = free.iter().map(|&s| local_secs(&cal, s) / 60).collect();
        assert_eq!(local, vec![30, 45, 60, 75, 90, 105, 180, 195]);
        assert_eq!(free[4] + 45 * 60, at(&cal, 2026, 3, 8, 3, 15));
        assert!(free.windows(2).all(|w| w[0] < w[1]));
        // 2026-11-01 (Sunday): 02:00 CDT falls back to 01:00 CST. The wall
        // clock's 01:00-02:00 happens twice; each start is offered once, at
        // its earlier instant, and the day is 4.5 real hours long.
        let fall = day_number(2026, 11, 1);
        let free = free_on_day(&cal, &cut(), fall, None, &[], LONG_AGO);
        assert_eq!(free.len(), 12);
        assert!(free.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn next_free_and_nearest() {
        let cal = salon();
        let now = at(&cal, 2026, 11, 25, 16, 30);
        let next = next_free(&cal, &cut(), None, &[], now, 3);
        assert_eq!(next[0], at(&cal, 2026, 11, 26, 9, 0));
        let morning = next_free(&cal, &cut(), Some((13 * 3600, 17 * 3600)), &[], now, 1);
        assert_eq!(morning[0], at(&cal, 2026, 11, 26, 13, 0));
        let day = day_number(2026, 11, 26);
        let near = nearest(&cal, &cut(), day, 15 * 3600 + 10 * 60, &[], now, 3);
        let local: Vec<u32> = near.iter().map(|&s| local_secs(&cal, s) / 60).collect();
        assert_eq!(local, vec![900, 915, 930]);
    }

    proptest! {
        /// Every offered start is free by the definition, and no two
        /// offered times of one service overlap anything held.
        #[test]
        fn offered_starts_are_free(
            day in day_number(2026, 1, 1)..day_number(2028, 1, 1),
            held in proptest::collection::vec((0u32..96, 1u32..12), 0..6),
            dur in 1u32..24, buf in 0u32..6,
        ) {
            let cal = salon();
            let service = Service { duration_minutes: dur * 5, buffer_minutes: buf * 5, ..cut() };
            let busy: Vec<(i64, i64)> = held
                .iter()
                .map(|&(q, n)| {
                    let s = instant(&cal, day, q * 900);
                    (s, s + i64::from(n) * 300)
                })
                .collect();
            let free = free_on_day(&cal, &service, day, None, &busy, LONG_AGO);
            for &s in &free {
                prop_assert!(is_free(&cal, &service, s, &busy, LONG_AGO));
                prop_assert_eq!(local_day(&cal, s), day);
                let length = i64::from(service.duration_minutes) * 60;
                prop_assert_eq!(cal.open_seconds(s, s + length), length);
                for &(b, e) in &busy {
                    prop_assert!(!(b < s + service.held_secs() && s < e));
                }
            }
            prop_assert!(free.windows(2).all(|w| w[0] < w[1]));
        }

        /// Nothing free is missed: every quarter-hour of the wall clock that
        /// is free by the definition is offered.
        #[test]
        fn no_free_start_is_missed(day in day_number(2026, 1, 1)..day_number(2028, 1, 1), dur in 1u32..24) {
            let cal = salon();
            let service = Service { duration_minutes: dur * 5, ..cut() };
            let free = free_on_day(&cal, &service, day, None, &[], LONG_AGO);
            for q in 0..96u32 {
                let s = instant(&cal, day, q * 900);
                let on_span = cal.week[weekday(day)].iter().any(|sp: &Span| (sp.start..sp.end).contains(&(q * 900)));
                if on_span && local_day(&cal, s) == day && is_free(&cal, &service, s, &[], LONG_AGO) {
                    prop_assert!(free.contains(&s), "{} missed", q * 15);
                }
            }
        }
    }
}
