//! A replay table in in-memory SQLite whose statements can be made to fail
//! or never finish, for the signed-call tests.

use crate::platform::{Clock, Config, Row, SqlStore, SqlValue, Statement, StoreError};
use std::cell::Cell;

pub struct Fake {
    pub db: rusqlite::Connection,
    pub now: Cell<i64>,
    /// Statements starting with this fail.
    pub failing: Cell<Option<&'static str>>,
    /// Statements starting with this never finish.
    pub hanging: Cell<Option<&'static str>>,
}

impl Fake {
    pub fn new(now: i64) -> Self {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(
            "CREATE TABLE seen_calls (signature TEXT NOT NULL PRIMARY KEY, \
             client TEXT NOT NULL, expires_at INTEGER NOT NULL)",
        )
        .unwrap();
        Fake {
            db,
            now: Cell::new(now),
            failing: Cell::new(None),
            hanging: Cell::new(None),
        }
    }

    pub fn rows(&self) -> i64 {
        self.db
            .query_row("SELECT count(*) FROM seen_calls", [], |r| r.get(0))
            .unwrap()
    }
}

impl SqlStore for Fake {
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        if self.hanging.get().is_some_and(|p| sql.starts_with(p)) {
            std::future::pending::<()>().await;
        }
        if self.failing.get().is_some_and(|p| sql.starts_with(p)) {
            return Err(StoreError::new("injected fault"));
        }
        let values: Vec<rusqlite::types::Value> = params
            .iter()
            .map(|p| match p {
                SqlValue::Null => rusqlite::types::Value::Null,
                SqlValue::Integer(i) => (*i).into(),
                SqlValue::Real(r) => (*r).into(),
                SqlValue::Text(t) => t.clone().into(),
            })
            .collect();
        self.db
            .execute(sql, rusqlite::params_from_iter(values))
            .map(|n| n as u64)
            .map_err(StoreError::new)
    }

    /// The replay check only writes.
    async fn query(&self, sql: &str, _: &[SqlValue]) -> Result<Vec<Row>, StoreError> {
        Err(StoreError::new(format!("no queries here: {sql}")))
    }

    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let mut changed = Vec::new();
        for s in statements {
            changed.push(self.execute(s.sql, &s.params).await?);
        }
        Ok(changed)
    }
}

impl Clock for Fake {
    fn now_ms(&self) -> i64 {
        self.now.get()
    }

    /// Time passes at once: any bound on a hanging statement fires.
    async fn sleep(&self, _ms: u64) {}
}

impl Config for Fake {
    async fn var(&self, name: &str) -> Option<String> {
        (name == "HMAC_SECRET").then(|| "k".to_string())
    }
}
