//! Spin adapter: turns a `wasi:http` request into the service's, and
//! implements the service's traits over Spin SQLite (tool documents and
//! replay records), Spin key-value (LLM cache), variables and outbound HTTP.
//!
//! A component is one line: [`export_component!`] with [`serve_catalogue`]
//! or with [`serve_tool`] and its tool's runner. A tool's component links
//! only that tool's code, and answers only for that tool even if routed
//! other traffic. Stores are opened only when a request needs them: a
//! component whose manifest grants no key-value store never opens one.

mod platform;
mod wasi_http;

use edgedesk_service::tools::Runner;
pub use platform::SpinPlatform;
#[doc(hidden)]
pub use spin_sdk::wasip3;
use spin_sdk::wasip3::http::types::{ErrorCode, Request, Response};

/// Exports the `wasi:http` handler of a component (the Spin 4.0 HTTP
/// trigger) that answers with `$serve`, an async function of the request.
#[macro_export]
macro_rules! export_component {
    ($serve:expr) => {
        struct Component;

        $crate::wasip3::http::service::export!(Component);

        impl $crate::wasip3::exports::http::handler::Guest for Component {
            async fn handle(
                request: $crate::wasip3::http::types::Request,
            ) -> Result<
                $crate::wasip3::http::types::Response,
                $crate::wasip3::http::types::ErrorCode,
            > {
                ($serve)(request).await
            }
        }
    };
}

/// The catalogue component: `GET /health`, `GET /tools`, and the 404s for
/// every path that is not a tool's own.
pub async fn serve_catalogue(req: Request) -> Result<Response, ErrorCode> {
    let request = wasi_http::read_request(req).await;
    let platform = SpinPlatform::default();
    wasi_http::write_response(edgedesk_service::handle_catalogue(&platform, request).await)
}

/// The component of one tool: `POST /tools/{name}` for that tool only.
pub async fn serve_tool<R: Runner>(runner: R, req: Request) -> Result<Response, ErrorCode> {
    let request = wasi_http::read_request(req).await;
    let platform = SpinPlatform::default();
    wasi_http::write_response(edgedesk_service::handle_tool(&platform, &runner, request).await)
}
