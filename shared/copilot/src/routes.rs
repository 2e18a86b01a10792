//! The copilot's routes: `GET /tools`, one signed `POST /tools/{name}` per
//! tool, and the answer for a tool name no route serves.

use crate::PRODUCT;
use crate::catalogue::{self, TOOLS, Tool};
use crate::runners::{
    CalculateHealth, GenerateEmail, GenerateQbrOutline, GetContractInfo, GetCustomerUsage,
    GetRecentTickets, Runner, ToolCall, run,
};
use crate::settings::ToolSettings;
use chrono::DateTime;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::ids::validate_id;
use edgedesk_kernel::router::{answer, no_endpoint};
use edgedesk_kernel::{
    Auth, Call, Operation, Platform, Reply, Request, Response, Route, RouteInfo, body, timing,
};
use serde_json::{Map, Value};

/// Every copilot route, for a deployment that serves them all.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    let mut all = vec![list()];
    all.extend(tools());
    all.push(unknown_tool());
    all
}

/// The routes a deployment serves when each tool has a deployment of its
/// own (a Spin component): the list, and the 404 for names it does not serve.
pub fn catalogue_routes<P: Platform>() -> Vec<Route<P>> {
    vec![list(), unknown_tool()]
}

/// One route per tool.
pub fn tools<P: Platform>() -> Vec<Route<P>> {
    vec![
        tool::<P, GetCustomerUsage>(),
        tool::<P, GetRecentTickets>(),
        tool::<P, GetContractInfo>(),
        tool::<P, CalculateHealth>(),
        tool::<P, GenerateEmail>(),
        tool::<P, GenerateQbrOutline>(),
    ]
}

/// `POST /tools/{name}` for the tool `R` runs. Only that tool's code is
/// linked into a deployment that serves this route alone.
pub fn tool<P: Platform, R: Runner + Default>() -> Route<P> {
    Route {
        info: tool_info(R::default().tool()),
        handler: call_tool::<P, R>,
    }
}

/// The tools' routes without their handlers.
pub fn tool_infos() -> Vec<RouteInfo> {
    TOOLS.into_iter().map(tool_info).collect()
}

fn tool_info(t: Tool) -> RouteInfo {
    // The generators may call an LLM, which costs money per call: they run
    // only once the call is known not to be a replay. The other tools only
    // read, so their reads overlap the replay record.
    let auth = match t {
        Tool::GenerateEmail | Tool::GenerateQbrOutline => Auth::Signed,
        _ => Auth::SignedRead,
    };
    RouteInfo {
        method: "POST",
        path: t.path(),
        auth,
        product: &PRODUCT,
        operation: Operation {
            id: t.name(),
            summary: t.summary(),
            description: t.description(),
        },
    }
}

/// Every copilot route without its handler: what a deployment that serves
/// none of them describes (the Spin API description component).
pub fn infos() -> Vec<RouteInfo> {
    let mut all = vec![list_info()];
    all.extend(tool_infos());
    all.push(unknown_tool_info());
    all
}

fn list<P: Platform>() -> Route<P> {
    Route {
        info: list_info(),
        handler: list_tools,
    }
}

fn list_info() -> RouteInfo {
    RouteInfo {
        method: "GET",
        path: "/tools",
        auth: Auth::Public,
        product: &PRODUCT,
        operation: Operation {
            id: "list_tools",
            summary: "The tools",
            description: "Every tool with its path and the JSON Schema of its body; needs no signature.",
        },
    }
}

fn unknown_tool<P: Platform>() -> Route<P> {
    Route {
        info: unknown_tool_info(),
        handler: no_such_tool,
    }
}

fn unknown_tool_info() -> RouteInfo {
    RouteInfo {
        method: "POST",
        path: "/tools/{name}",
        auth: Auth::Public,
        product: &PRODUCT,
        operation: Operation {
            id: "unknown_tool",
            summary: "A tool that does not exist",
            description: "Any name that is not a tool's: 404 INVALID_INPUT, before any signature check.",
        },
    }
}

fn list_tools<P: Platform>(_: Call<'_, P>) -> Reply<'_> {
    Box::pin(async { Response::ok(catalogue::listing()) })
}

fn no_such_tool<P: Platform>(c: Call<'_, P>) -> Reply<'_> {
    Box::pin(async move {
        let name = c.params.get("name").unwrap_or_default();
        match Tool::from_name(name) {
            // A tool this deployment does not serve: its own deployment does.
            Some(_) => no_endpoint(c.req),
            None => Response::error(
                &ApiError::invalid(format!("unknown tool '{name}'; GET /tools lists the tools"))
                    .with_status(404),
            ),
        }
    })
}

fn call_tool<P: Platform, R: Runner + Default>(c: Call<'_, P>) -> Reply<'_> {
    Box::pin(async move {
        let result = tool_call(c.p, &R::default(), c.req).await;
        timing::mark("answer");
        let response = answer(result);
        timing::mark("serialize");
        response
    })
}

/// The fields of a tool call's body.
const BODY_FIELDS: [&str; 2] = ["customerId", "params"];

/// A signed tool call after its signature was accepted: the body checked,
/// then the tool run.
async fn tool_call<P: Platform, R: Runner>(
    p: &P,
    runner: &R,
    req: &Request,
) -> Result<Value, ApiError> {
    let obj = body::object(req, &BODY_FIELDS, "customerId and params")?;
    let customer_id = body::required_str(&obj, "customerId")?;
    validate_id(customer_id)
        .map_err(|e| ApiError::invalid(format!("customerId {}", e.describe())))?;
    let empty = Map::new();
    let params = body::object_field(&obj, "params", &empty)?;
    let today = DateTime::from_timestamp_millis(p.now_ms())
        .ok_or_else(|| ApiError::failure("the server clock is out of range"))?
        .date_naive();
    timing::mark("body");
    let settings = ToolSettings::read(p).await;
    timing::mark("settings");
    let call = ToolCall {
        customer_id,
        params,
    };
    run(p, &settings, runner, &call, today).await
}
