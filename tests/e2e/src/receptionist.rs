//! The receptionist end to end over any transport (local workerd, the Spin
//! host): bookings by text, by voice (TwiML round trips) and by the widget,
//! deliveries acted on once even when sent concurrently, two channels
//! racing for one time, the owner texted through a Twilio stand-in, and
//! Google Calendar changes flowing both ways through a Google stand-in.

use crate::mock_google::{self, MockGoogle};
use crate::mock_llm::{read_request, respond};
use crate::{Transport, WireRequest, WireResponse};
use edgedesk_core::signing::{Target, sign_call};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub use edgedesk_receptionist::sample::{
    BUSINESS, DEV_TWILIO_TOKEN, NUMBER, OWNER_PHONE, TOKEN_SECRET, WIDGET_TOKEN,
};

/// The Twilio account the stand-in answers for.
pub const ACCOUNT_SID: &str = "ACe2e";
/// The Google calendar the demo business is connected to in these runs.
pub const CALENDAR: &str = "salon@example.com";
/// The secret naming its refresh token.
pub const REFRESH_SECRET: &str = "GOOGLE_REFRESH_TOKEN";
/// The calendar relay's bearer secret in these runs.
pub const RELAY_SECRET: &str = "e2e-relay-secret";

/// The demo business as `make dev` loads it, connected to Google Calendar
/// through the stand-in.
pub fn sample_sql(now_ms: i64) -> String {
    let mut sql = edgedesk_receptionist::sample::sql(now_ms);
    sql.push_str(&format!(
        "UPDATE businesses SET google_calendar_id = '{CALENDAR}', \
         google_refresh_token_secret = '{REFRESH_SECRET}' WHERE id = '{BUSINESS}';\n"
    ));
    sql.push_str(&crate::observability::broken_business_sql(now_ms));
    sql
}

/// The variables a runtime needs for these runs, as (name, value).
pub fn vars(public_base: &str, twilio: &MockTwilio, google: &MockGoogle) -> Vec<(String, String)> {
    [
        ("PUBLIC_BASE_URL", public_base.to_string()),
        (TOKEN_SECRET, DEV_TWILIO_TOKEN.to_string()),
        ("TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_string()),
        ("TWILIO_API_BASE", twilio.url.clone()),
        ("GOOGLE_CLIENT_ID", mock_google::CLIENT_ID.to_string()),
        (
            "GOOGLE_CLIENT_SECRET",
            mock_google::CLIENT_SECRET.to_string(),
        ),
        ("GOOGLE_OAUTH_TOKEN_URL", format!("{}/token", google.url)),
        ("GOOGLE_CALENDAR_API", google.url.clone()),
        (REFRESH_SECRET, mock_google::REFRESH_TOKEN.to_string()),
        ("GOOGLE_WEBHOOK_SECRET", RELAY_SECRET.to_string()),
        ("OPERATOR_TOKEN", crate::owners::OPERATOR_TOKEN.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .chain(crate::limits::vars())
    .collect()
}

/// A text as Twilio's API received it: its form fields.
pub type Sent = Vec<(String, String)>;

/// A stand-in for Twilio's REST API: records every message sent.
pub struct MockTwilio {
    pub url: String,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl MockTwilio {
    /// Each text sent, as its form fields.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    /// The bodies of the texts sent to `to`.
    pub fn bodies_to(&self, to: &str) -> Vec<String> {
        let field = |m: &Sent, k: &str| {
            m.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        self.sent()
            .iter()
            .filter(|m| field(m, "To") == to)
            .map(|m| field(m, "Body"))
            .collect()
    }
}

pub fn start_twilio() -> MockTwilio {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind mock Twilio");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let shared = sent.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let sent = shared.clone();
            std::thread::spawn(move || {
                let Some(req) = read_request(&stream) else {
                    return;
                };
                let expected = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json");
                let auth_ok = req
                    .header("authorization")
                    .is_some_and(|a| a.starts_with("Basic "));
                if req.path != expected || !auth_ok {
                    respond(&stream, "401 Unauthorized", r#"{"code": 20003}"#);
                    return;
                }
                let form: Vec<(String, String)> = form_pairs(&req.body);
                let n = {
                    let mut s = sent.lock().unwrap();
                    s.push(form);
                    s.len()
                };
                respond(
                    &stream,
                    "201 Created",
                    &format!(r#"{{"sid": "SM{n:032}", "status": "queued"}}"#),
                );
            });
        }
    });
    MockTwilio { url, sent }
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Counts rows in the receptionist's database: `SELECT COUNT(*) ...`
/// (or any single integer), run by the harness on the runtime's store.
pub type Count<'a> = &'a dyn Fn(&str) -> i64;

/// A Twilio webhook, signed as Twilio signs it for `public_base + path`.
pub fn twilio_request(public_base: &str, path: &str, params: &[(&str, &str)]) -> WireRequest {
    let url = format!("{}{path}", public_base.trim_end_matches('/'));
    let signature = edgedesk_core::twilio::signature(DEV_TWILIO_TOKEN, &url, params);
    let body = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    WireRequest {
        method: "POST".into(),
        path: path.into(),
        headers: vec![
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("x-twilio-signature".into(), signature),
        ],
        body: body.into_bytes(),
    }
}

fn text(res: &WireResponse) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

/// What a TwiML answer says (`<Message>` or `<Say>`), unescaped.
pub fn said(twiml: &str) -> String {
    let mut out = String::new();
    for tag in ["Message", "Say"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut rest = twiml;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start + open.len()..];
            let Some(end) = after.find(&close) else { break };
            out.push_str(&after[..end]);
            rest = &after[end..];
        }
    }
    out.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

struct Texter<'a> {
    t: &'a dyn Transport,
    base: &'a str,
    from: String,
    n: std::cell::Cell<u32>,
}

impl Texter<'_> {
    fn request(&self, body: &str) -> WireRequest {
        self.n.set(self.n.get() + 1);
        let sid = format!("SM{}{:04}", self.from.trim_start_matches('+'), self.n.get());
        twilio_request(
            self.base,
            "/v1/twilio/sms",
            &[
                ("MessageSid", &sid),
                ("From", &self.from),
                ("To", NUMBER),
                ("Body", body),
            ],
        )
    }

    fn say(&self, body: &str) -> String {
        let res = self.t.send(self.request(body)).expect("sms webhook");
        assert_eq!(res.status, 200, "{body}: {}", text(&res));
        said(&text(&res))
    }
}

/// Every receptionist check over `t`; `public_base` is the URL the runtime
/// believes it is reached at (`PUBLIC_BASE_URL`).
pub fn scenario(
    t: &(dyn Transport + Sync),
    public_base: &str,
    count: Count<'_>,
    twilio: &MockTwilio,
) {
    signatures_are_required(t, public_base, count);
    let booked = booking_by_text(t, public_base, count, twilio);
    duplicate_deliveries_act_once(t, public_base, count, &booked);
    concurrent_deliveries_act_once(t, public_base, count);
    stop_and_start(t, public_base, count);
    booking_by_voice(t, public_base, count);
    booking_by_widget(t, count);
    two_channels_one_time(t, public_base, count);
}

fn signatures_are_required(t: &dyn Transport, base: &str, count: Count<'_>) {
    let before = count("SELECT COUNT(*) FROM deliveries");
    let mut req = twilio_request(
        base,
        "/v1/twilio/sms",
        &[("From", "+13125550100"), ("To", NUMBER), ("Body", "book")],
    );
    req.headers.retain(|(k, _)| k != "x-twilio-signature");
    req.headers.push((
        "x-twilio-signature".into(),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
    ));
    let res = t.send(req).unwrap();
    assert_eq!(res.status, 403, "{}", text(&res));
    let mut req = twilio_request(
        base,
        "/v1/twilio/sms",
        &[("From", "+13125550100"), ("To", NUMBER), ("Body", "book")],
    );
    req.body = b"From=%2B13125550100&To=%2B15005550006&Body=cancel".to_vec();
    assert_eq!(t.send(req).unwrap().status, 403);
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries"),
        before,
        "a refused request did something"
    );
}

/// The final "yes" of a booking by text, for the duplicate checks.
struct Booked {
    yes: WireRequest,
    answer: Vec<u8>,
}

fn booking_by_text(t: &dyn Transport, base: &str, count: Count<'_>, twilio: &MockTwilio) -> Booked {
    let texter = Texter {
        t,
        base,
        from: "+13125550147".into(),
        n: 0.into(),
    };
    let r = texter.say("Hi, I'd like to book a haircut");
    assert!(
        r.contains("What day and time would you like for your haircut?"),
        "{r}"
    );
    let r = texter.say("soonest available");
    assert!(r.starts_with("I have "), "{r}");
    let r = texter.say("2");
    assert!(
        r.contains("What name should I put the appointment under?"),
        "{r}"
    );
    let r = texter.say("Ana Lopez");
    assert!(
        r.starts_with("To confirm: a Haircut on ")
            && r.ends_with("for Ana Lopez. Shall I book it?"),
        "{r}"
    );
    let before = count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'");
    let yes = texter.request("yes");
    let res = t.send(yes.clone()).unwrap();
    let r = said(&text(&res));
    assert!(r.starts_with("You're booked: Haircut on "), "{r}");
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'"),
        before + 1
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM appointments a JOIN contacts c ON c.id = a.contact_id WHERE c.phone = '+13125550147' AND c.name = 'Ana Lopez' AND a.status = 'booked'"
        ),
        1
    );
    // The owner was texted through Twilio's API, from the business's number.
    let owner = twilio.bodies_to(OWNER_PHONE);
    assert!(
        owner
            .iter()
            .any(|b| b.starts_with("New booking: Ana Lopez, Haircut, ")),
        "{owner:?}"
    );
    Booked {
        yes,
        answer: res.body,
    }
}

fn duplicate_deliveries_act_once(
    t: &dyn Transport,
    _base: &str,
    count: Count<'_>,
    booked: &Booked,
) {
    let before = count("SELECT COUNT(*) FROM appointments");
    let again = t.send(booked.yes.clone()).unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(
        again.body, booked.answer,
        "a repeated delivery gets the first answer"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments"),
        before,
        "a repeated delivery acted again"
    );
}

/// The same signed "yes" delivered by eight connections at once books once,
/// and every one of them gets the same answer.
fn concurrent_deliveries_act_once(t: &(dyn Transport + Sync), base: &str, count: Count<'_>) {
    let texter = Texter {
        t,
        base,
        from: "+13125550148".into(),
        n: 0.into(),
    };
    texter.say("book a beard trim");
    texter.say("soonest");
    texter.say("1");
    let r = texter.say("Lee");
    assert!(r.starts_with("To confirm"), "{r}");
    let yes = texter.request("yes");
    let before = count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'");
    let barrier = std::sync::Barrier::new(8);
    let answers: Vec<WireResponse> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (barrier, yes) = (&barrier, yes.clone());
                s.spawn(move || {
                    barrier.wait();
                    t.send(yes).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for a in &answers {
        assert_eq!(a.status, 200, "{}", text(a));
        assert_eq!(
            a.body, answers[0].body,
            "concurrent copies of one delivery answered differently"
        );
    }
    assert!(said(&text(&answers[0])).starts_with("You're booked: Beard trim"));
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE source = 'sms'"),
        before + 1,
        "concurrent copies of one delivery booked more than once"
    );
}

fn stop_and_start(t: &dyn Transport, base: &str, count: Count<'_>) {
    let texter = Texter {
        t,
        base,
        from: "+13125550149".into(),
        n: 0.into(),
    };
    assert_eq!(texter.say("STOP"), "");
    assert_eq!(
        count("SELECT opted_out FROM contacts WHERE phone = '+13125550149'"),
        1
    );
    assert_eq!(
        texter.say("book a haircut soonest"),
        "",
        "an opted-out number was answered"
    );
    assert!(texter.say("START").contains("subscribed"));
    assert!(texter.say("HELP").contains("Text BOOK to book"));
}

fn booking_by_voice(t: &dyn Transport, base: &str, count: Count<'_>) {
    let call = |path: &str, extra: &[(&str, &str)]| {
        let mut params = vec![
            ("CallSid", "CAe2e0001"),
            ("From", "+13125550150"),
            ("To", NUMBER),
        ];
        params.extend_from_slice(extra);
        let res = t.send(twilio_request(base, path, &params)).unwrap();
        assert_eq!(res.status, 200, "{path}: {}", text(&res));
        assert!(
            res.headers
                .iter()
                .any(|(k, v)| k == "content-type" && v.starts_with("text/xml")),
            "{:?}",
            res.headers
        );
        text(&res)
    };
    let next = |twiml: &str| -> String {
        let at = twiml.find("action=\"").expect("a <Gather> action") + 8;
        twiml[at..at + twiml[at..].find('"').unwrap()].replace("&amp;", "&")
    };
    let greeting = call("/twilio/voice", &[]);
    assert!(
        greeting.contains("<Gather input=\"speech dtmf\""),
        "{greeting}"
    );
    let t1 = call(
        &next(&greeting),
        &[("SpeechResult", "I'd like a blowout, whenever is soonest")],
    );
    assert!(said(&t1).starts_with("I have "), "{t1}");
    let t2 = call(&next(&t1), &[("Digits", "1")]);
    assert!(said(&t2).contains("What name"), "{t2}");
    let t3 = call(&next(&t2), &[("SpeechResult", "Sam Rivera")]);
    assert!(said(&t3).starts_with("To confirm: a Blowout"), "{t3}");
    let t4 = call(&next(&t3), &[("SpeechResult", "yes please")]);
    assert!(
        said(&t4).starts_with("You're booked") && t4.contains("<Hangup/>"),
        "{t4}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE source = 'voice'"),
        1
    );
    call(
        "/twilio/status",
        &[("CallStatus", "completed"), ("CallDuration", "63")],
    );
    call(
        "/twilio/status",
        &[("CallStatus", "completed"), ("CallDuration", "63")],
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM call_events WHERE call_sid = 'CAe2e0001'"),
        1
    );
    // Asking for a person connects the call to the owner.
    let mut params = vec![
        ("CallSid", "CAe2e0002"),
        ("From", "+13125550151"),
        ("To", NUMBER),
    ];
    t.send(twilio_request(base, "/v1/twilio/voice", &params))
        .unwrap();
    params.push(("Digits", "0"));
    let res = t
        .send(twilio_request(
            base,
            "/v1/twilio/voice/gather?turn=1",
            &params,
        ))
        .unwrap();
    assert!(
        text(&res).contains(&format!("<Dial>{OWNER_PHONE}</Dial>")),
        "{}",
        text(&res)
    );
}

pub fn widget(t: &dyn Transport, path: &str, body: Value) -> (u16, Value) {
    let res = t
        .send(WireRequest {
            method: "POST".into(),
            path: path.into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-widget-token".into(), WIDGET_TOKEN.into()),
            ],
            body: body.to_string().into_bytes(),
        })
        .unwrap();
    (
        res.status,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

fn booking_by_widget(t: &dyn Transport, count: Count<'_>) {
    let (status, v) = widget(t, "/v1/widget/session", json!({}));
    assert_eq!(status, 201, "{v}");
    let session = v["session_id"].as_str().unwrap().to_string();
    let say = |text: &str, id: &str| {
        let (status, v) = widget(
            t,
            "/v1/widget/message",
            json!({"session_id": session, "text": text, "message_id": id}),
        );
        assert_eq!(status, 200, "{text}: {v}");
        v
    };
    let v = say("a hair color please, soonest", "1");
    let pick = v["suggestions"][0]
        .as_str()
        .expect("times offered as quick replies")
        .to_string();
    say(&pick, "2");
    say("Kim Park", "3");
    let v = say("312-555-0188", "4");
    assert!(
        v["reply"]
            .as_str()
            .unwrap()
            .starts_with("To confirm: a Hair color"),
        "{v}"
    );
    let done = say("yes", "5");
    assert_eq!(done["written"]["kind"], "booked", "{done}");
    assert_eq!(
        say("yes", "5"),
        done,
        "a resent message answered differently"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE source = 'chat'"),
        1
    );
}

/// A text and a chat both reach the read-back of the same time; both say
/// yes at once; exactly one books, the other is offered other times.
fn two_channels_one_time(t: &(dyn Transport + Sync), base: &str, count: Count<'_>) {
    let texter = Texter {
        t,
        base,
        from: "+13125550152".into(),
        n: 0.into(),
    };
    texter.say("book a haircut");
    texter.say("soonest");
    let r = texter.say("1");
    assert!(r.contains("What name"), "{r}");
    let r = texter.say("Ana");
    let time = r
        .trim_start_matches("To confirm: a Haircut on ")
        .split(" for ")
        .next()
        .unwrap()
        .to_string();
    let (_, v) = widget(t, "/v1/widget/session", json!({}));
    let session = v["session_id"].as_str().unwrap().to_string();
    let chat = |text: &str| {
        widget(
            t,
            "/v1/widget/message",
            json!({"session_id": session, "text": text}),
        )
        .1
    };
    let v = chat(&format!("a haircut on {time}"));
    assert_eq!(
        v["reply"].as_str().unwrap(),
        "What name should I put the appointment under?",
        "{v} ({time})"
    );
    chat("Bo");
    let v = chat("312 555 0111");
    assert!(v["reply"].as_str().unwrap().contains(&time), "{v}");
    let before = count("SELECT COUNT(*) FROM appointments WHERE status = 'booked'");
    let yes = texter.request("yes");
    let barrier = std::sync::Barrier::new(2);
    let (sms, web) = std::thread::scope(|s| {
        let sms = s.spawn(|| {
            barrier.wait();
            said(&text(&t.send(yes).unwrap()))
        });
        let web = s.spawn(|| {
            barrier.wait();
            chat("yes")
        });
        (sms.join().unwrap(), web.join().unwrap())
    });
    let web_reply = web["reply"].as_str().unwrap().to_string();
    let booked = [
        sms.starts_with("You're booked"),
        web_reply.starts_with("You're booked"),
    ];
    assert_eq!(
        booked.iter().filter(|b| **b).count(),
        1,
        "sms: {sms}\nchat: {web_reply}"
    );
    let loser = if booked[0] { &web_reply } else { &sms };
    assert!(
        loser.starts_with("Sorry, that time was just taken."),
        "{loser}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE status = 'booked'"),
        before + 1
    );
}

/// A signed JSON call (HMAC, as the copilot's clients sign).
pub fn signed_post(t: &dyn Transport, secret: &str, path: &str, body: &Value) -> (u16, Value) {
    let bytes = body.to_string().into_bytes();
    let ts = t.now_ms();
    let sig = sign_call(
        secret.as_bytes(),
        ts,
        "e2e-agent",
        Target {
            method: "POST",
            path,
        },
        &bytes,
    );
    let res = t
        .send(WireRequest {
            method: "POST".into(),
            path: path.into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-timestamp".into(), ts.to_string()),
                ("x-client".into(), "e2e-agent".into()),
                ("x-signature".into(), sig),
            ],
            body: bytes,
        })
        .unwrap();
    (
        res.status,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

fn push(t: &dyn Transport, channel: &str, token: &str, state: &str, number: u64) -> u16 {
    t.send(WireRequest {
        method: "POST".into(),
        path: "/v1/calendar/google/push".into(),
        headers: vec![
            ("x-goog-channel-id".into(), channel.into()),
            ("x-goog-channel-token".into(), token.into()),
            ("x-goog-resource-state".into(), state.into()),
            ("x-goog-message-number".into(), number.to_string()),
            ("x-goog-resource-id".into(), "resource".into()),
        ],
        body: Vec::new(),
    })
    .unwrap()
    .status
}

/// Calendar changes both ways: the push channel, a booking written to the
/// calendar, the owner moving and cancelling it there, and the owner's own
/// busy time kept out of what the assistant offers.
pub fn calendar_both_ways(
    t: &dyn Transport,
    base: &str,
    secret: &str,
    count: Count<'_>,
    google: &MockGoogle,
) {
    let (status, v) = signed_post(
        t,
        secret,
        "/v1/calendar/google/watch",
        &json!({"business_id": BUSINESS}),
    );
    assert_eq!(status, 200, "{v}");
    let channel = google
        .channels()
        .last()
        .cloned()
        .expect("a channel was opened");
    assert_eq!(
        channel.address,
        format!("{}/v1/calendar/google/push", base.trim_end_matches('/'))
    );
    assert!(
        v.to_string().find(&channel.token).is_none(),
        "the channel token was answered"
    );
    assert_eq!(push(t, &channel.id, &channel.token, "sync", 1), 200);
    assert_eq!(push(t, &channel.id, "wrong", "exists", 2), 403);
    assert_eq!(push(t, "no-such-channel", &channel.token, "exists", 2), 404);

    // A booking by text appears on the calendar.
    let texter = Texter {
        t,
        base,
        from: "+13125550160".into(),
        n: 0.into(),
    };
    texter.say("book a haircut");
    texter.say("soonest");
    texter.say("3");
    texter.say("Jo");
    assert!(texter.say("yes").starts_with("You're booked"));
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM appointments a JOIN contacts c ON c.id = a.contact_id WHERE c.phone = '+13125550160' AND a.google_event_id IS NOT NULL"
        ),
        1,
        "the booking was not written to the calendar"
    );
    let event_id = google
        .events(CALENDAR)
        .iter()
        .find(|e| {
            e["summary"] == "Haircut: Jo"
                && e["extendedProperties"]["private"]["edgedesk_appointment"].is_string()
        })
        .and_then(|e| e["id"].as_str().map(str::to_string))
        .expect("the stand-in holds the booking's event, tagged with its appointment");
    let mut event = google.event(CALENDAR, &event_id).expect("the event");
    // The owner moves it a day later in Google Calendar.
    let day_ms = 86_400_000;
    let start = edgedesk_kernel::times::parse_rfc3339(event["start"]["dateTime"].as_str().unwrap())
        .unwrap()
        + day_ms;
    let end = edgedesk_kernel::times::parse_rfc3339(event["end"]["dateTime"].as_str().unwrap())
        .unwrap()
        + day_ms;
    event["start"] = json!({"dateTime": edgedesk_kernel::times::iso(start)});
    event["end"] = json!({"dateTime": edgedesk_kernel::times::iso(end)});
    google.put_event(CALENDAR, event);
    assert_eq!(push(t, &channel.id, &channel.token, "exists", 3), 200);
    assert_eq!(
        count(&format!(
            "SELECT start_at FROM appointments WHERE google_event_id = '{event_id}'"
        )),
        start
    );
    // An old notification number is ignored.
    assert_eq!(push(t, &channel.id, &channel.token, "exists", 2), 200);
    // The owner cancels it: the time is free again.
    google.cancel_event(CALENDAR, &event_id);
    assert_eq!(push(t, &channel.id, &channel.token, "exists", 4), 200);
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM appointments WHERE google_event_id = '{event_id}' AND status = 'cancelled'"
        )),
        1
    );
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM appointment_cells c JOIN appointments a ON a.id = c.appointment_id WHERE a.google_event_id = '{event_id}'"
        )),
        0
    );
    // The owner's own event blocks its time.
    google.put_event(
        CALENDAR,
        json!({"id": "owner-dentist", "status": "confirmed", "summary": "Dentist",
               "start": {"dateTime": edgedesk_kernel::times::iso(start)}, "end": {"dateTime": edgedesk_kernel::times::iso(end)}}),
    );
    assert_eq!(push(t, &channel.id, &channel.token, "exists", 5), 200);
    assert_eq!(
        count("SELECT COUNT(*) FROM calendar_busy WHERE event_id = 'owner-dentist'"),
        1
    );

    // The older relay moves an appointment written to the calendar; a
    // local time is read in the time zone it names.
    let texter = Texter {
        t,
        base,
        from: "+13125550161".into(),
        n: 0.into(),
    };
    texter.say("book a blowout");
    texter.say("soonest");
    texter.say("1");
    texter.say("Max");
    assert!(texter.say("yes").starts_with("You're booked"));
    let event = google
        .events(CALENDAR)
        .iter()
        .find(|e| e["summary"] == "Blowout: Max")
        .and_then(|e| e["id"].as_str().map(str::to_string))
        .expect("the relay's booking has an event");
    let relay = |auth: Option<&str>, body: &Value| {
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(a) = auth {
            headers.push(("authorization".into(), a.into()));
        }
        let res = t
            .send(WireRequest {
                method: "POST".into(),
                path: "/v1/calendar/google/webhook".into(),
                headers,
                body: body.to_string().into_bytes(),
            })
            .unwrap();
        (res.status, text(&res))
    };
    let moved = json!({"business_id": BUSINESS, "event_id": event, "start": "2027-03-02T10:00:00",
                       "end": "2027-03-02T10:30:00", "time_zone": "America/Chicago"});
    assert_eq!(relay(None, &moved).0, 401);
    assert_eq!(relay(Some("Bearer wrong"), &moved).0, 403);
    let (status, answer) = relay(Some(&format!("Bearer {RELAY_SECRET}")), &moved);
    assert_eq!(status, 200, "{answer}");
    // 10:00 in Chicago on 2027-03-02 (standard time, UTC-6) is 16:00 UTC.
    assert_eq!(
        count(&format!(
            "SELECT start_at FROM appointments WHERE google_event_id = '{event}'"
        )),
        1_804_003_200_000
    );
}

fn get(t: &dyn Transport, path: &str) -> WireResponse {
    t.send(WireRequest {
        method: "GET".into(),
        path: path.into(),
        headers: Vec::new(),
        body: Vec::new(),
    })
    .unwrap()
}

fn header<'a>(res: &'a WireResponse, name: &str) -> &'a str {
    res.headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The routes the conversations above do not take: the other Twilio
/// prefixes, the widget's script and page, signed chat clients, the
/// provider-neutral voice turn.
pub fn other_routes(t: &dyn Transport, base: &str, secret: &str, count: Count<'_>) {
    for (i, path) in ["/telephony/sms", "/v1/telephony/sms", "/twilio/sms"]
        .into_iter()
        .enumerate()
    {
        let sid = format!("SMalias{i}");
        let res = t
            .send(twilio_request(
                base,
                path,
                &[
                    ("MessageSid", &sid),
                    ("From", "+13125550170"),
                    ("To", NUMBER),
                    ("Body", "what are your hours"),
                ],
            ))
            .unwrap();
        assert!(
            said(&text(&res)).starts_with("Our hours"),
            "{path}: {}",
            text(&res)
        );
    }
    let res = t
        .send(twilio_request(
            base,
            "/v1/telephony/voice",
            &[
                ("CallSid", "CAalias"),
                ("From", "+13125550171"),
                ("To", NUMBER),
            ],
        ))
        .unwrap();
    assert!(
        text(&res).contains("action=\"/v1/telephony/voice/gather?turn=1\""),
        "{}",
        text(&res)
    );

    let script = get(t, "/v1/widget/widget.js");
    assert_eq!(script.status, 200);
    assert!(header(&script, "content-type").starts_with("text/javascript"));
    assert!(text(&script).contains("/v1/widget/session"));
    let page = get(t, "/v1/widget/demo?business=demo-salon");
    assert_eq!(page.status, 200);
    assert!(text(&page).contains("src=\"/v1/widget/widget.js\" data-business=\"demo-salon\""));
    assert!(header(&page, "content-security-policy").contains("script-src 'self'"));

    // A signed client that knows its customer: no name or number asked.
    let (status, v) = signed_post(
        t,
        secret,
        "/v1/chat/message",
        &json!({"business_id": BUSINESS, "text": "a beard trim, soonest", "phone": "+13125550172", "name": "Dee"}),
    );
    assert_eq!(status, 200, "{v}");
    let session = v["session_id"].as_str().unwrap().to_string();
    let pick = v["suggestions"][0]
        .as_str()
        .expect("offered times")
        .to_string();
    let (_, v) = signed_post(
        t,
        secret,
        "/v1/chat/message",
        &json!({"business_id": BUSINESS, "session_id": session, "text": pick}),
    );
    assert!(
        v["reply"]
            .as_str()
            .unwrap()
            .starts_with("To confirm: a Beard trim"),
        "{v}"
    );
    let (_, v) = signed_post(
        t,
        secret,
        "/v1/chat/message",
        &json!({"business_id": BUSINESS, "session_id": session, "text": "yes", "message_id": "c1"}),
    );
    assert_eq!(v["written"]["kind"], "booked", "{v}");
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM appointments a JOIN contacts c ON c.id = a.contact_id WHERE c.phone = '+13125550172'"
        ),
        1
    );
    let unsigned = t
        .send(WireRequest {
            method: "POST".into(),
            path: "/v1/chat/message".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: b"{}".to_vec(),
        })
        .unwrap();
    assert_eq!(unsigned.status, 401, "an unsigned chat client");

    // The voice turn: text in, text and SSML out; a caller asks for a person.
    let (status, v) = signed_post(
        t,
        secret,
        "/v1/voice/turn",
        &json!({"business_id": BUSINESS, "call_id": "vt-1", "caller": "+13125550173"}),
    );
    assert_eq!(status, 200, "{v}");
    assert!(
        v["ssml"]
            .as_str()
            .unwrap()
            .starts_with("<speak>Thanks for calling"),
        "{v}"
    );
    let (_, v) = signed_post(
        t,
        secret,
        "/v1/voice/turn",
        &json!({"business_id": BUSINESS, "call_id": "vt-1", "text": "can I talk to a real person"}),
    );
    assert_eq!(v["transfer_to"], OWNER_PHONE, "{v}");
}
