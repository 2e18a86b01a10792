//! A tenant: the business the assistant answers for, as the engine and the
//! channels need it, loaded from the product's database.

use crate::db::{self, Cols};
use crate::hours::{self, Week};
use edgedesk_core::calendar::Calendar;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::zone::Zone;
use edgedesk_kernel::platform::SqlValue;
use edgedesk_kernel::{Platform, times};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// Other words for it ("cut" for "Haircut").
    pub aliases: Vec<String>,
    pub duration_minutes: u32,
    /// Kept free after it.
    pub buffer_minutes: u32,
    pub price_cents: Option<i64>,
}

impl Service {
    /// Seconds an appointment of this service holds: its length and buffer.
    pub fn held_secs(&self) -> i64 {
        i64::from(self.duration_minutes + self.buffer_minutes) * 60
    }
}

/// The business's Google Calendar link, when it has connected one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoogleLink {
    pub calendar_id: String,
    /// The name of the secret holding the refresh token.
    pub refresh_token_secret: String,
    pub channel_id: Option<String>,
    pub channel_token: Option<String>,
    pub resource_id: Option<String>,
    pub channel_expiration: Option<i64>,
    pub sync_token: Option<String>,
    pub message_number: i64,
}

#[derive(Debug, Clone)]
pub struct Business {
    pub id: String,
    pub name: String,
    /// As stored: an IANA name or a fixed offset.
    pub time_zone: String,
    pub zone: Zone,
    pub week: Week,
    pub calendar: Calendar,
    pub services: Vec<Service>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub owner_phone: Option<String>,
    /// The name of the secret holding the Twilio auth token.
    pub twilio_token_secret: String,
    pub google: Option<GoogleLink>,
    pub lockdown: bool,
}

const COLUMNS: &str = "b.id, b.name, b.time_zone, b.hours, b.holidays, b.address, b.phone, \
     b.owner_phone, b.twilio_token_secret, b.google_calendar_id, b.google_refresh_token_secret, \
     b.google_channel_id, b.google_channel_token, b.google_resource_id, \
     b.google_channel_expiration, b.google_sync_token, b.google_message_number, b.lockdown_mode";

impl Business {
    /// Whether the assistant may act for the business: not while its owner
    /// or the operator has locked it down. Read from the database on every
    /// request, so a switch takes effect on the next request everywhere.
    pub fn answering(&self) -> Result<(), ApiError> {
        if self.lockdown {
            return Err(ApiError::new(
                ErrorCode::Locked,
                format!("{} is not taking requests right now", self.name),
            ));
        }
        Ok(())
    }
}

/// The business with this id.
pub async fn by_id<P: Platform>(p: &P, id: &str) -> Result<Option<Business>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM businesses b WHERE b.id = ?1");
    load(p, &sql, id).await
}

/// The business a Twilio number belongs to.
pub async fn by_number<P: Platform>(p: &P, number: &str) -> Result<Option<Business>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM businesses b JOIN business_numbers n ON n.business_id = b.id \
         WHERE n.number = ?1"
    );
    load(p, &sql, number).await
}

/// The business a widget token belongs to.
pub async fn by_widget_token<P: Platform>(
    p: &P,
    token: &str,
) -> Result<Option<Business>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM businesses b WHERE b.widget_token = ?1");
    load(p, &sql, token).await
}

/// The business whose Google push channel this is.
pub async fn by_channel<P: Platform>(p: &P, channel: &str) -> Result<Option<Business>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM businesses b WHERE b.google_channel_id = ?1");
    load(p, &sql, channel).await
}

async fn load<P: Platform>(p: &P, sql: &str, key: &str) -> Result<Option<Business>, ApiError> {
    let Some(row) = db::one(p, sql, &[key.into()]).await? else {
        return Ok(None);
    };
    let c = Cols(&row);
    let id = c.text(0);
    let services = services(p, &id).await?;
    from_row(&c, services).map(Some)
}

fn from_row(c: &Cols<'_>, services: Vec<Service>) -> Result<Business, ApiError> {
    let broken = |what: &str| ApiError::failure(format!("business {} has {what}", c.text(0)));
    let time_zone = c.text(2);
    let zone = Zone::parse(&time_zone).map_err(|_| broken("an unknown time zone"))?;
    let week = serde_json::from_str::<Value>(&c.text(3))
        .ok()
        .and_then(|v| hours::parse_week(&v).ok())
        .ok_or_else(|| broken("unreadable hours"))?;
    let holidays = serde_json::from_str::<Vec<String>>(&c.text(4))
        .map_err(|_| broken("unreadable holidays"))?
        .iter()
        .map(|d| times::parse_day(d).ok_or_else(|| broken("an unreadable holiday")))
        .collect::<Result<Vec<_>, _>>()?;
    let calendar = hours::calendar(zone.clone(), week.clone(), holidays)
        .ok_or_else(|| broken("unreadable hours"))?;
    let google = c.opt_text(9).map(|calendar_id| GoogleLink {
        calendar_id,
        refresh_token_secret: c
            .opt_text(10)
            .unwrap_or_else(|| "GOOGLE_REFRESH_TOKEN".into()),
        channel_id: c.opt_text(11),
        channel_token: c.opt_text(12),
        resource_id: c.opt_text(13),
        channel_expiration: c.opt_int(14),
        sync_token: c.opt_text(15),
        message_number: c.int(16),
    });
    Ok(Business {
        id: c.text(0),
        name: c.text(1),
        time_zone,
        zone,
        week,
        calendar,
        services,
        address: c.opt_text(5),
        phone: c.opt_text(6),
        owner_phone: c.opt_text(7),
        twilio_token_secret: c.text(8),
        google,
        lockdown: c.flag(17),
    })
}

/// The business's services, by name.
pub async fn services<P: Platform>(p: &P, business: &str) -> Result<Vec<Service>, ApiError> {
    let rows = db::query(
        p,
        "SELECT id, name, aliases, duration_minutes, buffer_minutes, price_cents \
         FROM services WHERE business_id = ?1 ORDER BY name",
        &[SqlValue::from(business)],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            Service {
                id: c.text(0),
                name: c.text(1),
                aliases: serde_json::from_str(&c.text(2)).unwrap_or_default(),
                duration_minutes: u32::try_from(c.int(3)).unwrap_or(0),
                buffer_minutes: u32::try_from(c.int(4)).unwrap_or(0),
                price_cents: c.opt_int(5),
            }
        })
        .collect())
}
