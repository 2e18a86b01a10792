//! Request bodies and query strings, checked field by field: a body that is
//! not a JSON object is 400; an unknown field or a value that is not valid
//! is 422, naming the field and what was expected.

use crate::{Request, body};
use edgedesk_core::envelope::ApiError;
use serde_json::{Map, Value};

pub struct Input {
    obj: Map<String, Value>,
}

impl Input {
    /// The body as an object whose fields are all among `allowed`.
    pub fn body(req: &Request, allowed: &[&str]) -> Result<Input, ApiError> {
        let bytes = body::bytes(req)?;
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ApiError::invalid("request body is not valid JSON: it is not UTF-8"))?;
        let parsed: Value = serde_json::from_str(text)
            .map_err(|e| ApiError::invalid(format!("request body is not valid JSON: {e}")))?;
        let Value::Object(obj) = parsed else {
            return Err(ApiError::invalid("request body must be a JSON object"));
        };
        refuse_unknown(obj.keys().map(String::as_str), allowed)?;
        Ok(Input { obj })
    }

    /// As [`Input::body`], but an empty body reads as `{}`: for routes
    /// whose every field is optional.
    pub fn optional_body(req: &Request, allowed: &[&str]) -> Result<Input, ApiError> {
        if body::bytes(req)?.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input { obj: Map::new() });
        }
        Input::body(req, allowed)
    }

    /// Query parameters (`a=1&b=x`), decoded, as string fields; repeated
    /// or unknown names are 422.
    pub fn query(req: &Request, allowed: &[&str]) -> Result<Input, ApiError> {
        let mut obj = Map::new();
        for pair in req.query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (decode(k)?, decode(v)?);
            refuse_unknown(std::iter::once(k.as_str()), allowed)?;
            if obj.insert(k.clone(), Value::String(v)).is_some() {
                return Err(ApiError::unprocessable(format!(
                    "{k} is given more than once"
                )));
            }
        }
        Ok(Input { obj })
    }

    pub fn has(&self, name: &str) -> bool {
        self.obj.contains_key(name)
    }

    /// A string field of at most `max` characters, trimmed; `None` when
    /// absent or null.
    pub fn text(&self, name: &str, max: usize) -> Result<Option<String>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.chars().count() > max {
                    return Err(ApiError::unprocessable(format!(
                        "{name} must be at most {max} characters"
                    )));
                }
                Ok(Some(s.to_string()))
            }
            Some(_) => Err(ApiError::unprocessable(format!("{name} must be a string"))),
        }
    }

    /// A required, non-blank string field.
    pub fn required_text(&self, name: &str, max: usize) -> Result<String, ApiError> {
        match self.text(name, max)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(_) => Err(ApiError::unprocessable(format!("{name} must not be empty"))),
            None => Err(ApiError::unprocessable(format!("{name} is required"))),
        }
    }

    /// One of `choices`; `None` when absent.
    pub fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_str()
                .and_then(|s| choices.iter().copied().find(|c| *c == s))
                .map(Some)
                .ok_or_else(|| {
                    ApiError::unprocessable(format!(
                        "{name} must be one of: {}",
                        choices.join(", ")
                    ))
                }),
        }
    }

    /// A number in `min..=max` (query strings give it as text).
    pub fn number(&self, name: &str, min: f64, max: f64) -> Result<Option<f64>, ApiError> {
        let bad =
            || ApiError::unprocessable(format!("{name} must be a number from {min} to {max}"));
        let n = match self.obj.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => n.as_f64().ok_or_else(bad)?,
            Some(Value::String(s)) => s.trim().parse::<f64>().map_err(|_| bad())?,
            Some(_) => return Err(bad()),
        };
        if !n.is_finite() || n < min || n > max {
            return Err(bad());
        }
        Ok(Some(n))
    }

    /// A whole number in `min..=max`.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let bad = || {
            ApiError::unprocessable(format!("{name} must be a whole number from {min} to {max}"))
        };
        let n = match self.obj.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(v @ Value::Number(_)) => crate::params::whole_number(v).ok_or_else(bad)?,
            Some(Value::String(s)) => s.trim().parse::<i64>().map_err(|_| bad())?,
            Some(_) => return Err(bad()),
        };
        if n < min || n > max {
            return Err(bad());
        }
        Ok(Some(n))
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(_) => Err(ApiError::unprocessable(format!(
                "{name} must be true or false"
            ))),
        }
    }

    /// A list of at most `max_items` strings of at most `max_len`
    /// characters each.
    pub fn text_list(
        &self,
        name: &str,
        max_items: usize,
        max_len: usize,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let bad = || {
            ApiError::unprocessable(format!(
                "{name} must be a list of at most {max_items} strings of at most {max_len} characters"
            ))
        };
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) if items.len() <= max_items => items
                .iter()
                .map(|v| match v.as_str() {
                    Some(s) if s.trim().chars().count() <= max_len => Ok(s.trim().to_string()),
                    _ => Err(bad()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(bad()),
        }
    }

    /// The raw value of a field.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.obj.get(name)
    }
}

fn refuse_unknown<'a>(
    mut names: impl Iterator<Item = &'a str>,
    allowed: &[&str],
) -> Result<(), ApiError> {
    match names.find(|k| !allowed.contains(k)) {
        Some(unknown) if allowed.is_empty() => Err(ApiError::unprocessable(format!(
            "unknown field '{unknown}'; this takes no fields"
        ))),
        Some(unknown) => Err(ApiError::unprocessable(format!(
            "unknown field '{unknown}'; expected one of: {}",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// Percent-decoding of a query component, `+` as space.
fn decode(s: &str) -> Result<String, ApiError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        ApiError::unprocessable("the query string has a bad %-escape")
                    })?;
                out.push(hex);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::unprocessable("the query string is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded_and_checked() {
        let req = Request::new(
            "GET",
            "/x?status=open&topic_alerts=refund%2Cbroken+item&limit=5",
        );
        let q = Input::query(&req, &["status", "topic_alerts", "limit"]).unwrap();
        assert_eq!(
            q.text("topic_alerts", 100).unwrap().unwrap(),
            "refund,broken item"
        );
        assert_eq!(q.int("limit", 1, 100).unwrap(), Some(5));
        let e = Input::query(&Request::new("GET", "/x?colour=red"), &["status"])
            .err()
            .unwrap();
        assert_eq!(
            (e.status(), e.message.as_str()),
            (422, "unknown field 'colour'; expected one of: status")
        );
        assert!(Input::query(&Request::new("GET", "/x?a=%zz"), &["a"]).is_err());
        assert!(Input::query(&Request::new("GET", "/x?a=1&a=2"), &["a"]).is_err());
    }

    #[test]
    fn bodies_name_the_field() {
        let req = Request::new("POST", "/x").with_body(r#"{"a": 5, "b": "x", "c": [1]}"#);
        let i = Input::body(&req, &["a", "b", "c"]).unwrap();
        assert_eq!(i.text("a", 10).unwrap_err().message, "a must be a string");
        assert_eq!(
            i.required_text("z", 10).unwrap_err().message,
            "z is required"
        );
        assert_eq!(i.int("a", 1, 3).unwrap_err().status(), 422);
        assert!(i.text_list("c", 5, 5).is_err());
        let e = Input::body(&Request::new("POST", "/x").with_body("[]"), &[])
            .err()
            .unwrap();
        assert_eq!(e.status(), 400);
    }
}
