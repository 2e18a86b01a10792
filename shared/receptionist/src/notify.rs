//! Telling the owner: a text through Twilio's REST API for every booking,
//! move, cancellation, message and hand-over, recorded with whether Twilio
//! took it. The account SID is `TWILIO_ACCOUNT_SID`; the auth token is the
//! business's own Twilio secret, the one that signs its webhooks.

use crate::business::Business;
use crate::db;
use crate::engine::Channel;
use crate::phrases;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edgedesk_kernel::platform::{OutboundRequest, SqlValue};
use edgedesk_kernel::{Platform, config, deadline};

/// Twilio's API, unless `TWILIO_API_BASE` points elsewhere (a stand-in).
pub const TWILIO_API: &str = "https://api.twilio.com";

/// How long the owner's text may take before it is recorded as failed.
pub const SEND_TIMEOUT_MS: u64 = 5_000;

/// What to tell the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `booked`, `moved`, `cancelled`, `message` or `handover`.
    pub kind: &'static str,
    pub body: String,
}

impl Notice {
    pub fn booked(b: &Business, who: &str, service_id: &str, start: i64) -> Self {
        let service = b
            .services
            .iter()
            .find(|s| s.id == service_id)
            .map_or(service_id, |s| s.name.as_str());
        Notice {
            kind: "booked",
            body: format!("New booking: {who}, {service}, {}.", when(b, start)),
        }
    }

    pub fn moved(b: &Business, who: &str, start: i64) -> Self {
        Notice {
            kind: "moved",
            body: format!("{who} moved their appointment to {}.", when(b, start)),
        }
    }

    pub fn cancelled(_b: &Business, who: &str) -> Self {
        Notice {
            kind: "cancelled",
            body: format!("{who} cancelled their appointment."),
        }
    }

    pub fn message(who: &str, phone: Option<&str>, text: &str) -> Self {
        Notice {
            kind: "message",
            body: format!("Message from {who}{}: {text}", reach(phone)),
        }
    }

    pub fn handover(who: &str, phone: Option<&str>, channel: Channel) -> Self {
        let by = match channel {
            Channel::Voice => "called",
            Channel::Sms => "texted",
            Channel::Chat => "chatted",
        };
        Notice {
            kind: "handover",
            body: format!("{who}{} {by} and asked for a person.", reach(phone)),
        }
    }
}

fn reach(phone: Option<&str>) -> String {
    phone.map(|p| format!(" ({p})")).unwrap_or_default()
}

fn when(b: &Business, start: i64) -> String {
    let cal = &b.calendar;
    format!(
        "{} at {}",
        phrases::say_day(crate::availability::local_day(cal, start)),
        phrases::say_time(crate::availability::local_secs(cal, start))
    )
}

/// Texts the owner and records the outcome. Never fails the turn: what was
/// booked stays booked whether or not the owner's text went out.
pub async fn owner<P: Platform>(p: &P, b: &Business, notice: &Notice, now_ms: i64) {
    let (status, detail) = match send(p, b, &notice.body).await {
        Ok(sid) => ("sent", sid),
        Err(Skip(why)) if why.starts_with("skipped") => ("skipped", why),
        Err(Skip(why)) => ("failed", why),
    };
    let _ = db::execute(
        p,
        "INSERT INTO notifications (id, business_id, kind, body, status, detail, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            db::new_id(p).into(),
            b.id.as_str().into(),
            notice.kind.into(),
            notice.body.as_str().into(),
            status.into(),
            SqlValue::from(detail),
            now_ms.into(),
        ],
    )
    .await;
}

struct Skip(String);

async fn send<P: Platform>(p: &P, b: &Business, body: &str) -> Result<String, Skip> {
    let Some(to) = b.owner_phone.as_deref() else {
        return Err(Skip("skipped: no owner phone".into()));
    };
    let Some(sid) = config::non_empty(p, "TWILIO_ACCOUNT_SID").await else {
        return Err(Skip("skipped: TWILIO_ACCOUNT_SID is not set".into()));
    };
    let Some(token) = config::non_empty(p, &b.twilio_token_secret).await else {
        return Err(Skip(
            "skipped: the business's Twilio token is not set".into(),
        ));
    };
    let from = match from_number(p, b).await {
        Some(n) => n,
        None => return Err(Skip("skipped: the business has no Twilio number".into())),
    };
    let base = config::non_empty(p, "TWILIO_API_BASE")
        .await
        .unwrap_or_else(|| TWILIO_API.into());
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("To", to)
        .append_pair("From", &from)
        .append_pair("Body", body)
        .finish();
    let request = OutboundRequest {
        method: "POST",
        url: format!(
            "{}/2010-04-01/Accounts/{sid}/Messages.json",
            base.trim_end_matches('/')
        ),
        headers: vec![
            (
                "authorization".into(),
                format!("Basic {}", STANDARD.encode(format!("{sid}:{token}"))),
            ),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: form.into_bytes(),
    };
    let res = deadline::within(p, SEND_TIMEOUT_MS, p.send(request))
        .await
        .map_err(|_| Skip("Twilio did not answer in time".into()))?
        .map_err(|_| Skip("Twilio could not be reached".into()))?;
    if !(200..300).contains(&res.status) {
        return Err(Skip(format!("Twilio answered {}", res.status)));
    }
    let sid = serde_json::from_slice::<serde_json::Value>(&res.body)
        .ok()
        .and_then(|v| v.get("sid").and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default();
    Ok(sid)
}

async fn from_number<P: Platform>(p: &P, b: &Business) -> Option<String> {
    db::one(
        p,
        "SELECT number FROM business_numbers WHERE business_id = ?1 ORDER BY number LIMIT 1",
        &[b.id.as_str().into()],
    )
    .await
    .ok()
    .flatten()
    .and_then(|r| r.first().and_then(|v| v.as_str().map(str::to_string)))
}
