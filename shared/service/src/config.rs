//! Settings read from the platform's variables and secrets on each request.

use crate::platform::Config;
use edgedesk_core::health::{Weights, WeightsError};

/// Default bound on reading a customer's data before answering TIMEOUT.
pub const DEFAULT_TOOL_TIMEOUT_MS: u64 = 10_000;
/// Default bound on an LLM call before falling back to the template.
pub const DEFAULT_LLM_TIMEOUT_MS: u64 = 8_000;

pub struct Settings {
    /// `HMAC_SECRET`: one secret, or several comma-separated during rotation.
    pub hmac_secrets: Vec<String>,
    /// `ALLOWED_ORIGIN`: comma-separated origins allowed by CORS.
    pub allowed_origin: Option<String>,
    /// `HEALTH_WEIGHTS`: e.g. `usageTrend=25,adoption=25,...`.
    pub health_weights: Result<Weights, WeightsError>,
    pub tool_timeout_ms: u64,
    pub llm: Option<LlmSettings>,
}

#[derive(Clone)]
pub struct LlmSettings {
    /// `LLM_API_URL`: an OpenAI-compatible chat completions endpoint.
    pub url: String,
    /// `LLM_API_KEY`
    pub key: String,
    /// `LLM_MODEL`
    pub model: String,
    pub timeout_ms: u64,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn millis(config: &impl Config, name: &str, default: u64) -> u64 {
    non_empty(config.var(name))
        .and_then(|v| v.parse().ok())
        .filter(|&ms: &u64| ms > 0)
        .unwrap_or(default)
}

impl Settings {
    pub fn read(config: &impl Config) -> Self {
        let hmac_secrets = config
            .var("HMAC_SECRET")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let health_weights = match non_empty(config.var("HEALTH_WEIGHTS")) {
            Some(spec) => Weights::parse(&spec),
            None => Ok(Weights::DEFAULT),
        };
        let llm = non_empty(config.var("LLM_API_URL")).map(|url| LlmSettings {
            url,
            key: non_empty(config.var("LLM_API_KEY")).unwrap_or_default(),
            model: non_empty(config.var("LLM_MODEL")).unwrap_or_else(|| "gpt-4o-mini".into()),
            timeout_ms: millis(config, "LLM_TIMEOUT_MS", DEFAULT_LLM_TIMEOUT_MS),
        });
        Settings {
            hmac_secrets,
            allowed_origin: non_empty(config.var("ALLOWED_ORIGIN")),
            health_weights,
            tool_timeout_ms: millis(config, "TOOL_TIMEOUT_MS", DEFAULT_TOOL_TIMEOUT_MS),
            llm,
        }
    }
}
