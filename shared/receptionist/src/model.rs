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

// Owners, the operator and feedback. Instants are RFC 3339 in UTC.

/// `POST /v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerLogin {
    #[schemars(length(min = 1, max = 254))]
    pub email: String,
    #[schemars(length(max = 1024))]
    pub password: String,
}

/// `POST /v1/auth/register`: an owner account for the business an
/// invitation names. There is no other way to join an existing business.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The invitation token the operator made for the business (used once,
    /// within 7 days).
    #[schemars(length(min = 1, max = 200))]
    pub invitation: String,
    #[schemars(length(min = 3, max = 254))]
    pub email: String,
    #[schemars(length(min = 8, max = 256))]
    pub password: String,
    #[schemars(length(max = 200))]
    pub name: Option<String>,
}

/// `POST /v1/public/signup`: a new business and its first owner.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schemars(length(min = 1, max = 200))]
    pub business_name: String,
    /// An IANA name ("America/Chicago") or an offset ("-06:00"); UTC when
    /// left out.
    #[schemars(length(max = 100))]
    pub time_zone: Option<String>,
    #[schemars(length(min = 3, max = 254))]
    pub email: String,
    #[schemars(length(min = 8, max = 256))]
    pub password: String,
    #[schemars(length(max = 200))]
    pub name: Option<String>,
}

/// An owner account.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Owner {
    pub id: String,
    pub business_id: String,
    pub email: String,
    pub name: Option<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

/// A signed-in owner's session.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OwnerSession {
    /// `Authorization: Bearer <access_token>` on the owner routes.
    pub access_token: String,
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    pub owner: Owner,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Done {
    pub message: String,
}

/// A service as the owner sees and sets it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceRecord {
    /// Lowercase letters, digits and `-`.
    #[schemars(length(min = 1, max = 40))]
    pub id: String,
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// Other words customers use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A multiple of 5, 5 to 720.
    pub duration_minutes: u32,
    /// Kept free after it: a multiple of 5, 0 to 240.
    #[serde(default)]
    pub buffer_minutes: u32,
    pub price_cents: Option<i64>,
}

/// `PUT /v1/owner/services`: the whole list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesUpdate {
    pub services: Vec<ServiceRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ServiceList {
    pub services: Vec<ServiceRecord>,
}

/// The business as its owner sees it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BusinessProfile {
    pub id: String,
    pub name: String,
    pub time_zone: String,
    /// `{"mon": [["09:00", "17:00"]], ...}`; a missing day is closed.
    pub hours: serde_json::Value,
    /// Local dates closed all day.
    pub holidays: Vec<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Told of bookings and messages; called when a customer asks for a
    /// person.
    pub owner_phone: Option<String>,
    /// The Twilio numbers that reach the business.
    pub numbers: Vec<String>,
    /// Names the business to the chat widget.
    pub widget_token: Option<String>,
    /// The assistant is stopped on every channel.
    pub lockdown_mode: bool,
    pub services: Vec<ServiceRecord>,
}

/// `PATCH /v1/owner/business`: any of these.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessUpdate {
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[schemars(length(min = 1, max = 100))]
    pub time_zone: Option<String>,
    pub hours: Option<serde_json::Value>,
    pub holidays: Option<Vec<String>>,
    #[schemars(length(max = 300))]
    pub address: Option<String>,
    #[schemars(length(max = 40))]
    pub phone: Option<String>,
    #[schemars(length(max = 40))]
    pub owner_phone: Option<String>,
}

/// Who an appointment is for.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ContactRef {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AppointmentRecord {
    pub id: String,
    pub service_id: String,
    pub service: String,
    /// `booked`, `cancelled`, `completed` or `no_show`.
    pub status: String,
    pub start: String,
    pub end: String,
    /// `voice`, `sms`, `chat`, `calendar` or `owner`.
    pub source: String,
    pub notes: Option<String>,
    pub contact: Option<ContactRef>,
    /// The event written to the business's Google Calendar.
    pub google_event_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AppointmentList {
    pub from: String,
    pub to: String,
    pub appointments: Vec<AppointmentRecord>,
}

/// `POST /v1/owner/appointments`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointmentRequest {
    #[schemars(length(min = 1, max = 40))]
    pub service_id: String,
    /// RFC 3339, or a wall time without offset read in the business's zone.
    #[schemars(length(min = 1, max = 40))]
    pub start: String,
    #[schemars(length(max = 100))]
    pub name: Option<String>,
    #[schemars(length(max = 40))]
    pub phone: Option<String>,
    #[schemars(length(max = 1000))]
    pub notes: Option<String>,
}

/// `PATCH /v1/owner/appointments/{appointment_id}`: a new start (a move),
/// or a new status, not both; notes with either or alone.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentUpdate {
    /// RFC 3339, or a wall time read in the business's zone.
    #[schemars(length(min = 1, max = 40))]
    pub start: Option<String>,
    /// `cancelled`, `completed` or `no_show`, from `booked`.
    pub status: Option<String>,
    #[schemars(length(max = 1000))]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ContactRecord {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Texted STOP: nothing more is sent to them.
    pub opted_out: bool,
    pub created_at: String,
    /// Appointments ever made for them.
    pub appointments: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ContactList {
    pub total: i64,
    pub contacts: Vec<ContactRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ConversationSummary {
    pub id: String,
    /// `voice`, `sms` or `chat`.
    pub channel: String,
    /// `open`, `closed` or `handed_over`.
    pub status: String,
    pub turns: i64,
    pub contact: Option<ContactRef>,
    pub started_at: String,
    pub updated_at: String,
    /// The latest thing said.
    pub last_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ConversationList {
    pub conversations: Vec<ConversationSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TranscriptTurn {
    /// `caller` or `assistant`.
    pub role: String,
    pub text: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct FeedbackRecord {
    pub id: String,
    pub rating: Option<i64>,
    pub text: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ConversationDetail {
    #[serde(flatten)]
    pub summary: ConversationSummary,
    pub transcript: Vec<TranscriptTurn>,
    pub feedback: Vec<FeedbackRecord>,
}

/// A message a customer left for the owner.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LeftMessage {
    pub id: String,
    pub conversation_id: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LeftMessageList {
    pub messages: Vec<LeftMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WidgetTokenAnswer {
    /// The new token; the old one no longer names the business.
    pub widget_token: String,
}

/// Whether the business's Google Calendar is connected and watched.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CalendarStatus {
    pub connected: bool,
    pub calendar_id: Option<String>,
    /// A push channel is registered and not expired.
    pub watching: bool,
    pub channel_expires_at: Option<String>,
    /// A full sync has run (there is a sync token).
    pub synced: bool,
    /// Busy times from the calendar still ahead.
    pub busy_times_ahead: i64,
}

/// `POST /v1/owner/lockdown`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockdownRequest {
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LockdownAnswer {
    pub business_id: String,
    pub lockdown_mode: bool,
}

/// What a business still lacks before the assistant can take bookings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Onboarding {
    pub has_hours: bool,
    pub has_services: bool,
    pub has_number: bool,
    pub has_calendar: bool,
    pub has_owner: bool,
    /// All of the above but the calendar, which is optional.
    pub ready: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BusinessOverview {
    pub id: String,
    pub name: String,
    pub time_zone: String,
    pub lockdown_mode: bool,
    pub created_at: String,
    pub numbers: Vec<String>,
    pub twilio_token_secret: String,
    pub owners: i64,
    pub onboarding: Onboarding,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BusinessOverviewList {
    pub businesses: Vec<BusinessOverview>,
}

/// `PATCH /v1/admin/businesses/{business_id}`: any of these.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminBusinessUpdate {
    pub lockdown_mode: Option<bool>,
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// The Twilio numbers (E.164) that reach the business: the whole list.
    pub numbers: Option<Vec<String>>,
    /// The name of the secret holding its Twilio auth token.
    #[schemars(length(min = 1, max = 64))]
    pub twilio_token_secret: Option<String>,
    /// Its Google calendar; null disconnects it.
    #[schemars(length(max = 254))]
    pub google_calendar_id: Option<String>,
    /// The name of the secret holding its Google refresh token.
    #[schemars(length(min = 1, max = 64))]
    pub google_refresh_token_secret: Option<String>,
}

/// `POST /v1/admin/businesses/{business_id}/invitations`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// Only this email may use it; any email when left out.
    #[schemars(length(max = 254))]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct InvitationAnswer {
    /// Give it to the owner for `POST /v1/auth/register`; shown once.
    pub invitation: String,
    pub business_id: String,
    pub email: Option<String>,
    pub expires_at: String,
}

/// `POST /v1/feedback`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// The conversation (the widget's session id).
    #[schemars(length(min = 1, max = 100))]
    pub conversation_id: String,
    /// 1 to 5.
    pub rating: Option<i64>,
    #[schemars(length(max = 2000))]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct FeedbackAnswer {
    pub id: String,
    pub conversation_id: String,
}
