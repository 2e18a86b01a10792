//! An in-memory platform for exercising the service natively: blobs and KV
//! in maps, SQL on a real in-memory SQLite with the project's migrations,
//! a settable clock, and a scriptable outbound HTTP client.
#![allow(dead_code)]

use edgedesk_service::platform::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

pub type HttpHandler =
    Box<dyn Fn(&OutboundRequest) -> Option<Result<OutboundResponse, StoreError>>>;

pub struct TestPlatform {
    pub blobs: RefCell<HashMap<String, Vec<u8>>>,
    pub blob_fault: Cell<bool>,
    pub blob_hangs: Cell<bool>,
    pub kv: RefCell<HashMap<String, Vec<u8>>>,
    pub sql: rusqlite::Connection,
    pub now: Cell<i64>,
    pub vars: RefCell<HashMap<String, String>>,
    /// `None` from the handler means the call never answers.
    pub http: RefCell<Option<HttpHandler>>,
    pub http_calls: RefCell<Vec<OutboundRequest>>,
}

pub use edgedesk_e2e::repo_root;

/// 2026-11-22T12:00:00Z, the day after the sample data ends.
pub const NOW_MS: i64 = 1_795_348_800_000;

impl TestPlatform {
    pub fn new() -> Self {
        let sql = rusqlite::Connection::open_in_memory().unwrap();
        let mut migrations: Vec<_> = std::fs::read_dir(repo_root().join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        migrations.sort();
        for m in migrations {
            sql.execute_batch(&std::fs::read_to_string(m).unwrap())
                .unwrap();
        }
        let p = TestPlatform {
            blobs: RefCell::default(),
            blob_fault: Cell::new(false),
            blob_hangs: Cell::new(false),
            kv: RefCell::default(),
            sql,
            now: Cell::new(NOW_MS),
            vars: RefCell::default(),
            http: RefCell::new(None),
            http_calls: RefCell::default(),
        };
        p.set_var("HMAC_SECRET", "dev-secret, previous-secret");
        p.set_var("ALLOWED_ORIGIN", "http://localhost:3000");
        p
    }

    /// With `sample_data/` and the test fixtures loaded, as on workerd.
    pub fn with_sample_data() -> Self {
        let p = Self::new();
        for dir in ["sample_data", "tests/fixtures"] {
            for kind in ["usage", "tickets", "contract"] {
                let Ok(entries) = std::fs::read_dir(repo_root().join(dir).join(kind)) else {
                    continue;
                };
                for e in entries {
                    let path = e.unwrap().path();
                    let name = path.file_name().unwrap().to_str().unwrap().to_string();
                    p.blobs
                        .borrow_mut()
                        .insert(format!("{kind}/{name}"), std::fs::read(&path).unwrap());
                }
            }
        }
        p
    }

    pub fn set_var(&self, k: &str, v: &str) {
        self.vars.borrow_mut().insert(k.into(), v.into());
    }

    pub fn on_http(
        &self,
        f: impl Fn(&OutboundRequest) -> Option<Result<OutboundResponse, StoreError>> + 'static,
    ) {
        *self.http.borrow_mut() = Some(Box::new(f));
    }
}

impl BlobStore for TestPlatform {
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if self.blob_hangs.get() {
            futures::future::pending::<()>().await;
        }
        if self.blob_fault.get() {
            return Err(StoreError::new("bucket unavailable"));
        }
        Ok(self.blobs.borrow().get(key).cloned())
    }
}

impl KeyValue for TestPlatform {
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.kv.borrow().get(key).cloned())
    }
    async fn kv_put(&self, key: &str, value: &[u8], _ttl: u32) -> Result<(), StoreError> {
        self.kv.borrow_mut().insert(key.into(), value.to_vec());
        Ok(())
    }
}

impl SqlStore for TestPlatform {
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let values: Vec<rusqlite::types::Value> = params
            .iter()
            .map(|p| match p {
                SqlValue::Null => rusqlite::types::Value::Null,
                SqlValue::Integer(i) => rusqlite::types::Value::Integer(*i),
                SqlValue::Real(r) => rusqlite::types::Value::Real(*r),
                SqlValue::Text(t) => rusqlite::types::Value::Text(t.clone()),
            })
            .collect();
        self.sql
            .execute(sql, rusqlite::params_from_iter(values))
            .map(|n| n as u64)
            .map_err(StoreError::new)
    }
}

impl Clock for TestPlatform {
    fn now_ms(&self) -> i64 {
        self.now.get()
    }
    /// Time is frozen, and a bound elapses as soon as the work it guards is
    /// not ready: in-memory work is always ready at once, so only work that
    /// hangs times out.
    async fn sleep(&self, _ms: u64) {}
}

impl Random for TestPlatform {
    fn fill(&self, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = i as u8;
        }
    }
}

impl HttpClient for TestPlatform {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, StoreError> {
        self.http_calls.borrow_mut().push(request.clone());
        let answer = match &*self.http.borrow() {
            Some(f) => f(&request),
            None => Some(Err(StoreError::new("no outbound HTTP in tests"))),
        };
        match answer {
            Some(a) => a,
            None => futures::future::pending().await,
        }
    }
}

impl Config for TestPlatform {
    async fn var(&self, name: &str) -> Option<String> {
        self.vars.borrow().get(name).cloned()
    }
}

/// Runs the shared end-to-end cases in-process.
pub struct InProcess<'a>(pub &'a TestPlatform);

impl edgedesk_e2e::Transport for InProcess<'_> {
    fn send(&self, req: edgedesk_e2e::WireRequest) -> Result<edgedesk_e2e::WireResponse, String> {
        let mut r = edgedesk_service::Request::new(&req.method, &req.path);
        r.headers = req.headers;
        let declared = r.header("content-length").map(str::to_string);
        r.body = futures::executor::block_on(edgedesk_service::read_body_limited(
            declared.as_deref(),
            futures::stream::iter([Ok::<_, ()>(req.body)]),
        ));
        let res = futures::executor::block_on(edgedesk_service::handle(self.0, r));
        Ok(edgedesk_e2e::WireResponse {
            status: res.status,
            headers: res.headers,
            body: res.body,
        })
    }

    /// Moves the frozen clock on a millisecond per call, as real time would.
    fn now_ms(&self) -> i64 {
        self.0.now.set(self.0.now.get() + 1);
        self.0.now.get()
    }
}
