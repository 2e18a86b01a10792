//! Twilio's webhook signatures (`X-Twilio-Signature`), checked as Twilio's
//! own validators check them.
//!
//! The signature is the base64 of HMAC-SHA1, keyed with the account's auth
//! token, over the full URL Twilio requested followed by every form
//! parameter's name and value, the parameters sorted by name (and a
//! repeated name's values sorted too). A request with a JSON body signs the
//! URL alone, and carries the body's SHA-256 (hex) in the URL's
//! `bodySHA256` query parameter.
//!
//! Proxies and Twilio disagree on whether the URL names its default port,
//! so the URL is tried as given, then with the port added or removed.

use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio sends for `url` and form `params`.
pub fn signature(auth_token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort();
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is Twilio's for this request, with `url` as given or
/// with its default port added or removed. Compared in constant time.
pub fn is_valid(auth_token: &str, url: &str, params: &[(&str, &str)], signature: &str) -> bool {
    let given = signature.as_bytes();
    let matches = |u: &str| {
        self::signature(auth_token, u, params)
            .as_bytes()
            .ct_eq(given)
            .into()
    };
    if matches(url) {
        return true;
    }
    other_port_form(url).is_some_and(|u| matches(&u))
}

/// A request with a JSON body: the signature covers the URL alone, and the
/// URL's `bodySHA256` parameter must be the body's digest.
pub fn is_valid_json(auth_token: &str, url: &str, body: &[u8], signature: &str) -> bool {
    let Some(claimed) = query_param(url, "bodySHA256") else {
        return false;
    };
    let digest = hex::encode(Sha256::digest(body));
    let body_ok: bool = digest
        .as_bytes()
        .ct_eq(claimed.to_ascii_lowercase().as_bytes())
        .into();
    // Both checks always run: which one failed takes the same time to learn.
    let url_ok = is_valid(auth_token, url, &[], signature);
    body_ok & url_ok
}

/// The URL with its scheme's default port written out if it was left out,
/// or left out if it was written: `https://a.com/x` <-> `https://a.com:443/x`.
/// `None` for a URL on another port or scheme.
pub fn other_port_form(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // Credentials before `@` stay as they are; the port follows the host.
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host = &authority[host_start..];
    let mut out = String::with_capacity(url.len() + port.len());
    out.push_str(scheme);
    out.push_str("://");
    out.push_str(&authority[..host_start]);
    if let Some(bare) = host.strip_suffix(port) {
        out.push_str(bare);
    } else if host.ends_with(']') || !host.contains(':') {
        out.push_str(host);
        out.push_str(port);
    } else {
        return None;
    }
    out.push_str(tail);
    Some(out)
}

/// The first value of a query parameter, undecoded (Twilio writes hex).
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    // Twilio's published vector (its security documentation and the test
    // suites of its helper libraries).
    const TOKEN: &str = "12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const PARAMS: [(&str, &str); 5] = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ];

    #[test]
    fn the_published_vector() {
        assert_eq!(
            signature(TOKEN, URL, &PARAMS),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        assert!(is_valid(
            TOKEN,
            URL,
            &PARAMS,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn the_published_vector_with_the_default_port() {
        let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        assert_eq!(
            signature(TOKEN, with_port, &PARAMS),
            "kvajT1Ptam85bY51eRf/AJRuM3w="
        );
        // Either form of the URL validates either signature.
        for url in [URL, with_port] {
            for sig in [
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                "kvajT1Ptam85bY51eRf/AJRuM3w=",
            ] {
                assert!(is_valid(TOKEN, url, &PARAMS, sig), "{url} {sig}");
            }
        }
    }

    #[test]
    fn parameter_order_does_not_matter_but_every_byte_does() {
        let mut reversed = PARAMS;
        reversed.reverse();
        let sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        assert!(is_valid(TOKEN, URL, &reversed, sig));
        let mut changed = PARAMS;
        changed[2].1 = "1235";
        assert!(!is_valid(TOKEN, URL, &changed, sig));
        assert!(!is_valid("12346", URL, &PARAMS, sig));
        assert!(!is_valid(
            TOKEN,
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &PARAMS,
            sig
        ));
        assert!(!is_valid(
            TOKEN,
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &PARAMS,
            sig
        ));
        assert!(!is_valid(TOKEN, URL, &PARAMS[..4], sig));
        assert!(!is_valid(TOKEN, URL, &PARAMS, ""));
        assert!(!is_valid(
            TOKEN,
            URL,
            &PARAMS,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8"
        ));
    }

    #[test]
    fn repeated_names_sort_by_value() {
        let a = signature(TOKEN, URL, &[("x", "2"), ("x", "1")]);
        let b = signature(TOKEN, URL, &[("x", "1"), ("x", "2")]);
        assert_eq!(a, b);
    }

    #[test]
    fn json_bodies_sign_the_url_with_the_body_digest() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let digest = hex::encode(Sha256::digest(body));
        let url = format!("https://mycompany.com/myapp.php?bodySHA256={digest}");
        let sig = signature(TOKEN, &url, &[]);
        assert!(is_valid_json(TOKEN, &url, body, &sig));
        assert!(!is_valid_json(TOKEN, &url, b"{}", &sig));
        assert!(!is_valid_json(
            TOKEN,
            URL,
            body,
            &signature(TOKEN, URL, &[])
        ));
        let tampered = format!(
            "https://mycompany.com/myapp.php?bodySHA256={}",
            hex::encode(Sha256::digest(b"{}"))
        );
        assert!(!is_valid_json(TOKEN, &tampered, b"{}", &sig));
    }

    #[test]
    fn port_forms() {
        let cases = [
            ("https://a.com/x", Some("https://a.com:443/x")),
            ("https://a.com:443/x?y=1", Some("https://a.com/x?y=1")),
            ("http://a.com", Some("http://a.com:80")),
            ("http://a.com:80?q", Some("http://a.com?q")),
            ("https://u:p@a.com/x", Some("https://u:p@a.com:443/x")),
            ("https://[::1]/x", Some("https://[::1]:443/x")),
            ("https://a.com:8443/x", None),
            ("ftp://a.com/x", None),
            ("a.com/x", None),
        ];
        for (url, want) in cases {
            assert_eq!(other_port_form(url).as_deref(), want, "{url}");
        }
    }

    proptest! {
        #[test]
        fn the_port_form_is_its_own_inverse(host in "[a-z]{1,12}(\\.[a-z]{2,5})?", path in "(/[a-z0-9]{0,6}){0,3}", https in any::<bool>()) {
            let url = format!("{}://{host}{path}", if https { "https" } else { "http" });
            let other = other_port_form(&url).unwrap();
            prop_assert_ne!(&other, &url);
            prop_assert_eq!(other_port_form(&other).unwrap(), url);
        }

        #[test]
        fn a_signature_validates_only_its_own_request(
            token in "[a-f0-9]{32}",
            params in proptest::collection::vec(("[A-Za-z]{1,8}", "[ -~]{0,16}"), 0..8),
            flip in any::<prop::sample::Index>(),
        ) {
            let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let sig = signature(&token, URL, &pairs);
            prop_assert!(is_valid(&token, URL, &pairs, &sig));
            let mut bytes = sig.into_bytes();
            let i = flip.index(bytes.len() - 1);
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let forged = String::from_utf8(bytes).unwrap();
            prop_assert!(!is_valid(&token, URL, &pairs, &forged));
        }
    }
}
