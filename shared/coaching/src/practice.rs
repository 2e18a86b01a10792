//! Practice: admins assign reps a client and product to practise (with a
//! strategy and a minimum of minutes), and reps start practice sessions
//! on a strategy, which the coach then plays.

use crate::compat::not_found;
use crate::page::Page;
use crate::playbook::{self, CLIENT, PRODUCT};
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::Row;
use edgedesk_kernel::{Platform, Request, times};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize, JsonSchema)]
pub struct RepAssignment {
    pub id: String,
    pub organization_id: String,
    /// The rep.
    pub user_id: String,
    pub product_id: String,
    pub client_id: String,
    pub strategy_id: Option<String>,
    pub min_practice_minutes: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

const ASSIGNMENT: &str = "SELECT id, organization_id, user_id, product_id, client_id, strategy_id, \
     min_practice_minutes, created_at, updated_at FROM rep_assignments";

fn assignment(r: &Row) -> RepAssignment {
    let c = Cols(r);
    RepAssignment {
        id: c.text(0),
        organization_id: c.text(1),
        user_id: c.text(2),
        product_id: c.text(3),
        client_id: c.text(4),
        strategy_id: c.opt_text(5),
        min_practice_minutes: c.opt_int(6),
        created_at: c.text(7),
        updated_at: c.text(8),
    }
}

async fn assignments<P: Platform>(
    p: &P,
    c: &Caller,
    user: Option<&str>,
    req: &Request,
) -> Result<Value, ApiError> {
    let page = Page::read(&Input::query(req, &["limit", "offset"])?)?;
    let rows = db::query(
        p,
        &format!(
            "{ASSIGNMENT} WHERE organization_id = ?1 AND (?2 IS NULL OR user_id = ?2) \
             ORDER BY created_at, id LIMIT ?3 OFFSET ?4"
        ),
        &[
            c.organization_id.as_str().into(),
            user.into(),
            page.limit.into(),
            page.offset.into(),
        ],
    )
    .await?;
    Ok(json!(rows.iter().map(assignment).collect::<Vec<_>>()))
}

/// Every rep's assignments (admins).
pub async fn list_assignments<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    assignments(p, c, None, req).await
}

/// The caller's own.
pub async fn my_assignments<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    assignments(p, c, Some(&c.user_id), req).await
}

/// `{user_id, product_id, client_id, strategy_id?, min_practice_minutes?}`
/// (admins): the rep must be a member, the rest the organisation's, and
/// the strategy for that product and client.
pub async fn create_assignment<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(
        req,
        &[
            "user_id",
            "product_id",
            "client_id",
            "strategy_id",
            "min_practice_minutes",
        ],
    )?;
    let user = input.required_text("user_id", 64)?;
    let product_id = input.required_text("product_id", 64)?;
    let client_id = input.required_text("client_id", 64)?;
    let strategy_id = input.text("strategy_id", 64)?.filter(|s| !s.is_empty());
    let minutes = input.int("min_practice_minutes", 1, 10_000)?;
    let member = db::one(
        p,
        "SELECT 1 FROM organization_memberships WHERE organization_id = ?1 AND user_id = ?2",
        &[c.organization_id.as_str().into(), user.as_str().into()],
    )
    .await?;
    if member.is_none() {
        return Err(not_found("User"));
    }
    playbook::one(p, c, PRODUCT, "Product", &product_id, |_| ()).await?;
    playbook::one(p, c, CLIENT, "Client", &client_id, |_| ()).await?;
    if let Some(s) = &strategy_id {
        let s = playbook::get_strategy(p, c, s).await?;
        if s.product_id != product_id || s.client_id != client_id {
            return Err(ApiError::unprocessable(
                "strategy_id must be the strategy for this product_id and client_id",
            ));
        }
    }
    let id = db::new_id(p);
    let created = db::execute(
        p,
        "INSERT INTO rep_assignments (id, organization_id, user_id, product_id, client_id, \
         strategy_id, min_practice_minutes, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) \
         ON CONFLICT (organization_id, user_id, product_id, client_id) DO NOTHING",
        &[
            id.as_str().into(),
            c.organization_id.as_str().into(),
            user.into(),
            product_id.into(),
            client_id.into(),
            strategy_id.into(),
            minutes.into(),
            times::iso(p.now_ms()).into(),
        ],
    )
    .await?;
    if created == 0 {
        return Err(ApiError::conflict("Rep assignment already exists"));
    }
    let row = db::one(
        p,
        &format!("{ASSIGNMENT} WHERE id = ?1"),
        &[id.as_str().into()],
    )
    .await?
    .ok_or_else(|| not_found("Rep assignment"))?;
    Ok(json!(assignment(&row)))
}

#[derive(Serialize, JsonSchema)]
pub struct PracticeSession {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub strategy_id: String,
    pub rep_assignment_id: Option<String>,
    /// The conversation with the coach: the practice session itself.
    pub chat_session_id: Option<String>,
    /// active, ended or cancelled.
    pub status: String,
    pub started_at: String,
    pub ended_at: Option<String>,
}

pub const SESSION: &str = "SELECT id, organization_id, user_id, strategy_id, rep_assignment_id, \
     status, started_at, ended_at FROM practice_sessions";

pub fn session(r: &Row) -> PracticeSession {
    let c = Cols(r);
    PracticeSession {
        chat_session_id: Some(c.text(0)),
        id: c.text(0),
        organization_id: c.text(1),
        user_id: c.text(2),
        strategy_id: c.text(3),
        rep_assignment_id: c.opt_text(4),
        status: c.text(5),
        started_at: c.text(6),
        ended_at: c.opt_text(7),
    }
}

/// The caller's sessions, newest first.
pub async fn my_sessions<P: Platform>(p: &P, c: &Caller, req: &Request) -> Result<Value, ApiError> {
    let page = Page::read(&Input::query(req, &["limit", "offset"])?)?;
    let rows = db::query(
        p,
        &format!(
            "{SESSION} WHERE organization_id = ?1 AND user_id = ?2 \
             ORDER BY started_at DESC, id LIMIT ?3 OFFSET ?4"
        ),
        &[
            c.organization_id.as_str().into(),
            c.user_id.as_str().into(),
            page.limit.into(),
            page.offset.into(),
        ],
    )
    .await?;
    Ok(json!(rows.iter().map(session).collect::<Vec<_>>()))
}

/// `{strategy_id, rep_assignment_id?}`: a new active session on one of
/// the organisation's strategies that is not archived; an assignment must
/// be the caller's and for the strategy's product and client.
pub async fn start<P: Platform>(p: &P, c: &Caller, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["strategy_id", "rep_assignment_id"])?;
    let strategy_id = input.required_text("strategy_id", 64)?;
    let assignment_id = input
        .text("rep_assignment_id", 64)?
        .filter(|s| !s.is_empty());
    Ok(json!(
        begin(p, c, &strategy_id, assignment_id.as_deref()).await?
    ))
}

/// Starts a session (the REST route and the coach's `session` message).
pub async fn begin<P: Platform>(
    p: &P,
    c: &Caller,
    strategy_id: &str,
    assignment_id: Option<&str>,
) -> Result<PracticeSession, ApiError> {
    let strategy = playbook::get_strategy(p, c, strategy_id).await?;
    if strategy.status == "archived" {
        return Err(ApiError::unprocessable(
            "strategy_id names an archived strategy",
        ));
    }
    if let Some(a) = assignment_id {
        let row = db::one(
            p,
            &format!("{ASSIGNMENT} WHERE organization_id = ?1 AND id = ?2 AND user_id = ?3"),
            &[
                c.organization_id.as_str().into(),
                a.into(),
                c.user_id.as_str().into(),
            ],
        )
        .await?
        .ok_or_else(|| not_found("Rep assignment"))?;
        let a = assignment(&row);
        if a.product_id != strategy.product_id || a.client_id != strategy.client_id {
            return Err(ApiError::unprocessable(
                "rep_assignment_id must be for the strategy's product and client",
            ));
        }
        if a.strategy_id.as_ref().is_some_and(|s| *s != strategy.id) {
            return Err(ApiError::unprocessable(
                "rep_assignment_id is pinned to a different strategy",
            ));
        }
    }
    let id = db::new_id(p);
    db::execute(
        p,
        "INSERT INTO practice_sessions (id, organization_id, user_id, strategy_id, \
         rep_assignment_id, status, started_at) VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
        &[
            id.as_str().into(),
            c.organization_id.as_str().into(),
            c.user_id.as_str().into(),
            strategy.id.as_str().into(),
            assignment_id.into(),
            times::iso(p.now_ms()).into(),
        ],
    )
    .await?;
    find(p, c, &id).await
}

/// One of the caller's sessions.
pub async fn find<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<PracticeSession, ApiError> {
    let row = db::one(
        p,
        &format!("{SESSION} WHERE organization_id = ?1 AND user_id = ?2 AND id = ?3"),
        &[
            c.organization_id.as_str().into(),
            c.user_id.as_str().into(),
            id.into(),
        ],
    )
    .await?
    .ok_or_else(|| not_found("Practice session"))?;
    Ok(session(&row))
}

/// Ends one of the caller's sessions (an ended one stays as it ended).
pub async fn end<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<PracticeSession, ApiError> {
    let session = find(p, c, id).await?;
    if session.status == "active" {
        db::execute(
            p,
            "UPDATE practice_sessions SET status = 'ended', ended_at = ?3 \
             WHERE organization_id = ?1 AND id = ?2 AND status = 'active'",
            &[
                c.organization_id.as_str().into(),
                id.into(),
                times::iso(p.now_ms()).into(),
            ],
        )
        .await?;
    }
    find(p, c, id).await
}
