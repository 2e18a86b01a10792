//! Accounts that sign in with an email and a password and then hold a
//! bearer session token, for every product that has them: the fields a
//! sign-in reads, failed logins throttled per email, the token's claims,
//! and revocation by logging out. A product keeps the two tables in its
//! own database (`login_failures (email, at)` and `revoked_tokens (jti,
//! expires_at)`) and its own accounts.

use crate::bearer;
use crate::db::{self, Cols};
use crate::http::{Request, Response};
use crate::input::Input;
use crate::passwords;
use crate::platform::{Platform, Row, Statement};
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::jwt::{self, Key};
use serde_json::{Map, Value};
use std::rc::Rc;

/// Session tokens live this long.
pub const TOKEN_TTL_SECS: i64 = 24 * 60 * 60;

/// Failed logins for one email within [`LOGIN_WINDOW_MS`] before further
/// attempts are refused until the window passes.
pub const LOGIN_ATTEMPTS: i64 = 5;
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// An SQL expression, true when the token `?2` was revoked: products load
/// the token's account and this in one query.
pub const REVOKED: &str = "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2)";

/// `email`: lowercased, at most 254 characters, shaped like an address.
pub fn email(input: &Input) -> Result<Option<String>, ApiError> {
    let Some(e) = input.text("email", 254)? else {
        return Ok(None);
    };
    let e = e.to_lowercase();
    let valid = e.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)
    });
    if !valid {
        return Err(ApiError::unprocessable(
            "email must be an email address like ana@example.com",
        ));
    }
    Ok(Some(e))
}

/// A password being set: 8 to 256 characters.
pub fn new_password(input: &Input) -> Result<Option<String>, ApiError> {
    match input.value("password") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if (8..=256).contains(&s.chars().count()) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::unprocessable(
            "password must be a string of 8 to 256 characters",
        )),
    }
}

/// The email and password of a sign-in. The password is bounded only in
/// bytes (what the hash reads), so an old password of any rule still
/// signs in.
pub fn credentials(input: &Input) -> Result<(String, String), ApiError> {
    let email = input.required_text("email", 254)?.to_lowercase();
    let password = match input.value("password") {
        Some(Value::String(s)) if s.len() <= 1024 => s.clone(),
        Some(Value::String(_)) => {
            return Err(ApiError::unprocessable(
                "password must be at most 1024 bytes",
            ));
        }
        None | Some(Value::Null) => return Err(ApiError::unprocessable("password is required")),
        Some(_) => return Err(ApiError::unprocessable("password must be a string")),
    };
    Ok((email, password))
}

/// The PHC string of `password` with a fresh salt from the platform.
pub fn hash<P: Platform>(p: &P, password: &str) -> String {
    let mut salt = [0u8; 16];
    p.fill(&mut salt);
    passwords::hash(password, salt)
}

/// 429 with `Retry-After` when `email` has failed [`LOGIN_ATTEMPTS`] times
/// within the window: allowed again once enough failures have left it.
pub async fn throttled<P: Platform>(p: &P, email: &str) -> Result<Option<Response>, ApiError> {
    let now = p.now_ms();
    let failures = db::query(
        p,
        "SELECT at FROM login_failures WHERE email = ?1 AND at > ?2 ORDER BY at",
        &[email.into(), (now - LOGIN_WINDOW_MS).into()],
    )
    .await?;
    if (failures.len() as i64) < LOGIN_ATTEMPTS {
        return Ok(None);
    }
    let oldest = Cols(&failures[failures.len() - LOGIN_ATTEMPTS as usize]).int(0);
    let secs = ((oldest + LOGIN_WINDOW_MS - now + 999) / 1000).max(1);
    let mut res = Response::error(&ApiError::new(
        ErrorCode::RateLimited,
        format!("too many failed logins for this email; try again in {secs} seconds"),
    ));
    res.set_header("retry-after", secs.to_string());
    Ok(Some(res))
}

/// Checks `password` against the stored hash of the account found for
/// `email` (none: against a decoy, so an unknown email costs the same
/// time as a wrong password). A mismatch is recorded and answered 401
/// without saying which it was.
pub async fn check_password<P: Platform>(
    p: &P,
    email: &str,
    password: &str,
    stored: Option<&str>,
) -> Result<(), ApiError> {
    let matches = passwords::verify(password, stored.unwrap_or(passwords::DECOY));
    if matches && stored.is_some() {
        return Ok(());
    }
    let now = p.now_ms();
    db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM login_failures WHERE email = ?1 AND at <= ?2",
                vec![email.into(), (now - LOGIN_WINDOW_MS).into()],
            ),
            Statement::new(
                "INSERT INTO login_failures (email, at) VALUES (?1, ?2)",
                vec![email.into(), now.into()],
            ),
        ],
    )
    .await?;
    Err(ApiError::unauthorized("email or password is incorrect"))
}

/// A sign-in's outcome before the product answers it.
pub enum SignIn {
    /// The account's row (without the hash), its email, and the key that
    /// signs its token.
    Account(Row, String, Rc<Key>),
    /// Throttled: the 429 to answer.
    Refused(Response),
}

/// Reads `{"email", "password"}`, applies the per-email throttle, loads
/// the account with `sql` (its first column the stored hash, `?1` the
/// email) and checks the password; a wrong one is recorded and 401.
pub async fn sign_in<P: Platform>(p: &P, req: &Request, sql: &str) -> Result<SignIn, ApiError> {
    let input = Input::body(req, &["email", "password"])?;
    let (email, password) = credentials(&input)?;
    let key = bearer::key(p).await?;
    if let Some(refused) = throttled(p, &email).await? {
        return Ok(SignIn::Refused(refused));
    }
    let row = db::one(p, sql, &[email.as_str().into()]).await?;
    let stored = row.as_ref().map(|r| Cols(r).text(0));
    check_password(p, &email, &password, stored.as_deref()).await?;
    let Some(mut row) = row else {
        return Err(ApiError::unauthorized("email or password is incorrect"));
    };
    row.remove(0);
    Ok(SignIn::Account(row, email, key))
}

/// Forgets an email's failed logins, after it signs in.
pub fn forget_failures(email: &str) -> Statement {
    Statement::new(
        "DELETE FROM login_failures WHERE email = ?1",
        vec![email.into()],
    )
}

/// A session token for `sub`, valid [`TOKEN_TTL_SECS`], with a fresh `jti`
/// and the product's own claims besides.
pub fn issue<P: Platform>(p: &P, key: &Key, sub: &str, extra: Map<String, Value>) -> String {
    let iat = p.now_ms().div_euclid(1000);
    let mut claims = extra;
    claims.insert("sub".into(), sub.into());
    claims.insert("iat".into(), iat.into());
    claims.insert("exp".into(), (iat + TOKEN_TTL_SECS).into());
    claims.insert("jti".into(), db::new_id(p).into());
    jwt::sign(key, &claims)
}

/// A verified token: who it speaks for, its id and expiry, and its claims.
pub struct Session {
    pub sub: String,
    pub jti: String,
    /// Unix seconds.
    pub exp: i64,
    pub claims: bearer::Claims,
}

/// The request's bearer token, verified, with its subject and id. Whether
/// it was revoked is checked by the product with [`REVOKED`], alongside
/// loading the account.
pub async fn session<P: Platform>(p: &P, req: &Request) -> Result<Session, ApiError> {
    let claims = bearer::verify(p, req).await?;
    let text = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (sub, jti) = (text("sub"), text("jti"));
    if sub.is_empty() || jti.is_empty() {
        return Err(ApiError::unauthorized("the token lacks its subject or id"));
    }
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    Ok(Session {
        sub,
        jti,
        exp,
        claims,
    })
}

/// The request's session and the row of the account it speaks for,
/// loaded with `sql` (`?1` the subject, `?2` the token id, its last column
/// [`REVOKED`]), which the row comes back without. No account is 401
/// with `gone`; a revoked token is 401.
pub async fn holder<P: Platform>(
    p: &P,
    req: &Request,
    sql: &str,
    gone: &str,
) -> Result<(Session, Row), ApiError> {
    let session = session(p, req).await?;
    let mut row = db::one(
        p,
        sql,
        &[session.sub.as_str().into(), session.jti.as_str().into()],
    )
    .await?
    .ok_or_else(|| ApiError::unauthorized(gone))?;
    if row.pop().is_some_and(|r| Cols(&[r]).flag(0)) {
        return Err(revoked());
    }
    Ok((session, row))
}

/// Refuses the token from now until it would have expired anyway.
pub async fn revoke<P: Platform>(p: &P, jti: &str, exp: i64) -> Result<(), ApiError> {
    let now = p.now_ms();
    db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM revoked_tokens WHERE expires_at <= ?1",
                vec![now.into()],
            ),
            Statement::new(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                vec![jti.into(), (exp * 1000).into()],
            ),
        ],
    )
    .await?;
    Ok(())
}

/// The refusal for a revoked token.
pub fn revoked() -> ApiError {
    ApiError::unauthorized("this token was revoked by logging out; log in again")
}
