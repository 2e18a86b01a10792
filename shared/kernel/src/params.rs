//! Validation of a tool's `params` object, with messages that name the field
//! and what was expected.

use edgedesk_core::envelope::ApiError;
use serde_json::{Map, Value};

/// A JSON number with no fractional part, as JSON Schema's `integer` has
/// it: `30` and `30.0` alike.
pub fn whole_number(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    n.as_i64().or_else(|| {
        let f = n.as_f64()?;
        // Within ±2^53 every whole f64 is exact.
        (f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0).then_some(f as i64)
    })
}

pub struct Params<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    /// Refuses any parameter the tool does not define.
    pub fn new(map: &'a Map<String, Value>, allowed: &[&str]) -> Result<Self, ApiError> {
        if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            let expected = if allowed.is_empty() {
                "this tool takes no parameters".to_string()
            } else {
                format!("expected one of: {}", allowed.join(", "))
            };
            return Err(ApiError::invalid(format!(
                "unknown parameter '{unknown}'; {expected}"
            )));
        }
        Ok(Self { map })
    }

    /// A whole number in `min..=max`, or `default` when absent.
    pub fn int(&self, name: &str, min: i64, max: i64, default: i64) -> Result<i64, ApiError> {
        let Some(v) = self.map.get(name) else {
            return Ok(default);
        };
        let out_of_range = || {
            ApiError::invalid(format!(
                "params.{name} must be a whole number from {min} to {max}"
            ))
        };
        match whole_number(v) {
            Some(i) if (min..=max).contains(&i) => Ok(i),
            _ => Err(out_of_range()),
        }
    }

    /// One of `choices`, or `None` when absent.
    pub fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, ApiError> {
        let Some(v) = self.map.get(name) else {
            return Ok(None);
        };
        v.as_str()
            .and_then(|s| choices.iter().copied().find(|c| *c == s))
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "params.{name} must be one of: {}",
                    choices.join(", ")
                ))
            })
    }

    pub fn object(&self, name: &str) -> Result<Option<&'a Map<String, Value>>, ApiError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(ApiError::invalid(format!(
                "params.{name} must be an object"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn ints_are_bounded_whole_numbers() {
        let m = map(json!({"a": 5, "b": 0, "c": 1.5, "d": "7", "e": 366}));
        let p = Params::new(&m, &["a", "b", "c", "d", "e"]).unwrap();
        assert_eq!(p.int("a", 1, 365, 30), Ok(5));
        assert_eq!(p.int("zz", 1, 365, 30), Ok(30));
        for bad in ["b", "c", "d", "e"] {
            let err = p.int(bad, 1, 365, 30).unwrap_err();
            assert_eq!(
                err.message,
                format!("params.{bad} must be a whole number from 1 to 365")
            );
        }
    }

    #[test]
    fn whole_numbers_are_json_schema_integers() {
        let m = map(json!({"a": 30.0, "b": 1e2, "c": 30.5, "d": 1e300}));
        let p = Params::new(&m, &["a", "b", "c", "d"]).unwrap();
        assert_eq!(p.int("a", 1, 365, 7), Ok(30));
        assert_eq!(p.int("b", 1, 365, 7), Ok(100));
        assert!(p.int("c", 1, 365, 7).is_err());
        assert!(p.int("d", 1, 365, 7).is_err());
        assert_eq!(whole_number(&json!(-4.0)), Some(-4));
        assert_eq!(whole_number(&json!("4")), None);
    }

    #[test]
    fn unknown_params_are_named() {
        let m = map(json!({"perodDays": 5}));
        let err = Params::new(&m, &["periodDays"]).err().unwrap();
        assert_eq!(
            err.message,
            "unknown parameter 'perodDays'; expected one of: periodDays"
        );
    }

    #[test]
    fn choices_are_exact() {
        let m = map(json!({"s": "open", "t": "OPEN", "u": 1}));
        let p = Params::new(&m, &["s", "t", "u"]).unwrap();
        let set = ["open", "closed"];
        assert_eq!(p.choice("s", &set), Ok(Some("open")));
        assert!(p.choice("t", &set).is_err());
        assert!(p.choice("u", &set).is_err());
        assert_eq!(p.choice("v", &set), Ok(None));
    }
}
