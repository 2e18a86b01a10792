//! Alerts to `ALERT_WEBHOOK_URL`: a JSON POST (Slack-compatible: it
//! carries `text`) when an upload is refused or a day's analysis ends
//! without some stores. Sent within a few seconds or given up on: the
//! upload's status, which the API shows, is the record; the alert is a
//! nudge.

use crate::upload::FieldError;
use edgedesk_kernel::config;
use edgedesk_kernel::deadline;
use edgedesk_kernel::platform::{OutboundRequest, Platform};
use serde_json::{Value, json};

const ALERT_TIMEOUT_MS: u64 = 5_000;

/// Posts `body` to the alert webhook, if one is set. Whether it was
/// delivered (a 2xx), for the caller's record.
pub async fn send<P: Platform>(p: &P, body: &Value) -> bool {
    let Some(url) = config::non_empty(p, "ALERT_WEBHOOK_URL").await else {
        return false;
    };
    let request = OutboundRequest {
        method: "POST",
        url,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    };
    matches!(
        deadline::within(p, ALERT_TIMEOUT_MS, p.send(request)).await,
        Ok(Ok(r)) if (200..300).contains(&r.status)
    )
}

/// A store's upload was refused.
pub async fn upload_failed<P: Platform>(
    p: &P,
    date: &str,
    store_id: &str,
    error_count: usize,
    errors: &[FieldError],
) -> bool {
    let first: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    let text = format!(
        "Sales upload refused: {store_id} for {date}, {error_count} error(s). First: {}",
        first.join("; ")
    );
    send(
        p,
        &json!({"event": "upload_failed", "text": text, "date": date, "store_id": store_id,
                "error_count": error_count, "errors": errors.iter().take(20).collect::<Vec<_>>()}),
    )
    .await
}
