//! A signing HTTP client for the tool endpoints.

use edgedesk_core::signing::{Target, sign_call};
use serde_json::Value;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct Client {
    base: String,
    secret: String,
    client: String,
    agent: ureq::Agent,
    /// Last timestamp used: each call gets a later one, so two identical
    /// calls in the same millisecond are not refused as replays.
    last_ts: AtomicI64,
}

impl Client {
    pub fn new(base: &str, secret: &str, client: &str) -> Self {
        Client {
            base: base.trim_end_matches('/').to_string(),
            secret: secret.to_string(),
            client: client.to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .build(),
            last_ts: AtomicI64::new(0),
        }
    }

    fn timestamp(&self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let mut last = self.last_ts.load(Ordering::SeqCst);
        loop {
            let ts = now.max(last + 1);
            match self
                .last_ts
                .compare_exchange(last, ts, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return ts,
                Err(seen) => last = seen,
            }
        }
    }

    /// Signs and posts a call; returns the HTTP status and the parsed body.
    pub fn call(&self, tool: &str, body: &Value) -> Result<(u16, Value), String> {
        let raw = body.to_string();
        let ts = self.timestamp();
        let path = format!("/tools/{tool}");
        let target = Target {
            method: "POST",
            path: &path,
        };
        let signature = sign_call(
            self.secret.as_bytes(),
            ts,
            &self.client,
            target,
            raw.as_bytes(),
        );
        let res = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("content-type", "application/json")
            .set("x-timestamp", &ts.to_string())
            .set("x-client", &self.client)
            .set("x-signature", &signature)
            .send_string(&raw);
        let res = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let status = res.status();
        let text = res.into_string().map_err(|e| e.to_string())?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("response is not JSON: {e}"))?;
        Ok((status, value))
    }
}
