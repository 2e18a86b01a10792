//! The routes every deployment serves besides its products': liveness and
//! the API's own description.

use crate::http::Response;
use crate::openapi::{Answer, Fragment};
use crate::platform::{KERNEL, Platform};
use crate::router::{Auth, Call, Operation, Reply, Route, RouteInfo};
use crate::{docs, openapi};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// The schema fragment of these routes, generated like a product's.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Every built-in route: liveness and the API's description.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    let mut all = liveness();
    all.extend(description());
    all
}

/// `GET /health`.
pub fn liveness<P: Platform>() -> Vec<Route<P>> {
    vec![Route {
        info: liveness_info(),
        handler: health,
    }]
}

/// The route `liveness()` serves, for a deployment that describes it.
pub fn liveness_info() -> RouteInfo {
    RouteInfo {
        method: "GET",
        path: "/health",
        auth: Auth::Public,
        product: &KERNEL,
        operation: Operation {
            id: "health",
            summary: "Liveness",
            description: "Answers while the service runs; needs no credentials.",
        },
    }
}

/// `GET /openapi.json` and `GET /docs`.
pub fn description<P: Platform>() -> Vec<Route<P>> {
    vec![
        Route {
            info: RouteInfo {
                method: "GET",
                path: "/openapi.json",
                auth: Auth::Public,
                product: &KERNEL,
                operation: Operation {
                    id: "openapi",
                    summary: "This API as OpenAPI 3.1",
                    description: "Every route this deployment serves, with the JSON Schemas of its bodies and answers.",
                },
            },
            handler: openapi_json,
        },
        Route {
            info: RouteInfo {
                method: "GET",
                path: "/docs",
                auth: Auth::Public,
                product: &KERNEL,
                operation: Operation {
                    id: "docs",
                    summary: "This API as a page",
                    description: "A readable rendering of /openapi.json, with nothing loaded from elsewhere.",
                },
            },
            handler: docs_page,
        },
    ]
}

/// `GET /health`
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// Always `ok` while the service answers.
    pub status: &'static str,
    pub service: &'static str,
    pub version: &'static str,
}

fn health<P: Platform>(_: Call<'_, P>) -> Reply<'_> {
    Box::pin(async {
        let health = Health {
            status: "ok",
            service: "edgedesk",
            version: env!("CARGO_PKG_VERSION"),
        };
        Response::ok(&serde_json::to_value(health).unwrap_or_default())
    })
}

fn openapi_json<P: Platform>(call: Call<'_, P>) -> Reply<'_> {
    // The document itself, not an envelope.
    Box::pin(async move { Response::json(200, openapi::document(call.api)) })
}

fn docs_page<P: Platform>(call: Call<'_, P>) -> Reply<'_> {
    Box::pin(async move { Response::html(200, docs::render(openapi::document(call.api))) })
}

/// The schema fragment of these routes (`OPENAPI`), built natively by a
/// test; `run(operation_id)` answers the example call of each route.
pub fn fragment(run: &mut dyn FnMut(&str) -> Value) -> Value {
    let mut f = Fragment::new(KERNEL.name);
    let health = f.envelope::<Health>();
    let example = run("health");
    f.operation(
        "health",
        None,
        Answer {
            status: 200,
            description: "The service runs",
            content_type: "application/json",
            schema: Some(health),
            example: Some(example),
        },
    );
    let document = f.schema::<Map<String, Value>>();
    f.operation(
        "openapi",
        None,
        Answer {
            status: 200,
            description: "An OpenAPI 3.1 document",
            content_type: "application/json",
            schema: Some(document),
            example: None,
        },
    );
    f.operation(
        "docs",
        None,
        Answer {
            status: 200,
            description: "An HTML page",
            content_type: "text/html",
            schema: None,
            example: None,
        },
    );
    f.finish()
}
