//! Who is calling, in which organisation, with which role. Users,
//! organisations and memberships are created on first sight of a valid
//! token, as HelloSales does: the user by the token's subject, its email
//! kept current and its display name taken from the email's local part;
//! the organisation by the token's `org_id`; the membership with the
//! token's role when it carries one (`admin`, anything else `member`),
//! else `admin` for an organisation's first member and `member` after.
//! Every playbook query names the caller's organisation.

use crate::sso;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::platform::{SqlValue, Statement};
use edgedesk_kernel::{Platform, Request, bearer, times};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// What a verified token says about its holder.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub subject: String,
    pub org_id: String,
    /// Trimmed and lowercased.
    pub email: Option<String>,
    pub role: Option<Role>,
    /// The token's `permissions` claim, as JSON text.
    pub permissions: Option<String>,
}

impl Identity {
    /// The seeded dev user of the dev organisation (`dev_token`).
    pub fn dev() -> Identity {
        Identity {
            subject: "dev_user_123".into(),
            org_id: "dev_org_123".into(),
            email: Some("dev@example.com".into()),
            role: None,
            permissions: None,
        }
    }

    /// The identity of verified claims: `sub` and `org_id` are required.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Identity, ApiError> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let subject = text("sub")
            .ok_or_else(|| ApiError::unauthorized("the access token has no subject (sub)"))?;
        let org_id = text("org_id").ok_or_else(|| {
            ApiError::unauthorized("the access token has no organisation (org_id claim)")
        })?;
        let role = text("role").map(|r| {
            if r.eq_ignore_ascii_case("admin") {
                Role::Admin
            } else {
                Role::Member
            }
        });
        let permissions = claims
            .get("permissions")
            .filter(|p| p.is_array() || p.is_object())
            .map(Value::to_string);
        Ok(Identity {
            subject: subject.to_string(),
            org_id: org_id.to_string(),
            email: text("email").map(str::to_lowercase),
            role,
            permissions,
        })
    }
}

/// A caller: a user, the organisation their token is for, and their role
/// in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Caller {
    pub user_id: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// The organisation's id here.
    pub organization_id: String,
    /// The identity provider's id for it.
    pub org_id: String,
    pub org_name: Option<String>,
    pub role: Role,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// 403 unless the caller is an admin of their organisation.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden("Admin role required"))
        }
    }
}

/// The caller of a request: its bearer token verified, then its user,
/// organisation and membership found or created.
pub async fn caller<P: Platform>(p: &P, req: &Request) -> Result<Caller, ApiError> {
    let token = bearer::token(req)?;
    let identity = sso::identify(p, token).await?;
    admit(p, &identity).await
}

const FIND: &str = "SELECT u.id, u.email, u.display_name, o.id, o.org_id, o.name, m.role \
     FROM users u JOIN organization_memberships m ON m.user_id = u.id \
     JOIN organizations o ON o.id = m.organization_id \
     WHERE u.auth_subject = ?1 AND o.org_id = ?2";

async fn find<P: Platform>(p: &P, identity: &Identity) -> Result<Option<Caller>, ApiError> {
    let row = db::one(
        p,
        FIND,
        &[
            identity.subject.as_str().into(),
            identity.org_id.as_str().into(),
        ],
    )
    .await?;
    Ok(row.map(|r| {
        let c = Cols(&r);
        Caller {
            user_id: c.text(0),
            email: c.opt_text(1),
            display_name: c.opt_text(2),
            organization_id: c.text(3),
            org_id: c.text(4),
            org_name: c.opt_text(5),
            role: Role::parse(&c.text(6)).unwrap_or(Role::Member),
        }
    }))
}

/// The caller an identity stands for, created or brought up to date with
/// the token in one transaction when anything differs; a warm caller
/// costs one read.
pub async fn admit<P: Platform>(p: &P, identity: &Identity) -> Result<Caller, ApiError> {
    if let Some(c) = find(p, identity).await?
        && identity
            .email
            .as_ref()
            .is_none_or(|e| c.email.as_ref() == Some(e))
        && identity.role.is_none_or(|r| r == c.role)
    {
        return Ok(c);
    }
    let now = times::iso(p.now_ms());
    let display_name = identity
        .email
        .as_deref()
        .and_then(|e| e.split('@').next())
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let subject: SqlValue = identity.subject.as_str().into();
    let org: SqlValue = identity.org_id.as_str().into();
    let role: SqlValue = identity.role.map(Role::as_str).into();
    db::batch(
        p,
        &[
            Statement::new(
                "INSERT INTO organizations (id, org_id, created_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (org_id) DO NOTHING",
                vec![db::new_id(p).into(), org.clone(), now.as_str().into()],
            ),
            Statement::new(
                "INSERT INTO users (id, auth_provider, auth_subject, email, display_name, created_at, updated_at) \
                 VALUES (?1, 'workos', ?2, ?3, ?4, ?5, ?5) \
                 ON CONFLICT (auth_subject) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at \
                 WHERE excluded.email IS NOT NULL AND users.email IS NOT excluded.email",
                vec![
                    db::new_id(p).into(),
                    subject.clone(),
                    identity.email.as_deref().into(),
                    display_name.into(),
                    now.as_str().into(),
                ],
            ),
            // An organisation's first member runs it until the identity
            // provider says otherwise.
            Statement::new(
                "INSERT INTO organization_memberships (user_id, organization_id, role, permissions, created_at) \
                 SELECT u.id, o.id, COALESCE(?3, CASE WHEN EXISTS \
                   (SELECT 1 FROM organization_memberships x WHERE x.organization_id = o.id) \
                   THEN 'member' ELSE 'admin' END), ?4, ?5 \
                 FROM users u, organizations o WHERE u.auth_subject = ?1 AND o.org_id = ?2 \
                 ON CONFLICT (user_id, organization_id) DO UPDATE SET \
                   role = COALESCE(?3, organization_memberships.role), \
                   permissions = COALESCE(?4, organization_memberships.permissions)",
                vec![
                    subject,
                    org,
                    role,
                    identity.permissions.as_deref().into(),
                    now.as_str().into(),
                ],
            ),
        ],
    )
    .await?;
    find(p, identity)
        .await?
        .ok_or_else(|| ApiError::failure("the membership could not be recorded; try again"))
}
