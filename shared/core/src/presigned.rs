//! Presigned URLs: a short-lived grant to read or write one object,
//! carried in the URL itself so that a client holding no key (a store's
//! till, a BI tool) can use it, and every runtime can check it without
//! asking anyone.
//!
//! The signature is the lowercase hex of HMAC-SHA256 over
//! `{METHOD}\n{path}\n{expires}\n{max_bytes}`: the method and path (which
//! names the object) so a grant cannot be spent on another object or
//! verb, the expiry (unix seconds) so it dies, and the largest body it
//! admits (`0` for reads) so a client cannot store more than it was
//! granted. No field can hold a newline, so the string splits one way.

use crate::signing::hmac_sha256;
use alloc::format;
use alloc::string::String;
use subtle::ConstantTimeEq;

/// What a URL grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant<'a> {
    /// Uppercase HTTP method.
    pub method: &'a str,
    /// The path, as sent (percent-encoding included), without the query.
    pub path: &'a str,
    /// Unix seconds after which the URL is refused.
    pub expires: i64,
    /// The largest body a write may carry; 0 for reads.
    pub max_bytes: u64,
}

impl Grant<'_> {
    fn canonical(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            self.method, self.path, self.expires, self.max_bytes
        )
    }

    /// The URL's signature.
    pub fn sign(&self, secret: &[u8]) -> String {
        hex::encode(hmac_sha256(secret, self.canonical().as_bytes()))
    }

    /// Whether `signature` is this grant's, compared in constant time.
    pub fn verify(&self, secret: &[u8], signature: &str) -> bool {
        let Ok(given) = hex::decode(signature) else {
            return false;
        };
        let expected = hmac_sha256(secret, self.canonical().as_bytes());
        given.len() == expected.len() && bool::from(given.as_slice().ct_eq(expected.as_slice()))
    }
}

/// Why a presigned URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Past its expiry.
    Expired,
    /// Signed for something else, or not signed with our secret.
    BadSignature,
}

/// Checks a URL's grant at `now_secs`: the signature first (so an altered
/// expiry is a bad signature, not an expired URL), then the expiry.
pub fn check(
    grant: &Grant<'_>,
    secret: &[u8],
    signature: &str,
    now_secs: i64,
) -> Result<(), Refusal> {
    if !grant.verify(secret, signature) {
        return Err(Refusal::BadSignature);
    }
    if now_secs > grant.expires {
        return Err(Refusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"url-secret";

    fn upload() -> Grant<'static> {
        Grant {
            method: "PUT",
            path: "/api/sales/objects/raw/2026-11-02/store-001.json",
            expires: 1_793_620_800,
            max_bytes: 52_428_800,
        }
    }

    /// Computed independently with Python's `hmac` and `hashlib`.
    #[test]
    fn signatures_match_an_independent_hmac() {
        assert_eq!(
            upload().sign(SECRET),
            "168dfc8fb4bfb5f45cb193cee6b467f56770d49af8b56e41759938d9b0643f36"
        );
        let read = Grant {
            method: "GET",
            path: "/api/sales/objects/processed/2026-11-02/store-001.ndjson.gz",
            expires: 1_793_620_800,
            max_bytes: 0,
        };
        assert_eq!(
            read.sign(SECRET),
            "197c471fa4870860d2e74227f4b3f715d452646f443f400c02336f53af9f99a9"
        );
    }

    #[test]
    fn a_url_is_good_until_it_expires() {
        let g = upload();
        let sig = g.sign(SECRET);
        assert_eq!(check(&g, SECRET, &sig, g.expires - 1), Ok(()));
        assert_eq!(check(&g, SECRET, &sig, g.expires), Ok(()));
        assert_eq!(
            check(&g, SECRET, &sig, g.expires + 1),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn malformed_signatures_are_refused() {
        let g = upload();
        for bad in ["", "zz", "168dfc", &"0".repeat(64), &g.sign(b"other")] {
            assert_eq!(check(&g, SECRET, bad, 0), Err(Refusal::BadSignature));
        }
    }

    proptest! {
        /// Changing any field the URL carries voids its signature.
        #[test]
        fn every_field_is_bound(expires in 0i64..4_000_000_000, max in 0u64..1 << 40,
                                delta in 1i64..1_000_000, which in 0usize..4) {
            let g = Grant { method: "PUT", path: "/api/sales/objects/raw/2026-01-01/s.json",
                            expires, max_bytes: max };
            let sig = g.sign(SECRET);
            let altered = match which {
                0 => Grant { method: "GET", ..g },
                1 => Grant { path: "/api/sales/objects/raw/2026-01-01/t.json", ..g },
                2 => Grant { expires: expires + delta, ..g },
                _ => Grant { max_bytes: max + delta as u64, ..g },
            };
            prop_assert_eq!(check(&g, SECRET, &sig, expires), Ok(()));
            prop_assert_eq!(check(&altered, SECRET, &sig, 0), Err(Refusal::BadSignature));
        }
    }
}
