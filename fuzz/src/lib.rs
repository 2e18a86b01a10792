//! A minimal in-memory platform for fuzzing the service: documents in a
//! map, every SQL write succeeds and every query finds nothing, no
//! network, a fixed clock.

use edgedesk_kernel::platform::*;
use edgedesk_kernel::{Request, Response, RouteInfo, Routes, serve};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// 2026-11-22T12:00:00Z
pub const NOW_MS: i64 = 1_795_348_800_000;

/// Every scope shares the same documents.
#[derive(Clone, Default)]
pub struct FuzzPlatform {
    pub blobs: Rc<RefCell<HashMap<String, Vec<u8>>>>,
}

thread_local! {
    /// The Worker's table with every product, built once.
    static APP: Routes<FuzzPlatform> = edgedesk_app::routes();
}

/// Serves a request as the Worker would.
pub fn send(p: &FuzzPlatform, req: Request) -> Response {
    APP.with(|app| futures::executor::block_on(serve(app, &|_| p.clone(), req)).0)
}

/// Every route the Worker serves, from its table: fuzz targets that take
/// routes from here cover a new product's routes as soon as it joins.
pub fn routes() -> Vec<RouteInfo> {
    APP.with(|app| app.iter().map(|r| r.info).collect())
}

thread_local! {
    /// The Worker's own `/openapi.json`.
    static DOCUMENT: serde_json::Value = {
        let res = send(&FuzzPlatform::default(), Request::new("GET", "/openapi.json"));
        serde_json::from_slice(&res.body).expect("the API document")
    };
}

/// The statuses the API document gives for a route's operation; its
/// `default` response (the error envelope) stands for every error status.
pub fn documented_statuses(route: &RouteInfo) -> Vec<u16> {
    DOCUMENT.with(|doc| {
        let responses = &doc["paths"][route.path][route.method.to_ascii_lowercase()]["responses"];
        let Some(listed) = responses.as_object() else {
            return Vec::new();
        };
        let mut statuses: Vec<u16> = listed.keys().filter_map(|k| k.parse().ok()).collect();
        if listed.contains_key("default") {
            statuses.extend(400..=599);
        }
        statuses
    })
}

/// Signs a request as a client of `fuzz-secret` would (v2).
pub fn sign(req: Request) -> Request {
    let target = req.target().into_owned();
    let body = req.body.clone().unwrap_or_default();
    let sig = edgedesk_core::signing::sign_call(
        b"fuzz-secret",
        NOW_MS,
        "fuzz",
        edgedesk_core::signing::Target {
            method: &req.method,
            path: &target,
        },
        &body,
    );
    req.with_header("x-timestamp", &NOW_MS.to_string())
        .with_header("x-client", "fuzz")
        .with_header("x-signature", &sig)
}

impl BlobStore for FuzzPlatform {
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.blobs.borrow().get(key).cloned())
    }
}

impl ObjectStore for FuzzPlatform {
    async fn read_object(&self, key: &str, _: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.blobs.borrow().get(key).cloned())
    }
    async fn write_object(&self, key: &str, body: &[u8], _: &str) -> Result<(), StoreError> {
        self.blobs.borrow_mut().insert(key.into(), body.to_vec());
        Ok(())
    }
}

impl Queue for FuzzPlatform {}

impl KeyValue for FuzzPlatform {
    async fn kv_get(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(None)
    }
    async fn kv_put(&self, _: &str, _: &[u8], _: u32) -> Result<(), StoreError> {
        Ok(())
    }
}

impl SqlStore for FuzzPlatform {
    async fn execute(&self, _: &str, _: &[SqlValue]) -> Result<u64, StoreError> {
        Ok(1)
    }

    /// Finds nothing: every lookup misses.
    async fn query(&self, _: &str, _: &[SqlValue]) -> Result<Vec<Row>, StoreError> {
        Ok(Vec::new())
    }

    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        Ok(vec![1; statements.len()])
    }
}

impl Limiter for FuzzPlatform {}

impl Clock for FuzzPlatform {
    fn now_ms(&self) -> i64 {
        NOW_MS
    }
    async fn sleep(&self, _: u64) {
        futures::future::pending::<()>().await
    }
}

impl Random for FuzzPlatform {
    fn fill(&self, buf: &mut [u8]) {
        buf.fill(7);
    }
}

impl HttpClient for FuzzPlatform {
    async fn send(&self, _: OutboundRequest) -> Result<OutboundResponse, StoreError> {
        Err(StoreError::new("offline"))
    }
}

impl Config for FuzzPlatform {
    async fn var(&self, name: &str) -> Option<String> {
        match name {
            "HMAC_SECRET" => Some("fuzz-secret".into()),
            "ALLOWED_ORIGIN" => Some("http://localhost:3000".into()),
            _ => None,
        }
    }
}

/// Sends a correctly signed call and checks the answer is a well-formed
/// envelope with a status from the documented set.
pub fn signed_call(p: &FuzzPlatform, tool: &str, body: &[u8]) -> Response {
    let path = format!("/tools/{tool}");
    let target = edgedesk_core::signing::Target {
        method: "POST",
        path: &path,
    };
    let sig = edgedesk_core::signing::sign_call(b"fuzz-secret", NOW_MS, "fuzz", target, body);
    let req = Request::new("POST", &path)
        .with_header("x-timestamp", &NOW_MS.to_string())
        .with_header("x-client", "fuzz")
        .with_header("x-signature", &sig)
        .with_body(body.to_vec());
    let res = send(p, req);
    assert!(
        [200, 400, 401, 404, 405, 413, 500, 504].contains(&res.status),
        "unexpected status {}",
        res.status
    );
    let v: serde_json::Value = serde_json::from_slice(&res.body).expect("JSON envelope");
    assert_eq!(v["ok"], res.status == 200);
    if res.status == 500 {
        // Server faults come only from the stored documents here.
        assert!(v["error"]["message"].as_str().unwrap().contains("unreadable"), "{v}");
    }
    res
}
