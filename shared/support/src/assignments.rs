//! Who works a ticket: assigning, transferring, accepting and completing.
//! At most one assignment per ticket is active, which the schema enforces
//! with a partial unique index: two racing assigns leave exactly one.

use crate::access::{self, Principal};
use crate::agents;
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::Assignment;
use crate::roles::{Action, Reach};
use crate::wire::{iso, opt_iso};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, Row, Statement};
use serde_json::Value;

const COLUMNS: &str = "id, ticket_id, agent_id, status, reason, assigned_at, accepted_at, \
     completed_at, previous_agent_id, transfer_reason, time_to_accept_seconds, \
     time_to_complete_seconds, is_active";

fn from_row(row: &Row) -> Assignment {
    let c = Cols(row);
    Assignment {
        id: c.text(0),
        ticket_id: c.text(1),
        agent_id: c.text(2),
        status: c.text(3),
        reason: c.text(4),
        assigned_at: iso(c.int(5)),
        accepted_at: opt_iso(c.opt_int(6)),
        completed_at: opt_iso(c.opt_int(7)),
        previous_agent_id: c.opt_text(8),
        transfer_reason: c.opt_text(9),
        time_to_accept_seconds: c.opt_int(10),
        time_to_complete_seconds: c.opt_int(11),
        is_active: c.flag(12),
    }
}

struct Active {
    id: String,
    agent_id: String,
    status: String,
    assigned_at: i64,
    accepted_at: Option<i64>,
}

async fn active<P: Platform>(p: &P, ticket_id: &str) -> Result<Option<Active>, ApiError> {
    Ok(db::one(
        p,
        "SELECT id, agent_id, status, assigned_at, accepted_at FROM ticket_assignments \
         WHERE ticket_id = ?1 AND is_active = 1",
        &[ticket_id.into()],
    )
    .await?
    .map(|r| {
        let c = Cols(&r);
        Active {
            id: c.text(0),
            agent_id: c.text(1),
            status: c.text(2),
            assigned_at: c.int(3),
            accepted_at: c.opt_int(4),
        }
    }))
}

async fn by_id<P: Platform>(p: &P, id: &str) -> Result<Value, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM ticket_assignments WHERE id = ?1");
    let row = db::one(p, &sql, &[id.into()])
        .await?
        .ok_or_else(|| ApiError::failure("the assignment was not stored"))?;
    Ok(serde_json::to_value(from_row(&row)).unwrap_or(Value::Null))
}

async fn target_agent<P: Platform>(p: &P, input: &Input) -> Result<String, ApiError> {
    let agent_id = input.required_text("agent_id", 100)?;
    agents::find(p, &agent_id)
        .await?
        .ok_or_else(|| ApiError::unprocessable(format!("agent_id {agent_id} names no agent")))?;
    Ok(agent_id)
}

fn insert(
    id: &str,
    ticket_id: &str,
    agent_id: &str,
    reason: &str,
    previous: Option<&str>,
    why: Option<String>,
    now: i64,
) -> Statement {
    // OR IGNORE: a second active assignment is refused by the unique
    // index and inserts nothing, which the caller reads as a conflict.
    Statement::new(
        "INSERT OR IGNORE INTO ticket_assignments (id, ticket_id, agent_id, status, reason, \
         assigned_at, previous_agent_id, transfer_reason, is_active) \
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, 1)",
        vec![
            id.into(),
            ticket_id.into(),
            agent_id.into(),
            reason.into(),
            now.into(),
            previous.into(),
            why.into(),
        ],
    )
}

/// `POST /api/tickets/{id}/assign`.
pub async fn assign<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    who.reach(Action::Assign, "assign tickets")?;
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let input = Input::body(req, &["agent_id"])?;
    let agent_id = target_agent(p, &input).await?;
    let id = db::new_id(p);
    let statement = insert(&id, ticket_id, &agent_id, "manual", None, None, p.now_ms());
    let changed = db::execute(p, statement.sql, &statement.params).await?;
    if changed == 0 {
        return Err(ApiError::conflict(
            "the ticket already has an active assignment; transfer it instead",
        ));
    }
    by_id(p, &id).await
}

/// `POST /api/tickets/{id}/transfer`: the active assignment ends and a new
/// one starts, in one transaction.
pub async fn transfer<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::Transfer, "transfer tickets", ticket_id).await?;
    let input = Input::body(req, &["agent_id", "reason"])?;
    let agent_id = target_agent(p, &input).await?;
    let reason = input.required_text("reason", 1000)?;
    let current = active(p, ticket_id).await?.ok_or_else(|| {
        ApiError::conflict("the ticket has no active assignment to transfer; assign it")
    })?;
    if current.agent_id == agent_id {
        return Err(ApiError::conflict(
            "the ticket is already assigned to that agent",
        ));
    }
    let now = p.now_ms();
    let id = db::new_id(p);
    let changed = db::batch(
        p,
        &[
            Statement::new(
                "UPDATE ticket_assignments SET is_active = 0, status = 'completed', completed_at = ?2 \
                 WHERE id = ?1 AND is_active = 1",
                vec![current.id.as_str().into(), now.into()],
            ),
            insert(&id, ticket_id, &agent_id, "transfer", Some(&current.agent_id), Some(reason), now),
        ],
    )
    .await?;
    if changed.get(1) != Some(&1) {
        return Err(ApiError::conflict(
            "the ticket's assignment changed meanwhile; try again",
        ));
    }
    by_id(p, &id).await
}

/// The active assignment, if the caller may work it: its agent, or an
/// admin.
async fn workable<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    what: &str,
) -> Result<Active, ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let reach = who.reach(Action::WorkAssignment, what)?;
    let current = active(p, ticket_id)
        .await?
        .ok_or_else(|| ApiError::conflict("the ticket has no active assignment"))?;
    if reach == Reach::Own && current.agent_id != who.id() {
        return Err(ApiError::forbidden(format!(
            "only the assigned agent may {what}"
        )));
    }
    Ok(current)
}

/// `POST /api/tickets/{id}/accept`: an open ticket goes in progress.
pub async fn accept<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
) -> Result<Value, ApiError> {
    let current = workable(p, who, ticket_id, "accept this ticket").await?;
    if current.status != "pending" {
        return Err(ApiError::conflict(format!(
            "the assignment is already {}",
            current.status
        )));
    }
    let now = p.now_ms();
    let changed = db::batch(
        p,
        &[
            Statement::new(
                "UPDATE ticket_assignments SET status = 'accepted', accepted_at = ?2, \
                 time_to_accept_seconds = ?3 WHERE id = ?1 AND status = 'pending'",
                vec![
                    current.id.as_str().into(),
                    now.into(),
                    ((now - current.assigned_at).max(0) / 1000).into(),
                ],
            ),
            Statement::new(
                "UPDATE tickets SET status = 'in_progress', updated_at = ?2 WHERE id = ?1 AND status = 'open'",
                vec![ticket_id.into(), now.into()],
            ),
        ],
    )
    .await?;
    if changed.first() != Some(&1) {
        return Err(ApiError::conflict(
            "the assignment changed meanwhile; try again",
        ));
    }
    by_id(p, &current.id).await
}

/// `POST /api/tickets/{id}/complete`: the assignment ends.
pub async fn complete<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
) -> Result<Value, ApiError> {
    let current = workable(p, who, ticket_id, "complete this ticket").await?;
    if current.status == "pending" {
        return Err(ApiError::conflict(
            "the assignment is still pending; accept it first",
        ));
    }
    let now = p.now_ms();
    let since = current.accepted_at.unwrap_or(current.assigned_at);
    let changed = db::batch(
        p,
        &[
            Statement::new(
                "UPDATE ticket_assignments SET status = 'completed', completed_at = ?2, \
                 time_to_complete_seconds = ?3, is_active = 0 WHERE id = ?1 AND is_active = 1",
                vec![current.id.as_str().into(), now.into(), ((now - since).max(0) / 1000).into()],
            ),
            Statement::new(
                "UPDATE agents SET tickets_resolved_today = tickets_resolved_today + 1 WHERE id = ?1",
                vec![current.agent_id.as_str().into()],
            ),
        ],
    )
    .await?;
    if changed.first() != Some(&1) {
        return Err(ApiError::conflict(
            "the assignment changed meanwhile; try again",
        ));
    }
    by_id(p, &current.id).await
}
