//! At most once: each inbound webhook delivery is acted on by one request
//! only. The first to claim its key acts, and stores its answer in the same
//! transaction as everything it did; a retry or replay of the delivery gets
//! that answer back and does nothing.
//!
//! A claim is a lease: a request that dies before committing leaves a
//! pending row whose lease runs out, and nothing of what it did (its
//! transaction never committed), so a later retry may take over.

use crate::db::{self, Cols};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::Statement;
use edgedesk_kernel::{Platform, Response};
use sha2::{Digest, Sha256};

/// How long a claim holds before another request may take the delivery over.
pub const LEASE_MS: i64 = 30_000;

/// How long a duplicate waits for the first request's answer.
pub const WAIT_MS: u64 = 5_000;
const POLL_MS: u64 = 50;

/// A delivery's key: what was signed (method, URL and parameters, or the
/// body), so a replay of the same signed request is the same delivery.
/// Twilio's own retries resend the request as it was, and with it the same
/// `I-Twilio-Idempotency-Token`.
pub fn key(kind: &str, url: &str, params: &[(String, String)], body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update([0]);
    h.update(url.as_bytes());
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    for (k, v) in sorted {
        h.update([0]);
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
    }
    h.update([1]);
    h.update(body);
    format!("{kind}:{}", hex::encode(h.finalize()))
}

/// What claiming a delivery found.
#[derive(Debug)]
pub enum Claim {
    /// This request acts on it.
    Mine,
    /// Already answered: answer the same.
    Answered(Response),
}

/// Claims `key`, or waits for the answer of whichever request holds it.
pub async fn claim<P: Platform>(p: &P, key: &str, business_id: &str) -> Result<Claim, ApiError> {
    let mut waited = 0;
    loop {
        let now = p.now_ms();
        let won = db::query(
            p,
            "INSERT INTO deliveries (key, business_id, state, lease_until, created_at) \
             VALUES (?1, ?2, 'pending', ?3, ?4) \
             ON CONFLICT (key) DO UPDATE SET lease_until = excluded.lease_until \
             WHERE deliveries.state = 'pending' AND deliveries.lease_until < ?4 \
             RETURNING key",
            &[
                key.into(),
                business_id.into(),
                (now + LEASE_MS).into(),
                now.into(),
            ],
        )
        .await?;
        if !won.is_empty() {
            return Ok(Claim::Mine);
        }
        let row = db::one(
            p,
            "SELECT state, status, content_type, body FROM deliveries WHERE key = ?1",
            &[key.into()],
        )
        .await?;
        if let Some(r) = row {
            let c = Cols(&r);
            if c.text(0) == "done" {
                let mut res = Response::empty(u16::try_from(c.int(1)).unwrap_or(200));
                res.headers.push(("content-type".into(), c.text(2)));
                res.body = c.text(3).into_bytes();
                return Ok(Claim::Answered(res));
            }
        }
        if waited >= WAIT_MS {
            // The first request is still at work: Twilio retries later.
            return Err(
                ApiError::failure("this delivery is being handled; retry shortly").with_status(503),
            );
        }
        p.sleep(POLL_MS).await;
        waited += POLL_MS;
    }
}

/// Stores the answer with what the delivery did: run it in the same batch.
pub fn answer(key: &str, res: &Response) -> Statement {
    Statement::new(
        "UPDATE deliveries SET state = 'done', status = ?2, content_type = ?3, body = ?4 WHERE key = ?1",
        vec![
            key.into(),
            i64::from(res.status).into(),
            res.header("content-type").unwrap_or("text/plain").into(),
            String::from_utf8_lossy(&res.body).into_owned().into(),
        ],
    )
}

/// Gives a claim up without acting (the request failed before anything
/// was written), so a retry need not wait out the lease.
pub async fn release<P: Platform>(p: &P, key: &str) {
    let _ = db::execute(
        p,
        "DELETE FROM deliveries WHERE key = ?1 AND state = 'pending'",
        &[key.into()],
    )
    .await;
}
