//! Edgedesk core: the parts every runtime shares and that need nothing from a
//! platform. `no_std` + `alloc` so the same code runs in a Worker, a Spin
//! component and native tests, and CI proves it by building for
//! `wasm32-unknown-unknown` without `std`.
#![no_std]

extern crate alloc;

pub mod calendar;
pub mod envelope;
pub mod health;
pub mod ids;
pub mod jwt;
pub mod presigned;
pub mod sentiment;
pub mod signing;
pub mod sla;
pub mod smart_score;
pub mod stats;
pub mod token_bucket;
pub mod twilio;
pub mod zone;
