//! Signing in and out: `POST /api/agents/login`, `/logout`, `GET /me`.
//! Failed logins are throttled per email, and an unknown email costs the
//! same password check as a wrong password, so neither answer nor timing
//! tells which it was.

use crate::access::Principal;
use crate::agents::{self, COLUMNS};
use crate::db;
use crate::model::{Done, LoginAnswer};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{Platform, Statement};
use edgedesk_kernel::sessions::{self, SignIn};
use edgedesk_kernel::{Request, Response};
use serde_json::{Map, Value, json};

/// `POST /api/agents/login`.
pub async fn login<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let sql = format!("SELECT hashed_password, {COLUMNS} FROM agents WHERE email = ?1");
    let (row, email, key) = match sessions::sign_in(p, req, &sql).await? {
        SignIn::Account(row, email, key) => (row, email, key),
        SignIn::Refused(res) => return Ok(res),
    };
    let mut agent = agents::from_row(&row);
    let now = p.now_ms();
    db::batch(
        p,
        &[
            sessions::forget_failures(&email),
            Statement::new(
                "UPDATE agents SET last_login_at = ?2 WHERE id = ?1",
                vec![agent.id.as_str().into(), now.into()],
            ),
        ],
    )
    .await?;
    agent.last_login_at = Some(crate::wire::iso(now));
    let claims: Map<String, Value> = json!({
        "email": agent.email,
        "role": agent.role.as_str(),
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    let answer = LoginAnswer {
        access_token: sessions::issue(p, &key, &agent.id, claims),
        token_type: "bearer".into(),
        expires_in: sessions::TOKEN_TTL_SECS,
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
    sessions::revoke(p, &who.jti, who.exp).await?;
    Ok(serde_json::to_value(Done {
        message: "logged out".into(),
    })
    .unwrap_or(Value::Null))
}
