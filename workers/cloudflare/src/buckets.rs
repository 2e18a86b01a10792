//! Exact rate limits on Cloudflare: each bucket key is its own Durable
//! Object, and every request for that key is decided inside it. An object
//! handles one event at a time, and the bucket is read, refilled, taken
//! and written back in one synchronous SQLite statement (the kernel's
//! `TAKE_SQL`, the same one Spin runs), with no `await` in between: however
//! many isolates and locations ask at once, each request finds the bucket
//! as the previous one left it.

use crate::platform::CloudflarePlatform;
use edgedesk_core::token_bucket::{Decision, Limit};
use edgedesk_kernel::buckets;
use edgedesk_kernel::platform::{Limiter, SqlValue, StoreError};
use worker::SqlStorageValue;
use worker::{
    DurableObject, Env, Method, Request, RequestInit, Response, Result, State, console_error,
    durable_object,
};

/// The binding in wrangler.toml.
const BINDING: &str = "RATE_LIMITER";

#[durable_object(fetch)]
pub struct RateLimiter {
    state: State,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(buckets::TABLE_SQL, None) {
            console_error!("rate bucket table: {e}");
        }
        Self { state }
    }

    /// `POST` `{"key", "per_minute", "burst"}` → `[units, at_ms, allowed]`.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let ask: Ask = req.json().await?;
        let limit = Limit {
            per_minute: ask.per_minute,
            burst: ask.burst,
        };
        // The object's own clock: one clock per bucket.
        let now = worker::Date::now().as_millis() as i64;
        let params = buckets::params(&ask.key, limit, now)
            .into_iter()
            .map(|v| match v {
                SqlValue::Integer(i) => SqlStorageValue::Integer(i),
                SqlValue::Text(t) => SqlStorageValue::String(t),
                SqlValue::Real(r) => SqlStorageValue::Float(r),
                SqlValue::Null => SqlStorageValue::Null,
            })
            .collect::<Vec<_>>();
        let row: Taken = self
            .state
            .storage()
            .sql()
            .exec(buckets::TAKE_SQL, params)?
            .one()?;
        Response::from_json(&(row.units, row.at_ms, row.allowed != 0))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Ask {
    key: String,
    per_minute: u32,
    burst: u32,
}

#[derive(serde::Deserialize)]
struct Taken {
    units: i64,
    at_ms: i64,
    allowed: i64,
}

impl Limiter for CloudflarePlatform {
    async fn take_token(
        &self,
        key: &str,
        limit: Limit,
    ) -> std::result::Result<Decision, StoreError> {
        let fault = |what: &str, e: worker::Error| {
            console_error!("{what}: {e}");
            StoreError::new(what)
        };
        let stub = self
            .env()
            .durable_object(BINDING)
            .and_then(|ns| ns.id_from_name(key)?.get_stub())
            .map_err(|e| fault("rate limiter binding", e))?;
        let ask = serde_json::to_string(&Ask {
            key: key.to_string(),
            per_minute: limit.per_minute,
            burst: limit.burst,
        })
        .map_err(StoreError::new)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(ask.into()));
        let req = Request::new_with_init("https://rate-limiter/take", &init)
            .map_err(|e| fault("rate limiter request", e))?;
        let mut res = stub
            .fetch_with_request(req)
            .await
            .map_err(|e| fault("rate limiter", e))?;
        let (units, at_ms, allowed): (i64, i64, bool) = res
            .json()
            .await
            .map_err(|e| fault("rate limiter answer", e))?;
        Ok(buckets::decision(limit, units, at_ms, allowed))
    }
}
