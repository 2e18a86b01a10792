//! A business's opening hours as stored and shown (`{"mon": [["09:00",
//! "17:00"]], ...}`), and the core calendar they make.

use edgedesk_core::calendar::{Calendar, Span};
use edgedesk_core::zone::Zone;
use serde_json::{Map, Value};

/// Weekday keys, Monday first, as the core's calendar orders them.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Spans of each weekday, Monday first.
pub type Week = [Vec<Span>; 7];

/// Reads `{"mon": [["09:00", "17:00"], ...], ...}`. A missing day is
/// closed; "24:00" ends a span at midnight. The error names the field.
pub fn parse_week(value: &Value) -> Result<Week, String> {
    let Some(days) = value.as_object() else {
        return Err("hours: must be an object keyed by weekday (mon..sun)".into());
    };
    if let Some(k) = days.keys().find(|k| !WEEKDAYS.contains(&k.as_str())) {
        return Err(format!("hours.{k}: not a weekday (mon..sun)"));
    }
    let mut week: Week = Default::default();
    for (i, day) in WEEKDAYS.iter().enumerate() {
        let Some(spans) = days.get(*day) else {
            continue;
        };
        let Some(spans) = spans.as_array() else {
            return Err(format!(
                "hours.{day}: must be a list of [open, close] pairs"
            ));
        };
        for (j, pair) in spans.iter().enumerate() {
            let at = format!("hours.{day}[{j}]");
            let (Some(open), Some(close)) = (
                pair.get(0).and_then(Value::as_str),
                pair.get(1).and_then(Value::as_str),
            ) else {
                return Err(format!("{at}: must be [\"HH:MM\", \"HH:MM\"]"));
            };
            let start = clock(open).ok_or_else(|| format!("{at}[0]: not a time HH:MM"))?;
            let end = clock(close).ok_or_else(|| format!("{at}[1]: not a time HH:MM"))?;
            if start >= end {
                return Err(format!("{at}: must close after it opens"));
            }
            week[i].push(Span { start, end });
        }
        week[i].sort_by_key(|s| s.start);
        if week[i].windows(2).any(|w| w[1].start < w[0].end) {
            return Err(format!("hours.{day}: spans overlap"));
        }
    }
    Ok(week)
}

/// The stored form of a week.
pub fn week_json(week: &Week) -> Value {
    let mut out = Map::new();
    for (i, spans) in week.iter().enumerate() {
        if spans.is_empty() {
            continue;
        }
        let pairs = spans
            .iter()
            .map(|s| Value::from(vec![hhmm(s.start), hhmm(s.end)]))
            .collect();
        out.insert(WEEKDAYS[i].into(), Value::Array(pairs));
    }
    Value::Object(out)
}

/// The business calendar: its week in its zone, less its holidays (local
/// day numbers). `None` only for a week [`parse_week`] would refuse.
pub fn calendar(zone: Zone, week: Week, holidays: Vec<i64>) -> Option<Calendar> {
    Calendar::new(zone, week, holidays).ok()
}

/// "HH:MM" (00:00..24:00) to seconds after midnight.
pub fn clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    let secs = h * 3600 + m * 60;
    (m < 60 && secs <= 86_400).then_some(secs)
}

/// Seconds after midnight to "HH:MM".
pub fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_week_reads_back_as_written() {
        let v =
            json!({"mon": [["09:00", "12:00"], ["13:00", "17:30"]], "sat": [["10:00", "24:00"]]});
        let week = parse_week(&v).unwrap();
        assert_eq!(week[0].len(), 2);
        assert_eq!(
            week[5],
            vec![Span {
                start: 36_000,
                end: 86_400
            }]
        );
        assert!(week[6].is_empty());
        assert_eq!(week_json(&week), v);
    }

    #[test]
    fn bad_hours_name_the_field() {
        let cases = [
            (json!([]), "hours: must be an object"),
            (json!({"funday": []}), "hours.funday: not a weekday"),
            (json!({"mon": "9-5"}), "hours.mon: must be a list"),
            (
                json!({"mon": [["9", "17:00"]]}),
                "hours.mon[0][0]: not a time",
            ),
            (
                json!({"mon": [["09:00", "25:00"]]}),
                "hours.mon[0][1]: not a time",
            ),
            (
                json!({"mon": [["17:00", "09:00"]]}),
                "hours.mon[0]: must close after",
            ),
            (
                json!({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}),
                "hours.mon: spans overlap",
            ),
        ];
        for (v, want) in cases {
            let err = parse_week(&v).unwrap_err();
            assert!(err.starts_with(want), "{v}: {err}");
        }
    }
}
