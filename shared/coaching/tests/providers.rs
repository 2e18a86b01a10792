//! The model and speech providers against local HTTP servers that speak
//! each API's format: Groq's and OpenRouter's chat completions streamed as
//! server-sent events (Groq's usage under `x_groq`, OpenRouter's comment
//! lines and in-stream errors), Gemini's `streamGenerateContent?alt=sse`,
//! Deepgram's, Google's and Whisper's transcriptions, Google's and
//! Gemini's speech. Each server checks the request it gets and writes its
//! answer in parts with pauses, as the real ones stream.

use edgedesk_coaching::providers::llm::{Kind, Llm, LlmError, Message};
use edgedesk_coaching::providers::speech::{Stt, SttKind, Tts, TtsKind};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse};
use edgedesk_kernel::testing::TestPlatform;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a server received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A server that answers every request with `status` and `parts`, written
/// one at a time with a pause between, and keeps the requests.
fn server(
    status: u16,
    content_type: &'static str,
    parts: Vec<String>,
) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Some(req) = read(&stream) else { continue };
            kept.lock().unwrap().push(req);
            let mut out = &stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n"
            );
            for part in &parts {
                let _ = out.write_all(part.as_bytes());
                let _ = out.flush();
                std::thread::sleep(Duration::from_millis(15));
            }
        }
    });
    (origin, got)
}

fn read(stream: &TcpStream) -> Option<Received> {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

/// A real HTTP/1.1 request; the answer's body in the parts it arrived in.
fn fetch(req: &OutboundRequest) -> (u16, Vec<Vec<u8>>) {
    let rest = req.url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = TcpStream::connect(host).unwrap();
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: {}\r\n",
        req.method,
        req.body.len()
    );
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&req.body).unwrap();
    let mut raw = Vec::new();
    let mut parts = Vec::new();
    let mut buf = [0u8; 4096];
    let mut header_end = None;
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        match header_end {
            None => {
                raw.extend_from_slice(&buf[..n]);
                if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                    header_end = Some(i + 4);
                    if raw.len() > i + 4 {
                        parts.push(raw[i + 4..].to_vec());
                    }
                }
            }
            Some(_) => parts.push(buf[..n].to_vec()),
        }
    }
    let head = String::from_utf8_lossy(&raw[..header_end.unwrap()]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, parts)
}

/// A platform whose outbound calls are real requests.
fn platform() -> TestPlatform {
    let p = TestPlatform::new();
    p.on_http_stream(|req| Some(Ok(fetch(req))));
    p.on_http(|req| {
        let (status, parts) = fetch(req);
        Some(Ok(OutboundResponse {
            status,
            body: parts.concat(),
        }))
    });
    p
}

fn messages() -> Vec<Message> {
    vec![
        Message::new("system", "You are a buyer at Northwind."),
        Message::new("user", "Hi Dana!"),
        Message::new("assistant", "Hello."),
        Message::new("user", "What would it cost?"),
    ]
}

/// Every piece of a reply and its usage.
fn reply(p: &TestPlatform, llm: &Llm) -> Result<(Vec<String>, (u32, u32)), LlmError> {
    futures::executor::block_on(async {
        let mut t = llm.open(p, &messages()).await?;
        let mut pieces = Vec::new();
        while let Some(piece) = t.next(p).await {
            pieces.push(piece?);
        }
        let u = t.usage();
        Ok((pieces, (u.tokens_in, u.tokens_out)))
    })
}

fn llm(p: &TestPlatform, vars: &[(&str, &str)]) -> Llm {
    for (k, v) in vars {
        p.set_var(k, v);
    }
    futures::executor::block_on(Llm::from_settings(p))
}

fn sse(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| format!("data: {e}\n\n")).collect()
}

#[test]
fn groq_streams_openai_deltas_with_its_usage() {
    let mut parts = sse(&[
        json!({"id": "c1", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}),
        json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "Ten "}}]}),
        json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "seats, "}}]}),
        json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "roughly."}, "finish_reason": "stop"}],
               "x_groq": {"usage": {"prompt_tokens": 57, "completion_tokens": 4}}}),
    ]);
    parts.push("data: [DONE]\n\n".into());
    let (origin, got) = server(200, "text/event-stream", parts);
    let p = platform();
    let l = llm(
        &p,
        &[
            ("LLM_PROVIDER", "groq"),
            ("GROQ_API_KEY", "gsk_test"),
            ("GROQ_BASE_URL", &format!("{origin}/openai/v1")),
        ],
    );
    assert_eq!(l.kind, Kind::Groq);
    let (pieces, usage) = reply(&p, &l).unwrap();
    assert_eq!(pieces, ["Ten ", "seats, ", "roughly."]);
    assert_eq!(usage, (57, 4));
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/openai/v1/chat/completions")
    );
    assert_eq!(r.header("authorization"), Some("Bearer gsk_test"));
    let body = r.json();
    assert_eq!(body["model"], "llama-3.1-8b-instant");
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "You are a buyer at Northwind."})
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 4);
}

#[test]
fn openrouter_skips_comments_and_reports_an_error_mid_stream() {
    let mut parts = vec![": OPENROUTER PROCESSING\n\n".to_string()];
    parts.extend(sse(&[
        json!({"choices": [{"delta": {"content": "Well"}}]}),
        json!({"choices": [{"delta": {"content": ", maybe."}}], "usage": {"prompt_tokens": 30, "completion_tokens": 2}}),
    ]));
    parts.push("data: [DONE]\n\n".into());
    let (origin, got) = server(200, "text/event-stream", parts);
    let p = platform();
    let l = llm(
        &p,
        &[
            ("LLM_PROVIDER", "openrouter"),
            ("OPENROUTER_API_KEY", "or_test"),
            ("OPENROUTER_BASE_URL", &format!("{origin}/api/v1")),
            ("OPENROUTER_TITLE", "Edgedesk"),
        ],
    );
    let (pieces, usage) = reply(&p, &l).unwrap();
    assert_eq!(pieces.concat(), "Well, maybe.");
    assert_eq!(usage, (30, 2));
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(r.target, "/api/v1/chat/completions");
    assert_eq!(r.header("x-title"), Some("Edgedesk"));

    // The provider fails after the first piece.
    let (origin, _) = server(
        200,
        "text/event-stream",
        sse(&[
            json!({"choices": [{"delta": {"content": "Wel"}}]}),
            json!({"error": {"message": "Provider overloaded", "code": 502}}),
        ]),
    );
    let p = platform();
    let l = llm(
        &p,
        &[
            ("LLM_PROVIDER", "openrouter"),
            ("OPENROUTER_API_KEY", "or_test"),
            ("OPENROUTER_BASE_URL", &origin),
        ],
    );
    let err = reply(&p, &l).unwrap_err();
    assert_eq!(err, LlmError::Stream("Provider overloaded".into()));
}

#[test]
fn gemini_streams_candidates_with_its_usage_metadata() {
    let (origin, got) = server(
        200,
        "text/event-stream",
        sse(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "It depends "}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "on seats."}]}, "finishReason": "STOP"}],
               "usageMetadata": {"promptTokenCount": 40, "candidatesTokenCount": 5, "totalTokenCount": 45}}),
        ]),
    );
    let p = platform();
    let l = llm(
        &p,
        &[
            ("LLM_PROVIDER", "gemini"),
            ("GOOGLE_API_KEY", "g_test"),
            ("GEMINI_BASE_URL", &format!("{origin}/v1beta")),
        ],
    );
    let (pieces, usage) = reply(&p, &l).unwrap();
    assert_eq!(pieces, ["It depends ", "on seats."]);
    assert_eq!(usage, (40, 5));
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(
        r.target,
        "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(r.header("x-goog-api-key"), Some("g_test"));
    let body = r.json();
    assert_eq!(
        body["systemInstruction"]["parts"][0]["text"],
        "You are a buyer at Northwind."
    );
    let roles: Vec<&str> = body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "model", "user"]);
}

#[test]
fn a_refusal_carries_the_providers_words_and_keys_pick_the_provider() {
    let (origin, _) = server(
        401,
        "application/json",
        vec![
            json!({"error": {"message": "Invalid API Key", "type": "invalid_request_error"}})
                .to_string(),
        ],
    );
    let p = platform();
    let l = llm(&p, &[("GROQ_API_KEY", "bad"), ("GROQ_BASE_URL", &origin)]);
    assert_eq!(l.kind, Kind::Groq, "a key alone chooses its provider");
    assert_eq!(
        reply(&p, &l).unwrap_err(),
        LlmError::Status(401, "Invalid API Key".into())
    );

    // No key: the stub, saying so.
    let p = TestPlatform::new();
    let l = llm(&p, &[]);
    assert_eq!(l.kind, Kind::Stub);
    assert!(l.stub_reason.as_deref().unwrap().contains("no LLM key"));
    let (pieces, _) = reply(&p, &l).unwrap();
    assert!(pieces.concat().contains("What would it cost?"));
    let l = llm(&p, &[("LLM_PROVIDER", "gemini")]);
    assert_eq!(l.kind, Kind::Stub);
    assert_eq!(
        l.stub_reason.as_deref(),
        Some("LLM_PROVIDER is gemini but GOOGLE_API_KEY is not set")
    );
}

fn stt(p: &TestPlatform, vars: &[(&str, &str)]) -> Stt {
    for (k, v) in vars {
        p.set_var(k, v);
    }
    futures::executor::block_on(Stt::from_settings(p))
}

#[test]
fn speech_to_text_reads_each_providers_answer() {
    let audio = b"\x1aE\xdf\xa3 webm bytes".to_vec();
    // Deepgram.
    let (origin, got) = server(200, "application/json", vec![json!({
        "metadata": {"duration": 2.5},
        "results": {"channels": [{"alternatives": [{"transcript": "How soon can we start?", "confidence": 0.98}]}]}
    }).to_string()]);
    let p = platform();
    let s = stt(
        &p,
        &[
            ("STT_PROVIDER", "deepgram"),
            ("DEEPGRAM_API_KEY", "dg"),
            ("DEEPGRAM_BASE_URL", &format!("{origin}/v1")),
        ],
    );
    assert_eq!(s.kind, SttKind::Deepgram);
    let t = futures::executor::block_on(s.transcribe(&p, &audio, "webm")).unwrap();
    assert_eq!(
        (t.text.as_str(), t.duration_ms),
        ("How soon can we start?", 2500)
    );
    let r = got.lock().unwrap()[0].clone();
    assert!(
        r.target.starts_with("/v1/listen?model=nova-2"),
        "{}",
        r.target
    );
    assert_eq!(r.header("authorization"), Some("Token dg"));
    assert_eq!(r.header("content-type"), Some("audio/webm"));
    assert_eq!(r.body, audio);

    // Google.
    let (origin, got) = server(
        200,
        "application/json",
        vec![
            json!({
                "results": [{"alternatives": [{"transcript": "How soon", "confidence": 0.9}]},
                            {"alternatives": [{"transcript": "can we start?"}]}],
                "totalBilledTime": "3s"
            })
            .to_string(),
        ],
    );
    let p = platform();
    let s = stt(
        &p,
        &[
            ("STT_PROVIDER", "google"),
            ("GOOGLE_API_KEY", "g"),
            ("GOOGLE_SPEECH_BASE_URL", &format!("{origin}/v1")),
        ],
    );
    let t = futures::executor::block_on(s.transcribe(&p, &audio, "webm")).unwrap();
    assert_eq!(t.text, "How soon can we start?");
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(r.target, "/v1/speech:recognize");
    assert_eq!(r.json()["config"]["encoding"], "WEBM_OPUS");

    // Whisper, with its silence gate.
    let (origin, got) = server(
        200,
        "application/json",
        vec![json!({
        "text": " How soon can we start?", "duration": 2.0, "segments": [{"no_speech_prob": 0.01}]
    }).to_string()],
    );
    let p = platform();
    let s = stt(
        &p,
        &[
            ("STT_PROVIDER", "groq_whisper"),
            ("GROQ_API_KEY", "gsk"),
            ("GROQ_BASE_URL", &format!("{origin}/openai/v1")),
        ],
    );
    let t = futures::executor::block_on(s.transcribe(&p, &audio, "webm")).unwrap();
    assert_eq!(t.text, "How soon can we start?");
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(r.target, "/openai/v1/audio/transcriptions");
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&r.body);
    assert!(
        body.contains("name=\"model\"\r\n\r\nwhisper-large-v3"),
        "{body}"
    );
    assert!(body.contains("filename=\"audio.webm\""));
    let silent = s
        .read(
            json!({"text": "Thank you.", "segments": [{"no_speech_prob": 0.9}]})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    assert_eq!(silent.text, "");

    // No key: the stub, saying so.
    let s = stt(&TestPlatform::new(), &[]);
    assert_eq!(s.kind, SttKind::Stub);
    assert!(s.stub_reason.unwrap().contains("no speech-to-text key"));
}

#[test]
fn text_to_speech_reads_each_providers_audio() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (origin, got) = server(
        200,
        "application/json",
        vec![json!({"audioContent": b64.encode(b"ID3mp3")}).to_string()],
    );
    let p = platform();
    p.set_var("GOOGLE_API_KEY", "g");
    p.set_var("GOOGLE_TTS_BASE_URL", &format!("{origin}/v1"));
    let t = futures::executor::block_on(Tts::from_settings(&p));
    assert_eq!(t.kind, TtsKind::Google);
    let speech = futures::executor::block_on(t.synthesize(&p, "Ten seats, roughly.")).unwrap();
    assert_eq!(
        (speech.audio.as_slice(), speech.format),
        (b"ID3mp3".as_slice(), "mp3")
    );
    let r = got.lock().unwrap()[0].clone();
    assert_eq!(r.target, "/v1/text:synthesize");
    assert_eq!(r.json()["input"]["text"], "Ten seats, roughly.");

    let pcm = vec![0u8; 48_000];
    let (origin, got) = server(200, "application/json", vec![json!({"candidates": [{"content": {"parts": [
        {"inlineData": {"mimeType": "audio/L16;codec=pcm;rate=24000", "data": b64.encode(&pcm)}}]}}]}).to_string()]);
    let p = platform();
    p.set_var("GOOGLE_API_KEY", "g");
    p.set_var("TTS_PROVIDER", "gemini");
    p.set_var("GEMINI_BASE_URL", &format!("{origin}/v1beta"));
    let t = futures::executor::block_on(Tts::from_settings(&p));
    let speech = futures::executor::block_on(t.synthesize(&p, "Hello")).unwrap();
    assert_eq!((speech.format, speech.duration_ms), ("pcm", 1000));
    let r = got.lock().unwrap()[0].clone();
    assert!(r.target.ends_with(":generateContent"), "{}", r.target);
    assert_eq!(
        r.json()["generationConfig"]["responseModalities"],
        json!(["AUDIO"])
    );
}
