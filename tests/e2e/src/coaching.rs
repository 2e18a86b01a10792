//! The coaching product end to end on a real runtime: access tokens minted
//! by PyJWT against a local JWKS server, every REST route of the playbook
//! used by two organisations that never see each other's rows, the
//! forged-token corpus refused, and a rotated key picked up once the
//! issuer publishes it.

use crate::mock_llm::{read_request, respond};
use crate::{Transport, WireRequest, repo_root};
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A stand-in for the identity provider's JWKS endpoint: the first key, or
/// after [`Jwks::rotate`] both.
pub struct Jwks {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    pub minted: Value,
    rotated: Arc<AtomicBool>,
    fetches: Arc<AtomicUsize>,
    /// When the runtime last fetched the keys.
    last_fetch: Arc<std::sync::Mutex<Option<Instant>>>,
}

impl Jwks {
    pub fn url(&self) -> String {
        format!("{}/sso/jwks/client_test", self.origin)
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    pub fn rotate(&self) {
        self.rotated.store(true, Ordering::SeqCst);
    }

    pub fn token(&self, name: &str) -> String {
        self.minted["tokens"][name]
            .as_str()
            .unwrap_or_else(|| panic!("no token {name}"))
            .to_string()
    }
}

/// Mints the tokens (valid for an hour from now) and starts the server.
pub fn start_jwks() -> Jwks {
    let root = repo_root();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = Command::new(root.join("target/venv-tools/bin/python"))
        .arg(root.join("shared/coaching/tests/sso/mint.py"))
        .arg(now.to_string())
        .output()
        .expect("run scripts/ensure-python-tools.sh first (make test does)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let minted: Value = serde_json::from_slice(&out.stdout).unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the JWKS stand-in");
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let rotated = Arc::new(AtomicBool::new(false));
    let fetches = Arc::new(AtomicUsize::new(0));
    let last_fetch = Arc::new(std::sync::Mutex::new(None));
    let (r, f, l, sets) = (
        rotated.clone(),
        fetches.clone(),
        last_fetch.clone(),
        (minted["jwks_a"].to_string(), minted["jwks_ab"].to_string()),
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Some(req) = read_request(&stream) else {
                continue;
            };
            if req.path != "/sso/jwks/client_test" {
                respond(&stream, "404 Not Found", "{}");
                continue;
            }
            f.fetch_add(1, Ordering::SeqCst);
            *l.lock().unwrap() = Some(Instant::now());
            let body = if r.load(Ordering::SeqCst) {
                &sets.1
            } else {
                &sets.0
            };
            respond(&stream, "200 OK", body);
        }
    });
    Jwks {
        origin,
        minted,
        rotated,
        fetches,
        last_fetch,
    }
}

/// The settings a runtime gets: the stand-in as the identity provider.
pub fn vars(jwks: &Jwks) -> Vec<(String, String)> {
    vec![
        (
            "WORKOS_CLIENT_ID".into(),
            jwks.minted["client_id"].as_str().unwrap().into(),
        ),
        (
            "WORKOS_ISSUER".into(),
            jwks.minted["issuer"].as_str().unwrap().into(),
        ),
        ("WORKOS_JWKS_URL".into(), jwks.url()),
    ]
}

fn call(
    t: &dyn Transport,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut headers = Vec::new();
    if let Some(tok) = token {
        headers.push(("authorization".into(), format!("Bearer {tok}")));
    }
    let body = match body {
        Some(b) => {
            headers.push(("content-type".into(), "application/json".into()));
            b.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    let res = t
        .send(WireRequest {
            method: method.into(),
            path: path.into(),
            headers,
            body,
        })
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let v = serde_json::from_slice(&res.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&res.body).into_owned()));
    (res.status, v)
}

fn ok(
    t: &dyn Transport,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (s, v) = call(t, method, path, Some(token), body);
    assert_eq!(s, status, "{method} {path}: {v}");
    v
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// One organisation's playbook, made through the API.
struct Org {
    org: String,
    member: String,
    client: String,
    product: String,
    strategy: String,
    assignment: String,
    session: String,
}

impl Org {
    fn ids(&self) -> [&str; 7] {
        [
            &self.org,
            &self.member,
            &self.client,
            &self.product,
            &self.strategy,
            &self.assignment,
            &self.session,
        ]
    }
}

fn seed(t: &dyn Transport, admin: &str, member: &str, name: &str) -> Org {
    let me = ok(t, "GET", "/api/v1/auth/me", member, None, 200);
    assert_eq!(me["role"], "member");
    assert_eq!(
        ok(t, "GET", "/api/v1/auth/me", admin, None, 200)["role"],
        "admin"
    );
    let orgs = ok(t, "GET", "/api/v1/orgs", admin, None, 200);
    let client = ok(
        t,
        "POST",
        "/api/v1/sailwind/clients",
        admin,
        Some(
            json!({"name": format!("{name} Client"), "industry": "Retail", "email": "buyer@client.example"}),
        ),
        201,
    );
    let product = ok(
        t,
        "POST",
        "/api/v1/sailwind/products",
        admin,
        Some(
            json!({"name": format!("{name} Platform"), "price": 990.0, "description": "The core plan."}),
        ),
        201,
    );
    let strategy = ok(
        t,
        "POST",
        "/api/v1/sailwind/strategies",
        admin,
        Some(
            json!({"product_id": id(&product), "client_id": id(&client), "strategy_text": "Lead with savings.", "status": "active"}),
        ),
        201,
    );
    let assignment = ok(
        t,
        "POST",
        "/api/v1/sailwind/rep-assignments",
        admin,
        Some(
            json!({"user_id": me["id"], "product_id": id(&product), "client_id": id(&client),
                    "strategy_id": id(&strategy), "min_practice_minutes": 30}),
        ),
        201,
    );
    let session = ok(
        t,
        "POST",
        "/api/v1/sailwind/practice-sessions",
        member,
        Some(json!({"strategy_id": id(&strategy), "rep_assignment_id": id(&assignment)})),
        201,
    );
    assert_eq!(session["status"], "active");
    Org {
        org: orgs[0]["id"].as_str().unwrap().to_string(),
        member: id(&me),
        client: id(&client),
        product: id(&product),
        strategy: id(&strategy),
        assignment: id(&assignment),
        session: id(&session),
    }
}

/// Every REST route on the runtime, by two organisations and the forged
/// tokens. `dev_auth` says whether the runtime has DEV_AUTH=true.
pub fn scenario(t: &dyn Transport, jwks: &Jwks) {
    let tok = |name: &str| jwks.token(name);
    let (admin, member) = (tok("admin"), tok("member"));
    let (other_admin, other_member) = (tok("other_admin"), tok("other_member"));

    // Tokens: the good ones admit, the forged ones are refused with 401
    // and the same challenge, by the account and the playbook components.
    for name in ["member", "aud_list", "client_id_claim", "issuer_no_slash"] {
        let (s, v) = call(t, "GET", "/api/v1/auth/me", Some(&tok(name)), None);
        assert_eq!(s, 200, "{name}: {v}");
    }
    for name in [
        "wrong_kid",
        "no_kid",
        "signed_by_b_as_a",
        "tampered",
        "expired",
        "not_yet",
        "no_exp",
        "missing_org",
        "missing_sub",
        "wrong_issuer",
        "wrong_audience",
        "rs512",
        "ps256",
        "hs256_pem",
        "hs256_der",
        "hs256_n",
        "alg_none",
    ] {
        for path in ["/api/v1/auth/me", "/api/v1/sailwind/clients"] {
            let (s, v) = call(t, "GET", path, Some(&tok(name)), None);
            assert_eq!(s, 401, "{name} on {path}: {v}");
            assert_eq!(v["detail"]["code"], "UNAUTHORIZED", "{name}: {v}");
        }
        let (s, _) = call(
            t,
            "POST",
            "/api/v1/auth/verify",
            None,
            Some(json!({"token": tok(name)})),
        );
        assert_eq!(s, 401, "{name} through verify");
    }
    let (s, v) = call(t, "GET", "/api/v1/auth/me", Some("dev_token"), None);
    assert_eq!(s, 401, "dev_token without DEV_AUTH: {v}");
    let (s, v) = call(
        t,
        "POST",
        "/api/v1/auth/verify",
        None,
        Some(json!({"token": admin})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "admin");
    // The keys were fetched once for all of that, then kept.
    assert_eq!(jwks.fetches(), 1, "the keys are fetched once and kept");

    let acme = seed(t, &admin, &member, "Acme");
    let globex = seed(t, &other_admin, &other_member, "Globex");

    // Every read, as the other organisation: none of Acme's rows.
    let reads = [
        "/api/v1/auth/me".to_string(),
        "/api/v1/profile".into(),
        "/api/v1/orgs".into(),
        format!("/api/v1/orgs/{}", acme.org),
        "/api/v1/sailwind/clients?include_archived=true".into(),
        format!("/api/v1/sailwind/clients/{}", acme.client),
        "/api/v1/sailwind/products?include_archived=true".into(),
        format!("/api/v1/sailwind/products/{}", acme.product),
        "/api/v1/sailwind/strategies?include_archived=true".into(),
        "/api/v1/sailwind/rep-assignments".into(),
        "/api/v1/sailwind/my/rep-assignments".into(),
        "/api/v1/sailwind/my/practice-sessions".into(),
        "/api/v1/admin/memberships".into(),
    ];
    for path in &reads {
        for who in [&other_admin, &other_member] {
            let (s, v) = call(t, "GET", path, Some(who), None);
            let text = v.to_string();
            for acme_id in acme.ids() {
                assert!(
                    !text.contains(acme_id),
                    "GET {path} shows Acme's {acme_id}: {text}"
                );
            }
            if path.contains(&acme.org)
                || path.contains(&acme.client)
                || path.contains(&acme.product)
            {
                assert_eq!(s, 404, "{path}: {v}");
            }
        }
    }
    let globex_clients = ok(
        t,
        "GET",
        "/api/v1/sailwind/clients",
        &other_member,
        None,
        200,
    );
    assert_eq!(globex_clients.as_array().unwrap().len(), 1);
    assert_eq!(globex_clients[0]["id"], globex.client.as_str());
    // Writes on Acme's ids by Globex's admin: 404, and nothing changes.
    for (method, path, body) in [
        (
            "PATCH",
            format!("/api/v1/sailwind/clients/{}", acme.client),
            Some(json!({"name": "Hijacked"})),
        ),
        (
            "DELETE",
            format!("/api/v1/sailwind/clients/{}", acme.client),
            None,
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/products/{}", acme.product),
            Some(json!({"name": "Hijacked"})),
        ),
        (
            "PATCH",
            format!("/api/v1/sailwind/strategies/{}", acme.strategy),
            Some(json!({"strategy_text": "Hijacked"})),
        ),
        (
            "PATCH",
            format!("/api/v1/admin/memberships/{}", acme.member),
            Some(json!({"role": "admin"})),
        ),
        (
            "DELETE",
            format!("/api/v1/admin/memberships/{}", acme.member),
            None,
        ),
    ] {
        let (s, v) = call(t, method, &path, Some(&other_admin), body);
        assert_eq!(s, 404, "{method} {path}: {v}");
    }
    let (s, v) = call(
        t,
        "POST",
        "/api/v1/sailwind/practice-sessions",
        Some(&other_member),
        Some(json!({"strategy_id": acme.strategy})),
    );
    assert_eq!(s, 404, "{v}");
    let client = ok(
        t,
        "GET",
        &format!("/api/v1/sailwind/clients/{}", acme.client),
        &member,
        None,
        200,
    );
    assert_eq!(client["name"], "Acme Client");
    assert!(client["archived_at"].is_null());

    // Roles: members read and practise; only admins write.
    let (s, v) = call(
        t,
        "POST",
        "/api/v1/sailwind/clients",
        Some(&member),
        Some(json!({"name": "X"})),
    );
    assert_eq!(s, 403, "{v}");
    assert_eq!(v["detail"]["message"], "Admin role required");
    // Validation names the field.
    let (s, v) = call(
        t,
        "POST",
        "/api/v1/sailwind/clients",
        Some(&admin),
        Some(json!({"name": "A", "email": "nope"})),
    );
    assert_eq!(s, 422, "{v}");
    assert!(v["detail"]["message"].as_str().unwrap().contains("email"));
    let (s, v) = call(
        t,
        "POST",
        "/api/v1/sailwind/strategies",
        Some(&admin),
        Some(
            json!({"product_id": acme.product, "client_id": acme.client, "strategy_text": "again"}),
        ),
    );
    assert_eq!(s, 409, "{v}");

    // The rest of the routes, once each.
    let p = ok(
        t,
        "PATCH",
        "/api/v1/profile",
        &member,
        Some(json!({"display_name": "Riley"})),
        200,
    );
    assert_eq!(p["display_name"], "Riley");
    assert_eq!(
        ok(t, "GET", "/api/v1/profile", &member, None, 200)["organization"]["org_id"],
        "org_acme"
    );
    assert_eq!(
        ok(
            t,
            "GET",
            &format!("/api/v1/orgs/{}", acme.org),
            &member,
            None,
            200
        )["current"],
        true
    );
    let second = ok(
        t,
        "POST",
        "/api/v1/sailwind/clients",
        &admin,
        Some(json!({"name": "Acme Second"})),
        201,
    );
    ok(
        t,
        "PATCH",
        &format!("/api/v1/sailwind/clients/{}", id(&second)),
        &admin,
        Some(json!({"status": "active"})),
        200,
    );
    ok(
        t,
        "DELETE",
        &format!("/api/v1/sailwind/clients/{}", id(&second)),
        &admin,
        None,
        200,
    );
    let listed = ok(t, "GET", "/api/v1/sailwind/clients", &member, None, 200);
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "archived clients are hidden: {listed}"
    );
    let all = ok(
        t,
        "GET",
        "/api/v1/sailwind/clients?include_archived=true&limit=1&offset=1",
        &member,
        None,
        200,
    );
    assert_eq!(all[0]["name"], "Acme Second");
    ok(
        t,
        "PATCH",
        &format!("/api/v1/sailwind/products/{}", acme.product),
        &admin,
        Some(json!({"price": 1290.0})),
        200,
    );
    ok(t, "GET", "/api/v1/sailwind/strategies", &member, None, 200);
    ok(
        t,
        "PATCH",
        &format!("/api/v1/sailwind/strategies/{}", acme.strategy),
        &admin,
        Some(json!({"status": "draft"})),
        200,
    );
    assert_eq!(
        ok(
            t,
            "GET",
            "/api/v1/sailwind/rep-assignments",
            &admin,
            None,
            200
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );
    assert_eq!(
        ok(
            t,
            "GET",
            "/api/v1/sailwind/my/rep-assignments",
            &member,
            None,
            200
        )[0]["id"],
        acme.assignment.as_str()
    );
    assert_eq!(
        ok(
            t,
            "GET",
            "/api/v1/sailwind/my/practice-sessions",
            &member,
            None,
            200
        )[0]["id"],
        acme.session.as_str()
    );
    let f = ok(
        t,
        "POST",
        "/api/v1/feedback",
        &member,
        Some(json!({"category": "like", "name": "Great drills", "time_bucket": "just_now"})),
        201,
    );
    assert_eq!(f["kind"], "report");
    let members = ok(t, "GET", "/api/v1/admin/memberships", &admin, None, 200);
    assert_eq!(members.as_array().unwrap().len(), 2);
    let (s, v) = call(
        t,
        "PATCH",
        &format!("/api/v1/admin/memberships/{}", acme.member),
        Some(&admin),
        Some(json!({"role": "member"})),
    );
    assert_eq!(s, 200, "{v}");
    let res = t
        .send(WireRequest {
            method: "DELETE".into(),
            path: format!("/api/v1/admin/memberships/{}", globex.member),
            headers: vec![("authorization".into(), format!("Bearer {other_admin}"))],
            body: Vec::new(),
        })
        .unwrap();
    assert_eq!(res.status, 204);
    for path in ["/legal/terms", "/legal/privacy"] {
        let res = t
            .send(WireRequest {
                method: "GET".into(),
                path: path.into(),
                headers: vec![],
                body: vec![],
            })
            .unwrap();
        assert_eq!(res.status, 200, "{path}");
        assert!(
            String::from_utf8_lossy(&res.body).contains("<h1>"),
            "{path}"
        );
    }
    assert_eq!(
        jwks.fetches(),
        1,
        "the keys were fetched again without cause"
    );
}

/// Once a minute has passed since the last fetch, a token signed with a
/// key the issuer has just published works: the runtime fetches the keys
/// again for its unknown kid. Waits out what is left of the minute.
pub fn rotation(t: &dyn Transport, jwks: &Jwks) {
    let rotated = jwks.token("rotated");
    let (s, _) = call(t, "GET", "/api/v1/auth/me", Some(&rotated), None);
    assert_eq!(s, 401, "a key the issuer has not published yet");
    jwks.rotate();
    let last = jwks
        .last_fetch
        .lock()
        .unwrap()
        .expect("the keys were fetched");
    let wait = Duration::from_secs(62).saturating_sub(last.elapsed());
    std::thread::sleep(wait);
    let before = jwks.fetches();
    let (s, v) = call(t, "GET", "/api/v1/auth/me", Some(&rotated), None);
    assert_eq!(s, 200, "the rotated key: {v}");
    assert_eq!(jwks.fetches(), before + 1);
    assert_eq!(
        call(
            t,
            "GET",
            "/api/v1/auth/me",
            Some(&jwks.token("member")),
            None
        )
        .0,
        200
    );
}
