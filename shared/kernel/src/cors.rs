//! CORS against an explicit allow-list (`ALLOWED_ORIGIN`, comma-separated).
//! No wildcard is ever sent: a browser only gets the header back for an
//! origin on the list.

use crate::http::{Request, Response};

/// What browser clients send: the support API's agent apps (bearer tokens,
/// PUT, PATCH and DELETE) and the chat widget on a business's own site.
pub const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
pub const ALLOWED_HEADERS: &str = "Content-Type, Authorization, X-Signature, X-Timestamp, X-Client, X-Business-ID, X-Widget-Token";
const MAX_AGE_SECS: &str = "600";

/// The caller's origin if it is on the allow-list.
pub fn allowed_origin<'a>(req: &'a Request, allow_list: Option<&str>) -> Option<&'a str> {
    let origin = req.header("origin")?;
    let list = allow_list?;
    list.split(',')
        .map(|o| o.trim().trim_end_matches('/'))
        .any(|o| !o.is_empty() && o != "*" && o == origin)
        .then_some(origin)
}

pub fn is_preflight(req: &Request) -> bool {
    req.method == "OPTIONS" && req.header("access-control-request-method").is_some()
}

/// Answers a preflight: 204 with the allowances for a listed origin, 403
/// with none otherwise.
pub fn preflight(origin: Option<&str>) -> Response {
    let Some(origin) = origin else {
        return Response::empty(403);
    };
    let mut res = Response::empty(204);
    res.set_header("access-control-allow-origin", origin);
    res.set_header("access-control-allow-methods", ALLOWED_METHODS);
    res.set_header("access-control-allow-headers", ALLOWED_HEADERS);
    res.set_header("access-control-max-age", MAX_AGE_SECS);
    res
}

/// Adds the allow header for a listed origin and `Vary: Origin` always, so
/// caches never serve one origin's answer to another.
pub fn decorate(res: &mut Response, origin: Option<&str>) {
    if let Some(origin) = origin {
        res.set_header("access-control-allow-origin", origin);
        res.set_header("access-control-expose-headers", "X-Request-Id");
    }
    res.set_header("vary", "Origin");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(origin: &str) -> Request {
        Request::new("GET", "/").with_header("Origin", origin)
    }

    #[test]
    fn only_listed_origins_are_allowed() {
        let list = Some("http://localhost:3000, https://app.example.com/");
        assert_eq!(
            allowed_origin(&from("http://localhost:3000"), list),
            Some("http://localhost:3000")
        );
        assert_eq!(
            allowed_origin(&from("https://app.example.com"), list),
            Some("https://app.example.com")
        );
        assert_eq!(allowed_origin(&from("https://evil.example"), list), None);
        assert_eq!(allowed_origin(&from("http://localhost:3000"), None), None);
        assert_eq!(allowed_origin(&from("https://x.example"), Some("*")), None);
        assert_eq!(allowed_origin(&Request::new("GET", "/"), list), None);
    }

    #[test]
    fn preflight_answers() {
        let ok = preflight(Some("http://localhost:3000"));
        assert_eq!(ok.status, 204);
        assert_eq!(
            ok.header("access-control-allow-origin"),
            Some("http://localhost:3000")
        );
        let denied = preflight(None);
        assert_eq!(denied.status, 403);
        assert_eq!(denied.header("access-control-allow-origin"), None);
    }
}
