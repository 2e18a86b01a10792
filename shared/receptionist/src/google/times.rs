//! Times as Google Calendar writes them: RFC 3339 date-times, with or
//! without an offset, and all-day dates, turned into Unix milliseconds.
//!
//! A date-time with an offset is an exact instant. One without is a wall
//! time, read in the first zone that applies: the one the event names
//! (`start.timeZone`), the calendar's (the list's `timeZone`), then the
//! business's. A wall time skipped by a daylight-saving change lands after
//! the gap, and one that happens twice takes the earlier instant (RFC 9557's
//! "compatible" reading, as [`Zone::to_utc`] does). An all-day date is the
//! whole local day, midnight to midnight, in the business's zone.
//!
//! Parsed by hand: chrono's general parser would add kilobytes to every
//! component for two fixed formats.

use edgedesk_core::calendar::{DAY, civil};
use edgedesk_core::zone::Zone;
use edgedesk_kernel::times;
use serde_json::Value;

/// A date-time as written: its wall-clock reading (milliseconds since
/// 1970-01-01T00:00 on that clock) and its offset, when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub local_ms: i64,
    /// Seconds east of UTC; `None` for a wall time without offset.
    pub offset_secs: Option<i32>,
}

impl DateTime {
    /// The instant, when the offset is known.
    pub fn instant(&self) -> Option<i64> {
        self.offset_secs
            .map(|o| self.local_ms - i64::from(o) * 1000)
    }

    /// The instant, reading a wall time without offset in `zone`.
    pub fn in_zone(&self, zone: &Zone) -> i64 {
        self.instant().unwrap_or_else(|| {
            let secs = self.local_ms.div_euclid(1000);
            let ms = self.local_ms.rem_euclid(1000);
            zone.to_utc(secs) * 1000 + ms
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`: RFC 3339, the offset
/// optional (Google leaves it out when `timeZone` says where), read by the
/// kernel's [`times::parse_wall`]. The fraction may have any number of
/// digits and is cut to milliseconds; `T` and `Z` may be lowercase; a leap
/// second (`:60`) is refused, as Google never writes one. `-00:00`
/// ("offset unknown") reads as UTC.
pub fn parse(s: &str) -> Option<DateTime> {
    let (local_ms, offset_min) = times::parse_wall(s)?;
    Some(DateTime {
        local_ms,
        // Within ±23:59, so seconds fit an i32.
        offset_secs: offset_min.map(|m| (m * 60) as i32),
    })
}

/// An RFC 3339 timestamp that carries its offset, as Unix milliseconds.
pub fn parse_instant(s: &str) -> Option<i64> {
    parse(s)?.instant()
}

/// Unix milliseconds as RFC 3339 in UTC: `2026-11-22T12:00:00Z`, with
/// milliseconds only when there are some.
pub fn format_utc(ms: i64) -> String {
    format_offset(ms, 0)
}

/// Unix milliseconds as RFC 3339 at `offset_secs` east of UTC (whole
/// minutes: RFC 3339 has no seconds in an offset).
pub fn format_offset(ms: i64, offset_secs: i32) -> String {
    let offset_secs = offset_secs - offset_secs % 60;
    let local = ms + i64::from(offset_secs) * 1000;
    let (day, in_day) = (local.div_euclid(DAY * 1000), local.rem_euclid(DAY * 1000));
    let (y, mo, d) = civil(day);
    let secs = in_day / 1000;
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if in_day % 1000 != 0 {
        out.push_str(&format!(".{:03}", in_day % 1000));
    }
    if offset_secs == 0 {
        out.push('Z');
    } else {
        let sign = if offset_secs < 0 { '-' } else { '+' };
        let a = offset_secs.abs();
        out.push_str(&format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60));
    }
    out
}

/// Where an event's start or end is: `{"dateTime": ..., "timeZone": ...}`
/// or `{"date": ...}`. `calendar_zone` is the list's `timeZone`; all-day
/// dates and wall times no zone claims are read in `business`.
pub fn event_time(t: &Value, calendar_zone: Option<&str>, business: &Zone) -> Option<i64> {
    if let Some(s) = t.get("dateTime").and_then(Value::as_str) {
        let dt = parse(s)?;
        if let Some(at) = dt.instant() {
            return Some(at);
        }
        let named = [t.get("timeZone").and_then(Value::as_str), calendar_zone];
        let zone = named
            .into_iter()
            .flatten()
            .find_map(|z| Zone::parse(z).ok())
            .unwrap_or_else(|| business.clone());
        return Some(dt.in_zone(&zone));
    }
    let day = times::parse_day(t.get("date")?.as_str()?)?;
    Some(business.to_utc(day * DAY) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// 2026-03-08T08:30:00Z and friends, from chrono as an independent
    /// reading.
    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        use chrono::TimeZone;
        chrono::Utc
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn offsets_give_exact_instants() {
        let at = utc(2026, 11, 21, 9, 30);
        for s in [
            "2026-11-21T09:30:00Z",
            "2026-11-21t09:30:00z",
            "2026-11-21T11:30:00+02:00",
            "2026-11-21T03:30:00-06:00",
            "2026-11-21T09:30:00.000Z",
            "2026-11-21T09:30:00-00:00",
        ] {
            assert_eq!(parse_instant(s), Some(at), "{s}");
        }
        assert_eq!(parse_instant("2026-11-21T09:30:00.5Z"), Some(at + 500));
        assert_eq!(
            parse_instant("2026-11-21T09:30:00.123456789Z"),
            Some(at + 123)
        );
        assert_eq!(parse_instant("1969-12-31T23:59:59.999Z"), Some(-1));
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "2026-11-21",
            "2026-11-21 09:30:00Z",
            "2026-11-21T9:30:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T09:60:00Z",
            "2026-11-21T09:30:60Z",
            "2026-02-29T09:30:00Z",
            "2026-13-01T09:30:00Z",
            "2026-11-21T09:30:00.Z",
            "2026-11-21T09:30:00+0200",
            "2026-11-21T09:30:00+24:00",
            "2026-11-21T09:30:00+02:60",
            "2026-11-21T09:30:00ZZ",
            "2026-11-21T09:30:00 ",
            "２026-11-21T09:30:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        // Without an offset it parses, but is no instant.
        assert_eq!(parse_instant("2026-11-21T09:30:00"), None);
        assert!(parse("2026-11-21T09:30:00").is_some());
    }

    #[test]
    fn formats_in_utc_and_at_offsets() {
        let at = utc(2026, 3, 8, 8, 30);
        assert_eq!(format_utc(at), "2026-03-08T08:30:00Z");
        assert_eq!(format_utc(at + 7), "2026-03-08T08:30:00.007Z");
        assert_eq!(format_offset(at, -6 * 3600), "2026-03-08T02:30:00-06:00");
        assert_eq!(
            format_offset(at, 5 * 3600 + 1800),
            "2026-03-08T14:00:00+05:30"
        );
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn wall_times_in_chicago_follow_the_compatible_rule() {
        let chicago = Zone::parse("America/Chicago").unwrap();
        let wall = |s: &str| {
            event_time(
                &json!({"dateTime": s, "timeZone": "America/Chicago"}),
                None,
                &Zone::UTC,
            )
        };
        // 02:30 on 8 March 2026 never happens: read with the offset before
        // the change (-06:00), it is 03:30 CDT.
        assert_eq!(wall("2026-03-08T02:30:00"), Some(utc(2026, 3, 8, 8, 30)));
        assert_eq!(
            format_offset(
                utc(2026, 3, 8, 8, 30),
                chicago.offset_at(utc(2026, 3, 8, 8, 30) / 1000)
            ),
            "2026-03-08T03:30:00-05:00"
        );
        // 01:30 on 1 November 2026 happens twice: the earlier, in CDT.
        assert_eq!(wall("2026-11-01T01:30:00"), Some(utc(2026, 11, 1, 6, 30)));
        // Either side of the changes, one reading.
        assert_eq!(wall("2026-03-08T01:30:00"), Some(utc(2026, 3, 8, 7, 30)));
        assert_eq!(wall("2026-11-01T02:30:00"), Some(utc(2026, 11, 1, 8, 30)));
    }

    #[test]
    fn the_zone_of_a_wall_time_is_the_events_then_the_calendars_then_the_business() {
        let business = Zone::parse("-03:00").unwrap();
        let t = |v: Value, cal: Option<&str>| event_time(&v, cal, &business);
        let noon = "2026-06-01T12:00:00";
        assert_eq!(
            t(
                json!({"dateTime": noon, "timeZone": "Europe/Berlin"}),
                Some("Asia/Tokyo")
            ),
            Some(utc(2026, 6, 1, 10, 0))
        );
        assert_eq!(
            t(
                json!({"dateTime": noon, "timeZone": "Mars/Olympus"}),
                Some("Asia/Tokyo")
            ),
            Some(utc(2026, 6, 1, 3, 0))
        );
        assert_eq!(
            t(json!({"dateTime": noon}), None),
            Some(utc(2026, 6, 1, 15, 0))
        );
        assert_eq!(
            t(json!({"dateTime": noon}), Some("nowhere")),
            Some(utc(2026, 6, 1, 15, 0))
        );
        // An offset wins over any zone.
        assert_eq!(
            t(
                json!({"dateTime": "2026-06-01T12:00:00Z", "timeZone": "Asia/Tokyo"}),
                None
            ),
            Some(utc(2026, 6, 1, 12, 0))
        );
        // All-day: local midnight in the business's zone.
        assert_eq!(
            t(json!({"date": "2026-06-01"}), None),
            Some(utc(2026, 6, 1, 3, 0))
        );
        assert_eq!(t(json!({"date": "2026-06-31"}), None), None);
        assert_eq!(t(json!({}), None), None);
        assert_eq!(t(json!({"dateTime": "soon"}), None), None);
    }

    proptest! {
        /// Any instant written at any whole-minute offset reads back as the
        /// same instant, and agrees with chrono's reading of the text.
        #[test]
        fn round_trips(
            ms in -62_135_596_800_000i64..253_402_300_799_999,
            minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
        ) {
            let offset = minutes * 60;
            let local = ms + i64::from(offset) * 1000;
            // Stay within years 0001..=9999 on the local clock too.
            prop_assume!((-62_135_596_800_000..=253_402_300_799_999).contains(&local));
            let text = format_offset(ms, offset);
            let parsed = parse(&text).unwrap();
            prop_assert_eq!(parsed.offset_secs, Some(offset));
            prop_assert_eq!(parsed.instant(), Some(ms));
            prop_assert_eq!(format_offset(ms, offset), format_offset(parsed.instant().unwrap(), offset));
            let chrono = chrono::DateTime::parse_from_rfc3339(&text).unwrap();
            prop_assert_eq!(chrono.timestamp_millis(), ms);
            prop_assert_eq!(parse_instant(&format_utc(ms)), Some(ms));
        }
    }
}
