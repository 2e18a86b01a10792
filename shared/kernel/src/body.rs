//! Reading and checking JSON request bodies, with messages that name the
//! field and what was expected.

use crate::http::{BodyError, MAX_BODY_BYTES, Request};
use edgedesk_core::envelope::ApiError;
use serde_json::{Map, Value};

/// The raw body, or the error its reading ended in (413 past the cap).
pub fn bytes(req: &Request) -> Result<&[u8], ApiError> {
    match &req.body {
        Ok(b) => Ok(b.as_slice()),
        Err(BodyError::TooLarge) => Err(ApiError::invalid(format!(
            "request body is larger than {MAX_BODY_BYTES} bytes"
        ))
        .with_status(413)),
        Err(BodyError::Unreadable) => Err(ApiError::invalid("request body could not be read")),
    }
}

/// The body as a JSON object whose fields are all among `fields`.
/// `shape` says what the object should hold, for the error messages.
pub fn object(req: &Request, fields: &[&str], shape: &str) -> Result<Map<String, Value>, ApiError> {
    // Text first, then JSON from text: every JSON reader here reads `&str`,
    // so a component links one parser, not one per input type.
    let text = std::str::from_utf8(bytes(req)?)
        .map_err(|_| ApiError::invalid("request body is not valid JSON: it is not UTF-8"))?;
    let parsed: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::invalid(format!("request body is not valid JSON: {e}")))?;
    let Value::Object(obj) = parsed else {
        return Err(ApiError::invalid(format!(
            "request body must be a JSON object with {shape}"
        )));
    };
    if let Some(unknown) = obj.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "unknown field '{unknown}'; the body takes {shape}"
        )));
    }
    Ok(obj)
}

/// A required string field.
pub fn required_str<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    match obj.get(name) {
        None | Some(Value::Null) => Err(ApiError::invalid(format!("{name} is required"))),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(ApiError::invalid(format!("{name} must be a string"))),
    }
}

/// An optional object field; absent means empty.
pub fn object_field<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    empty: &'a Map<String, Value>,
) -> Result<&'a Map<String, Value>, ApiError> {
    match obj.get(name) {
        None => Ok(empty),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(ApiError::invalid(format!("{name} must be a JSON object"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &str) -> Request {
        Request::new("POST", "/x").with_body(body)
    }

    #[test]
    fn objects_with_known_fields_only() {
        let shape = "a and b";
        assert!(object(&req(r#"{"a":1}"#), &["a", "b"], shape).is_ok());
        let e = object(&req(r#"{"c":1}"#), &["a", "b"], shape).unwrap_err();
        assert_eq!(e.message, "unknown field 'c'; the body takes a and b");
        let e = object(&req("[1]"), &["a"], shape).unwrap_err();
        assert_eq!(e.message, "request body must be a JSON object with a and b");
        let e = object(&req("{"), &["a"], shape).unwrap_err();
        assert!(e.message.starts_with("request body is not valid JSON"));
    }

    #[test]
    fn oversized_bodies_are_413() {
        let mut r = req("");
        r.body = Err(BodyError::TooLarge);
        assert_eq!(bytes(&r).unwrap_err().status(), 413);
        r.body = Err(BodyError::Unreadable);
        assert_eq!(bytes(&r).unwrap_err().status(), 400);
    }

    #[test]
    fn string_and_object_fields() {
        let obj: Map<String, Value> =
            serde_json::from_str(r#"{"s":"x","n":1,"o":{},"z":null}"#).unwrap();
        assert_eq!(required_str(&obj, "s").unwrap(), "x");
        assert_eq!(
            required_str(&obj, "z").unwrap_err().message,
            "z is required"
        );
        assert_eq!(
            required_str(&obj, "n").unwrap_err().message,
            "n must be a string"
        );
        let empty = Map::new();
        assert!(object_field(&obj, "o", &empty).is_ok());
        assert!(object_field(&obj, "missing", &empty).unwrap().is_empty());
        assert_eq!(
            object_field(&obj, "n", &empty).unwrap_err().message,
            "n must be a JSON object"
        );
    }
}
