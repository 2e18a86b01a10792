//! A ticket's conversation thread. Every message gets a sentiment and an
//! intent from the core's deterministic scorer; customer messages move the
//! ticket's sentiment and its SLA response clocks.

use crate::access::{self, Principal};
use crate::clocks::{self, Which};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{Done, Message};
use crate::roles::{Action, Reach};
use crate::tickets;
use crate::wire::iso;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::sentiment;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, Row, Statement};
use serde_json::Value;

/// Longest message accepted, in characters.
pub const MAX_CONTENT: usize = 20_000;

const COLUMNS: &str = "id, ticket_id, from_agent, content, from_name, from_email, created_at, \
     sentiment_score, detected_intent, agent_id";

fn from_row(row: &Row) -> Message {
    let c = Cols(row);
    Message {
        id: c.text(0),
        ticket_id: c.text(1),
        from_agent: c.flag(2),
        content: c.text(3),
        from_name: c.opt_text(4),
        from_email: c.opt_text(5),
        created_at: iso(c.int(6)),
        sentiment_score: c.opt_real(7),
        detected_intent: c.opt_text(8),
    }
}

/// A ticket's messages, oldest first.
pub async fn of_ticket<P: Platform>(p: &P, ticket_id: &str) -> Result<Vec<Message>, ApiError> {
    let sql =
        format!("SELECT {COLUMNS} FROM messages WHERE ticket_id = ?1 ORDER BY created_at, id");
    Ok(db::query(p, &sql, &[ticket_id.into()])
        .await?
        .iter()
        .map(from_row)
        .collect())
}

/// Writes a message; `agent` is its author when an agent wrote it.
pub fn insert_statement(
    id: &str,
    ticket_id: &str,
    agent: Option<&str>,
    content: &str,
    from_name: Option<String>,
    from_email: Option<String>,
    now: i64,
) -> Statement {
    Statement::new(
        "INSERT INTO messages (id, ticket_id, from_agent, agent_id, content, from_name, \
         from_email, created_at, sentiment_score, detected_intent) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        vec![
            id.into(),
            ticket_id.into(),
            agent.is_some().into(),
            agent.into(),
            content.into(),
            from_name.into(),
            from_email.into(),
            now.into(),
            sentiment::score(content).into(),
            sentiment::intent(content).as_str().into(),
        ],
    )
}

/// The ticket's sentiment follows its customer's latest three messages.
fn follow_sentiment(ticket_id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE tickets SET updated_at = ?2, customer_sentiment = COALESCE((SELECT AVG(sentiment_score) \
         FROM (SELECT sentiment_score FROM messages WHERE ticket_id = ?1 AND from_agent = 0 \
         ORDER BY created_at DESC, id DESC LIMIT 3)), 0.5) WHERE id = ?1",
        vec![ticket_id.into(), now.into()],
    )
}

/// `GET /api/tickets/{id}/messages`.
pub async fn list<P: Platform>(p: &P, who: &Principal, ticket_id: &str) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let messages = of_ticket(p, ticket_id).await?;
    let total = messages.len();
    Ok(serde_json::to_value(crate::model::MessageList { messages, total }).unwrap_or(Value::Null))
}

/// `POST /api/tickets/{id}/messages`.
pub async fn post<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    access::ticket(p, who, Action::PostMessage, "post messages", ticket_id).await?;
    let input = Input::body(req, &["content", "from_agent", "from_name", "from_email"])?;
    let content = input.required_text("content", MAX_CONTENT)?;
    let from_agent = input.boolean("from_agent")?.ok_or_else(|| {
        ApiError::unprocessable("from_agent is required: true for an agent's reply")
    })?;
    let mut from_name = input.text("from_name", 200)?;
    let mut from_email = input.text("from_email", 254)?;
    if from_agent {
        from_name = from_name.or_else(|| Some(who.agent.name.clone()));
        from_email = from_email.or_else(|| Some(who.agent.email.clone()));
    }
    let now = p.now_ms();
    let id = db::new_id(p);
    let agent = from_agent.then(|| who.id());
    let mut statements = vec![
        insert_statement(&id, ticket_id, agent, &content, from_name, from_email, now),
        follow_sentiment(ticket_id, now),
    ];
    if let Some(mut tracking) = clocks::load(p, ticket_id).await? {
        let meter = clocks::meter(p, tracking.business_hours).await?;
        let mut satisfied: Vec<Which> = Vec::new();
        if from_agent {
            satisfied.extend(tracking.agent_replied(now));
        } else {
            tracking.customer_wrote(now);
        }
        statements.push(tracking.save(&meter, now));
        statements.extend(tracking.satisfied_events(&satisfied, &meter, now));
    }
    db::batch(p, &statements).await?;
    tickets::restore_score(p, ticket_id).await?;
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = ?1");
    let row = db::one(p, &sql, &[id.as_str().into()])
        .await?
        .ok_or_else(|| ApiError::failure("the message was not stored"))?;
    Ok(serde_json::to_value(from_row(&row)).unwrap_or(Value::Null))
}

/// A message the caller may edit or delete: any, or for an agent only
/// their own replies on tickets they may see.
async fn editable<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    message_id: &str,
    what: &str,
) -> Result<(), ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let reach = who.reach(Action::EditMessage, what)?;
    let row = db::one(
        p,
        "SELECT from_agent, agent_id FROM messages WHERE id = ?1 AND ticket_id = ?2",
        &[message_id.into(), ticket_id.into()],
    )
    .await?
    .ok_or_else(|| ApiError::missing(format!("no message {message_id} on ticket {ticket_id}")))?;
    let c = Cols(&row);
    if reach == Reach::Own && !(c.flag(0) && c.opt_text(1).as_deref() == Some(who.id())) {
        return Err(ApiError::forbidden(format!(
            "the agent role may only {what} their own replies"
        )));
    }
    Ok(())
}

/// `PATCH /api/tickets/{id}/messages/{msg_id}`: new content, scored anew.
pub async fn update<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    message_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    editable(p, who, ticket_id, message_id, "edit messages").await?;
    let input = Input::body(req, &["content"])?;
    let content = input.required_text("content", MAX_CONTENT)?;
    let now = p.now_ms();
    db::batch(
        p,
        &[
            Statement::new(
                "UPDATE messages SET content = ?2, sentiment_score = ?3, detected_intent = ?4 WHERE id = ?1",
                vec![
                    message_id.into(),
                    content.as_str().into(),
                    sentiment::score(&content).into(),
                    sentiment::intent(&content).as_str().into(),
                ],
            ),
            follow_sentiment(ticket_id, now),
        ],
    )
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = ?1");
    let row = db::one(p, &sql, &[message_id.into()])
        .await?
        .ok_or_else(|| ApiError::missing(format!("no message {message_id}")))?;
    Ok(serde_json::to_value(from_row(&row)).unwrap_or(Value::Null))
}

/// `DELETE /api/tickets/{id}/messages/{msg_id}`.
pub async fn delete<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    message_id: &str,
) -> Result<Value, ApiError> {
    editable(p, who, ticket_id, message_id, "delete messages").await?;
    let now = p.now_ms();
    db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM messages WHERE id = ?1",
                vec![message_id.into()],
            ),
            follow_sentiment(ticket_id, now),
        ],
    )
    .await?;
    Ok(serde_json::to_value(Done {
        message: format!("message {message_id} deleted"),
    })
    .unwrap_or(Value::Null))
}
