//! The signing headers and body, straight from the network: arbitrary
//! headers never panic the check, and a genuine signature verifies exactly
//! when its window, client id and format allow, and never once any signed
//! field is changed.
#![no_main]

use edgedesk_core::ids::validate_id;
use edgedesk_core::signing::{
    CallHeaders, CallKey, MAX_SKEW_MS, Policy, Target, sign_call, sign_call_v1, verify_call,
};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_348_800_000;
const SECRETS: [&[u8]; 2] = [b"k1", b"k2"];

type Input<'a> = (
    (&'a str, &'a str, &'a str),
    (i32, &'a str, &'a str, u8),
    &'a str,
    &'a [u8],
);

fuzz_target!(|input: Input| {
    let keys: Vec<CallKey> = SECRETS.iter().filter_map(|s| CallKey::new(s)).collect();
    let ((raw_ts, raw_client, raw_sig), (offset, client, path, mode), other, body) = input;
    let policy = Policy {
        accept_v1: mode & 1 == 1,
    };
    let target = Target {
        method: "POST",
        path,
    };

    // Anything at all: an answer, never a panic, and only a signature one
    // of the secrets made passes.
    let headers = CallHeaders {
        timestamp: Some(raw_ts),
        client: Some(raw_client),
        signature: Some(raw_sig),
    };
    if let Ok(v) = verify_call(&keys, headers, target, body, NOW, policy) {
        assert!(SECRETS.iter().any(|k| {
            sign_call(k, v.timestamp_ms, raw_client, target, body) == raw_sig
                || sign_call_v1(k, v.timestamp_ms, raw_client, body) == raw_sig
        }));
    }

    // A genuine call, then the same call with one signed field changed.
    let ts = NOW + i64::from(offset) * 16;
    let v1 = mode & 2 == 2;
    let sig = if v1 {
        sign_call_v1(b"k2", ts, client, body)
    } else {
        sign_call(b"k2", ts, client, target, body)
    };
    let ts_text = ts.to_string();
    let genuine = CallHeaders {
        timestamp: Some(&ts_text),
        client: Some(client),
        signature: Some(&sig),
    };
    let acceptable = ts > 0
        && (ts - NOW).abs() <= MAX_SKEW_MS
        && validate_id(client).is_ok()
        && (!v1 || (policy.accept_v1 && !client.contains('.')));
    let verified = verify_call(&keys, genuine, target, body, NOW, policy);
    assert_eq!(verified.is_ok(), acceptable, "{verified:?}");
    if !acceptable {
        return;
    }
    let mut changed_body = body.to_vec();
    changed_body.extend_from_slice(other.as_bytes());
    let (changed, tampered) = match mode >> 2 & 3 {
        0 => (
            other != path && !v1,
            verify_call(
                &keys,
                genuine,
                Target {
                    method: "POST",
                    path: other,
                },
                body,
                NOW,
                policy,
            ),
        ),
        1 => (
            !v1,
            verify_call(
                &keys,
                genuine,
                Target {
                    method: "PUT",
                    path,
                },
                body,
                NOW,
                policy,
            ),
        ),
        2 => (
            !other.is_empty(),
            verify_call(&keys, genuine, target, &changed_body, NOW, policy),
        ),
        _ => (
            other != client,
            verify_call(
                &keys,
                CallHeaders {
                    client: Some(other),
                    ..genuine
                },
                target,
                body,
                NOW,
                policy,
            ),
        ),
    };
    if changed {
        assert!(tampered.is_err(), "a changed call verified: {tampered:?}");
    }
});
