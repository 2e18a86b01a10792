//! The owner dashboard, served by the product: a page, its script and its
//! style, all from this host. The page's content security policy lets it
//! load only those and talk only to this host, so no third-party code can
//! run beside an owner's session.

use edgedesk_kernel::Response;

const PAGE: &str = include_str!("../assets/dashboard.html");
const SCRIPT: &str = include_str!("../assets/dashboard.js");
const STYLE: &str = include_str!("../assets/dashboard.css");

/// What the page may load and reach.
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `GET /dashboard`.
pub fn page() -> Response {
    let mut r = Response::html(200, PAGE.to_string());
    r.set_header("content-security-policy", POLICY);
    r.set_header("referrer-policy", "no-referrer");
    r
}

fn asset(content_type: &str, body: &str) -> Response {
    let mut r = Response::empty(200);
    r.set_header("content-type", content_type);
    r.set_header("cache-control", "public, max-age=300");
    r.body = body.as_bytes().to_vec();
    r
}

/// `GET /dashboard/dashboard.js`.
pub fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /dashboard/dashboard.css`.
pub fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}
