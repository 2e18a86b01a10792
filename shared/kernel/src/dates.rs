//! Dates and timestamps as stored documents and request bodies carry them:
//! `YYYY-MM-DD` and RFC 3339 (`2026-11-21T09:30:00Z`, any offset), parsed
//! strictly. chrono's general format parser is several kilobytes in every
//! component that reads a date; these paths avoid it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserializer, de::Error, de::Visitor};

/// `YYYY-MM-DD`, a real calendar day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// An RFC 3339 timestamp with its offset, as UTC.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Reads a string field through `parse` without allocating a copy of it:
/// a usage export holds a date per day, read on every call.
struct Text<T> {
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
}

impl<T> Visitor<'_> for Text<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.expected)
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<T, E> {
        (self.parse)(s).ok_or_else(|| E::custom(format_args!("expected {}", self.expected)))
    }
}

/// `#[serde(deserialize_with = "edgedesk_kernel::dates::date")]`
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(Text {
        parse: parse_date,
        expected: "a date as YYYY-MM-DD",
    })
}

/// `#[serde(deserialize_with = "edgedesk_kernel::dates::timestamp")]`
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Text {
        parse: parse_timestamp,
        expected: "an RFC 3339 timestamp",
    })
}

/// `#[serde(default, deserialize_with = "edgedesk_kernel::dates::optional_timestamp")]`
pub fn optional_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct Optional;
    impl<'de> Visitor<'de> for Optional {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp or null")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            timestamp(d)
                .map(Some)
                .map_err(|_| D::Error::custom("expected an RFC 3339 timestamp or null"))
        }
    }
    d.deserialize_option(Optional)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};
    use proptest::prelude::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-11-21"),
            NaiveDate::from_ymd_opt(2026, 11, 21)
        );
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-05",
            "2026-01-5",
            " 2026-01-05",
            "2026-01-05 ",
            "2026/01/05",
            "20260105",
            "",
            "2026-01-0x",
            "+026-01-05",
            "２026-01-05",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_keep_their_instant() {
        let utc = Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap();
        assert_eq!(parse_timestamp("2026-11-21T09:30:00Z"), Some(utc));
        assert_eq!(parse_timestamp("2026-11-21T11:30:00+02:00"), Some(utc));
        assert_eq!(
            parse_timestamp("2026-11-21T09:30:00.250Z").map(|t| t.timestamp_subsec_millis()),
            Some(250)
        );
        for bad in [
            "2026-11-21",
            "2026-11-21T09:30:00",
            "2026-11-21T25:30:00Z",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    proptest! {
        /// Every day chrono can write as YYYY-MM-DD reads back as itself,
        /// and agrees with chrono's own parser.
        #[test]
        fn dates_round_trip(days in 0i64..3_000_000) {
            let day = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Days::new(days as u64);
            prop_assume!(day.year() <= 9999);
            let text = day.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse_date(&text), Some(day));
            prop_assert_eq!(parse_date(&text), text.parse::<NaiveDate>().ok());
        }

        /// Whatever chrono's strict parser accepts as a date, this accepts
        /// identically, and it never accepts what chrono refuses.
        #[test]
        fn never_looser_than_chrono(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            if let Some(d) = parse_date(&s) {
                prop_assert_eq!(Some(d), s.parse::<NaiveDate>().ok());
            } else {
                prop_assert_eq!(s.parse::<NaiveDate>().ok(), None);
            }
        }
    }
}
