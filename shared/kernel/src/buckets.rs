//! Token buckets kept in a product's SQLite database (D1, Spin SQLite):
//! refill, take and write back in one statement, so however many instances
//! ask at once, each request is decided on the bucket as the previous one
//! left it. The statement is the core's [`edgedesk_core::token_bucket::take`]
//! written in SQL; a property test holds the two to the same answers.
//!
//! The table is [`TABLE_SQL`]: each product that limits has it in its
//! migrations, and the Worker's bucket objects make it in their own storage.

use crate::platform::{SqlStore, SqlValue, StoreError};
use edgedesk_core::token_bucket::{Bucket, Decision, Limit, UNIT, wait_ms};

/// Where buckets are kept, one row each.
pub const TABLE_SQL: &str = "CREATE TABLE IF NOT EXISTS rate_buckets (\
     key TEXT NOT NULL PRIMARY KEY, units INTEGER NOT NULL, \
     at_ms INTEGER NOT NULL, allowed INTEGER NOT NULL)";

/// SQLite evaluates every `SET` expression on the row as it was, so the
/// refilled amount is the same in each; `max(0, ...)` keeps a clock behind
/// the bucket's from refilling, `max(at_ms, ...)` keeps its time.
pub const TAKE_SQL: &str = "INSERT INTO rate_buckets (key, units, at_ms, allowed) \
     VALUES (?1, CASE WHEN ?2 >= ?4 THEN ?2 - ?4 ELSE ?2 END, ?3, ?2 >= ?4) \
     ON CONFLICT (key) DO UPDATE SET \
     units = CASE WHEN min(?2, rate_buckets.units + max(0, ?3 - rate_buckets.at_ms) * ?5) >= ?4 \
         THEN min(?2, rate_buckets.units + max(0, ?3 - rate_buckets.at_ms) * ?5) - ?4 \
         ELSE min(?2, rate_buckets.units + max(0, ?3 - rate_buckets.at_ms) * ?5) END, \
     allowed = min(?2, rate_buckets.units + max(0, ?3 - rate_buckets.at_ms) * ?5) >= ?4, \
     at_ms = max(rate_buckets.at_ms, ?3) \
     RETURNING units, at_ms, allowed";

/// The statement's parameters for a request at `now_ms` on `key`.
pub fn params(key: &str, limit: Limit, now_ms: i64) -> Vec<SqlValue> {
    vec![
        key.into(),
        (i64::from(limit.burst) * UNIT).into(),
        now_ms.into(),
        UNIT.into(),
        i64::from(limit.per_minute).into(),
    ]
}

/// The decision the statement's returned row carries.
pub fn decision(limit: Limit, units: i64, at_ms: i64, allowed: bool) -> Decision {
    let bucket = Bucket { units, at_ms };
    if allowed {
        Decision::Allowed {
            remaining: bucket.tokens(),
        }
    } else {
        Decision::Limited {
            retry_after_ms: wait_ms(limit, bucket),
        }
    }
}

/// Takes a token from `key`'s bucket in the store.
pub async fn take<P: SqlStore + ?Sized>(
    p: &P,
    key: &str,
    limit: Limit,
    now_ms: i64,
) -> Result<Decision, StoreError> {
    let rows = p.query(TAKE_SQL, &params(key, limit, now_ms)).await?;
    let row = rows
        .first()
        .ok_or_else(|| StoreError::new("the bucket statement returned no row"))?;
    let int = |i: usize| row.get(i).and_then(SqlValue::as_i64).unwrap_or(0);
    Ok(decision(limit, int(0), int(1), int(2) != 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedesk_core::token_bucket;
    use proptest::prelude::*;

    fn db() -> rusqlite::Connection {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(TABLE_SQL).unwrap();
        db
    }

    fn sql_take(
        db: &rusqlite::Connection,
        key: &str,
        limit: Limit,
        now: i64,
    ) -> (Bucket, Decision) {
        let values: Vec<rusqlite::types::Value> = params(key, limit, now)
            .into_iter()
            .map(|v| match v {
                SqlValue::Integer(i) => rusqlite::types::Value::Integer(i),
                SqlValue::Text(t) => rusqlite::types::Value::Text(t),
                _ => rusqlite::types::Value::Null,
            })
            .collect();
        let (units, at_ms, allowed): (i64, i64, bool) = db
            .query_row(TAKE_SQL, rusqlite::params_from_iter(values), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        (
            Bucket { units, at_ms },
            decision(limit, units, at_ms, allowed),
        )
    }

    const T0: i64 = 1_795_348_800_000;

    #[test]
    fn a_burst_then_the_rate_in_the_store() {
        let db = db();
        let limit = Limit {
            per_minute: 120,
            burst: 20,
        };
        let admitted = (0..25)
            .filter(|_| sql_take(&db, "widget:1.2.3.4", limit, T0).1.allowed())
            .count();
        assert_eq!(admitted, 20);
        assert_eq!(
            sql_take(&db, "widget:1.2.3.4", limit, T0).1,
            Decision::Limited {
                retry_after_ms: 500
            }
        );
        assert!(
            sql_take(&db, "widget:5.6.7.8", limit, T0).1.allowed(),
            "another key, its own bucket"
        );
        assert!(sql_take(&db, "widget:1.2.3.4", limit, T0 + 500).1.allowed());
    }

    proptest! {
        /// The statement answers as the core does, request after request,
        /// clocks out of step included.
        #[test]
        fn the_statement_is_the_core_arithmetic(
            per_minute in 0u32..200_000,
            burst in 0u32..100,
            steps in proptest::collection::vec(-5_000i64..120_000, 1..60),
        ) {
            let db = db();
            let limit = Limit { per_minute, burst };
            let mut bucket = None;
            let mut t = T0;
            for step in steps {
                t += step;
                let (core_bucket, core_decision) = token_bucket::take(limit, bucket, t);
                let (sql_bucket, sql_decision) = sql_take(&db, "k", limit, t);
                prop_assert_eq!(sql_bucket, core_bucket);
                prop_assert_eq!(sql_decision, core_decision);
                bucket = Some(core_bucket);
            }
        }
    }
}
