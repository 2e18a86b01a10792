//! The two ways Google Calendar reaches the receptionist: its push
//! notifications, and the older relay that posts one changed event.

use super::sync::{self, apply_one};
use super::times;
use crate::appointments;
use crate::business::{self, Business};
use crate::db;
use crate::model::{PushAnswer, RelayAnswer};
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::zone::Zone;
use edgedesk_kernel::platform::Platform;
use edgedesk_kernel::{Request, Response, bearer, config};
use serde_json::{Map, Value};

fn same_secret(given: &str, expected: &str) -> bool {
    edgedesk_core::signing::same_secret(given.as_bytes(), expected.as_bytes())
}

/// `POST /v1/calendar/google/push`: a change notification. Google signs
/// nothing, so the channel token registered in [`watch`](super::watch) is
/// the only proof it is Google; the body is empty, and the changes are
/// pulled with the sync token.
///
/// - `X-Goog-Channel-ID` names the business (unknown or missing: 404), and
///   `X-Goog-Channel-Token` must be its channel's token (else 403).
/// - `X-Goog-Resource-State`: `sync` (the channel was just made) needs
///   nothing; `exists` and `not_exists` start a sync; anything else is 400.
/// - `X-Goog-Message-Number` must be newer than the last one acted on,
///   checked and advanced in one statement, so of two instances handed the
///   same notification only one syncs; an older one is answered 200 and
///   ignored. When the sync then fails, the number is put back (unless a
///   newer notification moved it on) and the error answered, so Google's
///   retry of the same message is acted on.
pub async fn push<P: Platform>(p: &P, req: &Request) -> Response {
    match push_inner(p, req).await {
        Ok(v) => Response::ok(&v),
        Err(e) => Response::error(&e),
    }
}

async fn push_inner<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let unknown = || ApiError::missing("unknown notification channel").with_status(404);
    let channel = req
        .header("x-goog-channel-id")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(unknown)?;
    let b = business::by_channel(p, channel)
        .await?
        .ok_or_else(unknown)?;
    let link = b.google.as_ref().ok_or_else(unknown)?;
    let expected = link.channel_token.as_deref().unwrap_or_default();
    let given = req.header("x-goog-channel-token").unwrap_or_default();
    if expected.is_empty() || !same_secret(given, expected) {
        return Err(ApiError::forbidden(
            "the channel token does not match this channel",
        ));
    }
    match req.header("x-goog-resource-state").map(str::trim) {
        Some("sync") => {
            return Ok(pushed(PushAnswer {
                state: "sync".into(),
                synced: false,
                ignored: None,
                summary: None,
            }));
        }
        Some("exists" | "not_exists") => {}
        _ => {
            return Err(ApiError::invalid(
                "X-Goog-Resource-State must be sync, exists or not_exists",
            ));
        }
    }
    let number = req
        .header("x-goog-message-number")
        .and_then(|n| n.trim().parse::<i64>().ok())
        .ok_or_else(|| ApiError::invalid("X-Goog-Message-Number must be a number"))?;
    let advanced = db::execute(
        p,
        "UPDATE businesses SET google_message_number = ?2 \
         WHERE id = ?1 AND google_message_number < ?2 AND google_channel_id = ?3",
        &[b.id.as_str().into(), number.into(), channel.into()],
    )
    .await?;
    if advanced == 0 {
        return Ok(pushed(PushAnswer {
            state: "exists".into(),
            synced: false,
            ignored: Some(true),
            summary: None,
        }));
    }
    match sync::sync(p, &b).await {
        Ok(summary) => Ok(pushed(PushAnswer {
            state: "exists".into(),
            synced: true,
            ignored: Some(false),
            summary: Some(summary),
        })),
        Err(e) => {
            let _ = db::execute(
                p,
                "UPDATE businesses SET google_message_number = ?3 \
                 WHERE id = ?1 AND google_message_number = ?2",
                &[
                    b.id.as_str().into(),
                    number.into(),
                    link.message_number.into(),
                ],
            )
            .await;
            Err(e)
        }
    }
}

/// `POST /v1/calendar/google/webhook`: the older relay, which posts one
/// changed event of a business with the shared secret
/// `GOOGLE_WEBHOOK_SECRET` as `Authorization: Bearer <secret>`:
/// `{"business_id", "event_id", "start", "end", "time_zone"?, "status"?}`.
/// `start` and `end` are RFC 3339, or wall times without offset read in
/// `time_zone` (else the business's zone); `status: "cancelled"` cancels
/// the appointment, and then the times may be left out. The appointment
/// moves by the same rule as a sync (the calendar is the truth).
pub async fn legacy_webhook<P: Platform>(p: &P, req: &Request) -> Response {
    match legacy_inner(p, req).await {
        Ok(v) => Response::ok(&v),
        Err(e) => Response::error(&e),
    }
}

async fn legacy_inner<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let secret = config::non_empty(p, "GOOGLE_WEBHOOK_SECRET")
        .await
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotConfigured,
                "the calendar relay is not configured: GOOGLE_WEBHOOK_SECRET is not set",
            )
        })?;
    let given = bearer::token(req)?;
    if !same_secret(given, &secret) {
        return Err(ApiError::forbidden("the relay secret is wrong"));
    }
    let body = req
        .body
        .as_ref()
        .map_err(|_| ApiError::invalid("the body could not be read"))?;
    let body: Map<String, Value> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .ok_or_else(|| ApiError::invalid("the body must be a JSON object"))?;
    let text = |field: &str, required: bool| -> Result<Option<&str>, ApiError> {
        match body.get(field) {
            None | Some(Value::Null) if !required => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim())),
            _ => Err(ApiError::unprocessable(format!(
                "{field}: must be a non-empty string"
            ))),
        }
    };
    let business_id = text("business_id", true)?.unwrap_or_default();
    let event_id = text("event_id", true)?.unwrap_or_default();
    let status = text("status", false)?;
    if let Some(s) = status
        && !matches!(s, "confirmed" | "tentative" | "cancelled")
    {
        return Err(ApiError::unprocessable(
            "status: must be confirmed, tentative or cancelled",
        ));
    }
    let cancelled = status == Some("cancelled");
    let zone =
        match text("time_zone", false)? {
            Some(z) => Some(Zone::parse(z).map_err(|e| {
                ApiError::unprocessable(format!("time_zone: {z:?} {}", e.describe()))
            })?),
            None => None,
        };
    let start = text("start", !cancelled)?.map(parse_time).transpose();
    let start = start.map_err(|_| unreadable("start"))?;
    let end = text("end", !cancelled)?.map(parse_time).transpose();
    let end = end.map_err(|_| unreadable("end"))?;
    let b: Business = business::by_id(p, business_id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("no business {business_id}")))?;
    let zone = zone.unwrap_or_else(|| b.zone.clone());
    let change = match (cancelled, start, end) {
        (true, _, _) => None,
        (false, Some(s), Some(e)) => {
            let (s, e) = (s.in_zone(&zone), e.in_zone(&zone));
            if e <= s {
                return Err(ApiError::unprocessable("end: must be after start"));
            }
            Some((s, e))
        }
        // Both are required when not cancelled: `text` refused already.
        _ => return Err(unreadable("start")),
    };
    let a = appointments::by_event(p, &b.id, event_id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("no appointment has the event {event_id}")))?;
    let done = apply_one(p, &b, &a, change).await?;
    let now = appointments::get(p, &a.id).await?.unwrap_or(a);
    let answer = RelayAnswer {
        start: times::format_utc(now.start_at),
        end: times::format_utc(now.end_at),
        appointment_id: now.id,
        result: done.into(),
        status: now.status,
    };
    Ok(serde_json::to_value(&answer).unwrap_or_default())
}

fn pushed(answer: PushAnswer) -> Value {
    serde_json::to_value(&answer).unwrap_or_default()
}

fn parse_time(s: &str) -> Result<times::DateTime, ()> {
    times::parse(s).ok_or(())
}

fn unreadable(field: &str) -> ApiError {
    ApiError::unprocessable(format!(
        "{field}: must be an RFC 3339 time such as 2026-11-21T09:30:00-06:00 \
         (or without offset, read in time_zone)"
    ))
}

/// `POST /v1/calendar/google/watch` (a signed call): `{"business_id"}`.
pub async fn watch<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = edgedesk_kernel::input::Input::body(req, &["business_id"])?;
    let id = input.required_text("business_id", 100)?;
    let b = business::by_id(p, &id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("no business has the id {id}")))?;
    let channel = super::calendar::watch(p, &b).await?;
    Ok(Response::json(200, &channel))
}
