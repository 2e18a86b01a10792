//! HS256 session tokens (RFC 7519 JWTs), signed with one shared secret and
//! verified strictly.
//!
//! Verification accepts one shape only and refuses everything else, because
//! each leniency in a JWT parser has been an attack somewhere: the header
//! must name `HS256` exactly (so `none` and key-confusion tricks fail before
//! any key is used), base64url must be unpadded and canonical, JSON objects
//! may not repeat a key, the signature is compared in constant time before
//! a claim is read, and every token must carry an expiry. There is no
//! leeway: callers pass the clock they trust.

use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Longest token accepted, in bytes. Session claims are small; anything
/// longer is refused before it is decoded.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The only header `sign` writes.
pub const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// An HMAC-SHA256 signature in unpadded base64url.
const SIGNATURE_B64_LEN: usize = 43;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtError {
    /// Not three non-empty base64url parts of JSON objects, too long, or a
    /// header or claim of the wrong type.
    Malformed,
    /// The header names an algorithm other than HS256, or none.
    Algorithm,
    Signature,
    Expired,
    NotYetValid,
    /// No `exp` claim: every session must end.
    MissingExpiry,
}

impl JwtError {
    /// A message for the caller: what was wrong, never what was expected.
    pub fn describe(self) -> &'static str {
        match self {
            JwtError::Malformed => "token is malformed",
            JwtError::Algorithm => "token algorithm is not HS256",
            JwtError::Signature => "token signature is invalid",
            JwtError::Expired => "token has expired",
            JwtError::NotYetValid => "token is not yet valid",
            JwtError::MissingExpiry => "token has no expiry",
        }
    }
}

impl core::fmt::Display for JwtError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.describe())
    }
}

/// A prepared HMAC key for one secret (prepare once per secret, reuse
/// across requests): HMAC's two key blocks are hashed here, once.
#[derive(Clone)]
pub struct Key(HmacSha256);

impl Key {
    /// Any length works, as HMAC allows; refusing a short or empty secret
    /// is for whoever reads it from settings.
    pub fn new(secret: &[u8]) -> Key {
        Key(HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length"))
    }

    fn mac(&self, header_b64: &str, payload_b64: &str) -> HmacSha256 {
        let mut mac = self.0.clone();
        mac.update(header_b64.as_bytes());
        mac.update(b".");
        mac.update(payload_b64.as_bytes());
        mac
    }
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Key(..)")
    }
}

/// `header.payload.signature`, header exactly `{"alg":"HS256","typ":"JWT"}`,
/// payload the claims object serialised compactly. `verify` refuses tokens
/// longer than [`MAX_TOKEN_LEN`], so keep claims small.
pub fn sign(key: &Key, claims: &Map<String, Value>) -> String {
    let payload = serde_json::to_vec(claims).expect("a JSON object always serialises");
    let mut token = URL_SAFE_NO_PAD.encode(HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let (header_b64, payload_b64) = token.split_once('.').expect("the dot was just pushed");
    let signature = key.mac(header_b64, payload_b64).finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    token
}

/// The verified claims. `now_secs` is Unix seconds.
///
/// The token must have exactly three non-empty parts; a header whose `alg`
/// is the string `HS256`, whose `typ`, if any, is `JWT`, and with no `crit`;
/// a valid signature; and claims with an integer `exp` later than
/// `now_secs`, an integer `nbf`, if any, no later than `now_secs`, and a
/// numeric `iat`, if any.
pub fn verify(key: &Key, token: &str, now_secs: i64) -> Result<Map<String, Value>, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    if header_b64.is_empty() || payload_b64.is_empty() || signature_b64.is_empty() {
        return Err(JwtError::Malformed);
    }

    let header = decode_object(header_b64)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError::Algorithm);
    }
    let typ_ok = |typ: &Value| typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT"));
    if header.get("typ").is_some_and(|typ| !typ_ok(typ)) {
        return Err(JwtError::Malformed);
    }
    // Extensions the header says must be understood: none are.
    if header.contains_key("crit") {
        return Err(JwtError::Malformed);
    }

    if signature_b64.len() != SIGNATURE_B64_LEN {
        return Err(JwtError::Malformed);
    }
    let signature = decode(signature_b64)?;
    let payload = decode(payload_b64)?;
    key.mac(header_b64, payload_b64)
        .verify_slice(&signature)
        .map_err(|_| JwtError::Signature)?;

    let claims = parse_object(&payload)?;
    let exp = numeric_date(claims.get("exp").ok_or(JwtError::MissingExpiry)?)?;
    let nbf = claims.get("nbf").map(numeric_date).transpose()?;
    if claims.get("iat").is_some_and(|iat| !iat.is_number()) {
        return Err(JwtError::Malformed);
    }
    if now_secs >= exp {
        return Err(JwtError::Expired);
    }
    if nbf.is_some_and(|nbf| now_secs < nbf) {
        return Err(JwtError::NotYetValid);
    }
    Ok(claims)
}

/// An integer count of Unix seconds; one beyond `i64` is as good as never.
fn numeric_date(value: &Value) -> Result<i64, JwtError> {
    value
        .as_i64()
        .or_else(|| value.as_u64().map(|_| i64::MAX))
        .ok_or(JwtError::Malformed)
}

/// Unpadded base64url with zero trailing bits: one encoding per value.
fn decode(part: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)
}

fn decode_object(part: &str) -> Result<Map<String, Value>, JwtError> {
    parse_object(&decode(part)?)
}

fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JwtError> {
    serde_json::from_slice::<UniqueKeys>(bytes)
        .map(|o| o.0)
        .map_err(|_| JwtError::Malformed)
}

/// A JSON object that names each key once: with a repeated key, which
/// value counts would depend on the parser reading it.
struct UniqueKeys(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = UniqueKeys;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<UniqueKeys, A::Error> {
                let mut map = Map::new();
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    if map.insert(key, value).is_some() {
                        return Err(de::Error::custom("duplicate key"));
                    }
                }
                Ok(UniqueKeys(map))
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use proptest::prelude::*;
    use serde_json::json;

    const NOW: i64 = 1_763_700_000;
    const SECRET: &[u8] = b"session-secret-for-tests";

    /// An RSA public key, as a server holding RS256 keys would publish it.
    const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDGZH2D/58CwSzklG+dZDqR7Te7
oA6gOaD3SdCjoniWnl0UTC7JDvweQiU1ot/iRvNFq9sfbGqfPheeDwSQcWQ8IH7U
xmUSnX7AvVzkQZD78ccVnuZhkIb7fjG3fix1bt6WLr9SVjO7Hp2uzxdLZsDBu3Yx
qfosNcSop0Wjo/MgwQIDAQAB
-----END PUBLIC KEY-----
";

    fn b64(bytes: impl AsRef<[u8]>) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    fn claims() -> Map<String, Value> {
        object(json!({"sub": "agent-7", "role": "agent", "iat": NOW - 60, "exp": NOW + 3600}))
    }

    fn hmac_b64<M: Mac + hmac::digest::KeyInit>(secret: &[u8], input: &str) -> String {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        b64(mac.finalize().into_bytes())
    }

    /// A token with the given header and payload JSON, signed HS256 with `secret`.
    fn hs256_token(secret: &[u8], header: &str, payload: &str) -> String {
        let input = format!("{}.{}", b64(header), b64(payload));
        let sig = hmac_b64::<HmacSha256>(secret, &input);
        format!("{input}.{sig}")
    }

    fn good_token() -> String {
        sign(&Key::new(SECRET), &claims())
    }

    fn check(token: &str) -> Result<Map<String, Value>, JwtError> {
        verify(&Key::new(SECRET), token, NOW)
    }

    #[test]
    fn round_trip_and_header() {
        let token = good_token();
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
        assert_eq!(check(&token), Ok(claims()));
        assert_eq!(token.split('.').nth(2).unwrap().len(), SIGNATURE_B64_LEN);
    }

    #[test]
    fn jwt_io_example() {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let key = Key::new(b"your-256-bit-secret");
        // The signature checks out; only the missing expiry is refused.
        assert_eq!(verify(&key, token, NOW), Err(JwtError::MissingExpiry));
        let altered = token.replace(".SflK", ".TflK");
        assert_eq!(verify(&key, &altered, NOW), Err(JwtError::Signature));
        assert_eq!(
            verify(&Key::new(b"your-256-bit-secreT"), token, NOW),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn time_claims() {
        let key = Key::new(SECRET);
        let with = |extra: Value| {
            let mut c = object(json!({"sub": "a"}));
            c.extend(object(extra));
            sign(&key, &c)
        };
        assert!(check(&with(json!({"exp": NOW + 1}))).is_ok());
        assert_eq!(check(&with(json!({"exp": NOW}))), Err(JwtError::Expired));
        assert_eq!(
            check(&with(json!({"exp": NOW - 1}))),
            Err(JwtError::Expired)
        );
        assert!(check(&with(json!({"exp": u64::MAX}))).is_ok());
        assert!(check(&with(json!({"exp": NOW + 1, "nbf": NOW}))).is_ok());
        assert_eq!(
            check(&with(json!({"exp": NOW + 10, "nbf": NOW + 1}))),
            Err(JwtError::NotYetValid)
        );
        assert!(check(&with(json!({"exp": NOW + 1, "iat": 1.5}))).is_ok());
        for bad in [
            json!({"exp": "1999999999"}),
            json!({"exp": 1_999_999_999.0}),
            json!({"exp": null}),
            json!({"exp": NOW + 10, "nbf": "0"}),
            json!({"exp": NOW + 10, "nbf": 1.5}),
            json!({"exp": NOW + 10, "iat": "now"}),
        ] {
            assert_eq!(check(&with(bad.clone())), Err(JwtError::Malformed), "{bad}");
        }
        assert_eq!(
            check(&with(json!({"iat": NOW}))),
            Err(JwtError::MissingExpiry)
        );
    }

    #[test]
    fn errors_describe_themselves() {
        let all = [
            JwtError::Malformed,
            JwtError::Algorithm,
            JwtError::Signature,
            JwtError::Expired,
            JwtError::NotYetValid,
            JwtError::MissingExpiry,
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(a.describe().starts_with("token "));
            assert_eq!(a.to_string(), a.describe());
            assert!(all[i + 1..].iter().all(|b| b.describe() != a.describe()));
        }
        assert_eq!(format!("{:?}", Key::new(SECRET)), "Key(..)");
    }

    /// Tokens an attacker might present, each with the error it must get.
    #[test]
    fn forged_tokens_are_refused() {
        let good = good_token();
        let parts: Vec<&str> = good.split('.').collect();
        let (h, p, s) = (parts[0], parts[1], parts[2]);
        let payload = serde_json::to_string(&claims()).unwrap();
        let input = format!("{h}.{p}");
        let mut corpus: Vec<(&str, String, JwtError)> = Vec::new();

        for alg in ["none", "None", "NONE", "nOnE"] {
            let header = b64(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
            let body = format!("{header}.{p}");
            corpus.push((
                "alg none, empty signature",
                format!("{body}."),
                JwtError::Malformed,
            ));
            corpus.push((
                "alg none, garbage signature",
                format!("{body}.Z2FyYmFnZQ"),
                JwtError::Algorithm,
            ));
            let sig = hmac_b64::<HmacSha256>(SECRET, &body);
            corpus.push((
                "alg none, valid HS256 signature",
                format!("{body}.{sig}"),
                JwtError::Algorithm,
            ));
        }
        for (name, header) in [
            ("HS384", r#"{"alg":"HS384","typ":"JWT"}"#),
            ("HS512", r#"{"alg":"HS512","typ":"JWT"}"#),
        ] {
            let body = format!("{}.{}", b64(header), p);
            let sig = match name {
                "HS384" => hmac_b64::<Hmac<sha2::Sha384>>(SECRET, &body),
                _ => hmac_b64::<Hmac<sha2::Sha512>>(SECRET, &body),
            };
            corpus.push((name, format!("{body}.{sig}"), JwtError::Algorithm));
        }
        for header in [
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"alg":"hs256","typ":"JWT"}"#,
            r#"{"alg":"HS256 ","typ":"JWT"}"#,
            r#"{"alg":["HS256"],"typ":"JWT"}"#,
            r#"{"alg":null,"typ":"JWT"}"#,
            r#"{"typ":"JWT"}"#,
            r#"{}"#,
        ] {
            corpus.push((
                "alg not HS256, HS256-valid signature",
                hs256_token(SECRET, header, &payload),
                JwtError::Algorithm,
            ));
        }
        // Key confusion: the public key's text used as an HMAC secret.
        let pem = RSA_PUBLIC_PEM.as_bytes();
        corpus.push((
            "HS256 keyed with the RSA public key",
            hs256_token(pem, HEADER, &payload),
            JwtError::Signature,
        ));
        corpus.push((
            "RS256 header keyed with the RSA public key",
            hs256_token(pem, r#"{"alg":"RS256","typ":"JWT"}"#, &payload),
            JwtError::Algorithm,
        ));

        let tampered = |c: Value| format!("{h}.{}.{s}", b64(serde_json::to_string(&c).unwrap()));
        let mut raised = claims();
        raised.insert("exp".into(), json!(NOW + 10 * 365 * 86_400));
        corpus.push((
            "exp raised",
            tampered(Value::Object(raised)),
            JwtError::Signature,
        ));
        let mut admin = claims();
        admin.insert("role".into(), json!("admin"));
        corpus.push((
            "role changed",
            tampered(Value::Object(admin)),
            JwtError::Signature,
        ));
        corpus.push((
            "wrong secret",
            sign(&Key::new(b"another-secret"), &claims()),
            JwtError::Signature,
        ));
        corpus.push((
            "empty secret",
            sign(&Key::new(b""), &claims()),
            JwtError::Signature,
        ));
        corpus.push((
            "another token's signature",
            format!(
                "{input}.{}",
                sign(&Key::new(SECRET), &object(json!({"exp": NOW + 5})))
                    .rsplit('.')
                    .next()
                    .unwrap()
            ),
            JwtError::Signature,
        ));

        corpus.push((
            "signature truncated",
            format!("{input}.{}", &s[..42]),
            JwtError::Malformed,
        ));
        corpus.push((
            "signature truncated to 32 chars",
            format!("{input}.{}", &s[..32]),
            JwtError::Malformed,
        ));
        corpus.push((
            "signature extended",
            format!("{good}A"),
            JwtError::Malformed,
        ));
        corpus.push(("signature padded", format!("{good}="), JwtError::Malformed));
        corpus.push((
            "signature with '+'",
            format!("{input}.+{}", &s[1..]),
            JwtError::Malformed,
        ));
        corpus.push((
            "signature with '/'",
            format!("{input}./{}", &s[1..]),
            JwtError::Malformed,
        ));
        // 43 characters carry 258 bits for 256: the last two must be zero,
        // or one signature would have several spellings.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = ALPHABET
            .iter()
            .position(|&c| c == s.as_bytes()[42])
            .unwrap();
        let sibling = ALPHABET[last ^ 1] as char;
        corpus.push((
            "non-canonical signature",
            format!("{input}.{}{sibling}", &s[..42]),
            JwtError::Malformed,
        ));
        corpus.push((
            "payload padded",
            format!("{h}.{p}==.{s}"),
            JwtError::Malformed,
        ));

        corpus.push(("four parts", format!("{good}.{s}"), JwtError::Malformed));
        corpus.push(("two parts", input.clone(), JwtError::Malformed));
        corpus.push(("empty token", String::new(), JwtError::Malformed));
        corpus.push(("dots only", "..".into(), JwtError::Malformed));
        corpus.push(("empty header", format!(".{p}.{s}"), JwtError::Malformed));
        corpus.push(("empty payload", format!("{h}..{s}"), JwtError::Malformed));
        corpus.push(("empty signature", format!("{input}."), JwtError::Malformed));

        corpus.push((
            "header not JSON",
            hs256_token(SECRET, "alg=HS256", &payload),
            JwtError::Malformed,
        ));
        corpus.push((
            "header a JSON array",
            hs256_token(SECRET, r#"["HS256"]"#, &payload),
            JwtError::Malformed,
        ));
        corpus.push((
            "header repeats alg",
            hs256_token(SECRET, r#"{"alg":"none","alg":"HS256"}"#, &payload),
            JwtError::Malformed,
        ));
        corpus.push((
            "header with crit",
            hs256_token(
                SECRET,
                r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
                &payload,
            ),
            JwtError::Malformed,
        ));
        corpus.push((
            "typ not JWT",
            hs256_token(SECRET, r#"{"alg":"HS256","typ":"JWE"}"#, &payload),
            JwtError::Malformed,
        ));
        corpus.push((
            "typ not a string",
            hs256_token(SECRET, r#"{"alg":"HS256","typ":1}"#, &payload),
            JwtError::Malformed,
        ));
        corpus.push((
            "payload not JSON",
            hs256_token(SECRET, HEADER, "exp=9999999999"),
            JwtError::Malformed,
        ));
        corpus.push((
            "payload a JSON array",
            hs256_token(SECRET, HEADER, "[1]"),
            JwtError::Malformed,
        ));
        corpus.push((
            "payload repeats exp",
            hs256_token(
                SECRET,
                HEADER,
                &format!(r#"{{"exp":{},"exp":{}}}"#, NOW - 5, NOW + 5),
            ),
            JwtError::Malformed,
        ));

        corpus.push((
            "space inside",
            format!("{h}.{} {}.{s}", &p[..4], &p[4..]),
            JwtError::Malformed,
        ));
        corpus.push(("leading space", format!(" {good}"), JwtError::Malformed));
        corpus.push(("trailing newline", format!("{good}\n"), JwtError::Malformed));
        corpus.push((
            "space around a dot",
            format!("{h} .{p}.{s}"),
            JwtError::Malformed,
        ));

        let key = Key::new(SECRET);
        let at = |exp: i64, nbf: Option<i64>| {
            let mut c = claims();
            c.insert("exp".into(), json!(exp));
            if let Some(nbf) = nbf {
                c.insert("nbf".into(), json!(nbf));
            }
            sign(&key, &c)
        };
        corpus.push((
            "expired by one second",
            at(NOW - 1, None),
            JwtError::Expired,
        ));
        corpus.push(("expires now", at(NOW, None), JwtError::Expired));
        corpus.push((
            "nbf one second ahead",
            at(NOW + 60, Some(NOW + 1)),
            JwtError::NotYetValid,
        ));
        let mut exp_text = claims();
        exp_text.insert("exp".into(), json!((NOW + 60).to_string()));
        corpus.push((
            "exp as a string",
            sign(&key, &exp_text),
            JwtError::Malformed,
        ));
        let mut no_exp = claims();
        no_exp.remove("exp");
        corpus.push(("no exp", sign(&key, &no_exp), JwtError::MissingExpiry));

        let mut huge = claims();
        huge.insert("pad".into(), json!("x".repeat(MAX_TOKEN_LEN)));
        corpus.push((
            "validly signed but huge",
            sign(&key, &huge),
            JwtError::Malformed,
        ));
        corpus.push(("huge garbage", "a.".repeat(1 << 20), JwtError::Malformed));

        assert_eq!(check(&good), Ok(claims()));
        for (name, token, want) in &corpus {
            assert_eq!(
                check(token).as_ref().map(|_| ()),
                Err(want),
                "{name}: {token}"
            );
        }
    }

    #[test]
    fn size_limit_is_on_the_whole_token() {
        let key = Key::new(SECRET);
        let mut c = claims();
        c.insert("pad".into(), json!(""));
        let len_for = |pad: usize, c: &mut Map<String, Value>| {
            c.insert("pad".into(), json!("x".repeat(pad)));
            sign(&key, c)
        };
        let mut pad = 0;
        while len_for(pad + 1, &mut c).len() <= MAX_TOKEN_LEN {
            pad += 1;
        }
        let fits = len_for(pad, &mut c);
        assert!(fits.len() <= MAX_TOKEN_LEN);
        assert!(check(&fits).is_ok());
        let over = len_for(pad + 1, &mut c);
        assert_eq!(check(&over), Err(JwtError::Malformed));
    }

    fn claim_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<String>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            proptest::collection::vec(any::<u32>(), 0..4).prop_map(|v| json!(v)),
        ]
    }

    /// Claims with an expiry after `NOW` and private names, so neither
    /// library applies a rule of its own to them.
    fn random_claims(min_exp: i64) -> impl Strategy<Value = Map<String, Value>> {
        (
            proptest::collection::btree_map("x_[a-z0-9]{1,8}", claim_value(), 0..6),
            min_exp..min_exp + 1_000_000_000,
        )
            .prop_map(|(extra, exp)| {
                let mut m: Map<String, Value> = extra.into_iter().collect();
                m.insert("exp".into(), json!(exp));
                m
            })
    }

    fn secret() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 1..80)
    }

    /// Later than any clock these tests will run under.
    const FAR_FUTURE: i64 = 4_102_444_800;

    proptest! {
        #[test]
        fn accepts_tokens_minted_by_jsonwebtoken(claims in random_claims(NOW + 1), secret in secret()) {
            use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
            let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&secret)).unwrap();
            prop_assert_eq!(verify(&Key::new(&secret), &token, NOW), Ok(claims.clone()));
            let mut other = secret.clone();
            other[0] ^= 1;
            prop_assert_eq!(verify(&Key::new(&other), &token, NOW), Err(JwtError::Signature));
            let token384 = encode(&Header::new(Algorithm::HS384), &claims, &EncodingKey::from_secret(&secret)).unwrap();
            prop_assert_eq!(verify(&Key::new(&secret), &token384, NOW), Err(JwtError::Algorithm));
        }

        #[test]
        fn jsonwebtoken_accepts_our_tokens(claims in random_claims(FAR_FUTURE), secret in secret()) {
            use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
            let token = sign(&Key::new(&secret), &claims);
            let mut validation = Validation::new(Algorithm::HS256);
            validation.leeway = 0;
            let decoded = decode::<Map<String, Value>>(&token, &DecodingKey::from_secret(&secret), &validation).unwrap();
            prop_assert_eq!(decoded.claims, claims);
            prop_assert_eq!(decoded.header.alg, Algorithm::HS256);
            prop_assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));
        }

        #[test]
        fn never_panics_on_arbitrary_strings(token in any::<String>(), now in any::<i64>()) {
            let _ = verify(&Key::new(SECRET), &token, now);
        }

        #[test]
        fn never_panics_on_token_shaped_strings(token in "[A-Za-z0-9_=+/. -]{0,300}", now in any::<i64>()) {
            let _ = verify(&Key::new(SECRET), &token, now);
        }

        #[test]
        fn never_panics_on_signed_arbitrary_json(header in any::<String>(), payload in any::<String>(), now in any::<i64>()) {
            let token = hs256_token(SECRET, &header, &payload);
            let _ = verify(&Key::new(SECRET), &token, now);
            let object_header = hs256_token(SECRET, HEADER, &payload);
            let _ = verify(&Key::new(SECRET), &object_header, now);
        }

        #[test]
        fn any_single_character_change_is_refused(pos in any::<prop::sample::Index>(), c in "[A-Za-z0-9_.=-]") {
            let good = good_token();
            let i = pos.index(good.len());
            let mut bytes = good.clone().into_bytes();
            let replacement = c.as_bytes()[0];
            prop_assume!(bytes[i] != replacement);
            bytes[i] = replacement;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(check(&altered).is_err(), "{}", altered);
        }
    }

    #[test]
    fn claims_may_hold_any_json() {
        let c = object(json!({
            "exp": NOW + 1,
            "nested": {"a": [1, 2, {"b": null}], "ü": "☃"},
            "big": u64::MAX,
            "neg": -1,
        }));
        assert_eq!(check(&sign(&Key::new(SECRET), &c)), Ok(c));
    }
}
