//! The support product end to end in-process: signing in and out, the
//! inbox and its score, SLA clocks through a ticket's life, and the
//! sample dataset.

mod harness;

use harness::Support;
use serde_json::json;

const HOUR: i64 = 3_600_000;

fn login(s: &Support, email: &str, password: &str) -> (u16, serde_json::Value) {
    s.call(
        "POST",
        "/api/agents/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
}

#[test]
fn every_dev_agent_logs_in_and_a_token_dies_with_logout() {
    let s = Support::sample();
    for (_, email, _, role, _) in edgedesk_support::sample::AGENTS {
        let (status, v) = login(&s, email, "dev-password");
        assert_eq!(status, 200, "{email}: {v}");
        assert_eq!(v["token_type"], "bearer");
        assert_eq!(v["expires_in"], 86_400);
        assert_eq!(v["agent"]["role"], role);
        assert!(!v.to_string().contains("hashed_password") && !v.to_string().contains("argon2"));
    }
    let (_, v) = login(&s, "Agent@Support.test", "dev-password");
    let token = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(s.call("GET", "/api/agents/me", Some(&token), None).0, 200);
    assert_eq!(
        s.call("POST", "/api/agents/logout", Some(&token), None).0,
        200
    );
    let (status, v) = s.call("GET", "/api/agents/me", Some(&token), None);
    assert_eq!(status, 401, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("revoked"));
}

#[test]
fn wrong_passwords_are_throttled_and_unknown_emails_answer_the_same() {
    let s = Support::sample();
    let (a, wrong_password) = login(&s, "manager@support.test", "nope-nope");
    let (b, unknown_email) = login(&s, "nobody@support.test", "nope-nope");
    assert_eq!((a, b), (401, 401));
    assert_eq!(wrong_password, unknown_email);
    for _ in 0..4 {
        assert_eq!(login(&s, "manager@support.test", "nope-nope").0, 401);
    }
    // Five failures in the window: refused, even with the right password.
    let mut req = edgedesk_kernel::Request::new("POST", "/api/agents/login").with_body(
        json!({"email": "manager@support.test", "password": "dev-password"}).to_string(),
    );
    req = req.with_header("content-type", "application/json");
    let res = s.p.handle(&s.routes, req);
    assert_eq!(res.status, 429);
    assert_eq!(res.header("retry-after"), Some("900"));
    s.advance_ms(15 * 60 * 1000 - 1000);
    assert_eq!(login(&s, "manager@support.test", "dev-password").0, 429);
    s.advance_ms(1000);
    assert_eq!(login(&s, "manager@support.test", "dev-password").0, 200);
    // Other emails were never limited.
    assert_eq!(login(&s, "admin@support.test", "dev-password").0, 200);
}

#[test]
fn forged_expired_and_missing_tokens_are_401_with_a_challenge() {
    let s = Support::sample();
    let good = s.token("ag-admin");
    let (header, payload, sig) = {
        let mut parts = good.split('.');
        (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        )
    };
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    let forged = [
        format!("{none_header}.{payload}."),
        format!("{none_header}.{payload}.{sig}"),
        format!("{header}.{payload}.{}", &sig[..sig.len() - 2]),
        format!("{header}.eyJzdWIiOiJhZy1hZG1pbiIsImV4cCI6OTk5OTk5OTk5OX0.{sig}"),
        "not-a-token".to_string(),
    ];
    for t in &forged {
        let req = edgedesk_kernel::Request::new("GET", "/api/tickets")
            .with_header("authorization", &format!("Bearer {t}"));
        let res = s.p.handle(&s.routes, req);
        assert_eq!(res.status, 401, "{t}");
        assert!(
            res.header("www-authenticate")
                .unwrap()
                .starts_with("Bearer")
        );
    }
    assert_eq!(s.call("GET", "/api/tickets", None, None).0, 401);
    s.advance_ms(24 * HOUR);
    assert_eq!(
        s.call("GET", "/api/tickets", Some(&good), None).0,
        401,
        "expired"
    );
}

#[test]
fn the_inbox_is_ordered_by_score_and_the_breakdown_sums_to_it() {
    let s = Support::sample();
    let (status, v) = s.as_agent("ag-manager", "GET", "/api/tickets?limit=100", None);
    assert_eq!(status, 200, "{v}");
    let tickets = v["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 100);
    assert_eq!(
        v["pagination"],
        json!({"page": 1, "limit": 100, "total": 200, "has_next": true, "has_prev": false})
    );
    let scores: Vec<f64> = tickets
        .iter()
        .map(|t| t["smart_score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let (_, page2) = s.as_agent("ag-manager", "GET", "/api/tickets?limit=100&page=2", None);
    assert_eq!(page2["pagination"]["has_next"], false);
    assert!(page2["tickets"][0]["smart_score"].as_f64().unwrap() <= scores[99]);
    for t in tickets.iter().take(10) {
        let id = t["id"].as_str().unwrap();
        let (_, b) = s.as_agent(
            "ag-manager",
            "GET",
            &format!("/api/tickets/{id}/score-breakdown"),
            None,
        );
        edgedesk_e2e::support::assert_breakdown_sums(&b);
        assert!(
            (b["smart_score"].as_f64().unwrap() - t["smart_score"].as_f64().unwrap()).abs() < 1e-9
        );
        assert_eq!(b["components"].as_array().unwrap().len(), 7);
    }
    for bad in [
        "limit=0",
        "limit=101",
        "page=0",
        "status=lost",
        "channel=fax",
        "colour=red",
    ] {
        let (status, v) = s.as_agent("ag-manager", "GET", &format!("/api/tickets?{bad}"), None);
        assert_eq!(status, 422, "{bad}: {v}");
    }
}

#[test]
fn topic_alerts_lift_matching_tickets_by_exactly_the_boost() {
    let s = Support::sample();
    let (_, plain) = s.as_agent("ag-manager", "GET", "/api/tickets?limit=100&page=2", None);
    let low = &plain["tickets"][99];
    let id = low["id"].as_str().unwrap();
    let word = low["subject"]
        .as_str()
        .unwrap()
        .split(' ')
        .next_back()
        .unwrap()
        .to_lowercase();
    let (_, b0) = s.as_agent(
        "ag-manager",
        "GET",
        &format!("/api/tickets/{id}/score-breakdown"),
        None,
    );
    let (_, b1) = s.as_agent(
        "ag-manager",
        "GET",
        &format!("/api/tickets/{id}/score-breakdown?topic_alerts={word}"),
        None,
    );
    let gained = b1["smart_score"].as_f64().unwrap() - b0["smart_score"].as_f64().unwrap();
    assert!((gained - 5.0).abs() < 1e-9, "{gained}");
    let (_, alerted) = s.as_agent(
        "ag-manager",
        "GET",
        &format!("/api/tickets?limit=100&topic_alerts={word},zzz"),
        None,
    );
    assert_eq!(alerted["topic_alerts_active"], json!([word, "zzz"]));
    assert!(alerted["matches"].as_i64().unwrap() >= 1);
    let first = &alerted["tickets"][0];
    assert_eq!(first["matches_topic_alert"], true, "{first}");
}

#[test]
fn waiting_tickets_climb_as_time_passes_without_writes() {
    let s = Support::sample();
    let (_, t) = s.as_agent("ag-senior", "POST", "/api/tickets",
        Some(json!({"customer_id": "cus-stark", "subject": "A question", "channel": "form", "priority": "low"})));
    let id = t["id"].as_str().unwrap().to_string();
    let before = t["smart_score"].as_f64().unwrap();
    s.advance_ms(6 * HOUR);
    let (_, b) = s.as_agent(
        "ag-manager",
        "GET",
        &format!("/api/tickets/{id}/score-breakdown"),
        None,
    );
    assert!(
        b["smart_score"].as_f64().unwrap() > before,
        "{before} -> {b}"
    );
}

#[test]
fn a_tickets_sla_runs_pauses_and_is_met() {
    let s = Support::sample();
    let (status, t) = s.as_agent(
        "ag-senior",
        "POST",
        "/api/tickets",
        Some(
            json!({"customer_id": "cus-acme", "subject": "Export broken", "channel": "email",
                    "priority": "urgent", "message": "The export is broken and we are angry."}),
        ),
    );
    assert_eq!(status, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(t["messages"].as_array().unwrap().len(), 1);
    assert!(t["customer_sentiment"].as_f64().unwrap() < 0.5);
    assert_eq!(t["sla"]["first_response"]["target_seconds"], 1800);
    assert_eq!(t["sla"]["first_response_status"], "pending");
    let sla = |s: &Support| {
        s.as_agent("ag-senior", "GET", &format!("/api/tickets/{id}/sla"), None)
            .1
    };
    // 80 % of 30 minutes: at risk.
    s.advance_ms(25 * 60 * 1000);
    assert_eq!(sla(&s)["first_response_status"], "at_risk");
    // Pending pauses the clocks: ten minutes pass without counting.
    let (st, _) = s.as_agent(
        "ag-senior",
        "PATCH",
        &format!("/api/tickets/{id}"),
        Some(json!({"status": "pending"})),
    );
    assert_eq!(st, 200);
    s.advance_ms(10 * 60 * 1000);
    let v = sla(&s);
    assert_eq!(v["is_paused"], true);
    assert_eq!(v["first_response"]["elapsed_seconds"], 25 * 60);
    let (st, _) = s.as_agent(
        "ag-senior",
        "PATCH",
        &format!("/api/tickets/{id}"),
        Some(json!({"status": "in_progress"})),
    );
    assert_eq!(st, 200);
    assert_eq!(sla(&s)["total_paused_seconds"], 600);
    // The sweep records at_risk once, however often it runs.
    let sweep = |s: &Support| {
        futures::executor::block_on(edgedesk_support::sla::sweep(
            &s.p.scoped(&edgedesk_support::PRODUCT),
        ))
        .unwrap()
    };
    assert!(sweep(&s).recorded >= 1);
    assert_eq!(
        sweep(&s).recorded,
        0,
        "a second sweep records nothing again"
    );
    let events = |s: &Support, kind: &str| {
        s.count(&format!(
            "SELECT COUNT(*) FROM sla_events WHERE ticket_id = '{id}' AND kind = '{kind}'"
        ))
    };
    assert_eq!(events(&s, "at_risk"), 1);
    // An agent's reply in time meets the first response.
    let (st, _) = s.as_agent(
        "ag-senior",
        "POST",
        &format!("/api/tickets/{id}/messages"),
        Some(json!({"content": "Looking into it now.", "from_agent": true})),
    );
    assert_eq!(st, 201);
    let v = sla(&s);
    assert_eq!(v["first_response_status"], "met", "{v}");
    assert_eq!(events(&s, "met"), 1);
    // The customer writes again: a next-response clock on the same target.
    let (st, _) = s.as_agent(
        "ag-senior",
        "POST",
        &format!("/api/tickets/{id}/messages"),
        Some(json!({"content": "Still broken!", "from_agent": false})),
    );
    assert_eq!(st, 201);
    s.advance_ms(31 * 60 * 1000);
    let v = sla(&s);
    assert_eq!(v["next_response"]["status"], "breached", "{v}");
    let at_risk_before = events(&s, "at_risk");
    assert!(sweep(&s).recorded >= 2);
    assert_eq!(
        events(&s, "at_risk"),
        at_risk_before + 1,
        "next response at risk"
    );
    assert_eq!(events(&s, "breached"), 1, "next response breached");
    // Resolving stops the clocks; the late reply stays breached.
    let (st, _) = s.as_agent(
        "ag-senior",
        "PATCH",
        &format!("/api/tickets/{id}"),
        Some(json!({"status": "resolved"})),
    );
    assert_eq!(st, 200);
    let v = sla(&s);
    assert_eq!(v["resolution_status"], "met", "{v}");
    assert_eq!(v["next_response"]["status"], "breached");
    // A closed ticket stays closed.
    assert_eq!(
        s.as_agent(
            "ag-senior",
            "PATCH",
            &format!("/api/tickets/{id}"),
            Some(json!({"status": "closed"}))
        )
        .0,
        200
    );
    assert_eq!(
        s.as_agent(
            "ag-senior",
            "PATCH",
            &format!("/api/tickets/{id}"),
            Some(json!({"status": "open"}))
        )
        .0,
        409
    );
}

#[test]
fn a_second_active_assignment_is_refused_by_the_schema() {
    let s = Support::sample();
    let (_, t) = s.as_agent(
        "ag-senior",
        "POST",
        "/api/tickets",
        Some(json!({"customer_id": "cus-acme", "subject": "Two assigns", "channel": "chat"})),
    );
    let id = t["id"].as_str().unwrap().to_string();
    let assign = |agent: &str| {
        s.as_agent(
            "ag-senior",
            "POST",
            &format!("/api/tickets/{id}/assign"),
            Some(json!({"agent_id": agent})),
        )
    };
    assert_eq!(assign("ag-agent").0, 201);
    assert_eq!(assign("ag-senior").0, 409);
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM ticket_assignments WHERE ticket_id = '{id}' AND is_active = 1"
        )),
        1
    );
    // Even a write that skips the code: the unique index refuses it.
    let raw = s.p.scoped(&edgedesk_support::PRODUCT).with_db(|db| {
        db.execute(
            &format!("INSERT INTO ticket_assignments (id, ticket_id, agent_id, assigned_at, is_active) VALUES ('x', '{id}', 'ag-lead', 0, 1)"),
            [],
        )
    });
    assert!(raw.unwrap().is_err());
    // Transfer ends one and starts the other.
    let (st, a) = s.as_agent(
        "ag-senior",
        "POST",
        &format!("/api/tickets/{id}/transfer"),
        Some(json!({"agent_id": "ag-lead", "reason": "needs a lead"})),
    );
    assert_eq!(st, 201, "{a}");
    assert_eq!(a["previous_agent_id"], "ag-agent");
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM ticket_assignments WHERE ticket_id = '{id}' AND is_active = 1"
        )),
        1
    );
}

#[test]
fn bad_input_names_the_field() {
    let s = Support::sample();
    let cases = [
        (
            json!({"customer_id": "cus-acme", "subject": "x"}),
            "channel is required",
        ),
        (
            json!({"customer_id": "cus-acme", "subject": "x", "channel": "fax"}),
            "channel must be one of",
        ),
        (
            json!({"customer_id": "nobody", "subject": "x", "channel": "chat"}),
            "customer_id nobody names no customer",
        ),
        (
            json!({"customer_id": "cus-acme", "subject": "x", "channel": "chat", "colour": 1}),
            "unknown field 'colour'",
        ),
        (
            json!({"customer_id": "cus-acme", "subject": "", "channel": "chat"}),
            "subject must not be empty",
        ),
    ];
    for (body, message) in cases {
        let (status, v) = s.as_agent("ag-admin", "POST", "/api/tickets", Some(body));
        assert_eq!(status, 422, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(message),
            "{v}"
        );
    }
    assert_eq!(
        s.as_agent("ag-admin", "GET", "/api/tickets/no-such", None)
            .0,
        404
    );
}

#[test]
fn the_sample_dataset_has_every_sla_state() {
    let s = Support::sample();
    let (_, r) = s.as_agent("ag-manager", "GET", "/api/reports/sla", None);
    let total = |k: &str| -> i64 {
        r["priorities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[k].as_i64().unwrap())
            .sum()
    };
    assert!(total("tickets") >= 150, "{r}");
    for state in ["met", "breached", "pending"] {
        assert!(total(state) > 0, "no {state}: {r}");
    }
    let at_risk: i64 = r["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["at_risk"].as_i64().unwrap())
        .sum();
    assert!(at_risk > 0, "no ticket at risk: {r}");
    assert!(s.count("SELECT COUNT(*) FROM sla_events") > 0);
    assert!(s.count("SELECT COUNT(*) FROM messages") >= 300);
}

#[test]
fn the_ai_proxy_caches_retries_and_fails_cleanly() {
    let s = Support::sample();
    let calls = edgedesk_e2e::mock_quimbi::in_process(&s.p);
    let t = edgedesk_e2e::InProcess {
        platform: &s.p,
        routes: &s.routes,
    };
    edgedesk_e2e::mock_quimbi::check_ai_path(&t, &|id| {
        calls.borrow().get(id).copied().unwrap_or(0)
    });
    // The key goes out as X-API-Key and nowhere else; never in an answer.
    let sent = s.p.http_calls.borrow();
    assert!(sent.iter().all(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "x-api-key" && v == edgedesk_e2e::mock_quimbi::API_KEY)
    }));
    assert!(sent.iter().all(|r| !String::from_utf8_lossy(&r.body).contains(edgedesk_e2e::mock_quimbi::API_KEY)));
}

#[test]
fn an_unconfigured_intelligence_service_is_503_naming_the_setting() {
    let s = Support::sample();
    let (status, v) = s.as_agent(
        "ag-manager",
        "GET",
        "/api/ai/customers/cus-acme/intelligence",
        None,
    );
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["error"]["code"], "NOT_CONFIGURED");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("QUIMBI_BASE_URL")
    );
    s.p.set_var("QUIMBI_BASE_URL", "http://quimbi.test");
    let (status, v) = s.as_agent(
        "ag-manager",
        "GET",
        "/api/ai/tickets/tkt-0007/draft-response",
        None,
    );
    assert_eq!(status, 503, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("QUIMBI_API_KEY")
    );
    assert!(s.p.http_calls.borrow().is_empty());
}

/// The inbox reads tickets in stored-score order and stops early; its pages
/// must be exactly those of scoring every ticket, whatever the clock, the
/// topic alerts and the weights (a change of weights rewrites the stored
/// scores first).
#[test]
fn the_early_stopping_inbox_agrees_with_scoring_every_ticket() {
    let s = Support::empty();
    s.load(&edgedesk_support::sample::dataset_of(s.p.now.get(), 1500));
    let reference = |s: &Support, alerts: &str| -> Vec<String> {
        let (_, all) = s.as_agent("ag-manager", "GET", "/api/tickets?limit=1&page=1", None);
        let total = all["pagination"]["total"].as_i64().unwrap();
        let mut scored: Vec<(i64, String, String)> = (1..=total)
            .map(|n| {
                let id = format!("tkt-{n:04}");
                let (_, b) = s.as_agent(
                    "ag-manager",
                    "GET",
                    &format!("/api/tickets/{id}/score-breakdown?topic_alerts={alerts}"),
                    None,
                );
                let (_, t) = s.as_agent("ag-manager", "GET", &format!("/api/tickets/{id}"), None);
                let milli = (b["smart_score"].as_f64().unwrap() * 1000.0).round() as i64;
                (milli, t["created_at"].as_str().unwrap().to_string(), id)
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        scored.into_iter().map(|x| x.2).take(150).collect()
    };
    let listed = |s: &Support, alerts: &str| -> Vec<String> {
        (1..=3)
            .flat_map(|page| {
                let (status, v) = s.as_agent(
                    "ag-manager",
                    "GET",
                    &format!("/api/tickets?limit=50&page={page}&topic_alerts={alerts}"),
                    None,
                );
                assert_eq!(status, 200, "{v}");
                v["tickets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["id"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(listed(&s, ""), reference(&s, ""));
    assert_eq!(listed(&s, "refund,export"), reference(&s, "refund,export"));
    s.advance_ms(36 * HOUR);
    assert_eq!(listed(&s, ""), reference(&s, ""));
    s.p.set_var("SCORING_CHURN_WEIGHT", "2.5");
    s.p.set_var("SCORING_URGENCY_WEIGHT", "0.5");
    assert_eq!(
        listed(&s, ""),
        reference(&s, ""),
        "the first list after new weights"
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM score_weights WHERE weights = '0.5,1,2.5'"),
        1
    );
    assert_eq!(
        listed(&s, "login"),
        reference(&s, "login"),
        "read early-stopping again"
    );
}

/// A business-hours policy counts only open hours of the team's calendar,
/// in its time zone, skipping weekends and holidays; changing the policy
/// or the calendar moves an open ticket's deadline at once.
#[test]
fn business_hours_policies_count_open_hours_only() {
    let s = Support::sample();
    // Friday 2026-11-20, 16:00 in New York (UTC-5).
    s.p.now.set(1_795_208_400_000);
    let hours = json!({"time_zone": "America/New_York", "week": {
        "monday": [{"start": "09:00", "end": "17:00"}], "tuesday": [{"start": "09:00", "end": "17:00"}],
        "wednesday": [{"start": "09:00", "end": "17:00"}], "thursday": [{"start": "09:00", "end": "17:00"}],
        "friday": [{"start": "09:00", "end": "17:00"}], "saturday": [], "sunday": []}, "holidays": []});
    let (status, v) = s.as_agent(
        "ag-manager",
        "PUT",
        "/api/sla/business-hours",
        Some(hours.clone()),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["week"]["saturday"], json!([]));
    let (status, _) = s.as_agent(
        "ag-manager",
        "PATCH",
        "/api/sla/policies/normal",
        Some(json!({"business_hours_only": true})),
    );
    assert_eq!(status, 200);
    let (_, t) = s.as_agent(
        "ag-senior",
        "POST",
        "/api/tickets",
        Some(json!({"customer_id": "cus-acme", "subject": "After hours", "channel": "email"})),
    );
    let id = t["id"].as_str().unwrap().to_string();
    // 8 open hours: Friday 16-17, then Monday 9-16.
    assert_eq!(
        t["sla"]["first_response_due_at"], "2026-11-23T21:00:00.000Z",
        "{}",
        t["sla"]
    );
    assert_eq!(t["sla"]["policy"]["business_hours_only"], true);
    // Monday is made a holiday: the deadline moves to Tuesday.
    let mut with_holiday = hours.clone();
    with_holiday["holidays"] = json!(["2026-11-23"]);
    assert_eq!(
        s.as_agent(
            "ag-manager",
            "PUT",
            "/api/sla/business-hours",
            Some(with_holiday)
        )
        .0,
        200
    );
    let sla = s
        .as_agent("ag-senior", "GET", &format!("/api/tickets/{id}/sla"), None)
        .1;
    assert_eq!(
        sla["first_response_due_at"], "2026-11-24T21:00:00.000Z",
        "{sla}"
    );
    // A shorter target for the policy: 4 open hours, Friday 16-17 then Tuesday 9-12.
    let (status, _) = s.as_agent(
        "ag-manager",
        "PATCH",
        "/api/sla/policies/normal",
        Some(json!({"first_response_target_seconds": 14400})),
    );
    assert_eq!(status, 200);
    let sla = s
        .as_agent("ag-senior", "GET", &format!("/api/tickets/{id}/sla"), None)
        .1;
    assert_eq!(
        sla["first_response_due_at"], "2026-11-24T17:00:00.000Z",
        "{sla}"
    );
    // The weekend counts nothing: Saturday noon, still 1 hour elapsed.
    s.p.now.set(1_795_280_400_000);
    let sla = s
        .as_agent("ag-senior", "GET", &format!("/api/tickets/{id}/sla"), None)
        .1;
    assert_eq!(sla["first_response"]["elapsed_seconds"], 3600, "{sla}");
    assert_eq!(sla["first_response_status"], "pending");
    // Hours that never open are refused, naming the field.
    let mut closed = hours;
    closed["week"]["monday"] = json!([{"start": "18:00", "end": "17:00"}]);
    let (status, v) = s.as_agent("ag-manager", "PUT", "/api/sla/business-hours", Some(closed));
    assert_eq!(status, 422, "{v}");
    let (status, v) = s.as_agent("ag-manager", "PUT", "/api/sla/business-hours",
        Some(json!({"time_zone": "Mars/Olympus", "week": {"monday": [], "tuesday": [], "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": []}})));
    assert_eq!(status, 422, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("time_zone"),
        "{v}"
    );
}
