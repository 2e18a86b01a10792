//! The copilot's settings, read per call from the platform's variables.

use edgedesk_core::health::{Weights, WeightsError};
use edgedesk_kernel::config::{millis, non_empty};
use edgedesk_kernel::platform::Config;

/// Default bound on reading a customer's data before answering TIMEOUT.
pub const DEFAULT_TOOL_TIMEOUT_MS: u64 = 10_000;

/// What a tool call needs.
pub struct ToolSettings {
    /// `HEALTH_WEIGHTS`: e.g. `usageTrend=25,adoption=25,...`.
    pub health_weights: Result<Weights, WeightsError>,
    /// `TOOL_TIMEOUT_MS`
    pub tool_timeout_ms: u64,
}

impl ToolSettings {
    pub async fn read(config: &impl Config) -> Self {
        let health_weights = match non_empty(config, "HEALTH_WEIGHTS").await {
            Some(spec) => Weights::parse(&spec),
            None => Ok(Weights::DEFAULT),
        };
        ToolSettings {
            health_weights,
            tool_timeout_ms: millis(config, "TOOL_TIMEOUT_MS", DEFAULT_TOOL_TIMEOUT_MS).await,
        }
    }
}
