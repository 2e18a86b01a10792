//! HMAC-SHA256 request signing for copilot tool calls.
//!
//! A call carries `X-Timestamp` (unix epoch milliseconds, no leading zero),
//! `X-Client` (client id) and `X-Signature`, keyed with a shared secret:
//!
//! - **v2** (the default): `X-Signature: v2=<hex>`, the lowercase hex of
//!   HMAC-SHA256 over `v2\n{METHOD}\n{path}\n{timestamp}\n{client}\n{raw body}`.
//!   Method and path are signed, so a captured body cannot be spent on
//!   another route; newlines cannot occur in any field but the body, which
//!   comes last, so every signed string splits one way only.
//! - **v1** (the seed's format, accepted only where a deployment enables
//!   it for old clients): `X-Signature: <hex>` over
//!   `{timestamp}.{client}.{raw body}`. It binds no route. `.` separates its
//!   fields, so a v1 client id may not contain one.

use crate::ids::{IdError, validate_id};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a timestamp may lie from the server clock, either way.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// The prefix of a v2 `X-Signature` value.
pub const V2_PREFIX: &str = "v2=";

/// Raw HMAC-SHA256.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Whether a presented secret (a channel token, an operator token) is the
/// expected one, in time that depends on neither: both are hashed first,
/// so even their lengths stay hidden.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use sha2::Digest;
    use subtle::ConstantTimeEq;
    let given: [u8; 32] = Sha256::digest(given).into();
    let expected: [u8; 32] = Sha256::digest(expected).into();
    given.ct_eq(&expected).into()
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// The request a v2 signature is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Uppercase HTTP method.
    pub method: &'a str,
    /// The path as sent, with `?query` when there is one.
    pub path: &'a str,
}

/// Which signed-string format a signature uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    V1,
    V2,
}

/// Feeds what precedes the body in the signed string to `out`, in order.
fn signed_prefix(
    scheme: Scheme,
    target: Target<'_>,
    timestamp: &str,
    client: &str,
    mut out: impl FnMut(&[u8]),
) {
    match scheme {
        Scheme::V2 => {
            for field in ["v2", target.method, target.path, timestamp, client] {
                out(field.as_bytes());
                out(b"\n");
            }
        }
        Scheme::V1 => {
            for field in [timestamp, client] {
                out(field.as_bytes());
                out(b".");
            }
        }
    }
}

/// A secret made ready to sign and verify: HMAC's two key blocks are
/// hashed once here, so each call hashes only its own bytes.
#[derive(Clone)]
pub struct CallKey(HmacSha256);

impl CallKey {
    /// `None` for an empty secret, which would sign nothing worth trusting.
    pub fn new(secret: &[u8]) -> Option<Self> {
        (!secret.is_empty()).then(|| CallKey(new_mac(secret)))
    }
}

fn call_mac(
    key: &CallKey,
    scheme: Scheme,
    target: Target<'_>,
    timestamp: &str,
    client: &str,
    body: &[u8],
) -> HmacSha256 {
    let mut mac = key.0.clone();
    signed_prefix(scheme, target, timestamp, client, |part| mac.update(part));
    mac.update(body);
    mac
}

/// The v2 `X-Signature` value for a call: `v2=` and 64 lowercase hex characters.
pub fn sign_call(
    secret: &[u8],
    timestamp_ms: i64,
    client: &str,
    target: Target<'_>,
    body: &[u8],
) -> alloc::string::String {
    let ts = itoa(timestamp_ms);
    let key = CallKey(new_mac(secret));
    let mac = call_mac(&key, Scheme::V2, target, &ts, client, body);
    let mut out = alloc::string::String::from(V2_PREFIX);
    out.push_str(&hex::encode(mac.finalize().into_bytes()));
    out
}

/// The seed's v1 `X-Signature` value: 64 lowercase hex characters.
pub fn sign_call_v1(
    secret: &[u8],
    timestamp_ms: i64,
    client: &str,
    body: &[u8],
) -> alloc::string::String {
    let ts = itoa(timestamp_ms);
    let unbound = Target {
        method: "",
        path: "",
    };
    let key = CallKey(new_mac(secret));
    hex::encode(
        call_mac(&key, Scheme::V1, unbound, &ts, client, body)
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
    pub scheme: Scheme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    MissingHeader(&'static str),
    MalformedTimestamp,
    MalformedClient(IdError),
    /// A v1 client id with a `.`, which v1 also uses as its separator.
    DottedV1Client,
    MalformedSignature,
    /// A v1 signature where the deployment accepts v2 only.
    V1Refused,
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
                "X-Timestamp must be unix epoch milliseconds (digits only, no leading zero)"
            }
            AuthError::MalformedClient(_) => {
                "X-Client must be 1-64 characters of letters, digits, '.', '_' or '-'"
            }
            AuthError::DottedV1Client => {
                "X-Client may not contain '.' with a v1 signature, where '.' separates the signed fields; sign with v2"
            }
            AuthError::MalformedSignature => {
                "X-Signature must be v2= and 64 lowercase hex characters"
            }
            AuthError::V1Refused => {
                "this server accepts v2 signatures only: X-Signature: v2=<hex HMAC-SHA256 of \"v2\\n{METHOD}\\n{path}\\n{timestamp}\\n{client}\\n{body}\">"
            }
            AuthError::Stale => "X-Timestamp is more than 5 minutes in the past",
            AuthError::Future => "X-Timestamp is more than 5 minutes in the future",
            AuthError::BadSignature => "signature does not match",
            AuthError::NoSecret => "request signing is not configured on this server",
        }
    }
}

/// What a deployment accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Also accept the seed's v1 signatures (unbound to the route).
    pub accept_v1: bool,
}

/// Checks headers, timestamp window and signature against every key
/// (several are live during a rotation). Comparison is constant-time.
pub fn verify_call<'a>(
    keys: &[CallKey],
    headers: CallHeaders<'a>,
    target: Target<'_>,
    body: &[u8],
    now_ms: i64,
    policy: Policy,
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
    let (scheme, signature) = parse_signature(signature)?;
    if scheme == Scheme::V1 {
        if !policy.accept_v1 {
            return Err(AuthError::V1Refused);
        }
        if client.contains('.') {
            return Err(AuthError::DottedV1Client);
        }
    }

    if timestamp_ms < now_ms.saturating_sub(MAX_SKEW_MS) {
        return Err(AuthError::Stale);
    }
    if timestamp_ms > now_ms.saturating_add(MAX_SKEW_MS) {
        return Err(AuthError::Future);
    }

    if keys.is_empty() {
        return Err(AuthError::NoSecret);
    }
    let mut matched = false;
    for key in keys {
        // Check every key so timing does not depend on which one matched.
        matched |= call_mac(key, scheme, target, timestamp, client, body)
            .verify_slice(&signature)
            .is_ok();
    }
    if !matched {
        return Err(AuthError::BadSignature);
    }
    Ok(VerifiedCall {
        timestamp_ms,
        client,
        signature,
        scheme,
    })
}

fn parse_timestamp(raw: &str) -> Result<i64, AuthError> {
    // 15 digits reach year 33658: anything longer is not a real clock. A
    // leading zero would let one instant be written many ways.
    if raw.is_empty()
        || raw.len() > 15
        || raw.starts_with('0')
        || !raw.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(AuthError::MalformedTimestamp);
    }
    raw.parse().map_err(|_| AuthError::MalformedTimestamp)
}

fn parse_signature(raw: &str) -> Result<(Scheme, [u8; 32]), AuthError> {
    let (scheme, hex_part) = match raw.strip_prefix(V2_PREFIX) {
        Some(rest) => (Scheme::V2, rest),
        None => (Scheme::V1, raw),
    };
    let hex_part = hex_part.as_bytes();
    if hex_part.len() != 64 {
        return Err(AuthError::MalformedSignature);
    }
    // Lowercase hex only, checked and decoded in one pass.
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex_part.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (nibble(pair[0]), nibble(pair[1])) else {
            return Err(AuthError::MalformedSignature);
        };
        *o = hi << 4 | lo;
    }
    Ok((scheme, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    fn unhex(s: &str) -> alloc::vec::Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn same_secret_needs_every_byte() {
        assert!(same_secret(b"token", b"token"));
        assert!(!same_secret(b"token", b"toke"));
        assert!(!same_secret(b"token", b"tokenx"));
        assert!(!same_secret(b"token", b"tokeN"));
        assert!(!same_secret(b"", b"token"));
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

    fn keys(secrets: &[&[u8]]) -> Vec<CallKey> {
        secrets.iter().filter_map(|s| CallKey::new(s)).collect()
    }
    const HEALTH: Target = Target {
        method: "POST",
        path: "/tools/calculate_health",
    };
    const V2_ONLY: Policy = Policy { accept_v1: false };
    const BOTH: Policy = Policy { accept_v1: true };

    fn headers<'a>(ts: &'a str, client: &'a str, sig: &'a str) -> CallHeaders<'a> {
        CallHeaders {
            timestamp: Some(ts),
            client: Some(client),
            signature: Some(sig),
        }
    }

    fn check(secrets: &[&[u8]], ts: &str, sig: &str, body: &[u8]) -> Result<i64, AuthError> {
        verify_call(
            &keys(secrets),
            headers(ts, "agent-1", sig),
            HEALTH,
            body,
            NOW,
            V2_ONLY,
        )
        .map(|v| v.timestamp_ms)
    }

    fn signed(secret: &[u8], ts: i64, body: &[u8]) -> (String, String) {
        (
            ts.to_string(),
            sign_call(secret, ts, "agent-1", HEALTH, body),
        )
    }

    use alloc::string::ToString;

    #[test]
    fn v2_and_v1_match_independent_computations() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'dev-secret',
        //   b'v2\nPOST\n/tools/calculate_health\n1763700000000\nagent-1\n{}', hashlib.sha256).hexdigest())"
        assert_eq!(
            sign_call(b"dev-secret", NOW, "agent-1", HEALTH, b"{}"),
            "v2=f0ffd06316a82468ab9a29f3075e751a314a9345016177de15cd2cc3ad281346"
        );
        // The same over b'1763700000000.agent-1.{}'.
        assert_eq!(
            sign_call_v1(b"dev-secret", NOW, "agent-1", b"{}"),
            "f339a7b44db25b8636092aa930be17ccb6641912b8de0d66b3a3dee094f25447"
        );
    }

    #[test]
    fn signature_covers_method_path_timestamp_client_and_body() {
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
        let elsewhere = [
            Target {
                method: "POST",
                path: "/tools/get_contract_info",
            },
            Target {
                method: "PUT",
                path: HEALTH.path,
            },
            Target {
                method: "POST",
                path: "/tools/calculate_health?x=1",
            },
        ];
        for target in elsewhere {
            let res = verify_call(
                &keys(&[b"k"]),
                headers(&ts, "agent-1", &sig),
                target,
                b"{}",
                NOW,
                BOTH,
            );
            assert_eq!(res, Err(AuthError::BadSignature), "{target:?}");
        }
        let res = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "agent-2", &sig),
            HEALTH,
            b"{}",
            NOW,
            BOTH,
        );
        assert_eq!(res, Err(AuthError::BadSignature));
    }

    #[test]
    fn v1_only_where_enabled_and_never_with_a_dotted_client() {
        let ts = NOW.to_string();
        let v1 = sign_call_v1(b"k", NOW, "agent-1", b"{}");
        let res = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "agent-1", &v1),
            HEALTH,
            b"{}",
            NOW,
            V2_ONLY,
        );
        assert_eq!(res, Err(AuthError::V1Refused));
        let ok = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "agent-1", &v1),
            HEALTH,
            b"{}",
            NOW,
            BOTH,
        );
        assert_eq!(ok.map(|v| v.scheme), Ok(Scheme::V1));
        // "ts.a.b.c" reads as client "a", body "b.c" or client "a.b", body "c".
        let a = sign_call_v1(b"k", NOW, "a", b"b.c");
        assert_eq!(a, sign_call_v1(b"k", NOW, "a.b", b"c"));
        let res = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "a.b", &a),
            HEALTH,
            b"c",
            NOW,
            BOTH,
        );
        assert_eq!(res, Err(AuthError::DottedV1Client));
        // v2 clients may hold dots: newlines separate v2 fields.
        let v2 = sign_call(b"k", NOW, "a.b", HEALTH, b"c");
        let ok = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "a.b", &v2),
            HEALTH,
            b"c",
            NOW,
            V2_ONLY,
        );
        assert_eq!(ok.map(|v| v.scheme), Ok(Scheme::V2));
    }

    #[test]
    fn window_is_five_minutes_each_way_inclusive() {
        for (ts, want) in [
            (NOW - MAX_SKEW_MS, Ok(NOW - MAX_SKEW_MS)),
            (NOW + MAX_SKEW_MS, Ok(NOW + MAX_SKEW_MS)),
            (NOW - MAX_SKEW_MS - 1, Err(AuthError::Stale)),
            (NOW + MAX_SKEW_MS + 1, Err(AuthError::Future)),
            (1, Err(AuthError::Stale)),
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
        let padded = alloc::format!("0{ts}");
        for bad_ts in [
            "",
            "0",
            "-1",
            "1.5e12",
            "17637000000000000",
            " 1763700000000",
            "abc",
            padded.as_str(),
        ] {
            assert_eq!(
                check(&[b"k"], bad_ts, &sig, b"x"),
                Err(AuthError::MalformedTimestamp),
                "{bad_ts:?}"
            );
        }
        let upper = alloc::format!("v2={}", sig[3..].to_uppercase());
        let bare_v2 = alloc::format!("v2{}", &sig[3..]);
        for bad_sig in [
            "",
            "zz",
            "v2=",
            &sig[..66],
            &upper,
            &bare_v2,
            &alloc::format!("{sig}0"),
        ] {
            assert_eq!(
                check(&[b"k"], &ts, bad_sig, b"x"),
                Err(AuthError::MalformedSignature),
                "{bad_sig:?}"
            );
        }
        let missing = verify_call(
            &keys(&[b"k"]),
            CallHeaders::default(),
            HEALTH,
            b"x",
            NOW,
            BOTH,
        );
        assert_eq!(missing, Err(AuthError::MissingHeader("X-Timestamp")));
        let bad_client = verify_call(
            &keys(&[b"k"]),
            headers(&ts, "a/b", &sig),
            HEALTH,
            b"x",
            NOW,
            BOTH,
        );
        assert!(matches!(bad_client, Err(AuthError::MalformedClient(_))));
    }

    fn signed_string(
        scheme: Scheme,
        t: Target<'_>,
        ts: &str,
        client: &str,
        body: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        signed_prefix(scheme, t, ts, client, |part| out.extend_from_slice(part));
        out.extend_from_slice(body);
        out
    }

    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn field() -> impl Strategy<Value = String> {
        // What the checks let through: ids, methods, paths; '.' and '/' are
        // the characters that could blur a boundary.
        "[a-z0-9./_-]{1,6}"
    }

    proptest! {
        /// Two different calls never share a v2 signed string, so one
        /// signature never fits two calls.
        #[test]
        fn v2_signed_strings_split_one_way(
            a in (field(), field(), 1u64..1_000_000, field(), proptest::collection::vec(any::<u8>(), 0..8)),
            b in (field(), field(), 1u64..1_000_000, field(), proptest::collection::vec(any::<u8>(), 0..8)),
        ) {
            let message = |(m, p, ts, c, body): &(String, String, u64, String, Vec<u8>)| {
                signed_string(Scheme::V2, Target { method: m, path: p }, &ts.to_string(), c, body)
            };
            prop_assert_eq!(message(&a) == message(&b), a == b);
        }

        /// The same for v1 once dotted clients are refused.
        #[test]
        fn v1_signed_strings_split_one_way_without_dotted_clients(
            a in (1u64..1_000_000, "[a-z0-9_-]{1,6}", proptest::collection::vec(any::<u8>(), 0..8)),
            b in (1u64..1_000_000, "[a-z0-9_-]{1,6}", proptest::collection::vec(any::<u8>(), 0..8)),
        ) {
            let none = Target { method: "", path: "" };
            let message = |(ts, c, body): &(u64, String, Vec<u8>)| {
                signed_string(Scheme::V1, none, &ts.to_string(), c, body)
            };
            prop_assert_eq!(message(&a) == message(&b), a == b);
        }
    }
}
