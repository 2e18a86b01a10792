//! The support product's API description: generated from its routes and
//! types, committed as `shared/support/openapi.json`, every example a real
//! answer of the product on the sample dataset that validates against its
//! schema.

mod harness;

use edgedesk_core::signing::{Target, sign_call};
use edgedesk_kernel::testing::{check_fragment, invalid_examples};
use edgedesk_kernel::{Request, Routes, builtin};
use edgedesk_support::openapi::{Example, fragment};
use harness::Support;
use serde_json::Value;

fn run(dataset: &[edgedesk_kernel::platform::Statement], op: &str, e: &Example) -> Value {
    let s = Support::empty();
    edgedesk_e2e::mock_quimbi::in_process(&s.p);
    s.load(dataset);
    if !e.setup.is_empty() {
        s.sql(e.setup);
    }
    let mut req = Request::new(e.method, e.path);
    if let Some(b) = &e.body {
        req = req
            .with_header("content-type", "application/json")
            .with_body(b.to_string());
    }
    if !e.agent.is_empty() {
        req = req.with_header("authorization", &format!("Bearer {}", s.token(e.agent)));
    } else if op == "sla_sweep" {
        let now = s.p.now.get();
        let target = Target {
            method: e.method,
            path: e.path,
        };
        let sig = sign_call(b"dev-secret", now, "scheduler", target, b"");
        req = req
            .with_header("x-timestamp", &now.to_string())
            .with_header("x-client", "scheduler")
            .with_header("x-signature", &sig);
    }
    let res = s.p.handle(&s.routes, req);
    let v: Value = serde_json::from_slice(&res.body).unwrap();
    assert!((200..300).contains(&res.status), "{op}: {} {v}", res.status);
    v
}

#[test]
fn openapi_fragment_is_current_and_its_examples_are_valid() {
    let now = edgedesk_kernel::testing::NOW_MS;
    let dataset = edgedesk_support::sample::dataset(now);
    let generated = fragment(&mut |op, e| run(&dataset, op, e));
    check_fragment("shared/support/openapi.json", &generated);

    let documented: Vec<&String> = generated["operations"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(documented.len(), edgedesk_support::routes::infos().len());

    // The assembled document as a deployment with the product serves it.
    let routes: Routes<_> = Routes::new()
        .with(builtin::routes())
        .with(edgedesk_support::routes::routes())
        .documented(builtin::OPENAPI)
        .documented(edgedesk_support::OPENAPI);
    let s = Support::empty();
    let res = s.p.handle(&routes, Request::new("GET", "/openapi.json"));
    let doc: Value = serde_json::from_slice(&res.body).unwrap();
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    let list = &doc["paths"]["/api/tickets"]["get"];
    assert_eq!(list["security"], serde_json::json!([{"bearer": []}]));
    let names: Vec<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["status", "channel", "limit", "page", "topic_alerts"]
    );
    // Path parameters carry the example call's values, once each.
    let breakdown = doc["paths"]["/api/tickets/{id}/score-breakdown"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let named = |n: &str| {
        breakdown
            .iter()
            .filter(|p| p["name"] == n)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(named("id").len(), 1);
    assert_eq!(named("id")[0]["in"], "path");
    assert_eq!(named("id")[0]["example"], "tkt-0004");
    assert_eq!(named("topic_alerts")[0]["in"], "query");
}
