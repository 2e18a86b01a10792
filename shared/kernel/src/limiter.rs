//! The rate limit a request to a limited route group passes before its
//! handler runs: a token from its bucket ([`crate::limits`] says which),
//! taken where the platform keeps buckets ([`Limiter`]).

use crate::deadline;
use crate::http::{Request, Response};
use crate::limits::{self, Settings};
use crate::platform::Config;
use crate::platform::Limiter;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::token_bucket::{Decision, retry_after_secs};

/// How long the buckets' store may take to decide.
pub const DECIDE_WITHIN_MS: u64 = 2_000;

/// The 429 a limited request gets, or `None` when it may go on.
///
/// A fault in the buckets' store, or one slower than [`DECIDE_WITHIN_MS`],
/// lets the request through: the limit protects the service, and refusing
/// every call while a store recovers would take the businesses' phones
/// down instead of an abuser's.
pub async fn refusal<P: Limiter + Config>(p: &P, req: &Request) -> Option<Response> {
    limits::group_of(&req.path)?;
    let settings = Settings::read(p).await;
    let key = settings.key(req)?;
    match deadline::within(p, DECIDE_WITHIN_MS, p.take_token(&key, settings.limit)).await {
        Ok(Ok(Decision::Limited { retry_after_ms })) => Some(limited(retry_after_ms)),
        Ok(Ok(Decision::Allowed { .. }) | Err(_)) | Err(_) => None,
    }
}

fn limited(retry_after_ms: i64) -> Response {
    let secs = retry_after_secs(retry_after_ms).max(1);
    let mut res = Response::error(&ApiError::new(
        ErrorCode::RateLimited,
        format!("too many requests; retry after {secs} s"),
    ));
    res.set_header("retry-after", secs.to_string());
    res
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::{OBSERVED as LIMITED, TestPlatform};

    fn post(path: &str, ip: &str) -> Request {
        Request::new("POST", path).with_header("cf-connecting-ip", ip)
    }

    #[test]
    fn a_burst_then_refusals_that_say_when_to_retry() {
        let p = TestPlatform::new().scoped(&LIMITED);
        p.set_var("RATE_LIMIT_PER_MINUTE", "60");
        p.set_var("RATE_LIMIT_BURST", "3");
        let run = |r: Request| futures::executor::block_on(refusal(&p, &r));
        for _ in 0..3 {
            assert!(run(post("/v1/widget/message", "203.0.113.7")).is_none());
        }
        let refused = run(post("/v1/widget/session", "203.0.113.7")).expect("limited");
        assert_eq!(refused.status, 429);
        assert_eq!(refused.header("retry-after"), Some("1"));
        let body: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
        assert_eq!(body["error"]["code"], "RATE_LIMITED");
        // Another client, another group and unlimited paths have their own say.
        assert!(run(post("/v1/widget/message", "203.0.113.8")).is_none());
        assert!(run(post("/v1/chat/message", "203.0.113.7")).is_none());
        assert!(run(post("/v1/owner/appointments", "203.0.113.7")).is_none());
        // A second later a token is back.
        p.now.set(p.now.get() + 1_000);
        assert!(run(post("/v1/widget/message", "203.0.113.7")).is_none());
        assert!(run(post("/v1/widget/message", "203.0.113.7")).is_some());
    }

    #[test]
    fn a_hanging_store_lets_requests_through() {
        let p = TestPlatform::new().scoped(&LIMITED);
        p.set_var("RATE_LIMIT_BURST", "0");
        p.sql_hangs.set(true);
        let r = post("/v1/widget/message", "203.0.113.7");
        assert!(futures::executor::block_on(refusal(&p, &r)).is_none());
    }

    #[test]
    fn a_broken_store_lets_requests_through() {
        // The kernel's own scope has no database: every take fails.
        let p = TestPlatform::new();
        p.set_var("RATE_LIMIT_BURST", "0");
        let r = post("/v1/widget/message", "203.0.113.7");
        assert!(futures::executor::block_on(refusal(&p, &r)).is_none());
    }
}
