//! Pulling the calendar's changes and applying them (the rules are in the
//! module docs of [`super`]).

use super::EXTENDED_PROPERTY;
use super::calendar::{ListFrom, Listed, list_page};
use super::client::{Settings, link, upstream};
use super::times::event_time;
use crate::appointments::{self, Appointment};
use crate::business::Business;
use crate::db::{self, Cols};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::platform::Statement;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// How far back a full list starts: an appointment of earlier today must
/// still be seen, and older events no longer matter.
pub const FULL_SYNC_BACK_MS: i64 = 24 * 3600 * 1000;

/// Most pages one sync reads (250 events each); a calendar with more
/// changes than that is refused rather than read without end.
pub const MAX_PAGES: u32 = 200;

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SyncSummary {
    /// A full list (no sync token, or Google's 410) rather than changes.
    pub full: bool,
    pub pages: u32,
    /// Events read.
    pub events: u32,
    /// Busy times from the owner's events written or updated.
    pub busy: u32,
    /// Busy times removed (event cancelled, or marked free).
    pub freed: u32,
    /// Appointments cancelled because their event was.
    pub cancelled: u32,
    /// Appointments moved to their event's new times, conflicts included.
    pub moved: u32,
    /// Events of ours recognised by their appointment id and linked.
    pub linked: u32,
    /// Moves onto time another appointment holds: recorded, holding none.
    pub conflicts: u32,
    /// Events without readable times, left alone.
    pub skipped: u32,
}

/// Why a list stopped.
enum Stop {
    /// Google's 410: the sync token is no longer valid.
    Gone,
    Failed(ApiError),
}

impl std::convert::From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Failed(e)
    }
}

/// Applies the calendar's changes since the stored sync token, or lists it
/// whole when there is none or Google no longer honours it (410). The new
/// sync token is stored with the last page's changes, so a sync that fails
/// part-way is simply done again from the same token.
pub async fn sync<P: Platform>(p: &P, b: &Business) -> Result<SyncSummary, ApiError> {
    let s = Settings::read(p).await?;
    if let Some(token) = &link(b)?.sync_token {
        match run(p, &s, b, ListFrom::SyncToken(token)).await {
            Ok(summary) => return Ok(summary),
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Gone) => {
                db::execute(
                    p,
                    "UPDATE businesses SET google_sync_token = NULL WHERE id = ?1",
                    &[b.id.as_str().into()],
                )
                .await?;
            }
        }
    }
    let since = p.now_ms() - FULL_SYNC_BACK_MS;
    match run(p, &s, b, ListFrom::Time(since)).await {
        Ok(summary) => Ok(summary),
        Err(Stop::Failed(e)) => Err(e),
        Err(Stop::Gone) => Err(upstream(
            "Google Calendar answered 410 to a full list of events",
        )),
    }
}

async fn run<P: Platform>(
    p: &P,
    s: &Settings,
    b: &Business,
    from: ListFrom<'_>,
) -> Result<SyncSummary, Stop> {
    let full = matches!(from, ListFrom::Time(_));
    let mut summary = SyncSummary {
        full,
        ..SyncSummary::default()
    };
    // On a full list: the owner's busy events seen, so the rows of events
    // no longer there can go.
    let mut kept: Vec<String> = Vec::new();
    let mut page_token: Option<String> = None;
    while summary.pages < MAX_PAGES {
        let page = match list_page(p, s, b, &from, page_token.as_deref()).await? {
            Listed::Gone => return Err(Stop::Gone),
            Listed::Page(page) => page,
        };
        summary.pages += 1;
        let items = page["items"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let plan = plan(p, b, items, page["timeZone"].as_str(), &mut summary).await?;
        kept.extend(plan.kept.iter().cloned());
        let next_sync = page["nextSyncToken"].as_str();
        let mut tail = Vec::new();
        if let Some(token) = next_sync {
            if full {
                tail.push(Statement::new(
                    "DELETE FROM calendar_busy WHERE business_id = ?1 \
                     AND event_id NOT IN (SELECT value FROM json_each(?2))",
                    vec![
                        b.id.as_str().into(),
                        Value::from(std::mem::take(&mut kept)).to_string().into(),
                    ],
                ));
            }
            tail.push(Statement::new(
                "UPDATE businesses SET google_sync_token = ?2 WHERE id = ?1",
                vec![b.id.as_str().into(), token.into()],
            ));
        }
        apply(p, b, plan, tail, &mut summary).await?;
        if next_sync.is_some() {
            return Ok(summary);
        }
        page_token = Some(
            page["nextPageToken"]
                .as_str()
                .ok_or_else(|| upstream("Google's event list ended without a sync token"))?
                .to_string(),
        );
    }
    Err(Stop::Failed(upstream(format!(
        "Google Calendar listed more than {MAX_PAGES} pages of changes"
    ))))
}

/// An appointment to move to its event's times.
struct Move {
    appointment: Appointment,
    start_at: i64,
    end_at: i64,
    held_until: i64,
}

/// One page's changes: everything but the moves, which may conflict.
struct Plan {
    base: Vec<Statement>,
    moves: Vec<Move>,
    /// The owner's busy events written.
    kept: Vec<String>,
}

fn private_appointment(item: &Value) -> Option<&str> {
    item["extendedProperties"]["private"][EXTENDED_PROPERTY].as_str()
}

/// The page's appointments: by event id, and by id for events that name
/// one in their private properties. One query for the whole page.
async fn appointments_of<P: Platform>(
    p: &P,
    b: &Business,
    items: &[Value],
) -> Result<Vec<Appointment>, ApiError> {
    let events: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    let ours: Vec<&str> = items.iter().filter_map(private_appointment).collect();
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {} FROM appointments WHERE business_id = ?1 AND \
         (google_event_id IN (SELECT value FROM json_each(?2)) \
          OR id IN (SELECT value FROM json_each(?3)))",
        appointments::COLUMNS
    );
    let rows = db::query(
        p,
        &sql,
        &[
            b.id.as_str().into(),
            Value::from(events).to_string().into(),
            Value::from(ours).to_string().into(),
        ],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| appointments::from_row(&Cols(r)))
        .collect())
}

fn delete_busy(business_id: &str, event_id: &str) -> Statement {
    Statement::new(
        "DELETE FROM calendar_busy WHERE business_id = ?1 AND event_id = ?2",
        vec![business_id.into(), event_id.into()],
    )
}

async fn plan<P: Platform>(
    p: &P,
    b: &Business,
    items: &[Value],
    calendar_zone: Option<&str>,
    summary: &mut SyncSummary,
) -> Result<Plan, ApiError> {
    let now = p.now_ms();
    let found = appointments_of(p, b, items).await?;
    let by_event: HashMap<&str, &Appointment> = found
        .iter()
        .filter_map(|a| a.google_event_id.as_deref().map(|e| (e, a)))
        .collect();
    let unlinked: HashMap<&str, &Appointment> = found
        .iter()
        .filter(|a| a.google_event_id.is_none())
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mut linked_now: HashSet<&str> = HashSet::new();
    let mut plan = Plan {
        base: Vec::new(),
        moves: Vec::new(),
        kept: Vec::new(),
    };
    for item in items {
        summary.events += 1;
        let Some(id) = item["id"].as_str() else {
            summary.skipped += 1;
            continue;
        };
        let cancelled = item["status"].as_str() == Some("cancelled");
        let times = || {
            let start = event_time(&item["start"], calendar_zone, &b.zone)?;
            let end = event_time(&item["end"], calendar_zone, &b.zone)?;
            (end > start).then_some((start, end))
        };
        // Ours: written for an appointment, or recognised by the
        // appointment id it carries (written before the id was stored).
        let mut ours = by_event.get(id).copied();
        if ours.is_none()
            && let Some(a) = private_appointment(item).and_then(|x| unlinked.get(x).copied())
            && linked_now.insert(a.id.as_str())
        {
            plan.base.push(appointments::set_event(&a.id, Some(id)));
            summary.linked += 1;
            ours = Some(a);
        }
        if let Some(a) = ours {
            plan.base.push(delete_busy(&b.id, id));
            if a.status != "booked" {
                continue;
            }
            if cancelled {
                plan.base
                    .extend(appointments::close(&a.id, "cancelled", now));
                summary.cancelled += 1;
                continue;
            }
            match times() {
                None => summary.skipped += 1,
                Some((start_at, end_at)) if (start_at, end_at) != (a.start_at, a.end_at) => {
                    plan.moves.push(Move {
                        appointment: a.clone(),
                        start_at,
                        end_at,
                        // The service's buffer stays after it.
                        held_until: end_at + (a.held_until - a.end_at).max(0),
                    });
                }
                Some(_) => {}
            }
            continue;
        }
        if cancelled || item["transparency"].as_str() == Some("transparent") {
            plan.base.push(delete_busy(&b.id, id));
            summary.freed += 1;
            continue;
        }
        let Some((start_at, end_at)) = times() else {
            summary.skipped += 1;
            continue;
        };
        plan.base.push(Statement::new(
            "INSERT INTO calendar_busy (business_id, event_id, start_at, end_at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (business_id, event_id) \
             DO UPDATE SET start_at = excluded.start_at, end_at = excluded.end_at",
            vec![
                b.id.as_str().into(),
                id.into(),
                start_at.into(),
                end_at.into(),
            ],
        ));
        plan.kept.push(id.to_string());
        summary.busy += 1;
    }
    Ok(plan)
}

async fn batch<P: Platform>(p: &P, statements: &[Statement]) -> Result<(), ApiError> {
    if !statements.is_empty() {
        db::batch(p, statements).await?;
    }
    Ok(())
}

/// The statements that move every appointment of `moves` at once: all
/// their cells given up first, so appointments that swap times do not
/// collide with each other.
fn move_together(moves: &[Move], now: i64) -> Vec<Statement> {
    let mut out: Vec<Statement> = moves
        .iter()
        .map(|m| appointments::release(&m.appointment.id))
        .collect();
    out.extend(moves.iter().flat_map(|m| reschedule(m, now)));
    out
}

fn reschedule(m: &Move, now: i64) -> Vec<Statement> {
    appointments::reschedule(&m.appointment, m.start_at, m.end_at, m.held_until, now)
}

/// A page in one transaction when it can be. When a move collides with
/// held time: everything else first, then the moves, one by one while any
/// succeeds (one may free another's time); when none does, the first is
/// recorded where the calendar has it, holding nothing, and the rest are
/// tried again.
async fn apply<P: Platform>(
    p: &P,
    b: &Business,
    plan: Plan,
    tail: Vec<Statement>,
    summary: &mut SyncSummary,
) -> Result<(), ApiError> {
    let now = p.now_ms();
    let mut all = plan.base.clone();
    all.extend(move_together(&plan.moves, now));
    all.extend(tail.iter().cloned());
    if plan.moves.is_empty() {
        return batch(p, &all).await;
    }
    if batch(p, &all).await.is_ok() {
        summary.moved += plan.moves.len() as u32;
        return Ok(());
    }
    batch(p, &plan.base).await?;
    let mut pending = plan.moves;
    while !pending.is_empty() {
        if pending.len() > 1 && batch(p, &move_together(&pending, now)).await.is_ok() {
            summary.moved += pending.len() as u32;
            break;
        }
        let before = pending.len();
        let mut failed = Vec::new();
        for m in pending {
            match batch(p, &reschedule(&m, now)).await {
                Ok(()) => summary.moved += 1,
                Err(e) => failed.push((m, e)),
            }
        }
        if failed.len() < before {
            pending = failed.into_iter().map(|(m, _)| m).collect();
            continue;
        }
        let mut rest = failed.into_iter();
        if let Some((m, e)) = rest.next() {
            if !appointments::held_by_other(
                p,
                &b.id,
                m.start_at,
                m.held_until,
                Some(&m.appointment.id),
            )
            .await?
            {
                // Not a collision: the store itself failed.
                return Err(e);
            }
            batch(p, &move_unheld(&m, now)).await?;
            summary.moved += 1;
            summary.conflicts += 1;
        }
        pending = rest.map(|(m, _)| m).collect();
    }
    batch(p, &tail).await
}

/// The owner moved an appointment onto held time: the calendar is the
/// truth, so the appointment goes there, holding no cells.
fn move_unheld(m: &Move, now: i64) -> Vec<Statement> {
    vec![
        appointments::release(&m.appointment.id),
        Statement::new(
            "UPDATE appointments SET start_at = ?2, end_at = ?3, held_until = ?4, updated_at = ?5 \
             WHERE id = ?1",
            vec![
                m.appointment.id.as_str().into(),
                m.start_at.into(),
                m.end_at.into(),
                m.held_until.into(),
                now.into(),
            ],
        ),
    ]
}

/// Moves or cancels one appointment as its event now is, by the same
/// rules as a sync (the legacy relay's path). Answers what was done:
/// `cancelled`, `moved`, `conflict` (moved, holding nothing) or
/// `unchanged`.
pub async fn apply_one<P: Platform>(
    p: &P,
    b: &Business,
    a: &Appointment,
    change: Option<(i64, i64)>,
) -> Result<&'static str, ApiError> {
    let now = p.now_ms();
    if a.status != "booked" {
        return Ok("unchanged");
    }
    let Some((start_at, end_at)) = change else {
        batch(p, &appointments::close(&a.id, "cancelled", now)).await?;
        return Ok("cancelled");
    };
    if (start_at, end_at) == (a.start_at, a.end_at) {
        return Ok("unchanged");
    }
    let m = Move {
        appointment: a.clone(),
        start_at,
        end_at,
        held_until: end_at + (a.held_until - a.end_at).max(0),
    };
    let moved = appointments::reschedule(a, start_at, end_at, m.held_until, now);
    match batch(p, &moved).await {
        Ok(()) => Ok("moved"),
        Err(e) => {
            if !appointments::held_by_other(
                p,
                &b.id,
                m.start_at,
                m.held_until,
                Some(&m.appointment.id),
            )
            .await?
            {
                return Err(e);
            }
            batch(p, &move_unheld(&m, now)).await?;
            Ok("conflict")
        }
    }
}
