//! The embeddable chat widget's script and its demo page, served by the
//! product itself: no third-party code, and a content security policy that
//! lets the page load only this host's script and talk only to this host.

use crate::twiml::escape;
use edgedesk_kernel::{Request, Response};

const SCRIPT: &str = include_str!("../assets/widget.js");
const DEMO: &str = include_str!("../assets/demo.html");

/// `GET /v1/widget/widget.js`.
pub fn script() -> Response {
    let mut r = Response::empty(200);
    r.headers.push((
        "content-type".into(),
        "text/javascript; charset=utf-8".into(),
    ));
    r.headers
        .push(("cache-control".into(), "public, max-age=300".into()));
    r.body = SCRIPT.as_bytes().to_vec();
    r
}

/// `GET /v1/widget/demo?business=<id>`.
pub fn demo(req: &Request) -> Response {
    let business = form_urlencoded::parse(req.query.as_bytes())
        .find(|(k, _)| k == "business")
        .map(|(_, v)| v.into_owned())
        .filter(|b| {
            !b.is_empty()
                && b.len() <= 64
                && b.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or_else(|| "demo-salon".into());
    let origin = match req.header("host") {
        Some(host) => format!(
            "{}://{host}",
            req.header("x-forwarded-proto").unwrap_or("https")
        ),
        None => String::new(),
    };
    let page = DEMO
        .replace("{{BUSINESS}}", &escape(&business))
        .replace("{{NAME}}", "Book an appointment")
        .replace("{{ORIGIN}}", &escape(&origin));
    let mut r = Response::html(200, page);
    r.set_header(
        "content-security-policy",
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    r
}
