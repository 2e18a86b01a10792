//! Replay protection: each accepted signature is recorded under a SQLite
//! primary key until its timestamp leaves the acceptance window. The store
//! is strongly consistent (D1, Spin SQLite), unlike Workers KV.

use crate::platform::{SqlStore, SqlValue, StoreError};
use edgedesk_core::signing::{MAX_SKEW_MS, VerifiedCall};

/// Records stay this long past their window before they are pruned: the
/// instance that prunes and the one still checking a replay need not share
/// a clock, and a replay may be in flight while the window closes.
pub const PRUNE_GRACE_MS: i64 = MAX_SKEW_MS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    Fresh,
    Seen,
}

/// Records the call; `Seen` if the same signature was accepted before.
/// `Err` means nothing was recorded.
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
    // the table stays small without a scheduler. The call is already
    // recorded: a failed prune must not fail it, or its retry would be
    // refused as a replay.
    if call.signature[0] < 16 {
        let _ = sql
            .execute(
                "DELETE FROM seen_calls WHERE expires_at < ?1",
                &[SqlValue::Integer(now_ms - PRUNE_GRACE_MS)],
            )
            .await;
    }
    Ok(Replay::Fresh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_sql::Fake;
    use edgedesk_core::signing::Scheme;
    use futures::executor::block_on;

    const T: i64 = 1_795_348_800_000;

    fn call(first_byte: u8, timestamp_ms: i64) -> VerifiedCall<'static> {
        let mut signature = [7u8; 32];
        signature[0] = first_byte;
        VerifiedCall {
            timestamp_ms,
            client: "agent",
            signature,
            scheme: Scheme::V2,
        }
    }

    #[test]
    fn a_replay_is_seen() {
        let db = Fake::new(T);
        assert_eq!(block_on(record(&db, &call(200, T), T)), Ok(Replay::Fresh));
        assert_eq!(block_on(record(&db, &call(200, T), T)), Ok(Replay::Seen));
    }

    /// A call accepted at the very end of its window, a pruning call on an
    /// instance whose clock is already past it, and then the replay, still
    /// inside the window on the first instance's clock.
    #[test]
    fn a_replay_at_the_window_edge_survives_pruning() {
        let db = Fake::new(T);
        let edge = T + MAX_SKEW_MS;
        let target = call(200, T);
        assert_eq!(block_on(record(&db, &target, edge)), Ok(Replay::Fresh));
        let pruner = call(0, edge + 1);
        assert_eq!(block_on(record(&db, &pruner, edge + 1)), Ok(Replay::Fresh));
        assert_eq!(block_on(record(&db, &target, edge)), Ok(Replay::Seen));
        // Past the grace margin the target's record goes; the pruner's
        // and the late call's stay.
        let late = edge + PRUNE_GRACE_MS + 1;
        assert_eq!(
            block_on(record(&db, &call(1, late), late)),
            Ok(Replay::Fresh)
        );
        assert_eq!(db.rows(), 2);
        assert_eq!(block_on(record(&db, &target, edge)), Ok(Replay::Fresh));
    }

    #[test]
    fn a_failed_prune_does_not_fail_the_recorded_call() {
        let db = Fake::new(T);
        db.failing.set(Some("DELETE"));
        assert_eq!(block_on(record(&db, &call(0, T), T)), Ok(Replay::Fresh));
        assert_eq!(db.rows(), 1);
    }

    #[test]
    fn a_failed_insert_records_nothing() {
        let db = Fake::new(T);
        db.failing.set(Some("INSERT"));
        assert!(block_on(record(&db, &call(0, T), T)).is_err());
        assert_eq!(db.rows(), 0);
    }
}
