//! The calendar sync against Google's JSON shapes (answered in-process),
//! and once over real HTTP against the loopback stand-in.

use super::*;
use crate::appointments::{self, NewAppointment, Source};
use crate::business;
use crate::db;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse, StoreError};
use edgedesk_kernel::testing::{NOW_MS, TestPlatform};
use edgedesk_kernel::{Request, Response};
use futures::executor::block_on;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

const TOKEN_URL: &str = "https://oauth.test/token";
const API: &str = "https://calendar.test/v3";
const EVENTS: &str = "https://calendar.test/v3/calendars/salon%40example.com/events";
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

/// Tuesday 2026-11-24, 09:00 in Chicago (CST, -06:00).
const TUE_9: i64 = NOW_MS + 2 * 24 * HOUR + 3 * HOUR;

const SEED: &str = r#"
INSERT INTO businesses (id, name, time_zone, hours, google_calendar_id,
    google_refresh_token_secret, created_at)
VALUES ('demo-salon', 'Demo Salon', 'America/Chicago',
    '{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]],"sat":[["10:00","14:00"]]}',
    'salon@example.com', 'GOOGLE_REFRESH_TOKEN', 0);
INSERT INTO services (business_id, id, name, duration_minutes, buffer_minutes)
VALUES ('demo-salon', 'cut', 'Haircut', 30, 10);
"#;

/// The receptionist's scope of a test platform with the demo salon, its
/// Google settings and refresh token, and an appointment `appt-1` on
/// Tuesday 09:00-09:30 (held to 09:40) written as event `evt-appt-1`.
fn platform() -> TestPlatform {
    let p = TestPlatform::new().scoped(&crate::PRODUCT);
    p.set_var("GOOGLE_CLIENT_ID", "client-id-1");
    p.set_var("GOOGLE_CLIENT_SECRET", "client-secret-1");
    p.set_var("GOOGLE_REFRESH_TOKEN", "refresh-token-1");
    p.set_var("GOOGLE_OAUTH_TOKEN_URL", TOKEN_URL);
    p.set_var("GOOGLE_CALENDAR_API", API);
    p.set_var("PUBLIC_BASE_URL", "https://desk.example.com/");
    p.with_db(|c| c.execute_batch(SEED)).unwrap().unwrap();
    book(&p, "appt-1", TUE_9, Some("evt-appt-1")).unwrap();
    p
}

/// Books `id` for a haircut at `start` (30 minutes, 10 of buffer).
fn book(p: &TestPlatform, id: &str, start: i64, event: Option<&str>) -> Result<(), ApiError> {
    let mut statements = appointments::book(&NewAppointment {
        id,
        business_id: "demo-salon",
        service_id: "cut",
        contact_id: None,
        start_at: start,
        end_at: start + 30 * MIN,
        held_until: start + 40 * MIN,
        source: Source::Voice,
        notes: None,
        now: NOW_MS,
    });
    statements.push(appointments::set_event(id, event));
    block_on(db::batch(p, &statements)).map(|_| ())
}

fn salon(p: &TestPlatform) -> Business {
    block_on(business::by_id(p, "demo-salon")).unwrap().unwrap()
}

fn appointment(p: &TestPlatform, id: &str) -> appointments::Appointment {
    block_on(appointments::get(p, id)).unwrap().unwrap()
}

fn cells_of(p: &TestPlatform, id: &str) -> i64 {
    p.with_db(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM appointment_cells WHERE appointment_id = ?1",
            [id],
            |r| r.get(0),
        )
    })
    .unwrap()
    .unwrap()
}

fn busy(p: &TestPlatform) -> Vec<(String, i64, i64)> {
    p.with_db(|c| {
        let mut s = c
            .prepare("SELECT event_id, start_at, end_at FROM calendar_busy ORDER BY event_id")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
    })
    .unwrap()
}

fn column(p: &TestPlatform, name: &str) -> Option<String> {
    let sql = format!("SELECT CAST({name} AS TEXT) FROM businesses WHERE id = 'demo-salon'");
    p.with_db(|c| c.query_row(&sql, [], |r| r.get(0)))
        .unwrap()
        .unwrap()
}

fn set_column(p: &TestPlatform, name: &str, value: &str) {
    let sql = format!("UPDATE businesses SET {name} = ?1 WHERE id = 'demo-salon'");
    p.with_db(|c| c.execute(&sql, [value])).unwrap().unwrap();
}

fn answer(status: u16, body: Value) -> Option<Result<OutboundResponse, StoreError>> {
    Some(Ok(OutboundResponse {
        status,
        body: if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        },
    }))
}

fn token_answer(token: &str) -> Value {
    json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer",
           "scope": "https://www.googleapis.com/auth/calendar"})
}

/// Google answering: the token endpoint with `ya29.a`, the API with `api`.
fn google(p: &TestPlatform, api: impl Fn(&OutboundRequest) -> (u16, Value) + 'static) {
    p.on_http(move |req| {
        if req.url == TOKEN_URL {
            return answer(200, token_answer("ya29.a"));
        }
        let (status, body) = api(req);
        answer(status, body)
    });
}

fn query(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn calls(p: &TestPlatform) -> Vec<(String, String)> {
    p.http_calls
        .borrow()
        .iter()
        .map(|r| (r.method.to_string(), r.url.clone()))
        .collect()
}

fn api_calls(p: &TestPlatform) -> Vec<(String, String)> {
    calls(p)
        .into_iter()
        .filter(|(_, u)| u != TOKEN_URL)
        .collect()
}

fn header<'a>(r: &'a OutboundRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn body_json(r: &Response) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

fn event(id: &str, start: i64, end: i64) -> Value {
    json!({
        "kind": "calendar#event", "id": id, "status": "confirmed",
        "summary": "Dentist", "updated": "2026-11-22T11:00:00.000Z",
        "start": {"dateTime": times::format_offset(start, -6 * 3600), "timeZone": "America/Chicago"},
        "end": {"dateTime": times::format_offset(end, -6 * 3600), "timeZone": "America/Chicago"},
    })
}

fn cancelled(id: &str) -> Value {
    json!({"kind": "calendar#event", "id": id, "status": "cancelled"})
}

/// A page of `events.list` as Google writes it.
fn page(items: Vec<Value>, next_page: Option<&str>, next_sync: Option<&str>) -> Value {
    let mut v = json!({
        "kind": "calendar#events", "summary": "salon@example.com",
        "updated": "2026-11-22T11:00:00.000Z", "timeZone": "America/Chicago",
        "accessRole": "owner", "defaultReminders": [], "items": items,
    });
    if let Some(t) = next_page {
        v["nextPageToken"] = t.into();
    }
    if let Some(t) = next_sync {
        v["nextSyncToken"] = t.into();
    }
    v
}

/// Incremental syncs from `s1` answered with one page of `items`.
fn one_page(p: &TestPlatform, items: Vec<Value>) {
    let items = Rc::new(items);
    google(p, move |_| (200, page(items.to_vec(), None, Some("s2"))));
}

fn with_sync_token(p: &TestPlatform) {
    set_column(p, "google_sync_token", "s1");
}

// --- tokens ---------------------------------------------------------------

#[test]
fn the_access_token_is_refreshed_once_and_cached() {
    let p = platform();
    google(&p, |_| (200, json!({})));
    let b = salon(&p);
    assert_eq!(block_on(access_token(&p, &b)).unwrap(), "ya29.a");
    assert_eq!(block_on(access_token(&p, &b)).unwrap(), "ya29.a");
    let requests = p.http_calls.borrow().clone();
    assert_eq!(requests.len(), 1, "the second token comes from the cache");
    let r = &requests[0];
    assert_eq!((r.method, r.url.as_str()), ("POST", TOKEN_URL));
    assert_eq!(
        header(r, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: HashMap<String, String> = form_urlencoded::parse(&r.body).into_owned().collect();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-token-1");
    assert_eq!(form["client_id"], "client-id-1");
    assert_eq!(form["client_secret"], "client-secret-1");
    // Kept until a minute before it expires.
    p.now.set(NOW_MS + (3599 - 61) * 1000);
    block_on(access_token(&p, &b)).unwrap();
    assert_eq!(p.http_calls.borrow().len(), 1);
    p.now.set(NOW_MS + (3599 - 59) * 1000);
    block_on(access_token(&p, &b)).unwrap();
    assert_eq!(p.http_calls.borrow().len(), 2);
}

#[test]
fn a_401_refreshes_the_token_and_retries_once() {
    let p = platform();
    let issued = Rc::new(Cell::new(0));
    let n = issued.clone();
    p.on_http(move |req| {
        if req.url == TOKEN_URL {
            n.set(n.get() + 1);
            return answer(200, token_answer(&format!("ya29.{}", n.get())));
        }
        // Only the second token is good.
        match header(req, "authorization") {
            Some("Bearer ya29.2") => answer(200, page(vec![], None, Some("s2"))),
            _ => answer(
                401,
                json!({"error": {"code": 401, "status": "UNAUTHENTICATED"}}),
            ),
        }
    });
    with_sync_token(&p);
    block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(issued.get(), 2);
    assert_eq!(api_calls(&p).len(), 2, "one call, one retry");
    // The fresh token replaced the cached one.
    assert_eq!(block_on(access_token(&p, &salon(&p))).unwrap(), "ya29.2");
    assert_eq!(issued.get(), 2);

    // A 401 with the fresh token too is final: no third attempt.
    let p = platform();
    google(&p, |_| {
        (
            401,
            json!({"error": {"code": 401, "status": "UNAUTHENTICATED"}}),
        )
    });
    with_sync_token(&p);
    let err = block_on(sync(&p, &salon(&p))).unwrap_err();
    assert_eq!((err.status(), err.code), (502, ErrorCode::UpstreamFailure));
    assert!(err.message.contains("HTTP 401"), "{}", err.message);
    assert_eq!(api_calls(&p).len(), 2);
}

#[test]
fn missing_settings_are_503_naming_them_and_no_secret_leaks() {
    let p = platform();
    p.vars.borrow_mut().remove("GOOGLE_CLIENT_ID");
    let err = block_on(access_token(&p, &salon(&p))).unwrap_err();
    assert_eq!((err.status(), err.code), (503, ErrorCode::NotConfigured));
    assert!(err.message.contains("GOOGLE_CLIENT_ID"), "{}", err.message);

    let p = platform();
    p.vars.borrow_mut().remove("GOOGLE_REFRESH_TOKEN");
    let err = block_on(access_token(&p, &salon(&p))).unwrap_err();
    assert_eq!(err.status(), 503);
    assert!(
        err.message.contains("GOOGLE_REFRESH_TOKEN"),
        "{}",
        err.message
    );

    let p = platform();
    p.vars.borrow_mut().remove("PUBLIC_BASE_URL");
    let err = block_on(watch(&p, &salon(&p))).unwrap_err();
    assert_eq!(err.status(), 503);
    assert!(err.message.contains("PUBLIC_BASE_URL"), "{}", err.message);
    assert!(p.http_calls.borrow().is_empty());

    // Google refusing the refresh token: its error code, nothing secret.
    let p = platform();
    p.on_http(|_| {
        answer(
            400,
            json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        )
    });
    let err = block_on(access_token(&p, &salon(&p))).unwrap_err();
    assert_eq!(err.status(), 502);
    assert!(err.message.contains("invalid_grant"), "{}", err.message);
    for secret in ["refresh-token-1", "client-secret-1", "revoked"] {
        assert!(!err.message.contains(secret), "{}", err.message);
    }

    // No calendar connected.
    let p = platform();
    p.with_db(|c| c.execute_batch("UPDATE businesses SET google_calendar_id = NULL"))
        .unwrap()
        .unwrap();
    let err = block_on(sync(&p, &salon(&p))).unwrap_err();
    assert_eq!(err.status(), 503);
}

#[test]
fn server_errors_are_retried_then_502() {
    let p = platform();
    let n = Rc::new(Cell::new(0));
    let count = n.clone();
    google(&p, move |_| {
        count.set(count.get() + 1);
        if count.get() < 3 {
            (503, json!({}))
        } else {
            (200, page(vec![], None, Some("s2")))
        }
    });
    with_sync_token(&p);
    block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(n.get(), 3);

    let p = platform();
    google(&p, |_| (500, json!({})));
    with_sync_token(&p);
    let err = block_on(sync(&p, &salon(&p))).unwrap_err();
    assert_eq!(err.status(), 502);
    assert!(err.message.contains("3 attempts"), "{}", err.message);
    // A 4xx is final.
    let p = platform();
    google(&p, |_| {
        (
            403,
            json!({"error": {"code": 403, "status": "PERMISSION_DENIED"}}),
        )
    });
    with_sync_token(&p);
    let err = block_on(sync(&p, &salon(&p))).unwrap_err();
    assert!(
        err.message.contains("HTTP 403 (PERMISSION_DENIED)"),
        "{}",
        err.message
    );
    assert_eq!(api_calls(&p).len(), 1);
}

// --- watch ----------------------------------------------------------------

#[test]
fn watch_stores_the_channel_and_stops_the_old_one() {
    let p = platform();
    with_sync_token(&p);
    set_column(&p, "google_channel_id", "old-channel");
    set_column(&p, "google_resource_id", "old-resource");
    set_column(&p, "google_channel_token", "old-token");
    set_column(&p, "google_message_number", "41");
    google(&p, |req| {
        if req.url.ends_with("/events/watch") {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            (
                200,
                json!({"kind": "api#channel", "id": body["id"], "resourceId": "res-new",
                       "resourceUri": "https://www.googleapis.com/calendar/v3/calendars/salon%40example.com/events?alt=json",
                       "token": body["token"], "expiration": "1795953600000"}),
            )
        } else {
            (204, Value::Null)
        }
    });
    let channel = block_on(watch(&p, &salon(&p))).unwrap();
    let requests = p.http_calls.borrow().clone();
    let watched = requests
        .iter()
        .find(|r| r.url == format!("{EVENTS}/watch"))
        .expect("watch was called");
    assert_eq!(watched.method, "POST");
    let body: Value = serde_json::from_slice(&watched.body).unwrap();
    assert_eq!(body["type"], "web_hook");
    assert_eq!(
        body["address"],
        "https://desk.example.com/v1/calendar/google/push"
    );
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|c| c.is_ascii_hexdigit()));
    let id = body["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    assert_eq!(column(&p, "google_channel_id").as_deref(), Some(id));
    assert_eq!(column(&p, "google_channel_token").as_deref(), Some(token));
    assert_eq!(column(&p, "google_resource_id").as_deref(), Some("res-new"));
    assert_eq!(
        column(&p, "google_channel_expiration").as_deref(),
        Some("1795953600000")
    );
    assert_eq!(column(&p, "google_message_number").as_deref(), Some("0"));

    let stop = requests
        .iter()
        .find(|r| r.url == format!("{API}/channels/stop"))
        .expect("the old channel was stopped");
    let body: Value = serde_json::from_slice(&stop.body).unwrap();
    assert_eq!(
        body,
        json!({"id": "old-channel", "resourceId": "old-resource"})
    );
    // Only after the new one was stored.
    assert!(
        requests.iter().position(|r| r.url.ends_with("/watch"))
            < requests.iter().position(|r| r.url.ends_with("/stop"))
    );

    assert_eq!(channel["channel_id"], id);
    assert_eq!(channel["resource_id"], "res-new");
    assert_eq!(channel["expiration"], 1_795_953_600_000i64);
    assert_eq!(channel["expires_at"], "2026-11-29T12:00:00Z");
    assert!(!channel.to_string().contains(token), "{channel}");
    // With a sync token already, no list was needed.
    assert!(!requests.iter().any(|r| r.method == "GET"));
}

#[test]
fn watch_without_a_sync_token_syncs_first_and_a_failed_stop_is_not_fatal() {
    let p = platform();
    set_column(&p, "google_channel_id", "old-channel");
    set_column(&p, "google_resource_id", "old-resource");
    google(&p, |req| {
        if req.method == "GET" {
            (
                200,
                page(
                    vec![event("owner-1", TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR)],
                    None,
                    Some("s-full"),
                ),
            )
        } else if req.url.ends_with("/watch") {
            (
                200,
                json!({"kind": "api#channel", "id": "x", "resourceId": "res-2", "expiration": "1795953600000"}),
            )
        } else {
            (500, json!({}))
        }
    });
    let channel = block_on(watch(&p, &salon(&p))).unwrap();
    assert_eq!(channel["previous"]["stopped"], false);
    let first = api_calls(&p)[0].clone();
    assert_eq!(first.0, "GET");
    assert!(query(&first.1).contains_key("timeMin"));
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s-full"));
    assert_eq!(column(&p, "google_resource_id").as_deref(), Some("res-2"));
    assert_eq!(busy(&p).len(), 1);
}

// --- push -----------------------------------------------------------------

fn with_channel(p: &TestPlatform) {
    set_column(p, "google_channel_id", "chan-1");
    set_column(p, "google_channel_token", "secret-channel-token");
    set_column(p, "google_resource_id", "res-1");
    set_column(p, "google_message_number", "5");
}

fn notification(channel: Option<&str>, token: Option<&str>, state: &str, number: &str) -> Request {
    let mut r = Request::new("POST", "/v1/calendar/google/push")
        .with_header("x-goog-resource-state", state)
        .with_header("x-goog-message-number", number)
        .with_header("x-goog-resource-id", "res-1");
    if let Some(c) = channel {
        r = r.with_header("x-goog-channel-id", c);
    }
    if let Some(t) = token {
        r = r.with_header("x-goog-channel-token", t);
    }
    r
}

#[test]
fn push_refuses_unknown_channels_and_wrong_tokens() {
    let p = platform();
    with_channel(&p);
    with_sync_token(&p);
    google(&p, |_| (200, page(vec![], None, Some("s2"))));
    let token = Some("secret-channel-token");
    let cases = [
        (
            notification(None, token, "exists", "6"),
            404,
            "MISSING_DATA",
        ),
        (
            notification(Some("chan-x"), token, "exists", "6"),
            404,
            "MISSING_DATA",
        ),
        (
            notification(Some("chan-1"), None, "exists", "6"),
            403,
            "FORBIDDEN",
        ),
        (
            notification(Some("chan-1"), Some("secret-channel-tokeN"), "exists", "6"),
            403,
            "FORBIDDEN",
        ),
        (
            notification(Some("chan-1"), Some(""), "exists", "6"),
            403,
            "FORBIDDEN",
        ),
        (
            notification(Some("chan-1"), token, "updated", "6"),
            400,
            "INVALID_INPUT",
        ),
        (
            notification(Some("chan-1"), token, "exists", "six"),
            400,
            "INVALID_INPUT",
        ),
    ];
    for (req, status, code) in cases {
        let res = block_on(push(&p, &req));
        assert_eq!(res.status, status, "{req:?}");
        let body = body_json(&res);
        assert_eq!(body["ok"], false);
        assert_eq!(body["error"]["code"], code);
    }
    assert!(p.http_calls.borrow().is_empty());
    assert_eq!(column(&p, "google_message_number").as_deref(), Some("5"));
}

#[test]
fn push_syncs_once_per_new_message_number() {
    let p = platform();
    with_channel(&p);
    with_sync_token(&p);
    one_page(
        &p,
        vec![event("owner-1", TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR)],
    );
    let token = Some("secret-channel-token");
    // The channel's first message: nothing to do.
    let res = block_on(push(&p, &notification(Some("chan-1"), token, "sync", "1")));
    assert_eq!(res.status, 200);
    assert!(p.http_calls.borrow().is_empty());

    // Not newer than the last one acted on: ignored.
    for old in ["4", "5"] {
        let res = block_on(push(
            &p,
            &notification(Some("chan-1"), token, "exists", old),
        ));
        assert_eq!(res.status, 200);
        assert_eq!(body_json(&res)["data"]["ignored"], true);
    }
    assert!(p.http_calls.borrow().is_empty());

    let res = block_on(push(
        &p,
        &notification(Some("chan-1"), token, "exists", "9"),
    ));
    assert_eq!(res.status, 200);
    let data = body_json(&res)["data"].clone();
    assert_eq!(data["synced"], true, "{data}");
    assert_eq!(data["summary"]["busy"], 1);
    assert_eq!(column(&p, "google_message_number").as_deref(), Some("9"));
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s2"));
    let listed = api_calls(&p).len();
    // The same message again (a second instance, or Google's retry).
    let res = block_on(push(
        &p,
        &notification(Some("chan-1"), token, "not_exists", "9"),
    ));
    assert_eq!(body_json(&res)["data"]["ignored"], true);
    assert_eq!(api_calls(&p).len(), listed);
}

#[test]
fn a_failed_sync_gives_the_message_number_back() {
    let p = platform();
    with_channel(&p);
    with_sync_token(&p);
    google(&p, |_| {
        (
            400,
            json!({"error": {"code": 400, "status": "INVALID_ARGUMENT"}}),
        )
    });
    let token = Some("secret-channel-token");
    let res = block_on(push(
        &p,
        &notification(Some("chan-1"), token, "exists", "6"),
    ));
    assert_eq!(res.status, 502);
    assert_eq!(column(&p, "google_message_number").as_deref(), Some("5"));
    // Google's retry of the same message is acted on.
    one_page(&p, vec![]);
    let res = block_on(push(
        &p,
        &notification(Some("chan-1"), token, "exists", "6"),
    ));
    assert_eq!(body_json(&res)["data"]["synced"], true);
}

// --- sync -----------------------------------------------------------------

#[test]
fn an_incremental_sync_follows_every_page_and_stores_the_token_last() {
    let p = platform();
    with_sync_token(&p);
    let fail_last = Rc::new(Cell::new(true));
    let fail = fail_last.clone();
    google(&p, move |req| {
        let q = query(&req.url);
        match q.get("pageToken").map(String::as_str) {
            None => (
                200,
                page(
                    vec![event("a", TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR)],
                    Some("p2"),
                    None,
                ),
            ),
            Some("p2") => (
                200,
                page(
                    vec![event("b", TUE_9 + 4 * HOUR, TUE_9 + 5 * HOUR)],
                    Some("p3"),
                    None,
                ),
            ),
            Some("p3") if fail.get() => (400, json!({"error": {"code": 400}})),
            Some("p3") => (
                200,
                page(
                    vec![event("c", TUE_9 + 6 * HOUR, TUE_9 + 7 * HOUR)],
                    None,
                    Some("s2"),
                ),
            ),
            Some(other) => panic!("page {other}"),
        }
    });
    // The last page fails: what came before is applied, the token kept.
    assert!(block_on(sync(&p, &salon(&p))).is_err());
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s1"));
    assert_eq!(busy(&p).len(), 2);

    fail_last.set(false);
    p.http_calls.borrow_mut().clear();
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s2"));
    assert_eq!(
        (summary.pages, summary.events, summary.busy, summary.full),
        (3, 3, 3, false)
    );
    let lists = api_calls(&p);
    assert_eq!(lists.len(), 3);
    for (i, (method, url)) in lists.iter().enumerate() {
        assert_eq!(method, "GET");
        assert!(url.starts_with(&format!("{EVENTS}?")), "{url}");
        let q = query(url);
        assert_eq!(q["syncToken"], "s1", "every page from the same token");
        assert_eq!(q["showDeleted"], "true");
        assert_eq!(q["singleEvents"], "true");
        assert_eq!(q["maxResults"], "250");
        assert!(
            !q.contains_key("timeMin"),
            "timeMin is not allowed with a sync token"
        );
        assert_eq!(
            q.get("pageToken").map(String::as_str),
            [None, Some("p2"), Some("p3")][i]
        );
    }
    assert_eq!(
        busy(&p),
        vec![
            ("a".into(), TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR),
            ("b".into(), TUE_9 + 4 * HOUR, TUE_9 + 5 * HOUR),
            ("c".into(), TUE_9 + 6 * HOUR, TUE_9 + 7 * HOUR),
        ]
    );
}

#[test]
fn a_410_clears_the_token_and_lists_everything_again() {
    let p = platform();
    with_sync_token(&p);
    p.with_db(|c| {
        c.execute_batch(
            "INSERT INTO calendar_busy VALUES ('demo-salon', 'stale', 1, 2);
             INSERT INTO calendar_busy VALUES ('demo-salon', 'kept', 1, 2);",
        )
    })
    .unwrap()
    .unwrap();
    google(&p, |req| {
        let q = query(&req.url);
        if q.contains_key("syncToken") {
            return (
                410,
                json!({"error": {"code": 410, "message": "Sync token is no longer valid, a full sync is required.", "status": "GONE"}}),
            );
        }
        match q.get("pageToken").map(String::as_str) {
            None => (
                200,
                page(
                    vec![event("kept", TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR)],
                    Some("f2"),
                    None,
                ),
            ),
            _ => (
                200,
                page(
                    vec![event("new", TUE_9 + 4 * HOUR, TUE_9 + 5 * HOUR)],
                    None,
                    Some("s-full"),
                ),
            ),
        }
    });
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert!(summary.full);
    assert_eq!(summary.pages, 2);
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s-full"));
    assert_eq!(
        busy(&p),
        vec![
            ("kept".into(), TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR),
            ("new".into(), TUE_9 + 4 * HOUR, TUE_9 + 5 * HOUR),
        ],
        "the busy times are replaced"
    );
    let lists = api_calls(&p);
    assert_eq!(lists.len(), 3);
    let full = query(&lists[1].1);
    assert_eq!(full["timeMin"], times::format_utc(NOW_MS - 24 * HOUR));
    assert!(!full.contains_key("syncToken"));
    assert_eq!(full["showDeleted"], "true");
    assert_eq!(full["singleEvents"], "true");
    let second = query(&lists[2].1);
    assert_eq!(second["pageToken"], "f2");
}

#[test]
fn a_cancelled_event_cancels_its_appointment_and_frees_the_time() {
    let p = platform();
    with_sync_token(&p);
    // The time is held: another booking of it fails.
    assert!(book(&p, "appt-2", TUE_9 + 10 * MIN, None).is_err());
    assert_eq!(cells_of(&p, "appt-1"), 8);
    one_page(&p, vec![cancelled("evt-appt-1")]);
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(summary.cancelled, 1);
    let a = appointment(&p, "appt-1");
    assert_eq!(a.status, "cancelled");
    assert_eq!(cells_of(&p, "appt-1"), 0);
    assert!(busy(&p).is_empty(), "our own event is never a busy time");
    book(&p, "appt-2", TUE_9 + 10 * MIN, None).expect("the freed time books");
    // Seeing the cancellation again changes nothing.
    let again = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(again.cancelled, 0);
    assert_eq!(appointment(&p, "appt-2").status, "booked");
}

#[test]
fn a_moved_event_moves_its_appointment() {
    let p = platform();
    with_sync_token(&p);
    let to = TUE_9 + 3 * HOUR;
    one_page(&p, vec![event("evt-appt-1", to, to + 45 * MIN)]);
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!((summary.moved, summary.conflicts), (1, 0));
    let a = appointment(&p, "appt-1");
    assert_eq!(
        (a.start_at, a.end_at, a.held_until),
        (to, to + 45 * MIN, to + 55 * MIN)
    );
    assert_eq!(cells_of(&p, "appt-1"), 11);
    // The old time is free, the new one held.
    book(&p, "appt-2", TUE_9, None).expect("the old time is free");
    assert!(book(&p, "appt-3", to + 50 * MIN, None).is_err());
    // Unchanged times are not a move.
    let again = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(again.moved, 0);
}

#[test]
fn a_move_onto_held_time_is_recorded_as_a_conflict() {
    let p = platform();
    with_sync_token(&p);
    let other = TUE_9 + 2 * HOUR;
    book(&p, "appt-2", other, Some("evt-appt-2")).unwrap();
    one_page(
        &p,
        vec![
            event("evt-appt-1", other + 15 * MIN, other + 45 * MIN),
            event("owner-1", TUE_9 + 5 * HOUR, TUE_9 + 6 * HOUR),
        ],
    );
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!((summary.moved, summary.conflicts, summary.busy), (1, 1, 1));
    let a = appointment(&p, "appt-1");
    assert_eq!(
        (a.start_at, a.end_at, a.status.as_str()),
        (other + 15 * MIN, other + 45 * MIN, "booked")
    );
    assert_eq!(cells_of(&p, "appt-1"), 0, "it holds nothing");
    assert_eq!(cells_of(&p, "appt-2"), 8, "the other keeps its time");
    // The rest of the page and the token were still applied.
    assert_eq!(busy(&p).len(), 1);
    assert_eq!(column(&p, "google_sync_token").as_deref(), Some("s2"));
    book(&p, "appt-3", TUE_9, None).expect("the old time is free");
}

#[test]
fn appointments_can_swap_times() {
    let p = platform();
    with_sync_token(&p);
    let other = TUE_9 + 2 * HOUR;
    book(&p, "appt-2", other, Some("evt-appt-2")).unwrap();
    one_page(
        &p,
        vec![
            event("evt-appt-1", other, other + 30 * MIN),
            event("evt-appt-2", TUE_9, TUE_9 + 30 * MIN),
        ],
    );
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!((summary.moved, summary.conflicts), (2, 0));
    assert_eq!(appointment(&p, "appt-1").start_at, other);
    assert_eq!(appointment(&p, "appt-2").start_at, TUE_9);
    assert_eq!((cells_of(&p, "appt-1"), cells_of(&p, "appt-2")), (8, 8));
}

#[test]
fn the_owners_events_are_busy_times_until_cancelled_or_free() {
    let p = platform();
    with_sync_token(&p);
    let (s, e) = (TUE_9 + 2 * HOUR, TUE_9 + 3 * HOUR);
    one_page(&p, vec![event("dentist", s, e), event("gym", s, e)]);
    block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(
        busy(&p),
        vec![("dentist".into(), s, e), ("gym".into(), s, e)]
    );
    let found = block_on(appointments::calendar_busy(
        &p,
        "demo-salon",
        TUE_9,
        TUE_9 + 8 * HOUR,
    ))
    .unwrap();
    assert_eq!(found, vec![(s, e), (s, e)]);

    // Moved, then cancelled and marked free.
    let mut free = event("gym", s, e);
    free["transparency"] = "transparent".into();
    one_page(&p, vec![event("dentist", s + HOUR, e + HOUR), free]);
    block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(busy(&p), vec![("dentist".into(), s + HOUR, e + HOUR)]);
    one_page(&p, vec![cancelled("dentist")]);
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!(summary.freed, 1);
    assert!(busy(&p).is_empty());
}

#[test]
fn an_all_day_event_blocks_the_local_day() {
    let p = platform();
    with_sync_token(&p);
    let mut holiday = event("vacation", 0, 0);
    holiday["start"] = json!({"date": "2026-11-26"});
    holiday["end"] = json!({"date": "2026-11-28"});
    one_page(&p, vec![holiday]);
    block_on(sync(&p, &salon(&p))).unwrap();
    // Chicago midnight is 06:00 UTC in November.
    let thursday = times::parse_instant("2026-11-26T06:00:00Z").unwrap();
    assert_eq!(
        busy(&p),
        vec![("vacation".into(), thursday, thursday + 48 * HOUR)]
    );
}

#[test]
fn wall_times_across_chicagos_changes_follow_the_compatible_rule() {
    let p = platform();
    with_sync_token(&p);
    let wall = |id: &str, start: &str, end: &str, zone: Option<&str>| {
        let mut e = json!({"kind": "calendar#event", "id": id, "status": "confirmed",
                           "start": {"dateTime": start}, "end": {"dateTime": end}});
        if let Some(z) = zone {
            e["start"]["timeZone"] = z.into();
            e["end"]["timeZone"] = z.into();
        }
        e
    };
    one_page(
        &p,
        vec![
            // 02:30 does not happen on 8 March: it is read as 03:30 CDT
            // (08:30Z); 04:00 is CDT already (09:00Z).
            wall(
                "gap",
                "2026-03-08T02:30:00",
                "2026-03-08T04:00:00",
                Some("America/Chicago"),
            ),
            // 01:30 happens twice on 1 November: the first, in CDT.
            wall(
                "fold",
                "2026-11-01T01:30:00",
                "2026-11-01T03:00:00",
                Some("America/Chicago"),
            ),
            // No zone on the event: the calendar's (the list's timeZone).
            wall("listed", "2026-11-01T01:30:00", "2026-11-01T03:00:00", None),
            // A zone Google knows but the table does not: the calendar's.
            wall(
                "odd",
                "2026-11-01T01:30:00",
                "2026-11-01T03:00:00",
                Some("Mars/Base"),
            ),
        ],
    );
    block_on(sync(&p, &salon(&p))).unwrap();
    let at = |s: &str| times::parse_instant(s).unwrap();
    let fold = (at("2026-11-01T06:30:00Z"), at("2026-11-01T09:00:00Z"));
    assert_eq!(
        busy(&p),
        vec![
            ("fold".into(), fold.0, fold.1),
            (
                "gap".into(),
                at("2026-03-08T08:30:00Z"),
                at("2026-03-08T09:00:00Z")
            ),
            ("listed".into(), fold.0, fold.1),
            ("odd".into(), fold.0, fold.1),
        ]
    );
}

#[test]
fn our_event_is_recognised_by_its_appointment_id_and_linked() {
    let p = platform();
    with_sync_token(&p);
    let start = TUE_9 + 4 * HOUR;
    book(&p, "appt-9", start, None).unwrap();
    let mut ours = event("google-made-id", start, start + 30 * MIN);
    ours["extendedProperties"] = json!({"private": {"edgedesk_appointment": "appt-9"}});
    // A copy of it naming the same appointment is the owner's own.
    let mut copy = event("copy", start + 2 * HOUR, start + 3 * HOUR);
    copy["extendedProperties"] = json!({"private": {"edgedesk_appointment": "appt-9"}});
    // Naming an appointment that does not exist: the owner's own too.
    let mut stray = event("stray", start + 4 * HOUR, start + 5 * HOUR);
    stray["extendedProperties"] = json!({"private": {"edgedesk_appointment": "nope"}});
    one_page(&p, vec![ours, copy, stray]);
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!((summary.linked, summary.busy, summary.moved), (1, 2, 0));
    assert_eq!(
        appointment(&p, "appt-9").google_event_id.as_deref(),
        Some("google-made-id")
    );
    let ids: Vec<String> = busy(&p).into_iter().map(|b| b.0).collect();
    assert_eq!(ids, ["copy", "stray"]);
}

// --- writes ---------------------------------------------------------------

#[test]
fn events_are_written_for_appointments() {
    let p = platform();
    book(&p, "appt-5", TUE_9 + 2 * HOUR, None).unwrap();
    let seen: Rc<std::cell::RefCell<Vec<Value>>> = Rc::default();
    let record = seen.clone();
    google(&p, move |req| {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        record.borrow_mut().push(body.clone());
        match req.method {
            "POST" => (
                200,
                json!({"kind": "calendar#event", "id": body["id"], "status": "confirmed"}),
            ),
            "PATCH" => (200, json!({"kind": "calendar#event", "id": "x"})),
            _ => (204, Value::Null),
        }
    });
    let b = salon(&p);
    let a = appointment(&p, "appt-5");
    let id = block_on(insert_event(&p, &b, &a, "Haircut: Ana", "Booked by phone")).unwrap();
    assert_eq!(id, calendar::event_id_for("appt-5"));
    assert!(
        id.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'v').contains(&c))
    );
    assert_eq!(
        appointment(&p, "appt-5").google_event_id.as_deref(),
        Some(id.as_str())
    );
    let (method, url) = api_calls(&p)[0].clone();
    assert_eq!((method.as_str(), url.as_str()), ("POST", EVENTS));
    let body = seen.borrow()[0].clone();
    assert_eq!(body["summary"], "Haircut: Ana");
    assert_eq!(body["description"], "Booked by phone");
    assert_eq!(
        body["start"],
        json!({"dateTime": "2026-11-24T17:00:00Z", "timeZone": "America/Chicago"})
    );
    assert_eq!(
        body["end"],
        json!({"dateTime": "2026-11-24T17:30:00Z", "timeZone": "America/Chicago"})
    );
    assert_eq!(
        body["extendedProperties"]["private"]["edgedesk_appointment"],
        "appt-5"
    );

    let moved = appointments::Appointment {
        start_at: TUE_9 + 5 * HOUR,
        end_at: TUE_9 + 5 * HOUR + 30 * MIN,
        ..a.clone()
    };
    block_on(patch_event(&p, &b, "evt/1", &moved)).unwrap();
    let (method, url) = api_calls(&p)[1].clone();
    assert_eq!(
        (method.as_str(), url.as_str()),
        ("PATCH", &*format!("{EVENTS}/evt%2F1"))
    );
    assert_eq!(
        seen.borrow()[1]["start"]["dateTime"],
        "2026-11-24T20:00:00Z"
    );
    block_on(delete_event(&p, &b, "evt-1")).unwrap();
    assert_eq!(
        api_calls(&p)[2],
        ("DELETE".into(), format!("{EVENTS}/evt-1"))
    );
}

#[test]
fn a_retried_insert_and_a_gone_event_are_fine() {
    let p = platform();
    google(&p, |req| match req.method {
        "POST" => (
            409,
            json!({"error": {"code": 409, "status": "ALREADY_EXISTS"}}),
        ),
        _ if req.url.ends_with("/gone") => (410, json!({"error": {"code": 410}})),
        _ if req.url.ends_with("/missing") => (404, json!({"error": {"code": 404}})),
        _ => (
            400,
            json!({"error": {"code": 400, "status": "INVALID_ARGUMENT"}}),
        ),
    });
    let b = salon(&p);
    let a = appointment(&p, "appt-1");
    let id = block_on(insert_event(&p, &b, &a, "Haircut", "")).unwrap();
    assert_eq!(id, calendar::event_id_for("appt-1"));
    block_on(delete_event(&p, &b, "gone")).unwrap();
    block_on(delete_event(&p, &b, "missing")).unwrap();
    let err = block_on(delete_event(&p, &b, "other")).unwrap_err();
    assert_eq!(err.status(), 502);
    let err = block_on(patch_event(&p, &b, "missing", &a)).unwrap_err();
    assert!(err.message.contains("HTTP 404"), "{}", err.message);
}

#[test]
fn a_fixed_offset_business_writes_no_zone_name() {
    let p = platform();
    set_column(&p, "time_zone", "-06:00");
    google(&p, |req| {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["start"], json!({"dateTime": "2026-11-24T15:00:00Z"}));
        (200, json!({"id": "e1"}))
    });
    let a = appointment(&p, "appt-1");
    assert_eq!(
        block_on(insert_event(&p, &salon(&p), &a, "x", "")).unwrap(),
        "e1"
    );
}

// --- the older relay ----------------------------------------------------------

fn relay(auth: Option<&str>, body: &str) -> Request {
    let mut r = Request::new("POST", "/v1/calendar/google/webhook")
        .with_header("content-type", "application/json")
        .with_body(body.as_bytes().to_vec());
    if let Some(a) = auth {
        r = r.with_header("authorization", a);
    }
    r
}

#[test]
fn the_relay_needs_its_secret() {
    let p = platform();
    let body = r#"{"business_id":"demo-salon","event_id":"evt-appt-1","status":"cancelled"}"#;
    let res = block_on(legacy_webhook(
        &p,
        &relay(Some("Bearer relay-secret"), body),
    ));
    assert_eq!(res.status, 503);
    assert_eq!(body_json(&res)["error"]["code"], "NOT_CONFIGURED");
    p.set_var("GOOGLE_WEBHOOK_SECRET", "relay-secret");
    for (auth, status) in [
        (None, 401),
        (Some("Basic cmVsYXk6c2VjcmV0"), 401),
        (Some("Bearer relay-secreT"), 403),
        (Some("Bearer relay"), 403),
    ] {
        let res = block_on(legacy_webhook(&p, &relay(auth, body)));
        assert_eq!(res.status, status, "{auth:?}");
        assert_eq!(body_json(&res)["ok"], false);
    }
    assert_eq!(appointment(&p, "appt-1").status, "booked");
    let res = block_on(legacy_webhook(
        &p,
        &relay(Some("Bearer relay-secret"), body),
    ));
    assert_eq!(res.status, 200);
    assert_eq!(body_json(&res)["data"]["result"], "cancelled");
    assert_eq!(appointment(&p, "appt-1").status, "cancelled");
    assert_eq!(cells_of(&p, "appt-1"), 0);
}

#[test]
fn the_relay_names_the_field_it_cannot_read() {
    let p = platform();
    p.set_var("GOOGLE_WEBHOOK_SECRET", "relay-secret");
    let auth = Some("Bearer relay-secret");
    let cases = [
        ("not json", 400, "JSON object"),
        ("[1]", 400, "JSON object"),
        (
            r#"{"event_id":"evt-appt-1","start":"2026-11-24T10:00:00","end":"2026-11-24T10:30:00"}"#,
            422,
            "business_id",
        ),
        (
            r#"{"business_id":"demo-salon","start":"2026-11-24T10:00:00","end":"2026-11-24T10:30:00"}"#,
            422,
            "event_id",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","end":"2026-11-24T10:30:00"}"#,
            422,
            "start",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"tomorrow","end":"2026-11-24T10:30:00"}"#,
            422,
            "start",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T10:00:00","end":42}"#,
            422,
            "end",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T10:00:00","end":"2026-11-24T09:30:00"}"#,
            422,
            "end: must be after start",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T10:00:00","end":"2026-11-24T10:30:00","time_zone":"Mars/Base"}"#,
            422,
            "time_zone",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-appt-1","status":"gone"}"#,
            422,
            "status",
        ),
        (
            r#"{"business_id":"nowhere","event_id":"evt-appt-1","status":"cancelled"}"#,
            404,
            "nowhere",
        ),
        (
            r#"{"business_id":"demo-salon","event_id":"evt-x","status":"cancelled"}"#,
            404,
            "evt-x",
        ),
    ];
    for (body, status, names) in cases {
        let res = block_on(legacy_webhook(&p, &relay(auth, body)));
        assert_eq!(res.status, status, "{body}");
        let msg = body_json(&res)["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(msg.contains(names), "{body}: {msg}");
    }
    assert_eq!(appointment(&p, "appt-1").start_at, TUE_9);
}

#[test]
fn the_relay_moves_by_wall_time_in_the_zone_given() {
    let p = platform();
    p.set_var("GOOGLE_WEBHOOK_SECRET", "relay-secret");
    let auth = Some("Bearer relay-secret");
    // Wall time in the business's zone (Chicago, CST).
    let body = r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T11:00:00","end":"2026-11-24T11:30:00"}"#;
    let res = block_on(legacy_webhook(&p, &relay(auth, body)));
    assert_eq!(res.status, 200, "{:?}", body_json(&res));
    let data = body_json(&res)["data"].clone();
    assert_eq!(data["result"], "moved");
    assert_eq!(data["start"], "2026-11-24T17:00:00Z");
    assert_eq!(
        appointment(&p, "appt-1").held_until,
        TUE_9 + 2 * HOUR + 40 * MIN
    );
    // In the zone named, and with an offset.
    let body = r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T11:00:00","end":"2026-11-24T11:30:00","time_zone":"America/New_York"}"#;
    let res = block_on(legacy_webhook(&p, &relay(auth, body)));
    assert_eq!(body_json(&res)["data"]["start"], "2026-11-24T16:00:00Z");
    let body = r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T16:00:00Z","end":"2026-11-24T16:30:00Z","status":"confirmed"}"#;
    let res = block_on(legacy_webhook(&p, &relay(auth, body)));
    assert_eq!(body_json(&res)["data"]["result"], "unchanged");
    // Onto another appointment: recorded, holding nothing.
    book(&p, "appt-2", TUE_9, None).unwrap();
    let body = r#"{"business_id":"demo-salon","event_id":"evt-appt-1","start":"2026-11-24T09:00:00-06:00","end":"2026-11-24T09:30:00-06:00"}"#;
    let res = block_on(legacy_webhook(&p, &relay(auth, body)));
    assert_eq!(body_json(&res)["data"]["result"], "conflict");
    assert_eq!(appointment(&p, "appt-1").start_at, TUE_9);
    assert_eq!(cells_of(&p, "appt-1"), 0);
}

// --- status -----------------------------------------------------------------

#[test]
fn status_says_what_the_owner_needs_and_nothing_secret() {
    let p = platform();
    let s = status(&salon(&p), NOW_MS);
    assert_eq!(
        s,
        json!({"connected": true, "calendar_id": "salon@example.com", "channel_expires_at": null,
               "expired": false, "has_sync_token": false})
    );
    with_channel(&p);
    with_sync_token(&p);
    set_column(&p, "google_channel_expiration", "1795953600000");
    let s = status(&salon(&p), NOW_MS);
    assert_eq!(s["channel_expires_at"], "2026-11-29T12:00:00Z");
    assert_eq!(
        (s["expired"].as_bool(), s["has_sync_token"].as_bool()),
        (Some(false), Some(true))
    );
    assert!(!s.to_string().contains("secret-channel-token"));
    assert_eq!(status(&salon(&p), 1_795_953_600_000)["expired"], true);
    p.with_db(|c| c.execute_batch("UPDATE businesses SET google_calendar_id = NULL"))
        .unwrap()
        .unwrap();
    assert_eq!(status(&salon(&p), NOW_MS)["connected"], false);
}

// --- over real HTTP ---------------------------------------------------------

#[test]
fn a_sync_over_http_against_the_stand_in() {
    use edgedesk_e2e::mock_google::{self, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};
    let google = mock_google::start();
    let p = platform();
    p.set_var("GOOGLE_CLIENT_ID", CLIENT_ID);
    p.set_var("GOOGLE_CLIENT_SECRET", CLIENT_SECRET);
    p.set_var("GOOGLE_REFRESH_TOKEN", REFRESH_TOKEN);
    p.set_var("GOOGLE_OAUTH_TOKEN_URL", &format!("{}/token", google.url));
    p.set_var("GOOGLE_CALENDAR_API", &google.url);
    p.on_http(|req| Some(mock_google::http_send(req)));
    let cal = "salon@example.com";
    let utc = times::format_utc;
    let owner = |id: &str, start: i64| {
        json!({"id": id, "summary": "Owner", "start": {"dateTime": utc(start)},
               "end": {"dateTime": utc(start + HOUR)}})
    };
    for i in 0..5 {
        google.put_event(cal, owner(&format!("owner{i}"), TUE_9 + i * HOUR));
    }
    google.set_page_size(2);

    // Our appointment's event, written through the API.
    book(&p, "appt-7", TUE_9 + 24 * HOUR, None).unwrap();
    let b = salon(&p);
    let event = block_on(insert_event(
        &p,
        &b,
        &appointment(&p, "appt-7"),
        "Haircut",
        "",
    ))
    .unwrap();
    assert_eq!(
        google.event(cal, &event).unwrap()["extendedProperties"]["private"]["edgedesk_appointment"],
        "appt-7"
    );

    // Watch: a full sync first (three pages of two), then the channel.
    p.set_var("PUBLIC_BASE_URL", "https://desk.example.com");
    let channel = block_on(watch(&p, &salon(&p))).unwrap();
    let watched = google.channels();
    assert_eq!(watched.len(), 1);
    assert_eq!(channel["channel_id"], watched[0].id.as_str());
    assert_eq!(
        column(&p, "google_channel_token").as_deref(),
        Some(watched[0].token.as_str())
    );
    assert_eq!(busy(&p).len(), 5);
    let lists = google
        .calls()
        .iter()
        .filter(|c| c.starts_with("GET "))
        .count();
    assert_eq!(lists, 3);

    // The owner moves our event and cancels one of theirs.
    let moved = TUE_9 + 26 * HOUR;
    let mut ours = google.event(cal, &event).unwrap();
    ours["start"] = json!({"dateTime": utc(moved)});
    ours["end"] = json!({"dateTime": utc(moved + 30 * MIN)});
    google.put_event(cal, ours);
    google.cancel_event(cal, "owner0");
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert_eq!((summary.moved, summary.freed, summary.full), (1, 1, false));
    assert_eq!(appointment(&p, "appt-7").start_at, moved);
    assert_eq!(busy(&p).len(), 4);

    // Revoked access tokens: refreshed and retried; invalidated sync
    // tokens: a full list again.
    google.revoke_access_tokens();
    google.invalidate_sync_tokens();
    let before = google.token_requests();
    let summary = block_on(sync(&p, &salon(&p))).unwrap();
    assert!(summary.full);
    assert_eq!(google.token_requests(), before + 1);
    assert_eq!(busy(&p).len(), 4);

    // Renewing the channel stops the old one at the stand-in.
    block_on(watch(&p, &salon(&p))).unwrap();
    let now_watched = google.channels();
    assert_eq!(now_watched.len(), 1);
    assert_ne!(now_watched[0].id, watched[0].id);

    // Deleting our event, twice: the second finds it gone.
    block_on(delete_event(&p, &salon(&p), &event)).unwrap();
    block_on(delete_event(&p, &salon(&p), &event)).unwrap();
    assert_eq!(google.event(cal, &event).unwrap()["status"], "cancelled");
}
