//! What the receptionist's JSON routes read and write.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    pub widget_token: Option<String>,
}

/// `POST /v1/widget/message`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetMessage {
    pub session_id: String,
    /// At most 1000 characters.
    pub text: String,
    /// The client's id for this message: sent again, the same answer comes
    /// back and nothing is done twice.
    pub message_id: Option<String>,
    pub widget_token: Option<String>,
}

/// `POST /v1/chat/message`, from a signed client.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientMessage {
    pub business_id: String,
    /// Omit to start a conversation.
    pub session_id: Option<String>,
    pub text: String,
    /// The customer's number, when the client knows it.
    pub phone: Option<String>,
    pub name: Option<String>,
    pub message_id: Option<String>,
}

/// `POST /v1/voice/turn`: one turn of a call through any telephony
/// provider: text, or audio for the speech-to-text provider.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceTurn {
    pub business_id: String,
    /// The provider's id of the call; the first turn of a call greets.
    pub call_id: String,
    pub text: Option<String>,
    /// Base64 audio, when no text is given.
    pub audio: Option<String>,
    /// Its media type (`audio/wav`, ...).
    pub audio_type: Option<String>,
    /// The caller's number.
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
