//! Time zones as their current rules: a standard offset and, where the zone
//! keeps daylight saving time, the POSIX TZ rule for when it starts and ends.
//! That is what the footer of a TZif file holds, so a few bytes per zone
//! describe every instant from now on. Past rule changes are not kept: the
//! zones serve scheduling (business hours, SLA deadlines), which looks at the
//! present and the future.

use crate::calendar::{DAY, days_from_civil, days_in_month, is_leap, weekday};

/// A time zone's current rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// Seconds east of UTC outside daylight saving time.
    std_offset: i32,
    dst: Option<Dst>,
}

/// Daylight saving time: its offset and the local times it starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dst {
    offset: i32,
    start: Change,
    end: Change,
}

/// A day of the year and a time on it, read on the wall clock in force just
/// before the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    day: RuleDay,
    /// Seconds after local midnight; RFC 8536 lets this run from -167 h to
    /// +167 h so a change can be written as "the Saturday before, at 24:00".
    time: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleDay {
    /// `Jn`: 1 to 365, February 29 never counted.
    Julian(u16),
    /// `n`: 0 to 365, February 29 counted in leap years.
    Ordinal(u16),
    /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
    Weekday { month: u8, week: u8, weekday: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneError {
    /// Neither a name from the table, an offset nor a POSIX TZ rule.
    Unknown,
    /// An offset that is not `Z`, `±HH`, `±HH:MM`, `±HHMM` or `±HH:MM:SS`.
    BadOffset,
    /// A fixed offset of a day or more.
    OffsetOutOfRange,
    /// A POSIX TZ rule that does not follow the grammar or its ranges.
    BadRule,
}

impl ZoneError {
    pub fn describe(self) -> &'static str {
        match self {
            ZoneError::Unknown => {
                "is not a known time zone, a POSIX TZ rule or an offset like -06:00"
            }
            ZoneError::BadOffset => "is not an offset like -06:00, +05:30 or Z",
            ZoneError::OffsetOutOfRange => "is an offset of a day or more from UTC",
            ZoneError::BadRule => "is not a valid POSIX TZ rule such as EST5EDT,M3.2.0,M11.1.0",
        }
    }
}

/// The Gregorian calendar, weekdays included, repeats every 400 years, and so
/// does every rule: instants are reduced into one cycle before the rules are
/// applied, which keeps the arithmetic small for any `i64`.
const CYCLE: i64 = 146_097 * DAY;

/// Rules take effect at 02:00 local time unless they say otherwise.
const DEFAULT_CHANGE_TIME: i32 = 2 * 3600;

/// A change is one of the two transitions of a year: into daylight saving
/// time or back to standard time.
#[derive(Debug, Clone, Copy)]
struct Event {
    at: i64,
    year: i64,
    to_dst: bool,
}

impl Zone {
    pub const UTC: Zone = Zone {
        std_offset: 0,
        dst: None,
    };

    /// Fixed offset in seconds east of UTC; |offset| < 24 h.
    pub fn fixed(offset_secs: i32) -> Result<Zone, ZoneError> {
        if i64::from(offset_secs).abs() >= DAY {
            return Err(ZoneError::OffsetOutOfRange);
        }
        Ok(Zone {
            std_offset: offset_secs,
            dst: None,
        })
    }

    /// A POSIX TZ rule as in a TZif footer: "EST5EDT,M3.2.0,M11.1.0",
    /// "CET-1CEST,M3.5.0,M10.5.0/3", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
    /// "<-03>3", "UTC0", with `Jn` and `n` day forms and change times from
    /// -167 h to +167 h (RFC 8536 §3.3.1). A daylight name without dates
    /// takes the US dates (M3.2.0,M11.1.0), as POSIX systems do by default.
    pub fn posix(rule: &str) -> Result<Zone, ZoneError> {
        Posix::new(rule).zone().ok_or(ZoneError::BadRule)
    }

    /// An IANA name from the built-in table (see [`iana_rule`]; letter case
    /// is ignored), else a fixed offset ("+05:30", "-06:00", "+0530", "Z"),
    /// else a POSIX TZ rule.
    pub fn parse(spec: &str) -> Result<Zone, ZoneError> {
        let spec = spec.trim();
        if let Some(rule) = iana_rule(spec) {
            return Zone::posix(rule);
        }
        if spec.eq_ignore_ascii_case("z") {
            return Ok(Zone::UTC);
        }
        if spec.starts_with(['+', '-']) {
            return Zone::fixed(parse_fixed(spec)?);
        }
        Zone::posix(spec).map_err(|_| ZoneError::Unknown)
    }

    /// Seconds east of UTC outside daylight saving time.
    pub fn standard_offset(&self) -> i32 {
        self.std_offset
    }

    /// Seconds east of UTC during daylight saving time, for zones that keep it.
    pub fn daylight_offset(&self) -> Option<i32> {
        self.dst.map(|d| d.offset)
    }

    /// The smallest and largest offset the zone uses.
    pub fn offset_range(&self) -> (i32, i32) {
        let other = self.daylight_offset().unwrap_or(self.std_offset);
        (self.std_offset.min(other), self.std_offset.max(other))
    }

    /// Seconds east of UTC in force at that instant.
    pub fn offset_at(&self, utc: i64) -> i32 {
        let Some(dst) = self.dst else {
            return self.std_offset;
        };
        let t = utc.rem_euclid(CYCLE);
        let events = self.events(&dst, t);
        let mut in_dst = false;
        for e in events.iter().take_while(|e| e.at <= t) {
            in_dst = e.to_dst;
        }
        if in_dst { dst.offset } else { self.std_offset }
    }

    /// The first instant after `after` at which the offset changes; `None`
    /// for zones whose offset never changes.
    pub fn next_transition(&self, after: i64) -> Option<i64> {
        let dst = self.dst?;
        if dst.offset == self.std_offset {
            return None;
        }
        let t = after.rem_euclid(CYCLE);
        let shift = after - t;
        let mut current = self.offset_at(t);
        let events = self.events(&dst, t);
        for (i, e) in events.iter().enumerate() {
            // Several changes at one instant leave the last one in force.
            let last_at_instant = events.get(i + 1).is_none_or(|next| next.at != e.at);
            if e.at <= t || !last_at_instant {
                continue;
            }
            let offset = if e.to_dst {
                dst.offset
            } else {
                self.std_offset
            };
            if offset != current {
                return e.at.checked_add(shift);
            }
            current = offset;
        }
        None
    }

    /// Local wall-clock seconds (seconds since 1970-01-01T00:00 on the local
    /// wall clock) to the UTC instant. A wall time skipped by a change (spring
    /// forward) is read with the offset in force before the change, so it
    /// lands after the gap; a wall time that happens twice (fall back) gives
    /// the earlier instant. This is RFC 9557's and Temporal's "compatible"
    /// reading.
    pub fn to_utc(&self, local: i64) -> i64 {
        let Some(dst) = self.dst else {
            return local.saturating_sub(i64::from(self.std_offset));
        };
        let as_std = local.saturating_sub(i64::from(self.std_offset));
        let as_dst = local.saturating_sub(i64::from(dst.offset));
        let std_holds = self.offset_at(as_std) == self.std_offset;
        let dst_holds = self.offset_at(as_dst) == dst.offset;
        match (std_holds, dst_holds) {
            (true, true) => as_std.min(as_dst),
            (true, false) => as_std,
            (false, true) => as_dst,
            // In a gap the clock moved from the smaller offset to the larger.
            (false, false) => as_std.max(as_dst),
        }
    }

    /// UTC instant to local wall-clock seconds: `utc + offset_at(utc)`.
    pub fn to_local(&self, utc: i64) -> i64 {
        utc.saturating_add(i64::from(self.offset_at(utc)))
    }

    /// The changes of the years around instant `t` (reduced into the cycle),
    /// in time order. Two years either side covers changes written up to a
    /// week past the year's end, whichever year `t` falls in.
    fn events(&self, dst: &Dst, t: i64) -> [Event; 10] {
        let (year, _, _) =
            crate::calendar::civil_i64((t + i64::from(self.std_offset)).div_euclid(DAY));
        let mut events = [Event {
            at: 0,
            year: 0,
            to_dst: false,
        }; 10];
        for (i, y) in (year - 2..=year + 2).enumerate() {
            events[2 * i] = Event {
                at: dst.start.instant(y, self.std_offset),
                year: y,
                to_dst: true,
            };
            events[2 * i + 1] = Event {
                at: dst.end.instant(y, dst.offset),
                year: y,
                to_dst: false,
            };
        }
        // Ties: the later year's change wins, and within one year a start and
        // end at the same instant leave standard time.
        events.sort_unstable_by_key(|e| (e.at, e.year, u8::from(!e.to_dst)));
        events
    }
}

impl Change {
    /// The UTC instant of this change in `year`, read with `offset_before`.
    fn instant(self, year: i64, offset_before: i32) -> i64 {
        let day = match self.day {
            RuleDay::Julian(n) => {
                let n = i64::from(n);
                let leap_day = i64::from(is_leap(year) && n >= 60);
                days_from_civil(year, 1, 1) + n - 1 + leap_day
            }
            RuleDay::Ordinal(n) => days_from_civil(year, 1, 1) + i64::from(n),
            RuleDay::Weekday {
                month,
                week,
                weekday: wd,
            } => {
                let month = u32::from(month);
                let first = days_from_civil(year, month, 1);
                // `weekday` counts from Monday, POSIX from Sunday.
                let first_wd = (weekday(first) as i64 + 1) % 7;
                let first_match = first + (i64::from(wd) - first_wd).rem_euclid(7);
                let mut day = first_match + 7 * (i64::from(week) - 1);
                let last = first + i64::from(days_in_month(year, month)) - 1;
                while day > last {
                    day -= 7;
                }
                day
            }
        };
        day * DAY + i64::from(self.time) - i64::from(offset_before)
    }
}

/// `±HH`, `±HH:MM`, `±HHMM` or `±HH:MM:SS` to seconds east of UTC.
fn parse_fixed(spec: &str) -> Result<i32, ZoneError> {
    let bytes = spec.as_bytes();
    let sign = match bytes.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(ZoneError::BadOffset),
    };
    let rest = &bytes[1..];
    let digits = |s: &[u8]| -> Result<i32, ZoneError> {
        if s.len() != 2 || !s.iter().all(u8::is_ascii_digit) {
            return Err(ZoneError::BadOffset);
        }
        Ok(i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
    };
    let (h, m, s) = match rest.len() {
        2 => (digits(rest)?, 0, 0),
        4 => (digits(&rest[..2])?, digits(&rest[2..])?, 0),
        5 if rest[2] == b':' => (digits(&rest[..2])?, digits(&rest[3..])?, 0),
        8 if rest[2] == b':' && rest[5] == b':' => (
            digits(&rest[..2])?,
            digits(&rest[3..5])?,
            digits(&rest[6..])?,
        ),
        _ => return Err(ZoneError::BadOffset),
    };
    if m > 59 || s > 59 {
        return Err(ZoneError::BadOffset);
    }
    if h > 23 {
        return Err(ZoneError::OffsetOutOfRange);
    }
    Ok(sign * (h * 3600 + m * 60 + s))
}

/// A cursor over a POSIX TZ rule; every step returns `None` on a mismatch.
struct Posix<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Posix<'a> {
    fn new(rule: &'a str) -> Self {
        Posix {
            s: rule.as_bytes(),
            i: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn zone(mut self) -> Option<Zone> {
        self.name()?;
        // POSIX offsets count west of UTC: EST5 is five hours behind.
        let std_offset = -self.offset(24)?;
        if self.peek().is_none() {
            return Some(Zone {
                std_offset,
                dst: None,
            });
        }
        self.name()?;
        let offset = match self.peek() {
            Some(b'+' | b'-' | b'0'..=b'9') => -self.offset(24)?,
            _ => std_offset + 3600,
        };
        let (start, end) = if self.peek().is_none() {
            let us = |month, week| Change {
                day: RuleDay::Weekday {
                    month,
                    week,
                    weekday: 0,
                },
                time: DEFAULT_CHANGE_TIME,
            };
            (us(3, 2), us(11, 1))
        } else {
            if !self.eat(b',') {
                return None;
            }
            let start = self.change()?;
            if !self.eat(b',') {
                return None;
            }
            (start, self.change()?)
        };
        if self.peek().is_some() {
            return None;
        }
        Some(Zone {
            std_offset,
            dst: Some(Dst { offset, start, end }),
        })
    }

    /// An abbreviation: three or more letters, or `<...>` with three or more
    /// letters, digits and signs.
    fn name(&mut self) -> Option<()> {
        let quoted = self.eat(b'<');
        let start = self.i;
        while let Some(b) = self.peek() {
            let ok = if quoted {
                b.is_ascii_alphanumeric() || b == b'+' || b == b'-'
            } else {
                b.is_ascii_alphabetic()
            };
            if !ok {
                break;
            }
            self.i += 1;
        }
        if self.i - start < 3 || (quoted && !self.eat(b'>')) {
            return None;
        }
        Some(())
    }

    /// `[+-]h[h...][:mm[:ss]]` in seconds, with hours up to `max_hours`.
    fn offset(&mut self, max_hours: i32) -> Option<i32> {
        let sign = if self.eat(b'-') {
            -1
        } else {
            self.eat(b'+');
            1
        };
        let hours = self.number(3)?;
        if hours > max_hours {
            return None;
        }
        let mut secs = hours * 3600;
        if self.eat(b':') {
            let minutes = self.number(2)?;
            if minutes > 59 {
                return None;
            }
            secs += minutes * 60;
            if self.eat(b':') {
                let seconds = self.number(2)?;
                if seconds > 59 {
                    return None;
                }
                secs += seconds;
            }
        }
        Some(sign * secs)
    }

    /// One to `max_digits` decimal digits.
    fn number(&mut self, max_digits: usize) -> Option<i32> {
        let start = self.i;
        let mut n = 0i32;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if self.i - start == max_digits {
                return None;
            }
            n = n * 10 + i32::from(b - b'0');
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    fn change(&mut self) -> Option<Change> {
        let day = if self.eat(b'J') {
            let n = self.number(3)?;
            if !(1..=365).contains(&n) {
                return None;
            }
            RuleDay::Julian(n as u16)
        } else if self.eat(b'M') {
            let month = self.number(2)?;
            let week = (self.eat(b'.')).then(|| self.number(1)).flatten()?;
            let weekday = (self.eat(b'.')).then(|| self.number(1)).flatten()?;
            if !(1..=12).contains(&month) || !(1..=5).contains(&week) || weekday > 6 {
                return None;
            }
            RuleDay::Weekday {
                month: month as u8,
                week: week as u8,
                weekday: weekday as u8,
            }
        } else {
            let n = self.number(3)?;
            if n > 365 {
                return None;
            }
            RuleDay::Ordinal(n as u16)
        };
        let time = if self.eat(b'/') {
            self.offset(167)?
        } else {
            DEFAULT_CHANGE_TIME
        };
        Some(Change { day, time })
    }
}

/// The POSIX rule of an IANA zone in the built-in table (the footer of its
/// TZif file in tzdata 2025b), if listed. Letter case is ignored.
pub fn iana_rule(name: &str) -> Option<&'static str> {
    IANA.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, rule)| rule)
}

/// Every IANA name in the table.
pub fn iana_names() -> impl Iterator<Item = &'static str> {
    IANA.iter().map(|&(name, _)| name)
}

/// Commonly used zones on every continent, with their current rules.
const IANA: &[(&str, &str)] = &[
    ("Africa/Accra", "GMT0"),
    ("Africa/Algiers", "CET-1"),
    ("Africa/Cairo", "EET-2EEST,M4.5.5/0,M10.5.4/24"),
    ("Africa/Casablanca", "<+01>-1"),
    ("Africa/Johannesburg", "SAST-2"),
    ("Africa/Lagos", "WAT-1"),
    ("Africa/Nairobi", "EAT-3"),
    ("Africa/Tunis", "CET-1"),
    ("America/Anchorage", "AKST9AKDT,M3.2.0,M11.1.0"),
    ("America/Argentina/Buenos_Aires", "<-03>3"),
    ("America/Asuncion", "<-03>3"),
    ("America/Bogota", "<-05>5"),
    ("America/Caracas", "<-04>4"),
    ("America/Chicago", "CST6CDT,M3.2.0,M11.1.0"),
    ("America/Costa_Rica", "CST6"),
    ("America/Denver", "MST7MDT,M3.2.0,M11.1.0"),
    ("America/Edmonton", "MST7MDT,M3.2.0,M11.1.0"),
    ("America/Guatemala", "CST6"),
    ("America/Halifax", "AST4ADT,M3.2.0,M11.1.0"),
    ("America/Havana", "CST5CDT,M3.2.0/0,M11.1.0/1"),
    ("America/Jamaica", "EST5"),
    ("America/La_Paz", "<-04>4"),
    ("America/Lima", "<-05>5"),
    ("America/Los_Angeles", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Manaus", "<-04>4"),
    ("America/Mexico_City", "CST6"),
    ("America/Montevideo", "<-03>3"),
    ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"),
    ("America/Panama", "EST5"),
    ("America/Phoenix", "MST7"),
    ("America/Puerto_Rico", "AST4"),
    ("America/Regina", "CST6"),
    ("America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"),
    ("America/Sao_Paulo", "<-03>3"),
    ("America/St_Johns", "NST3:30NDT,M3.2.0,M11.1.0"),
    ("America/Tijuana", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Toronto", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Vancouver", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Winnipeg", "CST6CDT,M3.2.0,M11.1.0"),
    ("Asia/Almaty", "<+05>-5"),
    ("Asia/Amman", "<+03>-3"),
    ("Asia/Baghdad", "<+03>-3"),
    ("Asia/Bangkok", "<+07>-7"),
    ("Asia/Beirut", "EET-2EEST,M3.5.0/0,M10.5.0/0"),
    ("Asia/Colombo", "<+0530>-5:30"),
    ("Asia/Dhaka", "<+06>-6"),
    ("Asia/Dubai", "<+04>-4"),
    ("Asia/Ho_Chi_Minh", "<+07>-7"),
    ("Asia/Hong_Kong", "HKT-8"),
    ("Asia/Jakarta", "WIB-7"),
    ("Asia/Jerusalem", "IST-2IDT,M3.4.4/26,M10.5.0"),
    ("Asia/Karachi", "PKT-5"),
    ("Asia/Kathmandu", "<+0545>-5:45"),
    ("Asia/Kolkata", "IST-5:30"),
    ("Asia/Kuala_Lumpur", "<+08>-8"),
    ("Asia/Manila", "PST-8"),
    ("Asia/Riyadh", "<+03>-3"),
    ("Asia/Seoul", "KST-9"),
    ("Asia/Shanghai", "CST-8"),
    ("Asia/Singapore", "<+08>-8"),
    ("Asia/Taipei", "CST-8"),
    ("Asia/Tashkent", "<+05>-5"),
    ("Asia/Tehran", "<+0330>-3:30"),
    ("Asia/Tokyo", "JST-9"),
    ("Asia/Vladivostok", "<+10>-10"),
    ("Asia/Yangon", "<+0630>-6:30"),
    ("Atlantic/Azores", "<-01>1<+00>,M3.5.0/0,M10.5.0/1"),
    ("Atlantic/Canary", "WET0WEST,M3.5.0/1,M10.5.0"),
    ("Atlantic/Reykjavik", "GMT0"),
    ("Australia/Adelaide", "ACST-9:30ACDT,M10.1.0,M4.1.0/3"),
    ("Australia/Brisbane", "AEST-10"),
    ("Australia/Darwin", "ACST-9:30"),
    ("Australia/Eucla", "<+0845>-8:45"),
    ("Australia/Hobart", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    (
        "Australia/Lord_Howe",
        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
    ),
    ("Australia/Melbourne", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Australia/Perth", "AWST-8"),
    ("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Etc/GMT", "GMT0"),
    ("Etc/UTC", "UTC0"),
    ("Europe/Amsterdam", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Athens", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Belgrade", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Brussels", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Bucharest", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Budapest", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Copenhagen", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Dublin", "IST-1GMT0,M10.5.0,M3.5.0/1"),
    ("Europe/Helsinki", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Istanbul", "<+03>-3"),
    ("Europe/Kyiv", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Lisbon", "WET0WEST,M3.5.0/1,M10.5.0"),
    ("Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"),
    ("Europe/Madrid", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Moscow", "MSK-3"),
    ("Europe/Oslo", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Prague", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Rome", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Sofia", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Stockholm", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Tallinn", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Vienna", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Vilnius", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Warsaw", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Zurich", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Indian/Maldives", "<+05>-5"),
    ("Indian/Mauritius", "<+04>-4"),
    ("Pacific/Apia", "<+13>-13"),
    ("Pacific/Auckland", "NZST-12NZDT,M9.5.0,M4.1.0/3"),
    (
        "Pacific/Chatham",
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
    ),
    ("Pacific/Easter", "<-06>6<-05>,M9.1.6/22,M4.1.6/22"),
    ("Pacific/Fiji", "<+12>-12"),
    ("Pacific/Honolulu", "HST10"),
    ("Pacific/Kiritimati", "<+14>-14"),
    ("Pacific/Port_Moresby", "<+10>-10"),
    ("Pacific/Tongatapu", "<+13>-13"),
    ("UTC", "UTC0"),
];
