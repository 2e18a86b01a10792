//! Values as the support API writes them. Instants are the kernel's
//! [`edgedesk_kernel::times`].

pub use edgedesk_kernel::times::{iso, opt_iso, parse_day, parse_time};

/// An answer as JSON (serialising the product's own types cannot fail).
pub fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Rounds to three decimals, as scores are shown.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
