//! The receptionist's API description: generated from its routes and
//! types, committed as `shared/receptionist/openapi.json`, every example a
//! real answer of the product on the demo salon that validates against its
//! schema. Twilio and Google are played in process.

use edgedesk_core::signing::{Target, sign_call};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse, StoreError};
use edgedesk_kernel::testing::{TestPlatform, check_fragment, invalid_examples};
use edgedesk_kernel::{Auth, Request, Response, Routes, builtin};
use edgedesk_receptionist::openapi::{Answered, BASE_URL, Body, Example, RELAY_SECRET, fragment};
use edgedesk_receptionist::{PRODUCT, openapi, routes, sample};
use serde_json::{Value, json};
use std::cell::Cell;

const GOOGLE: &str = "https://google.test";

/// Google's token endpoint and Calendar API, and Twilio's REST API, as
/// they answer.
fn stand_ins(req: &OutboundRequest) -> Option<Result<OutboundResponse, StoreError>> {
    let url = req.url.as_str();
    let (status, body) = if url.starts_with("https://twilio.test") {
        (201, json!({"sid": "SM0owner"}))
    } else if url == format!("{GOOGLE}/token") {
        (
            200,
            json!({"access_token": "ya29.example", "expires_in": 3599, "token_type": "Bearer"}),
        )
    } else if url.ends_with("/events/watch") {
        let sent: Value = serde_json::from_slice(&req.body).unwrap_or_default();
        (
            200,
            json!({"kind": "api#channel", "id": sent["id"], "resourceId": "resource-new",
                   "expiration": "1795953600000"}),
        )
    } else if url.ends_with("/channels/stop") {
        (204, Value::Null)
    } else if req.method == "GET" && url.contains("/events?") {
        // The owner blocked Tuesday 13:00-14:00 in Chicago.
        let event = json!({"kind": "calendar#event", "id": "owner-lunch", "status": "confirmed",
            "summary": "Lunch", "start": {"dateTime": "2026-11-24T13:00:00-06:00"},
            "end": {"dateTime": "2026-11-24T14:00:00-06:00"}});
        (
            200,
            json!({"kind": "calendar#events", "items": [event], "nextSyncToken": "sync-next"}),
        )
    } else {
        (404, json!({"error": {"code": 404}}))
    };
    Some(Ok(OutboundResponse {
        status,
        body: if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        },
    }))
}

/// The demo salon as `make dev` loads it, with Twilio's and Google's
/// settings pointing at the stand-ins.
fn platform() -> TestPlatform {
    let p = TestPlatform::new();
    for (k, v) in [
        ("PUBLIC_BASE_URL", BASE_URL),
        (sample::TOKEN_SECRET, sample::DEV_TWILIO_TOKEN),
        ("TWILIO_ACCOUNT_SID", "AC0example"),
        ("TWILIO_API_BASE", "https://twilio.test"),
        ("GOOGLE_CLIENT_ID", "client-id"),
        ("GOOGLE_CLIENT_SECRET", "client-secret"),
        ("GOOGLE_REFRESH_TOKEN", "refresh-token"),
        ("GOOGLE_OAUTH_TOKEN_URL", "https://google.test/token"),
        ("GOOGLE_CALENDAR_API", "https://google.test/calendar/v3"),
        ("GOOGLE_WEBHOOK_SECRET", RELAY_SECRET),
        ("SECRET_KEY", openapi::SECRET_KEY),
        ("OPERATOR_TOKEN", openapi::OPERATOR_TOKEN),
        ("ALLOW_SELF_SIGNUP", "true"),
    ] {
        p.set_var(k, v);
    }
    p.on_http(stand_ins);
    let sql = sample::sql(p.now.get());
    p.scoped(&PRODUCT)
        .with_db(|c| c.execute_batch(&sql))
        .unwrap()
        .unwrap();
    p
}

fn send(
    p: &TestPlatform,
    app: &Routes<TestPlatform>,
    op: &str,
    e: &Example,
    n: &Cell<u32>,
) -> Response {
    let mut req = Request::new(e.method, &e.path);
    let body = match &e.body {
        Some(Body::Json(v)) => {
            req = req.with_header("content-type", "application/json");
            v.to_string()
        }
        Some(Body::Form(pairs)) => {
            req = req.with_header("content-type", "application/x-www-form-urlencoded");
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
                .finish()
        }
        None => String::new(),
    };
    for (k, v) in &e.headers {
        req = req.with_header(k, v);
    }
    let info = routes::infos()
        .into_iter()
        .find(|i| i.operation.id == op)
        .unwrap();
    if matches!(info.auth, Auth::Signed | Auth::SignedRead) {
        // Each signed call is accepted once: a client id of its own.
        n.set(n.get() + 1);
        let client = format!("example-{}", n.get());
        let now = p.now.get();
        let target = Target {
            method: e.method,
            path: &e.path,
        };
        let sig = sign_call(b"dev-secret", now, &client, target, body.as_bytes());
        req = req
            .with_header("x-timestamp", &now.to_string())
            .with_header("x-client", &client)
            .with_header("x-signature", &sig);
    }
    p.handle(app, req.with_body(body))
}

fn run(op: &str, e: &Example) -> Answered {
    let p = platform();
    if !e.setup.is_empty() {
        p.scoped(&PRODUCT)
            .with_db(|c| c.execute_batch(e.setup))
            .unwrap()
            .unwrap();
    }
    let app = Routes::new().with(routes::routes());
    let n = Cell::new(0);
    for before in &e.first {
        let res = send(&p, &app, op, before, &n);
        assert!((200..300).contains(&res.status), "{op}: {res:?}");
    }
    let res = send(&p, &app, op, e, &n);
    let text = String::from_utf8(res.body.clone()).unwrap();
    let json = res
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    Answered {
        status: res.status,
        body: if json {
            serde_json::from_str(&text).unwrap()
        } else {
            Value::String(text)
        },
    }
}

#[test]
fn openapi_fragment_is_current_and_its_examples_are_valid() {
    let generated = fragment(&mut run);
    check_fragment("shared/receptionist/openapi.json", &generated);

    let operations = generated["operations"].as_object().unwrap();
    assert_eq!(operations.len(), routes::infos().len());
    // Each Twilio prefix is documented alike, its example answered on its
    // own path.
    let sms = &operations["twilio_sms"];
    let alias = &operations["twilio_sms__telephony_unversioned"];
    assert_eq!(sms["requestBody"], alias["requestBody"]);
    let form = &sms["requestBody"]["content"]["application/x-www-form-urlencoded"];
    assert_eq!(form["example"]["To"], sample::NUMBER);
    let twiml = sms["responses"]["200"]["content"]["text/xml"]["example"]
        .as_str()
        .unwrap();
    assert!(twiml.contains("<Message>"), "{twiml}");
    let gather =
        operations["twilio_voice__telephony"]["responses"]["200"]["content"]["text/xml"]["example"]
            .as_str()
            .unwrap();
    assert!(
        gather.contains("action=\"/v1/telephony/voice/gather?turn=1\""),
        "{gather}"
    );

    // The relay's example moves an appointment onto free time.
    let relayed = &operations["google_webhook"]["responses"]["200"]["content"]["application/json"]
        ["example"]["data"];
    assert_eq!(relayed["result"], "moved", "{relayed}");

    // The assembled document as a deployment with the product serves it.
    let app: Routes<TestPlatform> = Routes::new()
        .with(builtin::routes())
        .with(routes::routes())
        .documented(builtin::OPENAPI)
        .documented(edgedesk_receptionist::OPENAPI);
    let res = TestPlatform::new().handle(&app, Request::new("GET", "/openapi.json"));
    let doc: Value = serde_json::from_slice(&res.body).unwrap();
    let problems = invalid_examples(&doc);
    assert!(problems.is_empty(), "{problems:#?}");
    let voice = &doc["paths"]["/twilio/voice"]["post"];
    assert_eq!(voice["security"], json!([]));
    let signature = voice["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "X-Twilio-Signature")
        .unwrap();
    assert_eq!(signature["in"], "header");
    assert_eq!(signature["required"], true);
    // The documented signature is the one the example call was accepted with.
    let fields: Vec<(String, String)> =
        voice["requestBody"]["content"]["application/x-www-form-urlencoded"]["example"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(edgedesk_core::twilio::is_valid(
        sample::DEV_TWILIO_TOKEN,
        &format!("{BASE_URL}/twilio/voice"),
        &pairs,
        signature["example"].as_str().unwrap(),
    ));
    let script = &doc["paths"]["/v1/widget/widget.js"]["get"]["responses"]["200"]["content"];
    assert!(script.get("text/javascript").is_some(), "{script}");
    let page = &doc["paths"]["/v1/widget/demo"]["get"]["responses"]["200"]["content"];
    assert!(page.get("text/html").is_some(), "{page}");
}
