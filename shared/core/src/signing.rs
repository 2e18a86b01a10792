//! HMAC-SHA256 request signing for copilot tool calls.
//!
//! A call carries `X-Timestamp` (unix epoch milliseconds), `X-Client` (client
//! id) and `X-Signature`: lowercase hex of HMAC-SHA256 over
//! `{timestamp}.{client}.{raw body}` with a shared secret.

use crate::ids::{IdError, validate_id};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a timestamp may lie from the server clock, either way.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// Raw HMAC-SHA256.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length")
}

fn call_mac(key: &[u8], timestamp: &str, client: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = new_mac(key);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(client.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Signature` value for a call: 64 lowercase hex characters.
pub fn sign_call(
    secret: &[u8],
    timestamp_ms: i64,
    client: &str,
    body: &[u8],
) -> alloc::string::String {
    let ts = itoa(timestamp_ms);
    hex::encode(
        call_mac(secret, ts.as_str(), client, body)
            .finalize()
            .into_bytes(),
    )
}

fn itoa(n: i64) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::new();
    let _ = write!(s, "{n}");
    s
}

/// The three signing headers as they arrived (absent ones are `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallHeaders<'a> {
    pub timestamp: Option<&'a str>,
    pub client: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// A call whose signature and timestamp checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCall<'a> {
    pub timestamp_ms: i64,
    pub client: &'a str,
    pub signature: [u8; 32],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    MissingHeader(&'static str),
    MalformedTimestamp,
    MalformedClient(IdError),
    MalformedSignature,
    Stale,
    Future,
    BadSignature,
    /// The server holds no usable secret: a configuration fault, not the caller's.
    NoSecret,
}

impl AuthError {
    /// A message for the caller: what was wrong, never what was expected.
    pub fn describe(self) -> &'static str {
        match self {
            AuthError::MissingHeader("X-Timestamp") => "missing X-Timestamp header",
            AuthError::MissingHeader("X-Client") => "missing X-Client header",
            AuthError::MissingHeader(_) => "missing X-Signature header",
            AuthError::MalformedTimestamp => {
                "X-Timestamp must be unix epoch milliseconds (digits only)"
            }
            AuthError::MalformedClient(_) => {
                "X-Client must be 1-64 characters of letters, digits, '.', '_' or '-'"
            }
            AuthError::MalformedSignature => "X-Signature must be 64 lowercase hex characters",
            AuthError::Stale => "X-Timestamp is more than 5 minutes in the past",
            AuthError::Future => "X-Timestamp is more than 5 minutes in the future",
            AuthError::BadSignature => "signature does not match",
            AuthError::NoSecret => "request signing is not configured on this server",
        }
    }
}

/// Checks headers, timestamp window and signature against every secret
/// (several are live during a rotation). Comparison is constant-time.
pub fn verify_call<'a>(
    secrets: &[&[u8]],
    headers: CallHeaders<'a>,
    body: &[u8],
    now_ms: i64,
) -> Result<VerifiedCall<'a>, AuthError> {
    let timestamp = headers
        .timestamp
        .ok_or(AuthError::MissingHeader("X-Timestamp"))?;
    let client = headers.client.ok_or(AuthError::MissingHeader("X-Client"))?;
    let signature = headers
        .signature
        .ok_or(AuthError::MissingHeader("X-Signature"))?;

    let timestamp_ms = parse_timestamp(timestamp)?;
    validate_id(client).map_err(AuthError::MalformedClient)?;
    let signature = parse_signature(signature)?;

    if timestamp_ms < now_ms.saturating_sub(MAX_SKEW_MS) {
        return Err(AuthError::Stale);
    }
    if timestamp_ms > now_ms.saturating_add(MAX_SKEW_MS) {
        return Err(AuthError::Future);
    }

    let usable = secrets.iter().filter(|s| !s.is_empty());
    let mut any_secret = false;
    let mut matched = false;
    for secret in usable {
        any_secret = true;
        // Check every secret so timing does not depend on which one matched.
        matched |= call_mac(secret, timestamp, client, body)
            .verify_slice(&signature)
            .is_ok();
    }
    if !any_secret {
        return Err(AuthError::NoSecret);
    }
    if !matched {
        return Err(AuthError::BadSignature);
    }
    Ok(VerifiedCall {
        timestamp_ms,
        client,
        signature,
    })
}

fn parse_timestamp(raw: &str) -> Result<i64, AuthError> {
    // 15 digits reach year 33658: anything longer is not a real clock.
    if raw.is_empty() || raw.len() > 15 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::MalformedTimestamp);
    }
    raw.parse().map_err(|_| AuthError::MalformedTimestamp)
}

fn parse_signature(raw: &str) -> Result<[u8; 32], AuthError> {
    if raw.len() != 64 || !raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(AuthError::MalformedSignature);
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(raw, &mut out).map_err(|_| AuthError::MalformedSignature)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    fn unhex(s: &str) -> alloc::vec::Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// RFC 4231 test cases 1-4, 6 and 7 (case 5 truncates the output).
    #[test]
    fn rfc4231_vectors() {
        let long_key = vec![0xaa; 131];
        let cases: [(&[u8], &[u8], &str); 6] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                &unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                &long_key,
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                &long_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, msg, want) in cases {
            assert_eq!(hex::encode(hmac_sha256(key, msg)), want);
        }
    }

    const NOW: i64 = 1_763_700_000_000;

    fn signed(secret: &[u8], ts: i64, body: &[u8]) -> (String, String) {
        (ts.to_string(), sign_call(secret, ts, "agent-1", body))
    }

    use alloc::string::ToString;

    fn check(secrets: &[&[u8]], ts: &str, sig: &str, body: &[u8]) -> Result<i64, AuthError> {
        verify_call(
            secrets,
            CallHeaders {
                timestamp: Some(ts),
                client: Some("agent-1"),
                signature: Some(sig),
            },
            body,
            NOW,
        )
        .map(|v| v.timestamp_ms)
    }

    #[test]
    fn signature_covers_timestamp_client_and_body() {
        // Computed independently: printf '1763700000000.agent-1.{}' | openssl dgst -sha256 -hmac dev-secret
        assert_eq!(
            sign_call(b"dev-secret", NOW, "agent-1", b"{}"),
            hex::encode(hmac_sha256(b"dev-secret", b"1763700000000.agent-1.{}"))
        );
        let (ts, sig) = signed(b"k", NOW, b"{}");
        assert_eq!(check(&[b"k"], &ts, &sig, b"{}"), Ok(NOW));
        assert_eq!(
            check(&[b"k"], &ts, &sig, b"{ }"),
            Err(AuthError::BadSignature)
        );
        let other_ts = (NOW + 1).to_string();
        assert_eq!(
            check(&[b"k"], &other_ts, &sig, b"{}"),
            Err(AuthError::BadSignature)
        );
        let res = verify_call(
            &[b"k"],
            CallHeaders {
                timestamp: Some(&ts),
                client: Some("agent-2"),
                signature: Some(&sig),
            },
            b"{}",
            NOW,
        );
        assert_eq!(res, Err(AuthError::BadSignature));
    }

    #[test]
    fn window_is_five_minutes_each_way_inclusive() {
        for (ts, want) in [
            (NOW - MAX_SKEW_MS, Ok(NOW - MAX_SKEW_MS)),
            (NOW + MAX_SKEW_MS, Ok(NOW + MAX_SKEW_MS)),
            (NOW - MAX_SKEW_MS - 1, Err(AuthError::Stale)),
            (NOW + MAX_SKEW_MS + 1, Err(AuthError::Future)),
            (0, Err(AuthError::Stale)),
        ] {
            let (t, sig) = signed(b"k", ts, b"x");
            assert_eq!(check(&[b"k"], &t, &sig, b"x"), want, "ts {ts}");
        }
    }

    #[test]
    fn rotation_accepts_any_live_secret() {
        let (ts, sig) = signed(b"new", NOW, b"x");
        assert_eq!(check(&[b"old", b"new"], &ts, &sig, b"x"), Ok(NOW));
        assert_eq!(
            check(&[b"old"], &ts, &sig, b"x"),
            Err(AuthError::BadSignature)
        );
        assert_eq!(
            check(&[b"", b""], &ts, &sig, b"x"),
            Err(AuthError::NoSecret)
        );
        assert_eq!(check(&[], &ts, &sig, b"x"), Err(AuthError::NoSecret));
    }

    #[test]
    fn malformed_headers_are_named() {
        let (ts, sig) = signed(b"k", NOW, b"x");
        for bad_ts in [
            "",
            "-1",
            "1.5e12",
            "17637000000000000",
            " 1763700000000",
            "abc",
        ] {
            assert_eq!(
                check(&[b"k"], bad_ts, &sig, b"x"),
                Err(AuthError::MalformedTimestamp)
            );
        }
        let upper = sig.to_uppercase();
        for bad_sig in ["", "zz", &sig[..63], &upper, &alloc::format!("{sig}0")] {
            assert_eq!(
                check(&[b"k"], &ts, bad_sig, b"x"),
                Err(AuthError::MalformedSignature)
            );
        }
        let missing = verify_call(&[b"k"], CallHeaders::default(), b"x", NOW);
        assert_eq!(missing, Err(AuthError::MissingHeader("X-Timestamp")));
        let bad_client = verify_call(
            &[b"k"],
            CallHeaders {
                timestamp: Some(&ts),
                client: Some("a/b"),
                signature: Some(&sig),
            },
            b"x",
            NOW,
        );
        assert!(matches!(bad_client, Err(AuthError::MalformedClient(_))));
    }
}
