//! Spin adapter: turns a `spin-sdk` request into the service's, and
//! implements the service's traits over Spin SQLite (tool documents and
//! replay records), Spin key-value (LLM cache), variables and outbound HTTP.
//!
//! The catalogue component calls [`serve_catalogue`]; each tool's component
//! calls [`serve_tool`] with its runner, and answers only for that tool even
//! if routed other traffic.
//! Stores are opened only when a request needs them: a component whose
//! manifest grants no key-value store never opens one.

mod platform;

use bytes::Bytes;
use edgedesk_service::tools::Runner;
use edgedesk_service::{Request, Response};
use futures::StreamExt;
use http_body_util::{BodyStream, Full};
use spin_sdk::http::{self as http, IntoResponse};

pub use platform::SpinPlatform;

/// Handles one request for the catalogue component: `GET /health`,
/// `GET /tools`, and the 404s for every path that is not a tool's own.
pub async fn serve_catalogue(req: http::Request) -> impl IntoResponse {
    let request = to_service_request(req).await;
    to_spin_response(edgedesk_service::handle_catalogue(&SpinPlatform::default(), request).await)
}

/// Handles one request for the component of one tool. The component links
/// only that tool's code, and answers 404 for any other path.
pub async fn serve_tool<R: Runner>(runner: R, req: http::Request) -> impl IntoResponse {
    let request = to_service_request(req).await;
    to_spin_response(
        edgedesk_service::handle_tool(&SpinPlatform::default(), &runner, request).await,
    )
}

async fn to_service_request(req: http::Request) -> Request {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let mut out = Request::new(&method, parts.uri.path());
    out.headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase(),
                v.to_str().ok()?.to_string(),
            ))
        })
        .collect();
    if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        let declared = out.header("content-length").map(str::to_string);
        // Data frames only; trailers carry nothing the service reads.
        let frames = BodyStream::new(body).filter_map(|frame| async move {
            match frame {
                Ok(f) => f.into_data().ok().map(Ok),
                Err(e) => Some(Err(e)),
            }
        });
        out.body = edgedesk_service::read_body_limited(declared.as_deref(), frames).await;
    }
    out
}

fn to_spin_response(res: Response) -> ::http::Response<Full<Bytes>> {
    let mut builder = ::http::Response::builder().status(res.status);
    for (k, v) in &res.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder
        .body(Full::new(Bytes::from(res.body)))
        .unwrap_or_else(|_| {
            let mut fallback = ::http::Response::new(Full::new(Bytes::new()));
            *fallback.status_mut() = ::http::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
