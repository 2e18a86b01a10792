//! Speech for voice turns: speech-to-text (Deepgram, Google, Groq's
//! Whisper) and text-to-speech (Google, Gemini), each behind its own
//! interface, with stubs that run when no key is set and say so.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edgedesk_kernel::config::non_empty;
use edgedesk_kernel::platform::{Config, HttpClient, OutboundRequest};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub text: String,
    pub confidence: Option<f64>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    pub audio: Vec<u8>,
    /// mp3, wav or pcm (Gemini's 24 kHz 16-bit mono).
    pub format: &'static str,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SttKind {
    Deepgram,
    Google,
    GroqWhisper,
    Stub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtsKind {
    Google,
    Gemini,
    Stub,
}

/// Which speech-to-text runs: `STT_PROVIDER` (deepgram, google,
/// groq_whisper or stub; by default the first whose key is set) with
/// `DEEPGRAM_API_KEY`, `GOOGLE_API_KEY` or `GROQ_API_KEY`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stt {
    pub kind: SttKind,
    pub key: String,
    /// Overridable for stand-ins: `DEEPGRAM_BASE_URL`,
    /// `GOOGLE_SPEECH_BASE_URL`, `GROQ_BASE_URL`.
    pub base: String,
    pub stub_reason: Option<String>,
}

/// Which text-to-speech runs: `TTS_PROVIDER` (google, gemini or stub; by
/// default google when `GOOGLE_API_KEY` is set).
#[derive(Debug, Clone, PartialEq)]
pub struct Tts {
    pub kind: TtsKind,
    pub key: String,
    /// `GOOGLE_TTS_BASE_URL`, `GEMINI_BASE_URL`.
    pub base: String,
    pub stub_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeechError(pub String);

impl std::fmt::Display for SpeechError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

async fn base(p: &impl Config, var: &str, default: &str) -> String {
    non_empty(p, var)
        .await
        .unwrap_or_else(|| default.into())
        .trim_end_matches('/')
        .to_string()
}

impl Stt {
    pub async fn from_settings(p: &impl Config) -> Stt {
        let chosen = non_empty(p, "STT_PROVIDER")
            .await
            .map(|s| s.to_ascii_lowercase());
        let options = [
            (SttKind::Deepgram, "deepgram", "DEEPGRAM_API_KEY"),
            (SttKind::Google, "google", "GOOGLE_API_KEY"),
            (SttKind::GroqWhisper, "groq_whisper", "GROQ_API_KEY"),
        ];
        let mut found = None;
        let mut reason = None;
        for (kind, name, var) in options {
            let key = non_empty(p, var).await;
            match (&chosen, key) {
                (Some(c), Some(key)) if c == name => {
                    found = Some((kind, key));
                    break;
                }
                (Some(c), None) if c == name => {
                    reason = Some(format!("STT_PROVIDER is {name} but {var} is not set"));
                    break;
                }
                (None, Some(key)) if found.is_none() => found = Some((kind, key)),
                _ => {}
            }
        }
        let Some((kind, key)) = found.filter(|_| chosen.as_deref() != Some("stub")) else {
            return Stt {
                kind: SttKind::Stub,
                key: String::new(),
                base: String::new(),
                stub_reason: Some(reason.unwrap_or_else(|| match chosen.as_deref() {
                    Some("stub") => "STT_PROVIDER is stub".into(),
                    Some(other) if !["deepgram", "google", "groq_whisper"].contains(&other) => {
                        format!("STT_PROVIDER {other} is not one of deepgram, google, groq_whisper, stub")
                    }
                    _ => "no speech-to-text key is set (DEEPGRAM_API_KEY, GOOGLE_API_KEY, GROQ_API_KEY)".into(),
                })),
            };
        };
        let base = match kind {
            SttKind::Deepgram => base(p, "DEEPGRAM_BASE_URL", "https://api.deepgram.com/v1").await,
            SttKind::Google => {
                base(
                    p,
                    "GOOGLE_SPEECH_BASE_URL",
                    "https://speech.googleapis.com/v1",
                )
                .await
            }
            _ => base(p, "GROQ_BASE_URL", "https://api.groq.com/openai/v1").await,
        };
        Stt {
            kind,
            key,
            base,
            stub_reason: None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self.kind {
            SttKind::Deepgram => "deepgram",
            SttKind::Google => "google",
            SttKind::GroqWhisper => "groq_whisper",
            SttKind::Stub => "stub",
        }
    }

    /// The request that transcribes `audio` (of `format`: webm, wav, ogg,
    /// mp3, ...); `None` for the stub.
    pub fn request(&self, audio: &[u8], format: &str) -> Option<OutboundRequest> {
        let format = format.trim().to_ascii_lowercase();
        Some(match self.kind {
            SttKind::Stub => return None,
            SttKind::Deepgram => OutboundRequest {
                method: "POST",
                url: format!(
                    "{}/listen?model=nova-2&language=en&punctuate=true&smart_format=true",
                    self.base
                ),
                headers: vec![
                    ("authorization".into(), format!("Token {}", self.key)),
                    ("content-type".into(), format!("audio/{format}")),
                ],
                body: audio.to_vec(),
            },
            SttKind::Google => {
                let encoding = match format.as_str() {
                    "webm" => "WEBM_OPUS",
                    "ogg" | "opus" => "OGG_OPUS",
                    "flac" => "FLAC",
                    "mp3" => "MP3",
                    _ => "LINEAR16",
                };
                let body = json!({
                    "config": {"encoding": encoding, "languageCode": "en-US",
                               "enableAutomaticPunctuation": true},
                    "audio": {"content": STANDARD.encode(audio)},
                });
                OutboundRequest {
                    method: "POST",
                    url: format!("{}/speech:recognize", self.base),
                    headers: vec![
                        ("x-goog-api-key".into(), self.key.clone()),
                        ("content-type".into(), "application/json".into()),
                    ],
                    body: body.to_string().into_bytes(),
                }
            }
            SttKind::GroqWhisper => {
                let boundary = "edgedesk-audio-boundary";
                let mut body = Vec::new();
                for (name, value) in [
                    ("model", "whisper-large-v3"),
                    ("language", "en"),
                    ("response_format", "verbose_json"),
                ] {
                    body.extend_from_slice(
                        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                            .as_bytes(),
                    );
                }
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.{format}\"\r\nContent-Type: audio/{format}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(audio);
                body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
                OutboundRequest {
                    method: "POST",
                    url: format!("{}/audio/transcriptions", self.base),
                    headers: vec![
                        ("authorization".into(), format!("Bearer {}", self.key)),
                        (
                            "content-type".into(),
                            format!("multipart/form-data; boundary={boundary}"),
                        ),
                    ],
                    body,
                }
            }
        })
    }

    /// The provider's answer read as a transcript.
    pub fn read(&self, body: &[u8]) -> Result<Transcript, SpeechError> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|_| SpeechError("the speech-to-text answer is not JSON".into()))?;
        Ok(match self.kind {
            SttKind::Deepgram => {
                let alt = &v["results"]["channels"][0]["alternatives"][0];
                Transcript {
                    text: alt["transcript"].as_str().unwrap_or("").trim().to_string(),
                    confidence: alt["confidence"].as_f64(),
                    duration_ms: (v["metadata"]["duration"].as_f64().unwrap_or(0.0) * 1000.0)
                        as u64,
                }
            }
            SttKind::Google => {
                let results = v["results"].as_array().cloned().unwrap_or_default();
                let text: Vec<&str> = results
                    .iter()
                    .filter_map(|r| r["alternatives"][0]["transcript"].as_str())
                    .map(str::trim)
                    .collect();
                let secs = v["totalBilledTime"]
                    .as_str()
                    .and_then(|s| s.trim_end_matches('s').parse::<f64>().ok())
                    .unwrap_or(0.0);
                Transcript {
                    text: text.join(" "),
                    confidence: results
                        .first()
                        .and_then(|r| r["alternatives"][0]["confidence"].as_f64()),
                    duration_ms: (secs * 1000.0) as u64,
                }
            }
            SttKind::GroqWhisper | SttKind::Stub => {
                // Whisper invents words for silence: with a high chance of
                // no speech the transcript is dropped.
                let no_speech = v["segments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["no_speech_prob"].as_f64())
                    .fold(0.0_f64, f64::max);
                let text = if no_speech > 0.6 {
                    String::new()
                } else {
                    v["text"].as_str().unwrap_or("").trim().to_string()
                };
                Transcript {
                    text,
                    confidence: None,
                    duration_ms: (v["duration"].as_f64().unwrap_or(0.0) * 1000.0) as u64,
                }
            }
        })
    }

    pub async fn transcribe<P: HttpClient>(
        &self,
        p: &P,
        audio: &[u8],
        format: &str,
    ) -> Result<Transcript, SpeechError> {
        let Some(request) = self.request(audio, format) else {
            return Ok(stub_transcript(audio));
        };
        self.read(&call(p, request, "speech-to-text", self.name()).await?)
    }
}

/// A provider's answer body, or why there is none.
async fn call<P: HttpClient>(
    p: &P,
    request: OutboundRequest,
    what: &str,
    provider: &str,
) -> Result<Vec<u8>, SpeechError> {
    let res = p
        .send(request)
        .await
        .map_err(|e| SpeechError(format!("{what} could not be reached: {e}")))?;
    if !(200..300).contains(&res.status) {
        return Err(SpeechError(format!(
            "{what} ({provider}) answered {}",
            res.status
        )));
    }
    Ok(res.body)
}

/// The stub hears audio that is UTF-8 text as that text (what tests and
/// the command line send), anything else as a fixed sentence.
pub fn stub_transcript(audio: &[u8]) -> Transcript {
    let text = match std::str::from_utf8(audio) {
        Ok(t) if !t.trim().is_empty() && !t.contains('\0') => t.trim().to_string(),
        _ => "This is a stub transcription of the audio.".to_string(),
    };
    Transcript {
        duration_ms: (audio.len() as u64) / 16,
        text,
        confidence: Some(1.0),
    }
}

impl Tts {
    pub async fn from_settings(p: &impl Config) -> Tts {
        let chosen = non_empty(p, "TTS_PROVIDER")
            .await
            .map(|s| s.to_ascii_lowercase());
        let key = non_empty(p, "GOOGLE_API_KEY").await;
        let stub = |reason: String| Tts {
            kind: TtsKind::Stub,
            key: String::new(),
            base: String::new(),
            stub_reason: Some(reason),
        };
        let kind = match chosen.as_deref() {
            None | Some("google") => TtsKind::Google,
            Some("gemini") => TtsKind::Gemini,
            Some("stub") => return stub("TTS_PROVIDER is stub".into()),
            Some(other) => {
                return stub(format!(
                    "TTS_PROVIDER {other} is not one of google, gemini, stub"
                ));
            }
        };
        let Some(key) = key else {
            return stub("no text-to-speech key is set (GOOGLE_API_KEY)".into());
        };
        let base = match kind {
            TtsKind::Google => {
                base(
                    p,
                    "GOOGLE_TTS_BASE_URL",
                    "https://texttospeech.googleapis.com/v1",
                )
                .await
            }
            _ => {
                base(
                    p,
                    "GEMINI_BASE_URL",
                    "https://generativelanguage.googleapis.com/v1beta",
                )
                .await
            }
        };
        Tts {
            kind,
            key,
            base,
            stub_reason: None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self.kind {
            TtsKind::Google => "google",
            TtsKind::Gemini => "gemini",
            TtsKind::Stub => "stub",
        }
    }

    pub fn request(&self, text: &str) -> Option<OutboundRequest> {
        let (url, body) = match self.kind {
            TtsKind::Stub => return None,
            TtsKind::Google => (
                format!("{}/text:synthesize", self.base),
                json!({"input": {"text": text},
                       "voice": {"languageCode": "en-US", "name": "en-US-Neural2-D"},
                       "audioConfig": {"audioEncoding": "MP3"}}),
            ),
            TtsKind::Gemini => (
                format!(
                    "{}/models/gemini-2.5-flash-preview-tts:generateContent",
                    self.base
                ),
                json!({"contents": [{"parts": [{"text": text}]}],
                       "generationConfig": {"responseModalities": ["AUDIO"],
                           "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}}}),
            ),
        };
        Some(OutboundRequest {
            method: "POST",
            url,
            headers: vec![
                ("x-goog-api-key".into(), self.key.clone()),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.to_string().into_bytes(),
        })
    }

    pub fn read(&self, body: &[u8], text: &str) -> Result<Speech, SpeechError> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|_| SpeechError("the text-to-speech answer is not JSON".into()))?;
        let (data, format) = match self.kind {
            TtsKind::Gemini => (
                v["candidates"][0]["content"]["parts"][0]["inlineData"]["data"].as_str(),
                "pcm",
            ),
            _ => (v["audioContent"].as_str(), "mp3"),
        };
        let audio = data
            .and_then(|d| STANDARD.decode(d).ok())
            .ok_or_else(|| SpeechError("the text-to-speech answer has no audio".into()))?;
        let duration_ms = match format {
            // 24 kHz, 16-bit, mono.
            "pcm" => audio.len() as u64 * 1000 / 48_000,
            _ => estimate_ms(text),
        };
        Ok(Speech {
            audio,
            format,
            duration_ms,
        })
    }

    pub async fn synthesize<P: HttpClient>(
        &self,
        p: &P,
        text: &str,
    ) -> Result<Speech, SpeechError> {
        let Some(request) = self.request(text) else {
            return Ok(stub_speech(text));
        };
        self.read(
            &call(p, request, "text-to-speech", self.name()).await?,
            text,
        )
    }
}

/// About 12.5 characters a second, as speech goes.
fn estimate_ms(text: &str) -> u64 {
    (text.chars().count() as u64 * 80).max(200)
}

/// The stub speaks silence of the reply's length (at most two seconds): a
/// real WAV file, 8 kHz 8-bit mono, that any player opens.
pub fn stub_speech(text: &str) -> Speech {
    let duration_ms = estimate_ms(text).min(2000);
    let samples = (8000 * duration_ms / 1000) as u32;
    let mut wav = Vec::with_capacity(44 + samples as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&8u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&samples.to_le_bytes());
    wav.resize(44 + samples as usize, 128); // 8-bit silence
    Speech {
        audio: wav,
        format: "wav",
        duration_ms,
    }
}
