//! The playbook, assignments, practice sessions, members and feedback
//! through the API: admins write, members read and practise, every input
//! checked with a 422 that names the field.

mod harness;

use harness::{World, seed};
use serde_json::{Value, json};

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn admins_write_the_playbook_and_members_only_read_it() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let writes = [
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "X"}),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/clients/{}", s.client),
            json!({"name": "X"}),
        ),
        (
            "DELETE",
            format!("/api/v1/sailwind/clients/{}", s.client),
            Value::Null,
        ),
        (
            "POST",
            "/api/v1/sailwind/products".to_string(),
            json!({"name": "X"}),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/products/{}", s.product),
            json!({"name": "X"}),
        ),
        (
            "POST",
            "/api/v1/sailwind/strategies".to_string(),
            json!({"product_id": s.product, "client_id": s.other_client, "strategy_text": "x"}),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/strategies/{}", s.strategy),
            json!({"status": "draft"}),
        ),
        (
            "GET",
            "/api/v1/sailwind/rep-assignments".to_string(),
            Value::Null,
        ),
        (
            "POST",
            "/api/v1/sailwind/rep-assignments".to_string(),
            json!({"user_id": s.member, "product_id": s.product, "client_id": s.other_client}),
        ),
        ("GET", "/api/v1/admin/memberships".to_string(), Value::Null),
        (
            "PATCH",
            format!("/api/v1/admin/memberships/{}", s.admin),
            json!({"role": "member"}),
        ),
        (
            "DELETE",
            format!("/api/v1/admin/memberships/{}", s.admin),
            Value::Null,
        ),
    ];
    for (method, path, body) in writes {
        let (st, v) = w.call(
            method,
            &path,
            Some("member"),
            (!body.is_null()).then_some(body),
        );
        assert_eq!(st, 403, "{method} {path}: {v}");
        assert_eq!(v["detail"]["code"], "FORBIDDEN");
        assert_eq!(v["detail"]["message"], "Admin role required");
    }
    // Nothing changed.
    let client = w.ok(
        "GET",
        &format!("/api/v1/sailwind/clients/{}", s.client),
        "member",
        None,
        200,
    );
    assert_eq!(client["name"], "Acme Client");
    // Members read every part of it.
    for path in [
        "/api/v1/sailwind/clients",
        "/api/v1/sailwind/products",
        "/api/v1/sailwind/strategies",
    ] {
        let list = w.ok("GET", path, "member", None, 200);
        assert!(!list.as_array().unwrap().is_empty(), "{path}");
    }
    let product = w.ok(
        "GET",
        &format!("/api/v1/sailwind/products/{}", s.product),
        "member",
        None,
        200,
    );
    assert_eq!(product["price"], 990.0);
    assert_eq!(product["description"], "The core plan.");
    assert_eq!(product["status"], "active");
}

#[test]
fn archived_clients_are_hidden_unless_asked_for_and_can_come_back() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let archived = w.ok(
        "DELETE",
        &format!("/api/v1/sailwind/clients/{}", s.client),
        "admin",
        None,
        200,
    );
    let at = archived["archived_at"].clone();
    assert!(at.is_string());
    assert_eq!(
        names(&w.ok("GET", "/api/v1/sailwind/clients", "member", None, 200)),
        ["Acme Second Client"]
    );
    assert_eq!(
        names(&w.ok(
            "GET",
            "/api/v1/sailwind/clients?include_archived=true",
            "member",
            None,
            200
        )),
        ["Acme Client", "Acme Second Client"]
    );
    // Still there by id; archiving again keeps the first time.
    w.advance_secs(60);
    let again = w.ok(
        "DELETE",
        &format!("/api/v1/sailwind/clients/{}", s.client),
        "admin",
        None,
        200,
    );
    assert_eq!(again["archived_at"], at);
    let restored = w.ok(
        "PATCH",
        &format!("/api/v1/sailwind/clients/{}", s.client),
        "admin",
        Some(json!({"archived": false})),
        200,
    );
    assert!(restored["archived_at"].is_null());
    assert_eq!(
        w.ok("GET", "/api/v1/sailwind/clients", "member", None, 200)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Products archive through PATCH; archived strategies by status.
    w.ok(
        "PATCH",
        &format!("/api/v1/sailwind/products/{}", s.product),
        "admin",
        Some(json!({"archived": true})),
        200,
    );
    assert!(
        w.ok("GET", "/api/v1/sailwind/products", "member", None, 200)
            .as_array()
            .unwrap()
            .is_empty()
    );
    w.ok(
        "PATCH",
        &format!("/api/v1/sailwind/strategies/{}", s.strategy),
        "admin",
        Some(json!({"status": "archived"})),
        200,
    );
    assert!(
        w.ok("GET", "/api/v1/sailwind/strategies", "member", None, 200)
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.ok(
            "GET",
            "/api/v1/sailwind/strategies?include_archived=true",
            "member",
            None,
            200
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );
    // An archived strategy is not practised.
    let (st, v) = w.call(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        Some("member"),
        Some(json!({"strategy_id": s.strategy})),
    );
    assert_eq!(st, 422, "{v}");
    assert!(
        v["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("strategy_id")
    );
}

#[test]
fn bad_input_is_a_422_naming_the_field() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let cases = [
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({}),
            "name is required",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "  "}),
            "name must not be empty",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "A", "email": "nope"}),
            "email must be an email",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "A", "email": ""}),
            "or null to clear it",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "A", "total_revenue": -1}),
            "total_revenue must be a number",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "A", "colour": "red"}),
            "colour",
        ),
        (
            "POST",
            "/api/v1/sailwind/clients".to_string(),
            json!({"name": "x".repeat(201)}),
            "name must be at most 200",
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/clients/{}", s.client),
            json!({"archived": "yes"}),
            "archived must be true or false",
        ),
        (
            "POST",
            "/api/v1/sailwind/products".to_string(),
            json!({"name": "P", "stock": 1.5}),
            "stock must be a whole number",
        ),
        (
            "POST",
            "/api/v1/sailwind/products".to_string(),
            json!({"name": "P", "price": -3}),
            "price must be a number",
        ),
        (
            "POST",
            "/api/v1/sailwind/strategies".to_string(),
            json!({"product_id": s.product, "client_id": s.other_client, "strategy_text": "x", "status": "live"}),
            "status must be one of",
        ),
        (
            "POST",
            "/api/v1/sailwind/strategies".to_string(),
            json!({"product_id": s.product, "client_id": s.other_client}),
            "strategy_text is required",
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/strategies/{}", s.strategy),
            json!({"strategy_text": ""}),
            "strategy_text must not be empty",
        ),
        (
            "POST",
            "/api/v1/sailwind/rep-assignments".to_string(),
            json!({"user_id": s.member, "product_id": s.product, "client_id": s.other_client, "min_practice_minutes": 0}),
            "min_practice_minutes",
        ),
        (
            "POST",
            "/api/v1/sailwind/rep-assignments".to_string(),
            json!({"user_id": s.member, "product_id": s.product, "client_id": s.other_client, "strategy_id": s.strategy}),
            "strategy_id must be the strategy",
        ),
        (
            "POST",
            "/api/v1/sailwind/practice-sessions".to_string(),
            json!({}),
            "strategy_id is required",
        ),
        (
            "POST",
            "/api/v1/feedback".to_string(),
            json!({"name": "x", "time_bucket": "just_now"}),
            "category is required",
        ),
        (
            "POST",
            "/api/v1/feedback".to_string(),
            json!({"category": "bug", "name": "x", "time_bucket": "yesterday"}),
            "time_bucket must be one of",
        ),
        (
            "PATCH",
            "/api/v1/profile".to_string(),
            json!({"display_name": ""}),
            "display_name must not be empty",
        ),
        (
            "PATCH",
            format!("/api/v1/admin/memberships/{}", s.member),
            json!({"role": "owner"}),
            "role must be one of",
        ),
        (
            "GET",
            "/api/v1/sailwind/clients?limit=0".to_string(),
            Value::Null,
            "limit must be a whole number from 1 to 200",
        ),
        (
            "GET",
            "/api/v1/sailwind/clients?offset=-1".to_string(),
            Value::Null,
            "offset",
        ),
        (
            "GET",
            "/api/v1/sailwind/clients?include_archived=maybe".to_string(),
            Value::Null,
            "include_archived must be true or false",
        ),
        (
            "GET",
            "/api/v1/sailwind/clients?sort=name".to_string(),
            Value::Null,
            "sort",
        ),
    ];
    for (method, path, body, says) in cases {
        let who = if path.contains("practice-sessions")
            || path.contains("feedback")
            || path.contains("profile")
        {
            "member"
        } else {
            "admin"
        };
        let (st, v) = w.call(
            method,
            &path,
            Some(who),
            (!body.is_null()).then_some(body.clone()),
        );
        assert_eq!(st, 422, "{method} {path} {body}: {v}");
        let message = v["detail"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{method} {path} {body}: {message}");
    }
    // Not JSON at all.
    let res = w.p.handle(
        &w.routes,
        edgedesk_kernel::Request::new("POST", "/api/v1/sailwind/clients")
            .with_header(
                "authorization",
                &format!("Bearer {}", harness::token("admin")),
            )
            .with_body("{not json"),
    );
    assert_eq!(res.status, 400);
}

#[test]
fn unknown_ids_and_duplicates_are_told_apart() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    for path in [
        "/api/v1/sailwind/clients/nope".to_string(),
        "/api/v1/sailwind/products/00000000-0000-4000-8000-000000000000".to_string(),
        "/api/v1/orgs/nope".to_string(),
    ] {
        let (st, v) = w.call("GET", &path, Some("member"), None);
        assert_eq!(st, 404, "{path}: {v}");
        assert_eq!(v["detail"]["code"], "MISSING_DATA");
    }
    let (st, v) = w.call(
        "POST",
        "/api/v1/sailwind/strategies",
        Some("admin"),
        Some(json!({"product_id": s.product, "client_id": s.client, "strategy_text": "again"})),
    );
    assert_eq!(st, 409, "{v}");
    let (st, v) = w.call(
        "POST",
        "/api/v1/sailwind/rep-assignments",
        Some("admin"),
        Some(json!({"user_id": s.member, "product_id": s.product, "client_id": s.client})),
    );
    assert_eq!(st, 409, "{v}");
    let (st, _) = w.call(
        "POST",
        "/api/v1/sailwind/rep-assignments",
        Some("admin"),
        Some(json!({"user_id": "not-a-member", "product_id": s.product, "client_id": s.other_client})),
    );
    assert_eq!(st, 404);
}

#[test]
fn lists_page_in_a_stable_order() {
    let w = World::new();
    w.ok("GET", "/api/v1/auth/me", "admin", None, 200);
    for n in ["Echo", "Alpha", "Delta", "Bravo", "Charlie"] {
        w.ok(
            "POST",
            "/api/v1/sailwind/clients",
            "admin",
            Some(json!({"name": n})),
            201,
        );
    }
    let page = |q: &str| {
        names(&w.ok(
            "GET",
            &format!("/api/v1/sailwind/clients{q}"),
            "admin",
            None,
            200,
        ))
    };
    assert_eq!(page(""), ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    assert_eq!(page("?limit=2"), ["Alpha", "Bravo"]);
    assert_eq!(page("?limit=2&offset=2"), ["Charlie", "Delta"]);
    assert_eq!(page("?limit=2&offset=4"), ["Echo"]);
    assert!(page("?offset=5").is_empty());
}

#[test]
fn reps_practise_their_assignments() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let mine = w.ok(
        "GET",
        "/api/v1/sailwind/my/rep-assignments",
        "member",
        None,
        200,
    );
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], s.assignment.as_str());
    assert_eq!(mine[0]["min_practice_minutes"], 30);
    assert!(
        w.ok(
            "GET",
            "/api/v1/sailwind/my/rep-assignments",
            "admin",
            None,
            200
        )
        .as_array()
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        w.ok(
            "GET",
            "/api/v1/sailwind/rep-assignments",
            "admin",
            None,
            200
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );

    w.advance_secs(10);
    let second = w.ok(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        "member",
        Some(json!({"strategy_id": s.strategy})),
        201,
    );
    assert_eq!(second["status"], "active");
    assert_eq!(second["chat_session_id"], second["id"]);
    let sessions = w.ok(
        "GET",
        "/api/v1/sailwind/my/practice-sessions",
        "member",
        None,
        200,
    );
    let ids: Vec<&str> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [second["id"].as_str().unwrap(), s.session.as_str()],
        "newest first"
    );
    assert_eq!(
        w.ok(
            "GET",
            "/api/v1/sailwind/my/practice-sessions?limit=1",
            "member",
            None,
            200
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );
    // The admin's own list is theirs only.
    assert!(
        w.ok(
            "GET",
            "/api/v1/sailwind/my/practice-sessions",
            "admin",
            None,
            200
        )
        .as_array()
        .unwrap()
        .is_empty()
    );
    // Another member cannot use this member's assignment.
    let (st, _) = w.call(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        Some("admin"),
        Some(json!({"strategy_id": s.strategy, "rep_assignment_id": s.assignment})),
    );
    assert_eq!(st, 404);
}

#[test]
fn admins_manage_members_and_keep_one_admin() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let members = w.ok("GET", "/api/v1/admin/memberships", "admin", None, 200);
    assert_eq!(members.as_array().unwrap().len(), 2);
    // The last admin cannot step down or be removed.
    let (st, v) = w.call(
        "PATCH",
        &format!("/api/v1/admin/memberships/{}", s.admin),
        Some("admin"),
        Some(json!({"role": "member"})),
    );
    assert_eq!(st, 409, "{v}");
    let (st, _) = w.call(
        "DELETE",
        &format!("/api/v1/admin/memberships/{}", s.admin),
        Some("admin"),
        None,
    );
    assert_eq!(st, 409);
    // Removing the member takes their assignments with them.
    let res = w.raw(
        "DELETE",
        &format!("/api/v1/admin/memberships/{}", s.member),
        Some("admin"),
        None,
    );
    assert_eq!(res.status, 204);
    assert!(res.body.is_empty());
    assert!(
        w.ok(
            "GET",
            "/api/v1/sailwind/rep-assignments",
            "admin",
            None,
            200
        )
        .as_array()
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        w.ok("GET", "/api/v1/admin/memberships", "admin", None, 200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Signing in again makes them a member again, with their history.
    let me = w.ok("GET", "/api/v1/auth/me", "member", None, 200);
    assert_eq!(me["role"], "member");
    assert_eq!(
        w.ok(
            "GET",
            "/api/v1/sailwind/my/practice-sessions",
            "member",
            None,
            200
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );
}

#[test]
fn profile_orgs_feedback_and_legal_pages() {
    let w = World::new();
    let s = seed(&w, "admin", "member", "Acme");
    let p = w.ok("GET", "/api/v1/profile", "member", None, 200);
    assert_eq!(p["organization"]["org_id"], "org_acme");
    assert_eq!(p["onboarding_completed"], false);
    let p = w.ok(
        "PATCH",
        "/api/v1/profile",
        "member",
        Some(json!({"display_name": "Riley", "onboarding_completed": true})),
        200,
    );
    assert_eq!(p["display_name"], "Riley");
    assert_eq!(p["onboarding_completed"], true);
    assert_eq!(
        w.ok("GET", "/api/v1/auth/me", "member", None, 200)["name"],
        "Riley"
    );

    let orgs = w.ok("GET", "/api/v1/orgs", "member", None, 200);
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    assert_eq!(orgs[0]["current"], true);
    let org = w.ok(
        "GET",
        &format!("/api/v1/orgs/{}", s.org),
        "member",
        None,
        200,
    );
    assert_eq!(org["role"], "member");

    let count: i64 =
        w.p.scoped(&edgedesk_coaching::PRODUCT)
            .with_db(|db| {
                db.query_row(
                    "SELECT count(*) FROM feedback WHERE kind = 'report'",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
            })
            .unwrap();
    assert_eq!(count, 1);

    for (path, title) in [
        ("/legal/terms", "Terms of Service"),
        ("/legal/privacy", "Privacy Policy"),
    ] {
        let res = w.raw("GET", path, None, None);
        assert_eq!(res.status, 200);
        let page = String::from_utf8(res.body.clone()).unwrap();
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        assert!(
            res.header("content-security-policy")
                .unwrap()
                .contains("default-src 'none'")
        );
    }
    w.p.set_var("LEGAL_ENTITY", "Acme <Coaching>");
    let page = String::from_utf8(w.raw("GET", "/legal/terms", None, None).body).unwrap();
    assert!(page.contains("Acme &lt;Coaching&gt;"));
}

#[test]
fn the_dev_sample_loads_twice_and_dev_token_sees_it() {
    use edgedesk_coaching::sample;
    let w = World::new();
    w.p.set_var("DEV_AUTH", "true");
    let sql = sample::sql(edgedesk_kernel::testing::NOW_MS);
    for _ in 0..2 {
        w.p.scoped(&edgedesk_coaching::PRODUCT)
            .with_db(|db| db.execute_batch(&sql).unwrap())
            .unwrap();
    }
    let me = w.ok("GET", "/api/v1/auth/me", "dev_token", None, 200);
    assert_eq!(me["id"], sample::DEV_USER);
    assert_eq!(me["role"], "admin");
    assert_eq!(
        w.ok("GET", "/api/v1/sailwind/clients", "dev_token", None, 200)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        w.ok("GET", "/api/v1/sailwind/strategies", "dev_token", None, 200)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let mine = w.ok(
        "GET",
        "/api/v1/sailwind/my/rep-assignments",
        "dev_token",
        None,
        200,
    );
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let session = w.ok(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        "dev_token",
        Some(json!({"strategy_id": mine[0]["strategy_id"], "rep_assignment_id": mine[0]["id"]})),
        201,
    );
    assert_eq!(session["status"], "active");
}
