//! A ticket's SLA clocks as stored (`sla_tracking`) and as the core's
//! [`Clock`]s: first response, next response and resolution. The row keeps
//! each clock's start, target, paused seconds and satisfaction; deadlines
//! and statuses are derived from those, at write time for the indexes and
//! at read time for the answers.

use crate::db::{self, Cols};
use edgedesk_core::calendar::{Calendar, Span};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::sla::{Clock, Measure, Status, Wall};
use edgedesk_core::zone::Zone;
use edgedesk_kernel::platform::{Platform, Row, SqlValue, Statement};

/// How a policy's clocks count: every second, or open business hours.
pub enum Meter {
    Wall,
    Hours(Box<Calendar>),
}

impl Measure for Meter {
    fn elapsed(&self, from: i64, to: i64) -> i64 {
        match self {
            Meter::Wall => Wall.elapsed(from, to),
            Meter::Hours(c) => c.elapsed(from, to),
        }
    }

    fn advance(&self, from: i64, secs: i64) -> Option<i64> {
        match self {
            Meter::Wall => Wall.advance(from, secs),
            Meter::Hours(c) => c.advance(from, secs),
        }
    }
}

/// The team's calendar as stored: a zone and, per weekday (Monday first),
/// `[start, end]` seconds after local midnight; holidays as dates.
pub struct StoredHours {
    pub time_zone: String,
    pub week: [Vec<Span>; 7],
    pub holidays: Vec<String>,
}

pub async fn load_hours<P: Platform>(p: &P) -> Result<StoredHours, ApiError> {
    let row = db::one(
        p,
        "SELECT time_zone, week, holidays FROM business_hours WHERE id = 1",
        &[],
    )
    .await?
    .ok_or_else(|| ApiError::failure("the business hours are missing"))?;
    let c = Cols(&row);
    let spans: Vec<Vec<[u32; 2]>> = serde_json::from_str(&c.text(1))
        .map_err(|_| ApiError::failure("the stored business hours are unreadable"))?;
    let holidays: Vec<String> = serde_json::from_str(&c.text(2))
        .map_err(|_| ApiError::failure("the stored holidays are unreadable"))?;
    let mut week: [Vec<Span>; 7] = Default::default();
    for (day, list) in week.iter_mut().zip(spans) {
        *day = list
            .into_iter()
            .map(|[start, end]| Span { start, end })
            .collect();
    }
    Ok(StoredHours {
        time_zone: c.text(0),
        week,
        holidays,
    })
}

impl StoredHours {
    pub fn calendar(&self) -> Result<Calendar, ApiError> {
        let zone = Zone::parse(&self.time_zone)
            .map_err(|e| ApiError::failure(format!("stored time zone {}", e.describe())))?;
        let holidays = self
            .holidays
            .iter()
            .filter_map(|d| crate::wire::parse_day(d))
            .collect();
        Calendar::new(zone, self.week.clone(), holidays)
            .map_err(|e| ApiError::failure(format!("stored business hours: {}", e.describe())))
    }
}

/// The meter of a policy: the calendar is read only when the policy
/// counts business hours.
pub async fn meter<P: Platform>(p: &P, business_hours: bool) -> Result<Meter, ApiError> {
    if business_hours {
        Ok(Meter::Hours(Box::new(load_hours(p).await?.calendar()?)))
    } else {
        Ok(Meter::Wall)
    }
}

/// The three clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Which {
    pub fn as_str(self) -> &'static str {
        match self {
            Which::FirstResponse => "first_response",
            Which::NextResponse => "next_response",
            Which::Resolution => "resolution",
        }
    }
}

/// One `sla_tracking` row. Times in milliseconds, clock amounts in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracking {
    pub ticket_id: String,
    pub business_hours: bool,
    pub warning_percent: u8,
    pub first_response_target: i64,
    pub first_response_paused: i64,
    pub first_response_at: Option<i64>,
    pub next_response_started_at: Option<i64>,
    pub next_response_paused: i64,
    pub next_response_at: Option<i64>,
    pub resolution_target: i64,
    pub resolution_paused: i64,
    pub resolved_at: Option<i64>,
    pub is_paused: bool,
    pub paused_at: Option<i64>,
    pub total_paused_seconds: i64,
    pub created_at: i64,
}

/// The columns [`Tracking::from_row`] reads, in order.
pub const COLUMNS: &str = "ticket_id, business_hours, warning_percent, first_response_target, \
     first_response_paused, first_response_at, next_response_started_at, next_response_paused, \
     next_response_at, resolution_target, resolution_paused, resolved_at, is_paused, paused_at, \
     total_paused_seconds, created_at";

/// [`COLUMNS`] of the table under `alias` (`s.ticket_id, s.business_hours, ...`).
pub fn columns_as(alias: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn secs(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

impl Tracking {
    /// A new ticket's clocks, from its priority's policy.
    pub fn new(ticket_id: &str, policy: &crate::model::SlaPolicy, now: i64) -> Tracking {
        Tracking {
            ticket_id: ticket_id.to_string(),
            business_hours: policy.business_hours_only,
            warning_percent: policy.warning_threshold_percent.clamp(1, 100) as u8,
            first_response_target: policy.first_response_target_seconds,
            first_response_paused: 0,
            first_response_at: None,
            next_response_started_at: None,
            next_response_paused: 0,
            next_response_at: None,
            resolution_target: policy.resolution_target_seconds,
            resolution_paused: 0,
            resolved_at: None,
            is_paused: false,
            paused_at: None,
            total_paused_seconds: 0,
            created_at: now,
        }
    }

    pub fn from_row(row: &Row) -> Tracking {
        let c = Cols(row);
        Tracking {
            ticket_id: c.text(0),
            business_hours: c.flag(1),
            warning_percent: c.int(2).clamp(1, 100) as u8,
            first_response_target: c.int(3),
            first_response_paused: c.int(4),
            first_response_at: c.opt_int(5),
            next_response_started_at: c.opt_int(6),
            next_response_paused: c.int(7),
            next_response_at: c.opt_int(8),
            resolution_target: c.int(9),
            resolution_paused: c.int(10),
            resolved_at: c.opt_int(11),
            is_paused: c.flag(12),
            paused_at: c.opt_int(13),
            total_paused_seconds: c.int(14),
            created_at: c.int(15),
        }
    }

    fn paused_since(&self, started: i64, satisfied: Option<i64>) -> Option<i64> {
        match (self.is_paused, self.paused_at, satisfied) {
            (true, Some(at), None) => Some(secs(at.max(started))),
            _ => None,
        }
    }

    /// A clock as the core sees it; the next-response clock only while a
    /// customer message awaits (or awaited) its reply.
    pub fn clock(&self, which: Which) -> Option<Clock> {
        let (started, target, paused, satisfied) = match which {
            Which::FirstResponse => (
                self.created_at,
                self.first_response_target,
                self.first_response_paused,
                self.first_response_at,
            ),
            Which::NextResponse => (
                self.next_response_started_at?,
                self.first_response_target,
                self.next_response_paused,
                self.next_response_at,
            ),
            Which::Resolution => (
                self.created_at,
                self.resolution_target,
                self.resolution_paused,
                self.resolved_at,
            ),
        };
        Some(Clock {
            started_at: secs(started),
            target_secs: target,
            warning_percent: self.warning_percent,
            paused_secs: paused,
            paused_since: self.paused_since(started, satisfied),
            satisfied_at: satisfied.map(secs),
        })
    }

    /// Pauses every running clock (status pending, or by hand).
    pub fn pause(&mut self, now: i64) {
        if !self.is_paused {
            self.is_paused = true;
            self.paused_at = Some(now);
        }
    }

    /// Ends the pause: each running clock adds the paused time its meter
    /// counts (open hours only, on a business-hours policy).
    pub fn resume(&mut self, m: &Meter, now: i64) {
        let Some(at) = self.paused_at.filter(|_| self.is_paused) else {
            return;
        };
        for which in [Which::FirstResponse, Which::NextResponse, Which::Resolution] {
            if let Some(clock) = self.clock(which).filter(|c| c.satisfied_at.is_none()) {
                let resumed = clock.resume(m, secs(now));
                *self.paused_mut(which) = resumed.paused_secs;
            }
        }
        self.total_paused_seconds += (now - at).max(0) / 1000;
        self.is_paused = false;
        self.paused_at = None;
    }

    fn paused_mut(&mut self, which: Which) -> &mut i64 {
        match which {
            Which::FirstResponse => &mut self.first_response_paused,
            Which::NextResponse => &mut self.next_response_paused,
            Which::Resolution => &mut self.resolution_paused,
        }
    }

    /// Wall seconds paused, the open pause included.
    pub fn paused_seconds(&self, now: i64) -> i64 {
        self.total_paused_seconds
            + match (self.is_paused, self.paused_at) {
                (true, Some(at)) => (now - at).max(0) / 1000,
                _ => 0,
            }
    }

    /// An agent replied: the first response (or the awaited next response)
    /// is satisfied. Returns the clock it satisfied.
    pub fn agent_replied(&mut self, now: i64) -> Option<Which> {
        if self.first_response_at.is_none() {
            self.first_response_at = Some(now);
            return Some(Which::FirstResponse);
        }
        if self.next_response_started_at.is_some() && self.next_response_at.is_none() {
            self.next_response_at = Some(now);
            return Some(Which::NextResponse);
        }
        None
    }

    /// A customer wrote after an agent's reply: a new response target
    /// starts, unless one is already running.
    pub fn customer_wrote(&mut self, now: i64) -> bool {
        let awaiting = self.next_response_started_at.is_some() && self.next_response_at.is_none();
        if self.first_response_at.is_none() || awaiting || self.resolved_at.is_some() {
            return false;
        }
        self.next_response_started_at = Some(now);
        self.next_response_paused = 0;
        self.next_response_at = None;
        true
    }

    /// Resolved or closed: the resolution clock stops, and so do response
    /// clocks still running (a resolution answers the customer).
    pub fn resolve(&mut self, m: &Meter, now: i64) -> Vec<Which> {
        self.resume(m, now);
        let mut satisfied = Vec::new();
        if self.resolved_at.is_none() {
            self.resolved_at = Some(now);
            satisfied.push(Which::Resolution);
        }
        while let Some(which) = self.agent_replied(now) {
            satisfied.push(which);
        }
        satisfied
    }

    /// Reopened: the resolution clock runs again, not counting the time the
    /// ticket spent resolved.
    pub fn reopen(&mut self, m: &Meter, now: i64) {
        if let Some(at) = self.resolved_at.take() {
            self.resolution_paused += m.elapsed(secs(at), secs(now));
        }
    }

    /// New targets (the ticket's priority or its policy changed); running
    /// clocks keep their start and pauses.
    pub fn retarget(&mut self, policy: &crate::model::SlaPolicy) {
        self.first_response_target = policy.first_response_target_seconds;
        self.resolution_target = policy.resolution_target_seconds;
        self.warning_percent = policy.warning_threshold_percent.clamp(1, 100) as u8;
        self.business_hours = policy.business_hours_only;
    }

    pub fn status(&self, which: Which, m: &Meter, now: i64) -> Option<Status> {
        self.clock(which).map(|c| c.status(m, secs(now)))
    }

    /// Deadline and warning time in milliseconds, as of `now`.
    pub fn due(&self, which: Which, m: &Meter, now: i64) -> (Option<i64>, Option<i64>) {
        match self.clock(which) {
            Some(c) => (
                c.deadline(m, secs(now)).map(|s| s * 1000),
                c.warning_at(m, secs(now)).map(|s| s * 1000),
            ),
            None => (None, None),
        }
    }

    /// The statement that writes the row whole, with its deadlines and
    /// statuses as of `now`.
    pub fn save(&self, m: &Meter, now: i64) -> Statement {
        let status = |w| {
            self.status(w, m, now)
                .map(|s: Status| s.as_str().to_string())
        };
        let (fr_due, fr_warn) = self.due(Which::FirstResponse, m, now);
        let (nr_due, nr_warn) = self.due(Which::NextResponse, m, now);
        let (res_due, res_warn) = self.due(Which::Resolution, m, now);
        Statement::new(
            "INSERT INTO sla_tracking (ticket_id, business_hours, warning_percent, \
             first_response_status, first_response_target, first_response_paused, \
             first_response_due_at, first_response_warn_at, first_response_at, \
             next_response_status, next_response_started_at, next_response_paused, \
             next_response_due_at, next_response_warn_at, next_response_at, \
             resolution_status, resolution_target, resolution_paused, resolution_due_at, \
             resolution_warn_at, resolved_at, is_paused, paused_at, total_paused_seconds, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
             ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) \
             ON CONFLICT (ticket_id) DO UPDATE SET business_hours = ?2, warning_percent = ?3, \
             first_response_status = ?4, first_response_target = ?5, first_response_paused = ?6, \
             first_response_due_at = ?7, first_response_warn_at = ?8, first_response_at = ?9, \
             next_response_status = ?10, next_response_started_at = ?11, next_response_paused = ?12, \
             next_response_due_at = ?13, next_response_warn_at = ?14, next_response_at = ?15, \
             resolution_status = ?16, resolution_target = ?17, resolution_paused = ?18, \
             resolution_due_at = ?19, resolution_warn_at = ?20, resolved_at = ?21, is_paused = ?22, \
             paused_at = ?23, total_paused_seconds = ?24",
            vec![
                self.ticket_id.as_str().into(),
                self.business_hours.into(),
                i64::from(self.warning_percent).into(),
                status(Which::FirstResponse).into(),
                self.first_response_target.into(),
                self.first_response_paused.into(),
                fr_due.into(),
                fr_warn.into(),
                self.first_response_at.into(),
                status(Which::NextResponse).into(),
                self.next_response_started_at.into(),
                self.next_response_paused.into(),
                nr_due.into(),
                nr_warn.into(),
                self.next_response_at.into(),
                status(Which::Resolution).into(),
                self.resolution_target.into(),
                self.resolution_paused.into(),
                res_due.into(),
                res_warn.into(),
                self.resolved_at.into(),
                self.is_paused.into(),
                self.paused_at.into(),
                self.total_paused_seconds.into(),
                self.created_at.into(),
            ],
        )
    }

    /// Events for clocks that were just satisfied: met, or breached when
    /// late (once each, whoever records it first).
    pub fn satisfied_events(&self, satisfied: &[Which], m: &Meter, now: i64) -> Vec<Statement> {
        satisfied
            .iter()
            .filter_map(|&which| {
                let clock = self.clock(which)?;
                let (kind, at) = match clock.status(m, secs(now)) {
                    Status::Met => ("met", clock.satisfied_at? * 1000),
                    _ => ("breached", clock.deadline(m, secs(now))? * 1000),
                };
                Some(event(
                    &self.ticket_id,
                    which,
                    clock.started_at * 1000,
                    kind,
                    at,
                    now,
                ))
            })
            .collect()
    }

    /// Events a running clock has crossed by `now`: at_risk, breached.
    pub fn crossed_events(&self, m: &Meter, now: i64) -> Vec<Statement> {
        let mut out = Vec::new();
        for which in [Which::FirstResponse, Which::NextResponse, Which::Resolution] {
            let Some(clock) = self.clock(which).filter(|c| c.satisfied_at.is_none()) else {
                continue;
            };
            let status = clock.status(m, secs(now));
            let started = clock.started_at * 1000;
            if matches!(status, Status::AtRisk | Status::Breached)
                && let Some(at) = clock.warning_at(m, secs(now))
            {
                out.push(event(
                    &self.ticket_id,
                    which,
                    started,
                    "at_risk",
                    at * 1000,
                    now,
                ));
            }
            if status == Status::Breached
                && let Some(at) = clock.deadline(m, secs(now))
            {
                out.push(event(
                    &self.ticket_id,
                    which,
                    started,
                    "breached",
                    at * 1000,
                    now,
                ));
            }
        }
        out
    }
}

fn event(ticket: &str, which: Which, started: i64, kind: &str, at: i64, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO sla_events (ticket_id, clock, started_at, kind, at, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        vec![
            ticket.into(),
            which.as_str().into(),
            started.into(),
            kind.into(),
            at.into(),
            now.into(),
        ],
    )
}

/// A ticket's tracking row.
pub async fn load<P: Platform>(p: &P, ticket_id: &str) -> Result<Option<Tracking>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM sla_tracking WHERE ticket_id = ?1");
    Ok(db::one(p, &sql, &[SqlValue::from(ticket_id)])
        .await?
        .map(|r| Tracking::from_row(&r)))
}
