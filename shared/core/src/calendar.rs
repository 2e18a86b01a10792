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
