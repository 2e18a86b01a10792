//! Settings read from the platform's variables and secrets, each group only
//! when a request needs it: a component that never generates text never
//! asks for the LLM's variables, so its manifest need not grant them.

use crate::platform::Config;
use edgedesk_core::health::{Weights, WeightsError};

/// Default bound on reading a customer's data before answering TIMEOUT.
pub const DEFAULT_TOOL_TIMEOUT_MS: u64 = 10_000;
/// Default bound on an LLM call before falling back to the template.
pub const DEFAULT_LLM_TIMEOUT_MS: u64 = 8_000;

/// What a tool call needs.
pub struct ToolSettings {
    /// `HMAC_SECRET`: one secret, or several comma-separated during rotation.
    pub hmac_secrets: Vec<String>,
    /// `HEALTH_WEIGHTS`: e.g. `usageTrend=25,adoption=25,...`.
    pub health_weights: Result<Weights, WeightsError>,
    /// `TOOL_TIMEOUT_MS`
    pub tool_timeout_ms: u64,
}

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

async fn non_empty(config: &impl Config, name: &str) -> Option<String> {
    config
        .var(name)
        .await
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

async fn millis(config: &impl Config, name: &str, default: u64) -> u64 {
    non_empty(config, name)
        .await
        .and_then(|v| v.parse().ok())
        .filter(|&ms: &u64| ms > 0)
        .unwrap_or(default)
}

/// `ALLOWED_ORIGIN`: comma-separated origins allowed by CORS.
pub async fn allowed_origin(config: &impl Config) -> Option<String> {
    non_empty(config, "ALLOWED_ORIGIN").await
}

impl ToolSettings {
    pub async fn read(config: &impl Config) -> Self {
        let hmac_secrets = non_empty(config, "HMAC_SECRET")
            .await
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let health_weights = match non_empty(config, "HEALTH_WEIGHTS").await {
            Some(spec) => Weights::parse(&spec),
            None => Ok(Weights::DEFAULT),
        };
        ToolSettings {
            hmac_secrets,
            health_weights,
            tool_timeout_ms: millis(config, "TOOL_TIMEOUT_MS", DEFAULT_TOOL_TIMEOUT_MS).await,
        }
    }
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
