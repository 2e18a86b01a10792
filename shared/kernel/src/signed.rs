//! The signed-call check (`X-Timestamp`, `X-Client`, `X-Signature` over the
//! method, path and raw body) and its replay record, for routes whose
//! policy is [`Auth::Signed`](crate::router::Auth::Signed).

use crate::body;
use crate::config;
use crate::deadline;
use crate::http::Request;
use crate::platform::{Clock, Config, SqlStore};
use crate::replay::{self, Replay};
use crate::timing;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::signing::{
    AuthError, CallHeaders, CallKey, Policy, Target, VerifiedCall, verify_call,
};
use std::cell::RefCell;
use std::rc::Rc;

/// Bound on recording a signature before the call is refused. As long as
/// the tools' own bound on reading data: under a burst the database queues
/// writes, and a call refused after a short wait would only come back.
pub const REPLAY_TIMEOUT_MS: u64 = 10_000;

/// Checks the request's signature against `HMAC_SECRET` and records it, so
/// the same signed request is accepted once. The replay record lives in the
/// database of the product the platform is scoped to. The seed's v1
/// signatures are accepted only when `ACCEPT_V1_SIGNATURES` is true.
pub async fn check<P: SqlStore + Clock + Config>(p: &P, req: &Request) -> Result<(), ApiError> {
    let verified = verify(p, req).await?;
    record(p, &verified).await
}

/// The signature check alone: headers, window and HMAC, no store.
pub async fn verify<'r, P: Clock + Config>(
    p: &P,
    req: &'r Request,
) -> Result<VerifiedCall<'r>, ApiError> {
    let body = body::bytes(req)?;
    let keys = keys(
        config::non_empty(p, "HMAC_SECRET")
            .await
            .unwrap_or_default(),
    );
    let policy = Policy {
        accept_v1: config::flag(p, "ACCEPT_V1_SIGNATURES").await,
    };
    let headers = CallHeaders {
        timestamp: req.header("x-timestamp"),
        client: req.header("x-client"),
        signature: req.header("x-signature"),
    };
    let path = req.target();
    let target = Target {
        method: &req.method,
        path: &path,
    };
    timing::mark("config");
    let verified =
        verify_call(&keys, headers, target, body, p.now_ms(), policy).map_err(auth_error);
    timing::mark("verify");
    verified
}

/// Records a verified call, so it is accepted once; `Err` for a replay or
/// when the record cannot be written.
pub async fn record<P: SqlStore + Clock>(
    p: &P,
    verified: &VerifiedCall<'_>,
) -> Result<(), ApiError> {
    let now = p.now_ms();
    let recorded = deadline::within(p, REPLAY_TIMEOUT_MS, replay::record(p, verified, now)).await;
    timing::mark("replay");
    match recorded {
        Ok(Ok(Replay::Fresh)) => Ok(()),
        Ok(Ok(Replay::Seen)) => Err(ApiError::unauthorized(
            "this signed request was already accepted; sign every call afresh",
        )),
        // The record was not written: the same signed call may be retried.
        Ok(Err(_)) => Err(ApiError::failure(
            "replay protection is unavailable, so the call was not run; try again",
        )),
        // The record may land after all: only a new signature is sure to pass.
        Err(_) => Err(ApiError::failure(
            "replay protection did not answer in time, so the call was not run; sign it afresh and try again",
        )
        .with_status(503)),
    }
}

/// The keys for `HMAC_SECRET` (comma-separated during a rotation),
/// prepared once per setting and reused by every call the isolate or
/// instance serves.
fn keys(setting: String) -> Rc<[CallKey]> {
    thread_local! {
        static PREPARED: RefCell<Option<(String, Rc<[CallKey]>)>> = const { RefCell::new(None) };
    }
    PREPARED.with_borrow_mut(|prepared| match prepared {
        Some((s, keys)) if *s == setting => keys.clone(),
        _ => {
            let keys: Rc<[CallKey]> = setting
                .split(',')
                .filter_map(|s| CallKey::new(s.trim().as_bytes()))
                .collect();
            *prepared = Some((setting, keys.clone()));
            keys
        }
    })
}

fn auth_error(e: AuthError) -> ApiError {
    match e {
        AuthError::NoSecret => ApiError::failure(e.describe()),
        _ => ApiError::unauthorized(e.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_sql::Fake;
    use edgedesk_core::signing::sign_call;
    use futures::executor::block_on;

    const T: i64 = 1_795_348_800_000;

    fn signed(path: &str, body: &str) -> Request {
        let target = Target {
            method: "POST",
            path,
        };
        let sig = sign_call(b"k", T, "agent", target, body.as_bytes());
        Request::new("POST", path)
            .with_header("x-timestamp", &T.to_string())
            .with_header("x-client", "agent")
            .with_header("x-signature", &sig)
            .with_body(body)
    }

    #[test]
    fn a_call_passes_once() {
        let db = Fake::new(T);
        let req = signed("/tools/a", "{}");
        assert_eq!(block_on(check(&db, &req)), Ok(()));
        assert_eq!(block_on(check(&db, &req)).unwrap_err().status(), 401);
    }

    #[test]
    fn a_signature_is_bound_to_its_path_and_query() {
        let db = Fake::new(T);
        let mut req = signed("/tools/a", "{}");
        req.path = "/tools/b".into();
        let e = block_on(check(&db, &req)).unwrap_err();
        assert_eq!(
            (e.status(), e.message.as_str()),
            (401, "signature does not match")
        );
        let req = signed("/tools/a?x=1", "{}");
        assert_eq!(req.query, "x=1");
        assert_eq!(block_on(check(&db, &req)), Ok(()));
        assert_eq!(db.rows(), 1);
    }

    #[test]
    fn a_hanging_replay_record_is_bounded() {
        let db = Fake::new(T);
        db.hanging.set(Some("INSERT"));
        let e = block_on(check(&db, &signed("/tools/a", "{}"))).unwrap_err();
        assert_eq!(e.status(), 503);
        assert!(e.message.contains("sign it afresh"), "{}", e.message);
    }

    #[test]
    fn a_failed_replay_record_can_be_retried() {
        let db = Fake::new(T);
        db.failing.set(Some("INSERT"));
        let req = signed("/tools/a", "{}");
        assert_eq!(block_on(check(&db, &req)).unwrap_err().status(), 500);
        db.failing.set(None);
        assert_eq!(block_on(check(&db, &req)), Ok(()));
    }
}
