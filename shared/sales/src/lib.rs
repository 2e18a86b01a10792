//! The sales data pipeline: a retail chain's stores each upload a day of
//! sales; each upload is checked, kept as processed NDJSON and summed into
//! the store's metrics; once every expected store has reported (or the
//! day's deadline passes) the company's day is analysed (metrics,
//! anomalies, trends, recommendations) and reported; analysts read it all
//! through the API.
//!
//! Layout, as in every product crate: [`routes`] (the route table), then
//! one module per piece: [`upload`] (the format, checked while it
//! streams), [`metrics`], [`ndjson`], [`process`], [`analysis`],
//! [`trends`], [`objects`] (files and presigned URLs), [`keys`],
//! [`stores`], [`uploads`].

pub mod alerts;
pub mod analysis;
pub mod findings;
/// The kernel's database helpers, under the name the modules use.
pub use edgedesk_kernel::db;
/// The kernel's checked request input, under the name the modules use.
pub use edgedesk_kernel::input;
pub mod keys;
pub mod metrics;
pub mod ndjson;
pub mod objects;
pub mod openapi;
pub mod process;
pub mod report;
pub mod routes;
pub mod stores;
pub mod trends;
pub mod upload;
pub mod uploads;

use edgedesk_kernel::{Database, Product};

pub static PRODUCT: Product = Product {
    name: "sales",
    title: "Sales data pipeline",
    database: Some(Database {
        d1_binding: "SALES_DB",
        sqlite_label: "sales",
    }),
    observed: None,
    queue: Some("SALES_QUEUE"),
};

/// The Cloudflare Queue processing runs on, and its dead-letter queue
/// (`wrangler.toml`).
pub const QUEUE: &str = "edgedesk-sales";
pub const DEAD_LETTER_QUEUE: &str = "edgedesk-sales-dlq";

/// A message of one of the product's queues.
pub async fn on_queue_message<P: edgedesk_kernel::Platform>(
    p: &P,
    queue: &str,
    body: &str,
) -> edgedesk_kernel::platform::Delivery {
    if queue == DEAD_LETTER_QUEUE {
        process::on_dead_letter(p, body).await
    } else {
        process::on_message(p, body).await
    }
}

/// The product's schema fragment for `/openapi.json`, generated from its
/// routes and types by its tests (`UPDATE_OPENAPI=1` rewrites it).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The upload format's JSON Schema, served at
/// `/api/sales/schema/upload.json`.
pub const UPLOAD_SCHEMA: &str = include_str!("upload.schema.json");
