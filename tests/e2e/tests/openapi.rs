//! The API description of the whole application, served in-process from
//! the Worker's table and from the Spin description component's: every
//! route in the table is in `/openapi.json`, every example validates against its schema,
//! `/docs` shows every operation, and both runtimes describe the same API.
//! Also keeps the kernel's own fragment (`shared/kernel/openapi.json`)
//! current.

use edgedesk_e2e::{InProcess, Transport, WireRequest};
use edgedesk_kernel::testing::{TestPlatform, check_fragment, invalid_examples};
use edgedesk_kernel::{Routes, builtin};
use serde_json::Value;

fn get(routes: &Routes<TestPlatform>, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let platform = TestPlatform::new();
    let t = InProcess {
        platform: &platform,
        routes,
    };
    let res = t
        .send(WireRequest {
            method: "GET".into(),
            path: path.into(),
            headers: vec![],
            body: vec![],
        })
        .unwrap();
    (res.status, res.headers, res.body)
}

fn document(routes: &Routes<TestPlatform>) -> Value {
    let (status, _, body) = get(routes, "/openapi.json");
    assert_eq!(status, 200);
    serde_json::from_slice(&body).unwrap()
}

#[test]
fn kernel_fragment_is_current() {
    let routes = Routes::new().with(builtin::routes());
    let fragment = builtin::fragment(&mut |op| {
        let path = match op {
            "health" => "/health",
            other => panic!("no example for {other}"),
        };
        serde_json::from_slice(&get(&routes, path).2).unwrap()
    });
    check_fragment("shared/kernel/openapi.json", &fragment);
}

/// Products' schemas share one namespace in the assembled document: a
/// name two fragments define differently would silently lose one.
#[test]
fn no_two_products_define_a_schema_differently() {
    let fragments = [
        builtin::OPENAPI,
        edgedesk_copilot::OPENAPI,
        edgedesk_support::OPENAPI,
        edgedesk_receptionist::OPENAPI,
    ];
    let mut seen: std::collections::HashMap<String, Value> = Default::default();
    for text in fragments {
        let fragment: Value = serde_json::from_str(text).unwrap();
        for (name, schema) in fragment["schemas"].as_object().into_iter().flatten() {
            if let Some(other) = seen.insert(name.clone(), schema.clone()) {
                assert_eq!(
                    &other, schema,
                    "schema {name} is defined twice, differently"
                );
            }
        }
    }
}

#[test]
fn every_route_is_documented_and_every_example_validates() {
    let routes: Routes<TestPlatform> = edgedesk_app::routes();
    let doc = document(&routes);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = Vec::new();
    for route in routes.iter() {
        let info = route.info;
        let op = &doc["paths"][info.path][info.method.to_ascii_lowercase()];
        assert_eq!(
            op["operationId"], info.operation.id,
            "{} {}",
            info.method, info.path
        );
        let documented = op["responses"]
            .as_object()
            .unwrap()
            .iter()
            .any(|(status, res)| status != "default" && res.get("content").is_some());
        assert!(documented, "{}: no documented answer", info.operation.id);
        assert_eq!(
            op["responses"]["default"]["$ref"],
            "#/components/responses/Error"
        );
        assert_eq!(op["tags"][0], info.product.title);
        ids.push(info.operation.id);
    }
    let count: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        count,
        ids.len(),
        "the document has operations the table does not"
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique");
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    // The examples exist: a check over none would pass vacuously.
    let examples = serde_json::to_string(&doc)
        .unwrap()
        .matches("\"example\"")
        .count();
    assert!(examples >= ids.len(), "only {examples} examples");
}

#[test]
fn the_docs_page_shows_every_operation_and_loads_nothing_from_elsewhere() {
    let routes: Routes<TestPlatform> = edgedesk_app::routes();
    let (status, headers, body) = get(&routes, "/docs");
    assert_eq!(status, 200);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    assert!(header("content-type").starts_with("text/html"));
    assert!(header("content-security-policy").contains("default-src 'none'"));
    let page = String::from_utf8(body).unwrap();
    for route in routes.iter() {
        assert!(
            page.contains(&format!("id=\"op-{}\"", route.info.operation.id)),
            "/docs lacks {}",
            route.info.operation.id
        );
    }
    assert!(!page.contains("<script"));
    assert!(!page.contains("src=\"http"));
    assert!(!page.contains("href=\"http"));
}

#[test]
fn spin_describes_the_same_api_as_the_worker() {
    let worker = document(&edgedesk_app::routes());
    let spin = document(&edgedesk_app::description());
    assert_eq!(worker, spin);
}
