//! The caller's own records: token verification, who they are, their
//! profile and their organisations.

use crate::tenancy::{self, Caller, Role};
use crate::{compat, sso};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, times};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// `POST /api/v1/auth/verify`: is this token good here, and whose is it.
#[derive(Serialize, JsonSchema)]
pub struct Verified {
    /// Always true: a token that is not good is refused with 401.
    pub valid: bool,
    pub user_id: String,
    /// The organisation's id here.
    pub organization_id: String,
    /// The identity provider's organisation id.
    pub org_id: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// admin or member.
    pub role: String,
}

pub async fn verify<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["token"])?;
    let token = input.required_text("token", 8192)?;
    let identity = sso::identify(p, &token).await?;
    let c = tenancy::admit(p, &identity).await?;
    Ok(json!(Verified {
        valid: true,
        user_id: c.user_id,
        organization_id: c.organization_id,
        org_id: c.org_id,
        email: c.email,
        display_name: c.display_name,
        role: c.role.as_str().into(),
    }))
}

/// `GET /api/v1/auth/me`, as HelloSales answers it.
#[derive(Serialize, JsonSchema)]
pub struct Me {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// admin or member, in the token's organisation.
    pub role: String,
    /// The identity provider's organisation id.
    pub org_id: String,
}

pub fn me(c: &Caller) -> Value {
    json!(Me {
        id: c.user_id.clone(),
        email: c.email.clone(),
        name: c.display_name.clone(),
        role: c.role.as_str().into(),
        org_id: c.org_id.clone(),
    })
}

#[derive(Serialize, JsonSchema)]
pub struct Profile {
    pub id: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub auth_provider: String,
    pub onboarding_completed: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The organisation the token is for.
    pub organization: Organization,
    /// admin or member, in that organisation.
    pub role: String,
}

pub async fn profile<P: Platform>(p: &P, c: &Caller) -> Result<Value, ApiError> {
    let row = db::one(
        p,
        "SELECT email, display_name, auth_provider, onboarding_completed, created_at, updated_at \
         FROM users WHERE id = ?1",
        &[c.user_id.as_str().into()],
    )
    .await?
    .ok_or_else(|| compat::not_found("User"))?;
    let r = Cols(&row);
    let org = organization(p, c, &c.organization_id).await?;
    Ok(json!(Profile {
        id: c.user_id.clone(),
        email: r.opt_text(0),
        display_name: r.opt_text(1),
        auth_provider: r.text(2),
        onboarding_completed: r.flag(3),
        created_at: r.text(4),
        updated_at: r.text(5),
        organization: org,
        role: c.role.as_str().into(),
    }))
}

/// `PATCH /api/v1/profile`: `display_name` (1-100 characters) and
/// `onboarding_completed`.
pub async fn update_profile<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["display_name", "onboarding_completed"])?;
    let name = if input.has("display_name") {
        Some(input.required_text("display_name", 100)?)
    } else {
        None
    };
    let done = input.boolean("onboarding_completed")?;
    db::execute(
        p,
        "UPDATE users SET display_name = COALESCE(?2, display_name), \
         onboarding_completed = COALESCE(?3, onboarding_completed), updated_at = ?4 WHERE id = ?1",
        &[
            c.user_id.as_str().into(),
            name.into(),
            done.into(),
            times::iso(p.now_ms()).into(),
        ],
    )
    .await?;
    profile(p, c).await
}

/// An organisation the caller belongs to.
#[derive(Serialize, JsonSchema)]
pub struct Organization {
    pub id: String,
    /// The identity provider's id for it.
    pub org_id: String,
    pub name: Option<String>,
    /// The caller's role in it.
    pub role: String,
    /// Whether it is the one the caller's token is for.
    pub current: bool,
    pub created_at: String,
}

const ORGS: &str = "SELECT o.id, o.org_id, o.name, m.role, o.created_at \
     FROM organizations o JOIN organization_memberships m ON m.organization_id = o.id \
     WHERE m.user_id = ?1";

fn org_row(c: &Caller, r: &[edgedesk_kernel::platform::SqlValue]) -> Organization {
    let r = Cols(r);
    Organization {
        current: r.text(0) == c.organization_id,
        id: r.text(0),
        org_id: r.text(1),
        name: r.opt_text(2),
        role: Role::parse(&r.text(3))
            .unwrap_or(Role::Member)
            .as_str()
            .into(),
        created_at: r.text(4),
    }
}

/// `GET /api/v1/orgs`: the organisations the caller is a member of.
pub async fn organizations<P: Platform>(p: &P, c: &Caller) -> Result<Value, ApiError> {
    let rows = db::query(
        p,
        &format!("{ORGS} ORDER BY o.created_at, o.id"),
        &[c.user_id.as_str().into()],
    )
    .await?;
    Ok(json!(
        rows.iter().map(|r| org_row(c, r)).collect::<Vec<_>>()
    ))
}

/// `GET /api/v1/orgs/{id}`: one of them; 404 for any other.
pub async fn organization<P: Platform>(
    p: &P,
    c: &Caller,
    id: &str,
) -> Result<Organization, ApiError> {
    let row = db::one(
        p,
        &format!("{ORGS} AND o.id = ?2"),
        &[c.user_id.as_str().into(), id.into()],
    )
    .await?
    .ok_or_else(|| compat::not_found("Organization"))?;
    Ok(org_row(c, &row))
}
