//! What the receptionist does on a schedule (a Cron Trigger on Cloudflare;
//! on Spin, a scheduler calling `POST /v1/calendar/google/watch` per
//! business): renew Google push channels before they expire, and forget
//! deliveries too old for Twilio to retry.

use crate::business;
use crate::db::{self, Cols};
use crate::google;
use edgedesk_kernel::Platform;

/// Twilio gives up retrying a webhook long before this.
pub const DELIVERY_RETENTION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A channel this close to expiring is renewed.
pub const RENEW_BEFORE_MS: i64 = 24 * 60 * 60 * 1000;

/// What a run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Upkeep {
    pub deliveries_forgotten: u64,
    pub channels_renewed: usize,
    pub channels_failed: usize,
}

pub async fn run<P: Platform>(p: &P) -> Upkeep {
    let now = p.now_ms();
    // In slices, so one run never holds the database long.
    let deliveries_forgotten = db::execute(
        p,
        "DELETE FROM deliveries WHERE key IN \
         (SELECT key FROM deliveries WHERE created_at < ?1 LIMIT 1000)",
        &[(now - DELIVERY_RETENTION_MS).into()],
    )
    .await
    .unwrap_or(0);
    let mut out = Upkeep {
        deliveries_forgotten,
        ..Upkeep::default()
    };
    let due = db::query(
        p,
        "SELECT id FROM businesses WHERE google_calendar_id IS NOT NULL \
         AND google_channel_id IS NOT NULL AND google_channel_expiration < ?1 LIMIT 50",
        &[(now + RENEW_BEFORE_MS).into()],
    )
    .await
    .unwrap_or_default();
    for row in due {
        let id = Cols(&row).text(0);
        let renewed = match business::by_id(p, &id).await {
            Ok(Some(b)) => google::calendar::watch(p, &b).await.is_ok(),
            _ => false,
        };
        if renewed {
            out.channels_renewed += 1;
        } else {
            out.channels_failed += 1;
        }
    }
    out
}
