//! The operator's routes (administration, metrics): `Authorization: Bearer
//! <OPERATOR_TOKEN>`. The token is a deployment secret, compared in
//! constant time; unset, the routes answer 503 rather than stand open.

use crate::bearer;
use crate::config;
use crate::http::Request;
use crate::platform::Config;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::signing::same_secret;

/// Whether the request carries the operator token.
pub async fn check<P: Config>(p: &P, req: &Request) -> Result<(), ApiError> {
    let Some(expected) = config::non_empty(p, "OPERATOR_TOKEN").await else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "operator routes are not configured: OPERATOR_TOKEN is not set",
        ));
    };
    let given = bearer::token(req)?;
    if same_secret(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("the operator token is not valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars(Option<&'static str>);

    impl Config for Vars {
        async fn var(&self, name: &str) -> Option<String> {
            (name == "OPERATOR_TOKEN").then(|| self.0.map(str::to_string))?
        }
    }

    fn req(auth: Option<&str>) -> Request {
        let r = Request::new("GET", "/metrics");
        match auth {
            Some(a) => r.with_header("authorization", a),
            None => r,
        }
    }

    #[test]
    fn only_the_operator_token_passes() {
        let set = Vars(Some("op-secret"));
        let run = |v: &Vars, r: Request| futures::executor::block_on(check(v, &r));
        assert!(run(&set, req(Some("Bearer op-secret"))).is_ok());
        assert_eq!(
            run(&set, req(Some("Bearer op-secre")))
                .unwrap_err()
                .status(),
            401
        );
        assert_eq!(
            run(&set, req(Some("Bearer op-secretx")))
                .unwrap_err()
                .status(),
            401
        );
        assert_eq!(run(&set, req(None)).unwrap_err().status(), 401);
        // Unset: closed, and saying why.
        let unset = Vars(None);
        assert_eq!(run(&unset, req(None)).unwrap_err().status(), 503);
        assert_eq!(
            run(&unset, req(Some("Bearer x"))).unwrap_err().status(),
            503
        );
    }
}
