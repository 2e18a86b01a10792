//! The operator's view of the service: the counters every instance and
//! location adds to (`GET /metrics` as JSON, `GET /metrics/prometheus` in
//! Prometheus's text format). Both are operator routes.

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::Platform;
use edgedesk_kernel::{Response, metrics};

/// What the names in the exposition start with.
pub const PREFIX: &str = "ai_telephony";

/// What one scrape covers, said in the JSON view.
pub const SCOPE: &str = "every instance and location since the receptionist's database was created: the counters are kept in that database (D1 on Cloudflare, SQLite on Spin), not in any instance";

async fn snapshot<P: Platform>(p: &P) -> Result<metrics::Snapshot, ApiError> {
    metrics::snapshot(p)
        .await
        .map_err(|_| ApiError::failure("the counters could not be read"))
}

/// `GET /metrics`.
pub async fn json<P: Platform>(p: &P) -> Result<Response, ApiError> {
    let s = snapshot(p).await?;
    Ok(Response::json(200, &s.json(SCOPE)))
}

/// `GET /metrics/prometheus`.
pub async fn prometheus<P: Platform>(p: &P) -> Result<Response, ApiError> {
    let s = snapshot(p).await?;
    let mut res = Response::empty(200);
    res.set_header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    res.body = s.prometheus(PREFIX).into_bytes();
    Ok(res)
}
