//! A test host for Edgedesk's Spin components. It embeds wasmtime at the
//! version Spin 4.0 is built on, with WASI p2/p3 and `wasi:http` p3, and
//! implements `spin:key-value`, `spin:sqlite` (rusqlite, in memory) and
//! `spin:variables` itself. It reads `spin.toml`: requests go to the
//! component the manifest routes them to, and every use of a store,
//! variable or outbound host that the manifest does not grant that
//! component is refused and recorded as a violation.

pub mod manifest;
mod spin_apis;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use manifest::{Grants, Manifest};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Config, Engine, Store};
use wasmtime::{Result, format_err};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::p3::{WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

wasmtime::component::bindgen!({
    path: "wit",
    world: "spin-imports",
    imports: { default: trappable },
    with: {
        "spin:key-value/key-value.store": spin_apis::KvHandle,
        "spin:sqlite/sqlite.connection": spin_apis::DbHandle,
    },
});

/// State every component instance of one host shares: the stores.
pub struct Shared {
    /// Store label -> key -> value.
    pub kv: Mutex<HashMap<String, HashMap<String, Vec<u8>>>>,
    /// SQLite databases by label: `default`, and each one the runtime
    /// config file defines, as Spin has them.
    pub sqlite: Mutex<HashMap<String, Database>>,
    /// Every refused use of something not granted, as "component: what".
    pub violations: Mutex<Vec<String>>,
    /// Requests being handled now, and the most there ever were at once.
    in_flight: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

/// One in-memory SQLite database, shared by name (SQLite's `memdb` VFS)
/// so that, as on Spin, every connection a component opens is its own
/// connection to it: each has its own transaction, and one that finds the
/// database locked waits (rusqlite's busy timeout, as Spin's) instead of
/// running inside another request's transaction.
pub struct Database {
    uri: String,
    /// The host's own connection (loading data, test queries); it also
    /// keeps the database alive between requests.
    conn: rusqlite::Connection,
}

impl Database {
    fn new(label: &str) -> rusqlite::Result<Self> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let uri = format!(
            "file:/edgedesk-spin-host-{}-{n}-{label}?vfs=memdb",
            std::process::id()
        );
        let conn = Self::open_uri(&uri)?;
        Ok(Database { uri, conn })
    }

    fn open_uri(uri: &str) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        rusqlite::Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }

    /// A new connection to this database, as a component's `open` gets.
    pub fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        Self::open_uri(&self.uri)
    }
}

impl Shared {
    fn violation(&self, grants: &Grants, what: String) {
        self.violations
            .lock()
            .unwrap()
            .push(format!("{}: {what}", grants.component));
    }
}

pub struct Ctx {
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundGuard,
    grants: Arc<Grants>,
    shared: Arc<Shared>,
}

impl WasiView for Ctx {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for Ctx {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            hooks: &mut self.hooks,
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

/// Outbound HTTP only to the component's `allowed_outbound_hosts`.
struct OutboundGuard {
    grants: Arc<Grants>,
    shared: Arc<Shared>,
}

fn origin_of(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or("");
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    format!("{scheme}://{host}:{port}")
}

impl WasiHttpHooks for OutboundGuard {
    fn send_request(
        &mut self,
        request: http::Request<http_body_util::combinators::UnsyncBoxBody<Bytes, ErrorCode>>,
        options: Option<wasmtime_wasi_http::p3::RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), ErrorCode>> + Send>,
    ) -> Box<
        dyn Future<
                Output = Result<
                    (
                        http::Response<
                            http_body_util::combinators::UnsyncBoxBody<Bytes, ErrorCode>,
                        >,
                        Box<dyn Future<Output = Result<(), ErrorCode>> + Send>,
                    ),
                    wasmtime_wasi::TrappableError<ErrorCode>,
                >,
            > + Send,
    > {
        let origin = origin_of(request.uri());
        if !self.grants.allowed_outbound_hosts.contains(&origin) {
            self.shared.violation(
                &self.grants,
                format!("outbound request to {origin} not granted"),
            );
            return Box::new(async { Err(ErrorCode::HttpRequestDenied.into()) });
        }
        Box::new(async move {
            let (res, io) = wasmtime_wasi_http::p3::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}

/// One engine per process, so compiled components are shared by every host.
fn engine() -> Result<Engine> {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    if let Some(e) = ENGINE.get() {
        return Ok(e.clone());
    }
    let mut config = Config::new();
    config.wasm_component_model_async(true);
    let engine = Engine::new(&config)?;
    Ok(ENGINE.get_or_init(|| engine).clone())
}

/// Compiled components by path, shared across hosts in a process.
fn compiled(engine: &Engine, path: &Path) -> Result<Component> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<std::path::PathBuf, Component>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(c) = cache.lock().unwrap().get(path) {
        return Ok(c.clone());
    }
    let c = Component::from_file(engine, path)
        .with_context(|| format!("loading {}", path.display()))?;
    cache.lock().unwrap().insert(path.to_path_buf(), c.clone());
    Ok(c)
}

/// A response as the host saw it.
pub struct HostResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub component: String,
}

pub struct SpinHost {
    engine: Engine,
    linker: Linker<Ctx>,
    manifest: Manifest,
    pub shared: Arc<Shared>,
}

impl SpinHost {
    /// Loads `spin.toml` from `root`, with application variable values, and
    /// the SQLite databases `spin-runtime-config.toml` defines. Like Spin, it
    /// refuses a manifest that grants a database no one defined.
    pub fn load(
        root: &Path,
        manifest_text: &str,
        values: &HashMap<String, String>,
    ) -> Result<Self> {
        let manifest =
            Manifest::parse(manifest_text, root, values).map_err(|e| format_err!("{e:#}"))?;
        let mut databases = HashMap::new();
        databases.insert("default".to_string(), Database::new("default")?);
        for label in manifest::runtime_config_databases(root).map_err(|e| format_err!("{e:#}"))? {
            let db = Database::new(&label)?;
            databases.insert(label, db);
        }
        for grants in manifest.components.values() {
            for label in &grants.sqlite_databases {
                if !databases.contains_key(label) {
                    wasmtime::bail!(
                        "component {} uses SQLite database '{label}', which spin-runtime-config.toml does not define",
                        grants.component
                    );
                }
            }
        }
        let engine = engine()?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi::p3::add_to_linker(&mut linker)?;
        wasmtime_wasi_http::p3::add_to_linker(&mut linker)?;
        SpinImports::add_to_linker::<Ctx, spin_apis::SpinApis>(&mut linker, |c| c)?;
        Ok(SpinHost {
            engine,
            linker,
            manifest,
            shared: Arc::new(Shared {
                kv: Mutex::default(),
                sqlite: Mutex::new(databases),
                violations: Mutex::default(),
                in_flight: Default::default(),
                peak: Default::default(),
            }),
        })
    }

    /// Runs SQL against the database `label`, as
    /// `spin up --sqlite @file:label` does.
    pub fn run_sql(&self, label: &str, sql: &str) -> Result<()> {
        let databases = self.shared.sqlite.lock().unwrap();
        let db = databases
            .get(label)
            .ok_or_else(|| format_err!("no SQLite database '{label}'"))?;
        db.conn.execute_batch(sql)?;
        Ok(())
    }

    /// The single integer `sql` (`SELECT COUNT(*) ...`) answers on the
    /// database `label`; NULL is 0.
    pub fn query_i64(&self, label: &str, sql: &str) -> Result<i64> {
        let databases = self.shared.sqlite.lock().unwrap();
        let db = databases
            .get(label)
            .ok_or_else(|| format_err!("no SQLite database '{label}'"))?;
        let value: Option<i64> = db
            .conn
            .query_row(sql, [], |row| row.get(0))
            .with_context(|| format!("{label}: {sql}"))?;
        Ok(value.unwrap_or(0))
    }

    /// Applies each product's `migrations/<product>/` to its database and
    /// loads document folders into the copilot's through
    /// `scripts/documents-sql.py`, the loader `spin up --sqlite @...` uses.
    pub fn load_data(&self, root: &Path, dirs: &[&str]) -> Result<()> {
        let mut products: Vec<_> = std::fs::read_dir(root.join("migrations"))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        products.sort();
        for product in products {
            let label = product
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let mut migrations: Vec<_> = std::fs::read_dir(&product)?
                .map(|e| e.map(|e| e.path()))
                .collect::<std::io::Result<_>>()?;
            migrations.sort();
            for m in migrations {
                self.run_sql(&label, &std::fs::read_to_string(m)?)?;
            }
        }
        let sql = root.join(format!(
            "target/spin/documents-{}.sql",
            dirs.join("+").replace('/', "_")
        ));
        let status = std::process::Command::new("python3")
            .current_dir(root)
            .arg("scripts/documents-sql.py")
            .arg(&sql)
            .args(dirs)
            .status()?;
        if !status.success() {
            wasmtime::bail!("the documents loader failed");
        }
        self.run_sql("copilot", &std::fs::read_to_string(sql)?)
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn violations(&self) -> Vec<String> {
        self.shared.violations.lock().unwrap().clone()
    }

    /// The most requests this host has handled at once.
    pub fn peak_concurrency(&self) -> usize {
        self.shared.peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn component(&self, grants: &Grants) -> Result<Component> {
        compiled(&self.engine, &grants.source)
    }

    /// Handles one request in a fresh instance of the routed component.
    /// Requests sent from several threads are handled at once.
    pub async fn handle(&self, req: http::Request<Full<Bytes>>) -> Result<HostResponse> {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.shared.in_flight.fetch_add(1, SeqCst) + 1;
        self.shared.peak.fetch_max(now, SeqCst);
        let res = self.handle_one(req).await;
        self.shared.in_flight.fetch_sub(1, SeqCst);
        res
    }

    async fn handle_one(&self, mut req: http::Request<Full<Bytes>>) -> Result<HostResponse> {
        let path = req.uri().path().to_string();
        // Spin names the client's address and port in `spin-client-addr`;
        // a test may name the client it plays, else it is local.
        req.headers_mut()
            .entry("spin-client-addr")
            .or_insert(http::HeaderValue::from_static("127.0.0.1:40000"));
        let grants = Arc::new(
            self.manifest
                .route(&path)
                .ok_or_else(|| format_err!("no route for {path}"))?
                .clone(),
        );
        let component = self.component(&grants)?;
        let mut store = Store::new(
            &self.engine,
            Ctx {
                table: ResourceTable::new(),
                wasi: WasiCtxBuilder::new().inherit_stderr().build(),
                http: WasiHttpCtx::new(),
                hooks: OutboundGuard {
                    grants: grants.clone(),
                    shared: self.shared.clone(),
                },
                grants: grants.clone(),
                shared: self.shared.clone(),
            },
        );
        let service = wasmtime_wasi_http::p3::bindings::Service::instantiate_async(
            &mut store,
            &component,
            &self.linker,
        )
        .await?;
        let (request, io) = wasmtime_wasi_http::p3::Request::from_http(req);
        let (status, headers, body) = store
            .run_concurrent(async |accessor| {
                let response = async {
                    let res = service.handle(accessor, request).await??;
                    let res = accessor.with(|access| res.into_http(access, async { Ok(()) }))?;
                    let status = res.status().as_u16();
                    let headers: Vec<(String, String)> = res
                        .headers()
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().to_string(),
                                v.to_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect();
                    let body = res.into_body().collect().await?.to_bytes();
                    wasmtime::error::Ok((status, headers, body))
                };
                let (out, ()) = tokio::try_join!(response, async {
                    io.await.map_err(|e| format_err!("{e:?}"))
                })?;
                wasmtime::error::Ok(out)
            })
            .await??;
        Ok(HostResponse {
            status,
            headers,
            body: body.to_vec(),
            component: grants.component.clone(),
        })
    }
}
