//! The intelligence service the AI routes proxy to: `QUIMBI_BASE_URL`,
//! `QUIMBI_API_KEY` (sent as `X-API-Key`), each attempt bounded by
//! `QUIMBI_TIMEOUT_MS`, and up to `QUIMBI_MAX_RETRIES` retries with
//! exponential backoff and jitter after a 5xx, a time-out or a failed
//! connection, never after a 4xx (the request itself is wrong; a retry
//! would only repeat it).

use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_kernel::config;
use edgedesk_kernel::deadline;
use edgedesk_kernel::platform::{OutboundRequest, Platform};
use serde_json::Value;

/// Default bound on one attempt.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// Default retries after the first attempt.
pub const DEFAULT_RETRIES: u32 = 2;
/// First backoff; each retry doubles it, plus up to as much again of jitter.
pub const BACKOFF_MS: u64 = 100;
/// No wait between attempts is longer.
pub const MAX_BACKOFF_MS: u64 = 2_000;

pub struct Service {
    pub base_url: String,
    pub api_key: String,
    pub timeout_ms: u64,
    pub max_retries: u32,
}

fn not_configured(setting: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotConfigured,
        format!("the intelligence service is not configured: {setting} is not set"),
    )
}

impl Service {
    /// The settings, or a 503 naming the one missing.
    pub async fn read<P: Platform>(p: &P) -> Result<Service, ApiError> {
        let base_url = config::non_empty(p, "QUIMBI_BASE_URL")
            .await
            .ok_or_else(|| not_configured("QUIMBI_BASE_URL"))?;
        let api_key = config::non_empty(p, "QUIMBI_API_KEY")
            .await
            .ok_or_else(|| not_configured("QUIMBI_API_KEY"))?;
        let max_retries = config::non_empty(p, "QUIMBI_MAX_RETRIES")
            .await
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(DEFAULT_RETRIES)
            .min(5);
        Ok(Service {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            timeout_ms: config::millis(p, "QUIMBI_TIMEOUT_MS", DEFAULT_TIMEOUT_MS).await,
            max_retries,
        })
    }
}

/// How long to wait before retry `n` (0 for the first retry).
pub fn backoff_ms(n: u32, random: u64) -> u64 {
    let base = BACKOFF_MS.saturating_mul(1 << n.min(16));
    (base + random % (base + 1)).min(MAX_BACKOFF_MS)
}

fn upstream(message: String) -> ApiError {
    ApiError::new(ErrorCode::UpstreamFailure, message)
}

/// One attempt's outcome: an answer, a failure worth retrying, or one that
/// is not.
enum Attempt {
    Answer(Value),
    Retry(String),
    Final(String),
}

async fn attempt<P: Platform>(p: &P, svc: &Service, path: &str, body: &str) -> Attempt {
    let request = OutboundRequest {
        method: "POST",
        url: format!("{}{path}", svc.base_url),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-api-key".into(), svc.api_key.clone()),
        ],
        body: body.as_bytes().to_vec(),
    };
    let response = match deadline::within(p, svc.timeout_ms, p.send(request)).await {
        Err(_) => return Attempt::Retry(format!("did not answer within {} ms", svc.timeout_ms)),
        Ok(Err(e)) if e.too_large => {
            return Attempt::Final("answered with too large a body".into());
        }
        Ok(Err(_)) => return Attempt::Retry("could not be reached".into()),
        Ok(Ok(r)) => r,
    };
    match response.status {
        200..=299 => match std::str::from_utf8(&response.body)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .filter(Value::is_object)
        {
            Some(v) => Attempt::Answer(v),
            None => Attempt::Final("answered with something that is not a JSON object".into()),
        },
        500..=599 => Attempt::Retry(format!("answered HTTP {}", response.status)),
        status => Attempt::Final(format!("refused the request with HTTP {status}")),
    }
}

/// `POST {base}{path}` with `body`, retried as the module says. A failure
/// is a 502 that says what the service did, never its key.
pub async fn post<P: Platform>(
    p: &P,
    svc: &Service,
    path: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let body = body.to_string();
    let mut retries = 0;
    loop {
        match attempt(p, svc, path, &body).await {
            Attempt::Answer(v) => return Ok(v),
            Attempt::Final(why) => {
                return Err(upstream(format!("the intelligence service {why}")));
            }
            Attempt::Retry(why) if retries >= svc.max_retries => {
                return Err(upstream(format!(
                    "the intelligence service {why} ({} attempts)",
                    retries + 1
                )));
            }
            Attempt::Retry(_) => {
                let mut random = [0u8; 8];
                p.fill(&mut random);
                p.sleep(backoff_ms(retries, u64::from_le_bytes(random)))
                    .await;
                retries += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        for n in 0..6 {
            let base = BACKOFF_MS << n;
            for r in [0, 1, 77, u64::MAX] {
                let b = backoff_ms(n, r);
                assert!(
                    b >= base.min(MAX_BACKOFF_MS) && b <= (2 * base).min(MAX_BACKOFF_MS),
                    "{n} {r} {b}"
                );
            }
        }
        assert_eq!(backoff_ms(30, 5), MAX_BACKOFF_MS);
    }
}
