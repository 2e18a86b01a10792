//! An organisation's members, for its admins: who they are and their
//! roles. Members arrive by signing in; an admin changes roles or removes
//! a member, never leaving the organisation without an admin. A role the
//! identity provider puts in a member's token wins at their next sign-in.

use crate::compat::not_found;
use crate::page::Page;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::Statement;
use edgedesk_kernel::{Platform, Request};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize, JsonSchema)]
pub struct Member {
    pub user_id: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// admin or member.
    pub role: String,
    /// When they first signed in to the organisation.
    pub created_at: String,
}

const MEMBER: &str = "SELECT m.user_id, u.email, u.display_name, m.role, m.created_at \
     FROM organization_memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.organization_id = ?1";

fn member(r: &[edgedesk_kernel::platform::SqlValue]) -> Member {
    let c = Cols(r);
    Member {
        user_id: c.text(0),
        email: c.opt_text(1),
        display_name: c.opt_text(2),
        role: c.text(3),
        created_at: c.text(4),
    }
}

pub async fn list<P: Platform>(p: &P, c: &Caller, req: &Request) -> Result<Value, ApiError> {
    c.require_admin()?;
    let page = Page::read(&Input::query(req, &["limit", "offset"])?)?;
    let rows = db::query(
        p,
        &format!("{MEMBER} ORDER BY m.created_at, m.user_id LIMIT ?2 OFFSET ?3"),
        &[
            c.organization_id.as_str().into(),
            page.limit.into(),
            page.offset.into(),
        ],
    )
    .await?;
    Ok(json!(rows.iter().map(|r| member(r)).collect::<Vec<_>>()))
}

async fn one<P: Platform>(p: &P, c: &Caller, user: &str) -> Result<Member, ApiError> {
    db::one(
        p,
        &format!("{MEMBER} AND m.user_id = ?2"),
        &[c.organization_id.as_str().into(), user.into()],
    )
    .await?
    .map(|r| member(&r))
    .ok_or_else(|| not_found("Member"))
}

/// The last admin stays: a change that would leave none is 409. The check
/// and the change are one statement, so two admins demoting each other at
/// once cannot both succeed.
const KEEPS_AN_ADMIN: &str = "EXISTS (SELECT 1 FROM organization_memberships a \
     WHERE a.organization_id = ?1 AND a.role = 'admin' AND a.user_id <> ?2)";

/// `{role: admin|member}`.
pub async fn update<P: Platform>(
    p: &P,
    c: &Caller,
    user: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(req, &["role"])?;
    let role = input
        .choice("role", &["admin", "member"])?
        .ok_or_else(|| ApiError::unprocessable("role is required"))?;
    one(p, c, user).await?;
    let changed = db::execute(
        p,
        &format!(
            "UPDATE organization_memberships SET role = ?3 \
             WHERE organization_id = ?1 AND user_id = ?2 AND (?3 = 'admin' OR {KEEPS_AN_ADMIN})"
        ),
        &[c.organization_id.as_str().into(), user.into(), role.into()],
    )
    .await?;
    if changed == 0 {
        return Err(ApiError::conflict("the organisation must keep an admin"));
    }
    Ok(json!(one(p, c, user).await?))
}

/// Removes a member and their rep assignments; their practice history
/// stays.
pub async fn remove<P: Platform>(p: &P, c: &Caller, user: &str) -> Result<(), ApiError> {
    c.require_admin()?;
    one(p, c, user).await?;
    let changed = db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM organization_memberships WHERE organization_id = ?1 AND user_id = ?2 \
                 AND EXISTS (SELECT 1 FROM organization_memberships a \
                 WHERE a.organization_id = ?1 AND a.role = 'admin' AND a.user_id <> ?2)",
                vec![c.organization_id.as_str().into(), user.into()],
            ),
            Statement::new(
                "DELETE FROM rep_assignments WHERE organization_id = ?1 AND user_id = ?2 \
                 AND NOT EXISTS (SELECT 1 FROM organization_memberships m \
                 WHERE m.organization_id = ?1 AND m.user_id = ?2)",
                vec![c.organization_id.as_str().into(), user.into()],
            ),
        ],
    )
    .await?;
    if changed.first() == Some(&0) {
        return Err(ApiError::conflict("the organisation must keep an admin"));
    }
    Ok(())
}
