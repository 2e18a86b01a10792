//! The whole permission matrix, walked: every role against every route,
//! allowed and refused, on a small fixture whose tickets each role owns or
//! does not. The expectations restate the product's table of who may do
//! what; they do not read it from the code.

mod harness;

use harness::Support;
use serde_json::{Value, json};

const ROLES: [(&str, &str); 5] = [
    ("agent", "u-agent"),
    ("senior_agent", "u-senior"),
    ("team_lead", "u-lead"),
    ("manager", "u-manager"),
    ("admin", "u-admin"),
];

/// Agents of both departments; T-OWN assigned (pending) to the agent with
/// one reply of theirs and one of the senior's; T-OTHER assigned
/// (accepted) to the billing agent; T-FREE unassigned; T-PAUSED the
/// agent's, accepted, its SLA paused.
fn fixture() -> Support {
    let s = Support::empty();
    edgedesk_e2e::mock_quimbi::in_process(&s.p);
    s.sql(
        "INSERT INTO agents (id, email, hashed_password, name, role, department, created_at) VALUES
           ('u-agent', 'agent@t.test', 'x', 'A', 'agent', 'support', 0),
           ('u-senior', 'senior@t.test', 'x', 'S', 'senior_agent', 'support', 0),
           ('u-lead', 'lead@t.test', 'x', 'L', 'team_lead', 'support', 0),
           ('u-manager', 'manager@t.test', 'x', 'M', 'manager', 'support', 0),
           ('u-admin', 'admin@t.test', 'x', 'D', 'admin', 'support', 0),
           ('u-billing', 'billing@t.test', 'x', 'B', 'agent', 'billing', 0);
         INSERT INTO customers (id, email, name, created_at) VALUES ('c1', 'c1@t.test', 'C', 0);
         INSERT INTO customers (id, email, name, created_at) VALUES ('c2', 'c2@t.test', 'D', 0);",
    );
    let now = s.p.now.get();
    for (id, customer) in [
        ("T-OWN", "c1"),
        ("T-OTHER", "c2"),
        ("T-FREE", "c2"),
        ("T-PAUSED", "c1"),
    ] {
        s.sql(&format!(
            "INSERT INTO tickets (id, customer_id, subject, priority, channel, created_at, updated_at)
             VALUES ('{id}', '{customer}', 'Help {id}', 'normal', 'email', {now}, {now});
             INSERT INTO sla_tracking (ticket_id, first_response_target, resolution_target, created_at)
             VALUES ('{id}', 28800, 172800, {now});"
        ));
    }
    s.sql(&format!(
        "INSERT INTO ticket_assignments (id, ticket_id, agent_id, status, assigned_at, is_active) VALUES
           ('a1', 'T-OWN', 'u-agent', 'pending', {now}, 1),
           ('a2', 'T-OTHER', 'u-billing', 'accepted', {now}, 1),
           ('a3', 'T-PAUSED', 'u-agent', 'accepted', {now}, 1);
         UPDATE sla_tracking SET is_paused = 1, paused_at = {now} WHERE ticket_id = 'T-PAUSED';
         INSERT INTO messages (id, ticket_id, from_agent, agent_id, content, created_at) VALUES
           ('m-own', 'T-OWN', 1, 'u-agent', 'On it', {now}),
           ('m-senior', 'T-OWN', 1, 'u-senior', 'Me too', {now}),
           ('m-other', 'T-OTHER', 1, 'u-billing', 'Billing here', {now});"
    ));
    s
}

struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    /// Expected status per role, in ROLES order.
    expect: [u16; 5],
}

fn case(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    expect: [u16; 5],
) -> Case {
    Case {
        name,
        method,
        path,
        body,
        expect,
    }
}

fn cases() -> Vec<Case> {
    const ALL: [u16; 5] = [200; 5];
    const CREATED: [u16; 5] = [201; 5];
    const NOT_AGENT: [u16; 5] = [404, 200, 200, 200, 200];
    vec![
        case("list tickets", "GET", "/api/tickets", None, ALL),
        case("read own ticket", "GET", "/api/tickets/T-OWN", None, ALL),
        case(
            "read another's ticket",
            "GET",
            "/api/tickets/T-OTHER",
            None,
            NOT_AGENT,
        ),
        case(
            "own messages",
            "GET",
            "/api/tickets/T-OWN/messages",
            None,
            ALL,
        ),
        case(
            "another's messages",
            "GET",
            "/api/tickets/T-OTHER/messages",
            None,
            NOT_AGENT,
        ),
        case("own SLA", "GET", "/api/tickets/T-OWN/sla", None, ALL),
        case(
            "another's SLA",
            "GET",
            "/api/tickets/T-OTHER/sla",
            None,
            NOT_AGENT,
        ),
        case(
            "own breakdown",
            "GET",
            "/api/tickets/T-OWN/score-breakdown",
            None,
            ALL,
        ),
        case(
            "another's breakdown",
            "GET",
            "/api/tickets/T-OTHER/score-breakdown",
            None,
            NOT_AGENT,
        ),
        case(
            "create a ticket",
            "POST",
            "/api/tickets",
            Some(json!({"customer_id": "c1", "subject": "New", "channel": "chat"})),
            CREATED,
        ),
        case(
            "post on own ticket",
            "POST",
            "/api/tickets/T-OWN/messages",
            Some(json!({"content": "Hello", "from_agent": true})),
            CREATED,
        ),
        case(
            "post on another's ticket",
            "POST",
            "/api/tickets/T-OTHER/messages",
            Some(json!({"content": "Hello", "from_agent": true})),
            [404, 201, 201, 201, 201],
        ),
        case(
            "update own ticket",
            "PATCH",
            "/api/tickets/T-OWN",
            Some(json!({"priority": "high"})),
            ALL,
        ),
        case(
            "update another's ticket",
            "PATCH",
            "/api/tickets/T-OTHER",
            Some(json!({"priority": "high"})),
            NOT_AGENT,
        ),
        case(
            "pause own SLA",
            "POST",
            "/api/tickets/T-OWN/sla/pause",
            None,
            ALL,
        ),
        case(
            "pause another's SLA",
            "POST",
            "/api/tickets/T-OTHER/sla/pause",
            None,
            NOT_AGENT,
        ),
        case(
            "edit own reply",
            "PATCH",
            "/api/tickets/T-OWN/messages/m-own",
            Some(json!({"content": "Edited"})),
            ALL,
        ),
        case(
            "edit a colleague's reply",
            "PATCH",
            "/api/tickets/T-OWN/messages/m-senior",
            Some(json!({"content": "Edited"})),
            [403, 200, 200, 200, 200],
        ),
        case(
            "delete own reply",
            "DELETE",
            "/api/tickets/T-OWN/messages/m-own",
            None,
            ALL,
        ),
        case(
            "delete a colleague's reply",
            "DELETE",
            "/api/tickets/T-OWN/messages/m-senior",
            None,
            [403, 200, 200, 200, 200],
        ),
        case(
            "delete a ticket",
            "DELETE",
            "/api/tickets/T-FREE",
            None,
            [403, 403, 403, 403, 200],
        ),
        case(
            "delete another's ticket",
            "DELETE",
            "/api/tickets/T-OTHER",
            None,
            [403, 403, 403, 403, 200],
        ),
        case(
            "assign",
            "POST",
            "/api/tickets/T-FREE/assign",
            Some(json!({"agent_id": "u-senior"})),
            [403, 201, 201, 201, 201],
        ),
        case(
            "transfer own",
            "POST",
            "/api/tickets/T-OWN/transfer",
            Some(json!({"agent_id": "u-senior", "reason": "expertise"})),
            CREATED,
        ),
        case(
            "transfer another's",
            "POST",
            "/api/tickets/T-OTHER/transfer",
            Some(json!({"agent_id": "u-senior", "reason": "expertise"})),
            [404, 201, 201, 201, 201],
        ),
        case(
            "accept own assignment",
            "POST",
            "/api/tickets/T-OWN/accept",
            None,
            [200, 403, 403, 403, 200],
        ),
        case(
            "resume own SLA",
            "POST",
            "/api/tickets/T-PAUSED/sla/resume",
            None,
            ALL,
        ),
        case(
            "complete own assignment",
            "POST",
            "/api/tickets/T-PAUSED/complete",
            None,
            [200, 403, 403, 403, 200],
        ),
        case(
            "complete another's assignment",
            "POST",
            "/api/tickets/T-OTHER/complete",
            None,
            [404, 403, 403, 403, 200],
        ),
        case(
            "a draft for own ticket",
            "GET",
            "/api/ai/tickets/T-OWN/draft-response",
            None,
            ALL,
        ),
        case(
            "a draft for another's ticket",
            "GET",
            "/api/ai/tickets/T-OTHER/draft-response",
            None,
            NOT_AGENT,
        ),
        case(
            "regenerate own draft",
            "POST",
            "/api/ai/tickets/T-OWN/regenerate-draft",
            Some(json!({"tone": "friendly"})),
            ALL,
        ),
        case(
            "regenerate another's draft",
            "POST",
            "/api/ai/tickets/T-OTHER/regenerate-draft",
            Some(json!({})),
            NOT_AGENT,
        ),
        case(
            "own recommendation",
            "GET",
            "/api/ai/tickets/T-OWN/recommendation",
            None,
            ALL,
        ),
        case(
            "another's recommendation",
            "GET",
            "/api/ai/tickets/T-OTHER/recommendation",
            None,
            NOT_AGENT,
        ),
        case(
            "own customer's intelligence",
            "GET",
            "/api/ai/customers/c1/intelligence",
            None,
            ALL,
        ),
        case(
            "another customer's intelligence",
            "GET",
            "/api/ai/customers/c2/intelligence",
            None,
            NOT_AGENT,
        ),
        case(
            "own workload",
            "GET",
            "/api/agents/{self}/workload",
            None,
            ALL,
        ),
        case(
            "a department colleague's workload",
            "GET",
            "/api/agents/u-agent/workload",
            None,
            [200, 403, 200, 200, 200],
        ),
        case(
            "another department's workload",
            "GET",
            "/api/agents/u-billing/workload",
            None,
            [403, 403, 403, 200, 200],
        ),
        case(
            "list agents",
            "GET",
            "/api/agents",
            None,
            [403, 403, 200, 200, 200],
        ),
        case(
            "create an agent",
            "POST",
            "/api/agents",
            Some(json!({"email": "new@t.test", "password": "long-enough", "name": "N"})),
            [403, 403, 403, 201, 201],
        ),
        case(
            "create an admin",
            "POST",
            "/api/agents",
            Some(
                json!({"email": "boss@t.test", "password": "long-enough", "name": "B", "role": "admin"}),
            ),
            [403, 403, 403, 403, 201],
        ),
        case(
            "update an agent",
            "PATCH",
            "/api/agents/u-billing",
            Some(json!({"max_concurrent_tickets": 7})),
            [403, 403, 403, 200, 200],
        ),
        case(
            "update an admin",
            "PATCH",
            "/api/agents/u-admin",
            Some(json!({"name": "Z"})),
            [403, 403, 403, 403, 200],
        ),
        case(
            "make someone admin",
            "PATCH",
            "/api/agents/u-billing",
            Some(json!({"role": "admin"})),
            [403, 403, 403, 403, 200],
        ),
        case(
            "delete an agent",
            "DELETE",
            "/api/agents/u-billing",
            None,
            [403, 403, 403, 403, 200],
        ),
        case("read SLA policies", "GET", "/api/sla/policies", None, ALL),
        case(
            "change an SLA policy",
            "PATCH",
            "/api/sla/policies/high",
            Some(json!({"first_response_target_seconds": 3600})),
            [403, 403, 403, 200, 200],
        ),
        case(
            "read business hours",
            "GET",
            "/api/sla/business-hours",
            None,
            ALL,
        ),
        case(
            "set business hours",
            "PUT",
            "/api/sla/business-hours",
            Some(
                json!({"time_zone": "Europe/Berlin", "week": {"monday": [{"start": "09:00", "end": "17:00"}],
                 "tuesday": [], "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": []},
                 "holidays": ["2026-12-25"]}),
            ),
            [403, 403, 403, 200, 200],
        ),
        case(
            "SLA report",
            "GET",
            "/api/reports/sla",
            None,
            [403, 403, 200, 200, 200],
        ),
        case(
            "team report",
            "GET",
            "/api/reports/agents",
            None,
            [403, 403, 200, 200, 200],
        ),
        case("me", "GET", "/api/agents/me", None, ALL),
        case(
            "set my status",
            "PATCH",
            "/api/agents/me/status",
            Some(json!({"status": "online"})),
            ALL,
        ),
        case("log out", "POST", "/api/agents/logout", None, ALL),
    ]
}

#[test]
fn every_role_against_every_route() {
    let mut failures = Vec::new();
    let cases = cases();
    for c in &cases {
        for (i, (role, id)) in ROLES.iter().enumerate() {
            let s = fixture();
            let path = c.path.replace("{self}", id);
            let (status, body) = s.as_agent(id, c.method, &path, c.body.clone());
            if status != c.expect[i] {
                failures.push(format!(
                    "{} as {role}: {status}, expected {} ({body})",
                    c.name, c.expect[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len() * 5,
        failures.join("\n")
    );
}

#[test]
fn every_route_of_the_product_is_in_the_matrix() {
    let walked: Vec<(String, String)> = cases()
        .iter()
        .map(|c| (c.method.to_string(), c.path.to_string()))
        .collect();
    for info in edgedesk_support::routes::infos() {
        if matches!(info.operation.id, "login" | "sla_sweep") {
            continue;
        }
        let template = info.path;
        let covered = walked.iter().any(|(m, p)| {
            m == info.method && edgedesk_kernel::router::match_path(template, p).is_some()
        });
        assert!(covered, "{} {} is not walked", info.method, info.path);
    }
}

#[test]
fn an_agent_sees_only_their_own_tickets_and_a_team_lead_only_their_department() {
    let s = fixture();
    let (_, list) = s.as_agent("u-agent", "GET", "/api/tickets", None);
    let ids: Vec<&str> = list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.contains(&"T-OWN") && ids.contains(&"T-PAUSED"),
        "{ids:?}"
    );
    let (_, list) = s.as_agent("u-manager", "GET", "/api/tickets", None);
    assert_eq!(list["pagination"]["total"], 4);
    let (_, agents) = s.as_agent("u-lead", "GET", "/api/agents", None);
    let departments: Vec<&str> = agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["department"].as_str().unwrap())
        .collect();
    assert!(
        departments.iter().all(|d| *d == "support"),
        "{departments:?}"
    );
    assert_eq!(departments.len(), 5);
    let (_, report) = s.as_agent("u-lead", "GET", "/api/reports/agents", None);
    assert_eq!(report["department"], "support");
    assert!(!report.to_string().contains("u-billing"));
}
