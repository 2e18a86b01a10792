//! The `{ok, data, error}` envelope every tool answers with, and its error codes.

use alloc::string::String;
use serde::Serialize;
use serde_json::Value;

/// The closed set of error codes a caller can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Timeout,
    InvalidInput,
    ToolFailure,
    MissingData,
    Unauthorized,
    Forbidden,
    Conflict,
    RateLimited,
    UpstreamFailure,
    NotConfigured,
    /// The business has stopped its assistant (lockdown).
    Locked,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::ToolFailure => "TOOL_FAILURE",
            ErrorCode::MissingData => "MISSING_DATA",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::UpstreamFailure => "UPSTREAM_FAILURE",
            ErrorCode::NotConfigured => "NOT_CONFIGURED",
            ErrorCode::Locked => "LOCKED",
        }
    }

    /// The HTTP status each code travels with unless a more specific one
    /// applies (unknown tool 404, oversized body 413, wrong method 405).
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Timeout => 504,
            ErrorCode::InvalidInput => 400,
            ErrorCode::ToolFailure => 500,
            ErrorCode::MissingData => 404,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::Conflict => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::UpstreamFailure => 502,
            ErrorCode::NotConfigured => 503,
            ErrorCode::Locked => 423,
        }
    }
}

/// An error as the caller sees it: a code and a message that says what was
/// wrong without exposing secrets or internals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Overrides the code's default status (404 for an unknown tool, ...).
    #[serde(skip)]
    pub status: Option<u16>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: None,
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn status(&self) -> u16 {
        self.status.unwrap_or_else(|| self.code.http_status())
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn missing(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MissingData, message)
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ToolFailure, message)
    }

    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Timeout, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// A request whose fields are well-formed JSON but not valid values:
    /// 422, naming the field and what was expected.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message).with_status(422)
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    ok: bool,
    data: Option<&'a Value>,
    error: Option<&'a ApiError>,
}

/// `{"ok":true,"data":...,"error":null}`
pub fn success(data: &Value) -> Value {
    to_value(&Envelope {
        ok: true,
        data: Some(data),
        error: None,
    })
}

/// `{"ok":false,"data":null,"error":{"code":...,"message":...}}`
pub fn failure(error: &ApiError) -> Value {
    to_value(&Envelope {
        ok: false,
        data: None,
        error: Some(error),
    })
}

fn to_value(envelope: &Envelope<'_>) -> Value {
    // Serialising plain structs of strings and values cannot fail.
    serde_json::to_value(envelope).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_has_all_three_fields() {
        assert_eq!(
            success(&json!({"a": 1})),
            json!({"ok": true, "data": {"a": 1}, "error": null})
        );
    }

    #[test]
    fn failure_carries_code_and_message() {
        let err = ApiError::invalid("customerId is required");
        assert_eq!(
            failure(&err),
            json!({"ok": false, "data": null,
                   "error": {"code": "INVALID_INPUT", "message": "customerId is required"}})
        );
    }

    #[test]
    fn codes_map_to_statuses() {
        let pairs = [
            (ErrorCode::Unauthorized, 401, "UNAUTHORIZED"),
            (ErrorCode::InvalidInput, 400, "INVALID_INPUT"),
            (ErrorCode::MissingData, 404, "MISSING_DATA"),
            (ErrorCode::ToolFailure, 500, "TOOL_FAILURE"),
            (ErrorCode::Timeout, 504, "TIMEOUT"),
            (ErrorCode::Forbidden, 403, "FORBIDDEN"),
            (ErrorCode::Conflict, 409, "CONFLICT"),
            (ErrorCode::RateLimited, 429, "RATE_LIMITED"),
            (ErrorCode::UpstreamFailure, 502, "UPSTREAM_FAILURE"),
            (ErrorCode::NotConfigured, 503, "NOT_CONFIGURED"),
            (ErrorCode::Locked, 423, "LOCKED"),
        ];
        for (code, status, name) in pairs {
            assert_eq!(code.http_status(), status);
            assert_eq!(code.as_str(), name);
            assert_eq!(serde_json::to_value(code).unwrap(), Value::from(name));
        }
        assert_eq!(ApiError::invalid("x").with_status(404).status(), 404);
    }
}
