//! Spin component for `POST /tools/calculate_health`.

use edgedesk_service::tools::CalculateHealth;
use edgedesk_spin::serve_tool;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve_tool(CalculateHealth, req).await
}
