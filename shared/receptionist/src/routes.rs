//! The receptionist's routes. Twilio's webhooks are public routes whose
//! handlers check `X-Twilio-Signature` first; they answer under four
//! prefixes (`/v1/twilio`, `/twilio`, `/v1/telephony`, `/telephony`) so a
//! number configured with any of them keeps working. Authenticated chat
//! clients and the provider-neutral voice turn are signed calls. Owners
//! sign in for bearer tokens to the `/v1/owner/*` routes; the operator's
//! `/v1/admin/*` routes take the operator token.

use crate::PRODUCT;
use crate::owner_api::{appointments, profile, records};
use crate::owners::{self, Principal};
use crate::{admin, chat, dashboard, feedback, google, ops, speech, twilio, widget};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::router::{Handler, bearer_refusal};
use edgedesk_kernel::{Auth, Call, Platform, Reply, Response, Route, RouteInfo};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The product's routes in groups, one Spin component each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Twilio calls: the greeting, each turn, status callbacks.
    Voice,
    /// Twilio texts.
    Sms,
    /// The public chat widget, its script and demo page.
    Widget,
    /// Signed chat clients and the provider-neutral voice turn.
    Chat,
    /// Google Calendar: the push channel, its notifications, the relay.
    Calendar,
    /// The operator's metrics.
    Ops,
    /// The people who run businesses: owners' accounts, their dashboard
    /// and its API, the operator's administration, and customers'
    /// feedback on conversations.
    Owner,
}

pub const GROUPS: [Group; 7] = [
    Group::Voice,
    Group::Sms,
    Group::Widget,
    Group::Chat,
    Group::Calendar,
    Group::Ops,
    Group::Owner,
];

/// Where Twilio's webhooks answer, and the suffix their operation ids take.
pub const TWILIO_PREFIXES: [&str; 4] = ["/v1/twilio", "/twilio", "/v1/telephony", "/telephony"];

/// Every route of the product.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    GROUPS.into_iter().flat_map(group::<P>).collect()
}

/// The routes of one group. Each group has its own handler table, so a
/// component built for one group links only that group's handlers.
pub fn group<P: Platform>(g: Group) -> Vec<Route<P>> {
    let handler: fn(&str) -> Handler<P> = match g {
        Group::Voice => voice_handler::<P>,
        Group::Sms => sms_handler::<P>,
        Group::Widget => widget_handler::<P>,
        Group::Chat => chat_handler::<P>,
        Group::Calendar => calendar_handler::<P>,
        Group::Ops => ops_handler::<P>,
        Group::Owner => owner_handler::<P>,
    };
    edgedesk_kernel::router::grouped(infos(), g, group_of, handler)
}

/// The group an operation belongs to.
pub fn group_of(op: &str) -> Group {
    let base = op.split("__").next().unwrap_or(op);
    match base {
        "twilio_voice" | "twilio_voice_gather" | "twilio_status" => Group::Voice,
        "twilio_sms" => Group::Sms,
        "widget_session" | "widget_message" | "widget_script" | "widget_demo" => Group::Widget,
        "google_watch" | "google_push" | "google_webhook" => Group::Calendar,
        "metrics" | "metrics_prometheus" => Group::Ops,
        "chat_message" | "voice_turn" => Group::Chat,
        _ => Group::Owner,
    }
}

fn answer(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(|e| Response::error(&e))
}

fn no_route<P: Platform>() -> Handler<P> {
    |_| Box::pin(async { Response::error(&ApiError::missing("no such route")) })
}

/// The operation's id without the suffix of its Twilio prefix.
fn base(id: &str) -> &str {
    id.split("__").next().unwrap_or(id)
}

fn voice_handler<P: Platform>(id: &str) -> Handler<P> {
    match base(id) {
        "twilio_voice" => |c: Call<'_, P>| -> Reply<'_> { Box::pin(twilio::voice(c.p, c.req)) },
        "twilio_voice_gather" => |c| Box::pin(twilio::gather(c.p, c.req)),
        "twilio_status" => |c| Box::pin(twilio::status(c.p, c.req)),
        _ => no_route(),
    }
}

fn sms_handler<P: Platform>(id: &str) -> Handler<P> {
    match base(id) {
        "twilio_sms" => |c: Call<'_, P>| -> Reply<'_> { Box::pin(twilio::sms(c.p, c.req)) },
        _ => no_route(),
    }
}

fn widget_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "widget_session" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move { answer(chat::session(c.p, c.req).await) })
        },
        "widget_message" => |c| Box::pin(async move { answer(chat::message(c.p, c.req).await) }),
        "widget_script" => |_| Box::pin(async { widget::script() }),
        "widget_demo" => |c| Box::pin(async move { widget::demo(c.req) }),
        _ => no_route(),
    }
}

fn chat_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "chat_message" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move { answer(chat::client_message(c.p, c.req).await) })
        },
        "voice_turn" => |c| Box::pin(async move { answer(speech::turn(c.p, c.req).await) }),
        _ => no_route(),
    }
}

fn calendar_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "google_watch" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move { answer(google::hooks::watch(c.p, c.req).await) })
        },
        "google_push" => |c| Box::pin(google::hooks::push(c.p, c.req)),
        "google_webhook" => |c| Box::pin(google::hooks::legacy_webhook(c.p, c.req)),
        _ => no_route(),
    }
}

fn ops_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "metrics" => {
            |c: Call<'_, P>| -> Reply<'_> { Box::pin(async move { answer(ops::json(c.p).await) }) }
        }
        "metrics_prometheus" => |c| Box::pin(async move { answer(ops::prometheus(c.p).await) }),
        _ => no_route(),
    }
}

/// What an owner or operator route does once its caller is known.
type Work<'a> = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + 'a>>;

fn finish(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => Response::ok(&v),
        Err(e) => bearer_refusal(&e),
    }
}

/// An owner's route: the token verified and its owner loaded (revocation
/// checked) before `f`. One instance per platform, every route's work
/// boxed behind one type, which keeps the component small.
fn owner<'a, P: Platform>(c: Call<'a, P>, f: fn(Call<'a, P>, Principal) -> Work<'a>) -> Reply<'a> {
    Box::pin(async move {
        match owners::principal(c.p, c.req).await {
            Ok(who) => finish(f(c, who).await),
            Err(e) => bearer_refusal(&e),
        }
    })
}

/// A path parameter.
fn param<'a, P>(c: &Call<'a, P>, name: &str) -> &'a str {
    c.params.get(name).unwrap_or_default()
}

fn refusal(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(|e| bearer_refusal(&e))
}

fn owner_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "auth_login" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move { answer(owners::login(c.p, c.req).await) })
        },
        "auth_register" => |c| Box::pin(async move { answer(owners::register(c.p, c.req).await) }),
        "public_signup" => |c| Box::pin(async move { answer(owners::signup(c.p, c.req).await) }),
        "auth_logout" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { owners::logout(c.p, &who).await })
            })
        },
        "auth_me" => |c| owner(c, |_, who| Box::pin(async move { Ok(owners::me(&who)) })),
        "owner_business" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::get(c.p, &who).await })
            })
        },
        "owner_business_update" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::update(c.p, &who, c.req).await })
            })
        },
        "owner_services" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::list_services(c.p, &who).await })
            })
        },
        "owner_services_set" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::set_services(c.p, &who, c.req).await })
            })
        },
        "owner_appointments" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { appointments::list(c.p, &who, c.req).await })
            })
        },
        "owner_appointment_create" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move {
                match owners::principal(c.p, c.req).await {
                    Ok(who) => refusal(appointments::create(c.p, &who, c.req).await),
                    Err(e) => bearer_refusal(&e),
                }
            })
        },
        "owner_appointment_update" => |c| {
            owner(c, |c, who| {
                Box::pin(async move {
                    appointments::update(c.p, &who, param(&c, "appointment_id"), c.req).await
                })
            })
        },
        "owner_contacts" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { records::contacts(c.p, &who, c.req).await })
            })
        },
        "owner_conversations" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { records::conversations(c.p, &who, c.req).await })
            })
        },
        "owner_conversation" => |c| {
            owner(c, |c, who| {
                Box::pin(async move {
                    records::conversation(c.p, &who, param(&c, "conversation_id")).await
                })
            })
        },
        "owner_messages" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { records::messages(c.p, &who, c.req).await })
            })
        },
        "owner_widget_token" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::rotate_widget_token(c.p, &who).await })
            })
        },
        "owner_calendar" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::calendar(c.p, &who).await })
            })
        },
        "owner_lockdown" => |c| {
            owner(c, |c, who| {
                Box::pin(async move { profile::lockdown(c.p, &who, c.req).await })
            })
        },
        // The kernel checks the operator token first (Auth::Operator).
        "admin_businesses" => |c: Call<'_, P>| -> Reply<'_> {
            Box::pin(async move { finish(admin::list(c.p).await) })
        },
        "admin_business_update" => |c| {
            Box::pin(
                async move { finish(admin::update(c.p, param(&c, "business_id"), c.req).await) },
            )
        },
        "admin_invitation" => |c| {
            Box::pin(
                async move { refusal(admin::invite(c.p, param(&c, "business_id"), c.req).await) },
            )
        },
        "feedback" => |c| Box::pin(async move { answer(feedback::submit(c.p, c.req).await) }),
        "dashboard_page" => |_| Box::pin(async { dashboard::page() }),
        "dashboard_script" => |_| Box::pin(async { dashboard::script() }),
        "dashboard_style" => |_| Box::pin(async { dashboard::style() }),
        _ => no_route(),
    }
}

/// A Twilio webhook under each prefix: the first is the canonical one; the
/// others' operation ids carry a suffix after `__`.
#[allow(clippy::type_complexity)]
const TWILIO_HOOKS: [(&str, [(&str, &str); 4], &str, &str); 4] = [
    (
        "twilio_voice",
        [
            ("/v1/twilio/voice", "twilio_voice"),
            ("/twilio/voice", "twilio_voice__unversioned"),
            ("/v1/telephony/voice", "twilio_voice__telephony"),
            ("/telephony/voice", "twilio_voice__telephony_unversioned"),
        ],
        "A call comes in",
        "Twilio's voice webhook: TwiML that greets the caller and listens (<Gather input=\"speech dtmf\">). Signed with X-Twilio-Signature over the public URL and form parameters (403 otherwise, nothing done); a retry or replay gets the first answer back.",
    ),
    (
        "twilio_voice_gather",
        [
            ("/v1/twilio/voice/gather", "twilio_voice_gather"),
            ("/twilio/voice/gather", "twilio_voice_gather__unversioned"),
            (
                "/v1/telephony/voice/gather",
                "twilio_voice_gather__telephony",
            ),
            (
                "/telephony/voice/gather",
                "twilio_voice_gather__telephony_unversioned",
            ),
        ],
        "The caller speaks",
        "What the caller said (SpeechResult) or pressed (Digits; 0 asks for a person), read by the assistant on the call's stored state: TwiML with the next question, <Dial> to the owner, or goodbye. Signed and acted on once, as the voice webhook.",
    ),
    (
        "twilio_status",
        [
            ("/v1/twilio/status", "twilio_status"),
            ("/twilio/status", "twilio_status__unversioned"),
            ("/v1/telephony/status", "twilio_status__telephony"),
            ("/telephony/status", "twilio_status__telephony_unversioned"),
        ],
        "Call status",
        "Twilio's status callback (CallSid, CallStatus, CallDuration): recorded once per call and status; a finished call closes its conversation. Signed.",
    ),
    (
        "twilio_sms",
        [
            ("/v1/twilio/sms", "twilio_sms"),
            ("/twilio/sms", "twilio_sms__unversioned"),
            ("/v1/telephony/sms", "twilio_sms__telephony"),
            ("/telephony/sms", "twilio_sms__telephony_unversioned"),
        ],
        "A text comes in",
        "Twilio's messaging webhook: TwiML <Message> with the assistant's reply. BOOK, CANCEL and HELP start afresh; STOP (STOPALL, UNSUBSCRIBE, END, QUIT) opts the number out and nothing more is sent to it until START or UNSTOP. Signed and acted on once: the same text delivered twice books once.",
    ),
];

/// Every route, described.
pub fn infos() -> Vec<RouteInfo> {
    use Auth::{Public, Signed};
    let mut out = Vec::new();
    for (_, paths, summary, description) in TWILIO_HOOKS {
        for (path, id) in paths {
            out.push(PRODUCT.route("POST", path, Public, id, summary, description));
        }
    }
    out.extend([
        PRODUCT.route(
            "POST",
            "/v1/widget/session",
            Public,
            "widget_session",
            "Start a chat",
            "For the public widget: the business is named by X-Business-ID or its widget token (X-Widget-Token, or widget_token in the body). Answers 201 with the session id and the assistant's greeting.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/widget/message",
            Public,
            "widget_message",
            "Chat",
            "The customer's next message in a widget session: the assistant's reply with quick replies. A message_id makes the turn act once: the same message sent again gets the same answer.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/widget/widget.js",
            Public,
            "widget_script",
            "The chat widget",
            "The embeddable widget: <script src=\".../v1/widget/widget.js\" data-business=\"demo-salon\"></script>. No third-party code.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/widget/demo",
            Public,
            "widget_demo",
            "The widget's demo page",
            "A page with the widget for ?business=<id> (default demo-salon).",
        ),
        PRODUCT.route(
            "POST",
            "/v1/chat/message",
            Signed,
            "chat_message",
            "Chat for a signed client",
            "As the widget, for a server that signs its calls and may name the customer (phone, name). Omit session_id to start a conversation.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/voice/turn",
            Signed,
            "voice_turn",
            "A voice turn, for any telephony",
            "Text (or base64 audio for the speech-to-text provider) in; the reply as text and SSML (and audio when the text-to-speech provider makes it) out, with whether to hang up or transfer. The first turn of a call_id greets.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/calendar/google/watch",
            Signed,
            "google_watch",
            "Watch a business's Google Calendar",
            "Creates or renews the push channel (events.watch) with an access token from the business's refresh token, after a full sync when there is no sync token yet. Answers the channel, never its token. 503 naming the setting when Google is not configured.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/calendar/google/push",
            Public,
            "google_push",
            "Google Calendar push notification",
            "The business is found by X-Goog-Channel-ID (404 if unknown) and checked with X-Goog-Channel-Token (403 if wrong). X-Goog-Resource-State sync is acknowledged; exists and not_exists pull the changes since the stored sync token (410: a full resync) and apply them to appointments and busy times. A message number not newer than the last handled is ignored.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/calendar/google/webhook",
            Public,
            "google_webhook",
            "Calendar relay",
            "The older relay: {business_id, event_id, start, end, time_zone?, status?} with Authorization: Bearer GOOGLE_WEBHOOK_SECRET moves or cancels the appointment written as that event. Times without an offset are read in time_zone, else the business's zone.",
        ),
        PRODUCT.route(
            "GET",
            "/metrics",
            Auth::Operator,
            "metrics",
            "Metrics",
            "Counters across every instance and location (they are kept in the receptionist's database): rate_limit_blocks_total, rate_limit_blocks_by_route, rate_limit_blocks_by_route_business, requests and latency histograms (cumulative, in milliseconds) by route group and status class. Operator token.",
        ),
        PRODUCT.route(
            "GET",
            "/metrics/prometheus",
            Auth::Operator,
            "metrics_prometheus",
            "Metrics for Prometheus",
            "The same counters in Prometheus's text exposition format 0.0.4, every name under ai_telephony_ (ai_telephony_rate_limit_blocks_total, ai_telephony_requests_total, ai_telephony_request_duration_seconds, ...). Operator token.",
        ),
    ]);
    out.extend(owner_infos());
    out
}

/// Owners, the operator, feedback and the dashboard.
fn owner_infos() -> Vec<RouteInfo> {
    use Auth::{Bearer, Public};
    const OWNER: &str = "Bearer token of a signed-in owner (POST /v1/auth/login); only the owner's own business is read or changed.";
    vec![
        PRODUCT.route(
            "POST",
            "/v1/auth/register",
            Public,
            "auth_register",
            "Register as a business's owner",
            "Takes an invitation the operator made for one business (POST /v1/admin/businesses/{business_id}/invitations): single use, 7 days, optionally for one email. There is no other way to join a business that exists. Answers 201 with a session, as a login does. 403 for an invitation unknown, used, expired or for another email; 409 for an email that has an account.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/auth/login",
            Public,
            "auth_login",
            "Sign in as an owner",
            "Email and password (argon2id). Five failed logins for one email within 15 minutes are answered 429 with Retry-After until the window passes; an unknown email costs the same as a wrong password. The token (HS256, SECRET_KEY, 24 hours) works until it expires or its holder logs out.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/auth/logout",
            Bearer,
            "auth_logout",
            "Sign out",
            "The token is refused from now on.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/auth/me",
            Bearer,
            "auth_me",
            "The signed-in owner",
            OWNER,
        ),
        PRODUCT.route(
            "POST",
            "/v1/public/signup",
            Public,
            "public_signup",
            "Sign up a new business",
            "Only when ALLOW_SELF_SIGNUP=true (otherwise 404): creates a new business, with an id made from its name and a random suffix (never an existing business), and its first owner, signed in. It then needs hours, services and a number before the assistant answers for it.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/business",
            Bearer,
            "owner_business",
            "The business",
            OWNER,
        ),
        PRODUCT.route(
            "PATCH",
            "/v1/owner/business",
            Bearer,
            "owner_business_update",
            "Change the business",
            "Any of name, time_zone (IANA name or offset), hours ({\"mon\": [[\"09:00\", \"17:00\"]], ...}), holidays (local dates), address, phone, owner_phone. Each is checked before anything is written; 422 names the field. Answers the business.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/services",
            Bearer,
            "owner_services",
            "The services",
            OWNER,
        ),
        PRODUCT.route(
            "PUT",
            "/v1/owner/services",
            Bearer,
            "owner_services_set",
            "Set the services",
            "The whole list: each id (lowercase letters, digits, -), name, aliases, duration_minutes and buffer_minutes (multiples of 5), price_cents. A service left out is removed, unless appointments ahead are booked for it (409).",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/appointments",
            Bearer,
            "owner_appointments",
            "Appointments in a range",
            "Those overlapping from..to (RFC 3339, a wall time or a date in the business's zone; default today's local midnight and 14 days, at most 92), soonest first, optionally of one status.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/owner/appointments",
            Bearer,
            "owner_appointment_create",
            "Book an appointment",
            "Holds the service's time and buffer as the assistant's bookings do: a time another appointment holds is 409, whichever channel booked it. Written to the business's Google Calendar when it is connected. 201 with the appointment.",
        ),
        PRODUCT.route(
            "PATCH",
            "/v1/owner/appointments/{appointment_id}",
            Bearer,
            "owner_appointment_update",
            "Move, end or annotate an appointment",
            "start moves it (409 onto held time; the calendar event follows); status cancelled, completed or no_show ends it and frees its time (a cancellation deletes the event); notes alone annotate it. Only a booked appointment moves or ends (409 otherwise). Another business's appointment is 404.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/contacts",
            Bearer,
            "owner_contacts",
            "Contacts",
            "The people who called, texted, chatted or were booked, newest first (limit, offset).",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/conversations",
            Bearer,
            "owner_conversations",
            "Recent conversations",
            "Calls, texts and chats, the latest active first (limit), with what was said last.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/conversations/{conversation_id}",
            Bearer,
            "owner_conversation",
            "A conversation",
            "With its transcript and any feedback. Another business's conversation is 404.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/messages",
            Bearer,
            "owner_messages",
            "Messages left",
            "Messages customers left for the owner, newest first (limit).",
        ),
        PRODUCT.route(
            "POST",
            "/v1/owner/widget-token",
            Bearer,
            "owner_widget_token",
            "Rotate the widget token",
            "A new token names the business to the chat widget; the old one stops working at once.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/owner/calendar",
            Bearer,
            "owner_calendar",
            "Google Calendar status",
            "Whether a calendar is connected, watched through a push channel (and until when), synced, and how many of its busy times lie ahead.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/owner/lockdown",
            Bearer,
            "owner_lockdown",
            "Stop or restart the assistant",
            "{\"enabled\": true} stops the assistant for the business on every channel (widget, chat, voice, Twilio answer 423) from the next request on, on every instance; false restarts it. Owner and admin routes keep working.",
        ),
        PRODUCT.route(
            "GET",
            "/v1/admin/businesses",
            Auth::Operator,
            "admin_businesses",
            "Every business, with its onboarding",
            "For the operator (Authorization: Bearer OPERATOR_TOKEN): each business with what it has (hours, services, a number, a calendar, an owner), ready when it has all but the optional calendar.",
        ),
        PRODUCT.route(
            "PATCH",
            "/v1/admin/businesses/{business_id}",
            Auth::Operator,
            "admin_business_update",
            "Change a business's operator fields",
            "For the operator: lockdown_mode, name, numbers (the whole list, E.164; 409 for one that reaches another business), twilio_token_secret and google_refresh_token_secret (names of secrets, never their values), google_calendar_id (null disconnects; a change restarts the sync). Answers the business's overview.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/admin/businesses/{business_id}/invitations",
            Auth::Operator,
            "admin_invitation",
            "Invite an owner",
            "For the operator: a single-use token, shown only in this answer, valid 7 days, with which one person registers as an owner of the business (optionally only with this email). Only its SHA-256 is stored.",
        ),
        PRODUCT.route(
            "POST",
            "/v1/feedback",
            Public,
            "feedback",
            "Feedback on a conversation",
            "A rating (1 to 5), words (at most 2000 characters) or both about a conversation (its id: the widget's session id). 404 for a conversation that does not exist; at most 20 per conversation.",
        ),
        PRODUCT.route(
            "GET",
            "/dashboard",
            Public,
            "dashboard_page",
            "The owner dashboard",
            "A page for owners: sign in, today's and upcoming appointments, recent conversations, the lockdown switch. It loads only this host's script and style and talks only to this host.",
        ),
        PRODUCT.route(
            "GET",
            "/dashboard/dashboard.js",
            Public,
            "dashboard_script",
            "The dashboard's script",
            "No third-party code.",
        ),
        PRODUCT.route(
            "GET",
            "/dashboard/dashboard.css",
            Public,
            "dashboard_style",
            "The dashboard's style",
            "Its look.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedesk_kernel::testing::TestPlatform;

    #[test]
    fn every_route_has_a_handler_and_a_unique_operation() {
        let all = routes::<TestPlatform>();
        assert_eq!(all.len(), infos().len());
        let mut ids: Vec<&str> = all.iter().map(|r| r.info.operation.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        // Each route got its own group's handler, not the fallback.
        let fallback = no_route::<TestPlatform>() as usize;
        for r in &all {
            assert_ne!(r.handler as usize, fallback, "{}", r.info.operation.id);
        }
        // Every group has routes, and the table builds.
        for g in GROUPS {
            assert!(!group::<TestPlatform>(g).is_empty());
        }
        let _ = edgedesk_kernel::Routes::<TestPlatform>::new().with(routes());
    }
}
