//! What `edgedesk-cli` does that other tests drive directly: the uptime
//! checks of a live deployment, the sales pipeline's uploads, and a
//! practice conversation with the coach.

pub mod coach;
pub mod sales;
pub mod uptime;
