//! `get_customer_usage`: the daily series for a window, totals, adoption and
//! the trend against the previous window of equal length.

use crate::model::{UsageDay, UsageDoc};
use chrono::{Days, NaiveDate};
use edgedesk_core::envelope::ApiError;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowSummary {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub days_with_data: u32,
    pub events: u64,
    pub sessions: u64,
    pub avg_daily_active_users: f64,
    pub peak_active_users: u32,
    /// Average active users over licensed seats, in basis points.
    #[serde(skip)]
    pub utilisation_bp: u64,
    /// Average events per day with data, times 100 (integer for the core).
    #[serde(skip)]
    pub events_per_day_x100: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub events_change_pct: f64,
    pub active_users_change_pct: f64,
    /// `up`, `down` or `flat` (a change under 5%).
    #[schemars(schema_with = "direction_schema")]
    pub direction: &'static str,
    #[serde(skip)]
    pub events_change_bp: i64,
}

#[derive(Debug, Clone)]
pub struct UsageReport<'a> {
    pub as_of: NaiveDate,
    pub period_days: u32,
    pub licensed_seats: u32,
    pub current: WindowSummary,
    pub previous: WindowSummary,
    /// `None` when the previous window has less than half its days of data.
    pub trend: Option<Trend>,
    pub series: &'a [UsageDay],
}

/// The newest day the usage export covers, not after today: windows end
/// there, so a late export shortens nothing.
pub fn as_of(doc: &UsageDoc, today: NaiveDate) -> Option<NaiveDate> {
    doc.days
        .iter()
        .map(|d| d.date)
        .filter(|d| *d <= today)
        .max()
}

fn summarise(days: &[UsageDay], start: NaiveDate, end: NaiveDate, seats: u32) -> WindowSummary {
    let inside = days.iter().filter(|d| d.date >= start && d.date <= end);
    let (mut n, mut events, mut sessions, mut users, mut peak) = (0u32, 0u64, 0u64, 0u64, 0u32);
    for d in inside {
        n += 1;
        // Stored exports are untrusted: absurd counts saturate, never wrap.
        events = events.saturating_add(d.events);
        sessions = sessions.saturating_add(d.sessions);
        users = users.saturating_add(u64::from(d.active_users));
        peak = peak.max(d.active_users);
    }
    let avg_users_x100 = if n == 0 {
        0
    } else {
        users.saturating_mul(100) / u64::from(n)
    };
    WindowSummary {
        start,
        end,
        days_with_data: n,
        events,
        sessions,
        avg_daily_active_users: round1(avg_users_x100 as f64 / 100.0),
        peak_active_users: peak,
        utilisation_bp: if seats == 0 {
            0
        } else {
            avg_users_x100.saturating_mul(100) / u64::from(seats)
        },
        events_per_day_x100: if n == 0 {
            0
        } else {
            events.saturating_mul(100) / u64::from(n)
        },
    }
}

/// The change in basis points, held to `i64` (absurd counts would wrap it).
fn change_bp(now: u64, before: u64) -> i64 {
    let bp = (now as i128 - before as i128) * 10_000 / before.max(1) as i128;
    bp.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn direction_of(change_bp: i64) -> &'static str {
    if change_bp >= 500 {
        "up"
    } else if change_bp <= -500 {
        "down"
    } else {
        "flat"
    }
}

/// Summarises the `period_days` ending at `as_of`, and the window before it.
pub fn report(doc: &UsageDoc, as_of: NaiveDate, period_days: u32) -> UsageReport<'_> {
    let back = |n: u32| {
        as_of
            .checked_sub_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MIN)
    };
    let start = back(period_days - 1);
    let prev_end = back(period_days);
    let prev_start = back(2 * period_days - 1);
    let seats = doc.licensed_seats;
    let current = summarise(&doc.days, start, as_of, seats);
    let previous = summarise(&doc.days, prev_start, prev_end, seats);
    let trend = (previous.days_with_data * 2 >= period_days
        && previous.events_per_day_x100 > 0
        && current.days_with_data > 0)
        .then(|| {
            let events_change_bp =
                change_bp(current.events_per_day_x100, previous.events_per_day_x100);
            let users_bp = change_bp(
                (current.avg_daily_active_users * 100.0) as u64,
                (previous.avg_daily_active_users * 100.0) as u64,
            );
            Trend {
                events_change_pct: events_change_bp as f64 / 100.0,
                active_users_change_pct: users_bp as f64 / 100.0,
                direction: direction_of(events_change_bp),
                events_change_bp,
            }
        });
    let lo = doc.days.partition_point(|d| d.date < start);
    let hi = doc.days.partition_point(|d| d.date <= as_of);
    UsageReport {
        as_of,
        period_days,
        licensed_seats: seats,
        current,
        previous,
        trend,
        series: if doc.days.is_sorted_by_key(|d| d.date) && lo <= hi {
            &doc.days[lo..hi]
        } else {
            &[]
        },
    }
}

/// Loads the report for the tool, refusing an export with no usable days.
pub fn require_as_of(
    doc: &UsageDoc,
    today: NaiveDate,
    customer_id: &str,
) -> Result<NaiveDate, ApiError> {
    if !doc.days.is_sorted_by_key(|d| d.date) {
        return Err(ApiError::failure(format!(
            "stored usage data for customer '{customer_id}' is unreadable"
        )));
    }
    as_of(doc, today).ok_or_else(|| {
        ApiError::missing(format!(
            "usage data for customer '{customer_id}' has no days yet"
        ))
    })
}

impl<'a> UsageReport<'a> {
    pub fn utilisation_pct(&self) -> f64 {
        self.current.utilisation_bp as f64 / 100.0
    }

    pub fn answer(&self) -> UsageAnswer<'a> {
        UsageAnswer {
            as_of: self.as_of,
            period_days: self.period_days,
            licensed_seats: self.licensed_seats,
            totals: UsageTotals {
                events: self.current.events,
                sessions: self.current.sessions,
                days_with_data: self.current.days_with_data,
            },
            active_users: ActiveUsers {
                avg_daily: self.current.avg_daily_active_users,
                peak: self.current.peak_active_users,
                seat_utilisation_pct: self.utilisation_pct(),
            },
            current: self.current,
            previous: self.previous,
            trend: self.trend,
            trend_note: self
                .trend
                .is_none()
                .then_some("not enough history before this window to compare"),
            series: self.series,
        }
    }
}

/// `get_customer_usage`
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageAnswer<'a> {
    /// The newest day the export covers (never after today): the window's last day.
    pub as_of: NaiveDate,
    pub period_days: u32,
    pub licensed_seats: u32,
    pub totals: UsageTotals,
    pub active_users: ActiveUsers,
    pub current: WindowSummary,
    pub previous: WindowSummary,
    /// Against the previous window; null when it has too little data.
    pub trend: Option<Trend>,
    pub trend_note: Option<&'static str>,
    /// One entry per exported day in the window.
    pub series: &'a [UsageDay],
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    pub events: u64,
    pub sessions: u64,
    pub days_with_data: u32,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActiveUsers {
    pub avg_daily: f64,
    pub peak: u32,
    pub seat_utilisation_pct: f64,
}

fn direction_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": ["up", "down", "flat"]})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(days: u32, start: NaiveDate, users: impl Fn(u32) -> u32) -> UsageDoc {
        UsageDoc {
            licensed_seats: 100,
            days: (0..days)
                .map(|i| UsageDay {
                    date: start + Days::new(u64::from(i)),
                    active_users: users(i),
                    sessions: u64::from(users(i)) * 2,
                    events: u64::from(users(i)) * 10,
                })
                .collect(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_end_at_the_newest_day_not_after_today() {
        let u = doc(100, d("2026-01-01"), |_| 50);
        assert_eq!(as_of(&u, d("2026-12-31")), Some(d("2026-04-10")));
        assert_eq!(as_of(&u, d("2026-02-01")), Some(d("2026-02-01")));
        assert_eq!(as_of(&u, d("2025-12-31")), None);
    }

    #[test]
    fn halving_usage_is_minus_fifty_percent() {
        let u = doc(60, d("2026-01-01"), |i| if i < 30 { 80 } else { 40 });
        let r = report(&u, d("2026-03-01"), 30);
        assert_eq!(r.series.len(), 30);
        assert_eq!(r.current.days_with_data, 30);
        assert_eq!(r.current.events, 30 * 400);
        assert_eq!(r.current.utilisation_bp, 4000);
        let t = r.trend.unwrap();
        assert_eq!(t.events_change_bp, -5000);
        assert_eq!(t.active_users_change_pct, -50.0);
        assert_eq!(t.direction, "down");
    }

    #[test]
    fn no_trend_without_history() {
        let u = doc(20, d("2026-01-01"), |i| i + 1);
        let r = report(&u, d("2026-01-20"), 30);
        assert_eq!(r.current.days_with_data, 20);
        assert_eq!(r.current.peak_active_users, 20);
        assert!(r.trend.is_none());
    }

    #[test]
    fn absurd_counts_saturate_instead_of_wrapping() {
        let mut u = doc(2, d("2026-01-01"), |_| u32::MAX);
        for day in &mut u.days {
            day.events = u64::MAX;
            day.sessions = u64::MAX;
        }
        let r = report(&u, d("2026-01-02"), 2);
        assert_eq!(r.current.events, u64::MAX);
        assert_eq!(r.current.peak_active_users, u32::MAX);
    }

    #[test]
    fn an_absurd_rise_is_a_huge_rise_not_a_fall() {
        assert_eq!(change_bp(u64::MAX, 1), i64::MAX);
        assert_eq!(change_bp(u64::MAX / 2, 3), i64::MAX);
        assert_eq!(change_bp(0, u64::MAX), -10_000);
        let mut u = doc(4, d("2026-01-01"), |_| 1);
        u.days[0].events = 1;
        u.days[1].events = 1;
        u.days[2].events = u64::MAX;
        u.days[3].events = u64::MAX;
        let t = report(&u, d("2026-01-04"), 2).trend.unwrap();
        assert_eq!(t.direction, "up");
        assert!(t.events_change_pct > 0.0);
    }
}
