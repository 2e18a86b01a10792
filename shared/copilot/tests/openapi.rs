//! The copilot's API description: generated from its routes and types,
//! committed as `shared/copilot/openapi.json`, every example a real answer
//! that validates against its schema, and every documented parameter rule
//! the one the tools enforce.

mod support;

use edgedesk_copilot::{PRODUCT, TOOLS, Tool};
use edgedesk_e2e::{InProcess, Transport, WireRequest, call_tool};
use edgedesk_kernel::openapi::inline;
use edgedesk_kernel::testing::{check_fragment, invalid_examples};
use serde_json::{Value, json};

/// Runs `f` against the copilot's table on the in-memory platform with the
/// sample data.
fn with_copilot<T>(f: impl FnOnce(&InProcess<'_>) -> T) -> T {
    let platform = support::with_sample_data();
    let routes = support::app();
    f(&InProcess {
        platform: &platform,
        routes: &routes,
    })
}

fn answer(t: &InProcess<'_>, op: &str, body: &Value) -> Value {
    let tool = if op == "unknown_tool" {
        "no_such_tool"
    } else {
        op
    };
    call_tool(t, "dev-secret", tool, body).unwrap().1
}

#[test]
fn openapi_fragment_is_current_and_its_examples_are_valid() {
    with_copilot(fragment_is_current);
}

fn fragment_is_current(t: &InProcess<'_>) {
    let routes = t.routes;
    let fragment = edgedesk_copilot::openapi::fragment(&mut |op, body| answer(t, op, body));
    check_fragment("shared/copilot/openapi.json", &fragment);

    // Every copilot route is documented, and nothing else is.
    let ops: Vec<&str> = routes
        .iter()
        .filter(|r| std::ptr::eq(r.info.product, &PRODUCT))
        .map(|r| r.info.operation.id)
        .collect();
    let documented: Vec<&str> = fragment["operations"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = ops.clone();
    sorted.sort();
    assert_eq!(sorted, documented);

    // The assembled document as the service serves it.
    let res = t
        .send(WireRequest {
            method: "GET".into(),
            path: "/openapi.json".into(),
            headers: vec![],
            body: vec![],
        })
        .unwrap();
    assert_eq!(res.status, 200);
    let doc: Value = serde_json::from_slice(&res.body).unwrap();
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    for tool in TOOLS {
        let op = &doc["paths"][tool.path()]["post"];
        assert_eq!(op["operationId"], tool.name());
        assert!(op["requestBody"]["content"]["application/json"]["example"].is_object());
        assert!(op["responses"]["200"]["content"]["application/json"]["example"]["ok"] == true);
    }
}

/// The body schema `GET /tools` lists for a tool, refs inlined.
fn params_schema(tool: Tool) -> Value {
    let fragment: Value = serde_json::from_str(edgedesk_copilot::OPENAPI).unwrap();
    let body = &fragment["operations"][tool.name()]["requestBody"]["content"]["application/json"]["schema"];
    inline(body, &fragment["schemas"])["properties"]["params"].clone()
}

fn status(t: &InProcess<'_>, tool: Tool, params: Value) -> (u16, Value) {
    call_tool(
        t,
        "dev-secret",
        tool.name(),
        &json!({"customerId": "acme-001", "params": params}),
    )
    .unwrap()
}

/// Walks each tool's documented parameters and checks the tool enforces
/// exactly them: bounds accepted and one past refused, every enum value
/// accepted and another refused, required ones required, unknown ones
/// refused. A rule changed on one side only fails here.
#[test]
fn documented_parameters_are_the_enforced_ones() {
    with_copilot(parameters_are_enforced);
}

fn parameters_are_enforced(t: &InProcess<'_>) {
    let mut checked = 0;
    for tool in TOOLS {
        let schema = params_schema(tool);
        assert_eq!(schema["additionalProperties"], false, "{}", tool.name());
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        // A minimal valid call: the required parameters at their first value.
        let mut base = json!({});
        for name in &required {
            base[*name] = props[*name]["enum"][0].clone();
        }
        let (code, v) = status(t, tool, base.clone());
        assert_eq!(code, 200, "{}: {v}", tool.name());
        for name in &required {
            let mut without = base.clone();
            without.as_object_mut().unwrap().remove(*name);
            assert_eq!(
                status(t, tool, without).0,
                400,
                "{}.{name} is required",
                tool.name()
            );
        }
        let mut unknown = base.clone();
        unknown["notAParameter"] = json!(1);
        assert_eq!(
            status(t, tool, unknown).0,
            400,
            "{} unknown parameter",
            tool.name()
        );
        assert!(
            required.is_empty(),
            "{}: every tool parameter has a default or a documented choice",
            tool.name()
        );

        for (name, p) in &props {
            let with = |v: Value| {
                let mut params = base.clone();
                params[name.as_str()] = v;
                status(t, tool, params).0
            };
            if let Some(values) = p["enum"].as_array() {
                for v in values {
                    assert_eq!(with(v.clone()), 200, "{}.{name} = {v}", tool.name());
                }
                assert_eq!(with(json!("not-a-choice")), 400, "{}.{name}", tool.name());
                checked += 1;
            }
            if p["type"] == "integer" {
                let min = p["minimum"].as_i64().expect("integers are bounded");
                let max = p["maximum"].as_i64().expect("integers are bounded");
                assert_eq!(with(json!(min)), 200, "{}.{name} = {min}", tool.name());
                assert_eq!(with(json!(max)), 200, "{}.{name} = {max}", tool.name());
                assert_eq!(
                    with(json!(min - 1)),
                    400,
                    "{}.{name} = {}",
                    tool.name(),
                    min - 1
                );
                assert_eq!(
                    with(json!(max + 1)),
                    400,
                    "{}.{name} = {}",
                    tool.name(),
                    max + 1
                );
                assert_eq!(with(json!(1.5)), 400, "{}.{name} = 1.5", tool.name());
                if let Some(d) = p["default"].as_i64() {
                    assert!((min..=max).contains(&d));
                }
                checked += 1;
            }
            if p["type"] == "object" {
                // Health weights: each measure 0..=100, summing to 100.
                let measures: Vec<&String> = p["properties"].as_object().unwrap().keys().collect();
                assert_eq!(measures.len(), 5);
                let mut weights = json!({});
                for (i, m) in measures.iter().enumerate() {
                    weights[m.as_str()] = json!(if i == 0 { 100 } else { 0 });
                    assert_eq!(p["properties"][m.as_str()]["maximum"], 100);
                }
                assert_eq!(with(weights.clone()), 200, "{}.{name}", tool.name());
                weights[measures[0].as_str()] = json!(101);
                assert_eq!(with(weights), 400, "{}.{name} over 100", tool.name());
                assert_eq!(with(json!({"notAMeasure": 100})), 400);
                checked += 1;
            }
        }
    }
    // periodDays twice, limit, status, weights, purpose, tone.
    assert_eq!(checked, 7);
}

#[test]
fn the_tool_list_shows_the_generated_body_schemas() {
    with_copilot(tool_list_shows_schemas);
}

fn tool_list_shows_schemas(t: &InProcess<'_>) {
    let res = t
        .send(WireRequest {
            method: "GET".into(),
            path: "/tools".into(),
            headers: vec![],
            body: vec![],
        })
        .unwrap();
    let v: Value = serde_json::from_slice(&res.body).unwrap();
    for (i, tool) in TOOLS.iter().enumerate() {
        let entry = &v["data"]["tools"][i];
        assert_eq!(entry["name"], tool.name());
        assert_eq!(entry["path"], tool.path());
        assert_eq!(entry["body"]["properties"]["params"], params_schema(*tool));
        assert_eq!(
            entry["body"]["properties"]["customerId"]["pattern"],
            edgedesk_copilot::model::CUSTOMER_ID_PATTERN
        );
        assert_eq!(entry["body"]["required"], json!(["customerId"]));
    }
}
