//! The support product end to end, over any transport: signing in as each
//! dev agent, the inbox, the role refusals, a ticket's life with its SLA,
//! assignments, reports and signing out. Run in-process, on workerd and on
//! the Spin components against the sample dataset (`make dev`'s).

use crate::{Transport, WireRequest};
use serde_json::{Value, json};

/// The session-token key the runs configure.
pub const SECRET_KEY: &str = "e2e-session-secret";

/// The sample dataset as SQL, dated from `now_ms`.
pub fn sample_sql(now_ms: i64) -> String {
    edgedesk_support::sample::dataset(now_ms)
        .iter()
        .map(edgedesk_support::sample::to_sql)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One call: status and JSON body.
pub fn call(
    t: &dyn Transport,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut headers = vec![];
    if let Some(tok) = token {
        headers.push(("authorization".to_string(), format!("Bearer {tok}")));
    }
    let body = match body {
        Some(b) => {
            headers.push(("content-type".to_string(), "application/json".to_string()));
            b.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    let res = t
        .send(WireRequest {
            method: method.into(),
            path: path.into(),
            headers,
            body,
        })
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let v = serde_json::from_slice(&res.body).unwrap_or(Value::Null);
    (res.status, v)
}

/// Signs in and gives the token.
pub fn login(t: &dyn Transport, email: &str) -> String {
    let (status, v) = call(
        t,
        "POST",
        "/api/agents/login",
        None,
        Some(json!({"email": email, "password": edgedesk_support::sample::DEV_PASSWORD})),
    );
    assert_eq!(status, 200, "login {email}: {v}");
    v["access_token"].as_str().unwrap().to_string()
}

fn expect(
    t: &dyn Transport,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, v) = call(t, method, path, Some(token), body);
    assert_eq!(got, status, "{method} {path}: {v}");
    v
}

/// A score breakdown's components add up to its score.
pub fn assert_breakdown_sums(b: &Value) {
    let sum: f64 = b["components"]
        .as_array()
        .unwrap_or_else(|| panic!("no components: {b}"))
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - b["smart_score"].as_f64().unwrap()).abs() < 1e-9,
        "{b}"
    );
}

/// The whole walk; panics naming the first step that failed.
pub fn scenario(t: &dyn Transport) {
    let mut tokens = std::collections::HashMap::new();
    for (id, email, _, role, _) in edgedesk_support::sample::AGENTS {
        let token = login(t, email);
        let me = expect(t, &token, "GET", "/api/agents/me", None, 200);
        assert_eq!(me["role"], role);
        assert!(!me.to_string().contains("hashed_password"));
        tokens.insert(id, token);
    }
    let (status, v) = call(
        t,
        "POST",
        "/api/agents/login",
        None,
        Some(json!({"email": "agent@support.test", "password": "wrong-password"})),
    );
    assert_eq!(status, 401, "{v}");
    let (status, _) = call(t, "GET", "/api/tickets", None, None);
    assert_eq!(status, 401);
    let manager = &tokens["ag-manager"];
    let senior = &tokens["ag-senior"];
    let agent = &tokens["ag-agent"];

    // The inbox: 50 of 200, highest score first, each explained.
    let inbox = expect(t, manager, "GET", "/api/tickets", None, 200);
    let tickets = inbox["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 50);
    assert_eq!(inbox["pagination"]["total"], 200);
    let scores: Vec<f64> = tickets
        .iter()
        .map(|x| x["smart_score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let top = tickets[0]["id"].as_str().unwrap().to_string();
    let b = expect(
        t,
        manager,
        "GET",
        &format!("/api/tickets/{top}/score-breakdown"),
        None,
        200,
    );
    assert_breakdown_sums(&b);
    expect(t, manager, "GET", "/api/tickets?limit=101", None, 422);

    // An agent sees only their own tickets; the rest do not exist for them.
    let own = expect(t, agent, "GET", "/api/tickets?limit=100", None, 200);
    assert!(own["pagination"]["total"].as_i64().unwrap() > 0);
    assert!(
        own["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["assigned_agent_id"] == "ag-agent"),
        "{own}"
    );
    let foreign = tickets
        .iter()
        .find(|x| x["assigned_agent_id"] != "ag-agent")
        .expect("a ticket not assigned to the agent")["id"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        t,
        agent,
        "GET",
        &format!("/api/tickets/{foreign}"),
        None,
        404,
    );
    expect(
        t,
        agent,
        "DELETE",
        &format!("/api/tickets/{foreign}"),
        None,
        403,
    );
    expect(t, agent, "GET", "/api/agents", None, 403);
    expect(t, senior, "GET", "/api/reports/sla", None, 403);

    // A ticket's life: created with its clocks, answered, assigned, worked.
    let created = expect(
        t,
        senior,
        "POST",
        "/api/tickets",
        Some(json!({
        "customer_id": "cus-hooli", "subject": "Cannot export invoices", "channel": "chat",
        "priority": "high", "message": "The export button does nothing. This is frustrating."})),
        201,
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["sla"]["first_response"]["target_seconds"], 7200);
    assert_eq!(created["sla"]["first_response_status"], "pending");
    expect(
        t,
        senior,
        "POST",
        "/api/tickets",
        Some(json!({"customer_id": "cus-hooli", "subject": "x", "channel": "fax"})),
        422,
    );
    expect(
        t,
        senior,
        "POST",
        &format!("/api/tickets/{id}/messages"),
        Some(json!({"content": "Sorry about that: a fix is on its way.", "from_agent": true})),
        201,
    );
    let sla = expect(
        t,
        senior,
        "GET",
        &format!("/api/tickets/{id}/sla"),
        None,
        200,
    );
    assert_eq!(sla["first_response_status"], "met", "{sla}");
    assert!(
        sla["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "met")
    );
    expect(
        t,
        senior,
        "POST",
        &format!("/api/tickets/{id}/assign"),
        Some(json!({"agent_id": "ag-agent"})),
        201,
    );
    expect(
        t,
        senior,
        "POST",
        &format!("/api/tickets/{id}/assign"),
        Some(json!({"agent_id": "ag-lead"})),
        409,
    );
    expect(
        t,
        senior,
        "POST",
        &format!("/api/tickets/{id}/accept"),
        None,
        403,
    );
    let accepted = expect(
        t,
        agent,
        "POST",
        &format!("/api/tickets/{id}/accept"),
        None,
        200,
    );
    assert_eq!(accepted["status"], "accepted");
    let workload = expect(t, agent, "GET", "/api/agents/ag-agent/workload", None, 200);
    assert!(workload["active"].as_i64().unwrap() >= 1);
    expect(
        t,
        agent,
        "POST",
        &format!("/api/tickets/{id}/sla/pause"),
        None,
        200,
    );
    expect(
        t,
        agent,
        "POST",
        &format!("/api/tickets/{id}/sla/pause"),
        None,
        409,
    );
    let resumed = expect(
        t,
        agent,
        "POST",
        &format!("/api/tickets/{id}/sla/resume"),
        None,
        200,
    );
    assert_eq!(resumed["is_paused"], false);
    let done = expect(
        t,
        agent,
        "PATCH",
        &format!("/api/tickets/{id}"),
        Some(json!({"status": "resolved"})),
        200,
    );
    assert_eq!(done["status"], "resolved");
    expect(
        t,
        agent,
        "POST",
        &format!("/api/tickets/{id}/complete"),
        None,
        200,
    );
    let detail = expect(t, manager, "GET", &format!("/api/tickets/{id}"), None, 200);
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2);
    assert_eq!(detail["sla"]["resolution_status"], "met");
    expect(
        t,
        &tokens["ag-admin"],
        "DELETE",
        &format!("/api/tickets/{id}"),
        None,
        200,
    );
    expect(t, manager, "GET", &format!("/api/tickets/{id}"), None, 404);

    // Reports: a team lead's department, a manager's everything.
    let lead = expect(
        t,
        &tokens["ag-lead"],
        "GET",
        "/api/reports/agents",
        None,
        200,
    );
    assert_eq!(lead["department"], "support");
    let report = expect(t, manager, "GET", "/api/reports/sla", None, 200);
    assert_eq!(report["priorities"].as_array().unwrap().len(), 4);

    // Signing out ends the token.
    expect(t, agent, "POST", "/api/agents/logout", None, 200);
    expect(t, agent, "GET", "/api/agents/me", None, 401);
}
