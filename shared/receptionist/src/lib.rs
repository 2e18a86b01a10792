//! The receptionist: one scheduling assistant for a small business,
//! answering Twilio calls and texts and a web chat widget. It understands
//! what the caller wants, offers free times from the business's hours and
//! calendar, books, moves and cancels appointments, takes messages and
//! hands over to the owner, and keeps Google Calendar in sync both ways.
//!
//! Layout, as in every product crate: [`routes`] (the route table),
//! [`model`] (what the API reads and writes), the database through the
//! kernel's [`db`], and one module per piece of logic. The conversation
//! itself is [`engine`]: pure, no I/O, a state machine the channels feed.

pub mod admin;
pub mod appointments;
pub mod availability;
pub mod business;
pub mod chat;
pub mod classify;
pub mod contacts;
pub mod conversations;
pub mod dashboard;
pub mod deliveries;
pub mod engine;
pub mod feedback;
pub mod google;
pub mod hours;
pub mod model;
pub mod notify;
pub mod openapi;
pub mod ops;
pub mod owner_api;
pub mod owners;
pub mod phrases;
pub mod routes;
pub mod sample;
pub mod speech;
pub mod turn;
pub mod twilio;
pub mod twiml;
pub mod upkeep;
pub mod widget;
pub mod words;

/// The kernel's database helpers, under the name the modules use.
pub use edgedesk_kernel::db;

use edgedesk_kernel::platform::Observed;
use edgedesk_kernel::{Database, Product};

pub static PRODUCT: Product = Product {
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

/// The product's part of the API description, generated from its routes
/// and types by its tests (`UPDATE_OPENAPI=1` rewrites it).
pub const OPENAPI: &str = include_str!("../openapi.json");
