//! Behaviour the shared cases cannot reach from outside: exact figures under
//! a fixed clock, store faults, time-outs and the LLM path.

mod support;

use edgedesk_core::signing::{Target, sign_call};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse, StoreError};
use edgedesk_kernel::{Request, Response};
use serde_json::{Value, json};
use support::{NOW_MS, TestPlatform, with_sample_data};

/// A tool call signed (v2) by `agent` at `ts`.
fn signed(tool: &str, body: &Value, ts: i64) -> Request {
    let body = body.to_string();
    let path = format!("/tools/{tool}");
    let target = Target {
        method: "POST",
        path: &path,
    };
    let sig = sign_call(b"dev-secret", ts, "agent", target, body.as_bytes());
    Request::new("POST", &path)
        .with_header("X-Timestamp", &ts.to_string())
        .with_header("X-Client", "agent")
        .with_header("X-Signature", &sig)
        .with_body(body)
}

fn call(p: &TestPlatform, tool: &str, body: Value) -> (u16, Value) {
    // A fresh timestamp per call, so identical bodies are not replays.
    p.now.set(p.now.get() + 1);
    let res: Response = p.handle(&support::app(), signed(tool, &body, p.now.get()));
    (res.status, serde_json::from_slice(&res.body).unwrap())
}

fn data(p: &TestPlatform, tool: &str, body: Value) -> Value {
    let (status, v) = call(p, tool, body);
    assert_eq!(status, 200, "{v}");
    v["data"].clone()
}

#[test]
fn usage_totals_match_the_series() {
    let p = with_sample_data();
    let d = data(
        &p,
        "get_customer_usage",
        json!({"customerId": "acme-001", "params": {"periodDays": 7}}),
    );
    let series = d["series"].as_array().unwrap();
    assert_eq!(series.len(), 7);
    let events: u64 = series.iter().map(|s| s["events"].as_u64().unwrap()).sum();
    assert_eq!(d["totals"]["events"], events);
    let peak = series
        .iter()
        .map(|s| s["activeUsers"].as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(d["activeUsers"]["peak"], peak);
    assert_eq!(d["series"][0]["date"], "2026-11-15");
}

#[test]
fn contract_days_to_renewal_count_from_today() {
    let p = with_sample_data();
    let d = data(
        &p,
        "get_contract_info",
        json!({"customerId": "initech-003"}),
    );
    // 2026-11-22 to 2026-12-10
    assert_eq!(d["daysToRenewal"], 18);
    assert_eq!(d["renewalStatus"], "upcoming");
}

#[test]
fn health_points_add_up_to_the_score_and_explain_themselves() {
    let p = with_sample_data();
    for id in [
        "acme-001",
        "globex-002",
        "initech-003",
        "umbrella-004",
        "hooli-005",
    ] {
        let d = data(&p, "calculate_health", json!({"customerId": id}));
        let measures = d["measures"].as_array().unwrap();
        let weights: u64 = measures.iter().map(|m| m["weight"].as_u64().unwrap()).sum();
        assert_eq!(weights, 100);
        let points: f64 = measures.iter().map(|m| m["points"].as_f64().unwrap()).sum();
        assert_eq!(d["score"].as_u64().unwrap(), points.round() as u64, "{id}");
        for m in measures {
            assert!(!m["explanation"].as_str().unwrap().is_empty());
        }
    }
    let bands: Vec<Value> = ["acme-001", "globex-002", "initech-003"]
        .iter()
        .map(|id| data(&p, "calculate_health", json!({"customerId": id}))["band"].clone())
        .collect();
    assert_eq!(bands, [json!("green"), json!("red"), json!("yellow")]);
    let umbrella = data(
        &p,
        "calculate_health",
        json!({"customerId": "umbrella-004"}),
    );
    assert_eq!(umbrella["trend"], Value::Null);
    assert_eq!(umbrella["measures"][0]["score"], 60);
}

#[test]
fn server_weights_come_from_config() {
    let p = with_sample_data();
    p.set_var("HEALTH_WEIGHTS", "adoption=100");
    let d = data(&p, "calculate_health", json!({"customerId": "globex-002"}));
    assert_eq!(d["measures"][1]["weight"], 100);
    assert_eq!(d["score"], d["measures"][1]["score"]);
    p.set_var("HEALTH_WEIGHTS", "adoption=90");
    let (status, v) = call(&p, "calculate_health", json!({"customerId": "globex-002"}));
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (500, json!("TOOL_FAILURE"))
    );
}

#[test]
fn store_fault_is_tool_failure_without_internals() {
    let p = with_sample_data();
    p.blob_fault.set(true);
    let (status, v) = call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    assert_eq!(status, 500);
    assert_eq!(v["error"]["code"], "TOOL_FAILURE");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(!msg.contains("bucket"), "{msg}");
}

#[test]
fn hanging_store_is_timeout() {
    let p = with_sample_data();
    p.blob_hangs.set(true);
    let (status, v) = call(&p, "calculate_health", json!({"customerId": "acme-001"}));
    assert_eq!(status, 504);
    assert_eq!(v["error"]["code"], "TIMEOUT");
}

#[test]
fn missing_secret_is_a_server_fault() {
    let p = with_sample_data();
    p.set_var("HMAC_SECRET", " , ");
    let (status, v) = call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    assert_eq!(status, 500);
    assert_eq!(v["error"]["code"], "TOOL_FAILURE");
}

#[test]
fn replay_records_expire_after_the_window() {
    let p = with_sample_data();
    let count = |p: &TestPlatform| -> i64 {
        p.scoped(&edgedesk_copilot::PRODUCT)
            .with_db(|db| db.query_row("SELECT count(*) FROM seen_calls", [], |r| r.get(0)))
            .unwrap()
            .unwrap()
    };
    for i in 0..64 {
        p.now.set(NOW_MS + i);
        call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    }
    assert_eq!(count(&p), 64);
    // Fifteen minutes on, every earlier record is past its window and the
    // pruning grace, and gets pruned.
    for i in 0..64 {
        p.now.set(NOW_MS + 900_000 + i);
        call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    }
    assert!(
        count(&p) <= 64,
        "expired records were never pruned: {}",
        count(&p)
    );
}

fn llm_platform() -> TestPlatform {
    let p = with_sample_data();
    p.set_var("LLM_API_URL", "https://llm.example/v1/chat/completions");
    p.set_var("LLM_API_KEY", "sk-test");
    p.set_var("LLM_MODEL", "test-model");
    p
}

fn chat(content: Value) -> Answer {
    Some(Ok(OutboundResponse {
        status: 200,
        body: json!({"choices": [{"message": {"content": content.to_string()}}]})
            .to_string()
            .into_bytes(),
    }))
}

#[test]
fn llm_email_is_used_grounded_and_cached() {
    let p = llm_platform();
    p.on_http(|_| chat(json!({"subject": "Hello Globex", "body": "Usage is down."})));
    let body = json!({"customerId": "globex-002", "params": {"purpose": "check_in"}});
    let d = data(&p, "generate_email", body.clone());
    assert_eq!(d["generator"], "llm");
    assert_eq!(d["model"], "test-model");
    assert_eq!(d["cached"], false);
    assert_eq!(d["subject"], "Hello Globex");
    let sent = p.http_calls.borrow()[0].clone();
    assert_eq!(sent.url, "https://llm.example/v1/chat/completions");
    assert!(
        sent.headers
            .contains(&("authorization".into(), "Bearer sk-test".into()))
    );
    let prompt: Value = serde_json::from_slice(&sent.body).unwrap();
    let facts: Value =
        serde_json::from_str(prompt["messages"][1]["content"].as_str().unwrap()).unwrap();
    assert_eq!(facts, d["grounding"]);
    assert_eq!(facts["seats"], 80);

    let again = data(&p, "generate_email", body);
    assert_eq!(again["cached"], true);
    assert_eq!(
        p.http_calls.borrow().len(),
        1,
        "second call must come from the cache"
    );
}

type Answer = Option<Result<OutboundResponse, StoreError>>;
type Responder = fn(&OutboundRequest) -> Answer;

#[test]
fn llm_failures_fall_back_to_the_template_and_say_why() {
    let cases: [(Responder, &str); 4] = [
        (
            |_| {
                Some(Ok(OutboundResponse {
                    status: 503,
                    body: vec![],
                }))
            },
            "HTTP 503",
        ),
        (|_| None, "did not answer within"),
        (|_| chat(json!({"text": "no subject"})), "not an email"),
        (
            |_| Some(Err(StoreError::new("dns"))),
            "could not be reached",
        ),
    ];
    for (answer, reason) in cases {
        let p = llm_platform();
        p.on_http(answer);
        let d = data(
            &p,
            "generate_email",
            json!({"customerId": "acme-001", "params": {"purpose": "renewal"}}),
        );
        assert_eq!(d["generator"], "template");
        assert!(
            d["fallbackReason"].as_str().unwrap().contains(reason),
            "{d}"
        );
        assert!(d["body"].as_str().unwrap().contains("renews on 2027-07-15"));
    }
}

#[test]
fn llm_qbr_outline_is_validated() {
    let score = data(
        &with_sample_data(),
        "calculate_health",
        json!({"customerId": "acme-001"}),
    )["score"]
        .as_u64()
        .unwrap();
    let p = llm_platform();
    p.on_http(move |_| {
        chat(json!({"sections": [{"title": "Summary", "bullets": [format!("Score {score}")]}]}))
    });
    let d = data(
        &p,
        "generate_qbr_outline",
        json!({"customerId": "acme-001"}),
    );
    assert_eq!(d["generator"], "llm");
    assert_eq!(d["sections"][0]["title"], "Summary");
    let p = llm_platform();
    p.on_http(|_| chat(json!({"sections": []})));
    let d = data(
        &p,
        "generate_qbr_outline",
        json!({"customerId": "acme-001"}),
    );
    assert_eq!(d["generator"], "template");
    assert_eq!(d["sections"].as_array().unwrap().len(), 7);
}

#[test]
fn templates_are_deterministic() {
    let p = with_sample_data();
    let body =
        json!({"customerId": "initech-003", "params": {"purpose": "renewal", "tone": "concise"}});
    let a = data(&p, "generate_email", body.clone());
    let b = data(&p, "generate_email", body);
    assert_eq!(a, b);
    let text = a["body"].as_str().unwrap();
    assert!(text.contains("renews on 2026-12-10, in 18 days"), "{text}");
    assert!(text.starts_with("Hi "), "{text}");
}

#[test]
fn v1_signatures_pass_only_where_enabled() {
    let p = with_sample_data();
    let body = json!({"customerId": "acme-001"}).to_string();
    let send = |p: &TestPlatform| {
        p.now.set(p.now.get() + 1);
        let ts = p.now.get();
        let sig = edgedesk_core::signing::sign_call_v1(b"dev-secret", ts, "agent", body.as_bytes());
        let req = Request::new("POST", "/tools/get_contract_info")
            .with_header("X-Timestamp", &ts.to_string())
            .with_header("X-Client", "agent")
            .with_header("X-Signature", &sig)
            .with_body(body.clone());
        p.handle(&support::app(), req).status
    };
    assert_eq!(send(&p), 401);
    p.set_var("ACCEPT_V1_SIGNATURES", "true");
    assert_eq!(send(&p), 200);
}

const CUSTOMERS: [&str; 5] = [
    "acme-001",
    "globex-002",
    "initech-003",
    "umbrella-004",
    "hooli-005",
];

#[test]
fn purpose_left_out_is_chosen_from_the_situation_and_explained() {
    let p = with_sample_data();
    let mut chosen = Vec::new();
    for id in CUSTOMERS {
        let d = data(&p, "generate_email", json!({"customerId": id}));
        assert_eq!(d["purposeChosenBy"], "server");
        let grounding = &d["grounding"];
        let band = grounding["healthBand"].as_str().unwrap();
        let falling = grounding["previousHealthScore"]
            .as_u64()
            .is_some_and(|prev| grounding["healthScore"].as_u64().unwrap() < prev);
        let days = grounding["daysToRenewal"].as_i64().unwrap();
        let want = if falling && band != "green" {
            "risk_followup"
        } else if days <= 90 {
            "renewal"
        } else {
            "check_in"
        };
        assert_eq!(d["purpose"], want, "{id}: {d}");
        let reason = d["purposeReason"].as_str().unwrap();
        assert!(!reason.is_empty());
        chosen.push((id, want, reason.to_string()));
    }
    let distinct: std::collections::BTreeSet<_> = chosen.iter().map(|c| c.1).collect();
    assert!(
        distinct.len() >= 2,
        "the sample data exercises one rule only: {chosen:?}"
    );
    // A healthy customer renewing within 90 days gets a renewal email.
    let key = "contract/acme-001.json";
    let mut contract: Value = serde_json::from_slice(&p.blobs.borrow()[key]).unwrap();
    contract["renewalDate"] = "2027-01-15".into();
    p.blobs
        .borrow_mut()
        .insert(key.into(), serde_json::to_vec(&contract).unwrap());
    let d = data(&p, "generate_email", json!({"customerId": "acme-001"}));
    assert_eq!(d["purpose"], "renewal");
    assert_eq!(
        d["purposeReason"],
        "the renewal on 2027-01-15 is in 54 days"
    );
    let named = data(
        &p,
        "generate_email",
        json!({"customerId": "acme-001", "params": {"purpose": "qbr_invite"}}),
    );
    assert_eq!(named["purposeChosenBy"], "caller");
    assert!(named.get("purposeReason").is_none());
}

#[test]
fn the_templates_pass_the_checks_an_llm_draft_must_pass() {
    for id in CUSTOMERS {
        for purpose in ["check_in", "renewal", "risk_followup", "qbr_invite"] {
            for tone in ["friendly", "formal", "concise"] {
                let body = json!({"customerId": id, "params": {"purpose": purpose, "tone": tone}});
                let template = data(&with_sample_data(), "generate_email", body.clone());
                assert_eq!(template["generator"], "template");
                let p = llm_platform();
                let echo = json!({"subject": template["subject"], "body": template["body"]});
                p.on_http(move |_| chat(echo.clone()));
                let d = data(&p, "generate_email", body);
                assert_eq!(d["generator"], "llm", "{id} {purpose} {tone}: {d}");
            }
        }
        let body = json!({"customerId": id});
        let template = data(&with_sample_data(), "generate_qbr_outline", body.clone());
        let p = llm_platform();
        let echo = json!({"sections": template["sections"]});
        p.on_http(move |_| chat(echo.clone()));
        let d = data(&p, "generate_qbr_outline", body);
        assert_eq!(d["generator"], "llm", "{id}: {d}");
    }
}

#[test]
fn llm_drafts_that_invent_numbers_or_break_lines_are_refused_and_not_cached() {
    let drafts = [
        (
            json!({"subject": "Globex", "body": "Usage rose 300% this month."}),
            "quoted 300, which is not in the facts",
        ),
        (
            json!({"subject": "Hi\r\nBcc: everyone@globex.test", "body": "Hello."}),
            "subject held control characters",
        ),
        (
            json!({"subject": "Hi", "body": "Hello\u{0007}."}),
            "body held control characters",
        ),
    ];
    for (draft, reason) in drafts {
        let p = llm_platform();
        p.on_http(move |_| chat(draft.clone()));
        let body = json!({"customerId": "globex-002", "params": {"purpose": "check_in"}});
        let d = data(&p, "generate_email", body.clone());
        assert_eq!(d["generator"], "template");
        assert!(
            d["fallbackReason"].as_str().unwrap().contains(reason),
            "{d}"
        );
        data(&p, "generate_email", body);
        assert_eq!(p.http_calls.borrow().len(), 2, "a refused draft was cached");
    }
    let p = llm_platform();
    p.on_http(|_| chat(json!({"sections": [{"title": "Growth", "bullets": ["Seats up to 999"]}]})));
    let d = data(
        &p,
        "generate_qbr_outline",
        json!({"customerId": "globex-002"}),
    );
    assert_eq!(d["generator"], "template");
    assert!(
        d["fallbackReason"].as_str().unwrap().contains("quoted 999"),
        "{d}"
    );
}

#[test]
fn ticket_text_cannot_add_lines_to_an_email() {
    let p = with_sample_data();
    let key = "tickets/globex-002.json";
    let mut doc: Value = serde_json::from_slice(&p.blobs.borrow()[key]).unwrap();
    for t in doc["tickets"].as_array_mut().unwrap() {
        t["subject"] = "Outage\r\nBcc: all@globex.test".into();
    }
    p.blobs
        .borrow_mut()
        .insert(key.into(), serde_json::to_vec(&doc).unwrap());
    let d = data(
        &p,
        "generate_email",
        json!({"customerId": "globex-002", "params": {"purpose": "risk_followup"}}),
    );
    let subject = d["subject"].as_str().unwrap();
    assert!(subject.contains("Outage Bcc: all@globex.test"), "{subject}");
    assert!(!subject.contains(['\r', '\n']));
    let qbr = data(
        &p,
        "generate_qbr_outline",
        json!({"customerId": "globex-002"}),
    );
    assert!(!qbr.to_string().contains("\\r"));
}

#[test]
fn llm_cache_entries_expire_after_a_day() {
    let p = llm_platform();
    p.on_http(|_| chat(json!({"subject": "Hello Globex", "body": "Usage is steady."})));
    let body = json!({"customerId": "globex-002", "params": {"purpose": "check_in"}});
    assert_eq!(data(&p, "generate_email", body.clone())["cached"], false);
    assert_eq!(data(&p, "generate_email", body.clone())["cached"], true);
    // A day later the entry is stale even where the store keeps it (Spin).
    p.now.set(p.now.get() + 24 * 60 * 60 * 1000);
    assert_eq!(data(&p, "generate_email", body)["cached"], false);
    assert_eq!(p.http_calls.borrow().len(), 2);
}

#[test]
fn an_oversized_llm_answer_falls_back() {
    let p = llm_platform();
    let huge = "a".repeat(edgedesk_kernel::platform::MAX_OUTBOUND_BODY_BYTES);
    p.on_http(move |_| chat(json!({"subject": "Hi", "body": huge.clone()})));
    let d = data(
        &p,
        "generate_email",
        json!({"customerId": "globex-002", "params": {"purpose": "check_in"}}),
    );
    assert_eq!(d["generator"], "template");
    assert!(
        d["fallbackReason"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{d}"
    );
}

#[test]
fn an_oversized_stored_document_is_refused_whole() {
    let p = with_sample_data();
    let mut big = br#"{"customerId":"acme-001","pad":""#.to_vec();
    big.resize(edgedesk_kernel::platform::MAX_BLOB_BYTES + 1, b'x');
    p.blobs
        .borrow_mut()
        .insert("contract/acme-001.json".into(), big);
    let (status, v) = call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    assert_eq!(status, 500);
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("larger than 1048576 bytes"), "{message}");
}

#[test]
fn an_invalid_health_weights_setting_fails_every_scoring_tool() {
    for tool in ["calculate_health", "generate_email", "generate_qbr_outline"] {
        let p = with_sample_data();
        p.set_var("HEALTH_WEIGHTS", "usageTrend=90");
        let (status, v) = call(&p, tool, json!({"customerId": "acme-001"}));
        assert_eq!(status, 500, "{tool}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("HEALTH_WEIGHTS")
        );
    }
}

/// Sends the same signed request twice, as a replaying attacker would.
fn send_twice(p: &TestPlatform, tool: &str, body: Value) -> [(u16, Value); 2] {
    let req = signed(tool, &body, p.now.get());
    [0, 1].map(|_| {
        let res = p.handle(&support::app(), req.clone());
        (res.status, serde_json::from_slice(&res.body).unwrap())
    })
}

#[test]
fn a_read_overlapping_its_replay_record_still_answers_a_replay_with_401() {
    let p = with_sample_data();
    let [first, again] = send_twice(&p, "calculate_health", json!({"customerId": "acme-001"}));
    assert_eq!(first.0, 200, "{}", first.1);
    assert_eq!(again.0, 401, "{}", again.1);
    assert!(
        again.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already accepted")
    );
}

#[test]
fn a_read_whose_replay_record_fails_is_not_answered() {
    let p = with_sample_data();
    p.scoped(&edgedesk_copilot::PRODUCT)
        .with_db(|db| db.execute_batch("DROP TABLE seen_calls"))
        .unwrap()
        .unwrap();
    let (status, v) = call(&p, "get_contract_info", json!({"customerId": "acme-001"}));
    assert_eq!(status, 500, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("replay protection")
    );
}

#[test]
fn nothing_is_read_before_the_signature_checks_out() {
    let p = with_sample_data();
    // Were the handler started, this read would never finish.
    p.blob_hangs.set(true);
    let req = Request::new("POST", "/tools/calculate_health")
        .with_header("X-Timestamp", &p.now.get().to_string())
        .with_header("X-Client", "agent")
        .with_header("X-Signature", &format!("v2={}", "0".repeat(64)))
        .with_body(r#"{"customerId":"acme-001"}"#);
    assert_eq!(p.handle(&support::app(), req).status, 401);
}

#[test]
fn a_replayed_generator_call_never_reaches_the_llm() {
    let p = llm_platform();
    // A refused draft is not cached, so a second run would ask again.
    p.on_http(|_| chat(json!({"subject": "Hello Globex", "body": "Usage rose 300%."})));
    let body = json!({"customerId": "globex-002", "params": {"purpose": "check_in"}});
    let [first, again] = send_twice(&p, "generate_email", body);
    assert_eq!((first.0, again.0), (200, 401));
    assert_eq!(p.http_calls.borrow().len(), 1);
}

#[test]
fn an_unchanged_document_is_neither_sent_again_nor_parsed_again() {
    let p = with_sample_data();
    let body = json!({"customerId": "acme-001"});
    let first = data(&p, "calculate_health", body.clone());
    assert_eq!(p.blob_bodies.get(), 3);
    let again = data(&p, "calculate_health", body.clone());
    assert_eq!(
        p.blob_bodies.get(),
        3,
        "an unchanged document was sent again"
    );
    assert_eq!(first["score"], again["score"]);
    // A new export is read at once: the version moved.
    let key = "contract/acme-001.json";
    let mut contract: Value = serde_json::from_slice(&p.blobs.borrow()[key]).unwrap();
    contract["paymentStatus"] = "failed".into();
    p.blobs
        .borrow_mut()
        .insert(key.into(), serde_json::to_vec(&contract).unwrap());
    let changed = data(&p, "calculate_health", body.clone());
    assert_eq!(p.blob_bodies.get(), 4);
    assert!(
        changed["score"].as_u64() < first["score"].as_u64(),
        "{changed}"
    );
    // A deleted one is gone at once too.
    p.blobs.borrow_mut().remove(key);
    let (status, v) = call(&p, "calculate_health", body);
    assert_eq!(status, 404, "{v}");
}
