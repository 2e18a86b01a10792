//! Times and values as the API writes and reads them: ISO 8601 UTC on the
//! wire, Unix milliseconds in the database.

use chrono::{DateTime, SecondsFormat};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::dates::{parse_date, parse_timestamp};

/// `2026-11-23T14:05:00.123Z`
pub fn iso(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

pub fn opt_iso(ms: Option<i64>) -> Option<String> {
    ms.map(iso)
}

/// An RFC 3339 timestamp, or a `YYYY-MM-DD` date (its UTC midnight), in
/// milliseconds; `field` names it in the error.
pub fn parse_time(field: &str, s: &str) -> Result<i64, ApiError> {
    if let Some(t) = parse_timestamp(s) {
        return Ok(t.timestamp_millis());
    }
    parse_date(s)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "{field} must be an ISO 8601 time like 2026-11-23T09:00:00Z or a date like 2026-11-23"
            ))
        })
}

/// Whole seconds between two millisecond times, never negative.
pub fn secs_between(from_ms: i64, to_ms: i64) -> i64 {
    (to_ms - from_ms).max(0) / 1000
}

/// Rounds to three decimals, as scores are shown.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        let t = 1_795_348_800_123;
        assert_eq!(iso(t), "2026-11-22T12:00:00.123Z");
        assert_eq!(parse_time("from", &iso(t)).unwrap(), t);
        assert_eq!(parse_time("from", "2026-11-22").unwrap(), 1_795_305_600_000);
        let e = parse_time("from", "yesterday").unwrap_err();
        assert_eq!(e.status(), 422);
        assert!(e.message.starts_with("from must be"));
    }
}
