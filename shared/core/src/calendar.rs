//! Business hours: open spans for each weekday in a time zone, less holidays,
//! and the arithmetic SLA clocks need on them: how many open seconds lie
//! between two instants, and when a number of open seconds will have passed.
//!
//! A span's start and end are each read on the local wall clock of its day
//! ([`Zone::to_utc`]), so a span that crosses a daylight saving change lasts
//! the real time between them: 01:00-04:00 on a spring-forward night is two
//! hours. The calendar is open at an instant when some span of some day
//! covers it.

use alloc::vec::Vec;

use crate::zone::Zone;

pub const DAY: i64 = 86_400;

/// How many days without any open time a search goes through before it gives
/// up: ten years, longer than any run of holidays a real calendar has.
pub const MAX_SEARCH_DAYS: i64 = 3_660;

/// 0000-01-01T00:00:00Z. Calendars are closed before it and from
/// [`MAX_INSTANT`] on (the years RFC 3339 can write), which keeps every
/// search finite and every sum inside `i64`.
pub const MIN_INSTANT: i64 = -62_167_219_200;
/// 10000-01-01T00:00:00Z.
pub const MAX_INSTANT: i64 = 253_402_300_800;

const WEEK: i64 = 7 * DAY;

/// Open from `start` to `end`, seconds after local midnight; start < end <= 86_400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Whole hours to whole hours, e.g. `Span::hours(9, 17)`.
    pub const fn hours(start: u32, end: u32) -> Span {
        Span {
            start: start * 3600,
            end: end * 3600,
        }
    }
}

/// What is wrong with a calendar's week; `weekday` counts from Monday = 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarError {
    EmptySpan { weekday: usize },
    SpanPastMidnight { weekday: usize },
    Unsorted { weekday: usize },
    Overlap { weekday: usize },
}

impl CalendarError {
    pub fn describe(self) -> &'static str {
        match self {
            CalendarError::EmptySpan { .. } => "has a span that does not end after it starts",
            CalendarError::SpanPastMidnight { .. } => "has a span that ends after midnight",
            CalendarError::Unsorted { .. } => "has spans out of order",
            CalendarError::Overlap { .. } => "has overlapping spans",
        }
    }

    pub fn weekday(self) -> usize {
        match self {
            CalendarError::EmptySpan { weekday }
            | CalendarError::SpanPastMidnight { weekday }
            | CalendarError::Unsorted { weekday }
            | CalendarError::Overlap { weekday } => weekday,
        }
    }
}

/// Business hours in a time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub zone: Zone,
    /// Open spans of each weekday, Monday first.
    pub week: [Vec<Span>; 7],
    /// Days closed all day, as local day numbers (days since 1970-01-01),
    /// sorted and deduplicated.
    pub holidays: Vec<i64>,
}

impl Calendar {
    /// Checks every day's spans (each valid, sorted by start, not
    /// overlapping; touching is allowed) and sorts and dedups the holidays.
    pub fn new(
        zone: Zone,
        week: [Vec<Span>; 7],
        mut holidays: Vec<i64>,
    ) -> Result<Calendar, CalendarError> {
        for (weekday, spans) in week.iter().enumerate() {
            let mut previous: Option<Span> = None;
            for &span in spans {
                if span.start >= span.end {
                    return Err(CalendarError::EmptySpan { weekday });
                }
                if i64::from(span.end) > DAY {
                    return Err(CalendarError::SpanPastMidnight { weekday });
                }
                if let Some(p) = previous {
                    if span.start < p.start {
                        return Err(CalendarError::Unsorted { weekday });
                    }
                    if span.start < p.end {
                        return Err(CalendarError::Overlap { weekday });
                    }
                }
                previous = Some(span);
            }
        }
        holidays.sort_unstable();
        holidays.dedup();
        Ok(Calendar {
            zone,
            week,
            holidays,
        })
    }

    pub fn is_open(&self, utc: i64) -> bool {
        if !(MIN_INSTANT..MAX_INSTANT).contains(&utc) {
            return false;
        }
        let (lo, hi) = self.zone.offset_range();
        let first = (utc + i64::from(lo)).div_euclid(DAY);
        let last = (utc + i64::from(hi)).div_euclid(DAY);
        (first..=last).any(|d| self.day_intervals(d).any(|(s, e)| s <= utc && utc < e))
    }

    /// Open seconds (real elapsed seconds inside open hours) in [from, to);
    /// 0 when to <= from.
    pub fn open_seconds(&self, from: i64, to: i64) -> i64 {
        let (from, to) = (from.max(MIN_INSTANT), to.min(MAX_INSTANT));
        if to <= from || self.week_seconds() == 0 {
            return 0;
        }
        let mut walk = Walk::new(self, from, to, false);
        let mut total = 0;
        loop {
            let weeks = walk.plain_weeks(to);
            if weeks > 0 {
                total += weeks * walk.week_secs;
                walk.skip(weeks);
                continue;
            }
            match walk.next() {
                Some((s, e)) if s < to => total += e.min(to) - s,
                _ => return total,
            }
        }
    }

    /// The earliest instant t >= from with open_seconds(from, t) == secs
    /// (secs == 0 gives from). None when the calendar has no open hours for
    /// [`MAX_SEARCH_DAYS`] days on end from `from`, or when the instant would
    /// fall at or after [`MAX_INSTANT`].
    pub fn add_open_seconds(&self, from: i64, secs: i64) -> Option<i64> {
        if secs <= 0 {
            return Some(from);
        }
        if from >= MAX_INSTANT || self.week_seconds() == 0 {
            return None;
        }
        let mut walk = Walk::new(self, from.max(MIN_INSTANT), MAX_INSTANT, true);
        let mut left = secs;
        loop {
            // Stop a week short so the last open second is found exactly.
            let weeks = walk
                .plain_weeks(MAX_INSTANT)
                .min((left - 1) / walk.week_secs);
            if weeks > 0 {
                left -= weeks * walk.week_secs;
                walk.skip(weeks);
                continue;
            }
            let (s, e) = walk.next()?;
            if e - s >= left {
                return Some(s + left);
            }
            left -= e - s;
        }
    }

    /// `from` itself when open, else the start of the next open span; None
    /// as for [`Calendar::add_open_seconds`].
    pub fn next_open(&self, from: i64) -> Option<i64> {
        if from >= MAX_INSTANT || self.week_seconds() == 0 {
            return None;
        }
        Walk::new(self, from.max(MIN_INSTANT), MAX_INSTANT, true)
            .next()
            .map(|(s, _)| s)
    }

    /// Open seconds in a week without holidays or clock changes.
    fn week_seconds(&self) -> i64 {
        self.week.iter().map(|spans| nominal_seconds(spans)).sum()
    }

    fn is_holiday(&self, day: i64) -> bool {
        self.holidays.binary_search(&day).is_ok()
    }

    /// The open intervals of local day `day` in UTC, in span order. Spans
    /// inside a skipped hour may come out empty or overlap a neighbour; the
    /// walk below takes their union.
    fn day_intervals(&self, day: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let spans: &[Span] = if self.is_holiday(day) {
            &[]
        } else {
            &self.week[weekday(day)]
        };
        let midnight = day * DAY;
        spans.iter().filter_map(move |span| {
            let (start, end) = clamp(*span);
            let s = self.zone.to_utc(midnight + start);
            let e = self.zone.to_utc(midnight + end);
            (start < end && s < e).then_some((s, e))
        })
    }
}

/// A span's bounds in seconds, cut to the day for spans built without
/// [`Calendar::new`].
fn clamp(span: Span) -> (i64, i64) {
    (i64::from(span.start).min(DAY), i64::from(span.end).min(DAY))
}

/// Seconds covered by a day's spans on a day without a clock change.
fn nominal_seconds(spans: &[Span]) -> i64 {
    let mut bounds: Vec<(i64, i64)> = spans.iter().map(|&s| clamp(s)).collect();
    bounds.sort_unstable();
    let (mut total, mut reached) = (0, 0);
    for (s, e) in bounds {
        let s = s.max(reached);
        if e > s {
            total += e - s;
            reached = e;
        }
    }
    total
}

/// The open time of a calendar from an instant on, as disjoint intervals in
/// time order. Days are read one at a time; an interval is handed out once
/// no later day can open before its end, which near a clock change can take
/// a day longer than the dates suggest. Runs of whole weeks with no holiday
/// and no clock change can be skipped at a known number of open seconds a
/// week, so a long range costs a few steps per clock change and holiday.
struct Walk<'a> {
    cal: &'a Calendar,
    from: i64,
    /// No interval starting at or after this instant is wanted.
    until: i64,
    /// The next local day to read.
    day: i64,
    /// Intervals of every later day start at or after this instant.
    floor: i64,
    /// Read and not yet handed out: sorted, disjoint and not touching.
    pending: Vec<(i64, i64)>,
    /// Whether to give up after [`MAX_SEARCH_DAYS`] days with no open time.
    search: bool,
    last_open_day: i64,
    done: bool,
    week_secs: i64,
    /// How far the zone's two offsets lie apart.
    offset_spread: i64,
}

impl<'a> Walk<'a> {
    fn new(cal: &'a Calendar, from: i64, until: i64, search: bool) -> Self {
        let (lo, hi) = cal.zone.offset_range();
        // Earlier days' intervals end by the local midnight they run up to,
        // which is no later than `from`.
        let day = (from + i64::from(lo)).div_euclid(DAY);
        let mut walk = Walk {
            cal,
            from,
            until,
            day,
            floor: 0,
            pending: Vec::new(),
            search,
            last_open_day: day,
            done: false,
            week_secs: cal.week_seconds(),
            offset_spread: i64::from(hi) - i64::from(lo),
        };
        walk.floor = walk.floor_of(day);
        walk
    }

    fn next(&mut self) -> Option<(i64, i64)> {
        loop {
            if let Some(&(s, e)) = self.pending.first() {
                if self.done || e <= self.floor {
                    self.pending.remove(0);
                    return Some((s, e));
                }
                if s < self.floor {
                    self.pending[0].0 = self.floor;
                    return Some((s, self.floor));
                }
            }
            if self.done {
                return None;
            }
            self.read_day();
        }
    }

    fn read_day(&mut self) {
        let d = self.day;
        if self.floor >= self.until
            || d * DAY > MAX_INSTANT + 2 * DAY
            || (self.search && d - self.last_open_day > MAX_SEARCH_DAYS)
        {
            self.done = true;
            return;
        }
        let before = self.pending.len();
        for (s, e) in self.cal.day_intervals(d) {
            let (s, e) = (s.max(self.from), e.min(MAX_INSTANT));
            if s < e {
                self.pending.push((s, e));
            }
        }
        if self.pending.len() > before {
            self.last_open_day = d;
            merge(&mut self.pending);
        }
        self.day += 1;
        self.floor = self.floor_of(self.day);
    }

    /// Where the intervals of `day` and later days start at the earliest: the
    /// day's midnight, unless a clock change nearby lets a later wall time map
    /// to an earlier instant.
    fn floor_of(&self, day: i64) -> i64 {
        let midnight = self.cal.zone.to_utc(day * DAY);
        if self.offset_spread == 0 {
            return midnight;
        }
        match self.cal.zone.next_transition(midnight - 2 * DAY) {
            Some(t) if t <= midnight + 2 * DAY => midnight - self.offset_spread,
            _ => midnight,
        }
    }

    /// How many whole weeks from the next day to read have no holiday and no
    /// clock change within two days of them, start at or after `from` and
    /// end by `until`: each of those weeks holds exactly `week_secs`.
    fn plain_weeks(&self, until: i64) -> i64 {
        if !self.pending.is_empty() || self.done {
            return 0;
        }
        let zone = &self.cal.zone;
        let start = zone.to_utc(self.day * DAY);
        let offset = self.day * DAY - start;
        if start < self.from || i64::from(zone.offset_at(start)) != offset {
            return 0;
        }
        let mut room = until.min(MAX_INSTANT) - start;
        if let Some(t) = zone.next_transition(start - 2 * DAY) {
            room = room.min(t - 2 * DAY - 1 - start);
        }
        if room < WEEK {
            return 0;
        }
        let mut weeks = room / WEEK;
        let next_holiday = self.cal.holidays.partition_point(|&h| h < self.day);
        if let Some(&h) = self.cal.holidays.get(next_holiday) {
            weeks = weeks.min((h - self.day) / 7);
        }
        weeks
    }

    fn skip(&mut self, weeks: i64) {
        self.day += 7 * weeks;
        if self.week_secs > 0 {
            self.last_open_day = self.day - 1;
        }
        self.floor = self.floor_of(self.day);
    }
}

/// Sorts intervals and joins those that overlap or touch.
fn merge(intervals: &mut Vec<(i64, i64)>) {
    intervals.sort_unstable();
    let mut joined: Vec<(i64, i64)> = Vec::with_capacity(intervals.len());
    for &(s, e) in intervals.iter() {
        match joined.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => joined.push((s, e)),
        }
    }
    *intervals = joined;
}

/// Days since 1970-01-01 of a proleptic Gregorian date. Months and days out
/// of range roll over as in `mktime`: month 13 is January of the next year,
/// day 0 the last day of the month before.
pub fn day_number(year: i32, month: u32, day: u32) -> i64 {
    let months = i64::from(year) * 12 + i64::from(month) - 1;
    days_from_civil(months.div_euclid(12), (months.rem_euclid(12) + 1) as u32, 1) + i64::from(day)
        - 1
}

/// The proleptic Gregorian date of a day number; years past the range of
/// `i32` saturate.
pub fn civil(day: i64) -> (i32, u32, u32) {
    // Far past the range of i32 years every answer saturates anyway.
    let (y, m, d) = civil_i64(day.clamp(-1_000_000_000_000, 1_000_000_000_000));
    (
        y.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        m,
        d,
    )
}

/// Weekday of a day number, Monday = 0 (1970-01-01 was a Thursday, 3).
pub fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of year, month 1-12 and day 1-31 (days past the
/// month's end run on into the next).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Years start in March so the leap day falls at the end.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_i64(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    const HOUR: i64 = 3600;

    fn zone(spec: &str) -> Zone {
        Zone::parse(spec).unwrap()
    }

    /// UTC instant of a local wall time.
    fn at(z: &Zone, (y, m, d): (i32, u32, u32), h: i64, min: i64) -> i64 {
        z.to_utc(day_number(y, m, d) * DAY + h * HOUR + min * 60)
    }

    fn every_day(spans: &[Span]) -> [Vec<Span>; 7] {
        core::array::from_fn(|_| spans.to_vec())
    }

    fn weekdays(spans: &[Span]) -> [Vec<Span>; 7] {
        core::array::from_fn(|d| if d < 5 { spans.to_vec() } else { vec![] })
    }

    fn cal(spec: &str, week: [Vec<Span>; 7], holidays: Vec<i64>) -> Calendar {
        Calendar::new(zone(spec), week, holidays).unwrap()
    }

    /// The open seconds of a range as the union of every day's intervals,
    /// without the walk and its shortcuts.
    fn union_seconds(c: &Calendar, from: i64, to: i64) -> i64 {
        let mut all: Vec<(i64, i64)> = Vec::new();
        for d in from.div_euclid(DAY) - 2..=to.div_euclid(DAY) + 2 {
            for (s, e) in c.day_intervals(d) {
                let (s, e) = (s.max(from), e.min(to));
                if s < e {
                    all.push((s, e));
                }
            }
        }
        merge(&mut all);
        all.iter().map(|(s, e)| e - s).sum()
    }

    #[test]
    fn validation() {
        let ok = |spans: Vec<Span>| Calendar::new(Zone::UTC, every_day(&spans), vec![]);
        assert!(
            ok(vec![Span::hours(9, 12), Span::hours(12, 17)]).is_ok(),
            "touching"
        );
        assert!(ok(vec![Span::hours(0, 24)]).is_ok());
        assert_eq!(
            ok(vec![Span::hours(9, 9)]),
            Err(CalendarError::EmptySpan { weekday: 0 })
        );
        assert_eq!(
            ok(vec![Span::hours(9, 25)]),
            Err(CalendarError::SpanPastMidnight { weekday: 0 })
        );
        assert_eq!(
            ok(vec![Span::hours(13, 17), Span::hours(9, 12)]),
            Err(CalendarError::Unsorted { weekday: 0 })
        );
        assert_eq!(
            ok(vec![Span::hours(9, 13), Span::hours(12, 17)]),
            Err(CalendarError::Overlap { weekday: 0 })
        );
        let mut week = every_day(&[]);
        week[4] = vec![Span::hours(10, 8)];
        let err = Calendar::new(Zone::UTC, week, vec![]).unwrap_err();
        assert_eq!(err.weekday(), 4);
        assert!(!err.describe().is_empty());
        let c = cal("UTC", every_day(&[]), vec![5, 3, 5, 1]);
        assert_eq!(c.holidays, [1, 3, 5]);
    }

    #[test]
    fn dates_and_weekdays() {
        assert_eq!(day_number(1970, 1, 1), 0);
        assert_eq!(weekday(0), 3, "a Thursday");
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(day_number(2000, 2, 29), 11_016);
        assert_eq!(civil(-1), (1969, 12, 31));
        assert_eq!(day_number(2026, 13, 1), day_number(2027, 1, 1));
        assert_eq!(day_number(2026, 3, 0), day_number(2026, 2, 28));
        assert_eq!(civil(i64::MAX).0, i32::MAX);
        assert_eq!(civil(i64::MIN).0, i32::MIN);
    }

    #[test]
    fn weekend_is_skipped() {
        let ny = zone("America/New_York");
        let c = cal("America/New_York", weekdays(&[Span::hours(9, 17)]), vec![]);
        // Friday 16:00, the weekend the clocks go forward.
        let friday = at(&ny, (2026, 3, 6), 16, 0);
        assert_eq!(weekday(day_number(2026, 3, 6)), 4);
        assert_eq!(
            c.add_open_seconds(friday, 2 * HOUR),
            Some(at(&ny, (2026, 3, 9), 10, 0))
        );
        assert_eq!(
            c.open_seconds(friday, at(&ny, (2026, 3, 9), 10, 0)),
            2 * HOUR
        );
        // Nothing on Saturday and Sunday.
        let saturday = at(&ny, (2026, 3, 7), 0, 0);
        assert_eq!(c.open_seconds(saturday, at(&ny, (2026, 3, 9), 0, 0)), 0);
        assert_eq!(c.next_open(saturday), Some(at(&ny, (2026, 3, 9), 9, 0)));
        assert!(!c.is_open(saturday + 12 * HOUR));
        assert!(c.is_open(friday));
        assert_eq!(c.next_open(friday), Some(friday));
    }

    #[test]
    fn holidays_count_nothing() {
        let c = cal(
            "Europe/Berlin",
            every_day(&[Span::hours(9, 17)]),
            vec![day_number(2026, 6, 3)],
        );
        let z = &c.zone;
        let week = c.open_seconds(at(z, (2026, 6, 1), 0, 0), at(z, (2026, 6, 8), 0, 0));
        assert_eq!(week, 6 * 8 * HOUR);
        assert!(!c.is_open(at(z, (2026, 6, 3), 12, 0)));
        assert_eq!(
            c.add_open_seconds(at(z, (2026, 6, 2), 16, 0), 2 * HOUR),
            Some(at(z, (2026, 6, 4), 10, 0))
        );
    }

    #[test]
    fn lunch_is_skipped() {
        let c = cal(
            "+02:00",
            weekdays(&[Span::hours(9, 12), Span::hours(13, 17)]),
            vec![],
        );
        let z = &c.zone;
        let monday = (2026, 6, 1);
        assert_eq!(
            c.open_seconds(at(z, monday, 8, 0), at(z, monday, 18, 0)),
            7 * HOUR
        );
        assert_eq!(
            c.add_open_seconds(at(z, monday, 11, 0), 2 * HOUR),
            Some(at(z, monday, 14, 0))
        );
        assert_eq!(
            c.add_open_seconds(at(z, monday, 11, 0), HOUR),
            Some(at(z, monday, 12, 0))
        );
        assert_eq!(
            c.next_open(at(z, monday, 12, 0)),
            Some(at(z, monday, 13, 0))
        );
        assert!(!c.is_open(at(z, monday, 12, 30)));
        // Touching spans run on.
        let t = cal(
            "+02:00",
            weekdays(&[Span::hours(9, 12), Span::hours(12, 17)]),
            vec![],
        );
        assert_eq!(
            t.add_open_seconds(at(z, monday, 11, 0), 2 * HOUR),
            Some(at(z, monday, 13, 0))
        );
    }

    /// Open seconds of one local day with the given spans every day.
    fn day_seconds(spec: &str, spans: &[Span], date: (i32, u32, u32)) -> i64 {
        let c = cal(spec, every_day(spans), vec![]);
        let d = day_number(date.0, date.1, date.2);
        let (from, to) = (c.zone.to_utc(d * DAY), c.zone.to_utc((d + 1) * DAY));
        let secs = c.open_seconds(from, to);
        assert_eq!(secs, union_seconds(&c, from, to));
        assert_eq!(
            c.add_open_seconds(from, secs),
            Some(
                c.zone
                    .to_utc(d * DAY + i64::from(spans.last().unwrap().end))
            )
        );
        secs
    }

    #[test]
    fn clock_changes() {
        let nine_to_five = [Span::hours(9, 17)];
        let all_day = [Span::hours(0, 24)];
        let ny = "America/New_York";
        assert_eq!(day_seconds(ny, &nine_to_five, (2026, 3, 8)), 8 * HOUR);
        assert_eq!(day_seconds(ny, &nine_to_five, (2026, 11, 1)), 8 * HOUR);
        assert_eq!(day_seconds(ny, &all_day, (2026, 3, 8)), 23 * HOUR);
        assert_eq!(day_seconds(ny, &all_day, (2026, 11, 1)), 25 * HOUR);
        assert_eq!(
            day_seconds(ny, &[Span::hours(1, 4)], (2026, 3, 8)),
            2 * HOUR
        );
        assert_eq!(
            day_seconds(ny, &[Span::hours(1, 4)], (2026, 11, 1)),
            4 * HOUR
        );
        let berlin = "Europe/Berlin";
        assert_eq!(day_seconds(berlin, &nine_to_five, (2026, 3, 29)), 8 * HOUR);
        assert_eq!(day_seconds(berlin, &all_day, (2026, 3, 29)), 23 * HOUR);
        assert_eq!(day_seconds(berlin, &all_day, (2026, 10, 25)), 25 * HOUR);
        // Lord Howe moves its clocks by half an hour.
        let lord_howe = "Australia/Lord_Howe";
        assert_eq!(
            day_seconds(lord_howe, &all_day, (2026, 10, 4)),
            23 * HOUR + 1800
        );
        assert_eq!(
            day_seconds(lord_howe, &all_day, (2026, 4, 5)),
            24 * HOUR + 1800
        );
        assert_eq!(
            day_seconds(lord_howe, &[Span::hours(1, 3)], (2026, 10, 4)),
            HOUR + 1800
        );
        assert_eq!(
            day_seconds(lord_howe, &nine_to_five, (2026, 4, 5)),
            8 * HOUR
        );
        // Chatham changes at 02:45 and 03:45.
        let chatham = "Pacific/Chatham";
        assert_eq!(day_seconds(chatham, &all_day, (2026, 9, 27)), 23 * HOUR);
        assert_eq!(day_seconds(chatham, &all_day, (2026, 4, 5)), 25 * HOUR);
        // A span that starts in the skipped hour opens when the hour is over.
        let c = cal(
            ny,
            every_day(&[Span {
                start: 2 * 3600 + 1800,
                end: 5 * 3600,
            }]),
            vec![],
        );
        assert_eq!(
            c.next_open(at(&c.zone, (2026, 3, 8), 0, 0)),
            Some(at(&c.zone, (2026, 3, 8), 3, 30))
        );
    }

    #[test]
    fn no_open_hours_ends() {
        let never = cal("America/New_York", every_day(&[]), vec![]);
        assert_eq!(never.add_open_seconds(0, 1), None);
        assert_eq!(never.next_open(0), None);
        assert_eq!(never.open_seconds(i64::MIN, i64::MAX), 0);
        // Mondays only, and every Monday of eleven years a holiday.
        let mut week = every_day(&[]);
        week[0] = vec![Span::hours(9, 17)];
        let first_monday = day_number(2026, 1, 5);
        let holidays = (0..11 * 53).map(|w| first_monday + 7 * w).collect();
        let c = Calendar::new(zone("Europe/Berlin"), week, holidays).unwrap();
        let from = at(&c.zone, (2026, 1, 1), 0, 0);
        assert_eq!(c.add_open_seconds(from, 1), None);
        assert_eq!(c.next_open(from), None);
        assert_eq!(c.add_open_seconds(from, 0), Some(from));
    }

    #[test]
    fn long_ranges() {
        let c = cal(
            "America/New_York",
            weekdays(&[Span::hours(9, 12), Span::hours(13, 17)]),
            vec![day_number(2030, 7, 4)],
        );
        let z = &c.zone;
        // A year, day by day without shortcuts, against one call.
        let (from, to) = (at(z, (2030, 1, 1), 0, 0), at(z, (2031, 1, 1), 0, 0));
        let by_day: i64 = (day_number(2030, 1, 1)..day_number(2031, 1, 1))
            .map(|d| c.open_seconds(z.to_utc(d * DAY), z.to_utc((d + 1) * DAY)))
            .sum();
        assert_eq!(c.open_seconds(from, to), by_day);
        assert_eq!(by_day, (261 - 1) * 7 * HOUR);
        assert_eq!(
            c.add_open_seconds(from, by_day),
            Some(at(z, (2030, 12, 31), 17, 0))
        );
        // A century is the sum of its years.
        let years: i64 = (2000..2100)
            .map(|y| c.open_seconds(at(z, (y, 1, 1), 0, 0), at(z, (y + 1, 1, 1), 0, 0)))
            .sum();
        let century = c.open_seconds(at(z, (2000, 1, 1), 0, 0), at(z, (2100, 1, 1), 0, 0));
        assert_eq!(century, years);
        assert_eq!(
            c.add_open_seconds(at(z, (2000, 1, 1), 0, 0), century),
            Some(at(z, (2099, 12, 31), 17, 0))
        );
        // The whole range, and beyond it.
        let all = c.open_seconds(i64::MIN, i64::MAX);
        assert!(all > 0 && all == c.open_seconds(MIN_INSTANT, MAX_INSTANT));
        assert_eq!(c.add_open_seconds(MIN_INSTANT, all + 1), None);
        assert_eq!(c.add_open_seconds(i64::MAX, 1), None);
        assert_eq!(c.next_open(i64::MAX), None);
        assert!(c.next_open(i64::MIN).is_some());
        assert!(!c.is_open(i64::MAX));
    }

    proptest! {
        #[test]
        fn civil_matches_chrono(day in -50_000_000i64..50_000_000) {
            let date = NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32).unwrap();
            prop_assert_eq!(civil(day), (date.year(), date.month(), date.day()));
            prop_assert_eq!(day_number(date.year(), date.month(), date.day()), day);
            prop_assert_eq!(weekday(day), date.weekday().num_days_from_monday() as usize);
        }
    }

    fn test_zone() -> impl Strategy<Value = Zone> {
        prop_oneof![
            Just("+05:30"),
            Just("America/New_York"),
            Just("Europe/Berlin"),
            Just("Australia/Lord_Howe"),
            Just("Pacific/Chatham"),
        ]
        .prop_map(zone)
    }

    /// A boundary: often on the hour or half hour, where clocks change.
    fn boundary() -> impl Strategy<Value = u32> {
        prop_oneof![
            (0u32..=24).prop_map(|h| h * 3600),
            (0u32..=96).prop_map(|q| q * 900),
            0u32..=86_400,
        ]
    }

    fn day_spans() -> impl Strategy<Value = Vec<Span>> {
        prop_oneof![
            1 => Just(vec![]),
            3 => proptest::collection::btree_set(boundary(), 2..=6).prop_map(|cuts| {
                let cuts: Vec<u32> = cuts.into_iter().collect();
                cuts.chunks_exact(2).map(|c| Span { start: c[0], end: c[1] }).collect()
            }),
        ]
    }

    /// 2026-01-01 to 2028-01-01, which holds four clock changes a zone.
    const START: i64 = 1_767_225_600;
    const SPAN: i64 = 730 * DAY;

    fn calendar() -> impl Strategy<Value = Calendar> {
        (
            test_zone(),
            proptest::array::uniform7(day_spans()),
            proptest::collection::vec(START / DAY..(START + SPAN) / DAY, 0..20),
        )
            .prop_map(|(z, week, holidays)| Calendar::new(z, week, holidays).unwrap())
    }

    fn instant() -> impl Strategy<Value = i64> {
        START..START + SPAN
    }

    /// A length, mostly short.
    fn length() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..2 * DAY, 0i64..30 * DAY, 0i64..200 * DAY]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn open_seconds_is_the_union(c in calendar(), a in instant(), len in 0i64..20 * DAY) {
            prop_assert_eq!(c.open_seconds(a, a + len), union_seconds(&c, a, a + len));
        }

        #[test]
        fn additive(c in calendar(), a in instant(), x in length(), y in length()) {
            let (b, d) = (a + x, a + x + y);
            prop_assert_eq!(c.open_seconds(a, b) + c.open_seconds(b, d), c.open_seconds(a, d));
        }

        #[test]
        fn monotonic_and_bounded(c in calendar(), a in instant(), x in length(), y in 0i64..3 * DAY) {
            let short = c.open_seconds(a, a + x);
            let long = c.open_seconds(a, a + x + y);
            prop_assert!(short <= long);
            prop_assert!(0 <= short && short <= x);
            prop_assert_eq!(c.open_seconds(a + x, a), 0);
        }

        #[test]
        fn is_open_is_one_second(c in calendar(), t in instant()) {
            prop_assert_eq!(i64::from(c.is_open(t)), c.open_seconds(t, t + 1));
        }

        #[test]
        fn add_is_the_inverse(c in calendar(), from in instant(), secs in 0i64..40 * DAY, more in 0i64..DAY) {
            let Some(t) = c.add_open_seconds(from, secs) else {
                prop_assert_eq!(c.next_open(from), None);
                return Ok(());
            };
            prop_assert!(t >= from);
            prop_assert_eq!(c.open_seconds(from, t), secs);
            if secs > 0 {
                prop_assert_eq!(c.open_seconds(from, t - 1), secs - 1, "earliest");
                prop_assert!(c.is_open(t - 1));
            } else {
                prop_assert_eq!(t, from);
            }
            let later = c.add_open_seconds(from, secs + more).unwrap();
            prop_assert!(later >= t);
        }

        #[test]
        fn next_open_is_the_first_open_second(c in calendar(), from in instant()) {
            if let Some(t) = c.next_open(from) {
                prop_assert!(t >= from);
                prop_assert!(c.is_open(t));
                prop_assert_eq!(c.open_seconds(from, t), 0);
                prop_assert_eq!(c.add_open_seconds(from, 1), Some(t + 1));
            }
        }

        #[test]
        fn holidays_and_empty_days_count_nothing(c in calendar(), day in START / DAY..(START + SPAN) / DAY) {
            let mut holiday = c.clone();
            holiday.holidays = vec![day];
            let z = &c.zone;
            let (from, to) = (z.to_utc(day * DAY), z.to_utc((day + 1) * DAY));
            // Spans end by the next midnight, except across a skipped hour.
            prop_assert_eq!(holiday.open_seconds(from, to - 2 * HOUR), 0);
            if c.week[weekday(day)].is_empty() {
                prop_assert_eq!(c.open_seconds(from, to - 2 * HOUR), 0);
            }
        }
    }
}
