//! The signing headers and body, straight from the network.
#![no_main]

use edgedesk_core::signing::{CallHeaders, sign_call, verify_call};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str, &[u8])| {
    let (ts, client, sig, body) = input;
    let now = 1_795_348_800_000;
    let headers = CallHeaders {
        timestamp: Some(ts),
        client: Some(client),
        signature: Some(sig),
    };
    if let Ok(v) = verify_call(&[b"k1", b"k2"], headers, body, now) {
        // Whatever verifies must be exactly what one of the secrets signs.
        let expected = [b"k1".as_slice(), b"k2"]
            .iter()
            .any(|k| sign_call(k, v.timestamp_ms, client, body) == sig);
        assert!(expected);
    }
});
