//! Tickets: reading one with its thread and SLA, creating, changing and
//! deleting them. Status changes drive the SLA clocks: `pending` (awaiting
//! the customer) pauses them, resolving stops them, reopening restarts the
//! resolution clock.

use crate::access::{self, Principal};
use crate::clocks::{self, Tracking, Which};
use crate::db::{self, Cols};
use crate::inbox;
use crate::input::Input;
use crate::messages;
use crate::model::{CHANNELS, Done, PRIORITIES, STATUSES, Ticket, TicketDetail};
use crate::roles::Action;
use crate::settings;
use crate::sla;
use crate::wire::iso;
use crate::wire::to_json;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, Row, SqlValue, Statement};
use serde_json::Value;
use std::collections::HashMap;

/// The columns [`from_row`] reads, in order (`t` is the ticket).
pub const COLUMNS: &str = "t.id, t.customer_id, t.subject, t.status, t.priority, t.channel, \
     t.created_at, t.updated_at, t.customer_sentiment, t.smart_score, t.estimated_difficulty, \
     (SELECT a.agent_id FROM ticket_assignments a WHERE a.ticket_id = t.id AND a.is_active = 1)";

pub fn from_row(row: &Row) -> Ticket {
    let c = Cols(row);
    Ticket {
        id: c.text(0),
        customer_id: c.text(1),
        subject: c.text(2),
        status: c.text(3),
        priority: c.text(4),
        channel: c.text(5),
        created_at: iso(c.int(6)),
        updated_at: iso(c.int(7)),
        customer_sentiment: c.real(8),
        smart_score: c.real(9),
        estimated_difficulty: c.real(10),
        assigned_agent_id: c.opt_text(11),
    }
}

/// Tickets by id (at most 100 ids: D1 binds at most 100 values).
pub async fn by_ids<P: Platform>(p: &P, ids: &[&str]) -> Result<HashMap<String, Ticket>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM tickets t WHERE t.id IN ({})",
        marks.join(", ")
    );
    let params: Vec<SqlValue> = ids.iter().map(|&i| i.into()).collect();
    Ok(db::query(p, &sql, &params)
        .await?
        .iter()
        .map(|r| {
            let t = from_row(r);
            (t.id.clone(), t)
        })
        .collect())
}

/// One ticket with its score as of now.
pub async fn one<P: Platform>(p: &P, id: &str) -> Result<Ticket, ApiError> {
    let mut found = by_ids(p, &[id]).await?;
    let mut ticket = found.remove(id).ok_or_else(|| access::not_found(id))?;
    if let Some(score) = inbox::current_score(p, id).await? {
        ticket.smart_score = score;
    }
    Ok(ticket)
}

/// `GET /api/tickets/{id}`: the ticket, its messages oldest first, its SLA.
pub async fn get<P: Platform>(p: &P, who: &Principal, id: &str) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", id).await?;
    detail(p, id).await
}

async fn detail<P: Platform>(p: &P, id: &str) -> Result<Value, ApiError> {
    let ticket = one(p, id).await?;
    let messages = messages::of_ticket(p, id).await?;
    let sla = sla::view(p, id).await?;
    Ok(to_json(&TicketDetail {
        ticket,
        messages,
        sla,
    }))
}

/// Rewrites a ticket's stored score from its current inputs, after a
/// write that changed one of them (its priority, its sentiment).
pub async fn restore_score<P: Platform>(p: &P, id: &str) -> Result<(), ApiError> {
    let weights = settings::weights(p).await;
    let filter = inbox::Filter {
        ticket: Some(id),
        ..Default::default()
    };
    if let Some(t) = inbox::lean_rows(p, filter).await?.first() {
        db::execute(
            p,
            "UPDATE tickets SET smart_score = ?2 WHERE id = ?1",
            &[id.into(), inbox::stored_score(t, &weights).into()],
        )
        .await?;
    }
    Ok(())
}

const CREATE_FIELDS: [&str; 8] = [
    "customer_id",
    "subject",
    "channel",
    "priority",
    "message",
    "from_name",
    "from_email",
    "estimated_difficulty",
];

/// `POST /api/tickets`: with its SLA clocks from its priority's policy and,
/// when given, the customer's first message.
pub async fn create<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    who.reach(Action::CreateTicket, "create tickets")?;
    let input = Input::body(req, &CREATE_FIELDS)?;
    let customer_id = input.required_text("customer_id", 100)?;
    let subject = input.required_text("subject", 500)?;
    let channel = input.choice("channel", &CHANNELS)?.ok_or_else(|| {
        ApiError::unprocessable(format!(
            "channel is required: one of {}",
            CHANNELS.join(", ")
        ))
    })?;
    let priority = input.choice("priority", &PRIORITIES)?.unwrap_or("normal");
    let difficulty = input
        .number("estimated_difficulty", 0.0, 1.0)?
        .unwrap_or(0.5);
    let message = input
        .text("message", messages::MAX_CONTENT)?
        .filter(|m| !m.is_empty());
    let from_name = input.text("from_name", 200)?;
    let from_email = input.text("from_email", 254)?;
    let customer = db::one(
        p,
        "SELECT name, email, lifetime_value, churn_risk_score FROM customers WHERE id = ?1",
        &[customer_id.as_str().into()],
    )
    .await?
    .ok_or_else(|| {
        ApiError::unprocessable(format!("customer_id {customer_id} names no customer"))
    })?;
    let policy = sla::policy(p, priority).await?;
    let meter = clocks::meter(p, policy.business_hours_only).await?;
    let now = p.now_ms();
    let id = db::new_id(p);
    let sentiment = message
        .as_deref()
        .map(edgedesk_core::sentiment::score)
        .unwrap_or(0.5);
    let c = Cols(&customer);
    let stored = inbox::static_score(
        priority,
        sentiment,
        c.real(2),
        c.real(3),
        &settings::weights(p).await,
    );
    let mut statements = vec![Statement::new(
        "INSERT INTO tickets (id, customer_id, subject, status, priority, channel, created_at, \
         updated_at, customer_sentiment, estimated_difficulty, smart_score) \
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?6, ?7, ?8, ?9)",
        vec![
            id.as_str().into(),
            customer_id.as_str().into(),
            subject.into(),
            priority.into(),
            channel.into(),
            now.into(),
            sentiment.into(),
            difficulty.into(),
            stored.into(),
        ],
    )];
    statements.push(Tracking::new(&id, &policy, now).save(&meter, now));
    if let Some(content) = message {
        statements.push(messages::insert_statement(
            &db::new_id(p),
            &id,
            None,
            &content,
            from_name.or_else(|| c.opt_text(0)),
            from_email.or_else(|| c.opt_text(1)),
            now,
        ));
    }
    db::batch(p, &statements).await?;
    detail(p, &id).await
}

/// Which status changes are allowed: a closed ticket stays closed; a
/// resolved one may be reopened or closed.
pub fn may_move(from: &str, to: &str) -> bool {
    from == to
        || match from {
            "open" | "in_progress" | "pending" => true,
            "resolved" => matches!(to, "open" | "in_progress" | "closed"),
            _ => false,
        }
}

/// `PATCH /api/tickets/{id}`: status, priority, subject.
pub async fn update<P: Platform>(
    p: &P,
    who: &Principal,
    id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::UpdateTicket, "update tickets", id).await?;
    let input = Input::body(req, &["status", "priority", "subject"])?;
    let status = input.choice("status", &STATUSES)?;
    let priority = input.choice("priority", &PRIORITIES)?;
    let subject = match input.text("subject", 500)? {
        Some(s) if s.is_empty() => {
            return Err(ApiError::unprocessable("subject must not be empty"));
        }
        s => s,
    };
    let current = one(p, id).await?;
    if let Some(to) = status
        && !may_move(&current.status, to)
    {
        return Err(ApiError::conflict(format!(
            "a {} ticket cannot become {to}",
            current.status
        )));
    }
    let now = p.now_ms();
    let mut statements = vec![Statement::new(
        "UPDATE tickets SET status = COALESCE(?2, status), priority = COALESCE(?3, priority), \
         subject = COALESCE(?4, subject), updated_at = ?5 WHERE id = ?1",
        vec![
            id.into(),
            status.into(),
            priority.into(),
            subject.into(),
            now.into(),
        ],
    )];
    if let Some(mut tracking) = clocks::load(p, id).await? {
        // The clocks move on the measure they ran on until now...
        let mut meter = clocks::meter(p, tracking.business_hours).await?;
        let mut satisfied: Vec<Which> = Vec::new();
        if let Some(to) = status.filter(|to| *to != current.status) {
            if current.status == "pending" {
                tracking.resume(&meter, now);
            }
            if matches!(current.status.as_str(), "resolved" | "closed")
                && !matches!(to, "resolved" | "closed")
            {
                tracking.reopen(&meter, now);
            }
            match to {
                "pending" => tracking.pause(now),
                "resolved" | "closed" => satisfied = tracking.resolve(&meter, now),
                _ => {}
            }
        }
        // ...and on the new priority's policy from now on.
        if let Some(new_priority) = priority {
            let policy = sla::policy(p, new_priority).await?;
            if policy.business_hours_only != tracking.business_hours {
                meter = clocks::meter(p, policy.business_hours_only).await?;
            }
            tracking.retarget(&policy);
        }
        statements.push(tracking.save(&meter, now));
        statements.extend(tracking.satisfied_events(&satisfied, &meter, now));
    }
    db::batch(p, &statements).await?;
    restore_score(p, id).await?;
    Ok(to_json(&one(p, id).await?))
}

/// `DELETE /api/tickets/{id}`: with its messages, assignments, SLA record
/// and events, in one transaction.
pub async fn delete<P: Platform>(p: &P, who: &Principal, id: &str) -> Result<Value, ApiError> {
    who.reach(Action::DeleteTicket, "delete tickets")?;
    let statements: Vec<Statement> = [
        "DELETE FROM messages WHERE ticket_id = ?1",
        "DELETE FROM ticket_assignments WHERE ticket_id = ?1",
        "DELETE FROM sla_events WHERE ticket_id = ?1",
        "DELETE FROM sla_tracking WHERE ticket_id = ?1",
        "DELETE FROM tickets WHERE id = ?1",
    ]
    .into_iter()
    .map(|sql| Statement::new(sql, vec![id.into()]))
    .collect();
    let changed = db::batch(p, &statements).await?;
    if changed.last() == Some(&0) {
        return Err(access::not_found(id));
    }
    Ok(to_json(&Done {
        message: format!("ticket {id} deleted"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_is_final_and_resolved_may_reopen() {
        assert!(may_move("open", "pending"));
        assert!(may_move("pending", "resolved"));
        assert!(may_move("resolved", "open"));
        assert!(may_move("resolved", "closed"));
        assert!(!may_move("resolved", "pending"));
        assert!(!may_move("closed", "open"));
        assert!(may_move("closed", "closed"));
    }
}
