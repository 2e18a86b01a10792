//! Bearer tokens, straight from the `Authorization` header: arbitrary
//! strings never panic the verifier and are never accepted; a genuine
//! token verifies, and stops verifying once any character of it changes.
#![no_main]

use edgedesk_core::jwt::{self, Key};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

const NOW: i64 = 1_795_348_800;

fuzz_target!(|input: (&str, u16, u8, &str)| {
    let (raw, at, replacement, sub) = input;
    let key = Key::new(b"fuzz-session-key");
    // Nothing made up verifies: it would need the key.
    assert!(jwt::verify(&key, raw, NOW).is_err());
    let claims = json!({"sub": sub, "exp": NOW + 60, "iat": NOW, "jti": "j"});
    let token = jwt::sign(&key, claims.as_object().unwrap());
    let verified = jwt::verify(&key, &token, NOW).expect("a genuine token verifies");
    assert_eq!(verified["sub"], sub);
    assert!(jwt::verify(&key, &token, NOW + 60).is_err(), "expired at exp");
    let mut bytes = token.into_bytes();
    let i = usize::from(at) % bytes.len();
    if bytes[i] != replacement && replacement.is_ascii() {
        bytes[i] = replacement;
        if let Ok(tampered) = String::from_utf8(bytes) {
            assert!(jwt::verify(&key, &tampered, NOW).is_err(), "{tampered}");
        }
    }
});
