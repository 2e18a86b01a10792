//! The support product in-process: the kernel's test platform with the
//! product's migrations, tokens minted with the test secret, and calls
//! through the route table as a runtime would make them.
#![allow(dead_code)]

use edgedesk_core::jwt;
use edgedesk_kernel::platform::{SqlStore, Statement};
use edgedesk_kernel::testing::TestPlatform;
use edgedesk_kernel::{Request, Routes, builtin};
use serde_json::{Value, json};

pub const SECRET: &str = "test-secret-key";

pub struct Support {
    pub p: TestPlatform,
    pub routes: Routes<TestPlatform>,
}

pub fn routes() -> Routes<TestPlatform> {
    Routes::new()
        .with(builtin::routes())
        .with(edgedesk_support::routes::routes())
}

impl Support {
    /// The migrations applied and nothing else.
    pub fn empty() -> Support {
        let p = TestPlatform::new();
        p.set_var("SECRET_KEY", SECRET);
        Support {
            p,
            routes: routes(),
        }
    }

    /// With the sample dataset `make dev` loads.
    pub fn sample() -> Support {
        let s = Support::empty();
        s.load(&edgedesk_support::sample::dataset(s.p.now.get()));
        s
    }

    pub fn load(&self, statements: &[Statement]) {
        let db = self.p.scoped(&edgedesk_support::PRODUCT);
        futures::executor::block_on(db.batch(statements)).expect("the statements load");
    }

    pub fn sql(&self, sql: &str) {
        self.p
            .scoped(&edgedesk_support::PRODUCT)
            .with_db(|db| db.execute_batch(sql).unwrap())
            .unwrap();
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.p
            .scoped(&edgedesk_support::PRODUCT)
            .with_db(|db| db.query_row(sql, [], |r| r.get(0)).unwrap())
            .unwrap()
    }

    /// A token for `agent_id`, as login would mint it.
    pub fn token(&self, agent_id: &str) -> String {
        let now = self.p.now.get() / 1000;
        let claims = json!({"sub": agent_id, "email": "x@y.z", "role": "agent",
                            "iat": now, "exp": now + 86_400, "jti": format!("jti-{agent_id}-{now}")});
        jwt::sign(
            &jwt::Key::new(SECRET.as_bytes()),
            claims.as_object().unwrap(),
        )
    }

    pub fn call(
        &self,
        method: &str,
        target: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = Request::new(method, target);
        if let Some(t) = token {
            req = req.with_header("authorization", &format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .with_header("content-type", "application/json")
                .with_body(b.to_string());
        }
        let res = self.p.handle(&self.routes, req);
        let v = serde_json::from_slice(&res.body).unwrap_or(Value::Null);
        (res.status, v)
    }

    pub fn as_agent(
        &self,
        agent_id: &str,
        method: &str,
        target: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let t = self.token(agent_id);
        self.call(method, target, Some(&t), body)
    }

    pub fn advance_ms(&self, ms: i64) {
        self.p.now.set(self.p.now.get() + ms);
    }
}
