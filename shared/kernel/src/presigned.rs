//! Routes reached through a presigned URL ([`crate::Auth::Presigned`]):
//! `?expires=<unix s>&max_bytes=<n>&signature=<hex>`, signed with
//! `URL_SIGNING_SECRET` by the deployment itself
//! ([`edgedesk_core::presigned`]), so uploads and downloads work the same
//! on every runtime and need no cloud credentials. Such routes take bodies
//! up to the size their URL grants, at most [`MAX_UPLOAD_BYTES`].

use crate::config;
use crate::http::{BodyError, MAX_BODY_BYTES, Request};
use crate::platform::{Clock, Config};
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::presigned::{Grant, Refusal, check as check_grant};

/// The largest body a presigned write takes on any runtime. The body is
/// held once in memory while it is stored.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// The variable holding the signing secret.
pub const SECRET: &str = "URL_SIGNING_SECRET";

/// The query of a presigned URL for `method` on `path`.
pub fn query(secret: &str, method: &str, path: &str, expires: i64, max_bytes: u64) -> String {
    let grant = Grant {
        method,
        path,
        expires,
        max_bytes,
    };
    format!(
        "expires={expires}&max_bytes={max_bytes}&signature={}",
        grant.sign(secret.as_bytes())
    )
}

/// The query fields of a presigned URL, as sent.
struct Sent<'a> {
    expires: Option<i64>,
    max_bytes: Option<u64>,
    signature: Option<&'a str>,
}

fn sent(req: &Request) -> Sent<'_> {
    let mut s = Sent {
        expires: None,
        max_bytes: None,
        signature: None,
    };
    for pair in req.query.split('&') {
        match pair.split_once('=') {
            Some(("expires", v)) => s.expires = v.parse().ok(),
            Some(("max_bytes", v)) => s.max_bytes = v.parse().ok(),
            Some(("signature", v)) => s.signature = Some(v),
            _ => {}
        }
    }
    s
}

/// How much body an adapter reads for a request to a presigned route:
/// what the URL claims, never more than [`MAX_UPLOAD_BYTES`]. The claim is
/// checked with the signature before anything is stored.
pub fn body_limit(req: &Request) -> usize {
    sent(req)
        .max_bytes
        .map_or(MAX_BODY_BYTES, |m| m.min(MAX_UPLOAD_BYTES as u64) as usize)
}

/// Whether the request carries a valid, unexpired grant for its method
/// and path, and a body within it. A refusal says nothing about which
/// part was wrong beyond expired or not valid.
pub async fn check<P: Config + Clock>(p: &P, req: &Request) -> Result<(), ApiError> {
    let Some(secret) = config::non_empty(p, SECRET).await else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            format!("presigned URLs are not configured: {SECRET} is not set"),
        ));
    };
    let s = sent(req);
    let (Some(expires), Some(max_bytes), Some(signature)) = (s.expires, s.max_bytes, s.signature)
    else {
        return Err(ApiError::forbidden(
            "this URL is not presigned: it needs expires, max_bytes and signature",
        ));
    };
    let grant = Grant {
        method: if req.method == "HEAD" {
            "GET"
        } else {
            &req.method
        },
        path: &req.path,
        expires,
        max_bytes,
    };
    match check_grant(&grant, secret.as_bytes(), signature, p.now_ms() / 1000) {
        Err(Refusal::Expired) => return Err(ApiError::forbidden("this URL has expired")),
        Err(Refusal::BadSignature) => {
            return Err(ApiError::forbidden(
                "this URL's signature is not valid for this request",
            ));
        }
        Ok(()) => {}
    }
    let too_large = || {
        ApiError::invalid(format!(
            "this URL takes a body of at most {max_bytes} bytes"
        ))
        .with_status(413)
    };
    match &req.body {
        Ok(b) if b.len() as u64 > max_bytes => Err(too_large()),
        Err(BodyError::TooLarge) => Err(too_large()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    struct P(Option<&'static str>);

    impl Config for P {
        async fn var(&self, name: &str) -> Option<String> {
            (name == SECRET).then(|| self.0.map(str::to_string))?
        }
    }

    impl Clock for P {
        fn now_ms(&self) -> i64 {
            1_000_000_000
        }
        async fn sleep(&self, _: u64) {}
    }

    const PATH: &str = "/api/sales/objects/raw/2026-11-02/store-001.json";

    fn put(query: &str, body: &[u8]) -> Request {
        Request::new("PUT", &format!("{PATH}?{query}")).with_body(body.to_vec())
    }

    fn status(p: &P, req: &Request) -> Result<(), u16> {
        block_on(check(p, req)).map_err(|e| e.status())
    }

    #[test]
    fn a_signed_url_admits_what_it_grants_and_nothing_else() {
        let p = P(Some("s3cret"));
        let now = 1_000_000;
        let q = query("s3cret", "PUT", PATH, now + 60, 10);
        assert_eq!(status(&p, &put(&q, b"0123456789")), Ok(()));
        // Over the granted size, a different secret, method or path, a
        // changed expiry or size, an expired URL, a URL with no grant.
        assert_eq!(status(&p, &put(&q, b"0123456789x")), Err(413));
        let other = query("other", "PUT", PATH, now + 60, 10);
        assert_eq!(status(&p, &put(&other, b"")), Err(403));
        let mut get = put(&q, b"");
        get.method = "GET".into();
        assert_eq!(status(&p, &get), Err(403));
        let mut moved = put(&q, b"");
        moved.path = PATH.replace("store-001", "store-002");
        assert_eq!(status(&p, &moved), Err(403));
        let later = q.replace(
            &format!("expires={}", now + 60),
            &format!("expires={}", now + 600),
        );
        assert_eq!(status(&p, &put(&later, b"")), Err(403));
        let bigger = q.replace("max_bytes=10", "max_bytes=1000");
        assert_eq!(status(&p, &put(&bigger, b"")), Err(403));
        let expired = query("s3cret", "PUT", PATH, now - 1, 10);
        assert_eq!(status(&p, &put(&expired, b"")), Err(403));
        assert_eq!(status(&p, &put("", b"")), Err(403));
        assert_eq!(status(&P(None), &put(&q, b"")), Err(503));
    }

    #[test]
    fn the_body_limit_follows_the_claim_up_to_the_cap() {
        let r = |q: &str| Request::new("PUT", &format!("{PATH}?{q}"));
        assert_eq!(body_limit(&r("max_bytes=1000")), 1000);
        assert_eq!(body_limit(&r("max_bytes=99999999999")), MAX_UPLOAD_BYTES);
        assert_eq!(body_limit(&r("")), MAX_BODY_BYTES);
        assert_eq!(body_limit(&r("max_bytes=x")), MAX_BODY_BYTES);
    }
}
