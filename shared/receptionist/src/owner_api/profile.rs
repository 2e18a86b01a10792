//! The business as its owner keeps it: profile, time zone, hours and
//! holidays, services, the widget token, the Google Calendar link, and the
//! lockdown switch.

use crate::business;
use crate::db::{self, Cols};
use crate::hours;
use crate::model::{
    BusinessProfile, CalendarStatus, LockdownAnswer, ServiceList, ServiceRecord, WidgetTokenAnswer,
};
use crate::owners::{self, Principal};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::{SqlValue, Statement};
use edgedesk_kernel::{Platform, Request, times};
use serde_json::Value;

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// The business's numbers, in order.
pub async fn numbers<P: Platform>(p: &P, business_id: &str) -> Result<Vec<String>, ApiError> {
    let rows = db::query(
        p,
        "SELECT number FROM business_numbers WHERE business_id = ?1 ORDER BY number",
        &[business_id.into()],
    )
    .await?;
    Ok(rows.iter().map(|r| Cols(r).text(0)).collect())
}

/// The business's services as the owner sees them.
pub async fn services<P: Platform>(
    p: &P,
    business_id: &str,
) -> Result<Vec<ServiceRecord>, ApiError> {
    Ok(business::services(p, business_id)
        .await?
        .into_iter()
        .map(|s| ServiceRecord {
            id: s.id,
            name: s.name,
            aliases: s.aliases,
            duration_minutes: s.duration_minutes,
            buffer_minutes: s.buffer_minutes,
            price_cents: s.price_cents,
        })
        .collect())
}

/// `GET /v1/owner/business`.
pub async fn get<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    let id = who.business();
    let row = db::one(
        p,
        "SELECT id, name, time_zone, hours, holidays, address, phone, owner_phone, widget_token, \
         lockdown_mode FROM businesses WHERE id = ?1",
        &[id.into()],
    )
    .await?
    .ok_or_else(|| ApiError::missing("the business is gone"))?;
    let c = Cols(&row);
    let profile = BusinessProfile {
        id: c.text(0),
        name: c.text(1),
        time_zone: c.text(2),
        hours: serde_json::from_str(&c.text(3)).unwrap_or_default(),
        holidays: serde_json::from_str(&c.text(4)).unwrap_or_default(),
        address: c.opt_text(5),
        phone: c.opt_text(6),
        owner_phone: c.opt_text(7),
        widget_token: c.opt_text(8),
        lockdown_mode: c.flag(9),
        numbers: numbers(p, id).await?,
        services: services(p, id).await?,
    };
    Ok(to_json(&profile))
}

/// A phone number field, as E.164 (`+13125550100`); empty clears it.
fn phone_field(input: &Input, name: &str) -> Result<Option<Option<String>>, ApiError> {
    if !input.has(name) {
        return Ok(None);
    }
    match input.text(name, 40)? {
        None => Ok(Some(None)),
        Some(s) if s.is_empty() => Ok(Some(None)),
        Some(s) => crate::words::phone(&s)
            .map(|n| Some(Some(n)))
            .ok_or_else(|| {
                ApiError::unprocessable(format!("{name} must be a phone number like +13125550100"))
            }),
    }
}

/// `PATCH /v1/owner/business`: profile, time zone, hours and holidays,
/// each checked before anything is written.
pub async fn update<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(
        req,
        &[
            "name",
            "time_zone",
            "hours",
            "holidays",
            "address",
            "phone",
            "owner_phone",
        ],
    )?;
    let id = who.business();
    let mut sets: Vec<Statement> = Vec::new();
    let set = |sql: &'static str, v: SqlValue| Statement::new(sql, vec![id.into(), v]);
    if input.has("name") {
        let name = input.required_text("name", 200)?;
        sets.push(set(
            "UPDATE businesses SET name = ?2 WHERE id = ?1",
            name.into(),
        ));
    }
    if input.has("time_zone") {
        let z = input.required_text("time_zone", 100)?;
        let z = owners::time_zone("time_zone", &z)?;
        sets.push(set(
            "UPDATE businesses SET time_zone = ?2 WHERE id = ?1",
            z.into(),
        ));
    }
    if let Some(v) = input.value("hours") {
        let week = hours::parse_week(v).map_err(ApiError::unprocessable)?;
        let stored = hours::week_json(&week).to_string();
        sets.push(set(
            "UPDATE businesses SET hours = ?2 WHERE id = ?1",
            stored.into(),
        ));
    }
    if input.has("holidays") {
        let days = input.text_list("holidays", 366, 10)?.unwrap_or_default();
        if let Some((i, bad)) = days
            .iter()
            .enumerate()
            .find(|(_, d)| times::parse_day(d).is_none())
        {
            return Err(ApiError::unprocessable(format!(
                "holidays[{i}]: {bad:?} is not a date like 2026-12-25"
            )));
        }
        let stored = serde_json::to_string(&days).unwrap_or_else(|_| "[]".into());
        sets.push(set(
            "UPDATE businesses SET holidays = ?2 WHERE id = ?1",
            stored.into(),
        ));
    }
    if input.has("address") {
        let a = input.text("address", 300)?.filter(|a| !a.is_empty());
        sets.push(set(
            "UPDATE businesses SET address = ?2 WHERE id = ?1",
            a.into(),
        ));
    }
    if let Some(v) = phone_field(&input, "phone")? {
        sets.push(set(
            "UPDATE businesses SET phone = ?2 WHERE id = ?1",
            v.into(),
        ));
    }
    if let Some(v) = phone_field(&input, "owner_phone")? {
        sets.push(set(
            "UPDATE businesses SET owner_phone = ?2 WHERE id = ?1",
            v.into(),
        ));
    }
    if !sets.is_empty() {
        db::batch(p, &sets).await?;
    }
    get(p, who).await
}

/// One service of `PUT /v1/owner/services`, checked; `at` names it.
fn service(v: &Value, at: &str) -> Result<ServiceRecord, ApiError> {
    let bad = |what: &str| ApiError::unprocessable(format!("{at}.{what}"));
    let Some(obj) = v.as_object() else {
        return Err(ApiError::unprocessable(format!("{at}: must be an object")));
    };
    let allowed = [
        "id",
        "name",
        "aliases",
        "duration_minutes",
        "buffer_minutes",
        "price_cents",
    ];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::unprocessable(format!("{at}.{k}: unknown field")));
    }
    let id = obj.get("id").and_then(Value::as_str).unwrap_or_default();
    if id.is_empty()
        || id.len() > 40
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(bad("id: 1 to 40 lowercase letters, digits and -"));
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("name: 1 to 100 characters"));
    }
    let aliases: Vec<String> = match obj.get("aliases") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a))
            if a.len() <= 10
                && a.iter().all(|w| {
                    w.as_str()
                        .is_some_and(|w| !w.trim().is_empty() && w.chars().count() <= 40)
                }) =>
        {
            a.iter()
                .filter_map(|w| w.as_str().map(|w| w.trim().to_lowercase()))
                .collect()
        }
        Some(_) => return Err(bad("aliases: at most 10 words of 1 to 40 characters")),
    };
    let minutes = |k: &str, min: i64, max: i64, default: Option<i64>| match obj.get(k) {
        None | Some(Value::Null) => default.ok_or_else(|| bad(&format!("{k}: required"))),
        Some(v) => edgedesk_kernel::params::whole_number(v)
            .filter(|n| (min..=max).contains(n) && n % 5 == 0)
            .ok_or_else(|| bad(&format!("{k}: a multiple of 5 from {min} to {max}"))),
    };
    let duration = minutes("duration_minutes", 5, 720, None)?;
    let buffer = minutes("buffer_minutes", 0, 240, Some(0))?;
    let price = match obj.get("price_cents") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            edgedesk_kernel::params::whole_number(v)
                .filter(|n| (0..=10_000_000).contains(n))
                .ok_or_else(|| bad("price_cents: a whole number from 0 to 10000000"))?,
        ),
    };
    Ok(ServiceRecord {
        id: id.into(),
        name: name.into(),
        aliases,
        duration_minutes: duration as u32,
        buffer_minutes: buffer as u32,
        price_cents: price,
    })
}

/// `GET /v1/owner/services`.
pub async fn list_services<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    Ok(to_json(&ServiceList {
        services: services(p, who.business()).await?,
    }))
}

/// `PUT /v1/owner/services`: the whole list. A service left out is
/// removed, unless appointments ahead are booked for it (409 naming it).
pub async fn set_services<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["services"])?;
    let Some(Value::Array(list)) = input.value("services") else {
        return Err(ApiError::unprocessable("services must be a list"));
    };
    if list.is_empty() || list.len() > 50 {
        return Err(ApiError::unprocessable(
            "services must list 1 to 50 services",
        ));
    }
    let mut wanted = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let s = service(v, &format!("services[{i}]"))?;
        if wanted.iter().any(|w: &ServiceRecord| w.id == s.id) {
            return Err(ApiError::unprocessable(format!(
                "services[{i}].id: {} is listed twice",
                s.id
            )));
        }
        wanted.push(s);
    }
    let id = who.business();
    let now = p.now_ms();
    let mut statements = Vec::new();
    for old in services(p, id).await? {
        if wanted.iter().any(|w| w.id == old.id) {
            continue;
        }
        let booked = db::one(
            p,
            "SELECT 1 FROM appointments WHERE business_id = ?1 AND service_id = ?2 \
             AND status = 'booked' AND held_until > ?3 LIMIT 1",
            &[id.into(), old.id.as_str().into(), now.into()],
        )
        .await?;
        if booked.is_some() {
            return Err(ApiError::conflict(format!(
                "service {} has appointments ahead; move or cancel them first",
                old.id
            )));
        }
        statements.push(Statement::new(
            "DELETE FROM services WHERE business_id = ?1 AND id = ?2",
            vec![id.into(), old.id.as_str().into()],
        ));
    }
    for s in &wanted {
        statements.push(Statement::new(
            "INSERT INTO services (business_id, id, name, aliases, duration_minutes, buffer_minutes, \
             price_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (business_id, id) DO UPDATE \
             SET name = excluded.name, aliases = excluded.aliases, \
             duration_minutes = excluded.duration_minutes, buffer_minutes = excluded.buffer_minutes, \
             price_cents = excluded.price_cents",
            vec![
                id.into(),
                s.id.as_str().into(),
                s.name.as_str().into(),
                serde_json::to_string(&s.aliases)
                    .unwrap_or_else(|_| "[]".into())
                    .into(),
                i64::from(s.duration_minutes).into(),
                i64::from(s.buffer_minutes).into(),
                s.price_cents.into(),
            ],
        ));
    }
    db::batch(p, &statements).await?;
    list_services(p, who).await
}

/// `POST /v1/owner/widget-token`: a new token names the business to the
/// widget; pages embedding the old one stop working.
pub async fn rotate_widget_token<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    let token = owners::random_token(p);
    db::execute(
        p,
        "UPDATE businesses SET widget_token = ?2 WHERE id = ?1",
        &[who.business().into(), token.as_str().into()],
    )
    .await?;
    Ok(to_json(&WidgetTokenAnswer {
        widget_token: token,
    }))
}

/// `GET /v1/owner/calendar`.
pub async fn calendar<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    let now = p.now_ms();
    let row = db::one(
        p,
        "SELECT google_calendar_id, google_channel_id, google_channel_expiration, \
         google_sync_token IS NOT NULL, \
         (SELECT COUNT(*) FROM calendar_busy WHERE business_id = ?1 AND end_at > ?2) \
         FROM businesses WHERE id = ?1",
        &[who.business().into(), now.into()],
    )
    .await?
    .ok_or_else(|| ApiError::missing("the business is gone"))?;
    let c = Cols(&row);
    let expires = c.opt_int(2);
    let status = CalendarStatus {
        connected: c.opt_text(0).is_some(),
        calendar_id: c.opt_text(0),
        watching: c.opt_text(1).is_some() && expires.is_none_or(|e| e > now),
        channel_expires_at: times::opt_iso(expires),
        synced: c.flag(3),
        busy_times_ahead: c.int(4),
    };
    Ok(to_json(&status))
}

/// Sets the lockdown switch of a business: the automation routes refuse
/// it from the next request on, on every instance (it is read from the
/// database each time).
pub async fn set_lockdown<P: Platform>(
    p: &P,
    business_id: &str,
    enabled: bool,
) -> Result<Value, ApiError> {
    let changed = db::execute(
        p,
        "UPDATE businesses SET lockdown_mode = ?2 WHERE id = ?1",
        &[business_id.into(), enabled.into()],
    )
    .await?;
    if changed == 0 {
        return Err(ApiError::missing(format!("no business {business_id}")));
    }
    Ok(to_json(&LockdownAnswer {
        business_id: business_id.into(),
        lockdown_mode: enabled,
    }))
}

/// `POST /v1/owner/lockdown`.
pub async fn lockdown<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["enabled"])?;
    let enabled = input
        .boolean("enabled")?
        .ok_or_else(|| ApiError::unprocessable("enabled is required: true or false"))?;
    set_lockdown(p, who.business(), enabled).await
}
