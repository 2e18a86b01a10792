//! Owners, the operator and feedback, in process: signing in and out,
//! invitations and self sign-up, each owner confined to their own
//! business, validation that names the field, appointments that cannot be
//! double-booked and follow into Google Calendar, and the admin routes.

use edgedesk_kernel::platform::{OutboundResponse, SqlStore};
use edgedesk_kernel::testing::TestPlatform;
use edgedesk_kernel::{Request, Response, Routes};
use edgedesk_receptionist::{PRODUCT, routes, sample};
use futures::executor::block_on;
use serde_json::{Value, json};

const OPERATOR: &str = "test-operator-token";

/// A second business with an owner and a row in every table an owner
/// reads: none of it may ever reach the demo salon's owner.
const OTHER: &str = "
INSERT INTO businesses (id, name, time_zone, hours, widget_token, created_at)
  VALUES ('other-shop', 'Other Shop', 'UTC', '{\"mon\": [[\"09:00\", \"17:00\"]]}', 'other-widget', 0);
INSERT INTO services (business_id, id, name, duration_minutes) VALUES ('other-shop', 'haircut', 'Other cut', 30);
INSERT INTO contacts (id, business_id, phone, name, created_at) VALUES ('ct-other', 'other-shop', '+13125559999', 'Other Person', 0);
INSERT INTO appointments (id, business_id, service_id, contact_id, start_at, end_at, held_until, status, source, created_at, updated_at)
  VALUES ('apt-other', 'other-shop', 'haircut', 'ct-other', 1795435200000, 1795437000000, 1795437000000, 'booked', 'owner', 0, 0);
INSERT INTO conversations (id, business_id, channel, external_id, contact_id, state, turns, created_at, updated_at)
  VALUES ('conv-other', 'other-shop', 'sms', '+13125559999', 'ct-other', '{}', 1, 1795340000000, 1795340000000);
INSERT INTO turns (conversation_id, seq, role, text, at) VALUES ('conv-other', 0, 'caller', 'other secret', 1795340000000);
INSERT INTO owner_messages (id, business_id, conversation_id, text, created_at) VALUES ('msg-other', 'other-shop', 'conv-other', 'other message', 1795340000000);
INSERT INTO feedback (id, business_id, conversation_id, rating, created_at) VALUES ('fb-other', 'other-shop', 'conv-other', 1, 0);
";

struct Desk {
    p: TestPlatform,
    app: Routes<TestPlatform>,
}

impl Desk {
    fn new() -> Self {
        let p = TestPlatform::new();
        p.set_var("SECRET_KEY", "test-session-secret");
        p.set_var("OPERATOR_TOKEN", OPERATOR);
        let sql = format!("{}\n{OTHER}", sample::sql(p.now.get()));
        p.scoped(&PRODUCT)
            .with_db(|c| c.execute_batch(&sql))
            .unwrap()
            .unwrap();
        // The other shop's owner, with a password of its own.
        let hashed = edgedesk_kernel::passwords::hash("other-password", [7; 16]);
        block_on(p.scoped(&PRODUCT).execute(
            "INSERT INTO owners (id, business_id, email, hashed_password, created_at) \
             VALUES ('owner-other', 'other-shop', 'owner@other.test', ?1, 0)",
            &[hashed.into()],
        ))
        .unwrap();
        Desk {
            p,
            app: Routes::new().with(routes::routes()),
        }
    }

    fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut req = Request::new(method, path);
        if let Some(t) = token {
            req = req.with_header("authorization", &format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .with_header("content-type", "application/json")
                .with_body(b.to_string());
        }
        self.p.handle(&self.app, req)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let res = self.send(method, path, token, body);
        (
            res.status,
            serde_json::from_slice(&res.body).unwrap_or(Value::Null),
        )
    }

    fn ok(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Value {
        let (status, v) = self.call(method, path, Some(token), body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {v}"
        );
        assert_eq!(v["ok"], true, "{v}");
        v["data"].clone()
    }

    fn login(&self, email: &str, password: &str) -> String {
        let (status, v) = self.call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        );
        assert_eq!(status, 200, "{v}");
        v["data"]["access_token"].as_str().unwrap().to_string()
    }

    fn owner(&self) -> String {
        self.login(sample::OWNER_EMAIL, sample::DEV_PASSWORD)
    }

    fn count(&self, sql: &str) -> i64 {
        let rows = block_on(self.p.scoped(&PRODUCT).query(sql, &[])).unwrap();
        rows[0][0].as_i64().unwrap()
    }

    fn exec(&self, sql: &str) {
        self.p
            .scoped(&PRODUCT)
            .with_db(|c| c.execute_batch(sql))
            .unwrap()
            .unwrap();
    }
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_owner_never_sees_another_business() {
    let d = Desk::new();
    let t = d.owner();
    let text = |v: &Value| v.to_string();

    let apts = d.ok(
        "GET",
        "/v1/owner/appointments?from=2026-11-01&to=2027-01-31",
        &t,
        None,
    );
    let found = ids(&apts, "appointments");
    assert_eq!(found.len(), 4, "{apts}");
    assert!(
        found.iter().all(|id| id.starts_with("apt-demo-")),
        "{found:?}"
    );
    let contacts = d.ok("GET", "/v1/owner/contacts?limit=200", &t, None);
    assert_eq!(contacts["total"], 4);
    let convs = d.ok("GET", "/v1/owner/conversations?limit=100", &t, None);
    let messages = d.ok("GET", "/v1/owner/messages?limit=200", &t, None);
    let business = d.ok("GET", "/v1/owner/business", &t, None);
    let services = d.ok("GET", "/v1/owner/services", &t, None);
    for v in [&apts, &contacts, &convs, &messages, &business, &services] {
        let s = text(v);
        for other in [
            "other-shop",
            "Other Person",
            "other secret",
            "other message",
            "Other cut",
            "+13125559999",
        ] {
            assert!(!s.contains(other), "{other} leaked: {s}");
        }
    }
    assert_eq!(business["id"], sample::BUSINESS);

    // Another business's rows by id are answered as if they did not exist.
    let (status, v) = d.call("GET", "/v1/owner/conversations/conv-other", Some(&t), None);
    assert_eq!(status, 404, "{v}");
    let (status, v) = d.call(
        "PATCH",
        "/v1/owner/appointments/apt-other",
        Some(&t),
        Some(json!({"status": "cancelled"})),
    );
    assert_eq!(status, 404, "{v}");
    assert_eq!(
        d.count("SELECT COUNT(*) FROM appointments WHERE id = 'apt-other' AND status = 'booked'"),
        1
    );

    // Writes land on the owner's business only.
    d.ok(
        "POST",
        "/v1/owner/lockdown",
        &t,
        Some(json!({"enabled": true})),
    );
    d.ok("POST", "/v1/owner/widget-token", &t, None);
    assert_eq!(
        d.count("SELECT lockdown_mode FROM businesses WHERE id = 'demo-salon'"),
        1
    );
    assert_eq!(
        d.count("SELECT lockdown_mode FROM businesses WHERE id = 'other-shop'"),
        0
    );
    assert_eq!(
        d.count("SELECT COUNT(*) FROM businesses WHERE widget_token = 'other-widget'"),
        1
    );
    assert_eq!(
        d.count("SELECT COUNT(*) FROM businesses WHERE widget_token = 'demo-salon-widget'"),
        0
    );

    // And the other owner sees only theirs.
    let o = d.login("owner@other.test", "other-password");
    let theirs = d.ok(
        "GET",
        "/v1/owner/appointments?from=2026-11-01&to=2027-01-31",
        &o,
        None,
    );
    assert_eq!(ids(&theirs, "appointments"), ["apt-other"]);
    let conv = d.ok("GET", "/v1/owner/conversations/conv-other", &o, None);
    assert_eq!(conv["transcript"][0]["text"], "other secret");
    assert_eq!(conv["feedback"][0]["rating"], 1);
}

#[test]
fn signing_in_is_throttled_and_logging_out_ends_the_token() {
    let d = Desk::new();
    let wrong = json!({"email": sample::OWNER_EMAIL, "password": "not-it"});
    for _ in 0..5 {
        let (status, v) = d.call("POST", "/v1/auth/login", None, Some(wrong.clone()));
        assert_eq!(status, 401, "{v}");
        assert_eq!(v["error"]["message"], "email or password is incorrect");
    }
    let res = d.send(
        "POST",
        "/v1/auth/login",
        None,
        Some(json!({"email": sample::OWNER_EMAIL, "password": sample::DEV_PASSWORD})),
    );
    assert_eq!(res.status, 429);
    assert_eq!(res.header("retry-after"), Some("900"));
    d.p.now.set(d.p.now.get() + 15 * 60 * 1000 + 1);
    let t = d.owner();
    let me = d.ok("GET", "/v1/auth/me", &t, None);
    assert_eq!(me["email"], sample::OWNER_EMAIL);
    assert!(me.get("hashed_password").is_none());

    d.ok("POST", "/v1/auth/logout", &t, None);
    let res = d.send("GET", "/v1/auth/me", Some(&t), None);
    assert_eq!(res.status, 401);
    assert!(res.header("www-authenticate").is_some());

    // A token of the same key without the owner's scope (a support
    // agent's) is not an owner's.
    let key = edgedesk_core::jwt::Key::new(b"test-session-secret");
    let now = d.p.now.get() / 1000;
    let agent = edgedesk_core::jwt::sign(
        &key,
        json!({"sub": sample::OWNER_ID, "iat": now, "exp": now + 60, "jti": "x"})
            .as_object()
            .unwrap(),
    );
    let (status, _) = d.call("GET", "/v1/owner/business", Some(&agent), None);
    assert_eq!(status, 401);
    let (status, _) = d.call("GET", "/v1/owner/business", None, None);
    assert_eq!(status, 401);
}

#[test]
fn only_an_invitation_joins_an_existing_business() {
    let d = Desk::new();
    // No invitation, or one made up: nobody joins.
    let (status, v) = d.call(
        "POST",
        "/v1/auth/register",
        None,
        Some(json!({"email": "mallory@example.com", "password": "a-long-password"})),
    );
    assert_eq!(status, 422, "{v}");
    let (status, v) = d.call(
        "POST",
        "/v1/auth/register",
        None,
        Some(json!({"invitation": "x", "email": "mallory@example.com", "password": "a-long-password", "business_id": "demo-salon"})),
    );
    assert_eq!(status, 422, "a business cannot be named: {v}");
    // The operator invites one email.
    let (status, _) = d.call(
        "POST",
        "/v1/admin/businesses/demo-salon/invitations",
        Some("wrong"),
        None,
    );
    assert_eq!(status, 401);
    let inv = d.ok(
        "POST",
        "/v1/admin/businesses/demo-salon/invitations",
        OPERATOR,
        Some(json!({"email": "Sam@Demo-Salon.test"})),
    );
    let token = inv["invitation"].as_str().unwrap();
    assert_eq!(
        d.count("SELECT COUNT(*) FROM owner_invitations WHERE token_hash = 'token'"),
        0
    );
    let register = |email: &str| {
        d.call(
            "POST",
            "/v1/auth/register",
            None,
            Some(json!({"invitation": token, "email": email, "password": "a-long-password"})),
        )
    };
    assert_eq!(register("mallory@example.com").0, 403, "another email");
    let (status, v) = register("sam@demo-salon.test");
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["data"]["owner"]["business_id"], "demo-salon");
    let t = v["data"]["access_token"].as_str().unwrap();
    assert_eq!(
        d.ok("GET", "/v1/owner/business", t, None)["id"],
        "demo-salon"
    );
    assert_eq!(register("sam@demo-salon.test").0, 403, "used");

    // An invitation past its week is refused.
    let inv = d.ok(
        "POST",
        "/v1/admin/businesses/demo-salon/invitations",
        OPERATOR,
        None,
    );
    d.p.now.set(d.p.now.get() + 7 * 24 * 3600 * 1000 + 1);
    let (status, _) = d.call(
        "POST",
        "/v1/auth/register",
        None,
        Some(json!({"invitation": inv["invitation"], "email": "late@example.com", "password": "a-long-password"})),
    );
    assert_eq!(status, 403);
}

#[test]
fn self_signup_makes_a_new_business_only_when_allowed() {
    let d = Desk::new();
    let body = json!({"business_name": "Demo Salon", "time_zone": "Europe/Paris",
                      "email": "new@example.com", "password": "a-long-password"});
    let (status, _) = d.call("POST", "/v1/public/signup", None, Some(body.clone()));
    assert_eq!(status, 404, "off by default");
    d.p.set_var("ALLOW_SELF_SIGNUP", "true");
    let (status, v) = d.call(
        "POST",
        "/v1/public/signup",
        None,
        Some(json!({"business_name": "X", "time_zone": "Mars/Base", "email": "a@b.co", "password": "a-long-password"})),
    );
    assert_eq!(status, 422);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("time_zone"),
        "{v}"
    );
    let (status, v) = d.call("POST", "/v1/public/signup", None, Some(body.clone()));
    assert_eq!(status, 201, "{v}");
    let business = v["data"]["owner"]["business_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        business.starts_with("demo-salon-") && business.len() == 17,
        "{business}"
    );
    let t = v["data"]["access_token"].as_str().unwrap();
    let profile = d.ok("GET", "/v1/owner/business", t, None);
    assert_eq!(profile["time_zone"], "Europe/Paris");
    assert_eq!(profile["services"], json!([]));
    // The demo salon is untouched, and an email has one account.
    assert_eq!(
        d.count("SELECT COUNT(*) FROM owners WHERE business_id = 'demo-salon'"),
        1
    );
    let (status, _) = d.call("POST", "/v1/public/signup", None, Some(body));
    assert_eq!(status, 409);
    // The operator sees it, not yet ready.
    let all = d.ok("GET", "/v1/admin/businesses", OPERATOR, None);
    let new = all["businesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == business.as_str())
        .unwrap();
    assert_eq!(new["onboarding"]["ready"], false);
    assert_eq!(new["onboarding"]["has_owner"], true);
}

#[test]
fn changes_are_checked_and_errors_name_the_field() {
    let d = Desk::new();
    let t = d.owner();
    let refuse = |path: &str, method: &str, body: Value, field: &str| {
        let (status, v) = d.call(method, path, Some(&t), Some(body));
        assert!(
            status == 422 || status == 400,
            "{body_path} {status} {v}",
            body_path = path
        );
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{field} not named: {message}");
    };
    refuse(
        "/v1/owner/business",
        "PATCH",
        json!({"time_zone": "Mars/Base"}),
        "time_zone",
    );
    refuse(
        "/v1/owner/business",
        "PATCH",
        json!({"hours": {"mon": [["18:00", "09:00"]]}}),
        "hours.mon[0]",
    );
    refuse(
        "/v1/owner/business",
        "PATCH",
        json!({"holidays": ["2026-02-30"]}),
        "holidays[0]",
    );
    refuse(
        "/v1/owner/business",
        "PATCH",
        json!({"owner_phone": "call me"}),
        "owner_phone",
    );
    refuse(
        "/v1/owner/business",
        "PATCH",
        json!({"colour": "red"}),
        "colour",
    );
    refuse(
        "/v1/owner/services",
        "PUT",
        json!({"services": [{"id": "cut", "name": "Cut", "duration_minutes": 7}]}),
        "services[0].duration_minutes",
    );
    refuse(
        "/v1/owner/services",
        "PUT",
        json!({"services": [{"id": "Cut!", "name": "Cut", "duration_minutes": 30}]}),
        "services[0].id",
    );
    refuse(
        "/v1/owner/lockdown",
        "POST",
        json!({"enabled": "yes"}),
        "enabled",
    );
    refuse(
        "/v1/owner/appointments",
        "POST",
        json!({"service_id": "massage", "start": "2026-12-01T10:00:00"}),
        "service_id",
    );
    refuse(
        "/v1/owner/appointments",
        "POST",
        json!({"service_id": "haircut", "start": "tomorrow"}),
        "start",
    );
    // Nothing was written by any of them.
    assert_eq!(d.count("SELECT COUNT(*) FROM businesses WHERE id = 'demo-salon' AND time_zone = 'America/Chicago'"), 1);

    // Valid changes are kept and read back.
    let b = d.ok(
        "PATCH",
        "/v1/owner/business",
        &t,
        Some(json!({"time_zone": "America/New_York", "hours": {"sun": [["10:00", "14:00"]]}, "owner_phone": "(312) 555-0199"})),
    );
    assert_eq!(b["time_zone"], "America/New_York");
    assert_eq!(b["hours"], json!({"sun": [["10:00", "14:00"]]}));
    assert_eq!(b["owner_phone"], "+13125550199");
    // A service with appointments ahead cannot be dropped.
    let (status, v) = d.call(
        "PUT",
        "/v1/owner/services",
        Some(&t),
        Some(json!({"services": [{"id": "haircut", "name": "Haircut", "duration_minutes": 45}]})),
    );
    assert_eq!(status, 409, "{v}");
}

#[test]
fn the_owner_books_moves_and_ends_appointments_without_double_booking() {
    let d = Desk::new();
    // Google Calendar connected, answered by a stand-in that records calls.
    d.exec(
        "UPDATE businesses SET google_calendar_id = 'salon@example.com', \
         google_refresh_token_secret = 'GOOGLE_REFRESH_TOKEN' WHERE id = 'demo-salon'",
    );
    for (k, v) in [
        ("GOOGLE_CLIENT_ID", "client"),
        ("GOOGLE_CLIENT_SECRET", "secret"),
        ("GOOGLE_REFRESH_TOKEN", "refresh"),
        ("GOOGLE_OAUTH_TOKEN_URL", "https://google.test/token"),
        ("GOOGLE_CALENDAR_API", "https://google.test/calendar/v3"),
    ] {
        d.p.set_var(k, v);
    }
    d.p.on_http(|req| {
        let body = if req.url.ends_with("/token") {
            json!({"access_token": "ya29.test", "expires_in": 3600})
        } else {
            json!({"id": "ignored"})
        };
        Some(Ok(OutboundResponse {
            status: 200,
            body: body.to_string().into_bytes(),
        }))
    });
    let t = d.owner();
    let calls = |method: &str| {
        d.p.http_calls
            .borrow()
            .iter()
            .filter(|c| c.method == method && c.url.contains("/events"))
            .count()
    };

    // Maria's haircut (apt-demo-1) holds its time: another booking onto it
    // is refused, and nothing is written.
    let first = d.ok(
        "GET",
        "/v1/owner/appointments?from=2026-11-23&to=2026-11-24",
        &t,
        None,
    );
    let maria = &first["appointments"][0];
    assert_eq!(maria["id"], "apt-demo-1");
    let start = maria["start"].as_str().unwrap().to_string();
    let (status, v) = d.call(
        "POST",
        "/v1/owner/appointments",
        Some(&t),
        Some(json!({"service_id": "beard", "start": start})),
    );
    assert_eq!(status, 409, "{v}");
    assert_eq!(d.count("SELECT COUNT(*) FROM appointments"), 5);

    // A free time: booked, with its cells, and written to the calendar.
    let (status, v) = d.call(
        "POST",
        "/v1/owner/appointments",
        Some(&t),
        Some(json!({"service_id": "haircut", "start": "2026-11-27T14:00:00", "name": "Lena Park", "phone": "312 555 0150"})),
    );
    assert_eq!(status, 201, "{v}");
    let a = &v["data"];
    assert_eq!(a["start"], "2026-11-27T20:00:00.000Z", "read in Chicago");
    assert_eq!(a["source"], "owner");
    assert_eq!(a["contact"]["phone"], "+13125550150");
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(
        d.count(&format!(
            "SELECT COUNT(*) FROM appointment_cells WHERE appointment_id = '{id}'"
        )),
        12
    );
    assert_eq!(calls("POST"), 1);

    // The assistant cannot offer it now: its cells are held.
    let (_, v) = d.call(
        "POST",
        "/v1/owner/appointments",
        Some(&t),
        Some(json!({"service_id": "blowout", "start": "2026-11-27T14:30:00"})),
    );
    assert_eq!(v["error"]["code"], "CONFLICT");

    let path = format!("/v1/owner/appointments/{id}");
    // Moving onto Maria's time fails and leaves it where it was.
    let (status, _) = d.call("PATCH", &path, Some(&t), Some(json!({"start": start})));
    assert_eq!(status, 409);
    let moved = d.ok(
        "PATCH",
        &path,
        &t,
        Some(json!({"start": "2026-11-27T16:00:00-06:00"})),
    );
    assert_eq!(moved["start"], "2026-11-27T22:00:00.000Z");
    assert_eq!(calls("PATCH"), 1);
    let (status, _) = d.call(
        "PATCH",
        &path,
        Some(&t),
        Some(json!({"start": "2026-11-27T17:00:00", "status": "cancelled"})),
    );
    assert_eq!(status, 422);
    let done = d.ok("PATCH", &path, &t, Some(json!({"status": "cancelled"})));
    assert_eq!(done["status"], "cancelled");
    assert_eq!(calls("DELETE"), 1);
    assert_eq!(
        d.count(&format!(
            "SELECT COUNT(*) FROM appointment_cells WHERE appointment_id = '{id}'"
        )),
        0
    );
    let (status, _) = d.call(
        "PATCH",
        &path,
        Some(&t),
        Some(json!({"status": "completed"})),
    );
    assert_eq!(status, 409, "a cancelled appointment stays cancelled");

    // Completed and no-show free the time too.
    let done = d.ok(
        "PATCH",
        "/v1/owner/appointments/apt-demo-2",
        &t,
        Some(json!({"status": "no_show", "notes": "did not come"})),
    );
    assert_eq!(done["status"], "no_show");
    assert_eq!(done["notes"], "did not come");
    let done = d.ok(
        "PATCH",
        "/v1/owner/appointments/apt-demo-3",
        &t,
        Some(json!({"status": "completed"})),
    );
    assert_eq!(done["status"], "completed");
    assert_eq!(d.count("SELECT COUNT(*) FROM appointment_cells WHERE appointment_id IN ('apt-demo-2', 'apt-demo-3')"), 0);
    let booked = d.ok(
        "GET",
        "/v1/owner/appointments?from=2026-11-23&to=2026-12-31&status=booked",
        &t,
        None,
    );
    assert_eq!(ids(&booked, "appointments"), ["apt-demo-1", "apt-demo-4"]);
}

#[test]
fn the_operator_sees_every_business_and_sets_its_fields() {
    let d = Desk::new();
    let (status, _) = d.call("GET", "/v1/admin/businesses", None, None);
    assert_eq!(status, 401);
    let t = d.owner();
    let (status, _) = d.call("GET", "/v1/admin/businesses", Some(&t), None);
    assert_eq!(status, 401, "an owner is not the operator");
    let all = d.ok("GET", "/v1/admin/businesses", OPERATOR, None);
    assert_eq!(ids(&all, "businesses"), ["demo-salon", "other-shop"]);
    let other = &all["businesses"][1];
    assert_eq!(other["onboarding"]["has_number"], false);
    assert_eq!(other["onboarding"]["ready"], false);

    let b = d.ok(
        "PATCH",
        "/v1/admin/businesses/other-shop",
        OPERATOR,
        Some(json!({"lockdown_mode": true, "numbers": ["+15005550009"], "twilio_token_secret": "OTHER_TWILIO_TOKEN"})),
    );
    assert_eq!(b["lockdown_mode"], true);
    assert_eq!(b["numbers"], json!(["+15005550009"]));
    assert_eq!(b["onboarding"]["ready"], true);
    let (status, v) = d.call(
        "PATCH",
        "/v1/admin/businesses/other-shop",
        Some(OPERATOR),
        Some(json!({"numbers": [sample::NUMBER]})),
    );
    assert_eq!(status, 409, "a number reaches one business: {v}");
    let (status, _) = d.call(
        "PATCH",
        "/v1/admin/businesses/other-shop",
        Some(OPERATOR),
        Some(json!({"twilio_token_secret": "lower-case"})),
    );
    assert_eq!(status, 422);
    let (status, _) = d.call(
        "PATCH",
        "/v1/admin/businesses/nope",
        Some(OPERATOR),
        Some(json!({"lockdown_mode": true})),
    );
    assert_eq!(status, 404);

    // Unset, the operator's routes are closed and say why.
    d.p.vars.borrow_mut().remove("OPERATOR_TOKEN");
    let (status, v) = d.call("GET", "/v1/admin/businesses", Some(OPERATOR), None);
    assert_eq!(status, 503);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("OPERATOR_TOKEN")
    );
}

#[test]
fn feedback_needs_a_conversation_and_is_bounded() {
    let d = Desk::new();
    let (status, _) = d.call(
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "nope", "rating": 5})),
    );
    assert_eq!(status, 404);
    let (status, _) = d.call(
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "conv-other"})),
    );
    assert_eq!(status, 422, "a rating or a text");
    let (status, _) = d.call(
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "conv-other", "rating": 6})),
    );
    assert_eq!(status, 422);
    let long = "x".repeat(2001);
    let (status, _) = d.call(
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "conv-other", "text": long})),
    );
    assert_eq!(status, 422);
    let (status, v) = d.call(
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "conv-other", "text": "fine"})),
    );
    assert_eq!(status, 201, "{v}");
    // Filed under the conversation's own business.
    assert_eq!(
        d.count("SELECT COUNT(*) FROM feedback WHERE business_id = 'other-shop'"),
        2
    );
}

#[test]
fn the_dashboard_loads_only_its_own_script_and_style() {
    let d = Desk::new();
    let page = d.send("GET", "/dashboard", None, None);
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(html.contains("src=\"/dashboard/dashboard.js\""));
    assert!(!html.contains("http"), "nothing from elsewhere");
    let script = d.send("GET", "/dashboard/dashboard.js", None, None);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    let style = d.send("GET", "/dashboard/dashboard.css", None, None);
    assert!(
        style
            .header("content-type")
            .unwrap()
            .starts_with("text/css")
    );
}
