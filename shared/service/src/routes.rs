//! Routing and the per-request pipeline: CORS, auth, replay, dispatch.

use crate::config::{self, ToolSettings};
use crate::cors;
use crate::http::{BodyError, MAX_BODY_BYTES, Request, Response};
use crate::platform::Platform;
use crate::replay::{self, Replay};
use crate::tools::{self, Call, Runner, Tool};
use chrono::DateTime;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::ids::validate_id;
use edgedesk_core::signing::{AuthError, CallHeaders, verify_call};
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy)]
enum Route {
    Health,
    ToolList,
    ToolCall,
}

static ROUTER: LazyLock<matchit::Router<Route>> = LazyLock::new(|| {
    let mut r = matchit::Router::new();
    for (path, route) in [
        ("/health", Route::Health),
        ("/tools", Route::ToolList),
        ("/tools/{name}", Route::ToolCall),
    ] {
        r.insert(path, route).expect("routes do not overlap");
    }
    r
});

/// Handles one request for the whole API.
pub async fn handle<P: Platform>(p: &P, req: Request) -> Response {
    let req = &req;
    let call = |tool: Tool| async move { answer(tool_call(p, &tool, req).await) };
    respond(p, req, dispatch(req, call)).await
}

/// Handles everything but tool calls: `GET /health`, `GET /tools` and the
/// 404s for other paths, for a deployment that serves each tool apart.
pub async fn handle_catalogue<P: Platform>(p: &P, req: Request) -> Response {
    // A known tool's path is routed to that tool's own deployment, never here.
    let call = |_: Tool| async { no_endpoint(&req) };
    respond(p, &req, dispatch(&req, call)).await
}

/// Handles `POST /tools/{name}` for one tool and nothing else. Only that
/// tool's code is linked into a deployment that calls this alone.
pub async fn handle_tool<P: Platform, R: Runner>(p: &P, runner: &R, req: Request) -> Response {
    respond(p, &req, one_tool(p, runner, &req)).await
}

/// CORS and the headers every answer carries. `answer` is not polled for a
/// preflight.
async fn respond<P: Platform>(
    p: &P,
    req: &Request,
    answer: impl Future<Output = Response>,
) -> Response {
    let allow_list = config::allowed_origin(p).await;
    let origin = cors::allowed_origin(req, allow_list.as_deref()).map(str::to_string);
    let mut res = if cors::is_preflight(req) {
        cors::preflight(origin.as_deref())
    } else {
        answer.await
    };
    cors::decorate(&mut res, origin.as_deref());
    res.set_header("x-request-id", request_id(p));
    res.set_header("cache-control", "no-store");
    res.set_header("x-content-type-options", "nosniff");
    res
}

fn request_id<P: Platform>(p: &P) -> String {
    let mut id = [0u8; 16];
    p.fill(&mut id);
    hex::encode(id)
}

/// Routes a request; `call` answers a call to a known tool, so a deployment
/// that does not serve tool calls links none of their code.
async fn dispatch<F, Fut>(req: &Request, call: F) -> Response
where
    F: FnOnce(Tool) -> Fut,
    Fut: Future<Output = Response>,
{
    let Ok(found) = ROUTER.at(&req.path) else {
        return no_endpoint(req);
    };
    let method = req.method.as_str();
    match (found.value, method) {
        (Route::Health, "GET" | "HEAD") => Response::ok(&json!({
            "status": "ok",
            "service": "edgedesk",
            "version": env!("CARGO_PKG_VERSION"),
        })),
        (Route::ToolList, "GET" | "HEAD") => Response::ok(&tools::catalogue()),
        (Route::ToolCall, "POST") => {
            let name = found.params.get("name").unwrap_or_default();
            match Tool::from_name(name) {
                Some(tool) => call(tool).await,
                None => Response::error(
                    &ApiError::invalid(format!(
                        "unknown tool '{name}'; GET /tools lists the tools"
                    ))
                    .with_status(404),
                ),
            }
        }
        (Route::ToolCall, _) => not_allowed(method, "POST, OPTIONS"),
        (_, _) => not_allowed(method, "GET, HEAD, OPTIONS"),
    }
}

async fn one_tool<P: Platform, R: Runner>(p: &P, runner: &R, req: &Request) -> Response {
    let own = req.path.strip_prefix("/tools/") == Some(runner.tool().name());
    match (own, req.method.as_str()) {
        (false, _) => no_endpoint(req),
        (true, "POST") => answer(tool_call(p, runner, req).await),
        (true, method) => not_allowed(method, "POST, OPTIONS"),
    }
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(data) => Response::ok(&data),
        Err(e) => Response::error(&e),
    }
}

fn no_endpoint(req: &Request) -> Response {
    Response::error(&ApiError::invalid(format!("no endpoint at {}", req.path)).with_status(404))
}

fn not_allowed(method: &str, allow: &str) -> Response {
    let mut res = Response::error(
        &ApiError::invalid(format!("{method} is not allowed here; use {allow}")).with_status(405),
    );
    res.set_header("allow", allow);
    res
}

fn auth_error(e: AuthError) -> ApiError {
    match e {
        AuthError::NoSecret => ApiError::failure(e.describe()),
        _ => ApiError::unauthorized(e.describe()),
    }
}

async fn tool_call<P: Platform, R: Runner>(
    p: &P,
    runner: &R,
    req: &Request,
) -> Result<Value, ApiError> {
    let body = match &req.body {
        Ok(b) => b.as_slice(),
        Err(BodyError::TooLarge) => {
            return Err(ApiError::invalid(format!(
                "request body is larger than {MAX_BODY_BYTES} bytes"
            ))
            .with_status(413));
        }
        Err(BodyError::Unreadable) => {
            return Err(ApiError::invalid("request body could not be read"));
        }
    };

    let settings = ToolSettings::read(p).await;
    let now = p.now_ms();
    let secrets: Vec<&[u8]> = settings.hmac_secrets.iter().map(|s| s.as_bytes()).collect();
    let headers = CallHeaders {
        timestamp: req.header("x-timestamp"),
        client: req.header("x-client"),
        signature: req.header("x-signature"),
    };
    let verified = verify_call(&secrets, headers, body, now).map_err(auth_error)?;
    match replay::record(p, &verified, now).await {
        Ok(Replay::Fresh) => {}
        Ok(Replay::Seen) => {
            return Err(ApiError::unauthorized(
                "this signed request was already accepted; sign every call afresh",
            ));
        }
        Err(_) => {
            return Err(ApiError::failure(
                "replay protection is unavailable, so the call was not run; try again",
            ));
        }
    }

    let parsed: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("request body is not valid JSON: {e}")))?;
    let Value::Object(obj) = parsed else {
        return Err(ApiError::invalid(
            "request body must be a JSON object with customerId and params",
        ));
    };
    if let Some(unknown) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "customerId" | "params"))
    {
        return Err(ApiError::invalid(format!(
            "unknown field '{unknown}'; the body takes customerId and params"
        )));
    }
    let customer_id = match obj.get("customerId") {
        None | Some(Value::Null) => return Err(ApiError::invalid("customerId is required")),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(ApiError::invalid("customerId must be a string")),
    };
    validate_id(customer_id)
        .map_err(|e| ApiError::invalid(format!("customerId {}", e.describe())))?;
    let empty = Map::new();
    let params = match obj.get("params") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(ApiError::invalid("params must be a JSON object")),
    };

    let today = DateTime::from_timestamp_millis(now)
        .ok_or_else(|| ApiError::failure("the server clock is out of range"))?
        .date_naive();
    tools::run(
        p,
        &settings,
        runner,
        &Call {
            customer_id,
            params,
        },
        today,
    )
    .await
}
