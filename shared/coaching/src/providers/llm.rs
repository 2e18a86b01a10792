//! The coach's language models behind one interface: Groq and OpenRouter
//! (OpenAI's chat completions, streamed as server-sent events), Gemini
//! (`streamGenerateContent` with `alt=sse`) and a stub that streams a
//! deterministic reply word by word. Which one runs, and with which key,
//! comes from the settings; without a key the stub runs and says so.

use super::sse::Events;
use edgedesk_kernel::config::non_empty;
use edgedesk_kernel::platform::{Clock, Config, HttpClient, OutboundRequest};
use futures::StreamExt;
use futures::stream::LocalBoxStream;
use serde_json::{Value, json};
use std::collections::VecDeque;

/// One message of the conversation the model continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// system, user or assistant.
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn new(role: &'static str, content: impl Into<String>) -> Message {
        Message {
            role,
            content: content.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Groq,
    OpenRouter,
    Gemini,
    Stub,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Groq => "groq",
            Kind::OpenRouter => "openrouter",
            Kind::Gemini => "gemini",
            Kind::Stub => "stub",
        }
    }
}

/// The model a deployment's settings choose.
#[derive(Debug, Clone, PartialEq)]
pub struct Llm {
    pub kind: Kind,
    pub model: String,
    /// The API's base URL (its own by default; a stand-in in tests).
    pub base: String,
    pub key: String,
    pub temperature: f64,
    pub max_tokens: u32,
    /// Why the stub runs, when it does: said in the run's record and in
    /// the `llm` status the client sees.
    pub stub_reason: Option<String>,
    /// The stub's pause between words.
    pub stub_delay_ms: u64,
    /// OpenRouter's optional attribution headers.
    pub referer: Option<String>,
    pub title: Option<String>,
}

const GROQ_BASE: &str = "https://api.groq.com/openai/v1";
const OPENROUTER_BASE: &str = "https://openrouter.ai/api/v1";
const GEMINI_BASE: &str = "https://generativelanguage.googleapis.com/v1beta";

impl Llm {
    /// `LLM_PROVIDER` (groq, gemini, openrouter or stub; by default the
    /// first whose key is set, in that order) with its key
    /// (`GROQ_API_KEY`, `GOOGLE_API_KEY`, `OPENROUTER_API_KEY`), model
    /// (`COACH_LLM_MODEL`, else the provider's default) and base URL
    /// (`GROQ_BASE_URL`, `GEMINI_BASE_URL`, `OPENROUTER_BASE_URL`).
    pub async fn from_settings(p: &impl Config) -> Llm {
        let chosen = non_empty(p, "LLM_PROVIDER").await;
        let keys = [
            (Kind::Groq, non_empty(p, "GROQ_API_KEY").await),
            (Kind::Gemini, non_empty(p, "GOOGLE_API_KEY").await),
            (Kind::OpenRouter, non_empty(p, "OPENROUTER_API_KEY").await),
        ];
        let stub = |reason: String| Llm {
            kind: Kind::Stub,
            model: "stub".into(),
            base: String::new(),
            key: String::new(),
            temperature: 0.0,
            max_tokens: 0,
            stub_reason: Some(reason),
            stub_delay_ms: 0,
            referer: None,
            title: None,
        };
        let (kind, key) = match chosen.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("stub") => (Kind::Stub, None),
            Some(name) => match keys.iter().find(|(k, _)| k.as_str() == name) {
                Some((kind, Some(key))) => (*kind, Some(key.clone())),
                Some((kind, None)) => {
                    let var = match kind {
                        Kind::Groq => "GROQ_API_KEY",
                        Kind::Gemini => "GOOGLE_API_KEY",
                        _ => "OPENROUTER_API_KEY",
                    };
                    (
                        Kind::Stub,
                        Some(format!("LLM_PROVIDER is {name} but {var} is not set")),
                    )
                }
                None => (
                    Kind::Stub,
                    Some(format!(
                        "LLM_PROVIDER {name} is not one of groq, gemini, openrouter, stub"
                    )),
                ),
            },
            None => match keys.iter().find(|(_, k)| k.is_some()) {
                Some((kind, Some(key))) => (*kind, Some(key.clone())),
                _ => (
                    Kind::Stub,
                    Some(
                        "no LLM key is set (GROQ_API_KEY, GOOGLE_API_KEY, OPENROUTER_API_KEY)"
                            .into(),
                    ),
                ),
            },
        };
        let mut llm = match (kind, key) {
            (Kind::Stub, reason) => stub(reason.unwrap_or_else(|| "LLM_PROVIDER is stub".into())),
            (kind, Some(key)) => {
                let (base_var, default_base, default_model) = match kind {
                    Kind::Groq => ("GROQ_BASE_URL", GROQ_BASE, "llama-3.1-8b-instant"),
                    Kind::Gemini => ("GEMINI_BASE_URL", GEMINI_BASE, "gemini-2.0-flash"),
                    _ => (
                        "OPENROUTER_BASE_URL",
                        OPENROUTER_BASE,
                        "meta-llama/llama-3.1-8b-instruct",
                    ),
                };
                Llm {
                    kind,
                    model: non_empty(p, "COACH_LLM_MODEL")
                        .await
                        .unwrap_or_else(|| default_model.into()),
                    base: non_empty(p, base_var)
                        .await
                        .unwrap_or_else(|| default_base.into())
                        .trim_end_matches('/')
                        .to_string(),
                    key,
                    temperature: 0.7,
                    max_tokens: 512,
                    stub_reason: None,
                    stub_delay_ms: 0,
                    referer: non_empty(p, "OPENROUTER_REFERER").await,
                    title: non_empty(p, "OPENROUTER_TITLE").await,
                }
            }
            (_, None) => stub("no key".into()),
        };
        if let Some(n) = non_empty(p, "LLM_MAX_TOKENS")
            .await
            .and_then(|v| v.parse().ok())
        {
            llm.max_tokens = n;
        }
        llm.stub_delay_ms = non_empty(p, "STUB_LLM_DELAY_MS")
            .await
            .and_then(|v| v.parse().ok())
            .unwrap_or(20);
        llm
    }

    /// The request that streams a reply to `messages`.
    pub fn request(&self, messages: &[Message]) -> OutboundRequest {
        let mut headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("accept".to_string(), "text/event-stream".to_string()),
        ];
        let (url, body) = match self.kind {
            Kind::Gemini => {
                headers.push(("x-goog-api-key".into(), self.key.clone()));
                (
                    format!(
                        "{}/models/{}:streamGenerateContent?alt=sse",
                        self.base, self.model
                    ),
                    gemini_body(messages, self.temperature, self.max_tokens),
                )
            }
            _ => {
                headers.push(("authorization".into(), format!("Bearer {}", self.key)));
                if self.kind == Kind::OpenRouter {
                    if let Some(r) = &self.referer {
                        headers.push(("http-referer".into(), r.clone()));
                    }
                    if let Some(t) = &self.title {
                        headers.push(("x-title".into(), t.clone()));
                    }
                }
                let messages: Vec<Value> = messages
                    .iter()
                    .map(|m| json!({"role": m.role, "content": m.content}))
                    .collect();
                (
                    format!("{}/chat/completions", self.base),
                    json!({"model": self.model, "messages": messages, "temperature": self.temperature,
                           "max_tokens": self.max_tokens, "stream": true,
                           "stream_options": {"include_usage": true}}),
                )
            }
        };
        OutboundRequest {
            method: "POST",
            url,
            headers,
            body: body.to_string().into_bytes(),
        }
    }

    /// Starts a reply: its tokens come from [`Tokens::next`].
    pub async fn open<P: HttpClient>(
        &self,
        p: &P,
        messages: &[Message],
    ) -> Result<Tokens, LlmError> {
        let prompt_chars: usize = messages.iter().map(|m| m.content.len()).sum();
        let mut tokens = Tokens {
            kind: self.kind,
            pending: VecDeque::new(),
            events: Events::default(),
            body: None,
            ended: false,
            usage: Usage {
                tokens_in: (prompt_chars / 4) as u32,
                tokens_out: 0,
            },
            measured: false,
            delay_ms: self.stub_delay_ms,
        };
        if self.kind == Kind::Stub {
            tokens.pending = stub_reply(messages).into();
            tokens.ended = true;
            return Ok(tokens);
        }
        let res = p
            .stream(self.request(messages))
            .await
            .map_err(|e| LlmError::Unreachable(e.to_string()))?;
        if !(200..300).contains(&res.status) {
            let mut body = res.body;
            let mut text = Vec::new();
            while let Some(Ok(chunk)) = body.next().await {
                text.extend_from_slice(&chunk);
                if text.len() > 64 * 1024 {
                    break;
                }
            }
            return Err(LlmError::Status(res.status, error_message(&text)));
        }
        tokens.body = Some(res.body);
        Ok(tokens)
    }
}

fn gemini_body(messages: &[Message], temperature: f64, max_tokens: u32) -> Value {
    // Gemini keeps one system instruction; the others are joined into it.
    let system: Vec<&str> = messages
        .iter()
        .filter(|m| m.role == "system")
        .map(|m| m.content.as_str())
        .collect();
    let contents: Vec<Value> = messages
        .iter()
        .filter(|m| m.role != "system")
        .map(|m| {
            let role = if m.role == "assistant" {
                "model"
            } else {
                "user"
            };
            json!({"role": role, "parts": [{"text": m.content}]})
        })
        .collect();
    let mut body = json!({
        "contents": contents,
        "generationConfig": {"temperature": temperature, "maxOutputTokens": max_tokens},
    });
    if !system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": system.join("\n\n")}]});
    }
    body
}

/// The provider's own words for a refusal, never the request.
fn error_message(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let v = if v.is_array() { v[0].clone() } else { v };
    v["error"]["message"]
        .as_str()
        .or_else(|| v["error"].as_str())
        .or_else(|| v["message"].as_str())
        .unwrap_or("no message")
        .chars()
        .take(300)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmError {
    /// The provider could not be reached.
    Unreachable(String),
    /// It answered with an error status.
    Status(u16, String),
    /// It reported an error in the stream.
    Stream(String),
}

impl std::fmt::Display for LlmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LlmError::Unreachable(e) => write!(f, "the model provider could not be reached: {e}"),
            LlmError::Status(s, m) => write!(f, "the model provider answered {s}: {m}"),
            LlmError::Stream(m) => write!(f, "the model provider failed mid-reply: {m}"),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub tokens_in: u32,
    pub tokens_out: u32,
}

/// A reply as it streams.
pub struct Tokens {
    kind: Kind,
    pending: VecDeque<String>,
    events: Events,
    body: Option<LocalBoxStream<'static, Result<Vec<u8>, edgedesk_kernel::platform::StoreError>>>,
    ended: bool,
    usage: Usage,
    /// Whether the provider reported its token counts (else they are
    /// estimated: a token per piece, four characters a prompt token).
    measured: bool,
    delay_ms: u64,
}

impl Tokens {
    /// The next piece of the reply; `None` once it is whole.
    pub async fn next<P: Clock>(&mut self, p: &P) -> Option<Result<String, LlmError>> {
        loop {
            if let Some(t) = self.pending.pop_front() {
                if !self.measured {
                    self.usage.tokens_out += 1;
                }
                if self.kind == Kind::Stub && self.delay_ms > 0 {
                    p.sleep(self.delay_ms).await;
                }
                return Some(Ok(t));
            }
            if self.ended {
                return None;
            }
            let chunk = match self.body.as_mut()?.next().await {
                Some(Ok(chunk)) => self.events.feed(&chunk),
                Some(Err(e)) => {
                    self.ended = true;
                    return Some(Err(LlmError::Stream(e.to_string())));
                }
                None => {
                    self.ended = true;
                    self.events.finish().into_iter().collect()
                }
            };
            for data in chunk {
                if let Err(e) = self.take(&data) {
                    self.ended = true;
                    self.pending.clear();
                    return Some(Err(e));
                }
            }
        }
    }

    /// One event's data: its text pieces queued, its usage kept.
    fn take(&mut self, data: &str) -> Result<(), LlmError> {
        if data.trim() == "[DONE]" {
            self.ended = true;
            return Ok(());
        }
        let Ok(v) = serde_json::from_str::<Value>(data) else {
            return Ok(());
        };
        if !v["error"].is_null() {
            return Err(LlmError::Stream(error_message(data.as_bytes())));
        }
        let mut usage = |i: &Value, o: &Value| {
            if let (Some(i), Some(o)) = (i.as_u64(), o.as_u64()) {
                self.usage = Usage {
                    tokens_in: i as u32,
                    tokens_out: o as u32,
                };
                self.measured = true;
            }
        };
        match self.kind {
            Kind::Gemini => {
                let m = &v["usageMetadata"];
                usage(&m["promptTokenCount"], &m["candidatesTokenCount"]);
                for part in v["candidates"][0]["content"]["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = part["text"].as_str().filter(|t| !t.is_empty()) {
                        self.pending.push_back(t.to_string());
                    }
                }
            }
            _ => {
                // OpenAI's `usage`, or Groq's `x_groq.usage`, on the last
                // event.
                for u in [&v["usage"], &v["x_groq"]["usage"]] {
                    usage(&u["prompt_tokens"], &u["completion_tokens"]);
                }
                for choice in v["choices"].as_array().into_iter().flatten() {
                    let text = choice["delta"]["content"]
                        .as_str()
                        .or_else(|| choice["message"]["content"].as_str());
                    if let Some(t) = text.filter(|t| !t.is_empty()) {
                        self.pending.push_back(t.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    pub fn usage(&self) -> Usage {
        self.usage
    }
}

/// The stub's reply: the client the coach plays answers the rep's last
/// words, naming what the conversation is about, a word at a time (each
/// word with its trailing space, so the pieces join into the reply).
pub fn stub_reply(messages: &[Message]) -> Vec<String> {
    let last = messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.content.as_str())
        .unwrap_or("");
    let heard: String = last
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ");
    let reply = format!(
        "[stub reply] I hear you: \"{heard}\". Before I commit, tell me what this costs us and how soon my team sees results."
    );
    let words: Vec<&str> = reply.split(' ').collect();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i + 1 < words.len() {
                format!("{w} ")
            } else {
                (*w).to_string()
            }
        })
        .collect()
}
