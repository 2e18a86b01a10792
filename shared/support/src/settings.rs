//! The product's settings, read from the platform's variables when a
//! request needs them.

use edgedesk_core::smart_score::Weights;
use edgedesk_kernel::config;
use edgedesk_kernel::platform::Config;

/// The smart score's weights: `SCORING_URGENCY_WEIGHT`,
/// `SCORING_VALUE_WEIGHT`, `SCORING_CHURN_WEIGHT` (multipliers, default 1)
/// and `TOPIC_ALERT_BOOST` (points, default 5). A value that is not a
/// non-negative number keeps the default.
pub async fn weights(p: &impl Config) -> Weights {
    let d = Weights::default();
    let read = |name: &'static str, default: f64| async move {
        config::non_empty(p, name)
            .await
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(default)
    };
    Weights {
        urgency: read("SCORING_URGENCY_WEIGHT", d.urgency).await,
        value: read("SCORING_VALUE_WEIGHT", d.value).await,
        churn: read("SCORING_CHURN_WEIGHT", d.churn).await,
        topic_boost: read("TOPIC_ALERT_BOOST", d.topic_boost).await,
    }
}
