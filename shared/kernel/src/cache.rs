//! A best-effort cache in the key-value store: each entry carries its own
//! expiry (Spin's key-value store has none) and is checked when read; a
//! slow or failing store costs at most [`TIMEOUT_MS`] and counts as a miss.
//! For answers that can always be fetched again, never for anything that
//! must be exact.

use crate::deadline;
use crate::platform::{Clock, KeyValue};
use serde_json::{Value, json};

/// Bound on a cache read or write.
pub const TIMEOUT_MS: u64 = 500;

/// The value under `key`, if it is there and has not expired. An entry is
/// `{"expiresAtMs": ..., "value": ...}`, read as a plain `Value`: a typed
/// entry would add its own parser to every component that caches.
pub async fn get<P: KeyValue + Clock>(p: &P, key: &str) -> Option<Value> {
    let Ok(Ok(Some(bytes))) = deadline::within(p, TIMEOUT_MS, p.kv_get(key)).await else {
        return None;
    };
    let mut entry: Value = serde_json::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    let fresh = entry["expiresAtMs"]
        .as_i64()
        .is_some_and(|t| t > p.now_ms());
    fresh.then(|| entry["value"].take())
}

/// Keeps `value` under `key` for `ttl_secs`; a store fault is ignored.
pub async fn put<P: KeyValue + Clock>(p: &P, key: &str, value: &Value, ttl_secs: u32) {
    let entry = json!({
        "expiresAtMs": p.now_ms() + i64::from(ttl_secs) * 1000,
        "value": value,
    });
    let bytes = entry.to_string();
    let _ = deadline::within(p, TIMEOUT_MS, p.kv_put(key, bytes.as_bytes(), ttl_secs)).await;
}
