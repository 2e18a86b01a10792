//! The copilot tools: HMAC-signed JSON tool calls an AI agent makes to read
//! a customer's usage, tickets and contract, score its health and draft
//! follow-ups.
//!
//! Layout, as in every product crate: [`routes`] (the route table),
//! [`model`] (stored documents and request types), [`store`] (reading
//! them), [`settings`], and one module per piece of logic.

pub mod catalogue;
pub mod email;
pub mod facts;
pub mod grounding;
pub mod health;
pub mod model;
pub mod openapi;
pub mod qbr;
pub mod routes;
mod runners;
pub mod settings;
pub mod store;
pub mod tenths;
pub mod tickets;
pub mod usage;

use edgedesk_kernel::{Database, Product};

pub use catalogue::{TOOLS, Tool};
pub use runners::{
    CalculateHealth, GenerateEmail, GenerateQbrOutline, GetContractInfo, GetCustomerUsage,
    GetRecentTickets, Runner, ToolCall, run,
};

pub static PRODUCT: Product = Product {
    name: "copilot",
    title: "Copilot tools",
    database: Some(Database {
        d1_binding: "COPILOT_DB",
        sqlite_label: "copilot",
    }),
    observed: None,
    queue: None,
};

/// The product's schema fragment for `/openapi.json`, generated from its
/// routes and types by its tests (`UPDATE_OPENAPI=1` rewrites it).
pub const OPENAPI: &str = include_str!("../openapi.json");
