//! The Edgedesk kernel: what every product uses, and no product logic.
//!
//! An adapter turns its runtime's request into a [`Request`], implements
//! the traits in [`platform`] over its stores, and serves a composed
//! [`Routes`] table (or one [`Route`]) with [`serve`] / [`serve_one`].
//! A product lists its routes; the kernel matches them, applies CORS, the
//! route's auth policy and the common headers, and hands the handler a
//! platform scoped to the product's own database.

pub mod bearer;
pub mod body;
pub mod buckets;
pub mod builtin;
pub mod cache;
pub mod config;
pub mod cors;
pub mod dates;
pub mod db;
pub mod deadline;
pub mod docs;
pub mod http;
pub mod input;
pub mod limiter;
pub mod limits;
pub mod llm;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod operator;
pub mod params;
#[cfg(feature = "accounts")]
pub mod passwords;
pub mod platform;
pub mod presigned;
pub mod replay;
pub mod router;
pub mod sentry;
#[cfg(feature = "accounts")]
pub mod sessions;
pub mod signed;
#[cfg(test)]
mod test_sql;
#[cfg(feature = "testing")]
pub mod testing;
pub mod times;
pub mod timing;

pub use http::{BodyError, MAX_BODY_BYTES, Request, Response, read_body_limited, read_body_within};
pub use platform::{Database, KERNEL, Platform, Product};
pub use router::{Api, Auth, Call, Operation, Reply, Route, RouteInfo, Routes, serve, serve_one};
