//! Owner accounts: `POST /v1/auth/register`, `/login`, `/logout`,
//! `GET /v1/auth/me`, and `POST /v1/public/signup`.
//!
//! An owner belongs to one business. Nobody can attach themselves to a
//! business that exists: registering takes an invitation the operator made
//! for that business (single use, 7 days, optionally for one email), and
//! self sign-up (only with `ALLOW_SELF_SIGNUP=true`) always creates a new
//! business with an id the server chooses. Passwords, login throttling and
//! token revocation are the kernel's, as for the support product's agents.

use crate::db::{self, Cols};
use crate::model::{Done, Owner, OwnerSession};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::zone::Zone;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::Statement;
use edgedesk_kernel::sessions::{self, SignIn};
use edgedesk_kernel::{Platform, Request, Response, bearer, config, times};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The claim that marks a token as an owner's (a support agent's token,
/// signed with the same key, is not one).
const SCOPE: &str = "receptionist-owner";

/// Invitations are good for a week.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

const COLUMNS: &str = "id, business_id, email, name, created_at, last_login_at";

fn from_row(c: &Cols<'_>) -> Owner {
    Owner {
        id: c.text(0),
        business_id: c.text(1),
        email: c.text(2),
        name: c.opt_text(3),
        created_at: times::iso(c.int(4)),
        last_login_at: times::opt_iso(c.opt_int(5)),
    }
}

/// The owner a verified, unrevoked token speaks for.
pub struct Principal {
    pub owner: Owner,
    pub jti: String,
    /// The token's expiry, Unix seconds.
    pub exp: i64,
}

impl Principal {
    /// The one business this owner may see and change.
    pub fn business(&self) -> &str {
        &self.owner.business_id
    }
}

/// Verifies the request's bearer token and loads its owner, refusing a
/// token that is not an owner's, was revoked, or whose owner is gone.
pub async fn principal<P: Platform>(p: &P, req: &Request) -> Result<Principal, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS}, {} FROM owners WHERE id = ?1",
        sessions::REVOKED
    );
    let (session, row) = sessions::holder(
        p,
        req,
        &sql,
        "the owner this token was issued to no longer exists",
    )
    .await?;
    if session.claims.get("scope").and_then(Value::as_str) != Some(SCOPE) {
        return Err(ApiError::unauthorized("this token is not an owner's"));
    }
    Ok(Principal {
        owner: from_row(&Cols(&row)),
        jti: session.jti,
        exp: session.exp,
    })
}

fn session_answer<P: Platform>(p: &P, key: &edgedesk_core::jwt::Key, owner: Owner) -> Value {
    let claims: Map<String, Value> = json!({"scope": SCOPE, "business_id": owner.business_id})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let answer = OwnerSession {
        access_token: sessions::issue(p, key, &owner.id, claims),
        token_type: "bearer".into(),
        expires_in: sessions::TOKEN_TTL_SECS,
        owner,
    };
    serde_json::to_value(&answer).unwrap_or_default()
}

/// `POST /v1/auth/login`.
pub async fn login<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let sql = format!("SELECT hashed_password, {COLUMNS} FROM owners WHERE email = ?1");
    let (row, email, key) = match sessions::sign_in(p, req, &sql).await? {
        SignIn::Account(row, email, key) => (row, email, key),
        SignIn::Refused(res) => return Ok(res),
    };
    let mut owner = from_row(&Cols(&row));
    let now = p.now_ms();
    db::batch(
        p,
        &[
            sessions::forget_failures(&email),
            Statement::new(
                "UPDATE owners SET last_login_at = ?2 WHERE id = ?1",
                vec![owner.id.as_str().into(), now.into()],
            ),
        ],
    )
    .await?;
    owner.last_login_at = Some(times::iso(now));
    Ok(Response::ok(&session_answer(p, &key, owner)))
}

/// `POST /v1/auth/logout`: the token is refused from now on.
pub async fn logout<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    sessions::revoke(p, &who.jti, who.exp).await?;
    Ok(serde_json::to_value(Done {
        message: "logged out".into(),
    })
    .unwrap_or_default())
}

/// `GET /v1/auth/me`.
pub fn me(who: &Principal) -> Value {
    serde_json::to_value(&who.owner).unwrap_or_default()
}

/// The SHA-256 of an invitation token, as stored.
pub fn invitation_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 32 bytes in hex.
pub fn random_token<P: Platform>(p: &P) -> String {
    let mut bytes = [0u8; 32];
    p.fill(&mut bytes);
    hex::encode(bytes)
}

fn invitation_refused() -> ApiError {
    ApiError::forbidden(
        "the invitation is not valid: unknown, already used, expired, or for another email",
    )
}

/// The statement that creates an owner.
fn insert_owner(
    id: &str,
    business_id: &str,
    email: &str,
    hashed: &str,
    name: Option<&str>,
    now: i64,
) -> Statement {
    Statement::new(
        "INSERT INTO owners (id, business_id, email, hashed_password, name, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        vec![
            id.into(),
            business_id.into(),
            email.into(),
            hashed.into(),
            name.into(),
            now.into(),
        ],
    )
}

/// The new account's fields: email, password (8 to 256 characters), name.
fn account(input: &Input) -> Result<(String, String, Option<String>), ApiError> {
    let email =
        sessions::email(input)?.ok_or_else(|| ApiError::unprocessable("email is required"))?;
    let password = sessions::new_password(input)?
        .ok_or_else(|| ApiError::unprocessable("password is required"))?;
    let name = input.text("name", 200)?.filter(|n| !n.is_empty());
    Ok((email, password, name))
}

async fn email_taken<P: Platform>(p: &P, email: &str) -> Result<bool, ApiError> {
    Ok(
        db::one(p, "SELECT 1 FROM owners WHERE email = ?1", &[email.into()])
            .await?
            .is_some(),
    )
}

fn taken() -> ApiError {
    ApiError::conflict("an owner account with this email already exists")
}

/// Signs the new owner in.
async fn created<P: Platform>(p: &P, id: &str) -> Result<Response, ApiError> {
    let key = bearer::key(p).await?;
    let sql = format!("SELECT {COLUMNS} FROM owners WHERE id = ?1");
    let row = db::one(p, &sql, &[id.into()])
        .await?
        .ok_or_else(|| ApiError::failure("the new owner could not be read back"))?;
    let owner = from_row(&Cols(&row));
    Ok(Response::json(
        201,
        &edgedesk_core::envelope::success(&session_answer(p, &key, owner)),
    ))
}

/// `POST /v1/auth/register`: takes the invitation and creates the owner in
/// one transaction, so one invitation makes one owner however many try it
/// at once.
pub async fn register<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(req, &["invitation", "email", "password", "name"])?;
    let invitation = input.required_text("invitation", 200)?;
    let (email, password, name) = account(&input)?;
    bearer::key(p).await?;
    let now = p.now_ms();
    let hash = invitation_hash(&invitation);
    let row = db::one(
        p,
        "SELECT business_id, email FROM owner_invitations \
         WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[hash.as_str().into(), now.into()],
    )
    .await?
    .ok_or_else(invitation_refused)?;
    let c = Cols(&row);
    let business_id = c.text(0);
    if c.opt_text(1).is_some_and(|only| only != email) {
        return Err(invitation_refused());
    }
    if email_taken(p, &email).await? {
        return Err(taken());
    }
    let id = db::new_id(p);
    let hashed = sessions::hash(p, &password);
    // Only while the invitation is still unused: the second of two
    // registrations racing on it inserts nothing.
    let insert = Statement::new(
        "INSERT INTO owners (id, business_id, email, hashed_password, name, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM owner_invitations \
         WHERE token_hash = ?7 AND used_at IS NULL)",
        vec![
            id.as_str().into(),
            business_id.as_str().into(),
            email.as_str().into(),
            hashed.as_str().into(),
            name.as_deref().into(),
            now.into(),
            hash.as_str().into(),
        ],
    );
    let done = db::batch(
        p,
        &[
            insert,
            Statement::new(
                "UPDATE owner_invitations SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
                vec![hash.as_str().into(), now.into()],
            ),
        ],
    )
    .await;
    match done {
        Ok(changed) if changed.first() == Some(&1) => created(p, &id).await,
        Ok(_) => Err(invitation_refused()),
        Err(_) if email_taken(p, &email).await? => Err(taken()),
        Err(e) => Err(e),
    }
}

/// A business id from its name: lowercase words joined by `-`, and a
/// random suffix so no name can land on an existing business.
fn business_id<P: Platform>(p: &P, name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let mut suffix = [0u8; 3];
    p.fill(&mut suffix);
    if slug.is_empty() {
        format!("business-{}", hex::encode(suffix))
    } else {
        format!("{slug}-{}", hex::encode(suffix))
    }
}

/// A time zone the business calendar can read; `field` names it.
pub fn time_zone(field: &str, value: &str) -> Result<String, ApiError> {
    Zone::parse(value)
        .map(|_| value.trim().to_string())
        .map_err(|_| {
            ApiError::unprocessable(format!(
                "{field} must be an IANA time zone like America/Chicago or an offset like -06:00"
            ))
        })
}

/// `POST /v1/public/signup`: a new business and its first owner, only when
/// the deployment allows it (`ALLOW_SELF_SIGNUP=true`); otherwise the
/// route does not exist (404).
pub async fn signup<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    if !config::flag(p, "ALLOW_SELF_SIGNUP").await {
        return Ok(edgedesk_kernel::router::no_endpoint(req));
    }
    let input = Input::body(
        req,
        &["business_name", "time_zone", "email", "password", "name"],
    )?;
    let business_name = input.required_text("business_name", 200)?;
    let zone = match input.text("time_zone", 100)? {
        Some(z) => time_zone("time_zone", &z)?,
        None => "UTC".into(),
    };
    let (email, password, name) = account(&input)?;
    bearer::key(p).await?;
    if email_taken(p, &email).await? {
        return Err(taken());
    }
    let now = p.now_ms();
    let business = business_id(p, &business_name);
    let id = db::new_id(p);
    let hashed = sessions::hash(p, &password);
    let widget = random_token(p);
    let done = db::batch(
        p,
        &[
            Statement::new(
                "INSERT INTO businesses (id, name, time_zone, widget_token, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                vec![
                    business.as_str().into(),
                    business_name.as_str().into(),
                    zone.as_str().into(),
                    widget.as_str().into(),
                    now.into(),
                ],
            ),
            insert_owner(&id, &business, &email, &hashed, name.as_deref(), now),
        ],
    )
    .await;
    match done {
        Ok(_) => created(p, &id).await,
        Err(_) if email_taken(p, &email).await? => Err(taken()),
        Err(e) => Err(e),
    }
}
