//! Where each store's upload for a day stands, and the stores' metrics as
//! the read API shows them.

use crate::db::{self, Cols};
use crate::input::Input;
use crate::metrics::{StoreMetrics, TopProduct};
use crate::upload::FieldError;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Request;
use edgedesk_kernel::dates::parse_date;
use edgedesk_kernel::platform::{Platform, Row};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// An upload's state.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UploadStatus {
    pub date: String,
    pub store_id: String,
    /// 1 for the first upload of the day, then one more for each re-upload.
    pub version: i64,
    /// queued, processing, processed or failed.
    pub status: String,
    pub size: i64,
    pub received_at: i64,
    pub processed_at: Option<i64>,
    pub attempts: i64,
    pub transactions: Option<i64>,
    pub error_count: i64,
    /// The first 100 errors of a refused file.
    pub errors: Vec<FieldError>,
}

fn status_of(r: &Row) -> UploadStatus {
    let c = Cols(r);
    let errors: Vec<Value> = c
        .opt_text(10)
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    UploadStatus {
        date: c.text(0),
        store_id: c.text(1),
        version: c.int(2),
        status: c.text(3),
        size: c.int(4),
        received_at: c.int(5),
        processed_at: c.opt_int(6),
        attempts: c.int(7),
        transactions: c.opt_int(8),
        error_count: c.int(9),
        errors: errors
            .iter()
            .map(|e| FieldError {
                path: e["path"].as_str().unwrap_or_default().into(),
                message: e["message"].as_str().unwrap_or_default().into(),
            })
            .collect(),
    }
}

const UPLOAD_COLUMNS: &str = "SELECT date, store_id, version, status, size, received_at, \
     processed_at, attempts, transactions, error_count, errors FROM uploads";

/// `GET /api/sales/uploads/{date}/{store_id}`.
pub async fn status<P: Platform>(p: &P, date: &str, store_id: &str) -> Result<Value, ApiError> {
    let row = db::one(
        p,
        &format!("{UPLOAD_COLUMNS} WHERE date = ?1 AND store_id = ?2"),
        &[date.into(), store_id.into()],
    )
    .await?
    .ok_or_else(|| ApiError::missing(format!("no upload from {store_id} for {date}")))?;
    Ok(serde_json::to_value(status_of(&row)).unwrap_or_default())
}

/// `GET /api/sales/uploads?date=`: the day's uploads, and which active
/// stores have not reported.
pub async fn list<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["date"])?;
    let date = q.required_text("date", 10)?;
    if parse_date(&date).is_none() {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    let rows = db::query(
        p,
        &format!("{UPLOAD_COLUMNS} WHERE date = ?1 ORDER BY store_id"),
        &[date.as_str().into()],
    )
    .await?;
    let uploads: Vec<UploadStatus> = rows.iter().map(status_of).collect();
    let missing = missing_stores(p, &date).await?;
    Ok(json!({"date": date, "uploads": uploads, "missing_stores": missing}))
}

/// Active stores with no metrics for `date`.
pub async fn missing_stores<P: Platform>(p: &P, date: &str) -> Result<Vec<String>, ApiError> {
    let rows = db::query(
        p,
        "SELECT s.store_id FROM stores s WHERE s.active = 1 AND NOT EXISTS \
         (SELECT 1 FROM store_metrics m WHERE m.date = ?1 AND m.store_id = s.store_id) \
         ORDER BY s.store_id",
        &[date.into()],
    )
    .await?;
    Ok(rows.iter().map(|r| Cols(r).text(0)).collect())
}

/// Reads a stored metrics row (columns as [`METRIC_COLUMNS`]).
pub fn metrics_of(r: &[edgedesk_kernel::platform::SqlValue]) -> StoreMetrics {
    let c = Cols(r);
    let json = |i: usize| -> Value {
        c.opt_text(i)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    };
    StoreMetrics {
        store_id: c.text(0),
        date: c.text(1),
        currency: c.text(2),
        revenue: c.real(3),
        transactions: c.int(4) as u64,
        items_sold: c.real(5),
        avg_basket: c.real(6),
        discounts: c.real(7),
        payment_mix: serde_json::from_value(json(8)).unwrap_or_default(),
        hourly: serde_json::from_value(json(9)).unwrap_or_default(),
        top_products: serde_json::from_value::<Vec<TopProduct>>(json(10)).unwrap_or_default(),
    }
}

pub const METRIC_COLUMNS: &str = "SELECT store_id, date, currency, revenue, transactions, \
     items_sold, avg_basket, discounts, payment_mix, hourly, top_products FROM store_metrics";

/// The longest range `GET /api/sales/metrics` answers at once.
pub const MAX_RANGE_DAYS: i64 = 366;

/// `GET /api/sales/metrics?from=&to=&store_id=`.
pub async fn metrics<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["from", "to", "store_id"])?;
    let from = q.required_text("from", 10)?;
    let to = q.required_text("to", 10)?;
    let (Some(f), Some(t)) = (parse_date(&from), parse_date(&to)) else {
        return Err(ApiError::unprocessable("from and to must be YYYY-MM-DD"));
    };
    if t < f {
        return Err(ApiError::unprocessable("to must not be before from"));
    }
    if (t - f).num_days() >= MAX_RANGE_DAYS {
        return Err(ApiError::unprocessable(format!(
            "from and to may span at most {MAX_RANGE_DAYS} days"
        )));
    }
    let store = crate::stores::id_param(q.text("store_id", 64)?)?;
    let rows = db::query(
        p,
        &format!(
            "{METRIC_COLUMNS} WHERE date >= ?1 AND date <= ?2 AND (?3 IS NULL OR store_id = ?3) \
             ORDER BY date, store_id"
        ),
        &[from.into(), to.into(), store.into()],
    )
    .await?;
    let metrics: Vec<StoreMetrics> = rows.iter().map(|r| metrics_of(r).shown()).collect();
    Ok(json!({ "metrics": metrics }))
}
