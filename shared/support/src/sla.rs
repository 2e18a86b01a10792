//! SLA policies, the business-hours calendar, each ticket's clocks as the
//! API shows them, pausing, and the sweep that records crossed deadlines.

use crate::access::{self, Principal};
use crate::clocks::{self, Meter, StoredHours, Tracking, Which};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{
    BusinessHours, ClockView, Interval, PRIORITIES, SlaEvent, SlaPolicy, SlaView, SweepAnswer, Week,
};
use crate::roles::Action;
use crate::wire::to_json;
use crate::wire::{iso, opt_iso};
use edgedesk_core::calendar::{Calendar, Span};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::zone::Zone;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, Row, SqlValue};
use serde_json::Value;

const POLICY_COLUMNS: &str = "id, priority, first_response_target_seconds, resolution_target_seconds, \
     warning_threshold_percent, business_hours_only";

fn policy_from(row: &Row) -> SlaPolicy {
    let c = Cols(row);
    SlaPolicy {
        id: c.int(0),
        priority: c.text(1),
        first_response_target_seconds: c.int(2),
        resolution_target_seconds: c.int(3),
        warning_threshold_percent: c.int(4),
        business_hours_only: c.flag(5),
    }
}

pub async fn policy<P: Platform>(p: &P, priority: &str) -> Result<SlaPolicy, ApiError> {
    let sql = format!("SELECT {POLICY_COLUMNS} FROM sla_policies WHERE priority = ?1");
    db::one(p, &sql, &[priority.into()])
        .await?
        .map(|r| policy_from(&r))
        .ok_or_else(|| ApiError::failure(format!("no SLA policy for priority {priority}")))
}

/// `GET /api/sla/policies`.
pub async fn policies<P: Platform>(p: &P) -> Result<Value, ApiError> {
    let sql = format!("SELECT {POLICY_COLUMNS} FROM sla_policies ORDER BY id");
    let list: Vec<SlaPolicy> = db::query(p, &sql, &[])
        .await?
        .iter()
        .map(policy_from)
        .collect();
    Ok(serde_json::json!({"policies": list}))
}

/// `PATCH /api/sla/policies/{priority}`: open tickets of that priority get
/// the new targets at once.
pub async fn update_policy<P: Platform>(
    p: &P,
    who: &Principal,
    priority: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    who.reach(Action::ConfigureSla, "change SLA policies")?;
    if !PRIORITIES.contains(&priority) {
        return Err(ApiError::missing(format!(
            "no SLA policy for {priority}; priorities are {}",
            PRIORITIES.join(", ")
        )));
    }
    let input = Input::body(
        req,
        &[
            "first_response_target_seconds",
            "resolution_target_seconds",
            "warning_threshold_percent",
            "business_hours_only",
        ],
    )?;
    const YEAR: i64 = 366 * 24 * 3600;
    let first = input.int("first_response_target_seconds", 60, YEAR)?;
    let resolution = input.int("resolution_target_seconds", 60, YEAR)?;
    let warning = input.int("warning_threshold_percent", 1, 100)?;
    let hours = input.boolean("business_hours_only")?;
    db::execute(
        p,
        "UPDATE sla_policies SET first_response_target_seconds = COALESCE(?2, first_response_target_seconds), \
         resolution_target_seconds = COALESCE(?3, resolution_target_seconds), \
         warning_threshold_percent = COALESCE(?4, warning_threshold_percent), \
         business_hours_only = COALESCE(?5, business_hours_only) WHERE priority = ?1",
        &[priority.into(), first.into(), resolution.into(), warning.into(), hours.into()],
    )
    .await?;
    let updated = policy(p, priority).await?;
    recompute(p, Some(&updated), Some(priority)).await?;
    Ok(to_json(&updated))
}

/// Rewrites the deadlines of every unfinished ticket (of one priority, when
/// given), after its policy or the calendar changed.
async fn recompute<P: Platform>(
    p: &P,
    policy: Option<&SlaPolicy>,
    priority: Option<&str>,
) -> Result<(), ApiError> {
    // A policy change moves its priority's tickets; a calendar change only
    // the tickets whose clocks count business hours.
    let sql = format!(
        "SELECT {} FROM sla_tracking s JOIN tickets t ON t.id = s.ticket_id \
         WHERE t.status NOT IN ('resolved', 'closed') \
         AND (t.priority = ?1 OR (?1 IS NULL AND s.business_hours = 1))",
        clocks::columns_as("s")
    );
    let mut tracked: Vec<Tracking> = db::query(p, &sql, &[priority.into()])
        .await?
        .iter()
        .map(Tracking::from_row)
        .collect();
    if let Some(policy) = policy {
        tracked.iter_mut().for_each(|t| t.retarget(policy));
    }
    let hours = if tracked.iter().any(|t| t.business_hours) {
        Meter::Hours(Box::new(clocks::load_hours(p).await?.calendar()?))
    } else {
        Meter::Wall
    };
    let now = p.now_ms();
    let statements: Vec<_> = tracked
        .iter()
        .map(|t| {
            t.save(
                if t.business_hours {
                    &hours
                } else {
                    &Meter::Wall
                },
                now,
            )
        })
        .collect();
    // D1 takes a bounded batch; each chunk is a transaction of its own.
    for chunk in statements.chunks(50) {
        db::batch(p, chunk).await?;
    }
    Ok(())
}

fn clock_view(t: &Tracking, which: Which, m: &Meter, now: i64) -> Option<ClockView> {
    let clock = t.clock(which)?;
    let (due, warn) = t.due(which, m, now);
    let secs = now.div_euclid(1000);
    let counted = clock.counted(m, secs);
    Some(ClockView {
        status: clock.status(m, secs).as_str().to_string(),
        started_at: iso(clock.started_at * 1000),
        target_seconds: clock.target_secs,
        due_at: opt_iso(due),
        warning_at: opt_iso(warn),
        satisfied_at: opt_iso(clock.satisfied_at.map(|s| s * 1000)),
        elapsed_seconds: counted,
        remaining_seconds: clock.target_secs - counted,
    })
}

/// A ticket's SLA as of now; `None` for a ticket without tracking.
pub async fn view<P: Platform>(p: &P, ticket_id: &str) -> Result<Option<SlaView>, ApiError> {
    let Some(t) = clocks::load(p, ticket_id).await? else {
        return Ok(None);
    };
    let priority = db::one(
        p,
        "SELECT priority FROM tickets WHERE id = ?1",
        &[ticket_id.into()],
    )
    .await?
    .map(|r| Cols(&r).text(0))
    .unwrap_or_default();
    let mut policy = policy(p, &priority).await?;
    // The clocks run on the targets they were given.
    policy.first_response_target_seconds = t.first_response_target;
    policy.resolution_target_seconds = t.resolution_target;
    policy.warning_threshold_percent = i64::from(t.warning_percent);
    policy.business_hours_only = t.business_hours;
    let meter = clocks::meter(p, t.business_hours).await?;
    let now = p.now_ms();
    let first = clock_view(&t, Which::FirstResponse, &meter, now)
        .ok_or_else(|| ApiError::failure("the first response clock is missing"))?;
    let resolution = clock_view(&t, Which::Resolution, &meter, now)
        .ok_or_else(|| ApiError::failure("the resolution clock is missing"))?;
    let events = db::query(
        p,
        "SELECT clock, kind, at, recorded_at FROM sla_events WHERE ticket_id = ?1 ORDER BY at, clock, kind",
        &[ticket_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        let c = Cols(r);
        SlaEvent {
            clock: c.text(0),
            kind: c.text(1),
            at: iso(c.int(2)),
            recorded_at: iso(c.int(3)),
        }
    })
    .collect();
    Ok(Some(SlaView {
        ticket_id: t.ticket_id.clone(),
        policy,
        first_response_status: first.status.clone(),
        resolution_status: resolution.status.clone(),
        first_response_due_at: first.due_at.clone(),
        resolution_due_at: resolution.due_at.clone(),
        first_response_at: opt_iso(t.first_response_at),
        resolved_at: opt_iso(t.resolved_at),
        is_paused: t.is_paused,
        paused_at: opt_iso(t.paused_at),
        total_paused_seconds: t.paused_seconds(now),
        created_at: iso(t.created_at),
        next_response: clock_view(&t, Which::NextResponse, &meter, now),
        first_response: first,
        resolution,
        events,
    }))
}

/// `GET /api/tickets/{id}/sla`.
pub async fn get<P: Platform>(p: &P, who: &Principal, ticket_id: &str) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let view = view(p, ticket_id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("ticket {ticket_id} has no SLA record")))?;
    Ok(to_json(&view))
}

/// `POST /api/tickets/{id}/sla/pause` and `/resume`.
pub async fn set_paused<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    paused: bool,
) -> Result<Value, ApiError> {
    let what = if paused { "pause SLAs" } else { "resume SLAs" };
    access::ticket(p, who, Action::UpdateTicket, what, ticket_id).await?;
    let mut t = clocks::load(p, ticket_id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("ticket {ticket_id} has no SLA record")))?;
    if t.is_paused == paused {
        return Err(ApiError::conflict(if paused {
            "the SLA is already paused"
        } else {
            "the SLA is not paused"
        }));
    }
    let meter = clocks::meter(p, t.business_hours).await?;
    let now = p.now_ms();
    if paused {
        t.pause(now);
    } else {
        t.resume(&meter, now);
    }
    db::batch(p, &[t.save(&meter, now)]).await?;
    get(p, who, ticket_id).await
}

/// The scheduled sweep: records at_risk and breached for every running
/// clock that crossed a threshold since the last sweep, once each.
pub async fn sweep<P: Platform>(p: &P) -> Result<SweepAnswer, ApiError> {
    let now = p.now_ms();
    let sql = format!(
        "SELECT {} FROM sla_tracking WHERE is_paused = 0 AND ( \
         (first_response_at IS NULL AND first_response_status <> 'breached' AND first_response_warn_at <= ?1) \
         OR (next_response_started_at IS NOT NULL AND next_response_at IS NULL \
             AND next_response_status <> 'breached' AND next_response_warn_at <= ?1) \
         OR (resolved_at IS NULL AND resolution_status <> 'breached' AND resolution_warn_at <= ?1)) \
         LIMIT 1000",
        clocks::COLUMNS
    );
    let rows = db::query(p, &sql, &[now.into()]).await?;
    let mut recorded = 0;
    let hours = if rows.iter().any(|r| Cols(r).flag(1)) {
        Some(Meter::Hours(Box::new(
            clocks::load_hours(p).await?.calendar()?,
        )))
    } else {
        None
    };
    let mut statements = Vec::new();
    for row in &rows {
        let t = Tracking::from_row(row);
        let meter = match (&hours, t.business_hours) {
            (Some(h), true) => h,
            _ => &Meter::Wall,
        };
        statements.extend(t.crossed_events(meter, now));
        statements.push(t.save(meter, now));
    }
    for chunk in statements.chunks(90) {
        let changed = db::batch(p, chunk).await?;
        recorded += chunk
            .iter()
            .zip(changed)
            .filter(|(s, _)| s.sql.starts_with("INSERT INTO sla_events"))
            .map(|(_, n)| n as i64)
            .sum::<i64>();
    }
    Ok(SweepAnswer {
        examined: rows.len() as i64,
        recorded,
    })
}

/// `GET /api/sla/business-hours`.
pub async fn business_hours<P: Platform>(p: &P) -> Result<Value, ApiError> {
    let stored = clocks::load_hours(p).await?;
    Ok(to_json(&hours_view(&stored)))
}

fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

fn hours_view(stored: &StoredHours) -> BusinessHours {
    let day = |i: usize| -> Vec<Interval> {
        stored.week[i]
            .iter()
            .map(|s| Interval {
                start: hhmm(s.start),
                end: hhmm(s.end),
            })
            .collect()
    };
    BusinessHours {
        time_zone: stored.time_zone.clone(),
        week: Week {
            monday: day(0),
            tuesday: day(1),
            wednesday: day(2),
            thursday: day(3),
            friday: day(4),
            saturday: day(5),
            sunday: day(6),
        },
        holidays: stored.holidays.clone(),
    }
}

fn parse_hhmm(field: &str, s: &str) -> Result<u32, ApiError> {
    let bad =
        || ApiError::unprocessable(format!("{field} must be a time HH:MM from 00:00 to 24:00"));
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60)
}

/// `PUT /api/sla/business-hours`: the whole calendar at once; open
/// tickets on business-hours policies get new deadlines.
pub async fn set_business_hours<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    who.reach(Action::ConfigureSla, "change business hours")?;
    let input = Input::body(req, &["time_zone", "week", "holidays"])?;
    let time_zone = input.required_text("time_zone", 200)?;
    let zone = Zone::parse(&time_zone)
        .map_err(|e| ApiError::unprocessable(format!("time_zone {}", e.describe())))?;
    let week: Week = serde_json::from_value(
        input
            .value("week")
            .cloned()
            .ok_or_else(|| ApiError::unprocessable("week is required"))?,
    )
    .map_err(|e| ApiError::unprocessable(format!("week: {e}")))?;
    let holidays = input.text_list("holidays", 400, 10)?.unwrap_or_default();
    let mut days = Vec::new();
    for (i, h) in holidays.iter().enumerate() {
        let day = crate::wire::parse_day(h).ok_or_else(|| {
            ApiError::unprocessable(format!("holidays[{i}] must be a date YYYY-MM-DD"))
        })?;
        days.push(day);
    }
    let names = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lists = [
        &week.monday,
        &week.tuesday,
        &week.wednesday,
        &week.thursday,
        &week.friday,
        &week.saturday,
        &week.sunday,
    ];
    let mut spans: [Vec<Span>; 7] = Default::default();
    for ((day, list), name) in spans.iter_mut().zip(lists).zip(names) {
        for (j, interval) in list.iter().enumerate() {
            day.push(Span {
                start: parse_hhmm(&format!("week.{name}[{j}].start"), &interval.start)?,
                end: parse_hhmm(&format!("week.{name}[{j}].end"), &interval.end)?,
            });
        }
        day.sort_by_key(|s| s.start);
    }
    let calendar: Calendar = Calendar::new(zone, spans.clone(), days)
        .map_err(|e| ApiError::unprocessable(format!("week: {}", e.describe())))?;
    if calendar.next_open(p.now_ms().div_euclid(1000)).is_none() {
        return Err(ApiError::unprocessable(
            "week must open at least once (holidays aside)",
        ));
    }
    let stored: Vec<Vec<[u32; 2]>> = spans
        .iter()
        .map(|d| d.iter().map(|s| [s.start, s.end]).collect())
        .collect();
    let mut holidays = holidays;
    holidays.sort();
    holidays.dedup();
    db::execute(
        p,
        "UPDATE business_hours SET time_zone = ?1, week = ?2, holidays = ?3, updated_at = ?4 WHERE id = 1",
        &[
            time_zone.as_str().into(),
            serde_json::to_string(&stored).unwrap_or_default().into(),
            serde_json::to_string(&holidays).unwrap_or_default().into(),
            SqlValue::from(p.now_ms()),
        ],
    )
    .await?;
    recompute(p, None, None).await?;
    business_hours(p).await
}
