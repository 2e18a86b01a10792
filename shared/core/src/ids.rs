//! Identifiers that come from callers and end up in storage keys.

/// Longest customer or client id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Why an id was refused, phrased for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    Empty,
    TooLong,
    BadChar,
    /// `.` or `..` alone, or anything starting with a dot: it could address
    /// another object once joined into a path-like key.
    DotSegment,
}

impl IdError {
    pub fn describe(self) -> &'static str {
        match self {
            IdError::Empty => "must not be empty",
            IdError::TooLong => "must be at most 64 characters",
            IdError::BadChar => "may contain only letters, digits, '.', '_' and '-'",
            IdError::DotSegment => "must not start with '.'",
        }
    }
}

/// Checks an id against `[A-Za-z0-9._-]{1,64}` and refuses dot-leading ids,
/// so `..`, `.hidden` and `a/../b` can never become a storage key.
pub fn validate_id(id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    if id.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(IdError::BadChar);
    }
    if id.starts_with('.') {
        return Err(IdError::DotSegment);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        for id in ["acme-001", "A.b_c-9", "x", "a..b"] {
            assert_eq!(validate_id(id), Ok(()), "{id}");
        }
        let max = "a".repeat(MAX_ID_LEN);
        assert_eq!(validate_id(&max), Ok(()));
    }

    #[test]
    fn refuses_what_could_escape_a_key() {
        assert_eq!(validate_id(""), Err(IdError::Empty));
        assert_eq!(validate_id(&"a".repeat(65)), Err(IdError::TooLong));
        assert_eq!(validate_id("../x"), Err(IdError::BadChar));
        assert_eq!(validate_id("a/b"), Err(IdError::BadChar));
        assert_eq!(validate_id("a\\b"), Err(IdError::BadChar));
        assert_eq!(validate_id("acme 001"), Err(IdError::BadChar));
        assert_eq!(validate_id("é"), Err(IdError::BadChar));
        assert_eq!(validate_id(".."), Err(IdError::DotSegment));
        assert_eq!(validate_id(".env"), Err(IdError::DotSegment));
    }
}
