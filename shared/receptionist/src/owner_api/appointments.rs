//! The owner's appointments: listed by range, booked, moved, cancelled, or
//! marked completed or no-show. Booking and moving take the appointment's
//! five-minute cells in the same transaction as the assistant's bookings
//! ([`crate::appointments`]), so the owner cannot double-book either; the
//! business's Google Calendar follows after the commit, as it does for the
//! assistant's bookings.

use crate::appointments::{self, Appointment, NewAppointment, Source};
use crate::business::{self, Business};
use crate::contacts;
use crate::db::{self, Cols};
use crate::google;
use crate::model::{AppointmentList, AppointmentRecord, ContactRef};
use crate::owners::Principal;
use edgedesk_core::envelope::{ApiError, success};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::Statement;
use edgedesk_kernel::{Platform, Request, Response, times};
use serde_json::Value;

const DAY_MS: i64 = 86_400_000;
/// The longest range one listing covers.
pub const MAX_RANGE_DAYS: i64 = 92;

async fn business<P: Platform>(p: &P, who: &Principal) -> Result<Business, ApiError> {
    business::by_id(p, who.business())
        .await?
        .ok_or_else(|| ApiError::missing("the business is gone"))
}

/// A time as the owner writes it: RFC 3339, or a wall time (or, for a
/// range, a date: its local midnight) read in the business's zone.
fn instant(b: &Business, field: &str, s: &str) -> Result<i64, ApiError> {
    if let Some(day) = times::parse_day(s) {
        return Ok(b.zone.to_utc(day * 86_400) * 1000);
    }
    google::times::parse(s)
        .map(|t| t.in_zone(&b.zone))
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "{field} must be a time like 2026-11-23T15:00:00 (the business's zone), \
                 2026-11-23T21:00:00Z, or a date like 2026-11-23"
            ))
        })
}

fn record(b: &Business, c: &Cols<'_>) -> AppointmentRecord {
    let a = appointments::from_row(c);
    let n = appointments::COLUMNS.split(',').count();
    let service = b
        .services
        .iter()
        .find(|s| s.id == a.service_id)
        .map_or_else(|| a.service_id.clone(), |s| s.name.clone());
    AppointmentRecord {
        service,
        status: a.status,
        start: times::iso(a.start_at),
        end: times::iso(a.end_at),
        source: a.source,
        notes: a.notes,
        contact: a.contact_id.map(|id| ContactRef {
            id,
            name: c.opt_text(n),
            phone: c.opt_text(n + 1),
        }),
        google_event_id: a.google_event_id,
        service_id: a.service_id,
        id: a.id,
    }
}

fn select(filter: &str) -> String {
    let columns = appointments::COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {columns}, c.name, c.phone FROM appointments a \
         LEFT JOIN contacts c ON c.id = a.contact_id WHERE a.business_id = ?1 AND {filter}"
    )
}

async fn one<P: Platform>(p: &P, b: &Business, id: &str) -> Result<AppointmentRecord, ApiError> {
    let row = db::one(p, &select("a.id = ?2"), &[b.id.as_str().into(), id.into()])
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(record(b, &Cols(&row)))
}

fn not_found(id: &str) -> ApiError {
    ApiError::missing(format!("no appointment {id}"))
}

/// `GET /v1/owner/appointments?from=&to=`: the appointments that overlap
/// the range (default: from today's local midnight, 14 days), soonest
/// first.
pub async fn list<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["from", "to", "status"])?;
    let b = business(p, who).await?;
    let from = match q.text("from", 40)? {
        Some(s) => instant(&b, "from", &s)?,
        None => {
            let today = b
                .zone
                .to_local(p.now_ms().div_euclid(1000))
                .div_euclid(86_400);
            b.zone.to_utc(today * 86_400) * 1000
        }
    };
    let to = match q.text("to", 40)? {
        Some(s) => instant(&b, "to", &s)?,
        None => from + 14 * DAY_MS,
    };
    if to <= from {
        return Err(ApiError::unprocessable("to must be after from"));
    }
    if to - from > MAX_RANGE_DAYS * DAY_MS {
        return Err(ApiError::unprocessable(format!(
            "to must be at most {MAX_RANGE_DAYS} days after from"
        )));
    }
    let status = q.choice("status", &["booked", "cancelled", "completed", "no_show"])?;
    let sql = select(
        "a.start_at < ?3 AND a.end_at > ?2 AND (?4 IS NULL OR a.status = ?4) \
         ORDER BY a.start_at LIMIT 1000",
    );
    let rows = db::query(
        p,
        &sql,
        &[b.id.as_str().into(), from.into(), to.into(), status.into()],
    )
    .await?;
    let list = AppointmentList {
        from: times::iso(from),
        to: times::iso(to),
        appointments: rows.iter().map(|r| record(&b, &Cols(r))).collect(),
    };
    Ok(serde_json::to_value(&list).unwrap_or_default())
}

/// A start the owner may set: from 30 days back (recording a visit) to a
/// year ahead.
fn start_field(b: &Business, input: &Input, now: i64) -> Result<Option<i64>, ApiError> {
    let Some(s) = input.text("start", 40)? else {
        return Ok(None);
    };
    let start = instant(b, "start", &s)?;
    if start < now - 30 * DAY_MS || start > now + 366 * DAY_MS {
        return Err(ApiError::unprocessable(
            "start must be within 30 days back and a year ahead",
        ));
    }
    Ok(Some(start))
}

fn taken() -> ApiError {
    ApiError::conflict("that time is already held by another appointment")
}

/// `POST /v1/owner/appointments`.
pub async fn create<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Response, ApiError> {
    let input = Input::body(req, &["service_id", "start", "name", "phone", "notes"])?;
    let b = business(p, who).await?;
    let now = p.now_ms();
    let service_id = input.required_text("service_id", 40)?;
    let Some(service) = b.services.iter().find(|s| s.id == service_id) else {
        let known: Vec<&str> = b.services.iter().map(|s| s.id.as_str()).collect();
        return Err(ApiError::unprocessable(format!(
            "service_id: no service {service_id}; this business has {}",
            known.join(", ")
        )));
    };
    let start = start_field(&b, &input, now)?
        .ok_or_else(|| ApiError::unprocessable("start is required"))?;
    let name = input.text("name", 100)?.filter(|n| !n.is_empty());
    let phone = match input.text("phone", 40)?.filter(|s| !s.is_empty()) {
        Some(s) => Some(crate::words::phone(&s).ok_or_else(|| {
            ApiError::unprocessable("phone must be a phone number like +13125550100")
        })?),
        None => None,
    };
    let notes = input.text("notes", 1000)?.filter(|n| !n.is_empty());
    let mut statements: Vec<Statement> = Vec::new();
    let contact = match (&phone, &name) {
        (Some(ph), _) => {
            statements.push(contacts::upsert(&b.id, ph, name.as_deref(), now));
            Some(contacts::id_for(&b.id, ph))
        }
        (None, Some(n)) => {
            let id = format!("ct_{}", db::new_id(p).replace('-', ""));
            statements.push(Statement::new(
                "INSERT INTO contacts (id, business_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                vec![
                    id.as_str().into(),
                    b.id.as_str().into(),
                    n.as_str().into(),
                    now.into(),
                ],
            ));
            Some(id)
        }
        (None, None) => None,
    };
    let id = db::new_id(p);
    let end = start + i64::from(service.duration_minutes) * 60_000;
    let held = start + service.held_secs() * 1000;
    statements.extend(appointments::book(&NewAppointment {
        id: &id,
        business_id: &b.id,
        service_id: &service.id,
        contact_id: contact.as_deref(),
        start_at: start,
        end_at: end,
        held_until: held,
        source: Source::Owner,
        notes: notes.as_deref(),
        now,
    }));
    if let Err(e) = db::batch(p, &statements).await {
        return Err(
            if appointments::held_by_other(p, &b.id, start, held, None).await? {
                taken()
            } else {
                e
            },
        );
    }
    if b.google.is_some()
        && let Some(a) = appointments::get(p, &id).await?
    {
        // Booked stays booked if the calendar cannot be written now; the
        // next full sync links or frees it.
        let _ =
            google::calendar::insert_booking(p, &b, &a, name.as_deref(), phone.as_deref()).await;
    }
    let record = one(p, &b, &id).await?;
    Ok(Response::json(
        201,
        &success(&serde_json::to_value(&record).unwrap_or_default()),
    ))
}

/// `PATCH /v1/owner/appointments/{appointment_id}`: a move (`start`) or an
/// end (`status`), and notes.
pub async fn update<P: Platform>(
    p: &P,
    who: &Principal,
    id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["start", "status", "notes"])?;
    let b = business(p, who).await?;
    // Another business's appointment is answered as one that does not exist.
    let a: Appointment = appointments::get(p, id)
        .await?
        .filter(|a| a.business_id == b.id)
        .ok_or_else(|| not_found(id))?;
    let now = p.now_ms();
    let start = start_field(&b, &input, now)?;
    let status = input.choice("status", &["cancelled", "completed", "no_show"])?;
    if start.is_some() && status.is_some() {
        return Err(ApiError::unprocessable(
            "give start (a move) or status, not both",
        ));
    }
    if start.is_none() && status.is_none() && !input.has("notes") {
        return Err(ApiError::unprocessable("give start, status or notes"));
    }
    if (start.is_some() || status.is_some()) && a.status != "booked" {
        return Err(ApiError::conflict(format!(
            "the appointment is {}, not booked",
            a.status
        )));
    }
    let mut statements = Vec::new();
    if let Some(start) = start {
        let length = a.end_at - a.start_at;
        let hold = a.held_until - a.start_at;
        statements.extend(appointments::reschedule(
            &a,
            start,
            start + length,
            start + hold,
            now,
        ));
    }
    if let Some(status) = status {
        statements.extend(appointments::close(&a.id, status, now));
    }
    if input.has("notes") {
        let notes = input.text("notes", 1000)?.filter(|n| !n.is_empty());
        statements.push(Statement::new(
            "UPDATE appointments SET notes = ?2, updated_at = ?3 WHERE id = ?1",
            vec![a.id.as_str().into(), notes.into(), now.into()],
        ));
    }
    if let Err(e) = db::batch(p, &statements).await {
        if let Some(start) = start {
            let held = start + (a.held_until - a.start_at);
            if appointments::held_by_other(p, &b.id, start, held, Some(&a.id)).await? {
                return Err(taken());
            }
        }
        return Err(e);
    }
    if let (true, Some(event)) = (b.google.is_some(), &a.google_event_id) {
        // As for a booking: the change stands if Google cannot be told now.
        if start.is_some()
            && let Some(moved) = appointments::get(p, &a.id).await?
        {
            let _ = google::calendar::patch_event(p, &b, event, &moved).await;
        } else if status == Some("cancelled") {
            let _ = google::calendar::delete_event(p, &b, event).await;
        }
    }
    Ok(serde_json::to_value(one(p, &b, &a.id).await?).unwrap_or_default())
}
