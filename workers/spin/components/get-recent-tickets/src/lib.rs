//! Spin component for `POST /tools/get_recent_tickets`.

use edgedesk_service::tools::GetRecentTickets;
use edgedesk_spin::serve_tool;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve_tool(GetRecentTickets, req).await
}
