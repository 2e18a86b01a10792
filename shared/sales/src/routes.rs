//! The sales pipeline's routes. Every route but the upload schema and the
//! presigned object routes takes `Authorization: Bearer <api key>`, whose
//! role each handler checks first ([`crate::keys`]).

use crate::PRODUCT;
use crate::keys::{self, Need};
use crate::{analysis, objects, stores, trends, uploads};
use edgedesk_core::envelope::{self, ApiError};
use edgedesk_kernel::router::{Handler, bearer_refusal, unrouted};
use edgedesk_kernel::{Auth, Call, Platform, Reply, Response, Route, RouteInfo};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The product's routes in groups, one Spin component each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Upload URLs, the presigned object routes (uploads, with their
    /// processing, and downloads).
    Uploads,
    /// Stores, keys, files and download URLs, uploads' status and store
    /// metrics.
    Data,
    /// The daily analysis: runs, analytics, trends, recommendations.
    Analysis,
}

pub const GROUPS: [Group; 3] = [Group::Uploads, Group::Data, Group::Analysis];

/// Every route of the product.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    GROUPS.into_iter().flat_map(group::<P>).collect()
}

/// The routes of one group.
pub fn group<P: Platform>(g: Group) -> Vec<Route<P>> {
    let handler: fn(&str) -> Handler<P> = match g {
        Group::Uploads => uploads_handler::<P>,
        Group::Data => data_handler::<P>,
        Group::Analysis => analysis_handler::<P>,
    };
    edgedesk_kernel::router::grouped(infos(), g, group_of, handler)
}

/// The group an operation belongs to.
pub fn group_of(op: &str) -> Group {
    match op {
        "sales_upload_url" | "sales_upload" | "sales_download" => Group::Uploads,
        "sales_run_analysis"
        | "sales_runs"
        | "sales_analytics"
        | "sales_trends"
        | "sales_recommendations" => Group::Analysis,
        _ => Group::Data,
    }
}

type Work<'a> = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + 'a>>;

/// A keyed route: the key's role checked for `need`, then `f`, answered
/// in the envelope with `ok`.
fn keyed<'a, P: Platform>(
    c: Call<'a, P>,
    need: Need,
    ok: u16,
    f: fn(Call<'a, P>) -> Work<'a>,
) -> Reply<'a> {
    Box::pin(async move {
        let answer = match keys::require(c.p, c.req, need).await {
            Ok(_) => f(c).await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(v) => Response::json(ok, &envelope::success(&v)),
            Err(e) => bearer_refusal(&e),
        }
    })
}

fn param<'a, P>(c: &Call<'a, P>, name: &str) -> &'a str {
    c.params.get(name).unwrap_or_default()
}

/// A path parameter percent-decoded (a file key carries its slashes as
/// `%2F`).
fn decoded(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| b.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn plain(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(|e| Response::error(&e))
}

fn uploads_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "sales_upload_url" => |c| {
            keyed(c, Need::Upload, 201, |c| {
                Box::pin(async move { objects::upload_url(c.p, c.req).await })
            })
        },
        "sales_download" => |c| {
            Box::pin(async move {
                plain(
                    objects::download(c.p, param(&c, "area"), param(&c, "date"), param(&c, "file"))
                        .await,
                )
            })
        },
        "sales_upload" => |c| {
            Box::pin(async move {
                let (area, date, file) = (param(&c, "area"), param(&c, "date"), param(&c, "file"));
                plain(objects::upload(c.p, c.req, area, date, file).await)
            })
        },
        _ => unrouted::<P>,
    }
}

fn data_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "sales_upload_schema" => |_| {
            Box::pin(async move {
                let mut res = Response::empty(200);
                res.body = crate::UPLOAD_SCHEMA.as_bytes().to_vec();
                res.set_header("content-type", "application/schema+json");
                res.set_header("cache-control", "public, max-age=300");
                res
            })
        },
        "sales_list_stores" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { stores::list(c.p).await })
            })
        },
        "sales_create_store" => |c| {
            keyed(c, Need::Admin, 201, |c| {
                Box::pin(async move { stores::create(c.p, c.req).await })
            })
        },
        "sales_update_store" => |c| {
            keyed(c, Need::Admin, 200, |c| {
                Box::pin(async move { stores::update(c.p, param(&c, "store_id"), c.req).await })
            })
        },
        "sales_list_files" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { objects::list(c.p, c.req).await })
            })
        },
        "sales_download_url" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(
                    async move { objects::download_url(c.p, &decoded(param(&c, "key"))).await },
                )
            })
        },
        "sales_metrics" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { uploads::metrics(c.p, c.req).await })
            })
        },
        "sales_uploads" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { uploads::list(c.p, c.req).await })
            })
        },
        "sales_upload_status" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move {
                    uploads::status(c.p, param(&c, "date"), param(&c, "store_id")).await
                })
            })
        },
        "sales_list_keys" => |c| {
            keyed(c, Need::Admin, 200, |c| {
                Box::pin(async move { keys::list(c.p).await })
            })
        },
        "sales_create_key" => |c| {
            keyed(c, Need::Admin, 201, |c| {
                Box::pin(async move { keys::create(c.p, c.req).await })
            })
        },
        "sales_revoke_key" => |c| {
            keyed(c, Need::Admin, 200, |c| {
                Box::pin(async move { keys::revoke(c.p, param(&c, "id")).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn analysis_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "sales_run_analysis" => |c| {
            keyed(c, Need::Admin, 200, |c| {
                Box::pin(async move { analysis::run_on_demand(c.p, c.req).await })
            })
        },
        "sales_runs" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { analysis::runs(c.p, c.req).await })
            })
        },
        "sales_analytics" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { analysis::analytics(c.p, param(&c, "date")).await })
            })
        },
        "sales_trends" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { trends::query(c.p, c.req).await })
            })
        },
        "sales_recommendations" => |c| {
            keyed(c, Need::Read, 200, |c| {
                Box::pin(async move { analysis::recommendations(c.p, c.req).await })
            })
        },
        _ => unrouted::<P>,
    }
}

/// Every route without its handler.
pub fn infos() -> Vec<RouteInfo> {
    use Auth::{ApiKey, Presigned, Public};
    vec![
        PRODUCT.route(
            "GET",
            "/api/sales/schema/upload.json",
            Public,
            "sales_upload_schema",
            "The upload format",
            "The JSON Schema (draft 2020-12) of one store's day of sales. The service also checks what a schema cannot: each total within a cent of Σ(quantity × unit_price − discount), unique transaction ids, and the file being for the store and day it was uploaded as.",
        ),
        PRODUCT.route(
            "POST",
            "/api/sales/upload-url",
            ApiKey,
            "sales_upload_url",
            "An upload URL",
            "uploader or admin key. {store_id, date, content_length?} → a presigned PUT URL for raw/{date}/{store_id}.json, valid at most 15 minutes, for a body of at most content_length (50 MB when not given). The store must exist.",
        ),
        PRODUCT.route(
            "PUT",
            "/api/sales/objects/{area}/{date}/{file}",
            Presigned,
            "sales_upload",
            "Upload a store's day",
            "Through an upload URL: the body (the day's JSON file, up to the URL's max_bytes, at most 50 MB) goes to raw/{date}/{store_id}.json (only raw files are written this way), replacing the store's day, and is processed: checked, written as gzip NDJSON under processed/, and summed into the store's metrics. 202 when processing is queued (Cloudflare), 201 when it ran in the request (Spin); either way GET /api/sales/uploads/{date}/{store_id} shows the outcome. An expired or altered URL is 403 and nothing is stored.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/objects/{area}/{date}/{file}",
            Presigned,
            "sales_download",
            "Download a file",
            "Through a download URL from GET /api/sales/files/{key}/download-url.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/stores",
            ApiKey,
            "sales_list_stores",
            "The stores",
            "analyst or admin key. Every store, its time zone and whether it is expected to report.",
        ),
        PRODUCT.route(
            "POST",
            "/api/sales/stores",
            ApiKey,
            "sales_create_store",
            "Add a store",
            "admin key. {store_id, name, timezone, active?}; 409 if the id is taken.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/sales/stores/{store_id}",
            ApiKey,
            "sales_update_store",
            "Change a store",
            "admin key. {name?, timezone?, active?}. An inactive store is not waited for.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/files",
            ApiKey,
            "sales_list_files",
            "The files",
            "analyst or admin key. Raw uploads, processed files and exports, by area, date and store_id, in key order: limit 1-200 (50), cursor = next_cursor of the page before.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/files/{key}/download-url",
            ApiKey,
            "sales_download_url",
            "A download URL",
            "analyst or admin key. key URL-encoded (raw%2F2026-11-02%2Fstore-001.json) → a presigned GET URL valid at most 15 minutes.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/metrics",
            ApiKey,
            "sales_metrics",
            "Store metrics",
            "analyst or admin key. from, to (YYYY-MM-DD, at most 366 days) and optional store_id → each store's day: revenue, transactions, items_sold, avg_basket, discounts, payment_mix, hourly, top_products. Money in cents as shown; summed unrounded.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/uploads",
            ApiKey,
            "sales_uploads",
            "A day's uploads",
            "analyst or admin key. date → every store's upload for the day and the active stores that have not reported.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/uploads/{date}/{store_id}",
            ApiKey,
            "sales_upload_status",
            "An upload's outcome",
            "analyst or admin key. Queued, processing, processed or failed, with the first 100 errors of a refused file, each naming its JSON path.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/keys",
            ApiKey,
            "sales_list_keys",
            "The API keys",
            "admin key. Every key's id, role, label and dates; never the key.",
        ),
        PRODUCT.route(
            "POST",
            "/api/sales/keys",
            ApiKey,
            "sales_create_key",
            "Make an API key",
            "admin key. {role: uploader|analyst|admin, label?}. The key is in this answer only; it is stored hashed.",
        ),
        PRODUCT.route(
            "DELETE",
            "/api/sales/keys/{id}",
            ApiKey,
            "sales_revoke_key",
            "Revoke an API key",
            "admin key. The key stops working at once.",
        ),
        PRODUCT.route(
            "POST",
            "/api/sales/analysis/run",
            ApiKey,
            "sales_run_analysis",
            "Run a day's analysis",
            "admin key. {date} → the day's analysis run: started now with the stores that have reported (naming those missing) if it has not run, resumed at its failed steps if it failed, or returned as it is.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/runs",
            ApiKey,
            "sales_runs",
            "Analysis runs",
            "analyst or admin key. Runs, newest day first, each with its steps' status and timing; date picks one day. limit 1-100 (30).",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/analytics/{date}",
            ApiKey,
            "sales_analytics",
            "A day's analysis",
            "analyst or admin key. Company and product metrics, anomalies, trends and insights of a day whose analysis has run.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/trends",
            ApiKey,
            "sales_trends",
            "A metric's trend",
            "analyst or admin key. metric (revenue, transactions, items_sold, avg_basket, discounts), from and to (at most 366 days), optional store_id (else the whole company) → the daily series with its 7-day moving average, week-over-week change and least-squares slope with a direction word.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sales/recommendations",
            ApiKey,
            "sales_recommendations",
            "A day's recommendations",
            "analyst or admin key. date → what the analysis recommends, each with the finding behind it.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedesk_kernel::testing::TestPlatform;

    #[test]
    fn every_route_has_its_groups_handler() {
        let fallback = unrouted::<TestPlatform> as Handler<TestPlatform> as usize;
        let all = routes::<TestPlatform>();
        assert_eq!(all.len(), infos().len());
        for route in &all {
            assert!(
                route.handler as usize != fallback,
                "{} has no handler in its group",
                route.info.operation.id
            );
        }
    }
}
