//! The receptionist's owners and operator end to end over any transport
//! (local workerd, the Spin host): the demo owner signs in, sees the
//! salon's appointments, books, moves and cancels (written to the Google
//! stand-in), cannot double-book even with two requests at once, flips the
//! lockdown switch; the operator lists businesses and invites a second
//! owner, whose invitation works once; feedback lands on its conversation;
//! logging out ends the token.

use crate::mock_google::MockGoogle;
use crate::receptionist::{BUSINESS, CALENDAR, Count};
use crate::support::call;
use crate::{Transport, WireRequest};
use edgedesk_receptionist::sample::{DEV_PASSWORD, OWNER_EMAIL};
use serde_json::{Value, json};

/// `OPERATOR_TOKEN` in these runs.
pub const OPERATOR_TOKEN: &str = "e2e-operator-token";

/// Signs in as `email` and gives the token.
pub fn login(t: &dyn Transport, email: &str, password: &str) -> String {
    let (status, v) = call(
        t,
        "POST",
        "/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    );
    assert_eq!(status, 200, "login as {email}: {v}");
    v["data"]["access_token"].as_str().unwrap().to_string()
}

fn data(res: (u16, Value), want: u16, what: &str) -> Value {
    assert_eq!(res.0, want, "{what}: {}", res.1);
    res.1["data"].clone()
}

pub fn scenario(t: &(dyn Transport + Sync), base: &str, count: Count<'_>, google: &MockGoogle) {
    // Wrong passwords: 401 each, then 429 with Retry-After for that email.
    for _ in 0..5 {
        let (status, _) = call(
            t,
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": "nobody@demo-salon.test", "password": "wrong"})),
        );
        assert_eq!(status, 401);
    }
    let throttled = t
        .send(WireRequest {
            method: "POST".into(),
            path: "/v1/auth/login".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: json!({"email": "nobody@demo-salon.test", "password": "wrong"})
                .to_string()
                .into_bytes(),
        })
        .unwrap();
    assert_eq!(throttled.status, 429);
    assert!(throttled.headers.iter().any(|(k, _)| k == "retry-after"));

    let token = login(t, OWNER_EMAIL, DEV_PASSWORD);
    let tok = Some(token.as_str());
    let me = data(call(t, "GET", "/v1/auth/me", tok, None), 200, "me");
    assert_eq!(me["business_id"], BUSINESS);
    let business = data(
        call(t, "GET", "/v1/owner/business", tok, None),
        200,
        "business",
    );
    assert_eq!(business["time_zone"], "America/Chicago");

    // The seeded appointments are in the next two weeks.
    let list = data(
        call(t, "GET", "/v1/owner/appointments", tok, None),
        200,
        "appointments",
    );
    let ids: Vec<&str> = list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(ids.contains(&"apt-demo-1"), "{list}");

    // A booking of the owner's, far ahead, written to Google Calendar.
    let hour = t.now_ms() / 3_600_000 + 60 * 24;
    let start = edgedesk_kernel::times::iso(hour * 3_600_000);
    let body = json!({"service_id": "haircut", "start": start, "name": "Owner E2E", "phone": "+13125550180"});
    let booked = data(
        call(t, "POST", "/v1/owner/appointments", tok, Some(body.clone())),
        201,
        "book",
    );
    let id = booked["id"].as_str().unwrap().to_string();
    let event = edgedesk_receptionist::google::calendar::event_id_for(&id);
    let written = google.event(CALENDAR, &event).expect("the event in Google");
    assert_eq!(written["summary"], "Haircut: Owner E2E", "{written}");
    // The same time again: refused, whoever asks.
    let (status, v) = call(t, "POST", "/v1/owner/appointments", tok, Some(body));
    assert_eq!(status, 409, "{v}");

    // Two bookings of one free time at once: exactly one is made.
    let race_start = edgedesk_kernel::times::iso((hour + 2) * 3_600_000);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|i| {
                let (token, race_start) = (&token, &race_start);
                s.spawn(move || {
                    call(
                        t,
                        "POST",
                        "/v1/owner/appointments",
                        Some(token),
                        Some(json!({"service_id": "beard", "start": race_start, "name": format!("Racer {i}")})),
                    )
                    .0
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, [201, 409], "{statuses:?}");

    // Moved onto the racers' time: refused; an hour later: moved.
    let path = format!("/v1/owner/appointments/{id}");
    let (status, v) = call(t, "PATCH", &path, tok, Some(json!({"start": race_start})));
    assert_eq!(status, 409, "{v}");
    let moved_to = edgedesk_kernel::times::iso((hour + 4) * 3_600_000);
    let moved = data(
        call(t, "PATCH", &path, tok, Some(json!({"start": moved_to}))),
        200,
        "move",
    );
    assert_eq!(moved["start"], moved_to);
    let cancelled = data(
        call(t, "PATCH", &path, tok, Some(json!({"status": "cancelled"}))),
        200,
        "cancel",
    );
    assert_eq!(cancelled["status"], "cancelled");
    assert!(
        google
            .event(CALENDAR, &event)
            .is_none_or(|e| e["status"] == "cancelled"),
        "the event is gone from Google"
    );
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM appointment_cells WHERE appointment_id = '{id}'"
        )),
        0,
        "a cancelled appointment holds no time"
    );

    // The lockdown switch, from the owner and from the operator.
    let on = data(
        call(
            t,
            "POST",
            "/v1/owner/lockdown",
            tok,
            Some(json!({"enabled": true})),
        ),
        200,
        "lockdown",
    );
    assert_eq!(on["lockdown_mode"], true);
    assert_eq!(
        count("SELECT lockdown_mode FROM businesses WHERE id = 'demo-salon'"),
        1
    );
    // At once, every automation channel refuses: 423, Twilio's with TwiML.
    let (status, v) = crate::receptionist::widget(t, "/v1/widget/session", json!({}));
    assert_eq!(status, 423, "{v}");
    assert_eq!(v["error"]["code"], "LOCKED");
    let sms = t
        .send(crate::receptionist::twilio_request(
            base,
            "/v1/twilio/sms",
            &[
                ("MessageSid", "SMlocked0001"),
                ("From", "+13125550161"),
                ("To", crate::receptionist::NUMBER),
                ("Body", "book a haircut"),
            ],
        ))
        .unwrap();
    assert_eq!(sms.status, 423);
    let twiml = String::from_utf8_lossy(&sms.body);
    assert!(
        twiml.contains("<Message>This line is unavailable"),
        "{twiml}"
    );
    let call_in = t
        .send(crate::receptionist::twilio_request(
            base,
            "/telephony/voice",
            &[
                ("CallSid", "CAlocked0001"),
                ("From", "+13125550161"),
                ("To", crate::receptionist::NUMBER),
            ],
        ))
        .unwrap();
    assert_eq!(call_in.status, 423);
    assert!(String::from_utf8_lossy(&call_in.body).contains("<Hangup/>"));
    // Owner routes keep working while locked.
    let (status, _) = call(t, "GET", "/v1/owner/business", tok, None);
    assert_eq!(status, 200);
    let op = Some(OPERATOR_TOKEN);
    let all = data(
        call(t, "GET", "/v1/admin/businesses", op, None),
        200,
        "admin list",
    );
    let salon = all["businesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == BUSINESS)
        .unwrap()
        .clone();
    assert_eq!(salon["lockdown_mode"], true, "{salon}");
    assert_eq!(salon["onboarding"]["ready"], true, "{salon}");
    let off = data(
        call(
            t,
            "PATCH",
            "/v1/admin/businesses/demo-salon",
            op,
            Some(json!({"lockdown_mode": false})),
        ),
        200,
        "admin patch",
    );
    assert_eq!(off["lockdown_mode"], false);
    // Unlocked by the operator, the next request is answered.
    let (status, v) = crate::receptionist::widget(t, "/v1/widget/session", json!({}));
    assert_eq!(status, 201, "{v}");
    let (status, _) = call(t, "GET", "/v1/admin/businesses", tok, None);
    assert_eq!(status, 401, "an owner's token is not the operator's");
    let (status, _) = call(t, "GET", "/v1/owner/business", op, None);
    assert_eq!(status, 401, "the operator's token is not an owner's");

    // An invitation makes one owner, once.
    let invitation = data(
        call(
            t,
            "POST",
            "/v1/admin/businesses/demo-salon/invitations",
            op,
            Some(json!({})),
        ),
        201,
        "invite",
    )["invitation"]
        .as_str()
        .unwrap()
        .to_string();
    let register = |email: &str| {
        call(
            t,
            "POST",
            "/v1/auth/register",
            None,
            Some(json!({"invitation": invitation, "email": email, "password": "another-password"})),
        )
    };
    let second = data(register("second@demo-salon.test"), 201, "register");
    assert_eq!(second["owner"]["business_id"], BUSINESS);
    assert_eq!(
        register("third@demo-salon.test").0,
        403,
        "a used invitation"
    );
    let (status, _) = call(
        t,
        "POST",
        "/v1/auth/register",
        None,
        Some(
            json!({"invitation": "made-up", "email": "x@example.com", "password": "a-long-password"}),
        ),
    );
    assert_eq!(status, 403);
    let (status, _) = call(
        t,
        "POST",
        "/v1/public/signup",
        None,
        Some(
            json!({"business_name": "X", "email": "x@example.com", "password": "a-long-password"}),
        ),
    );
    assert_eq!(
        status, 404,
        "self sign-up is off unless ALLOW_SELF_SIGNUP=true"
    );

    // Feedback on a widget conversation; none on one that does not exist.
    let (status, v) = call(
        t,
        "POST",
        "/v1/widget/session",
        None,
        Some(json!({"widget_token": crate::receptionist::WIDGET_TOKEN})),
    );
    assert_eq!(status, 201, "{v}");
    let session = v["session_id"].as_str().unwrap().to_string();
    data(
        call(
            t,
            "POST",
            "/v1/feedback",
            None,
            Some(json!({"conversation_id": session, "rating": 4, "text": "Easy"})),
        ),
        201,
        "feedback",
    );
    let (status, _) = call(
        t,
        "POST",
        "/v1/feedback",
        None,
        Some(json!({"conversation_id": "no-such-conversation", "rating": 4})),
    );
    assert_eq!(status, 404);
    let detail = data(
        call(
            t,
            "GET",
            &format!("/v1/owner/conversations/{session}"),
            tok,
            None,
        ),
        200,
        "conversation",
    );
    assert_eq!(detail["feedback"][0]["rating"], 4, "{detail}");

    // Logged out: the token is refused from then on.
    data(call(t, "POST", "/v1/auth/logout", tok, None), 200, "logout");
    let (status, v) = call(t, "GET", "/v1/auth/me", tok, None);
    assert_eq!(status, 401, "{v}");
}
