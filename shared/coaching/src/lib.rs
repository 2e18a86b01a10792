//! The sales coaching backend: sales reps practise conversations with an
//! AI coach that knows their organisation's playbook (clients, products
//! and strategies), and admins shape the playbook and follow the
//! practice. It speaks HelloSales' API: success bodies are the bare
//! objects and lists its clients read, and every refusal carries FastAPI's
//! `detail` beside the platform's error envelope.
//!
//! Layout, as in every product crate: [`routes`] (the route table), then
//! one module per piece: [`sso`] (access tokens against the identity
//! provider's keys), [`tenancy`] (users, organisations and memberships
//! from a verified token), [`account`], [`members`], [`playbook`],
//! [`practice`], [`feedback`], [`legal`]; and the realtime coach:
//! [`realtime`] (the protocol, whatever carries it), [`pipeline`] (its
//! stages), [`providers`] (models and speech), [`sessions`] (turns kept
//! and replayed) and [`runs`] (each reply's record).

pub mod account;
pub mod compat;
/// The kernel's database helpers, under the name the modules use.
pub use edgedesk_kernel::db;
/// The kernel's checked request input, under the name the modules use.
pub use edgedesk_kernel::input;
pub mod feedback;
pub mod legal;
pub mod members;
pub mod openapi;
pub mod page;
pub mod pipeline;
pub mod playbook;
pub mod practice;
pub mod providers;
pub mod realtime;
pub mod routes;
pub mod runs;
pub mod sample;
pub mod sessions;
pub mod sso;
pub mod tenancy;

use edgedesk_kernel::{Database, Product};

pub static PRODUCT: Product = Product {
    name: "coaching",
    title: "Sales coaching",
    database: Some(Database {
        d1_binding: "COACHING_DB",
        sqlite_label: "coaching",
    }),
    observed: None,
    queue: None,
};

/// The product's schema fragment for `/openapi.json`, generated from its
/// routes and types by its tests (`UPDATE_OPENAPI=1` rewrites it).
pub const OPENAPI: &str = include_str!("../openapi.json");
