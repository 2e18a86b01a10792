//! The sales pipeline's part of the API description: for each route, the
//! Rust types of its body and answer, its parameters, and a real example of
//! each, answered by the product on a generated chain of stores. Built
//! natively by the product's tests into `openapi.json`; nothing here runs
//! in a Worker or a component.

use crate::analysis::{Run, Trends};
use crate::findings::{Anomalies, Company, Products, Recommendation};
use crate::keys::{KeyInfo, NewKey};
use crate::metrics::StoreMetrics;
use crate::objects::Presigned;
use crate::stores::Store;
use crate::trends::Trend;
use crate::uploads::UploadStatus;
use edgedesk_kernel::openapi::{Answer, Fragment};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// One example call: with which key (none for presigned and public
/// routes), to which path, with which body.
pub struct Example {
    pub key: &'static str,
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
}

/// Runs an example call against the product and gives its answer (the
/// body as JSON, or null for a file).
pub type Runner<'a> = dyn FnMut(&str, &Example) -> Value + 'a;

/// The day the examples are about, and a store in it.
pub const DAY: &str = "2026-10-18";
pub const STORE: &str = "store-001";

fn ex(
    key: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: Option<Value>,
) -> Example {
    Example {
        key,
        method,
        path: path.into(),
        body,
    }
}

/// The example call of each operation. `PRESIGNED_*` paths are filled in
/// by the runner, which asks for a URL first.
pub fn example(op: &str) -> Example {
    match op {
        "sales_upload_schema" => ex("", "GET", "/api/sales/schema/upload.json", None),
        "sales_upload_url" => ex(
            "uploader",
            "POST",
            "/api/sales/upload-url",
            Some(json!({"store_id": STORE, "date": DAY, "content_length": 4096})),
        ),
        "sales_upload" => ex("", "PUT", "PRESIGNED_UPLOAD", Some(small_day())),
        "sales_download" => ex("", "GET", "PRESIGNED_DOWNLOAD", None),
        "sales_list_stores" => ex("analyst", "GET", "/api/sales/stores", None),
        "sales_create_store" => ex(
            "admin",
            "POST",
            "/api/sales/stores",
            Some(
                json!({"store_id": "store-new", "name": "Riverside", "timezone": "America/Denver"}),
            ),
        ),
        "sales_update_store" => ex(
            "admin",
            "PATCH",
            format!("/api/sales/stores/{STORE}"),
            Some(json!({"active": false})),
        ),
        "sales_list_files" => ex(
            "analyst",
            "GET",
            format!("/api/sales/files?date={DAY}&store_id={STORE}&limit=5"),
            None,
        ),
        "sales_download_url" => ex(
            "analyst",
            "GET",
            format!("/api/sales/files/processed%2F{DAY}%2F{STORE}.ndjson.gz/download-url"),
            None,
        ),
        "sales_metrics" => ex(
            "analyst",
            "GET",
            format!("/api/sales/metrics?from={DAY}&to={DAY}&store_id={STORE}"),
            None,
        ),
        "sales_uploads" => ex(
            "analyst",
            "GET",
            format!("/api/sales/uploads?date={DAY}"),
            None,
        ),
        "sales_upload_status" => ex(
            "analyst",
            "GET",
            format!("/api/sales/uploads/{DAY}/{STORE}"),
            None,
        ),
        "sales_list_keys" => ex("admin", "GET", "/api/sales/keys", None),
        "sales_create_key" => ex(
            "admin",
            "POST",
            "/api/sales/keys",
            Some(json!({"role": "analyst", "label": "BI dashboard"})),
        ),
        "sales_revoke_key" => ex("admin", "DELETE", "REVOKE_KEY", None),
        "sales_run_analysis" => ex(
            "admin",
            "POST",
            "/api/sales/analysis/run",
            Some(json!({"date": DAY})),
        ),
        "sales_runs" => ex(
            "analyst",
            "GET",
            format!("/api/sales/runs?date={DAY}"),
            None,
        ),
        "sales_analytics" => ex(
            "analyst",
            "GET",
            format!("/api/sales/analytics/{DAY}"),
            None,
        ),
        "sales_trends" => ex(
            "analyst",
            "GET",
            format!("/api/sales/trends?metric=revenue&from=2026-10-05&to={DAY}"),
            None,
        ),
        "sales_recommendations" => ex(
            "analyst",
            "GET",
            format!("/api/sales/recommendations?date={DAY}"),
            None,
        ),
        other => panic!("no example for {other}"),
    }
}

/// A one-transaction day, for the upload's example body.
pub fn small_day() -> Value {
    json!({"store_id": STORE, "date": DAY, "currency": "USD", "transactions": [
        {"transaction_id": "T-0001", "timestamp": format!("{DAY}T09:14:00-05:00"),
         "items": [{"sku": "SKU-001", "name": "Coffee beans 1 kg", "category": "grocery",
                    "quantity": 2, "unit_price": 14.5, "discount": 1.0}],
         "payment_method": "card", "total": 28.0}]})
}

// ----- the answers' shapes -----------------------------------------------

#[derive(Serialize, JsonSchema)]
pub struct StoreList {
    pub stores: Vec<Store>,
}

#[derive(Serialize, JsonSchema)]
pub struct StoreInput {
    /// 1-64 letters, digits, '-' or '_'.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    pub store_id: String,
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// IANA time zone.
    #[schemars(regex(pattern = r"^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$"))]
    pub timezone: String,
    /// Expected to report each day (true).
    pub active: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
pub struct StorePatch {
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[schemars(regex(pattern = r"^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$"))]
    pub timezone: Option<String>,
    pub active: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
pub struct UploadUrlInput {
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    pub store_id: String,
    /// YYYY-MM-DD, the store's business day.
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// The file's size in bytes: the URL takes no more (50 MB when not given).
    #[schemars(range(min = 1, max = 52_428_800))]
    pub content_length: Option<u64>,
}

#[derive(Serialize, JsonSchema)]
pub struct FileInfo {
    /// raw/…, processed/… or exports/….
    pub key: String,
    pub area: String,
    pub date: String,
    pub store_id: Option<String>,
    pub size: i64,
    pub content_type: String,
    pub written_at: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct FileList {
    pub files: Vec<FileInfo>,
    /// The cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct MetricsList {
    pub metrics: Vec<StoreMetrics>,
}

#[derive(Serialize, JsonSchema)]
pub struct DayUploads {
    pub date: String,
    pub uploads: Vec<UploadStatus>,
    /// Active stores without metrics for the day.
    pub missing_stores: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct KeyList {
    pub keys: Vec<KeyInfo>,
}

#[derive(Serialize, JsonSchema)]
pub struct KeyInput {
    pub role: crate::keys::Role,
    #[schemars(length(max = 100))]
    pub label: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct Revoked {
    pub id: String,
    pub revoked: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct RunInput {
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// manual (the default) or schedule, for an external scheduler.
    #[schemars(regex(pattern = r"^(manual|schedule)$"))]
    pub trigger: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct RunList {
    pub runs: Vec<Run>,
}

#[derive(Serialize, JsonSchema)]
pub struct Analytics {
    pub date: String,
    pub run: Run,
    /// Each step's output once it has completed, else null.
    pub company: Option<Company>,
    pub products: Option<Products>,
    pub anomalies: Option<Anomalies>,
    pub trends: Option<Trends>,
    pub insights: Option<Vec<String>>,
}

#[derive(Serialize, JsonSchema)]
pub struct Point {
    pub date: String,
    pub value: f64,
    pub moving_average_7: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
pub struct TrendSeries {
    pub metric: String,
    /// null: the whole company.
    pub store_id: Option<String>,
    pub from: String,
    pub to: String,
    pub series: Vec<Point>,
    pub trend: Trend,
}

#[derive(Serialize, JsonSchema)]
pub struct Recommendations {
    pub date: String,
    /// rules, or llm when the LLM rewrote them.
    pub source: String,
    pub recommendations: Vec<Recommendation>,
}

fn s<T: JsonSchema>(f: &mut Fragment) -> Value {
    f.schema::<T>()
}

/// (status, request body schema, answer data schema) of each operation;
/// `None` data for an answer that is a file.
fn shapes(f: &mut Fragment, op: &str) -> (u16, Option<Value>, Option<Value>) {
    match op {
        "sales_upload_schema" | "sales_download" => (200, None, None),
        "sales_upload_url" => (201, Some(s::<UploadUrlInput>(f)), Some(s::<Presigned>(f))),
        "sales_upload" => (
            201,
            Some(
                json!({"type": "object", "description": "One store's day: GET /api/sales/schema/upload.json."}),
            ),
            Some(s::<UploadStatus>(f)),
        ),
        "sales_list_stores" => (200, None, Some(s::<StoreList>(f))),
        "sales_create_store" => (201, Some(s::<StoreInput>(f)), Some(s::<Store>(f))),
        "sales_update_store" => (200, Some(s::<StorePatch>(f)), Some(s::<Store>(f))),
        "sales_list_files" => (200, None, Some(s::<FileList>(f))),
        "sales_download_url" => (200, None, Some(s::<Presigned>(f))),
        "sales_metrics" => (200, None, Some(s::<MetricsList>(f))),
        "sales_uploads" => (200, None, Some(s::<DayUploads>(f))),
        "sales_upload_status" => (200, None, Some(s::<UploadStatus>(f))),
        "sales_list_keys" => (200, None, Some(s::<KeyList>(f))),
        "sales_create_key" => (201, Some(s::<KeyInput>(f)), Some(s::<NewKey>(f))),
        "sales_revoke_key" => (200, None, Some(s::<Revoked>(f))),
        "sales_run_analysis" => (200, Some(s::<RunInput>(f)), Some(s::<Run>(f))),
        "sales_runs" => (200, None, Some(s::<RunList>(f))),
        "sales_analytics" => (200, None, Some(s::<Analytics>(f))),
        "sales_trends" => (200, None, Some(s::<TrendSeries>(f))),
        "sales_recommendations" => (200, None, Some(s::<Recommendations>(f))),
        other => panic!("no shapes for {other}"),
    }
}

fn query(name: &str, description: &str, example: &str, required: bool) -> Value {
    let schema = if name == "store_id" {
        json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"})
    } else {
        json!({"type": "string"})
    };
    json!({"name": name, "in": "query", "required": required, "description": description,
           "schema": schema, "example": example})
}

/// A day, as a query or path parameter.
fn day(name: &str, location: &str, description: &str, example: &str, required: bool) -> Value {
    json!({"name": name, "in": location, "required": required, "description": description,
           "schema": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
           "example": example})
}

fn presigned_query() -> Value {
    json!([
        {"name": "expires", "in": "query", "required": true, "description": "Unix seconds the URL dies at.",
         "schema": {"type": "integer"}},
        {"name": "max_bytes", "in": "query", "required": true, "description": "The largest body the URL takes (0 for a download).",
         "schema": {"type": "integer", "minimum": 0}},
        {"name": "signature", "in": "query", "required": true, "description": "Lowercase hex HMAC-SHA256 of {METHOD}\\n{path}\\n{expires}\\n{max_bytes} with URL_SIGNING_SECRET.",
         "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
    ])
}

fn path(name: &str, example: &str) -> Value {
    let schema = match name {
        "date" => json!({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
        "area" => json!({"type": "string", "enum": ["raw", "processed", "exports"]}),
        "store_id" => json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}),
        "file" => json!({"type": "string", "pattern": r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$"}),
        "key" => json!({"type": "string",
                        "pattern": r"^(raw|processed|exports)/\d{4}-\d{2}-\d{2}/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$"}),
        _ => json!({"type": "string"}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema, "example": example})
}

fn parameters(op: &str) -> Option<Value> {
    let date = |required| day("date", "query", "YYYY-MM-DD", DAY, required);
    Some(match op {
        "sales_update_store" => json!([path("store_id", STORE)]),
        "sales_upload_status" => json!([path("date", DAY), path("store_id", STORE)]),
        "sales_analytics" => json!([path("date", DAY)]),
        "sales_download_url" => json!([path("key", &format!("processed/{DAY}/{STORE}.ndjson.gz"))]),
        "sales_upload" => {
            let mut p = presigned_query();
            let file = format!("{STORE}.json");
            p.as_array_mut().unwrap().extend([
                path("area", "raw"),
                path("date", DAY),
                path("file", &file),
            ]);
            p
        }
        "sales_download" => {
            let mut p = presigned_query();
            let file = format!("{STORE}.ndjson.gz");
            p.as_array_mut().unwrap().extend([
                path("area", "processed"),
                path("date", DAY),
                path("file", &file),
            ]);
            p
        }
        "sales_list_files" => json!([
            {"name": "area", "in": "query", "required": false, "description": "raw, processed or exports",
             "schema": {"type": "string", "enum": ["raw", "processed", "exports"]}, "example": "processed"},
            date(false),
            {"name": "store_id", "in": "query", "required": false, "description": "A store's files only",
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}, "example": STORE},
            {"name": "limit", "in": "query", "required": false, "description": "1-200 (50)",
             "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            query("cursor", "next_cursor of the page before", "raw/2026-10-17/store-003.json", false),
        ]),
        "sales_metrics" => json!([
            day("from", "query", "First day, YYYY-MM-DD", DAY, true),
            day(
                "to",
                "query",
                "Last day, YYYY-MM-DD (at most 366 days after from)",
                DAY,
                true
            ),
            query("store_id", "One store's metrics only", STORE, false),
        ]),
        "sales_uploads" | "sales_recommendations" => json!([date(true)]),
        "sales_runs" => json!([
            date(false),
            {"name": "limit", "in": "query", "required": false, "description": "1-100 (30)",
             "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        ]),
        "sales_trends" => json!([
            {"name": "metric", "in": "query", "required": false,
             "description": "revenue (default), transactions, items_sold, avg_basket or discounts",
             "schema": {"type": "string", "enum": crate::trends::METRICS}},
            day("from", "query", "First day, YYYY-MM-DD", "2026-10-05", true),
            day("to", "query", "Last day, YYYY-MM-DD (at most 366 days after from)", DAY, true),
            query("store_id", "One store's trend (else the company's)", STORE, false),
        ]),
        _ => return None,
    })
}

/// The fragment: every operation with its shapes and a real answer.
pub fn fragment(run: &mut Runner<'_>) -> Value {
    let mut f = Fragment::new(crate::PRODUCT.name);
    for info in crate::routes::infos() {
        let op = info.operation.id;
        let e = example(op);
        let answer = run(op, &e);
        let (status, request, data) = shapes(&mut f, op);
        let request = request.map(|schema| (schema, e.body.clone().unwrap_or(Value::Null)));
        let (content_type, schema, example) = match (op, data) {
            ("sales_upload_schema", _) => (
                "application/schema+json",
                Some(json!({"type": "object"})),
                Some(answer),
            ),
            ("sales_download", _) => ("application/gzip", None, None),
            (_, Some(data)) => (
                "application/json",
                Some(
                    json!({"type": "object", "properties": {"ok": {"const": true}, "data": data,
                             "error": {"type": "null"}}, "required": ["ok", "data", "error"]}),
                ),
                Some(answer),
            ),
            (_, None) => ("application/json", None, None),
        };
        f.operation(
            op,
            request,
            Answer {
                status,
                description: info.operation.summary,
                content_type,
                schema,
                example,
            },
        );
        if op == "sales_upload" {
            let queued = f.envelope::<UploadStatus>();
            f.also(
                op,
                Answer {
                    status: 202,
                    description: "Stored; processing is queued (Cloudflare). GET /api/sales/uploads/{date}/{store_id} shows the outcome.",
                    content_type: "application/json",
                    schema: Some(queued),
                    example: None,
                },
            );
        }
        if let Some(p) = parameters(op) {
            f.parameters(op, p);
        }
        refusals(&mut f, op, info.auth);
    }
    f.finish()
}

/// The error answers each kind of route documents besides the default.
fn refusals(f: &mut Fragment, op: &str, auth: edgedesk_kernel::Auth) {
    use edgedesk_kernel::Auth;
    match auth {
        Auth::ApiKey => {
            f.refusal(
                op,
                401,
                "No API key, or one that is unknown or revoked.",
                "application/json",
            );
            f.refusal(
                op,
                403,
                "The key's role may not do this.",
                "application/json",
            );
        }
        Auth::Presigned => {
            f.refusal(
                op,
                403,
                "The URL has expired, or a part of it was altered.",
                "application/json",
            );
        }
        _ => {}
    }
    if op == "sales_upload" {
        f.refusal(
            op,
            413,
            "The body is larger than the URL's max_bytes.",
            "application/json",
        );
    }
}
