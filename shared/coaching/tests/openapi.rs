//! The coaching product's API description: generated from its routes and
//! types, committed as `shared/coaching/openapi.json`, every example a real
//! answer of the product on a seeded organisation that validates against
//! its schema.

mod harness;

use edgedesk_coaching::openapi::{Example, fragment};
use edgedesk_kernel::testing::{check_fragment, invalid_examples};
use edgedesk_kernel::{Request, Routes, builtin};
use harness::{World, seed};
use serde_json::{Value, json};

/// Runs an example on a freshly seeded organisation.
fn run(op: &str, e: &Example) -> Value {
    let w = World::new();
    // The verification example is dev_token's, as `make dev` has it.
    w.p.set_var("DEV_AUTH", "true");
    let s = seed(&w, "admin", "member", "Acme");
    // A reply of the coach, so the pipeline's record has a run.
    let res = w.raw(
        "POST",
        "/api/v1/realtime/messages",
        Some("member"),
        Some(json!({"type": "chat", "payload": {"sessionId": s.session, "content": "Hello"}})),
    );
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let runs = w.ok("GET", "/api/v1/admin/pipeline-runs", "admin", None, 200);
    let run = runs["items"][0]["id"].as_str().unwrap().to_string();
    let fill = |text: &str| {
        text.replace("{org}", &s.org)
            .replace("{member}", &s.member)
            .replace("{client}", &s.client)
            .replace("{other_client}", &s.other_client)
            .replace("{product}", &s.product)
            .replace("{strategy}", &s.strategy)
            .replace("{assignment}", &s.assignment)
            .replace("{session}", &s.session)
            .replace("{run}", &run)
    };
    let body = e
        .body
        .as_ref()
        .map(|b| serde_json::from_str::<Value>(&fill(&b.to_string())).unwrap());
    let res = w.raw(e.method, &fill(e.path), e.who, body);
    // The WebSocket route answers a plain GET with 426.
    let expected = if op == "coach_ws" { 426..427 } else { 200..300 };
    assert!(
        expected.contains(&res.status),
        "{op}: {} {}",
        res.status,
        String::from_utf8_lossy(&res.body)
    );
    serde_json::from_slice(&res.body).unwrap_or(Value::Null)
}

#[test]
fn openapi_fragment_is_current_and_its_examples_are_valid() {
    let generated = fragment(&mut |op, e| run(op, e));
    check_fragment("shared/coaching/openapi.json", &generated);
    let documented = generated["operations"].as_object().unwrap().len();
    assert_eq!(documented, edgedesk_coaching::routes::infos().len());

    let routes: Routes<_> = Routes::new()
        .with(builtin::routes())
        .with(edgedesk_coaching::routes::routes())
        .documented(builtin::OPENAPI)
        .documented(edgedesk_coaching::OPENAPI);
    let w = World::new();
    let res = w.p.handle(&routes, Request::new("GET", "/openapi.json"));
    let doc: Value = serde_json::from_slice(&res.body).unwrap();
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        doc["paths"]["/api/v1/sailwind/clients"]["get"]["security"],
        json!([{"sso": []}])
    );
    assert_eq!(doc["paths"]["/legal/terms"]["get"]["security"], json!([]));
}
