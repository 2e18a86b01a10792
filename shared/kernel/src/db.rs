//! A product's database as handlers use it: bounded, its faults turned
//! into answers that say nothing of internals, rows read by column.

use crate::deadline;
use crate::platform::{Platform, Row, SqlValue, Statement, StoreError};
use edgedesk_core::envelope::ApiError;

/// How long one statement (or batch) may take before the request is
/// answered 503: the database is queueing, and a retry later will do.
pub const SQL_TIMEOUT_MS: u64 = 10_000;

/// The adapters log the fault's detail; the caller gets none of it.
fn fault(_: StoreError) -> ApiError {
    ApiError::failure("the database is unavailable; try again")
}

fn slow() -> ApiError {
    ApiError::failure("the database did not answer in time; try again").with_status(503)
}

pub async fn query<P: Platform>(
    p: &P,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<Row>, ApiError> {
    deadline::within(p, SQL_TIMEOUT_MS, p.query(sql, params))
        .await
        .map_err(|_| slow())?
        .map_err(fault)
}

/// The first row, if any.
pub async fn one<P: Platform>(
    p: &P,
    sql: &str,
    params: &[SqlValue],
) -> Result<Option<Row>, ApiError> {
    Ok(query(p, sql, params).await?.into_iter().next())
}

pub async fn execute<P: Platform>(p: &P, sql: &str, params: &[SqlValue]) -> Result<u64, ApiError> {
    deadline::within(p, SQL_TIMEOUT_MS, p.execute(sql, params))
        .await
        .map_err(|_| slow())?
        .map_err(fault)
}

/// One transaction.
pub async fn batch<P: Platform>(p: &P, statements: &[Statement]) -> Result<Vec<u64>, ApiError> {
    deadline::within(p, SQL_TIMEOUT_MS, p.batch(statements))
        .await
        .map_err(|_| slow())?
        .map_err(fault)
}

/// A row's columns by position, lenient about D1's numbers.
pub struct Cols<'r>(pub &'r [SqlValue]);

impl Cols<'_> {
    pub fn text(&self, i: usize) -> String {
        self.0
            .get(i)
            .and_then(SqlValue::as_str)
            .unwrap_or_default()
            .to_string()
    }

    pub fn opt_text(&self, i: usize) -> Option<String> {
        self.0.get(i).and_then(SqlValue::as_str).map(str::to_string)
    }

    pub fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }

    pub fn opt_int(&self, i: usize) -> Option<i64> {
        self.0.get(i).and_then(SqlValue::as_i64)
    }

    pub fn real(&self, i: usize) -> f64 {
        self.opt_real(i).unwrap_or(0.0)
    }

    pub fn opt_real(&self, i: usize) -> Option<f64> {
        self.0.get(i).and_then(SqlValue::as_f64)
    }

    pub fn flag(&self, i: usize) -> bool {
        self.int(i) != 0
    }
}

/// A new random id (a UUID v4), from the platform's random source.
pub fn new_id<P: Platform>(p: &P) -> String {
    let mut bytes = [0u8; 16];
    p.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}
