//! What every request leaves behind once it is answered: one JSON log
//! line, its counters in the product's store ([`crate::metrics`]) and, for
//! an unexpected error, an event for Sentry ([`crate::sentry`]). The
//! adapter runs [`after`] where it does not delay the answer (`waitUntil`
//! on the Worker).

use crate::http::Response;
use crate::metrics::{self, Sample};
use crate::platform::{Platform, Product};
use crate::{deadline, sentry, times};

/// How long the counters' store may take.
pub const AFTER_WITHIN_MS: u64 = 5_000;
use serde_json::Value;

/// A request as answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub request_id: String,
    pub method: String,
    /// The route's template (`/v1/twilio/sms`), never the query or a
    /// value from the request; `-` when no route matched.
    pub route: &'static str,
    /// The route group counters are kept under.
    pub group: String,
    pub product: &'static Product,
    /// The tenant the request was for, when the handler or the request
    /// names one.
    pub business_id: Option<String>,
    pub status: u16,
    pub at_ms: i64,
    pub duration_ms: i64,
    /// Refused by the rate limiter.
    pub limited: bool,
    /// The error envelope's code and message, when the answer is one.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// The group a route's counters are kept under: its rate-limit group, or
/// the first segment of its path after the version (`/v1/owner/...` →
/// `owner`).
pub fn group_of(route: &str) -> String {
    if let Some(g) = crate::limits::group_of(route) {
        return g.to_string();
    }
    let mut segments = route.split('/').filter(|s| !s.is_empty());
    let first = segments.next().unwrap_or("root");
    let first = if first == "v1" || first == "api" {
        segments.next().unwrap_or(first)
    } else {
        first
    };
    if first.starts_with('{') {
        "root".into()
    } else {
        first.to_string()
    }
}

/// The error envelope's code and message of an answer, if it is one.
pub fn error_of(res: &Response) -> (Option<String>, Option<String>) {
    if res.status < 400 {
        return (None, None);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&res.body) else {
        return (None, None);
    };
    let text = |k: &str| v["error"][k].as_str().map(str::to_string);
    (text("code"), text("message"))
}

/// One line of JSON: what happened, never a secret, a body, a query or a
/// phone number (the route is its template; messages are left out).
pub fn log_line(r: &Report) -> String {
    use std::fmt::Write;
    let level = match r.status {
        500.. => "error",
        400.. => "warn",
        _ => "info",
    };
    // Written field by field rather than through a JSON value: every
    // component logs, and this keeps it small.
    let mut line = String::with_capacity(256);
    let _ = write!(
        line,
        "{{\"ts\":\"{}\",\"level\":\"{level}\",\"request_id\":{},\"method\":{},\"route\":{},\"group\":{},\"product\":{},\"business_id\":{},\"status\":{},\"duration_ms\":{}",
        times::iso(r.at_ms),
        text(&r.request_id),
        text(&r.method),
        text(r.route),
        text(&r.group),
        text(r.product.name),
        r.business_id.as_deref().map_or("null".into(), text),
        r.status,
        r.duration_ms
    );
    if r.limited {
        line.push_str(",\"rate_limited\":true");
    }
    if let Some(code) = &r.error_code {
        let _ = write!(line, ",\"error_code\":{}", text(code));
    }
    line.push('}');
    line
}

/// A JSON string, escaped by serde_json's string serializer.
fn text(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "null".into())
}

/// The counters and error tracking of an answered request, for the
/// products that are observed. Faults are dropped: observing must never
/// fail a request.
pub async fn after<P: Platform>(p: &P, report: &Report) {
    let Some(observed) = &report.product.observed else {
        return;
    };
    {
        let sample = Sample {
            group: report.group.clone(),
            status: report.status,
            duration_ms: report.duration_ms,
            limited: report.limited,
            business_id: report.business_id.clone(),
        };
        let _ = deadline::within(
            p,
            AFTER_WITHIN_MS,
            metrics::record(p, &sample, observed.tenants),
        )
        .await;
    }
    sentry::send(p, report).await;
}

/// A failed text turn's report, for the tests of what is made of reports.
#[cfg(test)]
pub(crate) fn failed_sms_report(status: u16) -> Report {
    Report {
        request_id: "req-1".into(),
        method: "POST".into(),
        route: "/v1/twilio/sms",
        group: "twilio".into(),
        product: &crate::KERNEL,
        business_id: Some("demo-salon".into()),
        status,
        at_ms: 1_795_348_800_000,
        duration_ms: 25,
        limited: false,
        error_code: Some("TOOL_FAILURE".into()),
        error_message: Some("storage unavailable for +13125550147".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_the_limit_groups_or_the_first_segment() {
        assert_eq!(group_of("/v1/twilio/voice/gather"), "twilio");
        assert_eq!(group_of("/telephony/sms"), "telephony");
        assert_eq!(group_of("/v1/widget/session"), "widget");
        assert_eq!(group_of("/v1/owner/appointments/{id}"), "owner");
        assert_eq!(group_of("/v1/calendar/google/push"), "calendar");
        assert_eq!(group_of("/metrics/prometheus"), "metrics");
        assert_eq!(group_of("/api/tickets/{id}"), "tickets");
        assert_eq!(group_of("/"), "root");
        assert_eq!(group_of("-"), "-");
    }

    #[test]
    fn a_log_line_is_one_json_object_without_messages() {
        let r = failed_sms_report(500);
        let line = log_line(&r);
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["request_id"], "req-1");
        assert_eq!(v["group"], "twilio");
        assert_eq!(v["business_id"], "demo-salon");
        assert_eq!(v["status"], 500);
        assert_eq!(v["duration_ms"], 25);
        assert_eq!(v["level"], "error");
        assert_eq!(v["error_code"], "TOOL_FAILURE");
        assert!(!line.contains("5550147"), "{line}");
    }
}
