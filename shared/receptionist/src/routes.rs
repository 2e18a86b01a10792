//! The receptionist's routes. Twilio's webhooks are public routes whose
//! handlers check `X-Twilio-Signature` first; they answer under four
//! prefixes (`/v1/twilio`, `/twilio`, `/v1/telephony`, `/telephony`) so a
//! number configured with any of them keeps working. Authenticated chat
//! clients and the provider-neutral voice turn are signed calls.

use crate::PRODUCT;
use crate::{chat, google, ops, speech, twilio, widget};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::router::Handler;
use edgedesk_kernel::{Auth, Call, Operation, Platform, Reply, Response, Route, RouteInfo};

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
}

pub const GROUPS: [Group; 6] = [
    Group::Voice,
    Group::Sms,
    Group::Widget,
    Group::Chat,
    Group::Calendar,
    Group::Ops,
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
        _ => Group::Chat,
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

fn info(
    method: &'static str,
    path: &'static str,
    auth: Auth,
    id: &'static str,
    summary: &'static str,
    description: &'static str,
) -> RouteInfo {
    RouteInfo {
        method,
        path,
        auth,
        product: &PRODUCT,
        operation: Operation {
            id,
            summary,
            description,
        },
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
            out.push(info("POST", path, Public, id, summary, description));
        }
    }
    out.extend([
        info(
            "POST",
            "/v1/widget/session",
            Public,
            "widget_session",
            "Start a chat",
            "For the public widget: the business is named by X-Business-ID or its widget token (X-Widget-Token, or widget_token in the body). Answers 201 with the session id and the assistant's greeting.",
        ),
        info(
            "POST",
            "/v1/widget/message",
            Public,
            "widget_message",
            "Chat",
            "The customer's next message in a widget session: the assistant's reply with quick replies. A message_id makes the turn act once: the same message sent again gets the same answer.",
        ),
        info(
            "GET",
            "/v1/widget/widget.js",
            Public,
            "widget_script",
            "The chat widget",
            "The embeddable widget: <script src=\".../v1/widget/widget.js\" data-business=\"demo-salon\"></script>. No third-party code.",
        ),
        info(
            "GET",
            "/v1/widget/demo",
            Public,
            "widget_demo",
            "The widget's demo page",
            "A page with the widget for ?business=<id> (default demo-salon).",
        ),
        info(
            "POST",
            "/v1/chat/message",
            Signed,
            "chat_message",
            "Chat for a signed client",
            "As the widget, for a server that signs its calls and may name the customer (phone, name). Omit session_id to start a conversation.",
        ),
        info(
            "POST",
            "/v1/voice/turn",
            Signed,
            "voice_turn",
            "A voice turn, for any telephony",
            "Text (or base64 audio for the speech-to-text provider) in; the reply as text and SSML (and audio when the text-to-speech provider makes it) out, with whether to hang up or transfer. The first turn of a call_id greets.",
        ),
        info(
            "POST",
            "/v1/calendar/google/watch",
            Signed,
            "google_watch",
            "Watch a business's Google Calendar",
            "Creates or renews the push channel (events.watch) with an access token from the business's refresh token, after a full sync when there is no sync token yet. Answers the channel, never its token. 503 naming the setting when Google is not configured.",
        ),
        info(
            "POST",
            "/v1/calendar/google/push",
            Public,
            "google_push",
            "Google Calendar push notification",
            "The business is found by X-Goog-Channel-ID (404 if unknown) and checked with X-Goog-Channel-Token (403 if wrong). X-Goog-Resource-State sync is acknowledged; exists and not_exists pull the changes since the stored sync token (410: a full resync) and apply them to appointments and busy times. A message number not newer than the last handled is ignored.",
        ),
        info(
            "POST",
            "/v1/calendar/google/webhook",
            Public,
            "google_webhook",
            "Calendar relay",
            "The older relay: {business_id, event_id, start, end, time_zone?, status?} with Authorization: Bearer GOOGLE_WEBHOOK_SECRET moves or cancels the appointment written as that event. Times without an offset are read in time_zone, else the business's zone.",
        ),
        info(
            "GET",
            "/metrics",
            Auth::Operator,
            "metrics",
            "Metrics",
            "Counters across every instance and location (they are kept in the receptionist's database): rate_limit_blocks_total, rate_limit_blocks_by_route, rate_limit_blocks_by_route_business, requests and latency histograms (cumulative, in milliseconds) by route group and status class. Operator token.",
        ),
        info(
            "GET",
            "/metrics/prometheus",
            Auth::Operator,
            "metrics_prometheus",
            "Metrics for Prometheus",
            "The same counters in Prometheus's text exposition format 0.0.4, every name under ai_telephony_ (ai_telephony_rate_limit_blocks_total, ai_telephony_requests_total, ai_telephony_request_duration_seconds, ...). Operator token.",
        ),
    ]);
    out
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
