//! Bearer session tokens, for routes whose policy is
//! [`Auth::Bearer`](crate::router::Auth::Bearer): an HS256 JWT signed with
//! `SECRET_KEY`, verified with a fixed algorithm before any handler runs.
//! What the token's subject may do, and whether it was revoked, is the
//! product's to decide with its own database.

use crate::config;
use crate::http::Request;
use crate::platform::{Clock, Config};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::jwt::{self, Key};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// A verified token's claims.
pub type Claims = Map<String, Value>;

/// The `WWW-Authenticate` challenge a refused bearer call carries.
pub const CHALLENGE: &str = "Bearer realm=\"edgedesk\"";

/// The key for `SECRET_KEY`, prepared once per setting and reused by every
/// call the isolate or instance serves. Unset: a 503 naming the setting.
pub async fn key<P: Config>(p: &P) -> Result<Rc<Key>, ApiError> {
    thread_local! {
        static PREPARED: RefCell<Option<(String, Rc<Key>)>> = const { RefCell::new(None) };
    }
    let Some(secret) = config::non_empty(p, "SECRET_KEY").await else {
        return Err(ApiError::new(
            edgedesk_core::envelope::ErrorCode::NotConfigured,
            "sign-in is not configured: SECRET_KEY is not set",
        ));
    };
    Ok(PREPARED.with_borrow_mut(|prepared| match prepared {
        Some((s, key)) if *s == secret => key.clone(),
        _ => {
            let key = Rc::new(Key::new(secret.as_bytes()));
            *prepared = Some((secret, key.clone()));
            key
        }
    }))
}

/// The token of `Authorization: Bearer <token>`.
pub fn token(req: &Request) -> Result<&str, ApiError> {
    let header = req
        .header("authorization")
        .ok_or_else(|| ApiError::unauthorized("Authorization: Bearer <token> is required"))?;
    let (scheme, token) = header.trim().split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "the Authorization header must be: Bearer <token>",
        ));
    }
    Ok(token.trim())
}

/// The claims of the request's token: signature, algorithm and expiry
/// checked.
pub async fn verify<P: Clock + Config>(p: &P, req: &Request) -> Result<Claims, ApiError> {
    let token = token(req)?;
    let key = key(p).await?;
    jwt::verify(&key, token, p.now_ms().div_euclid(1000))
        .map_err(|e| ApiError::unauthorized(e.describe()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestPlatform;
    use futures::executor::block_on;
    use serde_json::json;

    fn claims(exp: i64) -> Claims {
        json!({"sub": "a1", "role": "agent", "exp": exp, "iat": exp - 60, "jti": "j"})
            .as_object()
            .unwrap()
            .clone()
    }

    fn platform() -> TestPlatform {
        let p = TestPlatform::new();
        p.set_var("SECRET_KEY", "test-secret");
        p
    }

    #[test]
    fn a_valid_token_gives_its_claims() {
        let p = platform();
        let now = p.now_ms() / 1000;
        let t = jwt::sign(&Key::new(b"test-secret"), &claims(now + 60));
        let req = Request::new("GET", "/x").with_header("authorization", &format!("bearer {t}"));
        assert_eq!(block_on(verify(&p, &req)).unwrap()["sub"], "a1");
    }

    #[test]
    fn bad_tokens_are_401_and_a_missing_secret_503() {
        let p = platform();
        let now = p.now_ms() / 1000;
        let expired = jwt::sign(&Key::new(b"test-secret"), &claims(now));
        let other = jwt::sign(&Key::new(b"other"), &claims(now + 60));
        for header in [
            None,
            Some("Basic abc".to_string()),
            Some("Bearer".to_string()),
            Some(format!("Bearer {expired}")),
            Some(format!("Bearer {other}")),
        ] {
            let mut req = Request::new("GET", "/x");
            if let Some(h) = &header {
                req = req.with_header("authorization", h);
            }
            assert_eq!(
                block_on(verify(&p, &req)).unwrap_err().status(),
                401,
                "{header:?}"
            );
        }
        p.vars.borrow_mut().remove("SECRET_KEY");
        let req = Request::new("GET", "/x").with_header("authorization", "Bearer a.b.c");
        let e = block_on(verify(&p, &req)).unwrap_err();
        assert_eq!(e.status(), 503);
        assert!(e.message.contains("SECRET_KEY"));
    }
}
