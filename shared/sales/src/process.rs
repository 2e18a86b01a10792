//! Processing one upload: check it, write the processed copy, store the
//! store's metrics and mark the store as reported, or record why the file
//! was refused and say so. Each step can run again: everything is keyed by
//! the store's day and guarded by the upload's version, so a retry, a
//! duplicate message or a re-upload replaces and never double counts.

use crate::db::{self, Cols};
use crate::metrics::Totals;
use crate::ndjson::{Both, Writer};
use crate::objects::{Key, file_row};
use crate::upload::{self, Expected, FieldError, Outcome};
use crate::{alerts, analysis};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{Delivery, Platform, Statement};
use edgedesk_kernel::presigned::MAX_UPLOAD_BYTES;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A queue message: process this version of this store's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub date: String,
    pub store_id: String,
    pub version: i64,
}

impl Job {
    pub fn to_message(&self) -> String {
        serde_json::to_string(&json!({"kind": "process", "date": self.date,
            "store_id": self.store_id, "version": self.version}))
        .unwrap_or_default()
    }
}

/// What processing came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Processed,
    /// The file was refused; its errors are recorded.
    Refused,
    /// A newer upload replaced this one: nothing to do.
    Superseded,
}

/// Processes one upload. `Err` is a fault worth retrying (a store was
/// unavailable); a refused file is `Ok(Done::Refused)`.
pub async fn run<P: Platform>(p: &P, job: &Job) -> Result<Done, ApiError> {
    let key = (job.date.as_str(), job.store_id.as_str(), job.version);
    let started = db::execute(
        p,
        "UPDATE uploads SET status = 'processing', attempts = attempts + 1 \
         WHERE date = ?1 AND store_id = ?2 AND version = ?3",
        &[key.0.into(), key.1.into(), key.2.into()],
    )
    .await?;
    if started == 0 {
        return Ok(Done::Superseded);
    }
    let raw = p
        .read_object(
            &Key::raw(&job.date, &job.store_id).stored(),
            MAX_UPLOAD_BYTES,
        )
        .await
        .map_err(|_| ApiError::failure("the uploaded file could not be read").with_status(503))?;
    let Some(raw) = raw else {
        // The row says a file was stored, and it is not there: only a
        // newer upload's write can explain it; let that one decide.
        return Err(
            ApiError::failure("the uploaded file is not in the store yet").with_status(503),
        );
    };
    let mut totals = Totals::default();
    let mut writer = Writer::new(&job.store_id, &job.date);
    let outcome = upload::check(
        &raw,
        Expected {
            store_id: &job.store_id,
            date: &job.date,
        },
        &mut Both(&mut totals, &mut writer),
    );
    drop(raw);
    if !outcome.is_valid() {
        return refuse(p, job, &outcome).await;
    }
    let processed = writer
        .finish()
        .map_err(|_| ApiError::failure("the processed file could not be written"))?;
    let pkey = Key::processed(&job.date, &job.store_id);
    p.write_object(&pkey.stored(), &processed, pkey.content_type())
        .await
        .map_err(|_| {
            ApiError::failure("the processed file could not be stored").with_status(503)
        })?;
    let now = p.now_ms();
    let products: Vec<_> = totals.products.values().collect();
    let currency = outcome.currency.clone().unwrap_or_default();
    let v = |x: &str| -> edgedesk_kernel::platform::SqlValue { x.into() };
    let applied = db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM product_sales WHERE date = ?1 AND store_id = ?2 AND EXISTS \
                 (SELECT 1 FROM uploads WHERE date = ?1 AND store_id = ?2 AND version = ?3)",
                vec![v(&job.date), v(&job.store_id), job.version.into()],
            ),
            Statement::new(
                "INSERT INTO product_sales (date, store_id, sku, name, category, units, revenue) \
                 SELECT ?1, ?2, j.value ->> '$.sku', j.value ->> '$.name', j.value ->> '$.category', \
                 j.value ->> '$.units', j.value ->> '$.revenue' FROM json_each(?4) AS j WHERE EXISTS \
                 (SELECT 1 FROM uploads WHERE date = ?1 AND store_id = ?2 AND version = ?3)",
                vec![
                    v(&job.date),
                    v(&job.store_id),
                    job.version.into(),
                    serde_json::to_string(&products).unwrap_or_default().into(),
                ],
            ),
            Statement::new(
                "INSERT INTO store_metrics (date, store_id, version, currency, revenue, transactions, \
                 items_sold, avg_basket, discounts, payment_mix, hourly, top_products, computed_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 WHERE EXISTS \
                 (SELECT 1 FROM uploads WHERE date = ?1 AND store_id = ?2 AND version = ?3) \
                 ON CONFLICT (date, store_id) DO UPDATE SET version = excluded.version, \
                 currency = excluded.currency, revenue = excluded.revenue, \
                 transactions = excluded.transactions, items_sold = excluded.items_sold, \
                 avg_basket = excluded.avg_basket, discounts = excluded.discounts, \
                 payment_mix = excluded.payment_mix, hourly = excluded.hourly, \
                 top_products = excluded.top_products, computed_at = excluded.computed_at",
                vec![
                    v(&job.date),
                    v(&job.store_id),
                    job.version.into(),
                    currency.into(),
                    totals.revenue.into(),
                    (totals.transactions as i64).into(),
                    totals.items_sold.into(),
                    totals.avg_basket().into(),
                    totals.discounts.into(),
                    serde_json::to_string(&totals.payment_mix())
                        .unwrap_or_default()
                        .into(),
                    serde_json::to_string(&totals.hourly.to_vec())
                        .unwrap_or_default()
                        .into(),
                    serde_json::to_string(&totals.top_products())
                        .unwrap_or_default()
                        .into(),
                    now.into(),
                ],
            ),
            guarded_file_row(&pkey, processed.len(), now, job),
            Statement::new(
                "UPDATE uploads SET status = 'processed', processed_at = ?4, transactions = ?5, \
                 errors = NULL, error_count = 0 WHERE date = ?1 AND store_id = ?2 AND version = ?3",
                vec![
                    v(&job.date),
                    v(&job.store_id),
                    job.version.into(),
                    now.into(),
                    (outcome.transactions as i64).into(),
                ],
            ),
        ],
    )
    .await?;
    if applied.last() == Some(&0) {
        return Ok(Done::Superseded);
    }
    // Every expected store in: the day's analysis starts, once.
    analysis::when_all_reported(p, &job.date).await?;
    Ok(Done::Processed)
}

/// The processed file's listing row, written only for the current upload.
fn guarded_file_row(key: &Key, size: usize, now: i64, job: &Job) -> Statement {
    let row = file_row(key, size, now);
    let mut params = row.params;
    params.extend([
        job.date.as_str().into(),
        job.store_id.as_str().into(),
        job.version.into(),
    ]);
    Statement::new(
        "INSERT INTO files (key, area, date, store_id, size, content_type, written_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS \
         (SELECT 1 FROM uploads WHERE date = ?8 AND store_id = ?9 AND version = ?10) \
         ON CONFLICT (key) DO UPDATE SET size = excluded.size, \
         content_type = excluded.content_type, written_at = excluded.written_at",
        params,
    )
}

/// A refused file: its errors recorded, the day's earlier metrics for the
/// store withdrawn (the file on record is this one), and an alert sent.
async fn refuse<P: Platform>(p: &P, job: &Job, outcome: &Outcome) -> Result<Done, ApiError> {
    let v = |x: &str| -> edgedesk_kernel::platform::SqlValue { x.into() };
    let guard = || vec![v(&job.date), v(&job.store_id), job.version.into()];
    let mut record = guard();
    record.extend([
        p.now_ms().into(),
        serde_json::to_string(&outcome.errors)
            .unwrap_or_default()
            .into(),
        (outcome.error_count as i64).into(),
    ]);
    let applied = db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM store_metrics WHERE date = ?1 AND store_id = ?2 AND EXISTS \
                 (SELECT 1 FROM uploads WHERE date = ?1 AND store_id = ?2 AND version = ?3)",
                guard(),
            ),
            Statement::new(
                "DELETE FROM product_sales WHERE date = ?1 AND store_id = ?2 AND EXISTS \
                 (SELECT 1 FROM uploads WHERE date = ?1 AND store_id = ?2 AND version = ?3)",
                guard(),
            ),
            Statement::new(
                "UPDATE uploads SET status = 'failed', processed_at = ?4, transactions = NULL, \
                 errors = ?5, error_count = ?6 WHERE date = ?1 AND store_id = ?2 AND version = ?3",
                record,
            ),
        ],
    )
    .await?;
    if applied.last() == Some(&0) {
        return Ok(Done::Superseded);
    }
    alerts::upload_failed(
        p,
        &job.date,
        &job.store_id,
        outcome.error_count,
        &outcome.errors,
    )
    .await;
    Ok(Done::Refused)
}

/// The delay before retry `attempt` (1 = the first retry): exponential
/// from 10 s, at most 15 minutes, with "equal jitter" (half fixed, half
/// random from `random`), so retries of many uploads spread out.
pub fn backoff(attempt: u32, random: u32) -> u32 {
    let ceiling = (10u32 << attempt.saturating_sub(1).min(7)).min(900);
    let half = ceiling / 2;
    half + random % (ceiling - half + 1)
}

/// Handles a message of the product's queue.
pub async fn on_message<P: Platform>(p: &P, body: &str) -> Delivery {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(body) else {
        // Not ours to retry: it will never parse.
        return Delivery::Ack;
    };
    match message["kind"].as_str() {
        Some("process") => {
            let Ok(job) = serde_json::from_value::<Job>(message) else {
                return Delivery::Ack;
            };
            match run(p, &job).await {
                Ok(_) => Delivery::Ack,
                Err(_) => Delivery::Retry(retry_delay(p, &job).await),
            }
        }
        Some("analyse") => match message["date"].as_str() {
            Some(date) => match analysis::run_queued(p, date).await {
                Ok(()) => Delivery::Ack,
                Err(_) => {
                    let mut r = [0u8; 4];
                    p.fill(&mut r);
                    Delivery::Retry(backoff(2, u32::from_le_bytes(r)))
                }
            },
            None => Delivery::Ack,
        },
        _ => Delivery::Ack,
    }
}

async fn retry_delay<P: Platform>(p: &P, job: &Job) -> u32 {
    let attempts = db::one(
        p,
        "SELECT attempts FROM uploads WHERE date = ?1 AND store_id = ?2",
        &[job.date.as_str().into(), job.store_id.as_str().into()],
    )
    .await
    .ok()
    .flatten()
    .map_or(1, |r| Cols(&r).int(0).max(1) as u32);
    let mut r = [0u8; 4];
    p.fill(&mut r);
    backoff(attempts, u32::from_le_bytes(r))
}

/// A message the queue gave up on (the dead-letter queue's consumer): the
/// upload is marked failed, with why, and an alert goes out.
pub async fn on_dead_letter<P: Platform>(p: &P, body: &str) -> Delivery {
    let message: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    if message["kind"] == "analyse" {
        // The schedule resumes failed runs; an admin can too.
        let failed = db::execute(
            p,
            "UPDATE analysis_runs SET status = 'failed', lease_until = NULL, \
             error = 'the queue gave up on this run; it is resumed by the schedule or POST /api/sales/analysis/run' \
             WHERE date = ?1 AND status <> 'completed'",
            &[message["date"].as_str().unwrap_or_default().into()],
        )
        .await;
        return if failed.is_ok() {
            Delivery::Ack
        } else {
            Delivery::Retry(60)
        };
    }
    let Ok(job) = serde_json::from_value::<Job>(message) else {
        return Delivery::Ack;
    };
    let error = FieldError {
        path: "$".into(),
        message:
            "processing failed on every attempt (a store was unavailable); upload the file again"
                .into(),
    };
    let changed = db::execute(
        p,
        "UPDATE uploads SET status = 'failed', processed_at = ?4, errors = ?5, error_count = 1 \
         WHERE date = ?1 AND store_id = ?2 AND version = ?3 AND status <> 'processed'",
        &[
            job.date.as_str().into(),
            job.store_id.as_str().into(),
            job.version.into(),
            p.now_ms().into(),
            serde_json::to_string(&[&error]).unwrap_or_default().into(),
        ],
    )
    .await;
    match changed {
        Ok(0) => Delivery::Ack,
        Ok(_) => {
            alerts::upload_failed(p, &job.date, &job.store_id, 1, &[error]).await;
            Delivery::Ack
        }
        Err(_) => Delivery::Retry(60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_up_to_fifteen_minutes() {
        let ceilings: Vec<u32> = (1..=9).map(|a| backoff(a, 0)).collect();
        assert_eq!(ceilings, [5, 10, 20, 40, 80, 160, 320, 450, 450]);
    }

    proptest! {
        #[test]
        fn backoff_stays_within_half_and_all_of_its_ceiling(attempt in 0u32..50, r in any::<u32>()) {
            let ceiling = (10u32 << attempt.saturating_sub(1).min(7)).min(900);
            let d = backoff(attempt, r);
            prop_assert!(d >= ceiling / 2 && d <= ceiling);
        }
    }
}
