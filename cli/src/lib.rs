//! What `edgedesk-cli` does that other tests drive directly: the uptime
//! checks of a live deployment, and the sales pipeline's uploads.

pub mod sales;
pub mod uptime;
