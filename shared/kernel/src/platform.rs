//! What a handler needs from the runtime it is deployed on. Each adapter
//! (Cloudflare Worker, Spin component, native tests) implements these over
//! its own stores; handlers never see which one they run on.
//!
//! Futures are not `Send`: every target runtime runs a request on one
//! thread, so the traits use plain `async fn`.
#![allow(async_fn_in_trait)]

use edgedesk_core::token_bucket::{Decision, Limit};
use std::fmt;

/// A product: its name and the database it owns. The kernel hands each
/// route's handler a platform scoped to that route's product, so a product
/// only ever reaches its own database.
#[derive(Debug, PartialEq, Eq)]
pub struct Product {
    /// Lowercase name, also the `migrations/<name>/` folder.
    pub name: &'static str,
    /// Shown in the API documentation.
    pub title: &'static str,
    pub database: Option<Database>,
    /// Kept counters and error tracking ([`crate::observe`]), with the
    /// tables for them in the product's database.
    pub observed: Option<Observed>,
    /// The Cloudflare Queue binding its background work goes to
    /// ([`Queue`]); where there is none the work runs in the request.
    pub queue: Option<&'static str>,
}

/// What the kernel needs to observe a product's requests.
#[derive(Debug, PartialEq, Eq)]
pub struct Observed {
    /// The table of the product's tenants (businesses), whose `id` labels
    /// counters; a name a request gives counts only if it is in there.
    pub tenants: &'static str,
}

/// Where a product's SQLite database lives on each runtime.
#[derive(Debug, PartialEq, Eq)]
pub struct Database {
    /// The D1 binding in `wrangler.toml`.
    pub d1_binding: &'static str,
    /// The Spin SQLite label in `spin.toml`.
    pub sqlite_label: &'static str,
}

/// Routes that belong to no product (health, API documentation, the 404s):
/// no database.
pub static KERNEL: Product = Product {
    name: "kernel",
    title: "Platform",
    database: None,
    observed: None,
    queue: None,
};

/// A storage or network fault. The text is for logs only; callers get a
/// generic message so internals never leak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
    /// The object or answer was over its size bound: retrying will not help.
    pub too_large: bool,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StoreError {
    pub fn new(message: impl fmt::Display) -> Self {
        StoreError {
            message: message.to_string(),
            too_large: false,
        }
    }

    pub fn too_large(what: impl fmt::Display, limit: usize) -> Self {
        StoreError {
            message: format!("{what} is larger than {limit} bytes"),
            too_large: true,
        }
    }
}

/// Largest object read whole from the blob store. Every adapter refuses a
/// larger one with [`StoreError::too_large`] before holding it in memory.
pub const MAX_BLOB_BYTES: usize = 1 << 20;

/// Largest outbound answer (an LLM completion) held in memory; adapters
/// stop reading past it with [`StoreError::too_large`].
pub const MAX_OUTBOUND_BODY_BYTES: usize = 1 << 20;

/// What a read that names the version it already holds finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versioned {
    Missing,
    /// The object is still at the version named: its body was not read.
    Unchanged,
    /// The object, with its version where the store keeps one (R2's etag).
    Found {
        bytes: Vec<u8>,
        version: Option<String>,
    },
}

/// Object storage (R2 on Cloudflare).
pub trait BlobStore {
    /// The whole object, if there is one and it is at most
    /// [`MAX_BLOB_BYTES`].
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The object unless it is still at version `known`, in which case its
    /// body is not read at all. A store without versions reads it whole.
    async fn get_blob_unless(
        &self,
        key: &str,
        known: Option<&str>,
    ) -> Result<Versioned, StoreError> {
        let _ = known;
        Ok(match self.get_blob(key).await? {
            None => Versioned::Missing,
            Some(bytes) => Versioned::Found {
                bytes,
                version: None,
            },
        })
    }
}

/// Objects a product writes and reads itself (R2 on Cloudflare; a table of
/// the product's database on Spin), up to
/// [`crate::presigned::MAX_UPLOAD_BYTES`] each.
pub trait ObjectStore {
    /// The whole object if it is at most `limit` bytes; a larger one is
    /// [`StoreError::too_large`] and is never read.
    async fn read_object(&self, key: &str, limit: usize) -> Result<Option<Vec<u8>>, StoreError>;

    /// Writes (or replaces) an object at once: readers see the old one or
    /// the new one, never a part. Borrowed, so a request's body is stored
    /// from where it was read.
    async fn write_object(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), StoreError>;
}

/// What a queue consumer tells the queue about one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Done with (or never to be done): drop it.
    Ack,
    /// Deliver it again after this many seconds.
    Retry(u32),
}

/// Background work with retries (a Cloudflare Queue, the product's
/// [`Product::queue`]).
pub trait Queue {
    /// Sends `body` to the product's queue. `Ok(false)` when this runtime
    /// or product has none: the caller does the work itself, now.
    async fn enqueue(&self, body: &str) -> Result<bool, StoreError> {
        let _ = body;
        Ok(false)
    }
}

/// Eventually consistent key-value cache (Workers KV). Never used for
/// anything that must be exact, like replay protection.
pub trait KeyValue {
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    async fn kv_put(&self, key: &str, value: &[u8], ttl_secs: u32) -> Result<(), StoreError>;
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl SqlValue {
    /// An integer column. D1 hands every number over as a double, so a
    /// whole real counts too.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SqlValue::Integer(i) => Some(*i),
            SqlValue::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e15 => Some(*r as i64),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            SqlValue::Integer(i) => Some(*i as f64),
            SqlValue::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            SqlValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        SqlValue::Text(v.to_string())
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        SqlValue::Text(v)
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        SqlValue::Integer(v)
    }
}

impl From<f64> for SqlValue {
    fn from(v: f64) -> Self {
        SqlValue::Real(v)
    }
}

impl From<bool> for SqlValue {
    fn from(v: bool) -> Self {
        SqlValue::Integer(i64::from(v))
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(SqlValue::Null, Into::into)
    }
}

/// A result row: its columns' values in the order the query selects them.
pub type Row = Vec<SqlValue>;

/// One statement of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: &'static str,
    pub params: Vec<SqlValue>,
}

impl Statement {
    pub fn new(sql: &'static str, params: Vec<SqlValue>) -> Self {
        Statement { sql, params }
    }
}

/// SQLite (D1, Spin SQLite): the database of the product the platform is
/// scoped to. Only parameterised statements: values never become part of
/// the SQL text.
pub trait SqlStore {
    /// Runs a statement and returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError>;

    /// Runs a statement and returns its rows (a `SELECT`, or a write with
    /// `RETURNING`).
    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>, StoreError>;

    /// Runs statements as one transaction: every one of them takes effect,
    /// or none does. Returns how many rows each changed.
    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError>;
}

pub trait Clock {
    fn now_ms(&self) -> i64;
    /// Resolves after `ms` milliseconds; used to bound slow operations.
    async fn sleep(&self, ms: u64);
}

pub trait Random {
    fn fill(&self, buf: &mut [u8]);
}

#[derive(Debug, Clone)]
pub struct OutboundRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// An answer whose body arrives in parts (server-sent events, a model's
/// tokens): each part as it is read.
pub struct Streamed {
    pub status: u16,
    pub body: futures::stream::LocalBoxStream<'static, Result<Vec<u8>, StoreError>>,
}

pub trait HttpClient {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, StoreError>;

    /// Sends `request` and hands its answer's body over part by part as it
    /// arrives, so a caller can act on the first part before the last is
    /// sent. A runtime that cannot stream reads the whole body first.
    async fn stream(&self, request: OutboundRequest) -> Result<Streamed, StoreError> {
        let res = self.send(request).await?;
        Ok(Streamed {
            status: res.status,
            body: Box::pin(futures::stream::once(async move { Ok(res.body) })),
        })
    }
}

/// Where rate-limit buckets live: one strongly consistent place per key,
/// so every instance and location decides on the same bucket. By default
/// a row of the product's database taken in one statement
/// ([`crate::buckets`]); the Worker keeps each in a Durable Object instead.
pub trait Limiter: SqlStore + Clock {
    async fn take_token(&self, key: &str, limit: Limit) -> Result<Decision, StoreError> {
        crate::buckets::take(self, key, limit, self.now_ms()).await
    }
}

/// Plain variables and secrets, by name (`HMAC_SECRET`, `ALLOWED_ORIGIN`, ...).
pub trait Config {
    async fn var(&self, name: &str) -> Option<String>;
}

/// Everything at once, for adapters that provide all of it.
pub trait Platform:
    BlobStore
    + ObjectStore
    + Queue
    + KeyValue
    + SqlStore
    + Limiter
    + Clock
    + Random
    + HttpClient
    + Config
{
}

impl<
    T: BlobStore
        + ObjectStore
        + Queue
        + KeyValue
        + SqlStore
        + Limiter
        + Clock
        + Random
        + HttpClient
        + Config,
> Platform for T
{
}
