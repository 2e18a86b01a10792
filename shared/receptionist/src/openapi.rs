//! The receptionist's part of the API description: for each route, the
//! Rust types of its body and answer, its parameters, and a real example
//! of each, answered by the product on the demo salon ([`crate::sample`]).
//! Built natively by the product's tests into `openapi.json`; nothing here
//! runs in a Worker or a component.
//!
//! Twilio's webhooks take form posts and answer TwiML; the Twilio operation
//! under each prefix (`twilio_voice`, `twilio_voice__unversioned`, ...) is
//! documented alike, its example called on its own path.

use crate::model::*;
use crate::routes::{Group, TWILIO_PREFIXES, infos};
use crate::sample;
use edgedesk_kernel::openapi::{Answer, Fragment};
use schemars::JsonSchema;
use serde_json::{Value, json};

/// The `PUBLIC_BASE_URL` the Twilio examples are signed for.
pub const BASE_URL: &str = "https://desk.example.com";

/// The number the examples' customer calls and texts from.
pub const CALLER: &str = "+13125550147";

/// The secret of the Google Calendar relay in the examples.
pub const RELAY_SECRET: &str = "relay-secret-example";

/// `SECRET_KEY` in the examples: it signs the owner's token below.
pub const SECRET_KEY: &str = "example-session-secret";

/// `OPERATOR_TOKEN` in the examples.
pub const OPERATOR_TOKEN: &str = "example-operator-token";

/// The demo owner's session token in the examples, signed with
/// [`SECRET_KEY`]: issued at the examples' clock, valid until 2100.
pub fn owner_token() -> String {
    let claims = json!({"sub": sample::OWNER_ID, "scope": "receptionist-owner",
        "business_id": sample::BUSINESS, "iat": 1_795_348_800_i64, "exp": 4_102_444_800_i64,
        "jti": "session-example"});
    edgedesk_core::jwt::sign(
        &edgedesk_core::jwt::Key::new(SECRET_KEY.as_bytes()),
        claims
            .as_object()
            .cloned()
            .as_ref()
            .unwrap_or(&Default::default()),
    )
}

/// An invitation to the demo salon whose token is `invitation-example`.
const INVITATION: &str = "INSERT INTO owner_invitations (token_hash, business_id, email, created_at, \
     expires_at) VALUES ('51da1bd287ad053cde4ac092b235f5521c239dfd0cd1e6238428774f7314c891', \
     'demo-salon', NULL, 0, 4102444800000)";
/// A chat with its transcript, and a message it left.
const TRANSCRIPT: &str = "INSERT INTO conversations (id, business_id, channel, external_id, state, \
     turns, created_at, updated_at) VALUES ('chat-example', 'demo-salon', 'chat', 'chat-example', \
     '{}', 2, 1795345200000, 1795345260000); \
     INSERT INTO turns (conversation_id, seq, role, text, at) VALUES \
     ('chat-example', 0, 'assistant', 'Hi! I can book, move or cancel an appointment.', 1795345200000), \
     ('chat-example', 1, 'caller', 'Please ask Dana to call me about a wedding party', 1795345260000); \
     INSERT INTO owner_messages (id, business_id, conversation_id, name, phone, text, created_at) \
     VALUES ('msg-example', 'demo-salon', 'chat-example', 'Lena Park', '+13125550150', \
     'Please call me about a wedding party of six', 1795345260000)";

/// A request body as sent.
#[derive(Debug, Clone)]
pub enum Body {
    Json(Value),
    /// `application/x-www-form-urlencoded`, in this order.
    Form(Vec<(&'static str, String)>),
}

/// One example call: after which SQL sets the scene and which calls come
/// first (their answers unused), to which concrete path, with which
/// headers and body. Signed routes are signed by the runner.
#[derive(Debug, Clone)]
pub struct Example {
    pub setup: &'static str,
    pub first: Vec<Example>,
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Body>,
}

/// What an example call answered: its status, and its body as JSON, or
/// as a string when it is not JSON.
pub struct Answered {
    pub status: u16,
    pub body: Value,
}

/// Runs an example call against the product and gives its answer.
pub type Run<'a> = dyn FnMut(&str, &Example) -> Answered + 'a;

/// The demo salon connected to Google Calendar, synced once and watched
/// through a channel whose last message was number 5.
const CHANNEL: &str = "UPDATE businesses SET google_calendar_id = 'salon@example.com', \
     google_refresh_token_secret = 'GOOGLE_REFRESH_TOKEN', google_sync_token = 'sync-example', \
     google_channel_id = 'channel-example', google_channel_token = 'channel-token-example', \
     google_resource_id = 'resource-example', google_message_number = 5 WHERE id = 'demo-salon'";
/// The first demo appointment written to Google as an event.
const EVENT: &str =
    "UPDATE appointments SET google_event_id = 'event-example' WHERE id = 'apt-demo-1'";
/// A widget session that has been greeted.
const SESSION: &str = "INSERT INTO conversations (id, business_id, channel, external_id, state, \
     turns, created_at, updated_at) VALUES ('chat-example', 'demo-salon', 'chat', 'chat-example', \
     '{}', 1, 0, 0)";

fn call(method: &'static str, path: impl Into<String>, body: Option<Body>) -> Example {
    Example {
        setup: "",
        first: Vec::new(),
        method,
        path: path.into(),
        headers: Vec::new(),
        body,
    }
}

fn json_call(path: &str, body: Value) -> Example {
    call("POST", path, Some(Body::Json(body)))
}

/// A form post signed as Twilio signs it, for the demo salon's auth token
/// and `BASE_URL`.
fn twilio(path: String, form: &[(&'static str, &str)]) -> Example {
    let pairs: Vec<(&str, &str)> = form.to_vec();
    let signature = edgedesk_core::twilio::signature(
        sample::DEV_TWILIO_TOKEN,
        &format!("{BASE_URL}{path}"),
        &pairs,
    );
    let mut e = call(
        "POST",
        path,
        Some(Body::Form(
            form.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        )),
    );
    e.headers.push(("X-Twilio-Signature", signature));
    e
}

/// The operation id without the suffix of its Twilio prefix.
pub fn canonical(op: &str) -> &str {
    op.split("__").next().unwrap_or(op)
}

/// The Twilio prefix an operation's route is under (`/v1/twilio`, ...).
fn prefix(op: &str) -> &'static str {
    let info = infos().into_iter().find(|i| i.operation.id == op);
    let path = info.map_or("", |i| i.path);
    TWILIO_PREFIXES
        .into_iter()
        .filter(|p| path.starts_with(&format!("{p}/")))
        .max_by_key(|p| p.len())
        .unwrap_or(TWILIO_PREFIXES[0])
}

/// The example call of each operation, against the demo salon. Each runs
/// on a fresh copy of it.
pub fn example(op: &str) -> Example {
    let p = prefix(op);
    let call_form = [
        ("CallSid", "CA0example"),
        ("From", CALLER),
        ("To", sample::NUMBER),
    ];
    let business = || ("X-Business-ID", sample::BUSINESS.to_string());
    match canonical(op) {
        "twilio_voice" => twilio(format!("{p}/voice"), &call_form),
        "twilio_voice_gather" => {
            let mut form = call_form.to_vec();
            form.push(("SpeechResult", "a beard trim tomorrow at eleven thirty"));
            Example {
                first: vec![twilio(format!("{p}/voice"), &call_form)],
                ..twilio(format!("{p}/voice/gather?turn=1"), &form)
            }
        }
        "twilio_status" => twilio(
            format!("{p}/status"),
            &[
                ("CallSid", "CA0example"),
                ("To", sample::NUMBER),
                ("CallStatus", "completed"),
                ("CallDuration", "42"),
            ],
        ),
        "twilio_sms" => twilio(
            format!("{p}/sms"),
            &[
                ("MessageSid", "SM0example"),
                ("From", CALLER),
                ("To", sample::NUMBER),
                ("Body", "book a haircut tomorrow at 4"),
            ],
        ),
        "widget_session" => Example {
            headers: vec![business()],
            ..json_call("/v1/widget/session", json!({}))
        },
        "widget_message" => Example {
            setup: SESSION,
            headers: vec![business()],
            ..json_call(
                "/v1/widget/message",
                json!({"session_id": "chat-example", "text": "Can I get a blowout on Tuesday?",
                       "message_id": "msg-1"}),
            )
        },
        "widget_script" => call("GET", "/v1/widget/widget.js", None),
        "widget_demo" => call("GET", "/v1/widget/demo?business=demo-salon", None),
        "chat_message" => json_call(
            "/v1/chat/message",
            json!({"business_id": sample::BUSINESS, "text": "Do you have time for a haircut tomorrow at 4?",
                   "phone": CALLER, "name": "Ana Lopez", "message_id": "msg-1"}),
        ),
        "voice_turn" => {
            let turn = |text: &str| {
                json!({"business_id": sample::BUSINESS, "call_id": "call-example", "text": text,
                       "caller": CALLER})
            };
            Example {
                first: vec![json_call("/v1/voice/turn", turn(""))],
                ..json_call(
                    "/v1/voice/turn",
                    turn("I'd like a beard trim tomorrow at eleven thirty"),
                )
            }
        }
        "google_watch" => Example {
            setup: CHANNEL,
            ..json_call(
                "/v1/calendar/google/watch",
                json!({"business_id": sample::BUSINESS}),
            )
        },
        "google_push" => Example {
            setup: CHANNEL,
            headers: vec![
                ("X-Goog-Channel-ID", "channel-example".into()),
                ("X-Goog-Channel-Token", "channel-token-example".into()),
                ("X-Goog-Resource-ID", "resource-example".into()),
                ("X-Goog-Resource-State", "exists".into()),
                ("X-Goog-Message-Number", "6".into()),
            ],
            ..call("POST", "/v1/calendar/google/push", None)
        },
        "google_webhook" => Example {
            setup: EVENT,
            headers: vec![("Authorization", format!("Bearer {RELAY_SECRET}"))],
            ..json_call(
                "/v1/calendar/google/webhook",
                json!({"business_id": sample::BUSINESS, "event_id": "event-example",
                       "start": "2026-11-23T15:00:00", "end": "2026-11-23T15:45:00",
                       "time_zone": sample::TIME_ZONE}),
            )
        },
        "metrics" | "metrics_prometheus" => Example {
            headers: vec![("Authorization", format!("Bearer {OPERATOR_TOKEN}"))],
            ..call(
                "GET",
                if op == "metrics" {
                    "/metrics"
                } else {
                    "/metrics/prometheus"
                },
                None,
            )
        },
        other => owner_example(other),
    }
}

/// The owners', the operator's and the dashboard's examples.
fn owner_example(op: &str) -> Example {
    let owner = || ("Authorization", format!("Bearer {}", owner_token()));
    let operator = || ("Authorization", format!("Bearer {OPERATOR_TOKEN}"));
    let as_owner = |e: Example| Example {
        headers: vec![owner()],
        ..e
    };
    let as_operator = |e: Example| Example {
        headers: vec![operator()],
        ..e
    };
    let patch = |path: &str, body: Value| call("PATCH", path, Some(Body::Json(body)));
    let get = |path: &str| call("GET", path, None);
    let services = json!([
        {"id": "haircut", "name": "Haircut", "aliases": ["cut", "trim"], "duration_minutes": 45, "buffer_minutes": 15, "price_cents": 4800},
        {"id": "color", "name": "Hair color", "aliases": ["colour", "dye"], "duration_minutes": 90, "buffer_minutes": 15, "price_cents": 9500},
        {"id": "blowout", "name": "Blowout", "aliases": ["blow dry"], "duration_minutes": 30, "buffer_minutes": 10, "price_cents": 3500},
        {"id": "beard", "name": "Beard trim", "aliases": ["beard"], "duration_minutes": 20, "buffer_minutes": 10, "price_cents": 2000},
        {"id": "kids-cut", "name": "Kids' haircut", "aliases": ["kids"], "duration_minutes": 30, "buffer_minutes": 10, "price_cents": 2500}
    ]);
    match op {
        "auth_register" => Example {
            setup: INVITATION,
            ..json_call(
                "/v1/auth/register",
                json!({"invitation": "invitation-example", "email": "sam@demo-salon.test",
                       "password": "a-long-password", "name": "Sam Stylist"}),
            )
        },
        "auth_login" => json_call(
            "/v1/auth/login",
            json!({"email": sample::OWNER_EMAIL, "password": sample::DEV_PASSWORD}),
        ),
        "auth_logout" => as_owner(call("POST", "/v1/auth/logout", None)),
        "auth_me" => as_owner(get("/v1/auth/me")),
        "public_signup" => json_call(
            "/v1/public/signup",
            json!({"business_name": "Corner Barbers", "time_zone": "America/New_York",
                   "email": "ray@cornerbarbers.test", "password": "a-long-password", "name": "Ray Ortiz"}),
        ),
        "owner_business" => as_owner(get("/v1/owner/business")),
        "owner_business_update" => as_owner(patch(
            "/v1/owner/business",
            json!({"hours": {"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]],
                             "wed": [["09:00", "18:00"]], "thu": [["09:00", "20:00"]],
                             "fri": [["09:00", "18:00"]], "sat": [["09:00", "15:00"]]},
                   "holidays": ["2026-12-25", "2027-01-01"], "owner_phone": "+15005550001"}),
        )),
        "owner_services" => as_owner(get("/v1/owner/services")),
        "owner_services_set" => as_owner(call(
            "PUT",
            "/v1/owner/services",
            Some(Body::Json(json!({"services": services}))),
        )),
        "owner_appointments" => as_owner(get(
            "/v1/owner/appointments?from=2026-11-23&to=2026-11-26&status=booked",
        )),
        "owner_appointment_create" => as_owner(json_call(
            "/v1/owner/appointments",
            json!({"service_id": "haircut", "start": "2026-11-27T14:00:00", "name": "Lena Park",
                   "phone": "+13125550150", "notes": "Prefers Dana"}),
        )),
        "owner_appointment_update" => as_owner(patch(
            "/v1/owner/appointments/apt-demo-1",
            json!({"start": "2026-11-23T15:00:00", "notes": "Moved by phone"}),
        )),
        "owner_contacts" => as_owner(get("/v1/owner/contacts?limit=2")),
        "owner_conversations" => Example {
            setup: TRANSCRIPT,
            ..as_owner(get("/v1/owner/conversations?limit=5"))
        },
        "owner_conversation" => Example {
            setup: TRANSCRIPT,
            ..as_owner(get("/v1/owner/conversations/chat-example"))
        },
        "owner_messages" => Example {
            setup: TRANSCRIPT,
            ..as_owner(get("/v1/owner/messages"))
        },
        "owner_widget_token" => as_owner(call("POST", "/v1/owner/widget-token", None)),
        "owner_calendar" => Example {
            setup: CHANNEL,
            ..as_owner(get("/v1/owner/calendar"))
        },
        "owner_lockdown" => as_owner(json_call("/v1/owner/lockdown", json!({"enabled": true}))),
        "admin_businesses" => as_operator(get("/v1/admin/businesses")),
        "admin_business_update" => as_operator(patch(
            "/v1/admin/businesses/demo-salon",
            json!({"lockdown_mode": false, "numbers": ["+15005550006", "+15005550007"]}),
        )),
        "admin_invitation" => as_operator(json_call(
            "/v1/admin/businesses/demo-salon/invitations",
            json!({"email": "sam@demo-salon.test"}),
        )),
        "feedback" => Example {
            setup: TRANSCRIPT,
            ..json_call(
                "/v1/feedback",
                json!({"conversation_id": "chat-example", "rating": 5, "text": "Quick and easy, thanks"}),
            )
        },
        "dashboard_page" => get("/dashboard"),
        "dashboard_script" => get("/dashboard/dashboard.js"),
        "dashboard_style" => get("/dashboard/dashboard.css"),
        other => panic!("no example for {other}"),
    }
}

fn header(name: &str, required: bool, description: &str, schema: Value, example: &str) -> Value {
    json!({"name": name, "in": "header", "required": required, "description": description,
           "schema": schema, "example": example})
}

fn query(name: &str, description: &str, schema: Value, example: Option<&str>) -> Value {
    let mut q = json!({"name": name, "in": "query", "required": false, "description": description,
                       "schema": schema});
    if let Some(e) = example {
        q["example"] = e.into();
    }
    q
}

fn sent<'a>(e: &'a Example, name: &str) -> &'a str {
    e.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map_or("", |(_, v)| v.as_str())
}

/// The parameters an operation documents, with the example call's values.
fn parameters(op: &str, e: &Example) -> Vec<Value> {
    let text = || json!({"type": "string"});
    let widget = || {
        vec![
            header(
                "X-Business-ID",
                false,
                "The business, by id; or name it by its widget token.",
                text(),
                sample::BUSINESS,
            ),
            header(
                "X-Widget-Token",
                false,
                "The business's widget token (or `widget_token` in the body); it wins over X-Business-ID.",
                text(),
                sample::WIDGET_TOKEN,
            ),
        ]
    };
    match canonical(op) {
        base if base.starts_with("twilio_") => {
            let mut list = vec![
                header(
                    "X-Twilio-Signature",
                    true,
                    "Base64 HMAC-SHA1, with the business's Twilio auth token, of the public URL (PUBLIC_BASE_URL and the path with its query) followed by each form field's name and value in name order. Missing or wrong: 403, nothing done.",
                    text(),
                    sent(e, "X-Twilio-Signature"),
                ),
                query(
                    "business_id",
                    "Names the business when the form has no To.",
                    text(),
                    None,
                ),
            ];
            if base == "twilio_voice_gather" {
                list.push(query(
                    "turn",
                    "The turn of the call Twilio answers, as the previous TwiML's action set it.",
                    json!({"type": "integer", "minimum": 0}),
                    Some("1"),
                ));
            }
            list
        }
        "widget_session" | "widget_message" => widget(),
        "widget_demo" => vec![query(
            "business",
            "The business whose widget the page shows: at most 64 letters, digits, - and _; anything else shows demo-salon's.",
            text(),
            Some(sample::BUSINESS),
        )],
        "google_push" => vec![
            header(
                "X-Goog-Channel-ID",
                true,
                "The channel a watch registered: it names the business (unknown: 404).",
                text(),
                sent(e, "X-Goog-Channel-ID"),
            ),
            header(
                "X-Goog-Channel-Token",
                true,
                "The channel's token, as the watch gave it to Google (wrong: 403).",
                text(),
                sent(e, "X-Goog-Channel-Token"),
            ),
            header(
                "X-Goog-Resource-ID",
                false,
                "The watched calendar's resource.",
                text(),
                sent(e, "X-Goog-Resource-ID"),
            ),
            header(
                "X-Goog-Resource-State",
                true,
                "sync: the channel was just made; exists or not_exists: something changed.",
                json!({"enum": ["sync", "exists", "not_exists"]}),
                sent(e, "X-Goog-Resource-State"),
            ),
            header(
                "X-Goog-Message-Number",
                true,
                "Counts up per channel; a number not newer than the last one acted on is ignored.",
                json!({"type": "string", "pattern": "^[0-9]{1,18}$"}),
                sent(e, "X-Goog-Message-Number"),
            ),
        ],
        "owner_appointments" => vec![
            query(
                "from",
                "Start of the range: RFC 3339, a wall time or a date in the business's zone (default: today's local midnight).",
                text(),
                Some("2026-11-23"),
            ),
            query(
                "to",
                "End of the range, as from (default: 14 days after from; at most 92).",
                text(),
                Some("2026-11-26"),
            ),
            query(
                "status",
                "Only appointments with this status.",
                json!({"enum": ["booked", "cancelled", "completed", "no_show"]}),
                Some("booked"),
            ),
        ],
        "owner_contacts" => vec![
            query(
                "limit",
                "At most this many (1 to 200, default 50).",
                json!({"type": "integer", "minimum": 1, "maximum": 200}),
                Some("2"),
            ),
            query(
                "offset",
                "Skip this many.",
                json!({"type": "integer", "minimum": 0}),
                None,
            ),
        ],
        "owner_conversations" | "owner_messages" => vec![query(
            "limit",
            "At most this many (conversations 1 to 100, default 20; messages 1 to 200, default 50).",
            json!({"type": "integer", "minimum": 1, "maximum": 200}),
            (op == "owner_conversations").then_some("5"),
        )],
        _ => Vec::new(),
    }
}

/// The example's body, as documented.
fn body_example(e: &Example) -> Value {
    match &e.body {
        Some(Body::Json(v)) => v.clone(),
        Some(Body::Form(pairs)) => pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), Value::String(v.clone())))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        None => Value::Null,
    }
}

/// What an operation takes and answers.
struct Shape {
    status: u16,
    /// A JSON body's schema, or a form's.
    request: Option<Value>,
    form: bool,
    content_type: &'static str,
    answer: Value,
}

fn s<T: JsonSchema>(f: &mut Fragment) -> Value {
    f.schema::<T>()
}

fn shape(f: &mut Fragment, op: &str) -> Shape {
    let twiml = || Shape {
        status: 200,
        request: None,
        form: true,
        content_type: "text/xml",
        answer: json!({"type": "string", "description": "TwiML: <Response> with what to say and do next."}),
    };
    let json = |status, request, answer| Shape {
        status,
        request,
        form: false,
        content_type: "application/json",
        answer,
    };
    let page = |content_type| Shape {
        status: 200,
        request: None,
        form: false,
        content_type,
        answer: json!({"type": "string"}),
    };
    match canonical(op) {
        "twilio_voice" => Shape {
            request: Some(s::<TwilioCallForm>(f)),
            ..twiml()
        },
        "twilio_voice_gather" => Shape {
            request: Some(s::<TwilioGatherForm>(f)),
            ..twiml()
        },
        "twilio_status" => Shape {
            request: Some(s::<TwilioStatusForm>(f)),
            ..twiml()
        },
        "twilio_sms" => Shape {
            request: Some(s::<TwilioSmsForm>(f)),
            ..twiml()
        },
        "widget_session" => json(201, Some(s::<SessionRequest>(f)), s::<ChatReply>(f)),
        "widget_message" => json(200, Some(s::<WidgetMessage>(f)), s::<ChatReply>(f)),
        "chat_message" => json(200, Some(s::<ClientMessage>(f)), s::<ChatReply>(f)),
        "voice_turn" => json(200, Some(s::<VoiceTurn>(f)), s::<VoiceReply>(f)),
        "widget_script" => page("text/javascript"),
        "widget_demo" => page("text/html"),
        "google_watch" => json(200, Some(s::<WatchRequest>(f)), s::<WatchAnswer>(f)),
        "google_push" => json(200, None, f.envelope::<PushAnswer>()),
        "google_webhook" => json(200, Some(s::<RelayRequest>(f)), f.envelope::<RelayAnswer>()),
        "metrics" => json(200, None, s::<MetricsView>(f)),
        "metrics_prometheus" => page("text/plain"),
        "auth_register" => json(
            201,
            Some(s::<RegisterRequest>(f)),
            f.envelope::<OwnerSession>(),
        ),
        "auth_login" => json(200, Some(s::<OwnerLogin>(f)), f.envelope::<OwnerSession>()),
        "public_signup" => json(
            201,
            Some(s::<SignupRequest>(f)),
            f.envelope::<OwnerSession>(),
        ),
        "auth_logout" => json(200, None, f.envelope::<Done>()),
        "auth_me" => json(200, None, f.envelope::<Owner>()),
        "owner_business" => json(200, None, f.envelope::<BusinessProfile>()),
        "owner_business_update" => json(
            200,
            Some(s::<BusinessUpdate>(f)),
            f.envelope::<BusinessProfile>(),
        ),
        "owner_services" => json(200, None, f.envelope::<ServiceList>()),
        "owner_services_set" => json(
            200,
            Some(s::<ServicesUpdate>(f)),
            f.envelope::<ServiceList>(),
        ),
        "owner_appointments" => json(200, None, f.envelope::<AppointmentList>()),
        "owner_appointment_create" => json(
            201,
            Some(s::<NewAppointmentRequest>(f)),
            f.envelope::<AppointmentRecord>(),
        ),
        "owner_appointment_update" => json(
            200,
            Some(s::<AppointmentUpdate>(f)),
            f.envelope::<AppointmentRecord>(),
        ),
        "owner_contacts" => json(200, None, f.envelope::<ContactList>()),
        "owner_conversations" => json(200, None, f.envelope::<ConversationList>()),
        "owner_conversation" => json(200, None, f.envelope::<ConversationDetail>()),
        "owner_messages" => json(200, None, f.envelope::<LeftMessageList>()),
        "owner_widget_token" => json(200, None, f.envelope::<WidgetTokenAnswer>()),
        "owner_calendar" => json(200, None, f.envelope::<CalendarStatus>()),
        "owner_lockdown" => json(
            200,
            Some(s::<LockdownRequest>(f)),
            f.envelope::<LockdownAnswer>(),
        ),
        "admin_businesses" => json(200, None, f.envelope::<BusinessOverviewList>()),
        "admin_business_update" => json(
            200,
            Some(s::<AdminBusinessUpdate>(f)),
            f.envelope::<BusinessOverview>(),
        ),
        "admin_invitation" => json(
            201,
            Some(s::<InvitationRequest>(f)),
            f.envelope::<InvitationAnswer>(),
        ),
        "feedback" => json(
            201,
            Some(s::<FeedbackRequest>(f)),
            f.envelope::<FeedbackAnswer>(),
        ),
        "dashboard_page" => page("text/html"),
        "dashboard_script" => page("text/javascript"),
        "dashboard_style" => page("text/css"),
        other => panic!("no shape for {other}"),
    }
}

/// How an automation route answers while its business is locked down
/// (Twilio's with TwiML saying the line is unavailable); `None` for the
/// routes that keep working (the calendar sync, the widget's files).
fn locked_answer(op: &str) -> Option<&'static str> {
    match crate::routes::group_of(op) {
        Group::Voice | Group::Sms => Some("text/xml"),
        Group::Widget if matches!(op, "widget_session" | "widget_message") => {
            Some("application/json")
        }
        Group::Chat => Some("application/json"),
        _ => None,
    }
}

/// The fragment. `run(operation_id, example)` answers each example, so
/// every documented answer is a real one.
pub fn fragment(run: &mut Run<'_>) -> Value {
    let mut f = Fragment::new(crate::PRODUCT.name);
    for info in infos() {
        let op = info.operation.id;
        let e = example(op);
        let answered = run(op, &e);
        let shape = shape(&mut f, op);
        assert_eq!(answered.status, shape.status, "{op}: {}", answered.body);
        let example = body_example(&e);
        let json_request = shape
            .request
            .clone()
            .filter(|_| !shape.form)
            .map(|schema| (schema, example.clone()));
        f.operation(
            op,
            json_request,
            Answer {
                status: shape.status,
                description: info.operation.summary,
                content_type: shape.content_type,
                schema: Some(shape.answer),
                example: Some(answered.body),
            },
        );
        if let (true, Some(schema)) = (shape.form, shape.request) {
            f.request_body(op, "application/x-www-form-urlencoded", schema, example);
        }
        if let Some(content_type) = locked_answer(op) {
            f.refusal(
                op,
                423,
                "The business is locked down: its owner or the operator has stopped the assistant, and nothing is done until it is started again.",
                content_type,
            );
        }
        if op == "widget_session" || op == "admin_invitation" {
            // Starting a chat needs no body when a header names the business.
            f.optional_body(op);
        }
        let parameters = parameters(op, &e);
        if !parameters.is_empty() {
            f.parameters(op, parameters.into());
        }
    }
    f.finish()
}
