//! Signing in and out: `POST /api/agents/login`, `/logout`, `GET /me`.
//! Failed logins are throttled per email, and an unknown email costs the
//! same password check as a wrong password, so neither answer nor timing
//! tells which it was.

use crate::access::Principal;
use crate::agents::{self, COLUMNS};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{Done, LoginAnswer};
use crate::passwords;
use crate::settings::{LOGIN_ATTEMPTS, LOGIN_WINDOW_MS, TOKEN_TTL_SECS};
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::jwt;
use edgedesk_kernel::platform::{Platform, Statement};
use edgedesk_kernel::{Request, Response, bearer};
use serde_json::{Map, Value, json};

/// `POST /api/agents/login`.
pub async fn login<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(req, &["email", "password"])?;
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
    let key = bearer::key(p).await?;
    let now = p.now_ms();
    let failures = db::query(
        p,
        "SELECT at FROM login_failures WHERE email = ?1 AND at > ?2 ORDER BY at",
        &[email.as_str().into(), (now - LOGIN_WINDOW_MS).into()],
    )
    .await?;
    if failures.len() as i64 >= LOGIN_ATTEMPTS {
        // Allowed again once enough failures have left the window.
        let oldest = Cols(&failures[failures.len() - LOGIN_ATTEMPTS as usize]).int(0);
        let wait_ms = oldest + LOGIN_WINDOW_MS - now;
        let secs = ((wait_ms + 999) / 1000).max(1);
        let mut res = Response::error(&ApiError::new(
            ErrorCode::RateLimited,
            format!("too many failed logins for this email; try again in {secs} seconds"),
        ));
        res.set_header("retry-after", secs.to_string());
        return Ok(res);
    }
    let sql = format!("SELECT hashed_password, {COLUMNS} FROM agents WHERE email = ?1");
    let row = db::one(p, &sql, &[email.as_str().into()]).await?;
    let stored = row.as_ref().map(|r| Cols(r).text(0));
    let matches = passwords::verify(&password, stored.as_deref().unwrap_or(passwords::DECOY));
    let Some(row) = row.filter(|_| matches) else {
        db::batch(
            p,
            &[
                Statement::new(
                    "DELETE FROM login_failures WHERE email = ?1 AND at <= ?2",
                    vec![email.as_str().into(), (now - LOGIN_WINDOW_MS).into()],
                ),
                Statement::new(
                    "INSERT INTO login_failures (email, at) VALUES (?1, ?2)",
                    vec![email.as_str().into(), now.into()],
                ),
            ],
        )
        .await?;
        return Err(ApiError::unauthorized("email or password is incorrect"));
    };
    let mut agent = agents::from_row(&row[1..]);
    db::batch(
        p,
        &[
            Statement::new(
                "DELETE FROM login_failures WHERE email = ?1",
                vec![email.as_str().into()],
            ),
            Statement::new(
                "UPDATE agents SET last_login_at = ?2 WHERE id = ?1",
                vec![agent.id.as_str().into(), now.into()],
            ),
        ],
    )
    .await?;
    agent.last_login_at = Some(crate::wire::iso(now));
    let iat = now.div_euclid(1000);
    let claims: Map<String, Value> = json!({
        "sub": agent.id,
        "email": agent.email,
        "role": agent.role.as_str(),
        "iat": iat,
        "exp": iat + TOKEN_TTL_SECS,
        "jti": db::new_id(p),
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    let answer = LoginAnswer {
        access_token: jwt::sign(&key, &claims),
        token_type: "bearer".into(),
        expires_in: TOKEN_TTL_SECS,
        agent,
    };
    Ok(Response::json(
        200,
        &serde_json::to_value(&answer).unwrap_or(Value::Null),
    ))
}

/// `POST /api/agents/logout`: the token is refused from now until it
/// would have expired anyway.
pub async fn logout<P: Platform>(p: &P, who: &Principal) -> Result<Value, ApiError> {
    let now = p.now_ms();
    db::batch(
        p,
        &[
            Statement::new("DELETE FROM revoked_tokens WHERE expires_at <= ?1", vec![now.into()]),
            Statement::new(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                vec![who.jti.as_str().into(), (who.exp * 1000).into()],
            ),
        ],
    )
    .await?;
    Ok(serde_json::to_value(Done {
        message: "logged out".into(),
    })
    .unwrap_or(Value::Null))
}
