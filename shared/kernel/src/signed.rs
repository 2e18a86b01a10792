//! The signed-call check (`X-Timestamp`, `X-Client`, `X-Signature` over the
//! raw body) and its replay record, for routes whose policy is
//! [`Auth::Signed`](crate::router::Auth::Signed).

use crate::body;
use crate::config;
use crate::http::Request;
use crate::platform::{Clock, Config, SqlStore};
use crate::replay::{self, Replay};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::signing::{AuthError, CallHeaders, verify_call};

/// Checks the request's signature against `HMAC_SECRET` and records it, so
/// the same signed request is accepted once. The replay record lives in the
/// database of the product the platform is scoped to.
pub async fn check<P: SqlStore + Clock + Config>(p: &P, req: &Request) -> Result<(), ApiError> {
    let body = body::bytes(req)?;
    let secrets = config::hmac_secrets(p).await;
    let secrets: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
    let now = p.now_ms();
    let headers = CallHeaders {
        timestamp: req.header("x-timestamp"),
        client: req.header("x-client"),
        signature: req.header("x-signature"),
    };
    let verified = verify_call(&secrets, headers, body, now).map_err(auth_error)?;
    match replay::record(p, &verified, now).await {
        Ok(Replay::Fresh) => Ok(()),
        Ok(Replay::Seen) => Err(ApiError::unauthorized(
            "this signed request was already accepted; sign every call afresh",
        )),
        Err(_) => Err(ApiError::failure(
            "replay protection is unavailable, so the call was not run; try again",
        )),
    }
}

fn auth_error(e: AuthError) -> ApiError {
    match e {
        AuthError::NoSecret => ApiError::failure(e.describe()),
        _ => ApiError::unauthorized(e.describe()),
    }
}
