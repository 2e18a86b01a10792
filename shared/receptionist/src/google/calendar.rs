//! The Calendar API calls the receptionist makes: listing changes, the
//! push channel, and the events written for the appointments it books.

use super::client::{self, Settings, calendar_url, json_body, link, refused, segment, upstream};
use super::times::format_utc;
use super::{EXTENDED_PROPERTY, sync};
use crate::appointments::{self, Appointment};
use crate::business::Business;
use crate::db;
use crate::model::{PreviousChannel, WatchAnswer};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::zone;
use edgedesk_kernel::Platform;
use edgedesk_kernel::config;
use serde_json::{Value, json};

/// Events per page of a list.
pub const PAGE_SIZE: u32 = 250;

/// The path Google pushes change notifications to, under `PUBLIC_BASE_URL`.
pub const PUSH_PATH: &str = "/v1/calendar/google/push";

/// One page of a list, or Google's 410: the sync token is no longer valid.
pub enum Listed {
    Page(Value),
    Gone,
}

/// How a list continues: from a sync token (changes since), or from a
/// time (a full list; Google allows `timeMin` only without a sync token).
pub enum ListFrom<'a> {
    SyncToken(&'a str),
    Time(i64),
}

/// One page of `events.list`. Deleted events are included and recurring
/// events expanded, with the same parameters on a full list and every
/// incremental one, as Google requires of a sync token's lists.
pub async fn list_page<P: Platform>(
    p: &P,
    s: &Settings,
    b: &Business,
    from: &ListFrom<'_>,
    page_token: Option<&str>,
) -> Result<Listed, ApiError> {
    let link = link(b)?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("maxResults", &PAGE_SIZE.to_string())
        .append_pair("singleEvents", "true")
        .append_pair("showDeleted", "true");
    match from {
        ListFrom::SyncToken(t) => query.append_pair("syncToken", t),
        ListFrom::Time(t) => query.append_pair("timeMin", &format_utc(*t)),
    };
    if let Some(t) = page_token {
        query.append_pair("pageToken", t);
    }
    let url = format!("{}/events?{}", calendar_url(s, link), query.finish());
    let r = client::call(p, s, b, "GET", url, None).await?;
    match r.status {
        200 => json_body(&r)
            .map(Listed::Page)
            .ok_or_else(|| upstream("Google's event list is not a JSON object")),
        410 => Ok(Listed::Gone),
        _ => Err(refused("list events", &r)),
    }
}

fn random_hex<P: Platform>(p: &P, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    p.fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates or renews the push channel: a full sync first when there is no
/// sync token yet (notifications are only worth something from a known
/// position), then a new channel with a fresh id and token, stored on the
/// business, then the previous channel stopped. A failure to stop it is
/// not fatal: a stopped channel's notifications no longer match the
/// business and are refused, and it expires on its own. Answers the stored
/// channel, without its token.
pub async fn watch<P: Platform>(p: &P, b: &Business) -> Result<Value, ApiError> {
    let s = Settings::read(p).await?;
    let link = link(b)?;
    let base = config::non_empty(p, "PUBLIC_BASE_URL")
        .await
        .ok_or_else(|| {
            client::not_configured(
                "Google Calendar push is not configured: PUBLIC_BASE_URL is not set",
            )
        })?;
    if link.sync_token.is_none() {
        sync::sync(p, b).await?;
    }
    let id = db::new_id(p);
    let token = random_hex(p, 32);
    let address = format!("{}{PUSH_PATH}", base.trim_end_matches('/'));
    let body = json!({"id": id, "type": "web_hook", "address": address, "token": token});
    let url = format!("{}/events/watch", calendar_url(&s, link));
    let r = client::call(p, &s, b, "POST", url, Some(&body)).await?;
    if r.status != 200 {
        return Err(refused("watch the calendar", &r));
    }
    let answer = json_body(&r).unwrap_or_default();
    let resource_id = answer["resourceId"]
        .as_str()
        .ok_or_else(|| upstream("Google's watch answer has no resourceId"))?
        .to_string();
    // Google writes the expiration as a string of milliseconds.
    let expiration = answer["expiration"]
        .as_str()
        .and_then(|e| e.parse::<i64>().ok())
        .or_else(|| answer["expiration"].as_i64());
    // Message numbers count per channel: a new one starts again.
    db::execute(
        p,
        "UPDATE businesses SET google_channel_id = ?2, google_channel_token = ?3, \
         google_resource_id = ?4, google_channel_expiration = ?5, google_message_number = 0 \
         WHERE id = ?1",
        &[
            b.id.as_str().into(),
            id.as_str().into(),
            token.as_str().into(),
            resource_id.as_str().into(),
            expiration.into(),
        ],
    )
    .await?;
    let mut previous = None;
    if let (Some(old), Some(old_resource)) = (&link.channel_id, &link.resource_id) {
        let body = json!({"id": old, "resourceId": old_resource});
        let url = format!("{}/channels/stop", s.api);
        let ok = matches!(
            client::call(p, &s, b, "POST", url, Some(&body)).await,
            Ok(r) if (200..300).contains(&r.status) || r.status == 404
        );
        previous = Some(PreviousChannel {
            channel_id: old.clone(),
            stopped: ok,
        });
    }
    let answer = WatchAnswer {
        channel_id: id,
        resource_id,
        address,
        expiration,
        expires_at: expiration.map(format_utc),
        previous,
    };
    Ok(serde_json::to_value(&answer).unwrap_or_default())
}

/// The event id written for an appointment: its id in hex, which is
/// within the characters Google allows in client-chosen ids (`a`-`v`,
/// `0`-`9`). A retried insert then finds its own event (409) instead of
/// writing a second one.
pub fn event_id_for(appointment_id: &str) -> String {
    appointment_id.bytes().map(|b| format!("{b:02x}")).collect()
}

fn when(b: &Business, at: i64) -> Value {
    let mut t = json!({"dateTime": format_utc(at)});
    if zone::iana_rule(&b.time_zone).is_some() {
        t["timeZone"] = Value::from(b.time_zone.as_str());
    }
    t
}

/// Writes the event for an appointment just booked and records it on the
/// appointment; answers its id. Call it after the booking committed, never
/// inside a transaction: it waits on Google.
pub async fn insert_event<P: Platform>(
    p: &P,
    b: &Business,
    a: &Appointment,
    summary: &str,
    description: &str,
) -> Result<String, ApiError> {
    let s = Settings::read(p).await?;
    let link = link(b)?;
    let id = event_id_for(&a.id);
    let body = json!({
        "id": id,
        "summary": summary,
        "description": description,
        "start": when(b, a.start_at),
        "end": when(b, a.end_at),
        "extendedProperties": {"private": {EXTENDED_PROPERTY: a.id}},
    });
    let url = format!("{}/events", calendar_url(&s, link));
    let r = client::call(p, &s, b, "POST", url, Some(&body)).await?;
    let id = match r.status {
        200 => json_body(&r)
            .and_then(|v| v["id"].as_str().map(str::to_string))
            .unwrap_or(id),
        // An earlier attempt wrote it.
        409 => id,
        _ => return Err(refused("add the event", &r)),
    };
    db::batch(p, &[appointments::set_event(&a.id, Some(&id))]).await?;
    Ok(id)
}

/// Writes the event for a booking, titled with the service and the
/// customer's name: what the assistant and the owner both book.
pub async fn insert_booking<P: Platform>(
    p: &P,
    b: &Business,
    a: &Appointment,
    name: Option<&str>,
    phone: Option<&str>,
) -> Result<String, ApiError> {
    let service = b
        .services
        .iter()
        .find(|s| s.id == a.service_id)
        .map_or(a.service_id.as_str(), |s| s.name.as_str());
    let who = name.unwrap_or("Customer");
    let summary = format!("{service}: {who}");
    let by = if a.source == "owner" {
        "the owner".to_string()
    } else {
        format!("the assistant ({})", a.source)
    };
    let description = format!(
        "Booked by {by}.{}",
        phone.map(|p| format!(" Phone: {p}")).unwrap_or_default()
    );
    insert_event(p, b, a, &summary, &description).await
}

/// Moves an appointment's event to the appointment's times.
pub async fn patch_event<P: Platform>(
    p: &P,
    b: &Business,
    event_id: &str,
    a: &Appointment,
) -> Result<(), ApiError> {
    let s = Settings::read(p).await?;
    let link = link(b)?;
    let body = json!({"start": when(b, a.start_at), "end": when(b, a.end_at)});
    let url = format!("{}/events/{}", calendar_url(&s, link), segment(event_id));
    let r = client::call(p, &s, b, "PATCH", url, Some(&body)).await?;
    if r.status != 200 {
        return Err(refused("move the event", &r));
    }
    Ok(())
}

/// Deletes an event; one Google no longer has (404, 410) is already gone.
pub async fn delete_event<P: Platform>(
    p: &P,
    b: &Business,
    event_id: &str,
) -> Result<(), ApiError> {
    let s = Settings::read(p).await?;
    let link = link(b)?;
    let url = format!("{}/events/{}", calendar_url(&s, link), segment(event_id));
    let r = client::call(p, &s, b, "DELETE", url, None).await?;
    match r.status {
        200..=299 | 404 | 410 => Ok(()),
        _ => Err(refused("delete the event", &r)),
    }
}
