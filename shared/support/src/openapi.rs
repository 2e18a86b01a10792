//! The support product's part of the API description: for each route, the
//! Rust types of its body and answer, its query parameters, and a real
//! example of each, answered by the product on the sample dataset. Built
//! natively by the product's tests into `openapi.json`; nothing here runs
//! in a Worker or a component.

use crate::model::*;
use edgedesk_kernel::openapi::{Answer, Fragment};
use schemars::JsonSchema;
use serde_json::{Value, json};

/// One example call: as which sample agent (none: unauthenticated, or a
/// signed call for a signed route), to which concrete path, with which
/// body, after which SQL sets the scene.
pub struct Example {
    pub setup: &'static str,
    pub agent: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub body: Option<Value>,
}

/// Runs an example call against the product and gives its answer.
pub type Run<'a> = dyn FnMut(&str, &Example) -> Value + 'a;

fn with(setup: &'static str, e: Example) -> Example {
    Example { setup, ..e }
}

fn ex(
    agent: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
) -> Example {
    Example {
        setup: "",
        agent,
        method,
        path,
        body,
    }
}

/// tkt-0004 assigned to the agent, pending or accepted an hour ago.
const PENDING: &str = "DELETE FROM ticket_assignments WHERE ticket_id = 'tkt-0004'; \
     INSERT INTO ticket_assignments (id, ticket_id, agent_id, status, assigned_at, is_active) \
     VALUES ('asg-example', 'tkt-0004', 'ag-agent', 'pending', 1795345200000, 1)";
const ACCEPTED: &str = "DELETE FROM ticket_assignments WHERE ticket_id = 'tkt-0004'; \
     INSERT INTO ticket_assignments (id, ticket_id, agent_id, status, assigned_at, accepted_at, is_active) \
     VALUES ('asg-example', 'tkt-0004', 'ag-agent', 'accepted', 1795345200000, 1795345800000, 1)";

/// The example call of each operation, against the sample dataset
/// (`crate::sample`). Each runs on a fresh copy of it.
pub fn example(op: &str) -> Example {
    let hours = json!({"time_zone": "America/New_York", "week": {
        "monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
        "tuesday": [{"start": "09:00", "end": "17:00"}], "wednesday": [{"start": "09:00", "end": "17:00"}],
        "thursday": [{"start": "09:00", "end": "17:00"}], "friday": [{"start": "09:00", "end": "15:00"}],
        "saturday": [], "sunday": []}, "holidays": ["2026-12-25", "2027-01-01"]});
    match op {
        "login" => ex(
            "",
            "POST",
            "/api/agents/login",
            Some(json!({"email": "agent@support.test", "password": "dev-password"})),
        ),
        "logout" => ex("ag-agent", "POST", "/api/agents/logout", None),
        "me" => ex("ag-agent", "GET", "/api/agents/me", None),
        "set_my_status" => ex(
            "ag-agent",
            "PATCH",
            "/api/agents/me/status",
            Some(json!({"status": "busy"})),
        ),
        "list_agents" => ex("ag-lead", "GET", "/api/agents", None),
        "create_agent" => ex(
            "ag-manager",
            "POST",
            "/api/agents",
            Some(json!({
            "email": "new.agent@support.test", "password": "a-long-password", "name": "Nia New",
            "role": "agent", "department": "support", "specializations": ["billing"], "max_concurrent_tickets": 8})),
        ),
        "update_agent" => ex(
            "ag-manager",
            "PATCH",
            "/api/agents/ag-agent",
            Some(json!({"max_concurrent_tickets": 15, "specializations": ["technical"]})),
        ),
        "delete_agent" => ex("ag-admin", "DELETE", "/api/agents/ag-billing-agent", None),
        "agent_workload" => ex("ag-lead", "GET", "/api/agents/ag-agent/workload", None),
        "list_tickets" => ex(
            "ag-manager",
            "GET",
            "/api/tickets?status=open&limit=2&topic_alerts=refund,login",
            None,
        ),
        "create_ticket" => ex(
            "ag-senior",
            "POST",
            "/api/tickets",
            Some(json!({
            "customer_id": "cus-globex", "subject": "Refund for a double charge", "channel": "email",
            "priority": "high", "message": "We were charged twice this month. Please refund the second charge."})),
        ),
        "get_ticket" => ex("ag-manager", "GET", "/api/tickets/tkt-0004", None),
        "update_ticket" => ex(
            "ag-manager",
            "PATCH",
            "/api/tickets/tkt-0004",
            Some(json!({"priority": "urgent"})),
        ),
        "delete_ticket" => ex("ag-admin", "DELETE", "/api/tickets/tkt-0199", None),
        "score_breakdown" => ex(
            "ag-manager",
            "GET",
            "/api/tickets/tkt-0004/score-breakdown?topic_alerts=refund",
            None,
        ),
        "list_messages" => ex("ag-manager", "GET", "/api/tickets/tkt-0004/messages", None),
        "post_message" => ex(
            "ag-senior",
            "POST",
            "/api/tickets/tkt-0004/messages",
            Some(json!({
            "content": "Thanks for your patience: the fix is rolling out now.", "from_agent": true})),
        ),
        "update_message" => ex(
            "ag-manager",
            "PATCH",
            "/api/tickets/tkt-0004/messages/msg-0004-1",
            Some(json!({"content": "My order arrived damaged."})),
        ),
        "delete_message" => ex(
            "ag-manager",
            "DELETE",
            "/api/tickets/tkt-0004/messages/msg-0004-1",
            None,
        ),
        "assign_ticket" => with(
            "DELETE FROM ticket_assignments WHERE ticket_id = 'tkt-0001'",
            ex(
                "ag-senior",
                "POST",
                "/api/tickets/tkt-0001/assign",
                Some(json!({"agent_id": "ag-agent"})),
            ),
        ),
        "transfer_ticket" => with(
            ACCEPTED,
            ex(
                "ag-lead",
                "POST",
                "/api/tickets/tkt-0004/transfer",
                Some(json!({"agent_id": "ag-billing-agent", "reason": "a billing question"})),
            ),
        ),
        "accept_ticket" => with(
            PENDING,
            ex("ag-agent", "POST", "/api/tickets/tkt-0004/accept", None),
        ),
        "complete_ticket" => with(
            ACCEPTED,
            ex("ag-agent", "POST", "/api/tickets/tkt-0004/complete", None),
        ),
        "list_sla_policies" => ex("ag-agent", "GET", "/api/sla/policies", None),
        "update_sla_policy" => ex(
            "ag-manager",
            "PATCH",
            "/api/sla/policies/high",
            Some(json!({"first_response_target_seconds": 3600, "business_hours_only": true})),
        ),
        "get_business_hours" => ex("ag-agent", "GET", "/api/sla/business-hours", None),
        "set_business_hours" => ex("ag-manager", "PUT", "/api/sla/business-hours", Some(hours)),
        "ticket_sla" => ex("ag-manager", "GET", "/api/tickets/tkt-0004/sla", None),
        "pause_sla" => with(
            "UPDATE sla_tracking SET is_paused = 0, paused_at = NULL WHERE ticket_id = 'tkt-0004'",
            ex(
                "ag-manager",
                "POST",
                "/api/tickets/tkt-0004/sla/pause",
                None,
            ),
        ),
        "resume_sla" => with(
            "UPDATE sla_tracking SET is_paused = 1, paused_at = 1795345200000 WHERE ticket_id = 'tkt-0004'",
            ex(
                "ag-manager",
                "POST",
                "/api/tickets/tkt-0004/sla/resume",
                None,
            ),
        ),
        "sla_sweep" => ex("", "POST", "/api/sla/sweep", None),
        "sla_report" => ex(
            "ag-manager",
            "GET",
            "/api/reports/sla?from=2026-10-23&to=2026-11-22T12:00:00Z",
            None,
        ),
        "agents_report" => ex("ag-lead", "GET", "/api/reports/agents", None),
        "draft_response" => ex(
            "ag-manager",
            "GET",
            "/api/ai/tickets/tkt-0004/draft-response",
            None,
        ),
        "regenerate_draft" => ex(
            "ag-manager",
            "POST",
            "/api/ai/tickets/tkt-0004/regenerate-draft",
            Some(json!({"tone": "empathetic", "length": "short", "include_details": true})),
        ),
        "recommendation" => ex(
            "ag-manager",
            "GET",
            "/api/ai/tickets/tkt-0004/recommendation",
            None,
        ),
        "customer_intelligence" => ex(
            "ag-manager",
            "GET",
            "/api/ai/customers/cus-acme/intelligence",
            None,
        ),
        other => panic!("no example for {other}"),
    }
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn path(name: &str, example: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "example": example})
}

/// The parameters an operation documents: its query parameters, and its
/// path parameters with the example call's values (which the API fuzzing
/// tries first).
fn parameters(op: &str) -> Option<Value> {
    let window = || {
        vec![
            query(
                "from",
                "Start of the window: an ISO 8601 time or a date. Default: 30 days before `to`.",
                json!({"type": "string"}),
            ),
            query(
                "to",
                "End of the window (excluded). Default: now.",
                json!({"type": "string"}),
            ),
        ]
    };
    let alerts = query(
        "topic_alerts",
        "Comma-separated keywords (at most 20 of at most 60 characters); tickets whose subject contains one gain TOPIC_ALERT_BOOST points.",
        json!({"type": "string"}),
    );
    let mut list = match op {
        "list_tickets" => vec![
            query(
                "status",
                "Only tickets in this status.",
                json!({"enum": STATUSES}),
            ),
            query(
                "channel",
                "Only tickets from this channel.",
                json!({"enum": CHANNELS}),
            ),
            query(
                "limit",
                "Tickets per page.",
                json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 50}),
            ),
            query(
                "page",
                "From 1.",
                json!({"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}),
            ),
            alerts,
        ],
        "score_breakdown" => vec![alerts],
        "sla_report" | "agents_report" => window(),
        _ => Vec::new(),
    };
    // The example call's path, segment by segment against the template.
    let info = crate::routes::infos()
        .into_iter()
        .find(|i| i.operation.id == op)?;
    let e = example(op);
    let concrete = e.path.split('?').next().unwrap_or_default();
    for (t, c) in info.path.split('/').zip(concrete.split('/')) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            list.push(path(name, c));
        }
    }
    (!list.is_empty()).then_some(Value::Array(list))
}

/// The fragment. `run(operation_id, example)` answers each example. Each
/// kind of answer is shown by example once, at the first operation that
/// gives it: the fragment is embedded in every deployment that describes
/// the API, so it carries no repeats.
pub fn fragment(run: &mut Run<'_>) -> Value {
    let mut f = Fragment::new(crate::PRODUCT.name);
    let mut shown: Vec<Value> = Vec::new();
    for info in crate::routes::infos() {
        let op = info.operation.id;
        let e = example(op);
        let answer = run(op, &e);
        let (status, request, schema) = shapes(&mut f, op);
        let answer = (!shown.contains(&schema)).then_some(answer);
        shown.push(schema.clone());
        let request = request.map(|schema| (schema, e.body.clone().unwrap_or(Value::Null)));
        f.operation(
            op,
            request,
            Answer {
                status,
                description: info.operation.summary,
                content_type: "application/json",
                schema: Some(schema),
                example: answer,
            },
        );
        if let Some(p) = parameters(op) {
            f.parameters(op, p);
        }
    }
    f.finish()
}

fn s<T: JsonSchema>(f: &mut Fragment) -> Value {
    f.schema::<T>()
}

/// (status, request body schema, answer schema) of each operation.
fn shapes(f: &mut Fragment, op: &str) -> (u16, Option<Value>, Value) {
    match op {
        "login" => (200, Some(s::<LoginRequest>(f)), s::<LoginAnswer>(f)),
        "logout" | "delete_agent" | "delete_ticket" | "delete_message" => (200, None, s::<Done>(f)),
        "me" => (200, None, s::<Agent>(f)),
        "set_my_status" => (200, Some(s::<StatusRequest>(f)), s::<Agent>(f)),
        "list_agents" => (200, None, s::<AgentList>(f)),
        "create_agent" => (201, Some(s::<AgentRequest>(f)), s::<Agent>(f)),
        "update_agent" => (200, Some(s::<AgentRequest>(f)), s::<Agent>(f)),
        "agent_workload" => (200, None, s::<Workload>(f)),
        "list_tickets" => (200, None, s::<TicketList>(f)),
        "create_ticket" => (201, Some(s::<TicketRequest>(f)), s::<TicketDetail>(f)),
        "get_ticket" => (200, None, s::<TicketDetail>(f)),
        "update_ticket" => (200, Some(s::<TicketUpdate>(f)), s::<Ticket>(f)),
        "score_breakdown" => (200, None, s::<ScoreBreakdown>(f)),
        "list_messages" => (200, None, s::<MessageList>(f)),
        "post_message" => (201, Some(s::<MessageRequest>(f)), s::<Message>(f)),
        "update_message" => (200, Some(s::<MessageUpdate>(f)), s::<Message>(f)),
        "assign_ticket" => (201, Some(s::<AssignRequest>(f)), s::<Assignment>(f)),
        "transfer_ticket" => (201, Some(s::<TransferRequest>(f)), s::<Assignment>(f)),
        "accept_ticket" | "complete_ticket" => (200, None, s::<Assignment>(f)),
        "list_sla_policies" => (200, None, s::<PolicyList>(f)),
        "update_sla_policy" => (200, Some(s::<PolicyUpdate>(f)), s::<SlaPolicy>(f)),
        "get_business_hours" => (200, None, s::<BusinessHours>(f)),
        "set_business_hours" => (
            200,
            Some(s::<BusinessHoursRequest>(f)),
            s::<BusinessHours>(f),
        ),
        "ticket_sla" | "pause_sla" | "resume_sla" => (200, None, s::<SlaView>(f)),
        "sla_sweep" => (200, None, s::<SweepAnswer>(f)),
        "sla_report" => (200, None, s::<SlaReport>(f)),
        "agents_report" => (200, None, s::<AgentsReport>(f)),
        "draft_response" => (200, None, s::<Draft>(f)),
        "regenerate_draft" => (200, Some(s::<RegenerateRequest>(f)), s::<Draft>(f)),
        "recommendation" => (200, None, s::<Recommendation>(f)),
        "customer_intelligence" => (200, None, s::<Intelligence>(f)),
        other => panic!("no shapes for {other}"),
    }
}
