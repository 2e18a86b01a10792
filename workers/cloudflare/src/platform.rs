//! The kernel's platform traits over Cloudflare bindings, scoped to one
//! product: SQL goes to that product's own D1 binding.

use edgedesk_kernel::platform::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;
use worker::wasm_bindgen::JsValue;
use worker::{Delay, Env, Fetch, Method, RequestInit, console_error};

pub struct CloudflarePlatform {
    env: Env,
    product: &'static Product,
}

impl CloudflarePlatform {
    pub fn new(env: Env, product: &'static Product) -> Self {
        Self { env, product }
    }

    pub fn env(&self) -> &Env {
        &self.env
    }
}

/// Logs the detail for operators and returns an error without it.
fn fault(what: &str, e: impl std::fmt::Display) -> StoreError {
    console_error!("{what}: {e}");
    StoreError::new(what)
}

impl BlobStore for CloudflarePlatform {
    /// A conditional R2 read: with `etagDoesNotMatch`, R2 answers an
    /// unchanged object with its metadata and no body.
    async fn get_blob_unless(
        &self,
        key: &str,
        known: Option<&str>,
    ) -> Result<Versioned, StoreError> {
        let bucket = self
            .env
            .bucket("DATA")
            .map_err(|e| fault("R2 binding DATA", e))?;
        let mut get = bucket.get(key);
        if let Some(etag) = known {
            get = get.only_if(worker::Conditional {
                etag_does_not_match: Some(etag.to_string()),
                ..Default::default()
            });
        }
        let Some(object) = get.execute().await.map_err(|e| fault("R2 get", e))? else {
            return Ok(Versioned::Missing);
        };
        if object.size() as usize > MAX_BLOB_BYTES {
            return Err(StoreError::too_large(key, MAX_BLOB_BYTES));
        }
        let version = Some(object.etag());
        match object.body() {
            Some(body) => Ok(Versioned::Found {
                bytes: body.bytes().await.map_err(|e| fault("R2 read", e))?,
                version,
            }),
            None if known.is_some() => Ok(Versioned::Unchanged),
            None => Ok(Versioned::Found {
                bytes: Vec::new(),
                version,
            }),
        }
    }

    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(match self.get_blob_unless(key, None).await? {
            Versioned::Found { bytes, .. } => Some(bytes),
            _ => None,
        })
    }
}

/// Objects in R2 (`DATA`), the same bucket the copilot reads; each product
/// keeps its objects under its own prefix.
impl ObjectStore for CloudflarePlatform {
    async fn read_object(&self, key: &str, limit: usize) -> Result<Option<Vec<u8>>, StoreError> {
        let bucket = self.bucket()?;
        let Some(object) = bucket
            .get(key)
            .execute()
            .await
            .map_err(|e| fault("R2 get", e))?
        else {
            return Ok(None);
        };
        if object.size() as usize > limit {
            return Err(StoreError::too_large(key, limit));
        }
        match object.body() {
            Some(body) => Ok(Some(body.bytes().await.map_err(|e| fault("R2 read", e))?)),
            None => Ok(Some(Vec::new())),
        }
    }

    /// One copy into the JavaScript heap, then R2's `put` with a known
    /// length: the binding's own `Data::Bytes` would first copy the body
    /// within wasm memory, which a 50 MB upload cannot afford.
    async fn write_object(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), StoreError> {
        use worker::js_sys::{Function, Object, Promise, Reflect, Uint8Array};
        use worker::wasm_bindgen::JsCast;
        let bucket = self.bucket()?;
        let target: &JsValue = bucket.as_ref();
        let bytes = Uint8Array::new_with_length(body.len() as u32);
        bytes.copy_from(body);
        let metadata = Object::new();
        let options = Object::new();
        let set = |o: &Object, k: &str, v: &JsValue| Reflect::set(o, &JsValue::from_str(k), v);
        set(&metadata, "contentType", &JsValue::from_str(content_type))
            .and_then(|_| set(&options, "httpMetadata", &metadata))
            .map_err(|_| fault("R2 put", "options"))?;
        let put: Function = Reflect::get(target, &JsValue::from_str("put"))
            .map_err(|_| fault("R2 put", "no put"))?
            .dyn_into()
            .map_err(|_| fault("R2 put", "put is not a function"))?;
        let promise: Promise = put
            .call3(target, &JsValue::from_str(key), &bytes, &options)
            .map_err(|e| fault("R2 put", format!("{e:?}")))?
            .dyn_into()
            .map_err(|_| fault("R2 put", "not a promise"))?;
        worker::wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| fault("R2 put", format!("{e:?}")))?;
        Ok(())
    }
}

/// The product's Cloudflare Queue ([`Product::queue`]), consumed by the
/// same Worker (`#[event(queue)]`).
impl Queue for CloudflarePlatform {
    async fn enqueue(&self, body: &str) -> Result<bool, StoreError> {
        let Some(binding) = self.product.queue else {
            return Ok(false);
        };
        let queue = self.env.queue(binding).map_err(|e| fault(binding, e))?;
        queue
            .send(body.to_string())
            .await
            .map_err(|e| fault("queue send", e))?;
        Ok(true)
    }
}

impl CloudflarePlatform {
    fn bucket(&self) -> Result<worker::Bucket, StoreError> {
        self.env
            .bucket("DATA")
            .map_err(|e| fault("R2 binding DATA", e))
    }
}

impl KeyValue for CloudflarePlatform {
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let kv = self
            .env
            .kv("CACHE")
            .map_err(|e| fault("KV binding CACHE", e))?;
        kv.get(key).bytes().await.map_err(|e| fault("KV get", e))
    }

    async fn kv_put(&self, key: &str, value: &[u8], ttl_secs: u32) -> Result<(), StoreError> {
        let kv = self
            .env
            .kv("CACHE")
            .map_err(|e| fault("KV binding CACHE", e))?;
        kv.put_bytes(key, value)
            .map_err(|e| fault("KV put", e))?
            // KV refuses TTLs under 60 seconds.
            .expiration_ttl(u64::from(ttl_secs.max(60)))
            .execute()
            .await
            .map_err(|e| fault("KV put", e))
    }
}

impl CloudflarePlatform {
    fn d1(&self) -> Result<worker::D1Database, StoreError> {
        let Some(database) = &self.product.database else {
            return Err(fault(
                "D1",
                format!("{} has no database", self.product.name),
            ));
        };
        self.env
            .d1(database.d1_binding)
            .map_err(|e| fault(database.d1_binding, e))
    }
}

fn prepare(
    db: &worker::D1Database,
    sql: &str,
    params: &[SqlValue],
) -> Result<worker::D1PreparedStatement, StoreError> {
    let values: Vec<JsValue> = params
        .iter()
        .map(|p| match p {
            SqlValue::Null => JsValue::NULL,
            // D1 numbers are doubles; every integer stored here is far
            // below 2^53 (millisecond timestamps, counts).
            SqlValue::Integer(i) => JsValue::from_f64(*i as f64),
            SqlValue::Real(r) => JsValue::from_f64(*r),
            SqlValue::Text(t) => JsValue::from_str(t),
        })
        .collect();
    db.prepare(sql)
        .bind(&values)
        .map_err(|e| fault("D1 bind", e))
}

fn changes(result: &worker::D1Result) -> Result<u64, StoreError> {
    Ok(result
        .meta()
        .map_err(|e| fault("D1 meta", e))?
        .and_then(|m| m.changes)
        .unwrap_or(0) as u64)
}

/// A D1 value as the kernel's: D1 hands numbers over as doubles, whole
/// ones arrive as integers.
fn from_d1(v: serde_json::Value) -> SqlValue {
    match v {
        serde_json::Value::Null => SqlValue::Null,
        serde_json::Value::Bool(b) => SqlValue::Integer(i64::from(b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => SqlValue::Text(s),
        other => SqlValue::Text(other.to_string()),
    }
}

impl SqlStore for CloudflarePlatform {
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let result = prepare(&self.d1()?, sql, params)?
            .run()
            .await
            .map_err(|e| fault("D1 run", e))?;
        changes(&result)
    }

    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>, StoreError> {
        let rows: Vec<Vec<serde_json::Value>> = prepare(&self.d1()?, sql, params)?
            .raw()
            .await
            .map_err(|e| fault("D1 query", e))?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_iter().map(from_d1).collect())
            .collect())
    }

    /// D1 runs a batch as one transaction.
    async fn batch(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let db = self.d1()?;
        let prepared = statements
            .iter()
            .map(|s| prepare(&db, s.sql, &s.params))
            .collect::<Result<Vec<_>, _>>()?;
        let results = db.batch(prepared).await.map_err(|e| fault("D1 batch", e))?;
        results.iter().map(changes).collect()
    }
}

impl Clock for CloudflarePlatform {
    fn now_ms(&self) -> i64 {
        worker::Date::now().as_millis() as i64
    }

    async fn sleep(&self, ms: u64) {
        Delay::from(Duration::from_millis(ms)).await
    }
}

impl Random for CloudflarePlatform {
    fn fill(&self, buf: &mut [u8]) {
        // crypto.getRandomValues cannot fail for buffers this small.
        let _ = getrandom::getrandom(buf);
    }
}

impl HttpClient for CloudflarePlatform {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, StoreError> {
        let mut res = fetch(request).await?;
        let body = read_limited(&mut res).await?;
        Ok(OutboundResponse {
            status: res.status_code(),
            body,
        })
    }

    /// The answer's body as the runtime reads it, part by part.
    async fn stream(&self, request: OutboundRequest) -> Result<Streamed, StoreError> {
        use futures::StreamExt;
        let mut res = fetch(request).await?;
        let body = res.stream().map_err(|e| fault("outbound body", e))?;
        Ok(Streamed {
            status: res.status_code(),
            body: Box::pin(body.map(|part| part.map_err(|e| fault("outbound body", e)))),
        })
    }
}

async fn fetch(request: OutboundRequest) -> Result<worker::Response, StoreError> {
    {
        let headers = worker::Headers::new();
        for (k, v) in &request.headers {
            headers.set(k, v).map_err(|e| fault("outbound header", e))?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::from(request.method.to_string()))
            .with_headers(headers);
        // fetch refuses a GET or HEAD with a body, even an empty one.
        if !request.body.is_empty() {
            init.with_body(Some(JsValue::from_str(&String::from_utf8_lossy(
                &request.body,
            ))));
        }
        let req = worker::Request::new_with_init(&request.url, &init)
            .map_err(|e| fault("outbound request", e))?;
        Fetch::Request(req)
            .send()
            .await
            .map_err(|e| fault("outbound fetch", e))
    }
}

impl Config for CloudflarePlatform {
    /// Variables and secrets are fixed for an isolate's life (a new value
    /// means a new deployment, and new isolates), so each is read from the
    /// environment once and kept.
    async fn var(&self, name: &str) -> Option<String> {
        thread_local! {
            static READ: RefCell<HashMap<String, Option<String>>> = RefCell::default();
        }
        if let Some(known) = READ.with_borrow(|read| read.get(name).cloned()) {
            return known;
        }
        // Plain variables and secrets both arrive as string bindings.
        let value = self
            .env
            .var(name)
            .map(|v| v.to_string())
            .or_else(|_| self.env.secret(name).map(|s| s.to_string()))
            .ok();
        READ.with_borrow_mut(|read| read.insert(name.to_string(), value.clone()));
        value
    }
}

/// An outbound answer, read until [`MAX_OUTBOUND_BODY_BYTES`] and no further.
async fn read_limited(res: &mut worker::Response) -> Result<Vec<u8>, StoreError> {
    use futures::StreamExt;
    let mut stream = res.stream().map_err(|e| fault("outbound body", e))?;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| fault("outbound body", e))?;
        if body.len() + chunk.len() > MAX_OUTBOUND_BODY_BYTES {
            return Err(StoreError::too_large(
                "outbound answer",
                MAX_OUTBOUND_BODY_BYTES,
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
