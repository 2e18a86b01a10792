//! The coaching product end to end on a real runtime: access tokens minted
//! by PyJWT against a local JWKS server, every REST route of the playbook
//! used by two organisations that never see each other's rows, the
//! forged-token corpus refused, and a rotated key picked up once the
//! issuer publishes it.

use crate::mock_llm::{read_request, respond};
use crate::support::call;
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
        // The stub coach paces its words, so a reply can be cancelled.
        ("STUB_LLM_DELAY_MS".into(), "40".into()),
    ]
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

/// A WebSocket to the runtime's `/ws`, reading frames as JSON.
pub struct Socket(tungstenite::WebSocket<std::net::TcpStream>);

impl Socket {
    pub fn connect(base: &str, query: &str) -> Socket {
        let host = base.trim_start_matches("http://").to_string();
        let url = format!("ws://{host}/ws{query}");
        let stream = std::net::TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, res) =
            tungstenite::client(url.as_str(), stream).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(res.status(), 101, "{url}");
        Socket(ws)
    }

    pub fn send(&mut self, frame: Value) {
        self.send_text(&frame.to_string());
    }

    pub fn send_text(&mut self, text: &str) {
        self.0
            .send(tungstenite::Message::text(text.to_string()))
            .unwrap();
    }

    /// The next frame; `None` once the server has closed the socket (with
    /// its close code).
    pub fn read_frame(&mut self) -> Result<Value, Option<u16>> {
        loop {
            match self.0.read() {
                Ok(tungstenite::Message::Text(t)) => return Ok(serde_json::from_str(&t).unwrap()),
                Ok(tungstenite::Message::Close(c)) => return Err(c.map(|c| u16::from(c.code))),
                Ok(_) => continue,
                Err(_) => return Err(None),
            }
        }
    }

    /// Frames up to and including the first `done` accepts.
    pub fn until(&mut self, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut got = Vec::new();
        loop {
            let f = self
                .read_frame()
                .unwrap_or_else(|code| panic!("closed ({code:?}) while waiting: {got:#?}"));
            let last = done(&f);
            got.push(f);
            if last {
                return got;
            }
        }
    }
}

fn kind(f: &Value) -> String {
    let t = f["type"].as_str().unwrap_or("").to_string();
    if t == "status.update" {
        format!(
            "{}:{}",
            f["payload"]["service"].as_str().unwrap_or(""),
            f["payload"]["status"].as_str().unwrap_or("")
        )
    } else {
        t
    }
}

fn is(k: &'static str) -> impl Fn(&Value) -> bool {
    move |f| kind(f) == k
}

/// The realtime coach over the runtime's WebSocket: auth, ping, refusals,
/// a chat turn streamed by the stub, a cancel mid-reply, a voice turn, and
/// the session resumed on a new connection with its turns replayed. The
/// runtime's `STUB_LLM_DELAY_MS` is 40, so a reply takes about a second.
pub fn realtime_over_ws(t: &dyn Transport, base: &str, jwks: &Jwks) {
    let member = jwks.token("member");
    let strategies = ok(
        t,
        "GET",
        "/api/v1/sailwind/strategies?include_archived=true",
        &member,
        None,
        200,
    );
    let strategy = strategies
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] != "archived")
        .expect("a strategy")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A practising strategy: make it active (the scenario left it a draft).
    ok(
        t,
        "PATCH",
        &format!("/api/v1/sailwind/strategies/{strategy}"),
        &jwks.token("admin"),
        Some(json!({"status": "active"})),
        200,
    );

    let mut ws = Socket::connect(base, "");
    ws.send(json!({"type": "ping"}));
    assert_eq!(kind(&ws.read_frame().unwrap()), "pong");
    ws.send(json!({"type": "chat.typed", "payload": {"content": "hello"}}));
    assert_eq!(
        ws.read_frame().unwrap()["payload"]["code"],
        "NOT_AUTHENTICATED"
    );
    ws.send_text("{nope");
    assert_eq!(ws.read_frame().unwrap()["payload"]["code"], "INVALID_JSON");
    ws.send(json!({"type": "teleport", "payload": {}}));
    assert_eq!(
        ws.read_frame().unwrap()["payload"]["code"],
        "UNKNOWN_MESSAGE_TYPE"
    );
    ws.send(json!({"type": "auth", "payload": {"token": member, "platform": "web"}}));
    let f = ws.until(is("ws:connected"));
    let user = f.iter().find(|x| x["type"] == "auth.success").unwrap()["payload"]["userId"]
        .as_str()
        .unwrap()
        .to_string();
    ws.send(json!({"type": "session.start", "payload": {"strategyId": strategy}}));
    let f = ws.until(is("sailwind:started"));
    let session =
        f.iter().find(|x| x["type"] == "session.started").unwrap()["payload"]["sessionId"]
            .as_str()
            .unwrap()
            .to_string();

    // A turn: tokens stream, one chat.complete, every frame of the request.
    let started = Instant::now();
    ws.send(json!({"type": "chat.typed", "payload": {"content": "Hi Dana, thanks for making time.", "requestId": "e2e-1"}}));
    let f = ws.until(is("pipeline:completed"));
    let kinds: Vec<String> = f.iter().map(kind).collect();
    let tokens: Vec<&Value> = f.iter().filter(|x| x["type"] == "chat.token").collect();
    assert!(tokens.len() > 10, "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "chat.complete").count(),
        1,
        "{kinds:?}"
    );
    let complete = f.iter().find(|x| x["type"] == "chat.complete").unwrap();
    let joined: String = tokens
        .iter()
        .map(|x| x["payload"]["token"].as_str().unwrap())
        .collect();
    assert_eq!(complete["payload"]["content"], joined.as_str());
    assert!(
        f.iter().all(|x| x["metadata"]["request_id"] == "e2e-1"),
        "{f:#?}"
    );
    eprintln!(
        "a streamed reply of {} tokens in {:?}",
        tokens.len(),
        started.elapsed()
    );

    // Cancel on the same socket after the first tokens: no chat.complete.
    ws.send(json!({"type": "chat.typed", "payload": {"content": "What does a pilot cost?", "requestId": "e2e-2"}}));
    let f = ws.until(is("chat.token"));
    let run = f.last().unwrap()["metadata"]["pipeline_run_id"]
        .as_str()
        .unwrap()
        .to_string();
    ws.send(json!({"type": "pipeline.cancel_requested", "payload": {"pipelineRunId": run}}));
    let f = ws.until(is("pipeline:canceled"));
    assert!(!f.iter().any(|x| x["type"] == "chat.complete"), "{f:#?}");

    // A voice turn (the stub hears text as text, speaks silence).
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    ws.send(json!({"type": "voice.start", "payload": {"format": "wav"}}));
    ws.send(json!({"type": "voice.chunk", "payload": {"data": b64.encode("Could we start with one team?")}}));
    ws.send(json!({"type": "voice.end", "payload": {}}));
    let f = ws.until(is("voice.complete"));
    let heard = f.iter().find(|x| x["type"] == "voice.transcript").unwrap();
    assert_eq!(
        heard["payload"]["transcript"],
        "Could we start with one team?"
    );
    assert!(f.iter().any(|x| x["type"] == "voice.audio"));
    drop(ws);

    // Resume on a new connection, in the session's own object.
    let mut ws = Socket::connect(base, &format!("?sessionId={session}"));
    ws.send(json!({"type": "auth", "payload": {"token": member, "sessionId": session}}));
    let f = ws.until(is("auth.success"));
    let ok_frame = f.last().unwrap();
    assert_eq!(ok_frame["payload"]["sessionId"], session.as_str());
    assert_eq!(ok_frame["payload"]["userId"], user.as_str());
    ws.send(json!({"type": "session.resume", "payload": {}}));
    let f = ws.until(is("session.switched"));
    let messages = f.last().unwrap()["payload"]["messages"]
        .as_array()
        .unwrap()
        .clone();
    let said: Vec<&str> = messages
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        said,
        [
            "Hi Dana, thanks for making time.",
            "What does a pilot cost?",
            "Could we start with one team?"
        ]
    );
    assert_eq!(
        messages.iter().filter(|m| m["role"] == "assistant").count(),
        2,
        "the cancelled reply is not kept"
    );
    ws.send(json!({"type": "session.end", "payload": {}}));
    assert_eq!(
        ws.until(is("session.ended")).last().unwrap()["payload"]["status"],
        "ended"
    );

    // A bad token: auth.error, then the server closes the socket.
    let mut ws = Socket::connect(base, "");
    ws.send(json!({"type": "auth", "payload": {"token": jwks.token("expired")}}));
    let f = ws.read_frame().unwrap();
    assert_eq!(f["type"], "auth.error");
    assert_eq!(ws.read_frame().err(), Some(Some(4401)));

    // The command line's conversation, as the README shows it: a session
    // on the rep's first assignment, each reply streamed.
    let mut printed = Vec::new();
    let args = edgedesk_cli::coach::CoachArgs {
        token: member.clone(),
        strategy: None,
        session: None,
        say: vec![
            "Hi, thanks for taking the call.".into(),
            "What would a pilot cost?".into(),
        ],
        end: true,
    };
    edgedesk_cli::coach::conversation(base, &args, &mut printed).expect("the CLI conversation");
    let printed = String::from_utf8(printed).unwrap();
    assert_eq!(
        printed.matches("coach> [stub reply]").count(),
        2,
        "{printed}"
    );
    assert!(
        printed.contains("you> What would a pilot cost?"),
        "{printed}"
    );

    // The runs, for the organisation's admin.
    let runs = ok(
        t,
        "GET",
        "/api/v1/admin/pipeline-runs?since_minutes=0",
        &jwks.token("admin"),
        None,
        200,
    );
    let statuses: Vec<&str> = runs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"completed") && statuses.contains(&"canceled"),
        "{statuses:?}"
    );
}

/// One message over `POST /api/v1/realtime/messages`: the frames of its
/// server-sent events.
pub fn over_http(t: &dyn Transport, token: Option<&str>, message: Value) -> (u16, Vec<Value>) {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(tok) = token {
        headers.push(("authorization".into(), format!("Bearer {tok}")));
    }
    let res = t
        .send(WireRequest {
            method: "POST".into(),
            path: "/api/v1/realtime/messages".into(),
            headers,
            body: message.to_string().into_bytes(),
        })
        .unwrap();
    if res.status != 200 {
        return (
            res.status,
            vec![serde_json::from_slice(&res.body).unwrap_or(Value::Null)],
        );
    }
    let text = String::from_utf8(res.body).unwrap();
    let frames = text
        .split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|event| {
            let kind = event
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or("");
            let data = event
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .expect("a data line");
            let frame: Value = serde_json::from_str(data).unwrap();
            assert_eq!(frame["type"], kind, "the event is named for its frame");
            frame
        })
        .collect();
    (200, frames)
}

/// The protocol over HTTP (Spin's way; the Worker answers it too): each
/// message its own request, answered as server-sent events.
pub fn realtime_over_http(t: &dyn Transport, jwks: &Jwks) {
    let member = jwks.token("member");
    let (s, f) = over_http(t, None, json!({"type": "ping"}));
    assert_eq!(s, 401, "every type but auth takes the token: {f:?}");
    let (s, f) = over_http(
        t,
        None,
        json!({"type": "auth", "payload": {"token": member}}),
    );
    assert_eq!(s, 200);
    assert_eq!(kind(&f[0]), "auth.success", "{f:?}");
    let (_, f) = over_http(t, Some(&member), json!({"type": "ping"}));
    assert_eq!(kind(&f[0]), "pong");
    let strategies = ok(t, "GET", "/api/v1/sailwind/strategies", &member, None, 200);
    let strategy = strategies[0]["id"].as_str().unwrap().to_string();
    ok(
        t,
        "PATCH",
        &format!("/api/v1/sailwind/strategies/{strategy}"),
        &jwks.token("admin"),
        Some(json!({"status": "active"})),
        200,
    );
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "session.start", "payload": {"strategyId": strategy}}),
    );
    assert_eq!(kind(&f[0]), "session.started", "{f:?}");
    let session = f[0]["payload"]["sessionId"].as_str().unwrap().to_string();
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "chat.typed", "payload": {"sessionId": session, "content": "Hi Dana!", "requestId": "http-1"}}),
    );
    let kinds: Vec<String> = f.iter().map(kind).collect();
    assert!(
        kinds.iter().filter(|k| *k == "chat.token").count() > 5,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| *k == "chat.complete").count(), 1);
    assert_eq!(kinds.last().unwrap(), "pipeline:completed");
    // Without a session named, the turn says what to send.
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "chat.typed", "payload": {"content": "Hi"}}),
    );
    assert!(
        f[0]["payload"]["message"]
            .as_str()
            .unwrap()
            .contains("session.start"),
        "{f:?}"
    );
    // A voice turn in one message.
    use base64::Engine;
    let audio = base64::engine::general_purpose::STANDARD.encode("When could we start?");
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "voice.recording", "payload": {"sessionId": session, "audioData": format!("data:audio/wav;base64,{audio}")}}),
    );
    assert!(f.iter().any(|x| x["type"] == "voice.audio"), "{f:?}");
    // Resumed in a later request: the turns replayed.
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "session.resume", "payload": {"sessionId": session}}),
    );
    let said: Vec<&str> = f[0]["payload"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(said, ["Hi Dana!", "When could we start?"]);
}

/// Over HTTP a cancel is another request: sent while a reply streams, it
/// stops that reply at its next poll of the run (no `chat.complete`).
pub fn cancel_over_http(t: &(dyn Transport + Sync), jwks: &Jwks) {
    let (member, admin) = (jwks.token("member"), jwks.token("admin"));
    let strategies = ok(t, "GET", "/api/v1/sailwind/strategies", &member, None, 200);
    let strategy = strategies
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "active")
        .expect("an active strategy")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, f) = over_http(
        t,
        Some(&member),
        json!({"type": "session.start", "payload": {"strategyId": strategy}}),
    );
    let session = f[0]["payload"]["sessionId"].as_str().unwrap().to_string();
    let (reply, answer) = std::thread::scope(|s| {
        let streaming = s.spawn(|| {
            over_http(
                t,
                Some(&member),
                json!({"type": "chat.typed", "payload": {"sessionId": session, "content": "Tell me about the pilot."}}),
            )
        });
        // The run, once it is under way.
        let deadline = Instant::now() + Duration::from_secs(20);
        let run = loop {
            let runs = ok(
                t,
                "GET",
                "/api/v1/admin/pipeline-runs?status=running",
                &admin,
                None,
                200,
            );
            if let Some(id) = runs["items"][0]["id"].as_str() {
                break id.to_string();
            }
            assert!(Instant::now() < deadline, "no run under way");
            std::thread::sleep(Duration::from_millis(20));
        };
        let (_, answer) = over_http(
            t,
            Some(&member),
            json!({"type": "pipeline.cancel_requested", "payload": {"pipelineRunId": run}}),
        );
        (streaming.join().unwrap().1, answer)
    });
    assert_eq!(kind(&answer[0]), "pipeline:cancel_requested", "{answer:?}");
    let kinds: Vec<String> = reply.iter().map(kind).collect();
    assert!(!kinds.contains(&"chat.complete".to_string()), "{kinds:?}");
    assert_eq!(kinds.last().unwrap(), "pipeline:canceled", "{kinds:?}");
}
