//! Access tokens minted by PyJWT against our verifier: the good ones
//! (including a rotated key) admit their holder; forged, expired,
//! misaddressed and malformed ones are refused with 401 and leave no
//! trace; the keys are fetched once, kept, and fetched again for an
//! unknown key at most once a minute.

mod harness;

use harness::{World, token};
use serde_json::Value;

fn users(w: &World) -> i64 {
    w.p.scoped(&edgedesk_coaching::PRODUCT)
        .with_db(|db| {
            db.query_row("SELECT count(*) FROM users", [], |r| r.get(0))
                .unwrap()
        })
        .unwrap()
}

#[test]
fn good_tokens_admit_their_holder() {
    let w = World::new();
    for name in ["member", "aud_list", "client_id_claim", "issuer_no_slash"] {
        let (s, me) = w.call("GET", "/api/v1/auth/me", Some(name), None);
        assert_eq!(s, 200, "{name}: {me}");
        assert_eq!(me["org_id"], "org_acme", "{name}");
        assert_eq!(me["role"], "member", "{name}");
        assert_eq!(me["email"], "user-member@org-acme.example", "{name}");
    }
    // One user for the four tokens of the same subject.
    assert_eq!(users(&w), 1);
    // Verification by body answers who it is.
    let (s, v) = w.call(
        "POST",
        "/api/v1/auth/verify",
        None,
        Some(serde_json::json!({"token": token("admin")})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["role"], "admin");
    assert_eq!(v["org_id"], "org_acme");
}

#[test]
fn forged_and_misaddressed_tokens_are_refused_and_leave_no_trace() {
    let w = World::new();
    let refused = [
        ("wrong_kid", "is not one of the issuer's"),
        ("no_kid", "names no key"),
        ("signed_by_b_as_a", "signature does not match"),
        ("tampered", "signature does not match"),
        ("expired", "has expired"),
        ("not_yet", "not valid yet"),
        ("no_exp", "no expiry"),
        ("missing_org", "no organisation"),
        ("empty_org", "no organisation"),
        ("missing_sub", "no subject"),
        ("wrong_issuer", "another issuer"),
        ("wrong_audience", "another client"),
        ("rs512", "must be signed with RS256"),
        ("ps256", "must be signed with RS256"),
        ("hs256_pem", "must be signed with RS256"),
        ("hs256_der", "must be signed with RS256"),
        ("hs256_n", "must be signed with RS256"),
        ("alg_none", "RS256"),
        ("not.a.jwt", "not an RS256 JWT"),
    ];
    for (name, says) in refused {
        for (method, path, body) in [
            ("GET", "/api/v1/auth/me", None),
            ("GET", "/api/v1/sailwind/clients", None),
            (
                "POST",
                "/api/v1/sailwind/clients",
                Some(serde_json::json!({"name": "X"})),
            ),
        ] {
            let res = w.raw(method, path, Some(name), body);
            let v: Value = serde_json::from_slice(&res.body).unwrap();
            assert_eq!(res.status, 401, "{name} {method} {path}: {v}");
            let message = v["detail"]["message"].as_str().unwrap();
            assert!(message.contains(says), "{name}: {message}");
            assert_eq!(v["error"]["code"], "UNAUTHORIZED");
            assert_eq!(v["detail"]["code"], "UNAUTHORIZED");
            assert!(res.header("www-authenticate").is_some());
        }
        let (s, _) = w.call(
            "POST",
            "/api/v1/auth/verify",
            None,
            Some(serde_json::json!({"token": if name.contains('.') { name.to_string() } else { token(name) }})),
        );
        assert_eq!(s, 401, "{name} through verify");
    }
    assert_eq!(users(&w), 0, "a refused token created a user");
    // No token, or another scheme.
    let (s, v) = w.call("GET", "/api/v1/auth/me", None, None);
    assert_eq!(s, 401, "{v}");
}

#[test]
fn a_rotated_key_works_once_the_issuer_publishes_it() {
    let w = World::new();
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("member"), None).0,
        200
    );
    assert_eq!(w.jwks_fetches.get(), 1);
    // Kept: more calls fetch nothing.
    for _ in 0..5 {
        assert_eq!(
            w.call("GET", "/api/v1/auth/me", Some("member"), None).0,
            200
        );
    }
    assert_eq!(w.jwks_fetches.get(), 1);

    // The issuer starts signing with key-b before the set we hold has it:
    // a minute after the last fetch, an unknown kid fetches again.
    w.rotated.set(true);
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("rotated"), None).0,
        401
    );
    assert_eq!(w.jwks_fetches.get(), 1, "fetched again within a minute");
    w.advance_secs(61);
    let (s, v) = w.call("GET", "/api/v1/auth/me", Some("rotated"), None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(w.jwks_fetches.get(), 2);
    // Both keys work now.
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("member"), None).0,
        200
    );
    assert_eq!(w.jwks_fetches.get(), 2);
}

#[test]
fn unknown_kids_fetch_the_keys_at_most_once_a_minute() {
    let w = World::new();
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("member"), None).0,
        200
    );
    w.advance_secs(120);
    for _ in 0..20 {
        assert_eq!(
            w.call("GET", "/api/v1/auth/me", Some("wrong_kid"), None).0,
            401
        );
    }
    assert_eq!(w.jwks_fetches.get(), 2, "one fetch for twenty unknown kids");
    w.advance_secs(61);
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("wrong_kid"), None).0,
        401
    );
    assert_eq!(w.jwks_fetches.get(), 3);
}

#[test]
fn keys_are_fetched_again_after_an_hour_and_kept_in_kv() {
    let w = World::new();
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("member"), None).0,
        200
    );
    let kept =
        w.p.kv
            .borrow()
            .keys()
            .any(|k| k.starts_with("coaching:jwks:"));
    assert!(kept, "the key set is not in KV");
    w.advance_secs(3601);
    // Tokens expire after an hour too: the point is the fetch.
    let _ = w.call("GET", "/api/v1/auth/me", Some("member"), None);
    assert_eq!(w.jwks_fetches.get(), 2);
}

#[test]
fn an_unreachable_issuer_is_a_503_and_an_unconfigured_one_says_what_is_missing() {
    let w = World::new();
    w.jwks_down.set(true);
    let (s, v) = w.call("GET", "/api/v1/auth/me", Some("member"), None);
    assert_eq!(s, 503, "{v}");
    assert!(
        v["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("keys could not be fetched")
    );

    let w = World::new();
    w.p.vars.borrow_mut().remove("WORKOS_CLIENT_ID");
    let (s, v) = w.call("GET", "/api/v1/auth/me", Some("member"), None);
    assert_eq!(s, 503, "{v}");
    assert_eq!(v["error"]["code"], "NOT_CONFIGURED");
    assert!(
        v["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("WORKOS_CLIENT_ID")
    );
}

#[test]
fn dev_token_works_only_where_dev_auth_is_true() {
    let w = World::new();
    let (s, v) = w.call("GET", "/api/v1/auth/me", Some("dev_token"), None);
    assert_eq!(s, 401, "{v}");
    assert!(
        v["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("DEV_AUTH=true")
    );
    w.p.set_var("DEV_AUTH", "1");
    assert_eq!(
        w.call("GET", "/api/v1/auth/me", Some("dev_token"), None).0,
        401
    );
    w.p.set_var("DEV_AUTH", "true");
    let (s, me) = w.call("GET", "/api/v1/auth/me", Some("dev_token"), None);
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["org_id"], "dev_org_123");
    assert_eq!(me["email"], "dev@example.com");
    assert_eq!(me["name"], "dev");
    // The dev token never reaches the identity provider.
    assert_eq!(w.jwks_fetches.get(), 0);
}
