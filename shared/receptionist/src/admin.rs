//! The operator's routes, `/v1/admin/*`, behind `Authorization: Bearer
//! <OPERATOR_TOKEN>` (the kernel's operator check): every business with
//! what it still lacks, the fields only the operator sets (the lockdown
//! switch too), and invitations that let an owner register.

use crate::db::{self, Cols};
use crate::model::{BusinessOverview, BusinessOverviewList, InvitationAnswer, Onboarding};
use crate::owner_api::profile;
use crate::owners::{self, INVITATION_TTL_MS};
use edgedesk_core::envelope::{ApiError, success};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::{SqlValue, Statement};
use edgedesk_kernel::{Platform, Request, Response, sessions, times};
use serde_json::Value;

const OVERVIEW: &str = "SELECT b.id, b.name, b.time_zone, b.lockdown_mode, b.created_at, \
     b.twilio_token_secret, b.hours, b.google_calendar_id IS NOT NULL, \
     (SELECT COUNT(*) FROM services s WHERE s.business_id = b.id), \
     (SELECT COUNT(*) FROM owners o WHERE o.business_id = b.id) FROM businesses b";

async fn overview<P: Platform>(p: &P, c: &Cols<'_>) -> Result<BusinessOverview, ApiError> {
    let id = c.text(0);
    let numbers = profile::numbers(p, &id).await?;
    let hours: Value = serde_json::from_str(&c.text(6)).unwrap_or_default();
    let has_hours = hours.as_object().is_some_and(|days| {
        days.values()
            .any(|d| d.as_array().is_some_and(|s| !s.is_empty()))
    });
    let owners = c.int(9);
    let mut onboarding = Onboarding {
        has_hours,
        has_services: c.int(8) > 0,
        has_number: !numbers.is_empty(),
        has_calendar: c.flag(7),
        has_owner: owners > 0,
        ready: false,
    };
    onboarding.ready = onboarding.has_hours
        && onboarding.has_services
        && onboarding.has_number
        && onboarding.has_owner;
    Ok(BusinessOverview {
        id,
        name: c.text(1),
        time_zone: c.text(2),
        lockdown_mode: c.flag(3),
        created_at: times::iso(c.int(4)),
        twilio_token_secret: c.text(5),
        numbers,
        owners,
        onboarding,
    })
}

/// `GET /v1/admin/businesses`.
pub async fn list<P: Platform>(p: &P) -> Result<Value, ApiError> {
    let sql = format!("{OVERVIEW} ORDER BY b.id LIMIT 1000");
    let rows = db::query(p, &sql, &[]).await?;
    let mut businesses = Vec::with_capacity(rows.len());
    for r in &rows {
        businesses.push(overview(p, &Cols(r)).await?);
    }
    Ok(serde_json::to_value(BusinessOverviewList { businesses }).unwrap_or_default())
}

async fn one<P: Platform>(p: &P, id: &str) -> Result<Value, ApiError> {
    let sql = format!("{OVERVIEW} WHERE b.id = ?1");
    let row = db::one(p, &sql, &[id.into()])
        .await?
        .ok_or_else(|| ApiError::missing(format!("no business {id}")))?;
    Ok(serde_json::to_value(overview(p, &Cols(&row)).await?).unwrap_or_default())
}

/// A secret's name: letters, digits and `_`, as environments name them.
fn secret_name(input: &Input, field: &str) -> Result<Option<String>, ApiError> {
    let Some(name) = input.text(field, 64)? else {
        return Ok(None);
    };
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(ApiError::unprocessable(format!(
            "{field} must name a secret: capital letters, digits and _"
        )));
    }
    Ok(Some(name))
}

/// `PATCH /v1/admin/businesses/{business_id}`.
pub async fn update<P: Platform>(p: &P, id: &str, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(
        req,
        &[
            "lockdown_mode",
            "name",
            "numbers",
            "twilio_token_secret",
            "google_calendar_id",
            "google_refresh_token_secret",
        ],
    )?;
    if db::one(p, "SELECT 1 FROM businesses WHERE id = ?1", &[id.into()])
        .await?
        .is_none()
    {
        return Err(ApiError::missing(format!("no business {id}")));
    }
    let mut sets: Vec<Statement> = Vec::new();
    let set = |sql: &'static str, v: SqlValue| Statement::new(sql, vec![id.into(), v]);
    if let Some(on) = input.boolean("lockdown_mode")? {
        sets.push(set(
            "UPDATE businesses SET lockdown_mode = ?2 WHERE id = ?1",
            on.into(),
        ));
    }
    if input.has("name") {
        let name = input.required_text("name", 200)?;
        sets.push(set(
            "UPDATE businesses SET name = ?2 WHERE id = ?1",
            name.into(),
        ));
    }
    if let Some(secret) = secret_name(&input, "twilio_token_secret")? {
        sets.push(set(
            "UPDATE businesses SET twilio_token_secret = ?2 WHERE id = ?1",
            secret.into(),
        ));
    }
    if let Some(secret) = secret_name(&input, "google_refresh_token_secret")? {
        sets.push(set(
            "UPDATE businesses SET google_refresh_token_secret = ?2 WHERE id = ?1",
            secret.into(),
        ));
    }
    if input.has("google_calendar_id") {
        // A new calendar (or none) starts its sync and channel afresh.
        let calendar = input
            .text("google_calendar_id", 254)?
            .filter(|c| !c.is_empty());
        sets.push(set(
            "UPDATE businesses SET google_calendar_id = ?2, google_sync_token = NULL, \
             google_channel_id = NULL, google_channel_token = NULL, google_resource_id = NULL, \
             google_channel_expiration = NULL, google_message_number = 0 WHERE id = ?1",
            calendar.into(),
        ));
    }
    if input.has("numbers") {
        let numbers = input.text_list("numbers", 20, 40)?.unwrap_or_default();
        let mut e164 = Vec::new();
        for (i, n) in numbers.iter().enumerate() {
            let ok =
                n.len() >= 8 && n.starts_with('+') && n[1..].bytes().all(|b| b.is_ascii_digit());
            if !ok {
                return Err(ApiError::unprocessable(format!(
                    "numbers[{i}]: {n:?} is not an E.164 number like +15005550006"
                )));
            }
            e164.push(n.clone());
        }
        let others = db::query(
            p,
            "SELECT number FROM business_numbers WHERE business_id <> ?1",
            &[id.into()],
        )
        .await?;
        if let Some(n) = others
            .iter()
            .map(|r| Cols(r).text(0))
            .find(|n| e164.contains(n))
        {
            return Err(ApiError::conflict(format!(
                "{n} already reaches another business"
            )));
        }
        sets.push(Statement::new(
            "DELETE FROM business_numbers WHERE business_id = ?1",
            vec![id.into()],
        ));
        for n in e164 {
            sets.push(Statement::new(
                "INSERT INTO business_numbers (number, business_id) VALUES (?1, ?2)",
                vec![n.into(), id.into()],
            ));
        }
    }
    if !sets.is_empty() {
        db::batch(p, &sets).await?;
    }
    one(p, id).await
}

/// `POST /v1/admin/businesses/{business_id}/invitations`: a single-use
/// token, shown only in this answer, that lets one person register as an
/// owner of the business.
pub async fn invite<P: Platform>(p: &P, id: &str, req: &Request) -> Result<Response, ApiError> {
    let input = Input::optional_body(req, &["email"])?;
    let email = sessions::email(&input)?;
    if db::one(p, "SELECT 1 FROM businesses WHERE id = ?1", &[id.into()])
        .await?
        .is_none()
    {
        return Err(ApiError::missing(format!("no business {id}")));
    }
    let token = owners::random_token(p);
    let now = p.now_ms();
    let expires = now + INVITATION_TTL_MS;
    db::execute(
        p,
        "INSERT INTO owner_invitations (token_hash, business_id, email, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            owners::invitation_hash(&token).into(),
            id.into(),
            email.as_deref().into(),
            now.into(),
            expires.into(),
        ],
    )
    .await?;
    let answer = InvitationAnswer {
        invitation: token,
        business_id: id.into(),
        email,
        expires_at: times::iso(expires),
    };
    Ok(Response::json(
        201,
        &success(&serde_json::to_value(answer).unwrap_or_default()),
    ))
}
