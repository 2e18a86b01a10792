//! Who is calling, and which tickets they may see. A ticket an agent may
//! not see is answered exactly like one that does not exist (404), so
//! its existence does not leak.

use crate::agents;
use crate::db;
use crate::model::Agent;
use crate::roles::{Action, Reach, Role, reach};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::Platform;
use edgedesk_kernel::sessions;

/// The agent a verified token speaks for.
pub struct Principal {
    pub agent: Agent,
    pub jti: String,
    /// The token's expiry, Unix seconds.
    pub exp: i64,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.agent.role
    }

    pub fn id(&self) -> &str {
        &self.agent.id
    }

    /// The matrix's answer for this caller; `None` is a 403 naming the role.
    pub fn reach(&self, action: Action, what: &str) -> Result<Reach, ApiError> {
        match reach(self.role(), action) {
            Reach::None => Err(ApiError::forbidden(format!(
                "the {} role may not {what}",
                self.role().as_str()
            ))),
            r => Ok(r),
        }
    }
}

/// Verifies the request's bearer token and loads its agent, refusing a
/// token that was revoked or whose agent is gone. The role is the agent's
/// current one, not the token's: a demotion takes effect at once.
pub async fn principal<P: Platform>(p: &P, req: &Request) -> Result<Principal, ApiError> {
    let sql = format!(
        "SELECT {}, {} FROM agents WHERE id = ?1",
        agents::COLUMNS,
        sessions::REVOKED
    );
    let (session, row) = sessions::holder(
        p,
        req,
        &sql,
        "the agent this token was issued to no longer exists",
    )
    .await?;
    Ok(Principal {
        agent: agents::from_row(&row),
        jti: session.jti,
        exp: session.exp,
    })
}

/// A ticket the caller may see under `action`: its row exists and, for an
/// agent limited to their own tickets, it is actively assigned to them.
pub async fn ticket<P: Platform>(
    p: &P,
    who: &Principal,
    action: Action,
    what: &str,
    ticket_id: &str,
) -> Result<(), ApiError> {
    let reach = who.reach(action, what)?;
    let visible = match reach {
        Reach::Own => db::one(
            p,
            "SELECT 1 FROM ticket_assignments WHERE ticket_id = ?1 AND agent_id = ?2 AND is_active = 1",
            &[ticket_id.into(), who.id().into()],
        )
        .await?
        .is_some(),
        _ => db::one(p, "SELECT 1 FROM tickets WHERE id = ?1", &[ticket_id.into()])
            .await?
            .is_some(),
    };
    if visible {
        Ok(())
    } else {
        Err(not_found(ticket_id))
    }
}

pub fn not_found(ticket_id: &str) -> ApiError {
    ApiError::missing(format!("no ticket {ticket_id}"))
}
