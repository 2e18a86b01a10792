//! Appointments in the store: booking, moving and cancelling them so that
//! two bookings of overlapping times can never both commit.
//!
//! A booked appointment holds every five-minute cell from its start to the
//! end of its buffer, one `appointment_cells` row each under a primary key
//! of (business, cell). Booking writes the appointment and its cells in one
//! transaction: if any cell is already held the whole write fails, whichever
//! channel or instance the other booking came from.

use crate::db::{self, Cols};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::platform::{SqlValue, Statement};

/// The grid times are held on: every service's length and buffer is a
/// multiple of it.
pub const CELL_MS: i64 = 5 * 60 * 1000;

/// Where an appointment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Voice,
    Sms,
    Chat,
    Calendar,
    Owner,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Voice => "voice",
            Source::Sms => "sms",
            Source::Chat => "chat",
            Source::Calendar => "calendar",
            Source::Owner => "owner",
        }
    }
}

/// An appointment as stored; instants in Unix milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub id: String,
    pub business_id: String,
    pub service_id: String,
    pub contact_id: Option<String>,
    pub start_at: i64,
    pub end_at: i64,
    pub held_until: i64,
    pub status: String,
    pub google_event_id: Option<String>,
    pub source: String,
    pub notes: Option<String>,
}

pub const COLUMNS: &str = "id, business_id, service_id, contact_id, start_at, end_at, held_until, \
     status, google_event_id, source, notes";

pub fn from_row(c: &Cols<'_>) -> Appointment {
    Appointment {
        id: c.text(0),
        business_id: c.text(1),
        service_id: c.text(2),
        contact_id: c.opt_text(3),
        start_at: c.int(4),
        end_at: c.int(5),
        held_until: c.int(6),
        status: c.text(7),
        google_event_id: c.opt_text(8),
        source: c.text(9),
        notes: c.opt_text(10),
    }
}

/// The cells `[start, held_until)` covers: from the cell holding its start
/// to the cell holding its last instant.
pub fn cells(start_at: i64, held_until: i64) -> (i64, i64) {
    let first = start_at.div_euclid(CELL_MS);
    let last = (held_until - 1).div_euclid(CELL_MS).max(first);
    (first, last)
}

/// Takes the cells of `[start_at, held_until)` for an appointment: one
/// statement whatever the length, so it stays under D1's limit on bound
/// parameters. Fails on a cell another appointment holds.
pub fn hold(business_id: &str, appointment_id: &str, start_at: i64, held_until: i64) -> Statement {
    let (first, last) = cells(start_at, held_until);
    Statement::new(
        "WITH RECURSIVE c(n) AS (SELECT ?2 UNION ALL SELECT n + 1 FROM c WHERE n < ?3) \
         INSERT INTO appointment_cells (business_id, cell, appointment_id) \
         SELECT ?1, n, ?4 FROM c",
        vec![
            business_id.into(),
            first.into(),
            last.into(),
            appointment_id.into(),
        ],
    )
}

/// Gives up the cells an appointment holds.
pub fn release(appointment_id: &str) -> Statement {
    Statement::new(
        "DELETE FROM appointment_cells WHERE appointment_id = ?1",
        vec![appointment_id.into()],
    )
}

/// What a new booking is.
#[derive(Debug, Clone)]
pub struct NewAppointment<'a> {
    pub id: &'a str,
    pub business_id: &'a str,
    pub service_id: &'a str,
    pub contact_id: Option<&'a str>,
    pub start_at: i64,
    pub end_at: i64,
    pub held_until: i64,
    pub source: Source,
    pub notes: Option<&'a str>,
    pub now: i64,
}

/// The statements that book: the appointment, then its cells. Run them in
/// one batch (with whatever else must happen with the booking).
pub fn book(a: &NewAppointment<'_>) -> Vec<Statement> {
    vec![
        Statement::new(
            "INSERT INTO appointments (id, business_id, service_id, contact_id, start_at, end_at, \
             held_until, status, source, notes, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'booked', ?8, ?9, ?10, ?10)",
            vec![
                a.id.into(),
                a.business_id.into(),
                a.service_id.into(),
                a.contact_id.into(),
                a.start_at.into(),
                a.end_at.into(),
                a.held_until.into(),
                a.source.as_str().into(),
                a.notes.into(),
                a.now.into(),
            ],
        ),
        hold(a.business_id, a.id, a.start_at, a.held_until),
    ]
}

/// The statements that move a booked appointment to new times: its cells
/// given up and the new ones taken in the same transaction, so a move onto
/// a held time fails and leaves the appointment where it was.
pub fn reschedule(
    a: &Appointment,
    start_at: i64,
    end_at: i64,
    held_until: i64,
    now: i64,
) -> Vec<Statement> {
    vec![
        release(&a.id),
        Statement::new(
            "UPDATE appointments SET start_at = ?2, end_at = ?3, held_until = ?4, updated_at = ?5 \
             WHERE id = ?1",
            vec![
                a.id.as_str().into(),
                start_at.into(),
                end_at.into(),
                held_until.into(),
                now.into(),
            ],
        ),
        hold(&a.business_id, &a.id, start_at, held_until),
    ]
}

/// The statements that end an appointment (`cancelled`, `completed`,
/// `no_show`): its time is free again.
pub fn close(id: &str, status: &str, now: i64) -> Vec<Statement> {
    vec![
        release(id),
        Statement::new(
            "UPDATE appointments SET status = ?2, updated_at = ?3 WHERE id = ?1",
            vec![id.into(), status.into(), now.into()],
        ),
    ]
}

/// Records the Google Calendar event written for an appointment.
pub fn set_event(id: &str, event_id: Option<&str>) -> Statement {
    Statement::new(
        "UPDATE appointments SET google_event_id = ?2 WHERE id = ?1",
        vec![id.into(), event_id.into()],
    )
}

/// Whether an appointment other than `own` holds any cell of
/// `[start_at, held_until)`: why a booking or move onto that time failed.
pub async fn held_by_other<P: Platform>(
    p: &P,
    business_id: &str,
    start_at: i64,
    held_until: i64,
    own: Option<&str>,
) -> Result<bool, ApiError> {
    let (first, last) = cells(start_at, held_until);
    let row = db::one(
        p,
        "SELECT 1 FROM appointment_cells WHERE business_id = ?1 AND cell BETWEEN ?2 AND ?3 \
         AND appointment_id <> ?4 LIMIT 1",
        &[
            business_id.into(),
            first.into(),
            last.into(),
            own.unwrap_or_default().into(),
        ],
    )
    .await?;
    Ok(row.is_some())
}

pub async fn get<P: Platform>(p: &P, id: &str) -> Result<Option<Appointment>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM appointments WHERE id = ?1");
    Ok(db::one(p, &sql, &[id.into()])
        .await?
        .map(|r| from_row(&Cols(&r))))
}

/// The appointment written to Google Calendar as `event_id`.
pub async fn by_event<P: Platform>(
    p: &P,
    business_id: &str,
    event_id: &str,
) -> Result<Option<Appointment>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments WHERE business_id = ?1 AND google_event_id = ?2"
    );
    Ok(db::one(p, &sql, &[business_id.into(), event_id.into()])
        .await?
        .map(|r| from_row(&Cols(&r))))
}

/// Booked appointments of a business that hold time in `[from, to)`.
pub async fn booked_between<P: Platform>(
    p: &P,
    business_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Appointment>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments WHERE business_id = ?1 AND status = 'booked' \
         AND start_at < ?3 AND held_until > ?2 ORDER BY start_at"
    );
    let rows = db::query(p, &sql, &[business_id.into(), from.into(), to.into()]).await?;
    Ok(rows.iter().map(|r| from_row(&Cols(r))).collect())
}

/// A contact's booked appointments from `from` on, soonest first.
pub async fn upcoming_for<P: Platform>(
    p: &P,
    contact_id: &str,
    from: i64,
) -> Result<Vec<Appointment>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments WHERE contact_id = ?1 AND status = 'booked' \
         AND start_at >= ?2 ORDER BY start_at LIMIT 10"
    );
    let rows = db::query(p, &sql, &[contact_id.into(), from.into()]).await?;
    Ok(rows.iter().map(|r| from_row(&Cols(r))).collect())
}

/// Busy times from the business's calendar in `[from, to)`, as (start, end).
pub async fn calendar_busy<P: Platform>(
    p: &P,
    business_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let rows = db::query(
        p,
        "SELECT start_at, end_at FROM calendar_busy WHERE business_id = ?1 \
         AND start_at < ?3 AND end_at > ?2 ORDER BY start_at",
        &[SqlValue::from(business_id), from.into(), to.into()],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            (c.int(0), c.int(1))
        })
        .collect())
}
