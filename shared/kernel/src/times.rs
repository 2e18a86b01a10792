//! Instants as the products' APIs write and read them: ISO 8601 UTC on the
//! wire, Unix milliseconds in the databases. Written and read by hand over
//! the core's calendar arithmetic: a general date library's formatting
//! and parsing would double the size of a small component.

use edgedesk_core::calendar::{civil, day_number};
use edgedesk_core::envelope::ApiError;

const DAY_MS: i64 = 86_400_000;

/// `2026-11-23T14:05:00.123Z`
pub fn iso(ms: i64) -> String {
    let (y, mo, d) = civil(ms.div_euclid(DAY_MS));
    let rest = ms.rem_euclid(DAY_MS);
    let (h, mi, s, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

pub fn opt_iso(ms: Option<i64>) -> Option<String> {
    ms.map(iso)
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0i64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

/// `YYYY-MM-DD`, a real calendar day, as its day number.
pub fn parse_day(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let day = day_number(y as i32, m as u32, d as u32);
    // 2026-02-30 comes back as another date.
    (civil(day) == (y as i32, m as u32, d as u32)).then_some(day)
}

/// RFC 3339: `2026-11-23T09:30:00Z`, with optional fraction and any offset.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    match parse_wall(s)? {
        (local, Some(offset_min)) => Some(local - offset_min * 60_000),
        (_, None) => None,
    }
}

/// A date and time with or without an offset (`2026-11-23T09:30:00`, as
/// calendars write local times): the wall-clock milliseconds as if UTC, and
/// the offset in minutes when one is written.
pub fn parse_wall(s: &str) -> Option<(i64, Option<i64>)> {
    let b = s.as_bytes();
    if b.len() < 19 || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let day = parse_day(&s[..10])?;
    let (h, mi, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut milli = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &b[start..i];
        if frac.is_empty() {
            return None;
        }
        let mut padded = [b'0'; 3];
        for (slot, c) in padded.iter_mut().zip(frac) {
            *slot = *c;
        }
        milli = digits(&padded)?;
    }
    let offset_min = match &b[i..] {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            Some(if *sign == b'-' { -m } else { m })
        }
        _ => return None,
    };
    Some((
        day * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + milli,
        offset_min,
    ))
}

/// An RFC 3339 timestamp, or a `YYYY-MM-DD` date (its UTC midnight), in
/// milliseconds; `field` names it in the error.
pub fn parse_time(field: &str, s: &str) -> Result<i64, ApiError> {
    parse_rfc3339(s)
        .or_else(|| parse_day(s).map(|d| d * DAY_MS))
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "{field} must be an ISO 8601 time like 2026-11-23T09:00:00Z or a date like 2026-11-23"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, SecondsFormat};
    use proptest::prelude::*;

    #[test]
    fn times_round_trip() {
        let t = 1_795_348_800_123;
        assert_eq!(iso(t), "2026-11-22T12:00:00.123Z");
        assert_eq!(parse_time("from", &iso(t)).unwrap(), t);
        assert_eq!(parse_time("from", "2026-11-22").unwrap(), 1_795_305_600_000);
        assert_eq!(
            parse_time("from", "2026-11-22T13:30:00+01:30").unwrap(),
            1_795_348_800_000
        );
        assert_eq!(
            parse_time("from", "2026-11-22T12:00:00.5Z").unwrap(),
            1_795_348_800_500
        );
        for bad in [
            "yesterday",
            "2026-02-30",
            "2026-13-01",
            "2026-11-22T24:00:00Z",
            "2026-11-22T12:00:00",
            "2026-11-22T12:00:00.Z",
        ] {
            let e = parse_time("from", bad).unwrap_err();
            assert_eq!(e.status(), 422, "{bad}");
            assert!(e.message.starts_with("from must be"));
        }
    }

    #[test]
    fn wall_times_keep_their_offset_apart() {
        assert_eq!(
            parse_wall("2026-03-08T02:30:00"),
            Some((1_772_937_000_000, None))
        );
        assert_eq!(
            parse_wall("2026-03-08T02:30:00-06:00"),
            Some((1_772_937_000_000, Some(-360)))
        );
        assert_eq!(
            parse_wall("2026-03-08T02:30:00.250Z"),
            Some((1_772_937_000_250, Some(0)))
        );
        assert_eq!(parse_wall("2026-03-08T02:30"), None);
    }

    proptest! {
        /// Agrees with chrono on every millisecond from 1970 to 2200.
        #[test]
        fn agrees_with_chrono(ms in 0i64..7_258_118_400_000) {
            let expected = DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(SecondsFormat::Millis, true);
            prop_assert_eq!(iso(ms), expected.clone());
            prop_assert_eq!(parse_time("t", &expected).unwrap(), ms);
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = parse_time("t", &s);
        }
    }
}
