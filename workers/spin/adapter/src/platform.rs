//! The kernel's platform traits over Spin, scoped to one product: SQL goes
//! to that product's own SQLite database (its label in `spin.toml`).
//!
//! Spin has no object store: blobs live in the product database's table
//! `documents` (key, body), loaded from `sample_data/` or an export by
//! `scripts/documents-sql.py`. Replay records use the same database, which
//! is strongly consistent; key-value holds only the LLM cache.

use crate::describe::Describe;
use edgedesk_kernel::platform::*;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::{Connection, Value};
use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct SpinPlatform {
    product: &'static Product,
    // Opened on first use and kept for the request.
    sqlite: RefCell<Option<std::rc::Rc<Connection>>>,
}

fn fault(what: &str, e: impl Describe) -> StoreError {
    eprintln!("{what}: {}", e.describe());
    StoreError::new(what)
}

impl SpinPlatform {
    pub fn new(product: &'static Product) -> Self {
        SpinPlatform {
            product,
            sqlite: RefCell::new(None),
        }
    }

    async fn db(&self) -> Result<std::rc::Rc<Connection>, StoreError> {
        if let Some(c) = self.sqlite.borrow().as_ref() {
            return Ok(c.clone());
        }
        let Some(database) = &self.product.database else {
            return Err(fault("sqlite open", self.product.name));
        };
        let conn = std::rc::Rc::new(
            Connection::open(database.sqlite_label)
                .await
                .map_err(|e| fault("sqlite open", e))?,
        );
        *self.sqlite.borrow_mut() = Some(conn.clone());
        Ok(conn)
    }
}

fn to_value(p: &SqlValue) -> Value {
    match p {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::Integer(*i),
        SqlValue::Real(r) => Value::Real(*r),
        SqlValue::Text(t) => Value::Text(t.clone()),
    }
}

impl BlobStore for SpinPlatform {
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let db = self.db().await?;
        // The size is checked in SQL, so an oversized row never crosses
        // into the component.
        let rows = db
            .execute(
                "SELECT CASE WHEN length(CAST(body AS BLOB)) <= ?2 THEN body END \
                 FROM documents WHERE key = ?1",
                [
                    Value::Text(key.to_string()),
                    Value::Integer(MAX_BLOB_BYTES as i64),
                ],
            )
            .await
            .map_err(|e| fault("sqlite query", e))?
            .collect()
            .await
            .map_err(|e| fault("sqlite rows", e))?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        match row.values.first() {
            Some(Value::Text(t)) => Ok(Some(t.clone().into_bytes())),
            Some(Value::Blob(b)) => Ok(Some(b.clone())),
            _ => Err(StoreError::too_large(key, MAX_BLOB_BYTES)),
        }
    }
}

/// Objects in the product database's `documents` table (Spin has no
/// object store): a write replaces the row in one statement, so readers
/// see the old object or the new one.
impl ObjectStore for SpinPlatform {
    async fn read_object(&self, key: &str, limit: usize) -> Result<Option<Vec<u8>>, StoreError> {
        let db = self.db().await?;
        // The size is checked in SQL, so an oversized row never crosses
        // into the component.
        let rows = Self::run(
            &db,
            "SELECT CASE WHEN length(CAST(body AS BLOB)) <= ?2 THEN CAST(body AS BLOB) END \
             FROM documents WHERE key = ?1",
            &[key.into(), (limit as i64).into()],
        )
        .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        match row.values.first() {
            Some(Value::Blob(b)) => Ok(Some(b.clone())),
            Some(Value::Text(t)) => Ok(Some(t.clone().into_bytes())),
            _ => Err(StoreError::too_large(key, limit)),
        }
    }

    async fn write_object(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), StoreError> {
        let db = self.db().await?;
        db.execute(
            "INSERT INTO documents (key, body, content_type, uploaded_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key) DO UPDATE SET body = excluded.body, \
             content_type = excluded.content_type, uploaded_at = excluded.uploaded_at",
            [
                Value::Text(key.to_string()),
                Value::Blob(body.to_vec()),
                Value::Text(content_type.to_string()),
                Value::Integer(self.now_ms()),
            ],
        )
        .await
        .map_err(|e| fault("sqlite write object", e))?
        .collect()
        .await
        .map_err(|e| fault("sqlite write object", e))?;
        Ok(())
    }
}

/// Spin has no durable queue: work runs in the request that asks for it.
impl Queue for SpinPlatform {}

impl KeyValue for SpinPlatform {
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let store = Store::open_default()
            .await
            .map_err(|e| fault("kv open", e))?;
        store.get(key).await.map_err(|e| fault("kv get", e))
    }

    /// Spin key-value has no expiry; the cache key includes the facts, which
    /// change daily, so stale entries are simply never asked for again.
    async fn kv_put(&self, key: &str, value: &[u8], _ttl_secs: u32) -> Result<(), StoreError> {
        let store = Store::open_default()
            .await
            .map_err(|e| fault("kv open", e))?;
        store.set(key, value).await.map_err(|e| fault("kv set", e))
    }
}

fn from_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Integer(i) => SqlValue::Integer(*i),
        Value::Real(r) => SqlValue::Real(*r),
        Value::Text(t) => SqlValue::Text(t.clone()),
        Value::Blob(b) => SqlValue::Text(String::from_utf8_lossy(b).into_owned()),
    }
}

impl SpinPlatform {
    /// Runs one statement to its end on `db`; returns the rows it gave.
    async fn run(
        db: &Connection,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<spin_sdk::sqlite::RowResult>, StoreError> {
        db.execute(sql, params.iter().map(to_value))
            .await
            .map_err(|e| fault("sqlite execute", e))?
            .collect()
            .await
            .map_err(|e| fault("sqlite execute", e))
    }
}

impl SqlStore for SpinPlatform {
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let db = self.db().await?;
        Self::run(&db, sql, params).await?;
        Ok(db.changes().await)
    }

    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>, StoreError> {
        let db = self.db().await?;
        let rows = Self::run(&db, sql, params).await?;
        Ok(rows
            .iter()
            .map(|r| r.values.iter().map(from_value).collect())
            .collect())
    }

    /// One transaction on this request's connection.
    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let db = self.db().await?;
        Self::run(&db, "BEGIN IMMEDIATE", &[]).await?;
        let mut changed = Vec::with_capacity(statements.len());
        for s in statements {
            if let Err(e) = Self::run(&db, s.sql, &s.params).await {
                let _ = Self::run(&db, "ROLLBACK", &[]).await;
                return Err(e);
            }
            changed.push(db.changes().await);
        }
        Self::run(&db, "COMMIT", &[]).await?;
        Ok(changed)
    }
}

/// Buckets are rows of the product's SQLite database, taken in one
/// statement: every instance on the node sees the same row.
impl Limiter for SpinPlatform {}

impl Clock for SpinPlatform {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    async fn sleep(&self, ms: u64) {
        spin_sdk::wasip3::clocks::monotonic_clock::wait_for(
            Duration::from_millis(ms).as_nanos() as u64
        )
        .await
    }
}

impl Random for SpinPlatform {
    fn fill(&self, buf: &mut [u8]) {
        let _ = getrandom::fill(buf);
    }
}

impl HttpClient for SpinPlatform {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, StoreError> {
        crate::wasi_http::send(request).await
    }

    async fn stream(
        &self,
        request: OutboundRequest,
    ) -> Result<edgedesk_kernel::platform::Streamed, StoreError> {
        crate::wasi_http::stream(request).await
    }
}

impl Config for SpinPlatform {
    /// Spin variable names are lowercase (`HMAC_SECRET` → `hmac_secret`).
    async fn var(&self, name: &str) -> Option<String> {
        spin_sdk::variables::get(name.to_ascii_lowercase())
            .await
            .ok()
    }
}
