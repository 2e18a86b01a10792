//! The smart inbox: tickets ordered by an urgency score computed at read
//! time, so waiting tickets and approaching deadlines climb the list as
//! time passes without any write. The score's arithmetic is the core's
//! (`edgedesk_core::smart_score`); this module gathers its inputs.

use crate::access::Principal;
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{
    CHANNELS, InboxTicket, Pagination, STATUSES, ScoreBreakdown, ScoreComponent, Ticket, TicketList,
};
use crate::roles::{Action, Reach};
use crate::settings;
use crate::tickets;
use crate::wire::{iso, round3};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::smart_score::{
    Breakdown, Factor, Inputs, Priority, SlaPressure, Weights, score,
};
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, Row, SqlValue, Statement};
use serde_json::{Value, json};

/// What a ticket's score is computed from.
#[derive(Debug, Clone)]
pub struct Lean {
    pub id: String,
    pub priority: String,
    pub status: String,
    pub created_at: i64,
    pub sentiment: f64,
    pub lifetime_value: f64,
    pub churn_risk: f64,
    pub subject: String,
    pub paused: bool,
    /// (clock, started, due) of each running clock.
    pub clocks: Vec<(&'static str, i64, i64)>,
}

/// The scoring inputs, and the stored score last (column 13).
const LEAN_SELECT: &str = "SELECT t.id, t.priority, t.status, t.created_at, t.customer_sentiment, \
     c.lifetime_value, c.churn_risk_score, t.subject, s.is_paused, \
     CASE WHEN s.first_response_at IS NULL THEN s.first_response_due_at END, \
     s.next_response_started_at, \
     CASE WHEN s.next_response_at IS NULL THEN s.next_response_due_at END, \
     CASE WHEN s.resolved_at IS NULL THEN s.resolution_due_at END, t.smart_score \
     FROM tickets t JOIN customers c ON c.id = t.customer_id \
     LEFT JOIN sla_tracking s ON s.ticket_id = t.id";

/// Which tickets a query is about (`None`: any).
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub status: Option<&'a str>,
    pub channel: Option<&'a str>,
    /// Only tickets actively assigned to this agent.
    pub assigned_to: Option<&'a str>,
    pub ticket: Option<&'a str>,
}

impl Filter<'_> {
    /// The `WHERE` conditions for the filters given, their values appended
    /// to `params`. Only given filters appear, so SQLite can use the
    /// indexes on status and channel.
    fn clause(&self, params: &mut Vec<SqlValue>) -> String {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut add = |sql: &str, value: &str| {
            params.push(value.into());
            conditions.push(sql.replace('?', &format!("?{}", params.len())));
        };
        if let Some(v) = self.status {
            add("t.status = ?", v);
        }
        if let Some(v) = self.channel {
            add("t.channel = ?", v);
        }
        if let Some(v) = self.assigned_to {
            add(
                "t.id IN (SELECT ticket_id FROM ticket_assignments WHERE agent_id = ? AND is_active = 1)",
                v,
            );
        }
        if let Some(v) = self.ticket {
            add("t.id = ?", v);
        }
        conditions.join(" AND ")
    }
}

fn lean(row: &Row) -> Lean {
    let c = Cols(row);
    let created_at = c.int(3);
    let mut clocks = Vec::new();
    if let Some(due) = c.opt_int(9) {
        clocks.push(("first_response", created_at, due));
    }
    if let (Some(started), Some(due)) = (c.opt_int(10), c.opt_int(11)) {
        clocks.push(("next_response", started, due));
    }
    if let Some(due) = c.opt_int(12) {
        clocks.push(("resolution", created_at, due));
    }
    Lean {
        id: c.text(0),
        priority: c.text(1),
        status: c.text(2),
        created_at,
        sentiment: c.real(4),
        lifetime_value: c.real(5),
        churn_risk: c.real(6),
        subject: c.text(7),
        paused: c.flag(8),
        clocks,
    }
}

/// Scoring inputs of the tickets a filter names.
pub async fn lean_rows<P: Platform>(p: &P, filter: Filter<'_>) -> Result<Vec<Lean>, ApiError> {
    let mut params = Vec::new();
    let sql = format!("{LEAN_SELECT} WHERE {}", filter.clause(&mut params));
    Ok(db::query(p, &sql, &params)
        .await?
        .iter()
        .map(lean)
        .collect())
}

fn is_finished(status: &str) -> bool {
    matches!(status, "resolved" | "closed")
}

/// The nearest running deadline; none while paused or once finished.
fn pressure(t: &Lean, now: i64) -> Option<(&'static str, i64, SlaPressure)> {
    if t.paused || is_finished(&t.status) {
        return None;
    }
    t.clocks
        .iter()
        .min_by_key(|(_, _, due)| *due)
        .map(|&(clock, started, due)| {
            (
                clock,
                due,
                SlaPressure {
                    secs_left: (due - now).div_euclid(1000),
                    target_secs: (due - started).div_euclid(1000).max(1),
                },
            )
        })
}

/// Lowercased keywords of `topic_alerts`.
pub fn keywords(spec: Option<&str>) -> Result<Vec<String>, ApiError> {
    let words: Vec<String> = spec
        .unwrap_or_default()
        .split(',')
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 20 || words.iter().any(|w| w.chars().count() > 60) {
        return Err(ApiError::unprocessable(
            "topic_alerts must be at most 20 comma-separated keywords of at most 60 characters",
        ));
    }
    Ok(words)
}

fn matched<'k>(t: &Lean, keywords: &'k [String]) -> Vec<&'k str> {
    if keywords.is_empty() {
        return Vec::new();
    }
    let subject = t.subject.to_lowercase();
    keywords
        .iter()
        .filter(|k| subject.contains(k.as_str()))
        .map(String::as_str)
        .collect()
}

fn inputs(t: &Lean, topic_match: bool, now: i64) -> Inputs {
    Inputs {
        priority: Priority::parse(&t.priority).unwrap_or(Priority::Normal),
        // A finished ticket waits for nobody.
        wait_secs: if is_finished(&t.status) {
            0
        } else {
            (now - t.created_at).max(0) / 1000
        },
        sentiment: t.sentiment,
        lifetime_value: t.lifetime_value,
        churn_risk: t.churn_risk,
        topic_match,
        sla: pressure(t, now).map(|(_, _, p)| p),
    }
}

pub fn score_of(t: &Lean, weights: &Weights, keywords: &[String], now: i64) -> Breakdown {
    score(&inputs(t, !matched(t, keywords).is_empty(), now), weights)
}

/// The part of the score that does not move with time, stored as the
/// ticket's `smart_score` column for indexes and reports.
pub fn stored_score(t: &Lean, weights: &Weights) -> f64 {
    static_score(
        &t.priority,
        t.sentiment,
        t.lifetime_value,
        t.churn_risk,
        weights,
    )
}

/// The same from the inputs themselves, for a ticket not yet written.
pub fn static_score(
    priority: &str,
    sentiment: f64,
    lifetime_value: f64,
    churn_risk: f64,
    weights: &Weights,
) -> f64 {
    let inputs = Inputs {
        priority: Priority::parse(priority).unwrap_or(Priority::Normal),
        wait_secs: 0,
        sentiment,
        lifetime_value,
        churn_risk,
        topic_match: false,
        sla: None,
    };
    score(&inputs, weights).total()
}

/// The stored scores' weights as the `score_weights` table keeps them.
pub fn weights_key(w: &Weights) -> String {
    format!("{},{},{}", w.urgency, w.value, w.churn)
}

/// The most the parts computed at read time (wait time, SLA urgency, a
/// topic alert) can add to a stored score, plus a rounding margin.
fn dynamic_bound(w: &Weights, topics: bool) -> f64 {
    let mut bound = (Factor::WaitTime.max_points() + Factor::SlaUrgency.max_points()) * w.urgency;
    if topics {
        bound += Factor::TopicAlert.max_points() * w.topic_boost;
    }
    bound + 0.01
}

/// Rows read per step of the inbox's ordered scan. (Growing steps read
/// more rows than the stop needs, and rows, not round trips, are what a
/// step costs.)
const STEP: usize = 200;
/// Past this many tickets before the page's end, the inbox reads them all.
const SCAN_LIMIT: i64 = 2_000;

/// Scoring inputs in stored-score order (highest first), after `after`.
async fn lean_step<P: Platform>(
    p: &P,
    filter: Filter<'_>,
    after: Option<&(f64, String)>,
) -> Result<Vec<(f64, Lean)>, ApiError> {
    let mut params = Vec::new();
    let mut sql = format!("{LEAN_SELECT} WHERE {}", filter.clause(&mut params));
    if let Some((score, id)) = after {
        let n = params.len();
        sql.push_str(&format!(
            " AND (t.smart_score < ?{a} OR (t.smart_score = ?{a} AND t.id < ?{b}))",
            a = n + 1,
            b = n + 2
        ));
        params.push((*score).into());
        params.push(id.as_str().into());
    }
    sql.push_str(&format!(
        " ORDER BY t.smart_score DESC, t.id DESC LIMIT {STEP}"
    ));
    Ok(db::query(p, &sql, &params)
        .await?
        .iter()
        .map(|r| (Cols(r).real(13), lean(r)))
        .collect())
}

/// How many tickets match the filters, how many of them a topic alert,
/// and the weights their stored scores were computed with.
async fn counts<P: Platform>(
    p: &P,
    filter: Filter<'_>,
    keywords: &[String],
) -> Result<(i64, i64, String), ApiError> {
    let mut params = Vec::new();
    let conditions = filter.clause(&mut params);
    let alert = if keywords.is_empty() {
        "0".to_string()
    } else {
        keywords
            .iter()
            .map(|k| {
                params.push(k.as_str().into());
                format!("instr(lower(t.subject), ?{}) > 0", params.len())
            })
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN {alert} THEN 1 ELSE 0 END), 0), \
         (SELECT weights FROM score_weights WHERE id = 1) FROM tickets t WHERE {conditions}"
    );
    let row = db::one(p, &sql, &params).await?.unwrap_or_default();
    let c = Cols(&row);
    Ok((c.int(0), c.int(1), c.text(2)))
}

/// Rewrites every stored score with the weights now configured.
async fn restore_all<P: Platform>(p: &P, weights: &Weights) -> Result<(), ApiError> {
    let rows = lean_rows(p, Filter::default()).await?;
    let mut statements: Vec<Statement> = rows
        .iter()
        .map(|t| {
            Statement::new(
                "UPDATE tickets SET smart_score = ?2 WHERE id = ?1",
                vec![t.id.as_str().into(), stored_score(t, weights).into()],
            )
        })
        .collect();
    statements.push(Statement::new(
        "INSERT INTO score_weights (id, weights) VALUES (1, ?1) \
         ON CONFLICT (id) DO UPDATE SET weights = ?1",
        vec![weights_key(weights).into()],
    ));
    for chunk in statements.chunks(100) {
        db::batch(p, chunk).await?;
    }
    Ok(())
}

/// `GET /api/tickets`. Tickets are read in the order of their stored
/// score (the part that does not move with time), and the read stops as
/// soon as no ticket left could reach the page: what time adds is bounded.
pub async fn list<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    let reach = who.reach(Action::ReadTickets, "read tickets")?;
    let q = Input::query(req, &["status", "channel", "limit", "page", "topic_alerts"])?;
    let status = q.choice("status", &STATUSES)?;
    let channel = q.choice("channel", &CHANNELS)?;
    let limit = q.int("limit", 1, 100)?.unwrap_or(50);
    let page = q.int("page", 1, 1_000_000)?.unwrap_or(1);
    let keywords = keywords(q.text("topic_alerts", 2000)?.as_deref())?;
    let filter = Filter {
        status,
        channel,
        assigned_to: (reach == Reach::Own).then(|| who.id()),
        ticket: None,
    };
    let weights = settings::weights(p).await;
    let now = p.now_ms();
    let (total, matches, stored_with) = counts(p, filter, &keywords).await?;
    let need = page * limit;
    let score = |t: Lean| (score_of(&t, &weights, &keywords, now).milli_total, t);
    let mut scored: Vec<(i64, Lean)> = if stored_with != weights_key(&weights) {
        // The stored scores are of other weights: rewrite them (once), and
        // read this page the long way.
        restore_all(p, &weights).await?;
        lean_rows(p, filter).await?.into_iter().map(score).collect()
    } else if need > SCAN_LIMIT {
        lean_rows(p, filter).await?.into_iter().map(score).collect()
    } else {
        let bound = dynamic_bound(&weights, !keywords.is_empty());
        let mut scored: Vec<(i64, Lean)> = Vec::new();
        let mut after: Option<(f64, String)> = None;
        loop {
            let step = lean_step(p, filter, after.as_ref()).await?;
            let exhausted = step.len() < STEP;
            let Some((last_stored, last)) = step.last().map(|(s, t)| (*s, t.id.clone())) else {
                break;
            };
            scored.extend(step.into_iter().map(|(_, t)| score(t)));
            after = Some((last_stored, last));
            if exhausted {
                break;
            }
            if scored.len() as i64 >= need {
                let mut totals: Vec<i64> = scored.iter().map(|(milli, _)| *milli).collect();
                totals.sort_unstable_by(|a, b| b.cmp(a));
                let kth = totals[need as usize - 1] as f64 / 1000.0;
                // Every ticket not read yet scores at most this.
                if last_stored + bound < kth {
                    break;
                }
            }
        }
        scored
    };
    // Highest first; among equals the older ticket, then the id, so pages
    // never overlap.
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.created_at.cmp(&b.1.created_at))
            .then(a.1.id.cmp(&b.1.id))
    });
    let start = ((page - 1) * limit).min(scored.len() as i64) as usize;
    let end = (start + limit as usize).min(scored.len());
    let page_rows = &scored[start..end];
    let ids: Vec<&str> = page_rows.iter().map(|s| s.1.id.as_str()).collect();
    let mut full = tickets::by_ids(p, &ids).await?;
    let tickets: Vec<InboxTicket> = page_rows
        .iter()
        .filter_map(|(milli, t)| {
            let mut ticket: Ticket = full.remove(&t.id)?;
            ticket.smart_score = *milli as f64 / 1000.0;
            Some(InboxTicket {
                ticket,
                matches_topic_alert: !matched(t, &keywords).is_empty(),
            })
        })
        .collect();
    let answer = TicketList {
        tickets,
        pagination: Pagination {
            page,
            limit,
            total,
            has_next: page * limit < total,
            has_prev: page > 1,
        },
        topic_alerts_active: keywords,
        matches,
    };
    Ok(serde_json::to_value(answer).unwrap_or(Value::Null))
}

/// The score of one ticket as of now.
pub async fn current_score<P: Platform>(p: &P, ticket_id: &str) -> Result<Option<f64>, ApiError> {
    let weights = settings::weights(p).await;
    let now = p.now_ms();
    Ok(lean_rows(
        p,
        Filter {
            ticket: Some(ticket_id),
            ..Filter::default()
        },
    )
    .await?
    .first()
    .map(|t| score_of(t, &weights, &[], now).total()))
}

/// `GET /api/tickets/{id}/score-breakdown` (`topic_alerts` as in the list).
pub async fn breakdown<P: Platform>(
    p: &P,
    ticket_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    let q = Input::query(req, &["topic_alerts"])?;
    let keywords = keywords(q.text("topic_alerts", 2000)?.as_deref())?;
    let t = lean_rows(
        p,
        Filter {
            ticket: Some(ticket_id),
            ..Filter::default()
        },
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| crate::access::not_found(ticket_id))?;
    let weights = settings::weights(p).await;
    let now = p.now_ms();
    let b = score_of(&t, &weights, &keywords, now);
    let hit = matched(&t, &keywords);
    let sla = pressure(&t, now);
    let components = b
        .components
        .iter()
        .map(|c| ScoreComponent {
            factor: c.factor.name().to_string(),
            inputs: match c.factor {
                Factor::Priority => json!({"priority": t.priority}),
                Factor::WaitTime => json!({
                    "waiting_since": iso(t.created_at),
                    "status": t.status,
                    "wait_hours": round3(inputs(&t, false, now).wait_secs as f64 / 3600.0),
                }),
                Factor::Sentiment => json!({"customer_sentiment": t.sentiment}),
                Factor::CustomerValue => json!({"lifetime_value": t.lifetime_value}),
                Factor::ChurnRisk => json!({"churn_risk_score": t.churn_risk}),
                Factor::TopicAlert => json!({"keywords": keywords, "matched": hit}),
                Factor::SlaUrgency => match sla {
                    Some((clock, due, pr)) => json!({
                        "clock": clock,
                        "due_at": iso(due),
                        "seconds_left": pr.secs_left,
                        "window_seconds": pr.target_secs,
                    }),
                    None => json!({"clock": null, "paused": t.paused}),
                },
            },
            weight: c.weight,
            base_points: round3(c.base_points),
            max_points: c.max_points,
            points: c.points(),
        })
        .collect();
    Ok(serde_json::to_value(ScoreBreakdown {
        ticket_id: t.id.clone(),
        smart_score: b.total(),
        computed_at: iso(now),
        components,
        topic_alerts_active: keywords.clone(),
    })
    .unwrap_or(Value::Null))
}
