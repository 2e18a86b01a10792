//! Agents: the team, their roles, status and workload. The password hash
//! never leaves the database.

use crate::access::Principal;
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{AGENT_STATUSES, Agent, Done, Workload};
use crate::roles::{Action, ROLES, Reach, Role, may_manage};
use crate::wire::to_json;
use crate::wire::{iso, opt_iso};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{Platform, SqlValue};
use edgedesk_kernel::sessions;
use serde_json::Value;

/// The columns [`from_row`] reads, in order.
pub const COLUMNS: &str = "id, email, name, role, status, department, specializations, \
     max_concurrent_tickets, tickets_resolved_today, avg_response_time_seconds, \
     customer_satisfaction_score, created_at, last_login_at";
pub const COLUMN_COUNT: usize = 13;

pub fn from_row(row: &[SqlValue]) -> Agent {
    let c = Cols(row);
    Agent {
        id: c.text(0),
        email: c.text(1),
        name: c.text(2),
        role: Role::parse(&c.text(3)).unwrap_or(Role::Agent),
        status: c.text(4),
        department: c.opt_text(5),
        specializations: serde_json::from_str(&c.text(6)).unwrap_or_default(),
        max_concurrent_tickets: c.int(7),
        tickets_resolved_today: c.int(8),
        avg_response_time_seconds: c.opt_real(9),
        customer_satisfaction_score: c.opt_real(10),
        created_at: iso(c.int(11)),
        last_login_at: opt_iso(c.opt_int(12)),
    }
}

pub async fn find<P: Platform>(p: &P, id: &str) -> Result<Option<Agent>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM agents WHERE id = ?1");
    Ok(db::one(p, &sql, &[id.into()]).await?.map(|r| from_row(&r)))
}

fn no_agent(id: &str) -> ApiError {
    ApiError::missing(format!("no agent {id}"))
}

/// `GET /api/agents`: everyone for managers and admins, their own
/// department for a team lead.
pub async fn list<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    let reach = who.reach(Action::ListAgents, "list agents")?;
    let rows = match reach {
        Reach::Department => {
            let sql =
                format!("SELECT {COLUMNS} FROM agents WHERE department = ?1 ORDER BY name, id");
            db::query(p, &sql, &[who.agent.department.clone().into()]).await?
        }
        _ => {
            let sql = format!("SELECT {COLUMNS} FROM agents ORDER BY name, id");
            db::query(p, &sql, &[]).await?
        }
    };
    let agents: Vec<Agent> = rows.iter().map(|r| from_row(r)).collect();
    let total = agents.len();
    Ok(to_json(&crate::model::AgentList { agents, total }))
}

const CREATE_FIELDS: [&str; 8] = [
    "email",
    "password",
    "name",
    "role",
    "department",
    "specializations",
    "max_concurrent_tickets",
    "status",
];

fn role_field(input: &Input) -> Result<Option<Role>, ApiError> {
    let names: Vec<&'static str> = ROLES.iter().map(|r| r.as_str()).collect();
    Ok(input.choice("role", &names)?.and_then(Role::parse))
}

/// `POST /api/agents`.
pub async fn create<P: Platform>(
    p: &P,
    who: &Principal,
    req: &edgedesk_kernel::Request,
) -> Result<Value, ApiError> {
    who.reach(Action::ManageAgents, "create agents")?;
    let input = Input::body(req, &CREATE_FIELDS)?;
    let email =
        sessions::email(&input)?.ok_or_else(|| ApiError::unprocessable("email is required"))?;
    let password = sessions::new_password(&input)?
        .ok_or_else(|| ApiError::unprocessable("password is required"))?;
    let name = input.required_text("name", 200)?;
    let role = role_field(&input)?.unwrap_or(Role::Agent);
    if !may_manage(who.role(), None, role) {
        return Err(ApiError::forbidden("a manager may not create an admin"));
    }
    let department = input.text("department", 100)?;
    let specializations = input
        .text_list("specializations", 20, 60)?
        .unwrap_or_default();
    let max = input.int("max_concurrent_tickets", 1, 1000)?.unwrap_or(10);
    let status = input
        .choice("status", &AGENT_STATUSES)?
        .unwrap_or("offline");
    let id = db::new_id(p);
    let hashed = sessions::hash(p, &password);
    let inserted = db::execute(
        p,
        "INSERT INTO agents (id, email, hashed_password, name, role, status, department, \
         specializations, max_concurrent_tickets, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (email) DO NOTHING",
        &[
            id.as_str().into(),
            email.as_str().into(),
            hashed.into(),
            name.into(),
            role.as_str().into(),
            status.into(),
            department.into(),
            serde_json::to_string(&specializations)
                .unwrap_or_default()
                .into(),
            max.into(),
            p.now_ms().into(),
        ],
    )
    .await?;
    if inserted == 0 {
        return Err(ApiError::conflict(format!(
            "an agent with email {email} already exists"
        )));
    }
    let agent = find(p, &id).await?.ok_or_else(|| no_agent(&id))?;
    Ok(to_json(&agent))
}

/// `PATCH /api/agents/{id}`.
pub async fn update<P: Platform>(
    p: &P,
    who: &Principal,
    id: &str,
    req: &edgedesk_kernel::Request,
) -> Result<Value, ApiError> {
    who.reach(Action::ManageAgents, "update agents")?;
    let input = Input::body(req, &CREATE_FIELDS)?;
    let before = find(p, id).await?.ok_or_else(|| no_agent(id))?;
    let role = role_field(&input)?;
    if !may_manage(who.role(), Some(before.role), role.unwrap_or(before.role)) {
        return Err(ApiError::forbidden(
            "a manager may not change an admin or make anyone one",
        ));
    }
    let email = sessions::email(&input)?;
    let name = input.text("name", 200)?;
    if name.as_deref() == Some("") {
        return Err(ApiError::unprocessable("name must not be empty"));
    }
    let hashed = sessions::new_password(&input)?.map(|pw| sessions::hash(p, &pw));
    let specializations = input
        .text_list("specializations", 20, 60)?
        .map(|s| serde_json::to_string(&s).unwrap_or_default());
    let department = input.text("department", 100)?;
    let clear_department =
        input.has("department") && input.value("department") == Some(&Value::Null);
    let max = input.int("max_concurrent_tickets", 1, 1000)?;
    let status = input.choice("status", &AGENT_STATUSES)?;
    let changed = db::execute(
        p,
        "UPDATE agents SET email = COALESCE(?2, email), hashed_password = COALESCE(?3, hashed_password), \
         name = COALESCE(?4, name), role = COALESCE(?5, role), \
         department = CASE WHEN ?6 = 1 THEN NULL ELSE COALESCE(?7, department) END, \
         specializations = COALESCE(?8, specializations), \
         max_concurrent_tickets = COALESCE(?9, max_concurrent_tickets), status = COALESCE(?10, status) \
         WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM agents WHERE email = ?2 AND id <> ?1)",
        &[
            id.into(),
            email.clone().into(),
            hashed.into(),
            name.into(),
            role.map(Role::as_str).into(),
            clear_department.into(),
            department.into(),
            specializations.into(),
            max.into(),
            status.into(),
        ],
    )
    .await?;
    if changed == 0 {
        return Err(ApiError::conflict(format!(
            "another agent already has email {}",
            email.unwrap_or_default()
        )));
    }
    let agent = find(p, id).await?.ok_or_else(|| no_agent(id))?;
    Ok(to_json(&agent))
}

/// `DELETE /api/agents/{id}`: their assignments go with them (their tickets
/// become unassigned); their messages stay, no longer tied to an agent.
pub async fn delete<P: Platform>(p: &P, who: &Principal, id: &str) -> Result<Value, ApiError> {
    who.reach(Action::DeleteAgents, "delete agents")?;
    if id == who.id() {
        return Err(ApiError::conflict(
            "an admin may not delete their own account",
        ));
    }
    find(p, id).await?.ok_or_else(|| no_agent(id))?;
    use edgedesk_kernel::platform::Statement;
    db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM ticket_assignments WHERE agent_id = ?1",
                vec![id.into()],
            ),
            Statement::new(
                "UPDATE messages SET agent_id = NULL WHERE agent_id = ?1",
                vec![id.into()],
            ),
            Statement::new("DELETE FROM agents WHERE id = ?1", vec![id.into()]),
        ],
    )
    .await?;
    Ok(to_json(&Done {
        message: format!("agent {id} deleted"),
    }))
}

/// `PATCH /api/agents/me/status`.
pub async fn set_status<P: Platform>(
    p: &P,
    who: &Principal,
    req: &edgedesk_kernel::Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["status"])?;
    let status = input
        .choice("status", &AGENT_STATUSES)?
        .ok_or_else(|| ApiError::unprocessable("status is required"))?;
    db::execute(
        p,
        "UPDATE agents SET status = ?2 WHERE id = ?1",
        &[who.id().into(), status.into()],
    )
    .await?;
    let agent = find(p, who.id()).await?.ok_or_else(|| no_agent(who.id()))?;
    Ok(to_json(&agent))
}

/// `GET /api/agents/{id}/workload`: self for agents, the department for a
/// team lead, anyone for managers and admins.
pub async fn workload<P: Platform>(p: &P, who: &Principal, id: &str) -> Result<Value, ApiError> {
    let reach = who.reach(Action::ReadWorkload, "read workloads")?;
    let agent = find(p, id).await?;
    let allowed = match reach {
        Reach::Own => id == who.id(),
        Reach::Department => {
            id == who.id()
                || agent
                    .as_ref()
                    .is_some_and(|a| a.department.is_some() && a.department == who.agent.department)
        }
        _ => true,
    };
    if !allowed {
        return Err(ApiError::forbidden(format!(
            "the {} role may not read another agent's workload here",
            who.role().as_str()
        )));
    }
    let agent = agent.ok_or_else(|| no_agent(id))?;
    let rows = db::query(
        p,
        "SELECT status, COUNT(*) FROM ticket_assignments WHERE agent_id = ?1 AND is_active = 1 GROUP BY status",
        &[SqlValue::from(id)],
    )
    .await?;
    let mut by_status: std::collections::BTreeMap<String, i64> =
        ["pending", "accepted", "in_progress"]
            .iter()
            .map(|s| (s.to_string(), 0))
            .collect();
    let mut active = 0;
    for r in &rows {
        let c = Cols(r);
        active += c.int(1);
        *by_status.entry(c.text(0)).or_default() += c.int(1);
    }
    let max = agent.max_concurrent_tickets.max(1);
    Ok(to_json(&Workload {
        agent_id: agent.id,
        max_concurrent_tickets: agent.max_concurrent_tickets,
        active,
        by_status,
        available_capacity: (agent.max_concurrent_tickets - active).max(0),
        utilization_percent: crate::wire::round3(active as f64 * 100.0 / max as f64),
        at_capacity: active >= agent.max_concurrent_tickets,
    }))
}
