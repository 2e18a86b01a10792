//! The coaching product's part of the API description: for each route,
//! the Rust types of its body and answer, its parameters, and a real
//! example of each, answered by the product on a seeded organisation.
//! Built natively by the product's tests into `openapi.json`; nothing here
//! runs in a Worker or a component.

use crate::account::{Me, Organization, Profile, Verified};
use crate::feedback::FeedbackEvent;
use crate::members::Member;
use crate::playbook::{Client, Product, Strategy};
use crate::practice::{PracticeSession, RepAssignment};
use edgedesk_kernel::Auth;
use edgedesk_kernel::openapi::{Answer, Fragment};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// One example call: by whom (`admin`, `member` or none), to which path,
/// with which body. `{client}`, `{product}`, `{strategy}`, `{org}`,
/// `{member}` and `{assignment}` in the path stand for the seeded ids.
pub struct Example {
    pub who: Option<&'static str>,
    pub method: &'static str,
    pub path: &'static str,
    pub body: Option<Value>,
}

/// Runs an example call against the product and gives its answer (JSON,
/// or null for a page).
pub type Runner<'a> = dyn FnMut(&str, &Example) -> Value + 'a;

fn ex(
    who: Option<&'static str>,
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
) -> Example {
    Example {
        who,
        method,
        path,
        body,
    }
}

/// The example call of each operation.
pub fn example(op: &str) -> Example {
    let admin = Some("admin");
    let member = Some("member");
    match op {
        "coach_auth_verify" => ex(
            None,
            "POST",
            "/api/v1/auth/verify",
            Some(json!({"token": "dev_token"})),
        ),
        "coach_auth_me" => ex(member, "GET", "/api/v1/auth/me", None),
        "coach_profile" => ex(member, "GET", "/api/v1/profile", None),
        "coach_update_profile" => ex(
            member,
            "PATCH",
            "/api/v1/profile",
            Some(json!({"display_name": "Riley Chen", "onboarding_completed": true})),
        ),
        "coach_orgs" => ex(member, "GET", "/api/v1/orgs", None),
        "coach_org" => ex(member, "GET", "/api/v1/orgs/{org}", None),
        "coach_feedback" => ex(
            member,
            "POST",
            "/api/v1/feedback",
            Some(
                json!({"category": "improvement", "name": "Objection drills",
                        "description": "More pricing objections, please.", "scope": "chat",
                        "time_bucket": "earlier_today"}),
            ),
        ),
        "coach_members" => ex(admin, "GET", "/api/v1/admin/memberships", None),
        "coach_update_member" => ex(
            admin,
            "PATCH",
            "/api/v1/admin/memberships/{member}",
            Some(json!({"role": "member"})),
        ),
        "coach_remove_member" => ex(admin, "DELETE", "/api/v1/admin/memberships/{member}", None),
        "coach_legal_terms" => ex(None, "GET", "/legal/terms", None),
        "coach_legal_privacy" => ex(None, "GET", "/legal/privacy", None),
        "coach_sailwind_clients" => ex(member, "GET", "/api/v1/sailwind/clients", None),
        "coach_sailwind_create_client" => ex(
            admin,
            "POST",
            "/api/v1/sailwind/clients",
            Some(json!({"name": "Northwind Traders", "industry": "Wholesale",
                        "email": "buyer@northwind.example", "company": "Northwind Traders Ltd",
                        "status": "prospect", "total_revenue": 125000})),
        ),
        "coach_sailwind_client" => ex(member, "GET", "/api/v1/sailwind/clients/{client}", None),
        "coach_sailwind_update_client" => ex(
            admin,
            "PATCH",
            "/api/v1/sailwind/clients/{client}",
            Some(json!({"status": "active", "phone": "+1 415 555 0100"})),
        ),
        "coach_sailwind_archive_client" => {
            ex(admin, "DELETE", "/api/v1/sailwind/clients/{client}", None)
        }
        "coach_sailwind_products" => ex(member, "GET", "/api/v1/sailwind/products", None),
        "coach_sailwind_create_product" => ex(
            admin,
            "POST",
            "/api/v1/sailwind/products",
            Some(json!({"name": "Analytics Add-on", "category": "Software",
                        "description": "Dashboards on top of the core plan.", "price": 49.0})),
        ),
        "coach_sailwind_product" => ex(member, "GET", "/api/v1/sailwind/products/{product}", None),
        "coach_sailwind_update_product" => ex(
            admin,
            "PATCH",
            "/api/v1/sailwind/products/{product}",
            Some(json!({"price": 1290.0})),
        ),
        "coach_sailwind_strategies" => ex(member, "GET", "/api/v1/sailwind/strategies", None),
        "coach_sailwind_create_strategy" => ex(
            admin,
            "POST",
            "/api/v1/sailwind/strategies",
            Some(
                json!({"product_id": "{product}", "client_id": "{other_client}",
                        "strategy_text": "Lead with the onboarding time saved.", "status": "active"}),
            ),
        ),
        "coach_sailwind_update_strategy" => ex(
            admin,
            "PATCH",
            "/api/v1/sailwind/strategies/{strategy}",
            Some(json!({"status": "active"})),
        ),
        "coach_sailwind_rep_assignments" => {
            ex(admin, "GET", "/api/v1/sailwind/rep-assignments", None)
        }
        "coach_sailwind_create_rep_assignment" => ex(
            admin,
            "POST",
            "/api/v1/sailwind/rep-assignments",
            Some(json!({"user_id": "{member}", "product_id": "{product}",
                        "client_id": "{other_client}", "min_practice_minutes": 20})),
        ),
        "coach_sailwind_my_rep_assignments" => {
            ex(member, "GET", "/api/v1/sailwind/my/rep-assignments", None)
        }
        "coach_sailwind_my_practice_sessions" => {
            ex(member, "GET", "/api/v1/sailwind/my/practice-sessions", None)
        }
        "coach_sailwind_start_practice" => ex(
            member,
            "POST",
            "/api/v1/sailwind/practice-sessions",
            Some(json!({"strategy_id": "{strategy}", "rep_assignment_id": "{assignment}"})),
        ),
        "coach_ws" => ex(None, "GET", "/ws", None),
        "coach_realtime_messages" => ex(
            member,
            "POST",
            "/api/v1/realtime/messages",
            Some(
                json!({"type": "chat.typed", "payload": {"sessionId": "{session}",
                        "content": "Hi Dana, do you have ten minutes?", "requestId": "req-1"}}),
            ),
        ),
        "coach_pipeline_runs" => ex(admin, "GET", "/api/v1/admin/pipeline-runs", None),
        "coach_pipeline_run" => ex(admin, "GET", "/api/v1/admin/pipeline-runs/{run}", None),
        other => panic!("no example for {other}"),
    }
}

/// One message of the realtime protocol.
#[derive(Serialize, JsonSchema)]
struct RealtimeMessage {
    /// auth, ping, chat.typed, session.start, session.resume, session.end,
    /// voice.recording, feedback.report, feedback.message_flag,
    /// pipeline.cancel_requested, ... (README, "The realtime coach").
    #[schemars(length(min = 1, max = 64))]
    r#type: String,
    payload: Option<serde_json::Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
struct PipelineRuns {
    timestamp: String,
    count: usize,
    /// The start of the window, when there is one.
    since: Option<String>,
    items: Vec<crate::runs::PipelineRun>,
}

#[derive(Serialize, JsonSchema)]
struct RunEvent {
    id: i64,
    /// pipeline.started, stage.<stage>.<status>, llm.first_token, ...
    r#type: String,
    timestamp: String,
    data: Option<Value>,
}

#[derive(Serialize, JsonSchema)]
struct PipelineRunDetail {
    run: crate::runs::PipelineRun,
    events: Vec<RunEvent>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct VerifyInput {
    /// An access token (or dev_token where DEV_AUTH=true).
    #[schemars(length(min = 1, max = 8192), regex(pattern = r"\S"))]
    token: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProfilePatch {
    #[schemars(length(min = 1, max = 100), regex(pattern = r"\S"))]
    display_name: Option<String>,
    onboarding_completed: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingFeedbackInput")]
#[serde(deny_unknown_fields)]
struct FeedbackInput {
    category: FeedbackCategory,
    #[schemars(length(min = 1, max = 150), regex(pattern = r"\S"))]
    name: String,
    time_bucket: TimeBucket,
    #[schemars(length(max = 5000))]
    description: Option<String>,
    scope: Option<Scope>,
    #[schemars(length(max = 64))]
    session_id: Option<String>,
    #[schemars(length(max = 64))]
    interaction_id: Option<String>,
}

/// Described, never built.
#[allow(dead_code)]
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum FeedbackCategory {
    BadAssistant,
    Bug,
    Improvement,
    Like,
    Preference,
    TriageIncorrect,
}

/// Described, never built.
#[allow(dead_code)]
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum TimeBucket {
    JustNow,
    EarlierToday,
    EarlierThisWeek,
}

/// Described, never built.
#[allow(dead_code)]
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Scope {
    Chat,
    Voice,
    App,
}

/// Described, never built.
#[allow(dead_code)]
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum MemberRole {
    Admin,
    Member,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RoleInput {
    role: MemberRole,
}

/// Described, never built.
#[allow(dead_code)]
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum StrategyStatus {
    Draft,
    Active,
    Archived,
}

/// A client's fields besides its name, as added or changed.
#[derive(Serialize, JsonSchema)]
struct ClientDetails {
    #[schemars(length(max = 100))]
    industry: Option<String>,
    #[schemars(length(max = 254), regex(pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))]
    email: Option<String>,
    #[schemars(length(max = 40))]
    phone: Option<String>,
    #[schemars(length(max = 200))]
    company: Option<String>,
    /// prospect when not given.
    #[schemars(length(max = 40))]
    status: Option<String>,
    #[schemars(range(min = 0.0, max = 1e12))]
    total_revenue: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingClientInput")]
struct ClientInput {
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    name: String,
    #[serde(flatten)]
    details: ClientDetails,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingClientPatch")]
struct ClientPatch {
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    name: Option<String>,
    #[serde(flatten)]
    details: ClientDetails,
    /// true archives, false restores.
    archived: Option<bool>,
}

/// A product's fields besides its name, as added or changed.
#[derive(Serialize, JsonSchema)]
struct ProductDetails {
    #[schemars(length(max = 100))]
    category: Option<String>,
    #[schemars(length(max = 2000))]
    description: Option<String>,
    #[schemars(range(min = 0.0, max = 1e12))]
    price: Option<f64>,
    #[schemars(range(min = 0, max = 1_000_000_000))]
    stock: Option<i64>,
    /// active when not given.
    #[schemars(length(max = 40))]
    status: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingProductInput")]
struct ProductInput {
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    name: String,
    #[serde(flatten)]
    details: ProductDetails,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingProductPatch")]
struct ProductPatch {
    #[schemars(length(min = 1, max = 200), regex(pattern = r"\S"))]
    name: Option<String>,
    #[serde(flatten)]
    details: ProductDetails,
    /// true archives, false restores.
    archived: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StrategyInput {
    #[schemars(length(min = 1, max = 64))]
    product_id: String,
    #[schemars(length(min = 1, max = 64))]
    client_id: String,
    #[schemars(length(min = 1, max = 10000), regex(pattern = r"\S"))]
    strategy_text: String,
    /// draft when not given.
    status: Option<StrategyStatus>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StrategyPatch {
    #[schemars(length(min = 1, max = 10000), regex(pattern = r"\S"))]
    strategy_text: Option<String>,
    status: Option<StrategyStatus>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssignmentInput {
    #[schemars(length(min = 1, max = 64))]
    user_id: String,
    #[schemars(length(min = 1, max = 64))]
    product_id: String,
    #[schemars(length(min = 1, max = 64))]
    client_id: String,
    #[schemars(length(max = 64))]
    strategy_id: Option<String>,
    #[schemars(range(min = 1, max = 10000))]
    min_practice_minutes: Option<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PracticeInput {
    #[schemars(length(min = 1, max = 64))]
    strategy_id: String,
    #[schemars(length(max = 64))]
    rep_assignment_id: Option<String>,
}

fn s<T: JsonSchema>(f: &mut Fragment) -> Value {
    f.schema::<T>()
}

fn list<T: JsonSchema>(f: &mut Fragment) -> Value {
    json!({"type": "array", "items": f.schema::<T>()})
}

/// (status, request body schema, answer schema) of each operation; `None`
/// answer for a page or an empty answer.
fn shapes(f: &mut Fragment, op: &str) -> (u16, Option<Value>, Option<Value>) {
    match op {
        "coach_auth_verify" => (200, Some(s::<VerifyInput>(f)), Some(s::<Verified>(f))),
        "coach_auth_me" => (200, None, Some(s::<Me>(f))),
        "coach_profile" => (200, None, Some(s::<Profile>(f))),
        "coach_update_profile" => (200, Some(s::<ProfilePatch>(f)), Some(s::<Profile>(f))),
        "coach_orgs" => (200, None, Some(list::<Organization>(f))),
        "coach_org" => (200, None, Some(s::<Organization>(f))),
        "coach_feedback" => (
            201,
            Some(s::<FeedbackInput>(f)),
            Some(s::<FeedbackEvent>(f)),
        ),
        "coach_members" => (200, None, Some(list::<Member>(f))),
        "coach_update_member" => (200, Some(s::<RoleInput>(f)), Some(s::<Member>(f))),
        "coach_remove_member" => (204, None, None),
        "coach_legal_terms" | "coach_legal_privacy" => (200, None, None),
        "coach_sailwind_clients" => (200, None, Some(list::<Client>(f))),
        "coach_sailwind_create_client" => (201, Some(s::<ClientInput>(f)), Some(s::<Client>(f))),
        "coach_sailwind_client" | "coach_sailwind_archive_client" => {
            (200, None, Some(s::<Client>(f)))
        }
        "coach_sailwind_update_client" => (200, Some(s::<ClientPatch>(f)), Some(s::<Client>(f))),
        "coach_sailwind_products" => (200, None, Some(list::<Product>(f))),
        "coach_sailwind_create_product" => (201, Some(s::<ProductInput>(f)), Some(s::<Product>(f))),
        "coach_sailwind_product" => (200, None, Some(s::<Product>(f))),
        "coach_sailwind_update_product" => (200, Some(s::<ProductPatch>(f)), Some(s::<Product>(f))),
        "coach_sailwind_strategies" => (200, None, Some(list::<Strategy>(f))),
        "coach_sailwind_create_strategy" => {
            (201, Some(s::<StrategyInput>(f)), Some(s::<Strategy>(f)))
        }
        "coach_sailwind_update_strategy" => {
            (200, Some(s::<StrategyPatch>(f)), Some(s::<Strategy>(f)))
        }
        "coach_sailwind_rep_assignments" | "coach_sailwind_my_rep_assignments" => {
            (200, None, Some(list::<RepAssignment>(f)))
        }
        "coach_sailwind_create_rep_assignment" => (
            201,
            Some(s::<AssignmentInput>(f)),
            Some(s::<RepAssignment>(f)),
        ),
        "coach_sailwind_my_practice_sessions" => (200, None, Some(list::<PracticeSession>(f))),
        "coach_sailwind_start_practice" => (
            201,
            Some(s::<PracticeInput>(f)),
            Some(s::<PracticeSession>(f)),
        ),
        "coach_ws" => (426, None, None),
        "coach_realtime_messages" => (200, Some(s::<RealtimeMessage>(f)), None),
        "coach_pipeline_runs" => (200, None, Some(s::<PipelineRuns>(f))),
        "coach_pipeline_run" => (200, None, Some(s::<PipelineRunDetail>(f))),
        other => panic!("no shapes for {other}"),
    }
}

fn page_parameters() -> Vec<Value> {
    vec![
        json!({"name": "limit", "in": "query", "required": false, "description": "1-200 (50)",
               "schema": {"type": "integer", "minimum": 1, "maximum": 200}}),
        json!({"name": "offset", "in": "query", "required": false, "description": "Rows to skip",
               "schema": {"type": "integer", "minimum": 0, "maximum": 1000000}}),
    ]
}

/// A path parameter, with an id of the dev organisation (`make dev`'s
/// sample) as its example.
fn path(name: &str, example: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
           "schema": {"type": "string", "minLength": 1, "maxLength": 64}, "example": example})
}

fn parameters(op: &str) -> Option<Value> {
    use crate::sample;
    let archived = json!({"name": "include_archived", "in": "query", "required": false,
                          "description": "List archived ones too", "schema": {"type": "boolean"}});
    Some(match op {
        "coach_org" => json!([path("id", sample::ORG)]),
        "coach_update_member" | "coach_remove_member" => json!([path("user_id", sample::REP_USER)]),
        "coach_sailwind_client"
        | "coach_sailwind_update_client"
        | "coach_sailwind_archive_client" => {
            json!([path("id", sample::CLIENT)])
        }
        "coach_sailwind_product" | "coach_sailwind_update_product" => {
            json!([path("id", sample::PRODUCT)])
        }
        "coach_sailwind_update_strategy" => json!([path("id", sample::STRATEGY)]),
        "coach_sailwind_clients" | "coach_sailwind_products" | "coach_sailwind_strategies" => {
            let mut p = page_parameters();
            p.push(archived);
            p.into()
        }
        "coach_pipeline_runs" => json!([
            {"name": "service", "in": "query", "required": false, "schema": {"type": "string", "enum": ["chat", "voice"]}},
            {"name": "status", "in": "query", "required": false,
             "schema": {"type": "string", "enum": ["running", "completed", "failed", "canceled", "blocked"]}},
            {"name": "since_minutes", "in": "query", "required": false, "description": "60; 0 for all",
             "schema": {"type": "integer", "minimum": 0, "maximum": 525600}},
            {"name": "limit", "in": "query", "required": false, "description": "1-500 (100)",
             "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
        ]),
        "coach_members"
        | "coach_sailwind_rep_assignments"
        | "coach_sailwind_my_rep_assignments"
        | "coach_sailwind_my_practice_sessions" => page_parameters().into(),
        _ => return None,
    })
}

/// The fragment: every operation with its shapes and a real answer.
pub fn fragment(run: &mut Runner<'_>) -> Value {
    let mut f = Fragment::new(crate::PRODUCT.name);
    for info in crate::routes::infos() {
        let op = info.operation.id;
        let e = example(op);
        let answer = run(op, &e);
        let (status, request, data) = shapes(&mut f, op);
        let request = request.map(|schema| (schema, e.body.clone().unwrap_or(Value::Null)));
        let (content_type, example) = match (&data, op) {
            (Some(_), _) => ("application/json", Some(answer)),
            (None, "coach_legal_terms" | "coach_legal_privacy") => ("text/html", None),
            (None, "coach_realtime_messages") => ("text/event-stream", None),
            (None, _) if status == 204 => ("", None),
            (None, _) => ("application/json", None),
        };
        f.operation(
            op,
            request,
            Answer {
                status,
                description: info.operation.summary,
                content_type,
                schema: data,
                example,
            },
        );
        if let Some(p) = parameters(op) {
            f.parameters(op, p);
        }
        refusals(&mut f, op, info.auth, info.path);
    }
    f.finish()
}

/// The error answers each kind of route documents besides the default.
fn refusals(f: &mut Fragment, op: &str, auth: Auth, path: &str) {
    if auth == Auth::Sso || op == "coach_auth_verify" {
        f.refusal(
            op,
            401,
            "No access token, or one that is not good here: its signature, key, algorithm, issuer, audience or expiry, or no org_id claim.",
            "application/json",
        );
    }
    let admin_only = matches!(
        op,
        "coach_members"
            | "coach_update_member"
            | "coach_remove_member"
            | "coach_sailwind_create_client"
            | "coach_sailwind_update_client"
            | "coach_sailwind_archive_client"
            | "coach_sailwind_create_product"
            | "coach_sailwind_update_product"
            | "coach_sailwind_create_strategy"
            | "coach_sailwind_update_strategy"
            | "coach_sailwind_rep_assignments"
            | "coach_sailwind_create_rep_assignment"
            | "coach_pipeline_runs"
            | "coach_pipeline_run"
    );
    if admin_only {
        f.refusal(op, 403, "Admins only.", "application/json");
    }
    if path.contains('{') {
        f.refusal(
            op,
            404,
            "Not one of the organisation's.",
            "application/json",
        );
    }
}
