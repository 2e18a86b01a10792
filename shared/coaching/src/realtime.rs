//! The realtime coach's protocol, whatever carries it: a WebSocket held by
//! a Durable Object on Cloudflare, or one HTTP request answered with
//! server-sent events on Spin. Messages are HelloSales' `{type, payload}`
//! frames; [`handle`] takes one inbound frame, updates the connection's
//! state and sends every answer through the [`Link`] as it happens.
//!
//! Before `auth`, only `ping` is answered; anything else is refused with
//! `NOT_AUTHENTICATED`. Malformed JSON, a frame without a type or of an
//! unknown type get an `error` frame naming what was wrong; the
//! connection stays open. A failed `auth` is answered `auth.error` and the
//! connection is closed (4401).

use crate::feedback::{self, FeedbackEvent};
use crate::pipeline::projector::Projector;
use crate::pipeline::run::{self, Ended, Link, Run};
use crate::practice;
use crate::providers::speech::{Stt, Tts};
use crate::tenancy::{self, Caller};
use crate::{sessions, sso};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::times;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What a connection remembers between frames: small, so a Durable Object
/// keeps it with its hibernating socket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Conn {
    pub caller: Option<Caller>,
    /// web or native.
    pub platform: Option<String>,
    /// The practice session the connection is in.
    pub session_id: Option<String>,
    /// A voice recording under way (its audio is the link's).
    pub recording: Option<Recording>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Recording {
    pub format: String,
    pub request_id: Option<String>,
}

/// Where a connection's frames go, with what a transport keeps besides
/// the state: a voice recording's audio, and closing.
#[allow(async_fn_in_trait)]
pub trait Connection: Link {
    /// Closes the connection with a code and reason (a WebSocket close; the
    /// end of the event stream).
    fn close(&self, code: u16, reason: &str);
    /// Appends to the audio of the recording under way; refused (with
    /// why) when the transport keeps none (one request per message) or the
    /// recording is over [`MAX_AUDIO_BYTES`].
    fn push_audio(&self, bytes: &[u8]) -> Result<(), String>;
    /// The recording's audio, taken.
    fn take_audio(&self) -> Vec<u8>;
    /// A cancel for `run_id` came in on this transport: a reply it is
    /// streaming may stop without asking the database.
    fn note_cancel(&self, run_id: &str) {
        let _ = run_id;
    }
}

/// Largest recording taken (25 MB, Whisper's limit).
pub const MAX_AUDIO_BYTES: usize = 25 * 1024 * 1024;

fn text<'a>(payload: &'a Value, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| payload.get(*n).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Handles one inbound frame.
pub async fn handle<P: Platform, C: Connection>(p: &P, link: &C, conn: &mut Conn, frame: &str) {
    let base = Projector {
        org_id: conn.caller.as_ref().map(|c| c.organization_id.clone()),
        session_id: conn.session_id.clone(),
        ..Projector::default()
    };
    let Ok(v) = serde_json::from_str::<Value>(frame) else {
        link.send(base.error("INVALID_JSON", "Message must be valid JSON"));
        return;
    };
    let Some(kind) = v.get("type").and_then(Value::as_str) else {
        link.send(base.error("INVALID_MESSAGE", "Message must include 'type' field"));
        return;
    };
    let payload = v.get("payload").cloned().unwrap_or_else(|| json!({}));
    let request_id = text(&payload, &["requestId", "request_id"])
        .or_else(|| text(&v, &["requestId"]))
        .map(str::to_string);
    let proj = Projector {
        request_id: request_id.clone(),
        ..base
    };
    match kind {
        "ping" => return link.send(proj.frame("pong", None)),
        "auth" => return auth(p, link, conn, &payload, &proj).await,
        _ => {}
    }
    if !KNOWN.contains(&kind) {
        return link.send(proj.error(
            "UNKNOWN_MESSAGE_TYPE",
            &format!("Unknown message type: {kind}"),
        ));
    }
    let Some(caller) = conn.caller.clone() else {
        return link.send(proj.error("NOT_AUTHENTICATED", "Must authenticate first"));
    };
    let result = match kind {
        "chat.typed" | "chat.message" | "chat" | "sailwind.practice.message" => {
            chat(p, link, conn, &caller, &payload, &proj).await
        }
        "session.start" | "sailwind.practice.start" => {
            start(p, link, conn, &caller, &payload, &proj).await
        }
        "session.resume" | "session.switch" => {
            resume(p, link, conn, &caller, &payload, &proj).await
        }
        "session.end" | "sailwind.practice.end" => {
            end(p, link, conn, &caller, &payload, &proj).await
        }
        "session.list" => sessions::list(p, &caller).await.map(|s| {
            link.send(proj.frame("session.list", Some(json!({"sessions": s}))));
        }),
        "voice.start" => voice_start(link, conn, &payload, &proj),
        "voice.chunk" => voice_chunk(link, conn, &payload, &proj),
        "voice.end" => voice_end(p, link, conn, &caller, &payload, &proj).await,
        "voice.recording" => voice_once(p, link, conn, &caller, &payload, &proj).await,
        "voice.cancel" => {
            if conn.recording.take().is_some() {
                link.take_audio();
                link.send(proj.status("mic", "cancelled", json!({})));
            }
            Ok(())
        }
        "feedback.message_flag" | "feedback.report" => {
            feedback_frame(p, link, conn, &caller, kind, &payload, &proj).await
        }
        "pipeline.cancel_requested" | "pipeline.cancel" => {
            cancel(p, link, &caller, &payload, &proj).await
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        link.send(proj.error(code_of(&e), &e.message));
    }
}

/// Every type answered after `auth`.
pub const KNOWN: [&str; 20] = [
    "chat",
    "chat.typed",
    "chat.message",
    "sailwind.practice.message",
    "session.start",
    "sailwind.practice.start",
    "session.resume",
    "session.switch",
    "session.end",
    "sailwind.practice.end",
    "session.list",
    "voice.start",
    "voice.chunk",
    "voice.end",
    "voice.recording",
    "voice.cancel",
    "feedback.message_flag",
    "feedback.report",
    "pipeline.cancel_requested",
    "pipeline.cancel",
];

fn code_of(e: &ApiError) -> &'static str {
    match e.status() {
        404 => "NOT_FOUND",
        403 => "FORBIDDEN",
        409 => "CONFLICT",
        400 | 422 => "INVALID_PAYLOAD",
        503 => "UNAVAILABLE",
        _ => "SERVER_ERROR",
    }
}

async fn auth<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    payload: &Value,
    proj: &Projector,
) {
    let Some(token) = text(payload, &["token"]) else {
        link.send(proj.frame(
            "auth.error",
            Some(json!({"code": "MISSING_TOKEN", "message": "Authentication token is required"})),
        ));
        return link.close(4401, "authentication failed");
    };
    let caller = match sso::identify(p, token).await {
        Ok(identity) => tenancy::admit(p, &identity).await,
        Err(e) => Err(e),
    };
    let caller = match caller {
        Ok(c) => c,
        Err(e) => {
            let code = match e.status() {
                401 => "INVALID_TOKEN",
                503 => "AUTH_UNAVAILABLE",
                _ => "AUTH_ERROR",
            };
            link.send(proj.frame(
                "auth.error",
                Some(json!({"code": code, "message": e.message})),
            ));
            return link.close(4401, "authentication failed");
        }
    };
    conn.platform = text(payload, &["platform"])
        .filter(|p| *p == "web" || *p == "native")
        .map(str::to_string);
    // A session named here is resumed when it is the caller's.
    if let Some(s) = text(payload, &["sessionId", "session_id"]) {
        conn.session_id = practice::find(p, &caller, s).await.ok().map(|s| s.id);
    }
    let proj = Projector {
        org_id: Some(caller.organization_id.clone()),
        ..proj.clone()
    };
    link.send(proj.frame(
        "auth.success",
        Some(
            json!({"userId": caller.user_id, "sessionId": conn.session_id,
                    "orgId": caller.organization_id, "role": caller.role.as_str()}),
        ),
    ));
    link.send(proj.status("ws", "connected", json!({})));
    conn.caller = Some(caller);
}

/// The practice session a frame is about: its own `sessionId`, else the
/// connection's.
async fn session_of<P: Platform>(
    p: &P,
    conn: &Conn,
    caller: &Caller,
    payload: &Value,
) -> Result<practice::PracticeSession, ApiError> {
    let id = text(payload, &["sessionId", "practiceSessionId", "session_id"])
        .map(str::to_string)
        .or_else(|| conn.session_id.clone())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "no practice session: send session.start (strategyId) or name sessionId",
            )
        })?;
    practice::find(p, caller, &id).await
}

async fn chat<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let content = payload
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| ApiError::unprocessable("content is required and cannot be empty"))?;
    let session = session_of(p, conn, caller, payload).await?;
    conn.session_id = Some(session.id.clone());
    let mut run = Run::start(p, caller, &session.id, proj.request_id.clone(), "chat").await?;
    run::turn(p, link, &mut run, caller, &session.id, content, "text").await;
    Ok(())
}

async fn start<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let strategy = text(payload, &["strategyId", "strategy_id"])
        .ok_or_else(|| ApiError::unprocessable("strategyId is required"))?;
    let assignment = text(payload, &["repAssignmentId", "rep_assignment_id"]);
    let session = practice::begin(p, caller, strategy, assignment).await?;
    conn.session_id = Some(session.id.clone());
    let proj = Projector {
        session_id: Some(session.id.clone()),
        ..proj.clone()
    };
    link.send(proj.frame(
        "session.started",
        Some(
            json!({"sessionId": session.id, "practiceSessionId": session.id,
                    "chatSessionId": session.id, "strategyId": session.strategy_id,
                    "status": session.status}),
        ),
    ));
    link.send(proj.status(
        "sailwind",
        "started",
        json!({"operation": "practice.start", "practiceSessionId": session.id}),
    ));
    Ok(())
}

async fn resume<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let session = session_of(p, conn, caller, payload).await?;
    let limit = payload
        .get("limit")
        .and_then(Value::as_i64)
        .unwrap_or(40)
        .clamp(1, 200);
    let (messages, has_more) = sessions::replay(p, caller, &session.id, limit).await?;
    conn.session_id = Some(session.id.clone());
    link.send(proj.frame(
        "session.switched",
        Some(
            json!({"sessionId": session.id, "practiceSessionId": session.id,
                    "status": session.status, "strategyId": session.strategy_id,
                    "messages": messages, "hasMore": has_more}),
        ),
    ));
    Ok(())
}

async fn end<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let session = session_of(p, conn, caller, payload).await?;
    let ended = practice::end(p, caller, &session.id).await?;
    if conn.session_id.as_deref() == Some(&session.id) {
        conn.session_id = None;
    }
    link.send(proj.frame(
        "session.ended",
        Some(json!({"sessionId": ended.id, "status": ended.status, "endedAt": ended.ended_at})),
    ));
    Ok(())
}

fn voice_start<C: Connection>(
    link: &C,
    conn: &mut Conn,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let format = text(payload, &["format"])
        .unwrap_or("webm")
        .to_ascii_lowercase();
    link.take_audio();
    conn.recording = Some(Recording {
        format: format.clone(),
        request_id: proj.request_id.clone(),
    });
    if let Some(s) = text(payload, &["sessionId"]) {
        conn.session_id = Some(s.to_string());
    }
    link.send(proj.status(
        "mic",
        "recording",
        json!({"sessionId": conn.session_id, "format": format}),
    ));
    Ok(())
}

fn decode_audio(data: &str) -> Result<Vec<u8>, ApiError> {
    let data = data.split_once(";base64,").map_or(data, |(_, d)| d);
    STANDARD
        .decode(data.trim())
        .map_err(|_| ApiError::unprocessable("audio data must be base64"))
}

fn voice_chunk<C: Connection>(
    link: &C,
    conn: &mut Conn,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    if conn.recording.is_none() {
        link.send(proj.error(
            "NO_ACTIVE_RECORDING",
            "No active recording. Call voice.start first.",
        ));
        return Ok(());
    }
    let bytes = decode_audio(text(payload, &["data", "audio"]).unwrap_or(""))?;
    link.push_audio(&bytes).map_err(|why| {
        conn.recording = None;
        link.take_audio();
        ApiError::unprocessable(why)
    })
}

async fn voice_end<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let Some(rec) = conn.recording.take() else {
        link.send(proj.error("NO_ACTIVE_RECORDING", "No active recording to process"));
        return Ok(());
    };
    let audio = link.take_audio();
    link.send(proj.status("mic", "stopped", json!({"bytes": audio.len()})));
    voice_turn(p, link, conn, caller, payload, proj, &audio, &rec.format).await
}

async fn voice_once<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let data = text(payload, &["audioData", "data"])
        .ok_or_else(|| ApiError::unprocessable("Missing audioData"))?;
    let format = data
        .strip_prefix("data:audio/")
        .and_then(|r| r.split([';', ',']).next())
        .or_else(|| text(payload, &["format"]))
        .unwrap_or("wav")
        .to_ascii_lowercase();
    let audio = decode_audio(data)?;
    voice_turn(p, link, conn, caller, payload, proj, &audio, &format).await
}

#[allow(clippy::too_many_arguments)]
async fn voice_turn<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &mut Conn,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
    audio: &[u8],
    format: &str,
) -> Result<(), ApiError> {
    if audio.len() > MAX_AUDIO_BYTES {
        return Err(ApiError::unprocessable("the recording is over 25 MB"));
    }
    let session = session_of(p, conn, caller, payload).await?;
    conn.session_id = Some(session.id.clone());
    let mut run = Run::start(p, caller, &session.id, proj.request_id.clone(), "voice").await?;
    let stt = Stt::from_settings(p).await;
    let t0 = p.now_ms();
    let heard = stt.transcribe(p, audio, format).await;
    let ms = p.now_ms() - t0;
    let proj = run.projector.clone();
    let transcript = match heard {
        Ok(t) => {
            run.stage(p, "stt", "completed", ms, stt.stub_reason.clone())
                .await;
            t
        }
        Err(e) => {
            run.stage(p, "stt", "failed", ms, Some(e.0.clone())).await;
            link.send(proj.error("STT_ERROR", &e.0));
            run.finish(p, "failed", None, None, None, Some(&e.0)).await;
            return Ok(());
        }
    };
    link.send(proj.frame(
        "voice.transcript",
        Some(
            json!({"sessionId": session.id, "transcript": transcript.text,
                    "confidence": transcript.confidence, "durationMs": transcript.duration_ms,
                    "provider": stt.name(), "stub": stt.stub_reason.is_some()}),
        ),
    ));
    if transcript.text.is_empty() {
        link.send(proj.status(
            "pipeline",
            "cancelled",
            json!({"reason": "No speech detected - empty transcript", "cancelled_by_stage": "stt"}),
        ));
        link.send(proj.frame(
            "voice.complete",
            Some(
                json!({"sessionId": session.id, "success": true, "cancelled": true,
                        "cancelledReason": "no_speech", "pipelineRunId": run.id}),
            ),
        ));
        run.finish(p, "canceled", None, None, None, Some("no speech"))
            .await;
        return Ok(());
    }
    let ended = run::turn(
        p,
        link,
        &mut run,
        caller,
        &session.id,
        &transcript.text,
        "voice",
    )
    .await;
    let Ended::Replied {
        message_id,
        content,
    } = ended
    else {
        return Ok(());
    };
    let tts = Tts::from_settings(p).await;
    let t0 = p.now_ms();
    match tts.synthesize(p, &content).await {
        Ok(speech) => {
            run.event(
                p,
                "tts.completed",
                json!({"provider": tts.name(), "ms": p.now_ms() - t0}),
            )
            .await;
            link.send(proj.frame(
                "voice.audio",
                Some(json!({"sessionId": session.id, "messageId": message_id,
                            "data": STANDARD.encode(&speech.audio), "format": speech.format,
                            "durationMs": speech.duration_ms, "provider": tts.name(),
                            "stub": tts.stub_reason.is_some()})),
            ));
        }
        Err(e) => {
            run.event(p, "tts.failed", json!({"error": e.0})).await;
            link.send(proj.error("TTS_DEGRADED", &e.0));
        }
    }
    link.send(proj.frame(
        "voice.complete",
        Some(
            json!({"sessionId": session.id, "messageId": message_id, "success": true,
                    "role": "assistant", "inputType": "voice", "transcript": transcript.text,
                    "content": content, "requestId": proj.request_id, "pipelineRunId": run.id}),
        ),
    ));
    Ok(())
}

async fn feedback_frame<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    conn: &Conn,
    caller: &Caller,
    kind: &str,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let choice = |name: &str, choices: &[&str]| -> Result<Option<String>, ApiError> {
        match text(payload, &[name]) {
            None => Ok(None),
            Some(v) if choices.contains(&v) => Ok(Some(v.to_string())),
            Some(_) => Err(ApiError::unprocessable(format!(
                "{name} must be one of: {}",
                choices.join(", ")
            ))),
        }
    };
    let category = choice("category", &feedback::CATEGORIES)?
        .ok_or_else(|| ApiError::unprocessable("category is required"))?;
    let name =
        text(payload, &["name"]).ok_or_else(|| ApiError::unprocessable("name is required"))?;
    if name.chars().count() > 150 {
        return Err(ApiError::unprocessable(
            "name must be at most 150 characters",
        ));
    }
    let flag = kind == "feedback.message_flag";
    let interaction = text(payload, &["interactionId"]).map(str::to_string);
    if flag && interaction.is_none() {
        return Err(ApiError::unprocessable("interactionId is required"));
    }
    let time_bucket = choice("timeBucket", &feedback::TIME_BUCKETS)?;
    if !flag && time_bucket.is_none() {
        return Err(ApiError::unprocessable("timeBucket is required"));
    }
    let description =
        text(payload, &["shortReason", "description"]).map(|s| s.chars().take(5000).collect());
    let event = FeedbackEvent {
        id: edgedesk_kernel::db::new_id(p),
        user_id: caller.user_id.clone(),
        kind: if flag { "flag" } else { "report" }.into(),
        category,
        name: name.to_string(),
        description,
        scope: choice("scope", &feedback::SCOPES)?,
        time_bucket,
        session_id: text(payload, &["sessionId"])
            .map(str::to_string)
            .or_else(|| conn.session_id.clone()),
        interaction_id: interaction,
        created_at: times::iso(p.now_ms()),
    };
    feedback::record(p, caller, &event).await?;
    link.send(proj.frame(
        "feedback.ack",
        Some(json!({"success": true, "feedbackId": event.id, "requestId": proj.request_id})),
    ));
    Ok(())
}

async fn cancel<P: Platform, C: Connection>(
    p: &P,
    link: &C,
    caller: &Caller,
    payload: &Value,
    proj: &Projector,
) -> Result<(), ApiError> {
    let run_id = text(payload, &["pipelineRunId", "pipeline_run_id"])
        .ok_or_else(|| ApiError::unprocessable("pipelineRunId is required"))?;
    let status = sessions::request_cancel(p, caller, run_id).await?;
    link.note_cancel(run_id);
    let proj = Projector {
        run_id: Some(run_id.to_string()),
        ..proj.clone()
    };
    link.send(proj.status(
        "pipeline",
        if status == "running" {
            "cancel_requested"
        } else {
            &status
        },
        json!({"pipelineRunId": run_id}),
    ));
    Ok(())
}

/// The protocol over one HTTP request (`POST /api/v1/realtime/messages`),
/// for runtimes without inbound WebSockets: the body is one message, the
/// caller its bearer token (or the `auth` message's), the answer every
/// frame it causes as server-sent events. Each request stands alone: the
/// session is named in the message (`sessionId`), a recording is sent
/// whole (`voice.recording`), and a reply is cancelled from another
/// request (`pipeline.cancel_requested`), which the streaming reply hears
/// through the database.
pub mod http {
    use super::{Conn, Connection, handle};
    use crate::compat;
    use crate::pipeline::run::{Link, cancel_requested};
    use crate::tenancy;
    use edgedesk_core::envelope::ApiError;
    use edgedesk_kernel::{Platform, Request, Response, body};
    use std::cell::{Cell, RefCell};

    /// How often a reply asks the database whether it was cancelled.
    pub const CANCEL_POLL_MS: i64 = 250;

    /// One request's frames, each passed to `out` as it is made.
    pub struct Frames<'a, P, F: Fn(String)> {
        pub p: &'a P,
        pub out: F,
        pub closed: Cell<bool>,
        checked_ms: Cell<i64>,
        cancelled: Cell<bool>,
    }

    impl<'a, P, F: Fn(String)> Frames<'a, P, F> {
        pub fn new(p: &'a P, out: F) -> Self {
            Frames {
                p,
                out,
                closed: Cell::new(false),
                checked_ms: Cell::new(i64::MIN / 2),
                cancelled: Cell::new(false),
            }
        }
    }

    impl<P: Platform, F: Fn(String)> Link for Frames<'_, P, F> {
        fn send(&self, frame: String) {
            if !self.closed.get() {
                (self.out)(sse(&frame));
            }
        }

        async fn cancelled(&self, run_id: &str) -> bool {
            if self.cancelled.get() {
                return true;
            }
            let now = self.p.now_ms();
            if now - self.checked_ms.get() < CANCEL_POLL_MS {
                return false;
            }
            self.checked_ms.set(now);
            let c = cancel_requested(self.p, run_id).await;
            self.cancelled.set(c);
            c
        }
    }

    impl<P: Platform, F: Fn(String)> Connection for Frames<'_, P, F> {
        fn close(&self, _code: u16, _reason: &str) {
            self.closed.set(true);
        }

        fn push_audio(&self, _bytes: &[u8]) -> Result<(), String> {
            Err(
                "over HTTP each message stands alone: send voice.recording with the whole audio"
                    .into(),
            )
        }

        fn take_audio(&self) -> Vec<u8> {
            Vec::new()
        }
    }

    /// A frame as one server-sent event, named for its type.
    pub fn sse(frame: &str) -> String {
        let kind = serde_json::from_str::<serde_json::Value>(frame)
            .ok()
            .and_then(|v| v["type"].as_str().map(str::to_string))
            .unwrap_or_else(|| "message".into());
        format!("event: {kind}\ndata: {frame}\n\n")
    }

    /// Checks the request before any frame is sent: the body is one
    /// message, and every type but `auth` needs the caller's token. The
    /// connection state to run it with, or the refusal to answer.
    pub async fn open<P: Platform>(p: &P, req: &Request) -> Result<(Conn, String), Response> {
        let text = body::bytes(req)
            .ok()
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::to_string)
            .ok_or_else(|| {
                compat::refusal(&ApiError::invalid(
                    "the body must be one message as UTF-8 JSON",
                ))
            })?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            compat::refusal(&ApiError::invalid(format!("the body is not JSON: {e}")))
        })?;
        let named = v["type"]
            .as_str()
            .is_some_and(|t| !t.is_empty() && t.len() <= 64);
        if !v.is_object() || !named {
            return Err(compat::refusal(&ApiError::unprocessable(
                "the body must be one message: {\"type\": ..., \"payload\": {...}}",
            )));
        }
        if !(v["payload"].is_null() || v["payload"].is_object()) {
            return Err(compat::refusal(&ApiError::unprocessable(
                "payload must be an object",
            )));
        }
        let mut conn = Conn::default();
        if v["type"] != "auth" {
            let caller = tenancy::caller(p, req)
                .await
                .map_err(|e| compat::refusal(&e))?;
            conn.caller = Some(caller);
        }
        Ok((conn, text))
    }

    /// Runs one message, buffering its frames: the answer whole, for a
    /// runtime that cannot stream it (the Worker, whose clients use
    /// `GET /ws`).
    pub async fn answer<P: Platform>(p: &P, req: &Request) -> Response {
        let (mut conn, text) = match open(p, req).await {
            Ok(opened) => opened,
            Err(refused) => return refused,
        };
        let body = RefCell::new(String::new());
        let link = Frames::new(p, |event: String| body.borrow_mut().push_str(&event));
        handle(p, &link, &mut conn, &text).await;
        let mut res = Response::empty(200);
        res.body = body.into_inner().into_bytes();
        res.set_header("content-type", "text/event-stream; charset=utf-8");
        res.set_header("cache-control", "no-store");
        res
    }
}
