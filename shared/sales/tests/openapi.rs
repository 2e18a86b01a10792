//! The sales pipeline's API description: generated from its routes and
//! types, committed as `shared/sales/openapi.json`, every example a real
//! answer of the product on eighteen generated days of three stores that
//! validates against its schema.

mod harness;

use edgedesk_kernel::testing::{check_fragment, invalid_examples};
use edgedesk_kernel::{Request, Routes, builtin};
use edgedesk_sales::openapi::{DAY, Example, STORE, fragment};
use harness::{World, history};
use serde_json::{Value, json};

/// Runs an example on a fresh chain: eighteen days, each analysed.
fn run(op: &str, e: &Example) -> Value {
    let w = World::new();
    assert_eq!(history(&w, 18), DAY);
    let mut path = e.path.clone();
    match path.as_str() {
        "PRESIGNED_UPLOAD" => {
            let (_, g) = w.call(
                "POST",
                "/api/sales/upload-url",
                Some("uploader-key"),
                Some(json!({"store_id": STORE, "date": DAY})),
            );
            path = g["data"]["path"].as_str().unwrap().to_string();
        }
        "PRESIGNED_DOWNLOAD" => {
            let key = format!("processed%2F{DAY}%2F{STORE}.ndjson.gz");
            let (_, g) = w.call(
                "GET",
                &format!("/api/sales/files/{key}/download-url"),
                Some("analyst-key"),
                None,
            );
            path = g["data"]["path"].as_str().unwrap().to_string();
        }
        "REVOKE_KEY" => {
            let (_, made) = w.call(
                "POST",
                "/api/sales/keys",
                Some("admin-key"),
                Some(json!({"role": "uploader", "label": "till 3"})),
            );
            path = format!("/api/sales/keys/{}", made["data"]["id"].as_str().unwrap());
        }
        _ => {}
    }
    let key = (!e.key.is_empty()).then(|| format!("{}-key", e.key));
    let mut req = Request::new(e.method, &path);
    if let Some(k) = &key {
        req = req.with_header("authorization", &format!("Bearer {k}"));
    }
    if let Some(b) = &e.body {
        req = req
            .with_header("content-type", "application/json")
            .with_body(b.to_string());
    }
    let res = w.p.handle(&w.routes, req);
    assert!(
        (200..300).contains(&res.status),
        "{op}: {} {}",
        res.status,
        String::from_utf8_lossy(&res.body)
    );
    serde_json::from_slice(&res.body).unwrap_or(Value::Null)
}

#[test]
fn openapi_fragment_is_current_and_its_examples_are_valid() {
    let generated = fragment(&mut |op, e| run(op, e));
    check_fragment("shared/sales/openapi.json", &generated);
    let documented = generated["operations"].as_object().unwrap().len();
    assert_eq!(documented, edgedesk_sales::routes::infos().len());

    // The assembled document as a deployment with the product serves it.
    let routes: Routes<_> = Routes::new()
        .with(builtin::routes())
        .with(edgedesk_sales::routes::routes())
        .documented(builtin::OPENAPI)
        .documented(edgedesk_sales::OPENAPI);
    let w = World::new();
    let res = w.p.handle(&routes, Request::new("GET", "/openapi.json"));
    let doc: Value = serde_json::from_slice(&res.body).unwrap();
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    let upload = &doc["paths"]["/api/sales/objects/{area}/{date}/{file}"]["put"];
    assert_eq!(upload["security"], json!([{"presigned": []}]));
    assert!(upload["responses"]["202"].is_object());
    assert_eq!(
        doc["paths"]["/api/sales/metrics"]["get"]["security"],
        json!([{"api_key": []}])
    );
}
