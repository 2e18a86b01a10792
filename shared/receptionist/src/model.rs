//! What the receptionist's JSON routes read and write.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The assistant's answer to a chat turn.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChatReply {
    /// Pass it with the next message.
    pub session_id: String,
    pub reply: String,
    /// Quick replies to offer as buttons; sending one's text picks it.
    pub suggestions: Vec<String>,
    /// The conversation is over.
    pub ended: bool,
    /// The customer asked for a person (or the assistant could not help):
    /// the owner has been told.
    pub handed_over: bool,
    /// What this turn wrote, once the customer confirmed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<Written>,
}

/// A write a turn made.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Written {
    /// `booked`, `moved`, `cancelled` or `message`.
    pub kind: String,
    /// The appointment or message.
    pub id: String,
}

/// `POST /v1/widget/session`: optional; the business may be named by
/// header instead.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[schemars(length(max = 200))]
    pub widget_token: Option<String>,
}

/// `POST /v1/widget/message`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetMessage {
    #[schemars(length(min = 1, max = 100))]
    pub session_id: String,
    /// At most 1000 characters.
    #[schemars(length(min = 1, max = 1000))]
    pub text: String,
    /// The client's id for this message: sent again, the same answer comes
    /// back and nothing is done twice.
    #[schemars(length(max = 100))]
    pub message_id: Option<String>,
    #[schemars(length(max = 200))]
    pub widget_token: Option<String>,
}

/// `POST /v1/chat/message`, from a signed client.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientMessage {
    #[schemars(length(min = 1, max = 100))]
    pub business_id: String,
    /// Omit to start a conversation.
    #[schemars(length(max = 100))]
    pub session_id: Option<String>,
    #[schemars(length(min = 1, max = 1000))]
    pub text: String,
    /// The customer's number, when the client knows it.
    #[schemars(length(max = 40))]
    pub phone: Option<String>,
    #[schemars(length(max = 100))]
    pub name: Option<String>,
    #[schemars(length(max = 100))]
    pub message_id: Option<String>,
}

/// `POST /v1/voice/turn`: one turn of a call through any telephony
/// provider: text, or audio for the speech-to-text provider.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceTurn {
    #[schemars(length(min = 1, max = 100))]
    pub business_id: String,
    /// The provider's id of the call; the first turn of a call greets.
    #[schemars(length(min = 1, max = 200))]
    pub call_id: String,
    #[schemars(length(max = 1000))]
    pub text: Option<String>,
    /// Base64 audio, when no text is given.
    pub audio: Option<String>,
    /// Its media type (`audio/wav`, ...). Without a speech-to-text
    /// provider only `text/plain` is read (as its own transcript); any
    /// other type is 503.
    #[schemars(length(max = 100))]
    pub audio_type: Option<String>,
    /// The caller's number.
    #[schemars(length(max = 40))]
    pub caller: Option<String>,
}

/// The assistant's side of a voice turn.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct VoiceReply {
    pub call_id: String,
    /// What was heard (the text, or the transcript of the audio).
    pub heard: String,
    pub reply: String,
    /// The reply as SSML, for a provider's own speech.
    pub ssml: String,
    /// The reply spoken by the text-to-speech provider, when it makes audio.
    pub audio: Option<Audio>,
    /// Hang up after speaking.
    pub end: bool,
    /// Connect the caller to this number after speaking.
    pub transfer_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Audio {
    pub audio_type: String,
    /// Base64.
    pub data: String,
}

/// Twilio's voice webhook, as the form (`application/x-www-form-urlencoded`)
/// Twilio posts: the fields read. Twilio sends more (AccountSid,
/// CallStatus, ...), all covered by its signature.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TwilioCallForm {
    /// Twilio's id of the call: the conversation's key.
    pub call_sid: String,
    /// The caller's number.
    pub from: String,
    /// The number called: it names the business, whose auth token checks
    /// the signature.
    pub to: String,
}

/// Twilio's `<Gather>` result for a turn of a call.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TwilioGatherForm {
    pub call_sid: String,
    pub from: String,
    pub to: String,
    /// What the caller said; empty or absent when they pressed a key or
    /// said nothing.
    #[serde(default)]
    pub speech_result: String,
    /// The key pressed: 0 asks for a person.
    #[serde(default)]
    pub digits: String,
}

/// Twilio's call status callback.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TwilioStatusForm {
    pub call_sid: String,
    pub to: String,
    /// `queued`, `ringing`, `in-progress`, `completed`, `busy`, `failed`,
    /// `no-answer` or `canceled`: the last five close the call's
    /// conversation.
    pub call_status: String,
    /// Seconds, once the call is over.
    #[serde(default)]
    pub call_duration: String,
}

/// Twilio's messaging webhook: a text to the business's number.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TwilioSmsForm {
    /// Twilio's id of the message.
    pub message_sid: String,
    /// The customer's number.
    pub from: String,
    /// The business's number.
    pub to: String,
    /// The text.
    pub body: String,
}

/// `POST /v1/calendar/google/watch`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchRequest {
    #[schemars(length(min = 1, max = 100))]
    pub business_id: String,
}

/// The push channel a watch stored; never its token.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WatchAnswer {
    /// Google posts notifications with it as `X-Goog-Channel-ID`.
    pub channel_id: String,
    pub resource_id: String,
    /// Where Google posts them.
    pub address: String,
    /// Unix epoch milliseconds, as Google set it.
    pub expiration: Option<i64>,
    /// The same, in RFC 3339 (UTC).
    pub expires_at: Option<String>,
    /// The channel this one replaces, if there was one.
    pub previous: Option<PreviousChannel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PreviousChannel {
    pub channel_id: String,
    /// Google confirmed it stopped (or no longer knew it).
    pub stopped: bool,
}

/// What a push notification did.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PushAnswer {
    /// `sync` (the channel's first message) or `exists`.
    pub state: String,
    /// The changes were pulled and applied.
    pub synced: bool,
    /// The message was not newer than the last one acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<crate::google::sync::SyncSummary>,
}

/// `POST /v1/calendar/google/webhook`: one changed event.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RelayRequest {
    #[schemars(length(min = 1))]
    pub business_id: String,
    /// The Google event written for the appointment.
    #[schemars(length(min = 1))]
    pub event_id: String,
    /// RFC 3339, or a wall time without offset read in `time_zone`.
    /// Required unless `status` is `cancelled`.
    pub start: Option<String>,
    pub end: Option<String>,
    /// An IANA zone; default the business's.
    pub time_zone: Option<String>,
    /// `confirmed`, `tentative` or `cancelled`.
    pub status: Option<String>,
}

/// The appointment after a relayed change.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RelayAnswer {
    pub appointment_id: String,
    /// `moved`, `cancelled`, `unchanged`, or `conflict` (moved onto time
    /// another appointment holds: recorded, holding none).
    pub result: String,
    /// The appointment's status.
    pub status: String,
    /// RFC 3339 (UTC).
    pub start: String,
    pub end: String,
}

/// `GET /metrics`: the counters of every instance and location.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MetricsView {
    pub rate_limit_blocks_total: i64,
    /// Refusals per route group (`widget`, `twilio`, ...).
    pub rate_limit_blocks_by_route: BTreeMap<String, i64>,
    /// Refusals per route group, then per business named (`unknown` when
    /// the request named none that exists).
    pub rate_limit_blocks_by_route_business: BTreeMap<String, BTreeMap<String, i64>>,
    pub requests_total: i64,
    /// Per route group, then per status class (`2xx`, `4xx`, ...).
    pub requests: BTreeMap<String, BTreeMap<String, RequestCounts>>,
    /// The histogram's bucket bounds in milliseconds.
    pub latency_bounds_ms: Vec<i64>,
    /// What one scrape covers.
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RequestCounts {
    pub count: i64,
    pub duration_ms_sum: i64,
    /// Cumulative: requests that took at most each bound (milliseconds,
    /// and `+Inf`).
    pub latency_ms_buckets: BTreeMap<String, i64>,
}
