//! Twilio's webhooks as an attacker or a broken proxy might send them: any
//! URL, parameters, token and signature through the validator, which must
//! never panic and accept only the genuine signature (with or without the
//! default port); any form body through the parser; any text through the
//! TwiML escaper, whose output must be character data only; and any
//! request at the webhook routes, which must be refused (403) without a
//! valid signature and never panic.
#![no_main]

use edgedesk_core::twilio::{is_valid, is_valid_json, other_port_form, signature};
use edgedesk_fuzz::{FuzzPlatform, send};
use edgedesk_kernel::Request;
use edgedesk_receptionist::{twiml, twilio};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 8] = [
    "/v1/twilio/sms",
    "/twilio/voice",
    "/v1/twilio/voice/gather?turn=1",
    "/v1/twilio/status",
    "/telephony/sms",
    "/v1/telephony/voice",
    "/telephony/voice/gather",
    "/v1/telephony/status",
];

fuzz_target!(|input: (&str, &str, Vec<(&str, &str)>, &str, &[u8], u8)| {
    let (token, url, params, given, body, which) = input;
    let genuine = signature(token, url, &params);
    assert!(is_valid(token, url, &params, &genuine));
    if given != genuine {
        let other = other_port_form(url).map(|u| signature(token, &u, &params));
        assert_eq!(is_valid(token, url, &params, given), other.as_deref() == Some(given));
    }
    if let Some(other) = other_port_form(url) {
        assert_eq!(other_port_form(&other).as_deref(), Some(url), "{url}");
    }
    let _ = is_valid_json(token, url, body, given);

    let form = twilio::form(body);
    let reencoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    assert_eq!(twilio::form(reencoded.as_bytes()), form);

    let escaped = twiml::escape(given);
    assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"'));
    assert!(escaped.split('&').skip(1).all(|rest| ["amp;", "lt;", "gt;", "quot;", "apos;"].iter().any(|e| rest.starts_with(e))));

    let path = PATHS[usize::from(which) % PATHS.len()];
    let req = Request::new("POST", path)
        .with_header("content-type", "application/x-www-form-urlencoded")
        .with_header("x-twilio-signature", given)
        .with_body(body.to_vec());
    let res = send(&FuzzPlatform::default(), req);
    assert!(matches!(res.status, 403 | 413), "{path}: {}", res.status);
});
