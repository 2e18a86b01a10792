//! Google's OAuth token endpoint and the Calendar REST API, as the sync
//! and the booking code call them.
//!
//! Access tokens come from the business's refresh token and are cached in
//! the key-value store until a minute before they expire. A 401 from the
//! Calendar API means the cached token went bad early (revoked, rotated):
//! a fresh one is fetched and the call is made once more. A 429 or 5xx, a
//! time-out or a failed connection is retried up to [`RETRIES`] times with
//! backoff; any other 4xx is final. Every failure is a 502 that says what
//! Google did, never a token or a secret.

use crate::business::{Business, GoogleLink};
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse, Platform};
use edgedesk_kernel::{cache, config, deadline};
use serde_json::Value;

pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const DEFAULT_API: &str = "https://www.googleapis.com/calendar/v3";

/// Bound on one attempt.
pub const TIMEOUT_MS: u64 = 10_000;
/// Retries after the first attempt, for answers worth retrying.
pub const RETRIES: u32 = 2;
/// First backoff; each retry doubles it, plus up to as much of jitter.
pub const BACKOFF_MS: u64 = 200;
/// A cached access token is dropped this long before Google expires it.
pub const TOKEN_MARGIN_SECS: i64 = 60;

/// What the OAuth client and the API are, from the platform's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub client_id: String,
    pub client_secret: String,
    pub token_url: String,
    pub api: String,
}

pub(crate) fn not_configured(what: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::NotConfigured, what)
}

pub(crate) fn upstream(what: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::UpstreamFailure, what)
}

async fn setting<P: Platform>(p: &P, name: &str) -> Result<String, ApiError> {
    config::non_empty(p, name).await.ok_or_else(|| {
        not_configured(format!(
            "Google Calendar is not configured: {name} is not set"
        ))
    })
}

impl Settings {
    /// The settings, or a 503 naming the one missing.
    pub async fn read<P: Platform>(p: &P) -> Result<Settings, ApiError> {
        let client_id = setting(p, "GOOGLE_CLIENT_ID").await?;
        let client_secret = setting(p, "GOOGLE_CLIENT_SECRET").await?;
        let token_url = config::non_empty(p, "GOOGLE_OAUTH_TOKEN_URL")
            .await
            .unwrap_or_else(|| DEFAULT_TOKEN_URL.into());
        let api = config::non_empty(p, "GOOGLE_CALENDAR_API")
            .await
            .unwrap_or_else(|| DEFAULT_API.into());
        Ok(Settings {
            client_id,
            client_secret,
            token_url,
            api: api.trim_end_matches('/').to_string(),
        })
    }
}

/// The business's link, or a 503 saying it has none.
pub fn link(b: &Business) -> Result<&GoogleLink, ApiError> {
    b.google.as_ref().ok_or_else(|| {
        not_configured(format!(
            "business {} has not connected a Google Calendar",
            b.id
        ))
    })
}

/// A path segment, percent-encoded: everything but RFC 3986's unreserved
/// characters (calendar ids carry `@` and `#`).
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// `{api}/calendars/{calendarId}` for the business.
pub fn calendar_url(s: &Settings, link: &GoogleLink) -> String {
    format!("{}/calendars/{}", s.api, segment(&link.calendar_id))
}

fn cache_key(business_id: &str) -> String {
    format!("receptionist:google-token:v1:{business_id}")
}

/// How long to wait before retry `n` (0 for the first).
fn backoff_ms<P: Platform>(p: &P, n: u32) -> u64 {
    let mut random = [0u8; 8];
    p.fill(&mut random);
    let base = BACKOFF_MS << n.min(8);
    base + u64::from_le_bytes(random) % (base + 1)
}

/// One outbound call, retried on a 429, a 5xx, a time-out or a failed
/// connection. `what` names the call in errors.
async fn send<P: Platform>(
    p: &P,
    request: OutboundRequest,
    what: &str,
) -> Result<OutboundResponse, ApiError> {
    let mut retries = 0;
    loop {
        let why = match deadline::within(p, TIMEOUT_MS, p.send(request.clone())).await {
            Ok(Ok(r)) if r.status == 429 || r.status >= 500 => {
                format!("answered HTTP {}", r.status)
            }
            Ok(Ok(r)) => return Ok(r),
            Ok(Err(e)) if e.too_large => {
                return Err(upstream(format!("Google {what} answered too large a body")));
            }
            Ok(Err(_)) => "could not be reached".to_string(),
            Err(_) => format!("did not answer within {TIMEOUT_MS} ms"),
        };
        if retries >= RETRIES {
            return Err(upstream(format!(
                "Google {what} {why} ({} attempts)",
                retries + 1
            )));
        }
        p.sleep(backoff_ms(p, retries)).await;
        retries += 1;
    }
}

pub(crate) fn json_body(r: &OutboundResponse) -> Option<Value> {
    serde_json::from_slice::<Value>(&r.body)
        .ok()
        .filter(Value::is_object)
}

/// A new access token from the refresh token, cached for its lifetime
/// less [`TOKEN_MARGIN_SECS`].
async fn refresh<P: Platform>(p: &P, s: &Settings, b: &Business) -> Result<String, ApiError> {
    let link = link(b)?;
    let refresh_token = config::non_empty(p, &link.refresh_token_secret)
        .await
        .ok_or_else(|| {
            not_configured(format!(
                "the Google refresh token of business {} is not configured: {} is not set",
                b.id, link.refresh_token_secret
            ))
        })?;
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", &refresh_token)
        .append_pair("client_id", &s.client_id)
        .append_pair("client_secret", &s.client_secret)
        .finish();
    let request = OutboundRequest {
        method: "POST",
        url: s.token_url.clone(),
        headers: vec![
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("accept".into(), "application/json".into()),
        ],
        body: form.into_bytes(),
    };
    let r = send(p, request, "OAuth").await?;
    let body = json_body(&r);
    if r.status != 200 {
        // Google's error code ("invalid_grant") says what to do and holds
        // nothing secret; the rest of the body is not passed on.
        let code = body
            .as_ref()
            .and_then(|v| v["error"].as_str())
            .filter(|c| c.len() <= 40 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        let hint = if code.contains("invalid_grant") {
            "; the business must connect its calendar again"
        } else {
            ""
        };
        return Err(upstream(format!(
            "Google refused to refresh the access token with HTTP {}{code}{hint}",
            r.status
        )));
    }
    let body = body.unwrap_or_default();
    let token = body["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| upstream("Google's token answer has no access_token"))?
        .to_string();
    let lifetime = body["expires_in"]
        .as_i64()
        .or_else(|| body["expires_in"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0);
    if let Ok(ttl) = u32::try_from(lifetime - TOKEN_MARGIN_SECS)
        && ttl > 0
    {
        cache::put(p, &cache_key(&b.id), &Value::from(token.as_str()), ttl).await;
    }
    Ok(token)
}

/// An access token for the business's calendar: the cached one while it
/// is fresh, else a new one from its refresh token.
pub async fn access_token<P: Platform>(p: &P, b: &Business) -> Result<String, ApiError> {
    let s = Settings::read(p).await?;
    token(p, &s, b).await
}

async fn token<P: Platform>(p: &P, s: &Settings, b: &Business) -> Result<String, ApiError> {
    link(b)?;
    if let Some(Value::String(t)) = cache::get(p, &cache_key(&b.id)).await
        && !t.is_empty()
    {
        return Ok(t);
    }
    refresh(p, s, b).await
}

/// A Calendar API call with the business's token: on a 401 the token is
/// refreshed (replacing the cached one) and the call made once more.
/// Answers whatever status Google gives after that; the caller decides.
pub async fn call<P: Platform>(
    p: &P,
    s: &Settings,
    b: &Business,
    method: &'static str,
    url: String,
    body: Option<&Value>,
) -> Result<OutboundResponse, ApiError> {
    let request = |token: &str| {
        let mut headers = vec![
            ("authorization".to_string(), format!("Bearer {token}")),
            ("accept".into(), "application/json".into()),
        ];
        if body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        OutboundRequest {
            method,
            url: url.clone(),
            headers,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        }
    };
    let token = token(p, s, b).await?;
    let r = send(p, request(&token), "Calendar").await?;
    if r.status != 401 {
        return Ok(r);
    }
    let token = refresh(p, s, b).await?;
    send(p, request(&token), "Calendar").await
}

/// A failed Calendar answer as a 502 naming the call and the status.
pub(crate) fn refused(what: &str, r: &OutboundResponse) -> ApiError {
    // Google's `error.status` ("NOT_FOUND", "FORBIDDEN") names the cause
    // and carries nothing secret.
    let reason = json_body(r)
        .and_then(|v| v["error"]["status"].as_str().map(str::to_string))
        .filter(|c| c.len() <= 40 && c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    upstream(format!(
        "Google Calendar refused to {what} with HTTP {}{reason}",
        r.status
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(segment("salon@example.com"), "salon%40example.com");
        assert_eq!(
            segment("en.usa#holiday@group.v.calendar.google.com"),
            "en.usa%23holiday%40group.v.calendar.google.com"
        );
        assert_eq!(segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
