//! What `edgedesk-cli` does that other tests drive directly: the uptime
//! checks of a live deployment.

pub mod uptime;
