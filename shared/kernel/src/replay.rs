//! Replay protection: each accepted signature is recorded under a SQLite
//! primary key until its timestamp leaves the acceptance window. The store
//! is strongly consistent (D1, Spin SQLite), unlike Workers KV.

use crate::platform::{SqlStore, SqlValue, StoreError};
use edgedesk_core::signing::{MAX_SKEW_MS, VerifiedCall};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    Fresh,
    Seen,
}

/// Records the call; `Seen` if the same signature was accepted before.
pub async fn record(
    sql: &impl SqlStore,
    call: &VerifiedCall<'_>,
    now_ms: i64,
) -> Result<Replay, StoreError> {
    let signature = hex::encode(call.signature);
    // A timestamp is acceptable until now passes it by the window.
    let expires_at = call.timestamp_ms + MAX_SKEW_MS;
    let changed = sql
        .execute(
            "INSERT INTO seen_calls (signature, client, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (signature) DO NOTHING",
            &[
                SqlValue::Text(signature),
                SqlValue::Text(call.client.to_string()),
                SqlValue::Integer(expires_at),
            ],
        )
        .await?;
    if changed == 0 {
        return Ok(Replay::Seen);
    }
    // Prune about one call in sixteen (signatures are uniformly random), so
    // the table stays small without a scheduler.
    if call.signature[0] < 16 {
        sql.execute(
            "DELETE FROM seen_calls WHERE expires_at < ?1",
            &[SqlValue::Integer(now_ms)],
        )
        .await?;
    }
    Ok(Replay::Fresh)
}
