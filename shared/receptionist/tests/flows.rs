//! Whole conversations through the product's routes, in process: signed
//! Twilio webhooks, the widget, deliveries acted on once, the owner told
//! through Twilio's API, and bookings written to Google Calendar.

use edgedesk_core::twilio;
use edgedesk_kernel::platform::{OutboundResponse, SqlStore};
use edgedesk_kernel::testing::TestPlatform;
use edgedesk_kernel::{Request, Response, Routes};
use edgedesk_receptionist::{PRODUCT, routes, sample};
use futures::executor::block_on;
use serde_json::{Value, json};

const BASE: &str = "https://edge.example";
const CALLER: &str = "+13125550147";

struct Salon {
    p: TestPlatform,
    app: Routes<TestPlatform>,
}

impl Salon {
    fn new() -> Self {
        let p = TestPlatform::new();
        p.set_var("PUBLIC_BASE_URL", BASE);
        p.set_var(sample::TOKEN_SECRET, sample::DEV_TWILIO_TOKEN);
        p.set_var("TWILIO_ACCOUNT_SID", "AC123");
        p.set_var("TWILIO_API_BASE", "https://twilio.test");
        p.on_http(|req| {
            Some(Ok(OutboundResponse {
                status: if req.url.contains("twilio.test") {
                    201
                } else {
                    404
                },
                body: br#"{"sid": "SM1"}"#.to_vec(),
            }))
        });
        let db = p.scoped(&PRODUCT);
        let sql = sample::sql(p.now.get());
        db.with_db(|c| c.execute_batch(&sql)).unwrap().unwrap();
        Salon {
            p,
            app: Routes::new().with(routes::routes()),
        }
    }

    /// The salon connected to a Google Calendar at `https://google.test`.
    fn connect_google(&self) {
        self.db()
            .with_db(|c| {
                c.execute_batch(
                    "UPDATE businesses SET google_calendar_id = 'salon@example.com', \
                     google_refresh_token_secret = 'GOOGLE_REFRESH_TOKEN'",
                )
            })
            .unwrap()
            .unwrap();
        self.p.set_var("GOOGLE_CLIENT_ID", "client");
        self.p.set_var("GOOGLE_CLIENT_SECRET", "secret");
        self.p.set_var("GOOGLE_REFRESH_TOKEN", "refresh");
        self.p
            .set_var("GOOGLE_OAUTH_TOKEN_URL", "https://google.test/token");
        self.p
            .set_var("GOOGLE_CALENDAR_API", "https://google.test/calendar/v3");
    }

    fn db(&self) -> TestPlatform {
        self.p.scoped(&PRODUCT)
    }

    fn count(&self, sql: &str) -> i64 {
        let rows = block_on(self.db().query(sql, &[])).unwrap();
        rows[0][0].as_i64().unwrap()
    }

    /// A form post signed as Twilio signs it.
    fn twilio(&self, path: &str, params: &[(&str, &str)]) -> Request {
        let sig = twilio::signature(sample::DEV_TWILIO_TOKEN, &format!("{BASE}{path}"), params);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        Request::new("POST", path)
            .with_header("content-type", "application/x-www-form-urlencoded")
            .with_header("x-twilio-signature", &sig)
            .with_body(body)
    }

    fn sms(&self, sid: &str, text: &str) -> Response {
        let params = [
            ("MessageSid", sid),
            ("From", CALLER),
            ("To", sample::NUMBER),
            ("Body", text),
        ];
        let res = self
            .p
            .handle(&self.app, self.twilio("/v1/twilio/sms", &params));
        assert_eq!(res.status, 200, "{}", body(&res));
        assert_eq!(res.header("content-type"), Some("text/xml; charset=utf-8"));
        res
    }

    fn widget(&self, path: &str, body: Value) -> (u16, Value) {
        let req = Request::new("POST", path)
            .with_header("content-type", "application/json")
            .with_header("x-business-id", sample::BUSINESS)
            .with_body(body.to_string());
        let res = self.p.handle(&self.app, req);
        (
            res.status,
            serde_json::from_slice(&res.body).unwrap_or(Value::Null),
        )
    }
}

fn body(res: &Response) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

#[test]
fn a_booking_by_text_books_once_and_tells_the_owner() {
    let s = Salon::new();
    let r = s.sms("SM1", "book a haircut tomorrow at 4");
    assert!(
        body(&r).contains("What name should I put the appointment under?"),
        "{}",
        body(&r)
    );
    let r = s.sms("SM2", "Ana Lopez");
    assert!(
        body(&r).contains("Haircut on Monday, November 23 at 4:00 PM for Ana Lopez"),
        "{}",
        body(&r)
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'"),
        0
    );
    let yes = s.sms("SM3", "yes");
    assert!(
        body(&yes)
            .contains("<Message>You&apos;re booked: Haircut on Monday, November 23 at 4:00 PM."),
        "{}",
        body(&yes)
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE source = 'sms' AND status = 'booked'"),
        1
    );
    // 16:00 CST = 22:00 UTC, one hour held (45 minutes and a 15-minute buffer).
    assert_eq!(
        s.count("SELECT start_at FROM appointments WHERE source = 'sms'"),
        1_795_471_200_000
    );
    assert_eq!(s.count("SELECT COUNT(*) FROM appointment_cells c JOIN appointments a ON a.id = c.appointment_id WHERE a.source = 'sms'"), 12);
    // The same delivery again (Twilio's retry, or a replay): the same
    // answer, nothing booked twice.
    let again = s.sms("SM3", "yes");
    assert_eq!(again.body, yes.body);
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'"),
        1
    );
    // The owner was texted once, through Twilio's API, from the business's number.
    let calls = s.p.http_calls.borrow();
    let sent: Vec<_> = calls
        .iter()
        .filter(|c| c.url.contains("/Messages.json"))
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].url,
        "https://twilio.test/2010-04-01/Accounts/AC123/Messages.json"
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(&sent[0].body).into_owned().collect();
    assert!(form.contains(&("To".into(), sample::OWNER_PHONE.into())));
    assert!(form.contains(&("From".into(), sample::NUMBER.into())));
    assert!(form.iter().any(|(k, v)| k == "Body"
        && v.starts_with("New booking: Ana Lopez, Haircut, Monday, November 23 at 4:00 PM")));
    drop(calls);
    assert_eq!(
        s.count("SELECT COUNT(*) FROM notifications WHERE status = 'sent' AND kind = 'booked'"),
        1
    );
    // The transcript is stored turn by turn.
    assert_eq!(s.count("SELECT COUNT(*) FROM turns"), 6);
    assert_eq!(
        s.count(
            "SELECT COUNT(*) FROM contacts WHERE name = 'Ana Lopez' AND phone = '+13125550147'"
        ),
        1
    );
}

#[test]
fn a_bad_or_missing_signature_does_nothing() {
    let s = Salon::new();
    let params = [("From", CALLER), ("To", sample::NUMBER), ("Body", "book")];
    let mut forged = s.twilio("/v1/twilio/sms", &params);
    forged.body = Ok(b"From=%2B13125550147&To=%2B15005550006&Body=cancel".to_vec());
    let mut bad = s.twilio("/v1/twilio/sms", &params);
    bad.headers.retain(|(k, _)| k != "x-twilio-signature");
    // Signed for one URL, sent to another.
    let mut elsewhere = s.twilio("/v1/twilio/sms", &params);
    elsewhere.path = "/twilio/sms".into();
    for req in [
        forged,
        bad.with_header("x-twilio-signature", "bad"),
        elsewhere,
        {
            let mut r = s.twilio("/v1/twilio/sms", &params);
            r.headers.retain(|(k, _)| k != "x-twilio-signature");
            r
        },
    ] {
        let res = s.p.handle(&s.app, req);
        assert_eq!(res.status, 403, "{}", body(&res));
        let env: Value = serde_json::from_slice(&res.body).unwrap();
        assert_eq!(env["error"]["code"], "FORBIDDEN");
    }
    // A number no business has: no token to check with, refused the same way.
    let res = s.p.handle(
        &s.app,
        s.twilio(
            "/v1/twilio/sms",
            &[("From", CALLER), ("To", "+19999999999")],
        ),
    );
    assert_eq!(res.status, 403);
    assert_eq!(s.count("SELECT COUNT(*) FROM conversations"), 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM deliveries"), 0);
}

#[test]
fn the_url_validates_with_and_without_its_default_port() {
    let s = Salon::new();
    s.p.set_var("PUBLIC_BASE_URL", "https://edge.example:443");
    let r = s.sms("SM1", "what are your hours");
    assert!(body(&r).contains("Our hours"));
}

#[test]
fn stop_and_start_are_honoured() {
    let s = Salon::new();
    let r = s.sms("SM1", "STOP");
    assert_eq!(
        body(&r),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"
    );
    assert_eq!(
        s.count("SELECT opted_out FROM contacts WHERE phone = '+13125550147'"),
        1
    );
    let r = s.sms("SM2", "book a haircut tomorrow at 4");
    assert!(
        !body(&r).contains("<Message>"),
        "nothing goes to an opted-out number"
    );
    assert_eq!(s.count("SELECT COUNT(*) FROM conversations"), 0);
    let r = s.sms("SM3", "start");
    assert!(body(&r).contains("subscribed to Demo Salon again"));
    assert_eq!(
        s.count("SELECT opted_out FROM contacts WHERE phone = '+13125550147'"),
        0
    );
    let r = s.sms("SM4", "HELP");
    assert!(body(&r).contains("Text BOOK to book"));
}

#[test]
fn cancelling_by_text_frees_the_time() {
    let s = Salon::new();
    s.sms("SM1", "book a haircut tomorrow at 4");
    s.sms("SM2", "Ana");
    s.sms("SM3", "yes");
    let r = s.sms("SM4", "CANCEL");
    assert!(
        body(&r).contains("Cancel your Haircut on Monday, November 23 at 4:00 PM?"),
        "{}",
        body(&r)
    );
    s.sms("SM5", "yes");
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE source = 'sms' AND status = 'cancelled'"),
        1
    );
    assert_eq!(s.count("SELECT COUNT(*) FROM appointment_cells c JOIN appointments a ON a.id = c.appointment_id WHERE a.source = 'sms'"), 0);
    assert_eq!(
        s.count("SELECT COUNT(*) FROM notifications WHERE kind = 'cancelled'"),
        1
    );
}

#[test]
fn a_call_books_through_twiml_round_trips() {
    let s = Salon::new();
    let call = |path: &str, extra: &[(&str, &str)]| {
        let mut params = vec![("CallSid", "CA1"), ("From", CALLER), ("To", sample::NUMBER)];
        params.extend_from_slice(extra);
        let res = s.p.handle(&s.app, s.twilio(path, &params));
        assert_eq!(res.status, 200, "{}", body(&res));
        body(&res)
    };
    let greeting = call("/twilio/voice", &[]);
    assert!(
        greeting.contains("<Gather input=\"speech dtmf\" action=\"/twilio/voice/gather?turn=1\""),
        "{greeting}"
    );
    assert!(greeting.contains("Thanks for calling Demo Salon"));
    let t = call(
        "/twilio/voice/gather?turn=1",
        &[(
            "SpeechResult",
            "I'd like a beard trim tomorrow at eleven thirty",
        )],
    );
    assert!(
        t.contains("What name should I put the appointment under?"),
        "{t}"
    );
    assert!(t.contains("action=\"/twilio/voice/gather?turn=3\""), "{t}");
    let t = call("/twilio/voice/gather?turn=3", &[("SpeechResult", "Sam")]);
    assert!(
        t.contains("Beard trim on Monday, November 23 at 11:30 AM for Sam"),
        "{t}"
    );
    let t = call("/twilio/voice/gather?turn=5", &[("SpeechResult", "yes")]);
    assert!(
        t.contains("You&apos;re booked") && t.contains("<Hangup/>"),
        "{t}"
    );
    assert_eq!(
        s.count(
            "SELECT COUNT(*) FROM appointments WHERE source = 'voice' AND service_id = 'beard'"
        ),
        1
    );
    // The status callback closes the call's conversation, once.
    for _ in 0..2 {
        call(
            "/twilio/status",
            &[("CallStatus", "completed"), ("CallDuration", "42")],
        );
    }
    assert_eq!(
        s.count("SELECT COUNT(*) FROM call_events WHERE call_sid = 'CA1'"),
        1
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM conversations WHERE status = 'closed'"),
        1
    );
}

#[test]
fn zero_connects_the_caller_to_the_owner() {
    let s = Salon::new();
    let params = [("CallSid", "CA2"), ("From", CALLER), ("To", sample::NUMBER)];
    s.p.handle(&s.app, s.twilio("/v1/telephony/voice", &params));
    let mut pressed = params.to_vec();
    pressed.push(("Digits", "0"));
    let res = s.p.handle(
        &s.app,
        s.twilio("/v1/telephony/voice/gather?turn=1", &pressed),
    );
    let t = body(&res);
    assert!(t.contains("<Dial>+15005550001</Dial>"), "{t}");
    assert_eq!(
        s.count("SELECT COUNT(*) FROM notifications WHERE kind = 'handover'"),
        1
    );
}

#[test]
fn the_widget_books_and_a_resent_message_acts_once() {
    let s = Salon::new();
    let (status, start) = s.widget("/v1/widget/session", json!({}));
    assert_eq!(status, 201, "{start}");
    let session = start["session_id"].as_str().unwrap().to_string();
    assert!(start["reply"].as_str().unwrap().contains("Demo Salon"));
    assert!(!start["suggestions"].as_array().unwrap().is_empty());
    let say = |text: &str, id: &str| {
        let (status, v) = s.widget(
            "/v1/widget/message",
            json!({"session_id": session, "text": text, "message_id": id}),
        );
        assert_eq!(status, 200, "{v}");
        v
    };
    let v = say("I'd like a blowout on Tuesday", "m1");
    let pick = v["suggestions"][0].as_str().unwrap().to_string();
    say(&pick, "m2");
    say("Kim Park", "m3");
    let v = say("312-555-0188", "m4");
    assert!(
        v["reply"]
            .as_str()
            .unwrap()
            .starts_with("To confirm: a Blowout on Tuesday"),
        "{v}"
    );
    let done = say("yes", "m5");
    assert_eq!(done["written"]["kind"], "booked");
    let again = say("yes", "m5");
    assert_eq!(again, done);
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE source = 'chat'"),
        1
    );
    let id = done["written"]["id"].as_str().unwrap();
    let rows = block_on(s.db().query(
        "SELECT c.phone, c.name FROM appointments a JOIN contacts c ON c.id = a.contact_id WHERE a.id = ?1",
        &[id.into()],
    ))
    .unwrap();
    assert_eq!(rows[0][0].as_str(), Some("+13125550188"));
    assert_eq!(rows[0][1].as_str(), Some("Kim Park"));
}

#[test]
fn the_widget_needs_its_business_and_a_real_session() {
    let s = Salon::new();
    let res = s.p.handle(
        &s.app,
        Request::new("POST", "/v1/widget/session").with_body("{}"),
    );
    assert_eq!(res.status, 401);
    let req = Request::new("POST", "/v1/widget/session")
        .with_header("x-widget-token", sample::WIDGET_TOKEN)
        .with_body("");
    assert_eq!(s.p.handle(&s.app, req).status, 201);
    let (status, v) = s.widget(
        "/v1/widget/message",
        json!({"session_id": "nope", "text": "hi"}),
    );
    assert_eq!(status, 404, "{v}");
    let (status, v) = s.widget("/v1/widget/message", json!({"session_id": "x", "text": ""}));
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["message"], "text must not be empty");
    let long = "a".repeat(1001);
    let (status, _) = s.widget(
        "/v1/widget/message",
        json!({"session_id": "x", "text": long}),
    );
    assert_eq!(status, 422);
}

#[test]
fn two_channels_confirming_one_time_book_it_once() {
    let s = Salon::new();
    // A text conversation and a chat both reach the read-back of Monday 3 PM.
    s.sms("SM1", "book a haircut tomorrow at 4");
    s.sms("SM2", "Ana");
    let (_, start) = s.widget("/v1/widget/session", json!({}));
    let session = start["session_id"].as_str().unwrap().to_string();
    for text in ["haircut tomorrow at 4pm", "Bo", "312 555 0111"] {
        s.widget(
            "/v1/widget/message",
            json!({"session_id": session, "text": text}),
        );
    }
    s.sms("SM3", "yes");
    let (_, v) = s.widget(
        "/v1/widget/message",
        json!({"session_id": session, "text": "yes"}),
    );
    let reply = v["reply"].as_str().unwrap();
    assert!(
        reply.starts_with("Sorry, that time was just taken."),
        "{reply}"
    );
    assert!(v.get("written").is_none());
    assert!(!v["suggestions"].as_array().unwrap().is_empty());
    assert_eq!(s.count("SELECT COUNT(*) FROM appointments WHERE status = 'booked' AND source IN ('sms', 'chat')"), 1);
}

#[test]
fn bookings_are_written_to_a_connected_google_calendar() {
    let s = Salon::new();
    s.connect_google();
    s.p.on_http(|req| {
        let (status, body) = if req.url.ends_with("/token") {
            (
                200,
                r#"{"access_token": "at", "expires_in": 3600, "token_type": "Bearer"}"#.to_string(),
            )
        } else if req.url.contains("/events") && req.method == "POST" {
            let sent: Value = serde_json::from_slice(&req.body).unwrap();
            (
                200,
                json!({"id": sent["id"], "status": "confirmed"}).to_string(),
            )
        } else {
            (201, r#"{"sid": "SM1"}"#.to_string())
        };
        Some(Ok(OutboundResponse {
            status,
            body: body.into_bytes(),
        }))
    });
    s.sms("SM1", "book a haircut tomorrow at 4");
    s.sms("SM2", "Ana");
    s.sms("SM3", "yes");
    let calls = s.p.http_calls.borrow();
    let insert = calls
        .iter()
        .find(|c| c.url == "https://google.test/calendar/v3/calendars/salon%40example.com/events")
        .expect("the event was written");
    let event: Value = serde_json::from_slice(&insert.body).unwrap();
    assert_eq!(event["summary"], "Haircut: Ana");
    assert_eq!(event["start"]["dateTime"], "2026-11-23T22:00:00Z");
    drop(calls);
    assert_eq!(
        s.count(
            "SELECT COUNT(*) FROM appointments WHERE google_event_id IS NOT NULL AND source = 'sms'"
        ),
        1
    );
}

#[test]
fn an_llm_may_read_what_keywords_miss_but_never_writes() {
    let s = Salon::new();
    // Without an LLM, words the engine does not know are not understood.
    let r = s.sms("SM1", "I fancy getting my locks sorted");
    assert!(
        body(&r).contains("Sorry, I didn&apos;t get that."),
        "{}",
        body(&r)
    );
    s.p.set_var("LLM_API_URL", "https://llm.test/v1/chat/completions");
    s.p.on_http(|req| {
        let (status, body) = if req.url.contains("llm.test") {
            let sent: Value = serde_json::from_slice(&req.body).unwrap();
            let message = sent["messages"][1]["content"].as_str().unwrap().to_string();
            let intent = if message.contains("locks") {
                "book"
            } else if message.contains("scrap") {
                "cancel"
            } else {
                "none"
            };
            let content = json!({"intent": intent}).to_string();
            (
                200,
                json!({"choices": [{"message": {"role": "assistant", "content": content}}]})
                    .to_string(),
            )
        } else {
            (201, r#"{"sid": "SM1"}"#.to_string())
        };
        Some(Ok(OutboundResponse {
            status,
            body: body.into_bytes(),
        }))
    });
    let r = s.sms("SM2", "I fancy getting my locks sorted");
    assert!(
        body(&r).contains("Which service would you like?"),
        "{}",
        body(&r)
    );
    // A cancellation read by the model is still looked up and read back.
    s.sms("SM3", "a haircut tomorrow at 4");
    s.sms("SM4", "Ana");
    s.sms("SM5", "yes");
    let r = s.sms("SM6", "please scrap the thing I made");
    assert!(
        body(&r).contains("Cancel your Haircut on Monday, November 23 at 4:00 PM?"),
        "{}",
        body(&r)
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM appointments WHERE status = 'cancelled'"),
        0
    );
    assert!(body(&s.sms("SM7", "no")).contains("left your appointment as it is"));
    // The model's "none" leaves the engine's own answer.
    let r = s.sms("SM8", "purple monkey dishwasher");
    assert!(
        body(&r).contains("Sorry, I didn&apos;t get that."),
        "{}",
        body(&r)
    );
    // It is asked only when the engine's own reading finds nothing.
    let asked =
        s.p.http_calls
            .borrow()
            .iter()
            .filter(|c| c.url.contains("llm.test"))
            .count();
    assert_eq!(asked, 3);
}

/// A signed JSON call, as a server-side client signs it.
fn signed(path: &str, body: &Value) -> Request {
    use edgedesk_core::signing::{Target, sign_call};
    let bytes = body.to_string().into_bytes();
    let ts = edgedesk_kernel::testing::NOW_MS;
    let sig = sign_call(
        b"dev-secret",
        ts,
        "crm",
        Target {
            method: "POST",
            path,
        },
        &bytes,
    );
    Request::new("POST", path)
        .with_header("content-type", "application/json")
        .with_header("x-timestamp", &ts.to_string())
        .with_header("x-client", "crm")
        .with_header("x-signature", &sig)
        .with_body(bytes)
}

#[test]
fn the_provider_neutral_voice_turn_speaks_text_and_ssml() {
    let s = Salon::new();
    let turn = |body: Value| {
        let res = s.p.handle(&s.app, signed("/v1/voice/turn", &body));
        (
            res.status,
            serde_json::from_slice::<Value>(&res.body).unwrap(),
        )
    };
    let (status, v) = turn(
        json!({"business_id": sample::BUSINESS, "call_id": "call-1", "caller": "+1 312 555 0147"}),
    );
    assert_eq!(status, 200, "{v}");
    assert!(
        v["reply"]
            .as_str()
            .unwrap()
            .starts_with("Thanks for calling Demo Salon")
    );
    assert!(
        v["ssml"]
            .as_str()
            .unwrap()
            .starts_with("<speak>Thanks for calling")
    );
    assert_eq!(
        v["audio"],
        Value::Null,
        "the built-in provider leaves speaking to the telephony"
    );
    // Audio that is text (the built-in speech-to-text) is its own transcript.
    use base64::Engine;
    let audio = base64::engine::general_purpose::STANDARD.encode("what are your hours");
    let (_, v) = turn(
        json!({"business_id": sample::BUSINESS, "call_id": "call-1", "audio": audio, "audio_type": "text/plain"}),
    );
    assert_eq!(v["heard"], "what are your hours");
    assert!(v["reply"].as_str().unwrap().starts_with("Our hours"), "{v}");
    // Real audio needs a real speech provider: 503 naming what is missing.
    let (status, v) = turn(
        json!({"business_id": sample::BUSINESS, "call_id": "call-1", "audio": audio, "audio_type": "audio/wav"}),
    );
    assert_eq!(status, 503, "{v}");
    let (_, v) = turn(
        json!({"business_id": sample::BUSINESS, "call_id": "call-1", "text": "0 talk to a person"}),
    );
    assert_eq!(v["transfer_to"], sample::OWNER_PHONE, "{v}");
    let (status, _) = turn(json!({"business_id": "nope", "call_id": "c"}));
    assert_eq!(status, 404);
    let (status, v) =
        turn(json!({"business_id": sample::BUSINESS, "call_id": "c", "caller": "abc"}));
    assert_eq!(status, 422, "{v}");
    // Unsigned: refused.
    let res = s.p.handle(
        &s.app,
        Request::new("POST", "/v1/voice/turn").with_body("{}"),
    );
    assert_eq!(res.status, 401);
}

#[test]
fn a_signed_client_chats_for_a_known_customer() {
    let s = Salon::new();
    let say = |body: Value| {
        let res = s.p.handle(&s.app, signed("/v1/chat/message", &body));
        (
            res.status,
            serde_json::from_slice::<Value>(&res.body).unwrap(),
        )
    };
    let (status, v) = say(
        json!({"business_id": sample::BUSINESS, "text": "book a beard trim tomorrow at 5", "phone": "(312) 555-0177", "name": "Dee"}),
    );
    assert_eq!(status, 200, "{v}");
    // Name and number came with the call: straight to the read-back.
    assert!(
        v["reply"]
            .as_str()
            .unwrap()
            .starts_with("To confirm: a Beard trim on Monday, November 23 at 5:00 PM for Dee"),
        "{v}"
    );
    let session = v["session_id"].as_str().unwrap();
    let (_, v) = say(
        json!({"business_id": sample::BUSINESS, "session_id": session, "text": "yes", "message_id": "m1"}),
    );
    assert_eq!(v["written"]["kind"], "booked", "{v}");
    assert_eq!(s.count("SELECT COUNT(*) FROM appointments a JOIN contacts c ON c.id = a.contact_id WHERE c.phone = '+13125550177' AND a.source = 'chat'"), 1);
    let (status, v) =
        say(json!({"business_id": sample::BUSINESS, "text": "hi", "phone": "not a phone"}));
    assert_eq!(status, 422, "{v}");
}

#[test]
fn upkeep_forgets_old_deliveries_and_renews_expiring_channels() {
    let s = Salon::new();
    s.sms("SM1", "what are your hours");
    let week = edgedesk_receptionist::upkeep::DELIVERY_RETENTION_MS;
    let now = s.p.now.get();
    s.connect_google();
    s.db()
        .with_db(|c| {
            c.execute_batch(&format!(
                "UPDATE deliveries SET created_at = {}; \
                 UPDATE businesses SET google_channel_id = 'old', \
                 google_channel_token = 't', google_resource_id = 'r', google_sync_token = 's1', \
                 google_channel_expiration = {};",
                now - week - 1,
                now + 3_600_000
            ))
        })
        .unwrap()
        .unwrap();
    s.p.on_http(|req| {
        let body = if req.url.ends_with("/token") {
            r#"{"access_token": "at", "expires_in": 3600}"#.to_string()
        } else if req.url.ends_with("/events/watch") {
            json!({"kind": "api#channel", "id": "new", "resourceId": "r2", "expiration": "1900000000000"}).to_string()
        } else {
            "{}".to_string()
        };
        Some(Ok(OutboundResponse { status: 200, body: body.into_bytes() }))
    });
    let done = block_on(edgedesk_receptionist::upkeep::run(&s.db()));
    assert_eq!(done.deliveries_forgotten, 1);
    assert_eq!(done.channels_renewed, 1, "{done:?}");
    assert_eq!(
        s.count("SELECT google_channel_expiration FROM businesses"),
        1_900_000_000_000
    );
    // Nothing more is due.
    let again = block_on(edgedesk_receptionist::upkeep::run(&s.db()));
    assert_eq!(again, Default::default());
}

#[test]
fn a_locked_business_stops_every_channel_until_unlocked() {
    let s = Salon::new();
    let lock = |on: bool| {
        block_on(s.db().execute(
            "UPDATE businesses SET lockdown_mode = ?1 WHERE id = ?2",
            &[on.into(), sample::BUSINESS.into()],
        ))
        .unwrap()
    };
    lock(true);
    // The widget and signed clients: 423 with the envelope.
    let (status, v) = s.widget("/v1/widget/session", json!({}));
    assert_eq!(status, 423, "{v}");
    assert_eq!(v["error"]["code"], "LOCKED");
    let chat = json!({"business_id": sample::BUSINESS, "session_id": "s-1", "text": "hi"});
    let res = s.p.handle(&s.app, signed("/v1/chat/message", &chat));
    assert_eq!(res.status, 423, "{}", body(&res));
    let turn = json!({"business_id": sample::BUSINESS, "call_id": "call-9", "text": "hi"});
    let res = s.p.handle(&s.app, signed("/v1/voice/turn", &turn));
    assert_eq!(res.status, 423, "{}", body(&res));
    // Twilio, under every prefix: TwiML saying the line is unavailable, 423.
    for prefix in ["/v1/twilio", "/twilio", "/v1/telephony", "/telephony"] {
        let call = [
            ("CallSid", "CA-locked"),
            ("From", CALLER),
            ("To", sample::NUMBER),
        ];
        let res =
            s.p.handle(&s.app, s.twilio(&format!("{prefix}/voice"), &call));
        assert_eq!(res.status, 423, "{prefix}: {}", body(&res));
        assert_eq!(res.header("content-type"), Some("text/xml; charset=utf-8"));
        assert!(
            body(&res).contains("<Say>This line is unavailable"),
            "{}",
            body(&res)
        );
        assert!(body(&res).contains("<Hangup/>"));
        let text = [
            ("MessageSid", "SM-locked"),
            ("From", CALLER),
            ("To", sample::NUMBER),
            ("Body", "book a haircut"),
        ];
        let res =
            s.p.handle(&s.app, s.twilio(&format!("{prefix}/sms"), &text));
        assert_eq!(res.status, 423, "{prefix}: {}", body(&res));
        assert!(body(&res).contains("<Message>This line is unavailable"));
    }
    // An unsigned request learns nothing about the lock.
    let forged = Request::new("POST", "/v1/twilio/sms")
        .with_header("content-type", "application/x-www-form-urlencoded")
        .with_header("x-twilio-signature", "bm9wZQ==")
        .with_body(format!(
            "From=%2B13125550147&To={}&Body=hi",
            sample::NUMBER.replace('+', "%2B")
        ));
    assert_eq!(s.p.handle(&s.app, forged).status, 403);
    // Nothing was acted on or claimed while locked.
    assert_eq!(s.count("SELECT COUNT(*) FROM conversations"), 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM deliveries"), 0);
    // Unlocked, the next request is answered, and Twilio's retry of a
    // refused text is acted on.
    lock(false);
    let (status, v) = s.widget("/v1/widget/session", json!({}));
    assert_eq!(status, 201, "{v}");
    s.sms("SM-locked", "book a haircut");
    assert_eq!(s.count("SELECT COUNT(*) FROM deliveries"), 1);
}
