//! The provider-neutral voice turn (`POST /v1/voice/turn`): text or audio
//! in, the engine's reply out as text, SSML and (when the provider makes
//! it) audio. Speech-to-text and text-to-speech sit behind traits; the
//! built-in providers read audio that is UTF-8 text as its own transcript
//! and leave speaking to the caller's telephony (SSML only), which is what
//! a deployment without a speech service can honestly do.

use crate::business;
use crate::conversations::{self, Conversation};
use crate::engine::{Action, Channel, Reply};
use crate::model::{Audio, VoiceReply};
use crate::turn::{self, Inbound};
use crate::twiml::escape;
use crate::words;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, Response};

/// Turns a caller's audio into text.
pub trait SpeechToText {
    fn transcribe(&self, audio: &[u8], audio_type: &str) -> Result<String, ApiError>;
}

/// Turns a reply into audio; `None` when the provider leaves speaking to
/// the telephony (which reads the SSML).
pub trait TextToSpeech {
    fn synthesize(&self, ssml: &str) -> Result<Option<Audio>, ApiError>;
}

/// Reads `text/plain` audio as its own transcript: for tests and for
/// telephony that transcribes before calling.
pub struct TranscriptSpeech;

impl SpeechToText for TranscriptSpeech {
    fn transcribe(&self, audio: &[u8], audio_type: &str) -> Result<String, ApiError> {
        if !audio_type.starts_with("text/plain") {
            return Err(ApiError::new(
                edgedesk_core::envelope::ErrorCode::NotConfigured,
                format!(
                    "no speech-to-text provider is configured for {audio_type}; send text, or audio of type text/plain"
                ),
            ));
        }
        String::from_utf8(audio.to_vec())
            .map_err(|_| ApiError::unprocessable("audio of type text/plain must be UTF-8"))
    }
}

impl TextToSpeech for TranscriptSpeech {
    fn synthesize(&self, _ssml: &str) -> Result<Option<Audio>, ApiError> {
        Ok(None)
    }
}

/// The reply as SSML.
pub fn ssml(text: &str) -> String {
    format!("<speak>{}</speak>", escape(text))
}

fn voice_json(
    reply: &Reply,
    conv: &Conversation,
    heard: &str,
    transfer: Option<&str>,
    tts: &dyn TextToSpeech,
) -> Response {
    let ssml = ssml(&reply.text);
    let audio = tts.synthesize(&ssml).ok().flatten();
    let answer = VoiceReply {
        call_id: conv.external_id.clone(),
        heard: heard.to_string(),
        reply: reply.text.clone(),
        ssml,
        audio,
        end: reply.end,
        transfer_to: matches!(reply.action, Some(Action::Handover))
            .then(|| transfer.map(str::to_string))
            .flatten(),
    };
    Response::json(200, &serde_json::to_value(&answer).unwrap_or_default())
}

/// `POST /v1/voice/turn`.
pub async fn turn<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let speech = TranscriptSpeech;
    let input = Input::body(
        req,
        &[
            "business_id",
            "call_id",
            "text",
            "audio",
            "audio_type",
            "caller",
        ],
    )?;
    let id = input.required_text("business_id", 100)?;
    let call = input.required_text("call_id", 200)?;
    let b = business::by_id(p, &id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("no business has the id {id}")))?;
    b.answering()?;
    let caller = match input.text("caller", 40)? {
        Some(raw) => Some(words::phone(&raw).ok_or_else(|| {
            ApiError::unprocessable("caller must be a phone number, such as +13125550147")
        })?),
        None => None,
    };
    // Every field is checked, even those a turn with text does not use.
    let audio_type = input.text("audio_type", 100)?;
    let heard = match (
        input.text("text", crate::chat::MAX_TEXT)?,
        input.text("audio", 1_000_000)?,
    ) {
        (Some(t), _) => t,
        (None, Some(a)) => {
            let bytes = STANDARD
                .decode(a.as_bytes())
                .map_err(|_| ApiError::unprocessable("audio must be base64"))?;
            let kind = audio_type.unwrap_or_else(|| "audio/wav".into());
            speech.transcribe(&bytes, &kind)?
        }
        (None, None) => String::new(),
    };
    let inbound = Inbound {
        channel: Channel::Voice,
        external_id: &call,
        caller: caller.as_deref(),
        delivery: None,
    };
    let owner = b.owner_phone.clone();
    let render = |reply: &Reply, conv: &Conversation, _: Option<&str>| {
        voice_json(reply, conv, &heard, owner.as_deref(), &speech)
    };
    let conv = conversations::latest(p, &b.id, Channel::Voice, &call, 0).await?;
    Ok(match conv {
        Some(conv) => {
            turn::take(p, &b, inbound, Some(conv), &heard, &render)
                .await?
                .1
        }
        None => turn::open(p, &b, inbound, &render).await?.2,
    }
    .for_business(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use edgedesk_kernel::testing::TestPlatform;
    use futures::executor::block_on;
    use serde_json::{Value, json};

    fn salon() -> TestPlatform {
        let p = TestPlatform::new().scoped(&crate::PRODUCT);
        let sql = sample::sql(p.now.get());
        p.with_db(|c| c.execute_batch(&sql)).unwrap().unwrap();
        p
    }

    fn say(p: &TestPlatform, body: Value) -> Result<Value, ApiError> {
        let req = Request::new("POST", "/v1/voice/turn").with_body(body.to_string());
        let res = block_on(turn(p, &req))?;
        Ok(serde_json::from_slice(&res.body).unwrap())
    }

    #[test]
    fn a_turn_reads_text_or_plain_text_audio_and_checks_every_field() {
        let p = salon();
        let call = |extra: Value| {
            let mut body = json!({"business_id": sample::BUSINESS, "call_id": "call-1"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        let greeting = say(&p, call(json!({"text": ""}))).unwrap();
        assert!(greeting["reply"].as_str().unwrap().contains("Demo Salon"));
        let heard = say(
            &p,
            call(json!({"audio": STANDARD.encode("what are your hours"), "audio_type": "text/plain"})),
        )
        .unwrap();
        assert_eq!(heard["heard"], "what are your hours");
        // A field a turn with text does not use is still checked.
        let err = say(&p, call(json!({"text": "hi", "audio_type": {}}))).unwrap_err();
        assert_eq!(err.status(), 422);
        // Audio no provider here can read: 503 naming what is missing.
        let err = say(&p, call(json!({"audio": STANDARD.encode("RIFF")}))).unwrap_err();
        assert_eq!(err.status(), 503);
    }
}
