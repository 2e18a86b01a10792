//! Organisations, users and memberships from tokens, and the isolation
//! between organisations: no route, called by a member or an admin of one
//! organisation, returns or changes another's rows.

mod harness;

use edgedesk_coaching::routes::infos;
use harness::{World, seed};
use serde_json::json;

#[test]
fn users_and_memberships_are_created_on_first_sight_and_kept_current() {
    let w = World::new();
    // No role claim: the first member runs the organisation.
    let first = w.ok("GET", "/api/v1/auth/me", "first_no_role", None, 200);
    assert_eq!(first["role"], "admin");
    let second = w.ok("GET", "/api/v1/auth/me", "second_no_role", None, 200);
    assert_eq!(second["role"], "member");
    // Claims normalised: the email trimmed and lowercased, kept current;
    // the display name from its local part on first sight.
    let me = w.ok("GET", "/api/v1/auth/me", "member", None, 200);
    assert_eq!(me["name"], "user-member");
    let again = w.ok("GET", "/api/v1/auth/me", "mixed_case", None, 200);
    assert_eq!(again["id"], me["id"]);
    assert_eq!(again["email"], "riley.chen@acme.example");
    assert_eq!(again["name"], "user-member");
    // The token's role wins over what is stored.
    let admin = w.ok("GET", "/api/v1/auth/me", "admin", None, 200);
    w.ok(
        "PATCH",
        &format!("/api/v1/admin/memberships/{}", me["id"].as_str().unwrap()),
        "admin",
        Some(json!({"role": "admin"})),
        200,
    );
    let me = w.ok("GET", "/api/v1/auth/me", "member", None, 200);
    assert_eq!(me["role"], "member", "the token says member");
    assert_eq!(admin["role"], "admin");
}

#[test]
fn no_route_returns_or_changes_another_organisations_rows() {
    let w = World::new();
    let acme = seed(&w, "admin", "member", "Acme");
    let globex = seed(&w, "other_admin", "other_member", "Globex");
    let acme_ids = acme.ids();
    let globex_ids = globex.ids();

    let fill = |path: &str, s: &harness::Seeded| {
        path.replace("{id}", "ID")
            .replace("{user_id}", &s.member)
            .replace(
                "ID",
                if path.contains("/clients/") {
                    &s.client
                } else if path.contains("/products/") {
                    &s.product
                } else if path.contains("/strategies/") {
                    &s.strategy
                } else {
                    &s.org
                },
            )
    };
    let mut checked = 0;
    for info in infos() {
        if info.auth != edgedesk_kernel::Auth::Sso {
            continue;
        }
        let on_acme = fill(info.path, &acme);
        for who in ["other_admin", "other_member"] {
            // Reads with acme's ids, and every list, as a Globex caller.
            let body = match info.method {
                "GET" | "DELETE" => None,
                _ => Some(json!({})),
            };
            let res = w.raw(info.method, &on_acme, Some(who), body);
            let text = String::from_utf8_lossy(&res.body).to_string();
            for id in &acme_ids {
                assert!(
                    !text.contains(id),
                    "{} {on_acme} as {who} shows Acme's {id}: {text}",
                    info.method
                );
            }
            if info.path.contains('{') {
                assert!(
                    [404, 403, 422].contains(&res.status),
                    "{} {on_acme} as {who}: {} {text}",
                    info.method,
                    res.status
                );
            }
            checked += 1;
        }
        // Globex's own lists hold Globex's rows.
        if info.method == "GET" && !info.path.contains('{') {
            let res = w.raw("GET", info.path, Some("other_admin"), None);
            let text = String::from_utf8_lossy(&res.body).to_string();
            if info.path.ends_with("clients") {
                assert!(text.contains(&globex.client), "{text}");
            }
            for id in &acme_ids {
                assert!(!text.contains(id), "{} shows Acme's {id}", info.path);
            }
        }
    }
    assert!(checked >= 40, "{checked}");

    // Writes on Acme's ids by Globex's admin change nothing.
    for (method, path, body) in [
        (
            "PATCH",
            format!("/api/v1/sailwind/clients/{}", acme.client),
            json!({"name": "Hijacked"}),
        ),
        (
            "DELETE",
            format!("/api/v1/sailwind/clients/{}", acme.client),
            json!(null),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/products/{}", acme.product),
            json!({"name": "Hijacked"}),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/strategies/{}", acme.strategy),
            json!({"strategy_text": "Hijacked"}),
        ),
        (
            "PATCH",
            format!("/api/v1/admin/memberships/{}", acme.member),
            json!({"role": "admin"}),
        ),
        (
            "DELETE",
            format!("/api/v1/admin/memberships/{}", acme.member),
            json!(null),
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let (s, v) = w.call(method, &path, Some("other_admin"), body);
        assert_eq!(s, 404, "{method} {path}: {v}");
    }
    // Globex cannot build on Acme's playbook either.
    for (path, body) in [
        (
            "/api/v1/sailwind/strategies",
            json!({"product_id": acme.product, "client_id": globex.other_client, "strategy_text": "x"}),
        ),
        (
            "/api/v1/sailwind/strategies",
            json!({"product_id": globex.product, "client_id": acme.other_client, "strategy_text": "x"}),
        ),
        (
            "/api/v1/sailwind/rep-assignments",
            json!({"user_id": acme.member, "product_id": globex.product, "client_id": globex.client}),
        ),
        (
            "/api/v1/sailwind/rep-assignments",
            json!({"user_id": globex.member, "product_id": globex.product, "client_id": globex.other_client, "strategy_id": acme.strategy}),
        ),
    ] {
        let (s, v) = w.call("POST", path, Some("other_admin"), Some(body));
        assert_eq!(s, 404, "{path}: {v}");
    }
    let (s, v) = w.call(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        Some("other_member"),
        Some(json!({"strategy_id": acme.strategy})),
    );
    assert_eq!(s, 404, "{v}");
    let (s, v) = w.call(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        Some("other_member"),
        Some(json!({"strategy_id": globex.strategy, "rep_assignment_id": acme.assignment})),
    );
    assert_eq!(s, 404, "{v}");

    let client = w.ok(
        "GET",
        &format!("/api/v1/sailwind/clients/{}", acme.client),
        "member",
        None,
        200,
    );
    assert_eq!(client["name"], "Acme Client");
    assert!(client["archived_at"].is_null());
    let members = w.ok("GET", "/api/v1/admin/memberships", "admin", None, 200);
    assert_eq!(members.as_array().unwrap().len(), 2);
    for id in &globex_ids {
        assert!(!members.to_string().contains(id));
    }
}
