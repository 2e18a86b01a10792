//! Signing in and out: `POST /api/agents/login`, `/logout`, `GET /me`.
//! Failed logins are throttled per email, and an unknown email costs the
//! same password check as a wrong password, so neither answer nor timing
//! tells which it was.

use crate::access::Principal;
use crate::agents::{self, COLUMNS};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{Done, LoginAnswer};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{Platform, Statement};
use edgedesk_kernel::{Request, Response, bearer, sessions};
use serde_json::{Map, Value, json};

/// `POST /api/agents/login`.
pub async fn login<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(req, &["email", "password"])?;
    let (email, password) = sessions::credentials(&input)?;
    let key = bearer::key(p).await?;
    if let Some(refused) = sessions::throttled(p, &email).await? {
        return Ok(refused);
    }
    let sql = format!("SELECT hashed_password, {COLUMNS} FROM agents WHERE email = ?1");
    let row = db::one(p, &sql, &[email.as_str().into()]).await?;
    let stored = row.as_ref().map(|r| Cols(r).text(0));
    sessions::check_password(p, &email, &password, stored.as_deref()).await?;
    let Some(row) = row else {
        return Err(ApiError::unauthorized("email or password is incorrect"));
    };
    let mut agent = agents::from_row(&row[1..]);
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
