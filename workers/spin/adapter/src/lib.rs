//! Spin adapter: turns a `wasi:http` request into the kernel's, and
//! implements the kernel's traits over Spin SQLite (each product's own
//! database, by label), Spin key-value (LLM cache), variables and outbound
//! HTTP.
//!
//! A component is one line: [`export_component!`] with [`serve_route`]
//! and the one route it serves, or with [`serve_routes`] and a table. A
//! one-route component links only that route's code, and answers only for
//! that route even if routed other traffic. Stores are opened only when a
//! request needs them: a component whose manifest grants no key-value
//! store never opens one.

mod describe;
mod platform;
mod wasi_http;

use edgedesk_kernel::{Route, Routes};
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

/// A component serving a table of routes. Each request is logged
/// (stdout, one JSON line); when the table is observed, its counters are
/// kept and an unexpected error reported before the answer goes out: a
/// component instance may end with its answer, so nothing is left running
/// after it. The counters are one local SQLite transaction; a Sentry send
/// is bounded by the kernel's time limit and happens only for server
/// errors and sampled traces.
pub async fn serve_routes(
    routes: &Routes<SpinPlatform>,
    req: Request,
) -> Result<Response, ErrorCode> {
    let request = wasi_http::read_request(req, |r| routes.body_limit(r)).await;
    let (response, report) = edgedesk_kernel::serve(routes, &SpinPlatform::new, request).await;
    println!("{}", edgedesk_kernel::observe::log_line(&report));
    routes
        .after(&SpinPlatform::new(report.product), &report)
        .await;
    wasi_http::write_response(response)
}

/// A component serving one route; any other path is 404, any other method
/// 405. Logged like a table's.
pub async fn serve_route(route: Route<SpinPlatform>, req: Request) -> Result<Response, ErrorCode> {
    let request = wasi_http::read_request(req, |r| route.info.body_limit(r)).await;
    let (response, report) = edgedesk_kernel::serve_one(&route, &SpinPlatform::new, request).await;
    println!("{}", edgedesk_kernel::observe::log_line(&report));
    wasi_http::write_response(response)
}

/// Whether a request is `method` on exactly `path`.
pub fn is(req: &Request, method: &str, path: &str) -> bool {
    let target = req.get_path_with_query().unwrap_or_default();
    let p = target.split('?').next().unwrap_or("");
    wasi_http::method_is(req, method) && p == path
}

pub use wasi_http::{read_request, write_response};

/// An answer of server-sent events written as `produce` makes them: it is
/// given a function that sends one event, and the answer ends when it
/// returns. The answer's head goes out at once, so a client reads each
/// event as it is sent.
pub fn event_stream<F, Fut>(produce: F) -> Result<Response, ErrorCode>
where
    F: FnOnce(Box<dyn Fn(String)>) -> Fut + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let (tx, rx) = futures::channel::mpsc::unbounded::<String>();
    let out: Box<dyn Fn(String)> = Box::new(move |event| {
        // A client that left takes nothing more.
        let _ = tx.unbounded_send(event);
    });
    let work = produce(out);
    wasi_http::streamed_response(
        200,
        &[
            ("content-type", "text/event-stream; charset=utf-8"),
            ("cache-control", "no-store"),
        ],
        rx,
        work,
    )
}
