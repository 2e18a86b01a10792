//! Google Calendar, both ways: the appointments the assistant books are
//! written to the business's calendar, and the owner's changes there come
//! back as busy times, moves and cancellations.
//!
//! Settings: `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`,
//! `GOOGLE_OAUTH_TOKEN_URL` (default Google's), `GOOGLE_CALENDAR_API`
//! (default Google's v3), `PUBLIC_BASE_URL` (push arrives at
//! `{PUBLIC_BASE_URL}/v1/calendar/google/push`) and, for the older relay,
//! `GOOGLE_WEBHOOK_SECRET`. Each business's refresh token is the secret
//! named by its `google_refresh_token_secret`. A missing setting is a 503
//! naming it; no secret or token is ever logged or answered.
//!
//! # How changes are applied
//!
//! [`watch`] registers a push channel; Google then posts an empty
//! notification to [`push`] on every change, and [`sync`] pulls the
//! changes since the stored sync token (all events from a day ago on when
//! there is none, or when Google answers 410). Each event read is one of:
//!
//! - **An appointment's event**: its id is the appointment's
//!   `google_event_id`, or it carries the appointment's id in
//!   `extendedProperties.private.edgedesk_appointment` (written by
//!   [`insert_event`]; the link is then stored). Cancelled: the appointment
//!   is cancelled and its time freed. Moved: the appointment moves with
//!   it, keeping its service's buffer.
//! - **Any other event**: the owner's own time. Busy events are kept in
//!   `calendar_busy`, which availability leaves out; cancelled events and
//!   events marked free (`transparency: transparent`) are removed. An
//!   all-day event blocks its whole local days in the business's zone.
//!
//! **The owner's calendar is authoritative.** A move onto time another
//! appointment holds cannot take that time's cells, but it still happened:
//! the appointment is recorded at its new times holding no cells, and the
//! sync counts it in [`SyncSummary::conflicts`] so the owner can be told.
//! The moves of a page give up their old time together (two appointments
//! may swap), and are tried again while any of them succeeds, so only a
//! real overlap is a conflict. An appointment held nowhere still counts
//! as booked at its times (`appointments::booked_between`).
//!
//! Each page of changes is applied in one transaction when it can be (a
//! conflicting move splits it), and the new sync token is stored with the
//! last page: a sync that fails part-way is done again from the same
//! token, and applying a change twice changes nothing.
//!
//! Times without an offset are read as [`times`] says: in the event's
//! `timeZone`, else the calendar's, else the business's; a wall time
//! skipped by a daylight-saving change lands after the gap, a repeated one
//! takes the earlier instant.
//!
//! The outbound writes ([`insert_event`], [`patch_event`],
//! [`delete_event`]) wait on Google: call them after the booking has
//! committed, never inside a transaction. [`insert_event`] chooses the
//! event's id from the appointment's, so a retried insert cannot write a
//! second event, and stores it on the appointment itself.

pub mod calendar;
pub mod client;
pub mod hooks;
pub mod sync;
pub mod times;

pub use calendar::{delete_event, insert_event, patch_event, watch};
pub use client::access_token;
pub use hooks::{legacy_webhook, push};
pub use sync::{SyncSummary, sync};

use crate::business::Business;
use serde_json::{Value, json};

/// The private extended property naming the appointment an event was
/// written for.
pub const EXTENDED_PROPERTY: &str = "edgedesk_appointment";

/// The calendar link as the owner sees it: connected or not, the calendar,
/// when the push channel expires and whether it has, and whether changes
/// are followed from a sync token. Nothing secret.
pub fn status(b: &Business, now: i64) -> Value {
    let Some(link) = &b.google else {
        return json!({
            "connected": false,
            "calendar_id": null,
            "channel_expires_at": null,
            "expired": false,
            "has_sync_token": false,
        });
    };
    let expiration = link.channel_id.as_ref().and(link.channel_expiration);
    json!({
        "connected": true,
        "calendar_id": link.calendar_id,
        "channel_expires_at": expiration.map(times::format_utc),
        "expired": expiration.is_some_and(|t| t <= now),
        "has_sync_token": link.sync_token.is_some(),
    })
}

#[cfg(test)]
mod tests;
