//! An in-memory platform for product tests: blobs and key-value in maps,
//! each product's database a real in-memory SQLite with its
//! `migrations/<product>/` applied, a settable clock, and a scriptable
//! outbound HTTP client. Scoped per product like the real adapters.
#![allow(clippy::type_complexity)]

use crate::http::{Request, Response, read_body_within};
use crate::platform::*;
use crate::router::{Routes, serve};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

pub type HttpHandler =
    Box<dyn Fn(&OutboundRequest) -> Option<Result<OutboundResponse, StoreError>>>;

/// 2026-11-22T12:00:00Z, the day after the sample data ends.
pub const NOW_MS: i64 = 1_795_348_800_000;

/// The repository root (migrations, sample data, manifests).
pub fn repo_root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A product on the receptionist's migrations, for kernel tests of what a
/// product's database holds for the kernel (rate buckets, counters).
pub static OBSERVED: Product = Product {
    name: "receptionist",
    title: "Receptionist",
    database: Some(Database {
        d1_binding: "RECEPTIONIST_DB",
        sqlite_label: "receptionist",
    }),
    observed: Some(Observed {
        tenants: "businesses",
    }),
    queue: None,
};

/// What every scope of one test platform shares.
pub struct State {
    pub blobs: RefCell<HashMap<String, Vec<u8>>>,
    pub blob_fault: Cell<bool>,
    pub blob_hangs: Cell<bool>,
    /// Object bodies the blob store has sent (an unchanged object sends none).
    pub blob_bodies: Cell<usize>,
    pub kv: RefCell<HashMap<String, Vec<u8>>>,
    pub kv_fault: Cell<bool>,
    pub kv_hangs: Cell<bool>,
    /// Every statement fails, or never finishes.
    pub sql_fault: Cell<bool>,
    pub sql_hangs: Cell<bool>,
    /// Product name -> its database, opened and migrated on first use.
    pub databases: RefCell<HashMap<&'static str, rusqlite::Connection>>,
    pub now: Cell<i64>,
    pub vars: RefCell<HashMap<String, String>>,
    /// `None` from the handler means the call never answers.
    pub http: RefCell<Option<HttpHandler>>,
    pub http_calls: RefCell<Vec<OutboundRequest>>,
    pub http_stream: RefCell<Option<StreamHandler>>,
    /// State of the deterministic random source.
    pub random: Cell<u64>,
    /// Key -> (body, content type, written at), in key order.
    pub objects: RefCell<std::collections::BTreeMap<String, (Vec<u8>, String, i64)>>,
    /// When set, [`Queue::enqueue`] keeps messages here (product name,
    /// body) for the test to deliver; otherwise there is no queue.
    pub queued: RefCell<Option<Vec<(&'static str, String)>>>,
}

#[derive(Clone)]
pub struct TestPlatform {
    pub state: Rc<State>,
    product: &'static Product,
}

impl std::ops::Deref for TestPlatform {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl Default for TestPlatform {
    fn default() -> Self {
        Self::new()
    }
}

impl TestPlatform {
    /// Signing secrets `dev-secret` and `previous-secret`, CORS for
    /// `http://localhost:3000`, the clock at [`NOW_MS`].
    pub fn new() -> Self {
        let p = TestPlatform {
            state: Rc::new(State {
                blobs: RefCell::default(),
                blob_fault: Cell::new(false),
                blob_hangs: Cell::new(false),
                blob_bodies: Cell::new(0),
                kv: RefCell::default(),
                kv_fault: Cell::new(false),
                kv_hangs: Cell::new(false),
                sql_fault: Cell::new(false),
                sql_hangs: Cell::new(false),
                databases: RefCell::default(),
                now: Cell::new(NOW_MS),
                vars: RefCell::default(),
                http: RefCell::new(None),
                http_calls: RefCell::default(),
                http_stream: RefCell::new(None),
                random: Cell::new(0x9E37_79B9_7F4A_7C15),
                objects: RefCell::default(),
                queued: RefCell::new(None),
            }),
            product: &KERNEL,
        };
        p.set_var("HMAC_SECRET", "dev-secret, previous-secret");
        p.set_var("ALLOWED_ORIGIN", "http://localhost:3000");
        p
    }

    /// The same stores, seen by `product`'s routes.
    pub fn scoped(&self, product: &'static Product) -> Self {
        TestPlatform {
            state: self.state.clone(),
            product,
        }
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

    /// Runs `f` on this scope's product database, migrating it first.
    pub fn with_db<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> Result<T, StoreError> {
        if self.product.database.is_none() {
            return Err(StoreError::new(format!(
                "{} has no database",
                self.product.name
            )));
        }
        let mut dbs = self.databases.borrow_mut();
        let db = dbs.entry(self.product.name).or_insert_with(|| {
            let db = rusqlite::Connection::open_in_memory().unwrap();
            // As D1 always has it.
            db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
            let dir = repo_root().join("migrations").join(self.product.name);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for f in files {
                db.execute_batch(&std::fs::read_to_string(&f).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            }
            db
        });
        Ok(f(db))
    }

    async fn kv_trouble(&self) -> Result<(), StoreError> {
        if self.kv_hangs.get() {
            futures::future::pending::<()>().await;
        }
        if self.kv_fault.get() {
            return Err(StoreError::new("namespace unavailable"));
        }
        Ok(())
    }

    /// Handles a request as an adapter would: body read under the cap, the
    /// table served with this platform scoped per route.
    pub fn handle(&self, routes: &Routes<TestPlatform>, mut req: Request) -> Response {
        if let Ok(body) = std::mem::replace(&mut req.body, Ok(Vec::new())) {
            let declared = req.header("content-length").map(str::to_string);
            req.body = futures::executor::block_on(read_body_within(
                declared.as_deref(),
                futures::stream::iter([Ok::<_, ()>(body)]),
                routes.body_limit(&req),
            ));
        }
        futures::executor::block_on(async {
            let (res, report) = serve(routes, &|product| self.scoped(product), req).await;
            routes.after(&self.scoped(report.product), &report).await;
            res
        })
    }
}

impl BlobStore for TestPlatform {
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(match self.get_blob_unless(key, None).await? {
            Versioned::Found { bytes, .. } => Some(bytes),
            _ => None,
        })
    }

    /// Versions like R2's etags: a digest of the content.
    async fn get_blob_unless(
        &self,
        key: &str,
        known: Option<&str>,
    ) -> Result<Versioned, StoreError> {
        if self.blob_hangs.get() {
            futures::future::pending::<()>().await;
        }
        if self.blob_fault.get() {
            return Err(StoreError::new("bucket unavailable"));
        }
        let blobs = self.blobs.borrow();
        let Some(bytes) = blobs.get(key) else {
            return Ok(Versioned::Missing);
        };
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(StoreError::too_large(key, MAX_BLOB_BYTES));
        }
        let version = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            format!("{:016x}", h.finish())
        };
        if known == Some(version.as_str()) {
            return Ok(Versioned::Unchanged);
        }
        self.blob_bodies.set(self.blob_bodies.get() + 1);
        Ok(Versioned::Found {
            bytes: bytes.clone(),
            version: Some(version),
        })
    }
}

impl ObjectStore for TestPlatform {
    async fn read_object(&self, key: &str, limit: usize) -> Result<Option<Vec<u8>>, StoreError> {
        if self.blob_fault.get() {
            return Err(StoreError::new("bucket unavailable"));
        }
        match self.objects.borrow().get(key) {
            None => Ok(None),
            Some((body, ..)) if body.len() > limit => Err(StoreError::too_large(key, limit)),
            Some((body, ..)) => Ok(Some(body.clone())),
        }
    }

    async fn write_object(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), StoreError> {
        if self.blob_fault.get() {
            return Err(StoreError::new("bucket unavailable"));
        }
        let at = self.now_ms();
        self.objects
            .borrow_mut()
            .insert(key.into(), (body.to_vec(), content_type.into(), at));
        Ok(())
    }
}

impl Queue for TestPlatform {
    async fn enqueue(&self, body: &str) -> Result<bool, StoreError> {
        match self.queued.borrow_mut().as_mut() {
            Some(q) if self.product.queue.is_some() => {
                q.push((self.product.name, body.to_string()));
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

impl KeyValue for TestPlatform {
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.kv_trouble().await?;
        Ok(self.kv.borrow().get(key).cloned())
    }
    async fn kv_put(&self, key: &str, value: &[u8], _ttl: u32) -> Result<(), StoreError> {
        self.kv_trouble().await?;
        self.kv.borrow_mut().insert(key.into(), value.to_vec());
        Ok(())
    }
}

fn to_sqlite(p: &SqlValue) -> rusqlite::types::Value {
    match p {
        SqlValue::Null => rusqlite::types::Value::Null,
        SqlValue::Integer(i) => rusqlite::types::Value::Integer(*i),
        SqlValue::Real(r) => rusqlite::types::Value::Real(*r),
        SqlValue::Text(t) => rusqlite::types::Value::Text(t.clone()),
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> SqlValue {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(r) => SqlValue::Real(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            SqlValue::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

impl TestPlatform {
    async fn sql_trouble(&self) -> Result<(), StoreError> {
        if self.sql_hangs.get() {
            futures::future::pending::<()>().await;
        }
        if self.sql_fault.get() {
            return Err(StoreError::new("database unavailable"));
        }
        Ok(())
    }
}

impl SqlStore for TestPlatform {
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        self.sql_trouble().await?;
        self.with_db(|db| {
            db.execute(
                sql,
                rusqlite::params_from_iter(params.iter().map(to_sqlite)),
            )
            .map(|n| n as u64)
            .map_err(StoreError::new)
        })?
    }

    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>, StoreError> {
        self.sql_trouble().await?;
        self.with_db(|db| -> rusqlite::Result<Vec<Row>> {
            let mut stmt = db.prepare(sql)?;
            let columns = stmt.column_count();
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(
                    (0..columns)
                        .map(|i| row.get_ref(i).map(from_sqlite))
                        .collect::<rusqlite::Result<Row>>()?,
                );
            }
            Ok(out)
        })?
        .map_err(StoreError::new)
    }

    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        self.sql_trouble().await?;
        self.with_db(|db| -> rusqlite::Result<Vec<u64>> {
            db.execute_batch("BEGIN")?;
            let run = || -> rusqlite::Result<Vec<u64>> {
                statements
                    .iter()
                    .map(|s| {
                        db.execute(
                            s.sql,
                            rusqlite::params_from_iter(s.params.iter().map(to_sqlite)),
                        )
                        .map(|n| n as u64)
                    })
                    .collect()
            };
            match run() {
                Ok(changed) => {
                    db.execute_batch("COMMIT")?;
                    Ok(changed)
                }
                Err(e) => {
                    db.execute_batch("ROLLBACK")?;
                    Err(e)
                }
            }
        })?
        .map_err(StoreError::new)
    }
}

impl Limiter for TestPlatform {}

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
        // Deterministic, yet different on every call (ids must not repeat).
        let mut x = self.random.get();
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        self.random.set(x);
    }
}

/// An answer in parts, for tests of streamed answers.
pub type StreamHandler =
    Box<dyn Fn(&OutboundRequest) -> Option<Result<(u16, Vec<Vec<u8>>), StoreError>>>;

impl TestPlatform {
    /// Answers outbound requests `f` takes (`Some`) in parts, as a
    /// streaming server sends them; the others go to [`TestPlatform::on_http`].
    pub fn on_http_stream(
        &self,
        f: impl Fn(&OutboundRequest) -> Option<Result<(u16, Vec<Vec<u8>>), StoreError>> + 'static,
    ) {
        *self.http_stream.borrow_mut() = Some(Box::new(f));
    }
}

impl HttpClient for TestPlatform {
    async fn stream(
        &self,
        request: OutboundRequest,
    ) -> Result<crate::platform::Streamed, StoreError> {
        let answer = self.http_stream.borrow().as_ref().and_then(|f| f(&request));
        match answer {
            Some(Ok((status, parts))) => {
                self.http_calls.borrow_mut().push(request);
                Ok(crate::platform::Streamed {
                    status,
                    body: Box::pin(futures::stream::iter(parts.into_iter().map(Ok))),
                })
            }
            Some(Err(e)) => Err(e),
            None => {
                let res = self.send(request).await?;
                Ok(crate::platform::Streamed {
                    status: res.status,
                    body: Box::pin(futures::stream::once(async move { Ok(res.body) })),
                })
            }
        }
    }

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

/// Compares a generated `openapi.json` fragment with the committed one at
/// `path` (relative to the repository root). `UPDATE_OPENAPI=1` rewrites
/// it instead.
pub fn check_fragment(path: &str, generated: &serde_json::Value) {
    let file = repo_root().join(path);
    let text = layout(generated);
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&file, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == text,
        "{path} is stale: the routes or types changed. Regenerate it with \
         `make openapi` and commit it."
    );
}

/// A fragment as committed: compact, since it is embedded in every Worker
/// and Spin catalogue, but one line per operation and per schema, so a
/// change reads as a diff of the entries it touched.
fn layout(fragment: &serde_json::Value) -> String {
    let compact = |v: &serde_json::Value| serde_json::to_string(v).unwrap();
    let Some(top) = fragment.as_object() else {
        return compact(fragment) + "\n";
    };
    let mut out = String::from("{\n");
    for (i, (key, value)) in top.iter().enumerate() {
        out.push_str(&compact(&key.as_str().into()));
        out.push(':');
        match value.as_object() {
            Some(entries) if !entries.is_empty() => {
                out.push_str("{\n");
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}:{}", compact(&k.as_str().into()), compact(v)))
                    .collect();
                out.push_str(&lines.join(",\n"));
                out.push_str("\n}");
            }
            _ => out.push_str(&compact(value)),
        }
        out.push_str(if i + 1 < top.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// Checks every example in an assembled OpenAPI document (request bodies
/// and answers) against its schema; returns the problems.
pub fn invalid_examples(doc: &serde_json::Value) -> Vec<String> {
    const BASE: &str = "urn:edgedesk:openapi";
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler
        .add_resource(BASE, doc.clone())
        .expect("the document loads");
    let mut schemas = boon::Schemas::new();
    let mut problems = Vec::new();
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("/paths/{}/{method}", escape(path));
            let mut media = Vec::new();
            if let Some(m) = op["requestBody"]["content"].as_object() {
                media.extend(
                    m.iter()
                        .map(|(k, v)| (format!("{at}/requestBody/content/{}", escape(k)), v)),
                );
            }
            for (status, res) in op["responses"].as_object().into_iter().flatten() {
                if let Some(m) = res["content"].as_object() {
                    media.extend(m.iter().map(|(k, v)| {
                        (format!("{at}/responses/{status}/content/{}", escape(k)), v)
                    }));
                }
            }
            for (pointer, m) in media {
                let (Some(example), Some(_)) = (m.get("example"), m.get("schema")) else {
                    continue;
                };
                let index =
                    match compiler.compile(&format!("{BASE}#{pointer}/schema"), &mut schemas) {
                        Ok(i) => i,
                        Err(e) => {
                            problems.push(format!("{pointer}: schema does not compile: {e}"));
                            continue;
                        }
                    };
                if let Err(e) = schemas.validate(example, index) {
                    problems.push(format!(
                        "{pointer}: example does not match its schema: {e:#}"
                    ));
                }
            }
        }
    }
    problems
}
