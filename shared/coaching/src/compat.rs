//! Answers as HelloSales clients read them: a success is the bare object
//! or list; a refusal is the platform's error envelope with FastAPI's
//! `detail` (`{code, message}`) beside it, so both kinds of client find
//! what went wrong where they look.

use edgedesk_core::envelope::{self, ApiError};
use edgedesk_kernel::{Response, bearer};
use serde_json::Value;

/// `value` with status `status`, or the refusal of `e`.
pub fn answer(result: Result<(u16, Value), ApiError>) -> Response {
    match result {
        Ok((status, value)) => Response::json(status, &value),
        Err(e) => refusal(&e),
    }
}

/// A refusal: the envelope, `detail`, and the bearer challenge on a 401.
pub fn refusal(e: &ApiError) -> Response {
    let mut body = envelope::failure(e);
    body["detail"] = serde_json::json!({"code": e.code.as_str(), "message": e.message});
    let mut res = Response::json(e.status(), &body);
    if res.status == 401 {
        res.set_header("www-authenticate", bearer::CHALLENGE);
    }
    res
}

/// 404 for an id that is not one of the caller's organisation's (or not
/// an id at all): the answer is the same either way, so ids of other
/// organisations cannot be probed.
pub fn not_found(what: &str) -> ApiError {
    ApiError::missing(format!("{what} not found"))
}
