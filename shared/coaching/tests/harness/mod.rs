//! What the coaching product's tests share: tokens minted by PyJWT (an
//! implementation independent of ours) for two organisations, a JWKS
//! endpoint that serves the first key or, after a rotation, both, and a
//! platform configured for them.

#![allow(dead_code)]

use edgedesk_coaching::routes;
use edgedesk_kernel::platform::OutboundResponse;
use edgedesk_kernel::testing::{NOW_MS, TestPlatform, repo_root};
use edgedesk_kernel::{Request, Response, Routes};
use serde_json::{Value, json};
use std::cell::Cell;
use std::process::Command;
use std::rc::Rc;
use std::sync::OnceLock;

pub const JWKS_URL: &str = "https://auth.test/sso/jwks/client_test";

/// The minted tokens and key sets, made once per test binary.
pub fn minted() -> &'static Value {
    static MINTED: OnceLock<Value> = OnceLock::new();
    MINTED.get_or_init(|| {
        let root = repo_root();
        let python = root.join("target/venv-tools/bin/python");
        assert!(
            python.exists(),
            "run scripts/ensure-python-tools.sh first (make test does)"
        );
        let out = Command::new(python)
            .arg(root.join("shared/coaching/tests/sso/mint.py"))
            .arg((NOW_MS / 1000).to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    })
}

pub fn token(name: &str) -> String {
    minted()["tokens"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no token {name}"))
        .to_string()
}

pub struct World {
    pub p: TestPlatform,
    pub routes: Routes<TestPlatform>,
    /// Serve both keys (after the rotation) rather than the first.
    pub rotated: Rc<Cell<bool>>,
    /// Fail the JWKS endpoint.
    pub jwks_down: Rc<Cell<bool>>,
    pub jwks_fetches: Rc<Cell<usize>>,
}

impl World {
    pub fn new() -> World {
        let p = TestPlatform::new();
        let m = minted();
        p.set_var("WORKOS_CLIENT_ID", m["client_id"].as_str().unwrap());
        p.set_var("WORKOS_ISSUER", m["issuer"].as_str().unwrap());
        p.set_var("WORKOS_JWKS_URL", JWKS_URL);
        let rotated = Rc::new(Cell::new(false));
        let jwks_down = Rc::new(Cell::new(false));
        let jwks_fetches = Rc::new(Cell::new(0));
        let (r, d, f) = (rotated.clone(), jwks_down.clone(), jwks_fetches.clone());
        p.on_http(move |req| {
            if req.url != JWKS_URL {
                return None;
            }
            f.set(f.get() + 1);
            if d.get() {
                return Some(Ok(OutboundResponse {
                    status: 500,
                    body: b"down".to_vec(),
                }));
            }
            let set = if r.get() { "jwks_ab" } else { "jwks_a" };
            Some(Ok(OutboundResponse {
                status: 200,
                body: minted()[set].to_string().into_bytes(),
            }))
        });
        World {
            p,
            routes: Routes::new().with(routes::routes()),
            rotated,
            jwks_down,
            jwks_fetches,
        }
    }

    /// A call with `token` (a minted token's name, or a literal token
    /// when it contains no letters of a name: `dev_token`).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        who: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let res = self.raw(method, path, who, body);
        let v = serde_json::from_slice(&res.body).unwrap_or(Value::Null);
        (res.status, v)
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        who: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = Request::new(method, path);
        if let Some(who) = who {
            let t = if who == "dev_token" || who.contains('.') {
                who.to_string()
            } else {
                token(who)
            };
            req = req.with_header("authorization", &format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .with_header("content-type", "application/json")
                .with_body(b.to_string());
        }
        self.p.handle(&self.routes, req)
    }

    /// `call`, asserting the status.
    pub fn ok(
        &self,
        method: &str,
        path: &str,
        who: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let (s, v) = self.call(method, path, Some(who), body);
        assert_eq!(s, status, "{method} {path} as {who}: {v}");
        v
    }

    pub fn advance_secs(&self, secs: i64) {
        self.p.now.set(self.p.now.get() + secs * 1000);
    }
}

/// An organisation's playbook, made through the API by its admin: a
/// client, a product, a strategy for them, the member assigned, and a
/// practice session of the member's.
pub struct Seeded {
    pub org: String,
    pub admin: String,
    pub member: String,
    pub client: String,
    pub other_client: String,
    pub product: String,
    pub strategy: String,
    pub assignment: String,
    pub session: String,
    pub feedback: String,
}

impl Seeded {
    pub fn ids(&self) -> Vec<&str> {
        vec![
            &self.org,
            &self.admin,
            &self.member,
            &self.client,
            &self.other_client,
            &self.product,
            &self.strategy,
            &self.assignment,
            &self.session,
            &self.feedback,
        ]
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Seeds an organisation as `admin` with `member` in it.
pub fn seed(w: &World, admin: &str, member: &str, prefix: &str) -> Seeded {
    let me_admin = w.ok("GET", "/api/v1/auth/me", admin, None, 200);
    let me_member = w.ok("GET", "/api/v1/auth/me", member, None, 200);
    let orgs = w.ok("GET", "/api/v1/orgs", admin, None, 200);
    let client = w.ok(
        "POST",
        "/api/v1/sailwind/clients",
        admin,
        Some(json!({"name": format!("{prefix} Client"), "industry": "Retail"})),
        201,
    );
    let other_client = w.ok(
        "POST",
        "/api/v1/sailwind/clients",
        admin,
        Some(json!({"name": format!("{prefix} Second Client")})),
        201,
    );
    let product = w.ok(
        "POST",
        "/api/v1/sailwind/products",
        admin,
        Some(json!({"name": format!("{prefix} Platform"), "price": 990.0,
                    "description": "The core plan."})),
        201,
    );
    let strategy = w.ok(
        "POST",
        "/api/v1/sailwind/strategies",
        admin,
        Some(json!({"product_id": id(&product), "client_id": id(&client),
                    "strategy_text": format!("{prefix}: lead with savings"), "status": "active"})),
        201,
    );
    let assignment = w.ok(
        "POST",
        "/api/v1/sailwind/rep-assignments",
        admin,
        Some(
            json!({"user_id": me_member["id"], "product_id": id(&product),
                    "client_id": id(&client), "strategy_id": id(&strategy),
                    "min_practice_minutes": 30}),
        ),
        201,
    );
    let session = w.ok(
        "POST",
        "/api/v1/sailwind/practice-sessions",
        member,
        Some(json!({"strategy_id": id(&strategy), "rep_assignment_id": id(&assignment)})),
        201,
    );
    let feedback = w.ok(
        "POST",
        "/api/v1/feedback",
        member,
        Some(
            json!({"category": "like", "name": format!("{prefix} feedback"),
                    "time_bucket": "just_now"}),
        ),
        201,
    );
    Seeded {
        org: orgs[0]["id"].as_str().unwrap().to_string(),
        admin: id(&me_admin),
        member: id(&me_member),
        client: id(&client),
        other_client: id(&other_client),
        product: id(&product),
        strategy: id(&strategy),
        assignment: id(&assignment),
        session: id(&session),
        feedback: id(&feedback),
    }
}
