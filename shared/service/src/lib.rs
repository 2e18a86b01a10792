//! Edgedesk request handling, independent of the runtime. An adapter turns
//! its platform's request into [`Request`], implements the traits in
//! [`platform`] over its stores, and calls [`handle`].

pub mod config;
pub mod cors;
pub mod deadline;
pub mod http;
pub mod llm;
pub mod platform;
pub mod replay;
pub mod tools;

mod routes;

pub use http::{BodyError, MAX_BODY_BYTES, Request, Response, read_body_limited};
pub use routes::{handle, handle_catalogue, handle_tool};
