//! Support operations: the backbone of a support team. Tickets and their
//! conversation threads, agents with roles, assignments, SLA clocks on
//! business hours, and an inbox ordered by an explainable urgency score.
//!
//! Layout, as in every product crate: [`routes`] (the route table),
//! [`model`] (what the API reads and writes), [`store`] (the database), and
//! one module per piece of logic.

pub mod access;
pub mod agents;
pub mod ai;
pub mod assignments;
pub mod clocks;
/// The kernel's database helpers, under the name the modules use.
pub use edgedesk_kernel::db;
/// The kernel's checked request input, under the name the modules use.
pub use edgedesk_kernel::input;
pub mod inbox;
pub mod messages;
pub mod model;
pub mod openapi;

pub mod quimbi;
pub mod reports;
pub mod roles;
pub mod routes;
pub mod sample;
pub mod session;
pub mod settings;
pub mod sla;
pub mod tickets;
pub mod wire;

use edgedesk_kernel::{Database, Product};

pub static PRODUCT: Product = Product {
    name: "support",
    title: "Support operations",
    database: Some(Database {
        d1_binding: "SUPPORT_DB",
        sqlite_label: "support",
    }),
    observed: None,
    queue: None,
};

/// The product's schema fragment for `/openapi.json`, generated from its
/// routes and types by its tests (`UPDATE_OPENAPI=1` rewrites it).
pub const OPENAPI: &str = include_str!("../openapi.json");
