//! Access to the platform's variables and secrets. Each setting is read
//! only when a request needs it: a Spin component is granted only the
//! variables its routes read.

use crate::platform::Config;

/// A variable's value, trimmed; `None` when unset or blank.
pub async fn non_empty(config: &impl Config, name: &str) -> Option<String> {
    config
        .var(name)
        .await
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A positive number of milliseconds, or `default` when unset or invalid.
pub async fn millis(config: &impl Config, name: &str, default: u64) -> u64 {
    non_empty(config, name)
        .await
        .and_then(|v| v.parse().ok())
        .filter(|&ms: &u64| ms > 0)
        .unwrap_or(default)
}

/// A comma-separated list, blanks dropped.
pub async fn list(config: &impl Config, name: &str) -> Vec<String> {
    non_empty(config, name)
        .await
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `ALLOWED_ORIGIN`: comma-separated origins allowed by CORS.
pub async fn allowed_origin(config: &impl Config) -> Option<String> {
    non_empty(config, "ALLOWED_ORIGIN").await
}

/// A yes/no setting: `true`, `1` or `yes` (any case) mean yes.
pub async fn flag(config: &impl Config, name: &str) -> bool {
    non_empty(config, name)
        .await
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}
