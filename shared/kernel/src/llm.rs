//! An OpenAI-compatible chat completions client with a key-value cache
//! ([`crate::cache`]). Generation is always optional: any failure here
//! makes the caller fall back to its deterministic template and say why.
//! Only answers the caller accepts are cached, and a cached answer is
//! checked again when it is read.

use crate::cache;
use crate::config::{millis, non_empty};
use crate::deadline;
use crate::platform::{
    Clock, Config, HttpClient, KeyValue, MAX_OUTBOUND_BODY_BYTES, OutboundRequest,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Cached answers live a day: the facts they were grounded in change daily.
const CACHE_TTL_SECS: u32 = 24 * 60 * 60;

/// Default bound on an LLM call before the caller falls back.
pub const DEFAULT_LLM_TIMEOUT_MS: u64 = 8_000;

#[derive(Clone)]
pub struct LlmSettings {
    /// `LLM_API_URL`: an OpenAI-compatible chat completions endpoint.
    pub url: String,
    /// `LLM_API_KEY`
    pub key: String,
    /// `LLM_MODEL`
    pub model: String,
    /// `LLM_TIMEOUT_MS`
    pub timeout_ms: u64,
}

impl LlmSettings {
    /// `None` when no endpoint is configured.
    pub async fn read(config: &impl Config) -> Option<Self> {
        let url = non_empty(config, "LLM_API_URL").await?;
        Some(LlmSettings {
            url,
            key: non_empty(config, "LLM_API_KEY").await.unwrap_or_default(),
            model: non_empty(config, "LLM_MODEL")
                .await
                .unwrap_or_else(|| "gpt-4o-mini".into()),
            timeout_ms: millis(config, "LLM_TIMEOUT_MS", DEFAULT_LLM_TIMEOUT_MS).await,
        })
    }
}

pub struct Completion<T> {
    pub answer: T,
    pub cached: bool,
}

fn cache_key(llm: &LlmSettings, instructions: &str, facts: &str) -> String {
    let mut h = Sha256::new();
    for part in [llm.url.as_str(), llm.model.as_str(), instructions, facts] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    format!("llm:v2:{}", hex::encode(h.finalize()))
}

/// Asks the model for a JSON object that `accept` turns into an answer.
/// `Err` carries a reason fit for the caller (never the key or the raw
/// answer).
pub async fn complete<P, T>(
    p: &P,
    llm: &LlmSettings,
    instructions: &str,
    facts: &Value,
    accept: impl Fn(&Value) -> Result<T, String>,
) -> Result<Completion<T>, String>
where
    P: KeyValue + HttpClient + Clock,
{
    let facts = facts.to_string();
    let key = cache_key(llm, instructions, &facts);
    // The cache is best effort: a KV fault only costs a model call. A
    // cached answer is checked again, as a fresh one is.
    if let Some(hit) = cache::get(p, &key).await
        && let Ok(answer) = accept(&hit)
    {
        return Ok(Completion {
            answer,
            cached: true,
        });
    }
    let body = json!({
        "model": llm.model,
        "temperature": 0.2,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": instructions},
            {"role": "user", "content": facts},
        ],
    });
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if !llm.key.is_empty() {
        headers.push(("authorization".into(), format!("Bearer {}", llm.key)));
    }
    let request = OutboundRequest {
        method: "POST",
        url: llm.url.clone(),
        headers,
        body: body.to_string().into_bytes(),
    };
    let response = deadline::within(p, llm.timeout_ms, p.send(request))
        .await
        .map_err(|_| format!("the LLM did not answer within {} ms", llm.timeout_ms))?
        .map_err(|e| {
            if e.too_large {
                format!("the LLM answer was larger than {MAX_OUTBOUND_BODY_BYTES} bytes")
            } else {
                "the LLM endpoint could not be reached".to_string()
            }
        })?;
    if response.body.len() > MAX_OUTBOUND_BODY_BYTES {
        return Err(format!(
            "the LLM answer was larger than {MAX_OUTBOUND_BODY_BYTES} bytes"
        ));
    }
    if !(200..300).contains(&response.status) {
        return Err(format!(
            "the LLM endpoint answered HTTP {}",
            response.status
        ));
    }
    let value = parse_answer(&response.body).ok_or("the LLM answer was not a JSON object")?;
    let answer = accept(&value)?;
    cache::put(p, &key, &value, CACHE_TTL_SECS).await;
    Ok(Completion {
        answer,
        cached: false,
    })
}

/// Pulls `choices[0].message.content` and parses it as a JSON object,
/// tolerating a Markdown code fence around it.
fn parse_answer(body: &[u8]) -> Option<Value> {
    let reply: Value = serde_json::from_str(std::str::from_utf8(body).ok()?).ok()?;
    let content = reply
        .pointer("/choices/0/message/content")?
        .as_str()?
        .trim();
    let content = content
        .strip_prefix("```json")
        .or_else(|| content.strip_prefix("```"))
        .and_then(|c| c.strip_suffix("```"))
        .unwrap_or(content);
    let value: Value = serde_json::from_str(content.trim()).ok()?;
    value.is_object().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(content: &str) -> Vec<u8> {
        json!({"choices": [{"message": {"role": "assistant", "content": content}}]})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn answers_are_json_objects() {
        assert_eq!(
            parse_answer(&reply(r#"{"subject":"s"}"#)),
            Some(json!({"subject": "s"}))
        );
        assert_eq!(
            parse_answer(&reply("```json\n{\"a\":1}\n```")),
            Some(json!({"a": 1}))
        );
        assert_eq!(parse_answer(&reply("Sure! Here it is")), None);
        assert_eq!(parse_answer(&reply("[1,2]")), None);
        assert_eq!(parse_answer(b"not json"), None);
    }
}
