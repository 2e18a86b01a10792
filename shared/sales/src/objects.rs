//! The pipeline's files and the presigned URLs that move them: stores
//! `PUT` their day to an upload URL, analysts `GET` files from download
//! URLs. The Worker (or component) signs and checks every URL itself
//! ([`edgedesk_kernel::presigned`]), so the same URLs work on local
//! workerd, Spin and in production.
//!
//! Keys as the API names them: `raw/{date}/{store_id}.json`,
//! `processed/{date}/{store_id}.ndjson.gz`, `exports/{date}/{file}`. In the
//! object store they live under the product's prefix, `sales/`.

use crate::db::{self, Cols};
use crate::input::Input;
use crate::{process, stores};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::config;
use edgedesk_kernel::dates::parse_date;
use edgedesk_kernel::platform::{Platform, Statement};
use edgedesk_kernel::presigned::{self, MAX_UPLOAD_BYTES};
use edgedesk_kernel::{Request, Response};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// The product's prefix in the shared object store.
pub const PREFIX: &str = "sales/";

/// Where presigned routes live.
pub const ROUTE: &str = "/api/sales/objects/";

/// The longest an upload or download URL lives (`SALES_URL_TTL_SECONDS`
/// may shorten it).
pub const MAX_TTL_SECS: i64 = 15 * 60;

/// A file's kind, the first part of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Raw,
    Processed,
    Exports,
}

impl Area {
    pub fn parse(s: &str) -> Option<Area> {
        match s {
            "raw" => Some(Area::Raw),
            "processed" => Some(Area::Processed),
            "exports" => Some(Area::Exports),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Raw => "raw",
            Area::Processed => "processed",
            Area::Exports => "exports",
        }
    }
}

/// A file's key, parsed and checked: `{area}/{date}/{file}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub area: Area,
    pub date: String,
    pub file: String,
}

impl Key {
    pub fn raw(date: &str, store_id: &str) -> Key {
        Key {
            area: Area::Raw,
            date: date.into(),
            file: format!("{store_id}.json"),
        }
    }

    pub fn processed(date: &str, store_id: &str) -> Key {
        Key {
            area: Area::Processed,
            date: date.into(),
            file: format!("{store_id}.ndjson.gz"),
        }
    }

    pub fn export(date: &str, file: &str) -> Key {
        Key {
            area: Area::Exports,
            date: date.into(),
            file: file.into(),
        }
    }

    pub fn parse(area: &str, date: &str, file: &str) -> Option<Key> {
        let area = Area::parse(area)?;
        parse_date(date)?;
        let ok_file = (1..=100).contains(&file.len())
            && !file.starts_with('.')
            && file
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok_file.then(|| Key {
            area,
            date: date.into(),
            file: file.into(),
        })
    }

    /// `raw/2026-11-02/store-001.json` (percent-decoded first, as a
    /// path parameter carries it).
    pub fn parse_whole(key: &str) -> Option<Key> {
        let mut parts = key.splitn(3, '/');
        Key::parse(parts.next()?, parts.next()?, parts.next()?)
    }

    /// The store a raw or processed file belongs to.
    pub fn store_id(&self) -> Option<&str> {
        match self.area {
            Area::Raw => self.file.strip_suffix(".json"),
            Area::Processed => self.file.strip_suffix(".ndjson.gz"),
            Area::Exports => None,
        }
        .filter(|s| stores::valid_id(s))
    }

    pub fn name(&self) -> String {
        format!("{}/{}/{}", self.area.as_str(), self.date, self.file)
    }

    /// Where the object lives in the store.
    pub fn stored(&self) -> String {
        format!("{PREFIX}{}", self.name())
    }

    pub fn path(&self) -> String {
        format!("{ROUTE}{}", self.name())
    }

    pub fn content_type(&self) -> &'static str {
        if self.file.ends_with(".gz") {
            "application/gzip"
        } else if self.file.ends_with(".json") {
            "application/json"
        } else if self.file.ends_with(".html") {
            "text/html; charset=utf-8"
        } else if self.file.ends_with(".txt") {
            "text/plain; charset=utf-8"
        } else {
            "application/octet-stream"
        }
    }
}

/// A presigned URL as the API hands it out.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Presigned {
    /// `PUBLIC_BASE_URL` and `path`; just `path` when that is unset.
    pub url: String,
    /// The path with its query, for a client that knows the host.
    pub path: String,
    pub method: String,
    /// The file's key.
    pub key: String,
    /// Seconds the URL lives (at most 900).
    pub expires_in: i64,
    /// Unix seconds it dies at.
    pub expires_at: i64,
    /// The largest body it takes (0 for a download).
    pub max_bytes: u64,
}

async fn presign<P: Platform>(
    p: &P,
    method: &str,
    key: &Key,
    max_bytes: u64,
) -> Result<Presigned, ApiError> {
    let secret = config::non_empty(p, presigned::SECRET)
        .await
        .ok_or_else(|| {
            ApiError::new(
                edgedesk_core::envelope::ErrorCode::NotConfigured,
                format!(
                    "presigned URLs are not configured: {} is not set",
                    presigned::SECRET
                ),
            )
        })?;
    let ttl = config::non_empty(p, "SALES_URL_TTL_SECONDS")
        .await
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|t| *t > 0)
        .unwrap_or(MAX_TTL_SECS)
        .min(MAX_TTL_SECS);
    let expires_at = p.now_ms() / 1000 + ttl;
    let path = key.path();
    let query = presigned::query(&secret, method, &path, expires_at, max_bytes);
    let path = format!("{path}?{query}");
    let base = config::non_empty(p, "PUBLIC_BASE_URL").await;
    Ok(Presigned {
        url: format!("{}{path}", base.unwrap_or_default().trim_end_matches('/')),
        path,
        method: method.into(),
        key: key.name(),
        expires_in: ttl,
        expires_at,
        max_bytes,
    })
}

/// `POST /api/sales/upload-url`: `{store_id, date, content_length?}`.
pub async fn upload_url<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["store_id", "date", "content_length"])?;
    let store_id = input.required_text("store_id", 64)?;
    let date = input.required_text("date", 10)?;
    if parse_date(&date).is_none() {
        return Err(ApiError::unprocessable(
            "date must be a calendar day as YYYY-MM-DD",
        ));
    }
    let max = input
        .int("content_length", 1, MAX_UPLOAD_BYTES as i64)?
        .map_or(MAX_UPLOAD_BYTES as u64, |n| n as u64);
    if !stores::valid_id(&store_id) || stores::get(p, &store_id).await?.is_none() {
        return Err(ApiError::unprocessable(format!(
            "store_id: no store {store_id:?}; an admin adds stores with POST /api/sales/stores"
        )));
    }
    let url = presign(p, "PUT", &Key::raw(&date, &store_id), max).await?;
    Ok(serde_json::to_value(url).unwrap_or_default())
}

/// `GET /api/sales/files/{key}/download-url`.
pub async fn download_url<P: Platform>(p: &P, key: &str) -> Result<Value, ApiError> {
    let key = Key::parse_whole(key).ok_or_else(|| {
        ApiError::unprocessable(
            "key must be a file key like raw/2026-11-02/store-001.json (URL-encoded)",
        )
    })?;
    let known = db::one(
        p,
        "SELECT 1 FROM files WHERE key = ?1",
        &[key.name().into()],
    )
    .await?;
    if known.is_none() {
        return Err(ApiError::missing(format!("no file {}", key.name())));
    }
    let url = presign(p, "GET", &key, 0).await?;
    Ok(serde_json::to_value(url).unwrap_or_default())
}

/// Records a written object for listings.
pub fn file_row(key: &Key, size: usize, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO files (key, area, date, store_id, size, content_type, written_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO UPDATE SET \
         size = excluded.size, content_type = excluded.content_type, written_at = excluded.written_at",
        vec![
            key.name().into(),
            key.area.as_str().into(),
            key.date.as_str().into(),
            key.store_id().into(),
            (size as i64).into(),
            key.content_type().into(),
            now.into(),
        ],
    )
}

/// `PUT /api/sales/objects/raw/{date}/{file}` through an upload URL: the
/// body becomes the store's day, replacing any earlier upload, and is
/// processed (on a queue where the runtime has one, else at once). Only
/// raw files are written this way.
pub async fn upload<P: Platform>(
    p: &P,
    req: &Request,
    area: &str,
    date: &str,
    file: &str,
) -> Result<Response, ApiError> {
    let key = Key::parse(area, date, file)
        .filter(|k| k.area == Area::Raw)
        .filter(|k| k.store_id().is_some())
        .ok_or_else(|| ApiError::missing("uploads go to raw/{date}/{store_id}.json"))?;
    let store_id = key.store_id().unwrap_or_default().to_string();
    if stores::get(p, &store_id).await?.is_none() {
        return Err(ApiError::missing(format!("no store {store_id:?}")));
    }
    let body = edgedesk_kernel::body::bytes(req)?;
    if body.is_empty() {
        return Err(ApiError::invalid(
            "the upload is empty: send the day's JSON file as the body",
        ));
    }
    let size = body.len();
    let now = p.now_ms();
    p.write_object(&key.stored(), body, "application/json")
        .await
        .map_err(|e| {
            if e.too_large {
                ApiError::invalid(e.to_string()).with_status(413)
            } else {
                ApiError::failure("the file could not be stored; upload it again").with_status(503)
            }
        })?;
    let row = db::one(
        p,
        "INSERT INTO uploads (date, store_id, version, status, size, received_at, attempts) \
         VALUES (?1, ?2, 1, 'queued', ?3, ?4, 0) \
         ON CONFLICT (date, store_id) DO UPDATE SET version = uploads.version + 1, \
         status = 'queued', size = excluded.size, received_at = excluded.received_at, \
         processed_at = NULL, attempts = 0, transactions = NULL, errors = NULL, error_count = 0 \
         RETURNING version",
        &[
            date.into(),
            store_id.as_str().into(),
            (size as i64).into(),
            now.into(),
        ],
    )
    .await?;
    let version = row.map(|r| Cols(&r).int(0)).unwrap_or(1);
    db::batch(p, &[file_row(&key, size, now)]).await?;
    let job = process::Job {
        date: date.into(),
        store_id: store_id.clone(),
        version,
    };
    // Processing on the queue retries with backoff; where there is no
    // queue (or it cannot be reached) it runs now, so nothing waits on
    // a message that was never sent.
    let queued = matches!(p.enqueue(&job.to_message()).await, Ok(true));
    if !queued {
        process::run(p, &job).await?;
    }
    let status = crate::uploads::status(p, date, &store_id).await?;
    Ok(Response::json(
        if queued { 202 } else { 201 },
        &edgedesk_core::envelope::success(&status),
    ))
}

/// `GET /api/sales/objects/{area}/{date}/{file}` through a download URL.
pub async fn download<P: Platform>(
    p: &P,
    area: &str,
    date: &str,
    file: &str,
) -> Result<Response, ApiError> {
    let key = Key::parse(area, date, file).ok_or_else(|| ApiError::missing("no such file"))?;
    let body = p
        .read_object(&key.stored(), MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| ApiError::failure("the file could not be read; try again").with_status(503))?
        .ok_or_else(|| ApiError::missing(format!("no file {}", key.name())))?;
    let mut res = Response::empty(200);
    res.body = body;
    res.set_header("content-type", key.content_type());
    res.set_header(
        "content-disposition",
        format!("attachment; filename=\"{}\"", key.file),
    );
    res.set_header("cache-control", "private, no-store");
    Ok(res)
}

/// `GET /api/sales/files`: `area`, `date`, `store_id`, `limit` (1-200, 50),
/// `cursor` (the last key of the previous page).
pub async fn list<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["area", "date", "store_id", "limit", "cursor"])?;
    let area = q.choice("area", &["raw", "processed", "exports"])?;
    let date = q.text("date", 10)?;
    if date.as_deref().is_some_and(|d| parse_date(d).is_none()) {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    let store_id = crate::stores::id_param(q.text("store_id", 64)?)?;
    let limit = q.int("limit", 1, 200)?.unwrap_or(50);
    let cursor = q.text("cursor", 200)?;
    let rows = db::query(
        p,
        "SELECT key, area, date, store_id, size, content_type, written_at FROM files \
         WHERE (?1 IS NULL OR area = ?1) AND (?2 IS NULL OR date = ?2) \
         AND (?3 IS NULL OR store_id = ?3) AND (?4 IS NULL OR key > ?4) \
         ORDER BY key LIMIT ?5",
        &[
            area.into(),
            date.into(),
            store_id.into(),
            cursor.into(),
            (limit + 1).into(),
        ],
    )
    .await?;
    let more = rows.len() as i64 > limit;
    let files: Vec<Value> = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            let c = Cols(r);
            json!({"key": c.text(0), "area": c.text(1), "date": c.text(2),
                   "store_id": c.opt_text(3), "size": c.int(4),
                   "content_type": c.text(5), "written_at": c.int(6)})
        })
        .collect();
    let next = more
        .then(|| {
            files
                .last()
                .and_then(|f| f["key"].as_str().map(str::to_string))
        })
        .flatten();
    Ok(json!({ "files": files, "next_cursor": next }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_refuse_what_is_not_a_key() {
        let k = Key::raw("2026-11-02", "store-001");
        assert_eq!(k.name(), "raw/2026-11-02/store-001.json");
        assert_eq!(k.stored(), "sales/raw/2026-11-02/store-001.json");
        assert_eq!(Key::parse_whole(&k.name()), Some(k.clone()));
        assert_eq!(k.store_id(), Some("store-001"));
        let p = Key::processed("2026-11-02", "store-001");
        assert_eq!(p.store_id(), Some("store-001"));
        assert_eq!(p.content_type(), "application/gzip");
        for bad in [
            "raw/2026-13-02/a.json",
            "tmp/2026-11-02/a.json",
            "raw/2026-11-02/../x",
            "raw/2026-11-02/.hidden",
            "raw/2026-11-02",
            "raw/2026-11-02/a/b.json",
        ] {
            assert_eq!(Key::parse_whole(bad), None, "{bad}");
        }
    }
}
