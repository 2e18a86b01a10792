//! Trends of a daily series: its 7-day moving average, the change of its
//! last week over the week before, and the least-squares slope over the
//! window with a word for where it is heading. The arithmetic is the
//! core's ([`edgedesk_core::stats`]); this module chooses what to compare.

use crate::db::{self, Cols};
use crate::input::Input;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::stats;
use edgedesk_kernel::Request;
use edgedesk_kernel::dates::parse_date;
use edgedesk_kernel::platform::Platform;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The days a trend looks back over, the day itself included.
pub const WINDOW_DAYS: i64 = 28;

/// Below this change a week (in % of the series' mean), a slope is "flat".
pub const FLAT_PERCENT_PER_WEEK: f64 = 1.0;

/// Where a series is heading, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "SalesTrend")]
pub struct Trend {
    /// Days with a value in the window.
    pub days: usize,
    pub latest: Option<f64>,
    /// Mean of the last 7 values.
    pub moving_average_7: Option<f64>,
    /// Σ of the last 7 values against the 7 before, in %.
    pub week_over_week_pct: Option<f64>,
    /// Least-squares slope, per day.
    pub slope_per_day: Option<f64>,
    /// The slope over a week, in % of the series' mean.
    pub slope_pct_per_week: Option<f64>,
    /// rising, falling or flat (within ±1 % a week); unknown under 7 days.
    pub direction: String,
}

/// The trend of `values`, oldest first, one per day.
pub fn trend(values: &[f64]) -> Trend {
    let n = values.len();
    let ma = stats::moving_average(values, 7);
    let moving_average_7 = ma.last().copied().flatten();
    let week_over_week_pct = (n >= 14)
        .then(|| {
            let last: f64 = values[n - 7..].iter().sum();
            let before: f64 = values[n - 14..n - 7].iter().sum();
            stats::percent_change(before, last)
        })
        .flatten();
    let fit = stats::least_squares(values);
    let mean = stats::mean(values);
    let slope_pct_per_week = match (&fit, mean) {
        (Some(f), Some(m)) if m.abs() > f64::EPSILON => Some(f.slope * 7.0 / m.abs() * 100.0),
        _ => None,
    };
    let direction = match slope_pct_per_week {
        _ if n < 7 => "unknown",
        Some(s) if s >= FLAT_PERCENT_PER_WEEK => "rising",
        Some(s) if s <= -FLAT_PERCENT_PER_WEEK => "falling",
        Some(_) => "flat",
        None => "flat",
    };
    Trend {
        days: n,
        latest: values.last().copied(),
        moving_average_7,
        week_over_week_pct,
        slope_per_day: fit.map(|f| f.slope),
        slope_pct_per_week,
        direction: direction.into(),
    }
}

/// The metrics a trend can follow, and how each adds up over stores.
pub const METRICS: [&str; 5] = [
    "revenue",
    "transactions",
    "items_sold",
    "avg_basket",
    "discounts",
];

/// The SQL expression of a metric for a day, over the stores selected.
fn expression(metric: &str) -> &'static str {
    match metric {
        "transactions" => "sum(transactions)",
        "items_sold" => "sum(items_sold)",
        "discounts" => "sum(discounts)",
        "avg_basket" => "sum(revenue) / max(sum(transactions), 1)",
        _ => "sum(revenue)",
    }
}

/// A metric by day between two dates, for one store or the company.
pub async fn series<P: Platform>(
    p: &P,
    metric: &str,
    from: &str,
    to: &str,
    store_id: Option<&str>,
) -> Result<Vec<(String, f64)>, ApiError> {
    let sql = format!(
        "SELECT date, {} FROM store_metrics WHERE date >= ?1 AND date <= ?2 \
         AND (?3 IS NULL OR store_id = ?3) GROUP BY date ORDER BY date",
        expression(metric)
    );
    let rows = db::query(p, &sql, &[from.into(), to.into(), store_id.into()]).await?;
    Ok(rows
        .iter()
        .map(|r| (Cols(r).text(0), Cols(r).real(1)))
        .collect())
}

/// `GET /api/sales/trends?metric=&from=&to=&store_id=`.
pub async fn query<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["metric", "from", "to", "store_id"])?;
    let metric = q.choice("metric", &METRICS)?.unwrap_or("revenue");
    let from = q.required_text("from", 10)?;
    let to = q.required_text("to", 10)?;
    let (Some(f), Some(t)) = (parse_date(&from), parse_date(&to)) else {
        return Err(ApiError::unprocessable("from and to must be YYYY-MM-DD"));
    };
    if t < f || (t - f).num_days() >= crate::uploads::MAX_RANGE_DAYS {
        return Err(ApiError::unprocessable(
            "to must not be before from, and the range at most 366 days",
        ));
    }
    let store = crate::stores::id_param(q.text("store_id", 64)?)?;
    let days = series(p, metric, &from, &to, store.as_deref()).await?;
    let values: Vec<f64> = days.iter().map(|(_, v)| *v).collect();
    let ma = stats::moving_average(&values, 7);
    let points: Vec<Value> = days
        .iter()
        .zip(ma)
        .map(|((date, v), m)| json!({"date": date, "value": v, "moving_average_7": m}))
        .collect();
    Ok(json!({
        "metric": metric,
        "store_id": store,
        "from": from,
        "to": to,
        "series": points,
        "trend": trend(&values),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_rise_reads_as_rising() {
        let up: Vec<f64> = (0..28).map(|d| 1000.0 + 20.0 * f64::from(d)).collect();
        let t = trend(&up);
        assert_eq!(t.direction, "rising");
        assert!((t.slope_per_day.unwrap() - 20.0).abs() < 1e-9);
        assert!((t.moving_average_7.unwrap() - (1000.0 + 20.0 * 24.0)).abs() < 1e-9);
        let wow = (7.0 * 140.0) / up[14..21].iter().sum::<f64>() * 100.0;
        assert!((t.week_over_week_pct.unwrap() - wow).abs() < 1e-9);
        let down: Vec<f64> = up.iter().rev().copied().collect();
        assert_eq!(trend(&down).direction, "falling");
        assert_eq!(trend(&[500.0; 28]).direction, "flat");
        assert_eq!(trend(&[1.0, 2.0]).direction, "unknown");
        assert_eq!(trend(&[]).latest, None);
    }
}
