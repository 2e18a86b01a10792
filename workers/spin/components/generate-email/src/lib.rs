//! Spin component for `POST /tools/generate_email`.

use edgedesk_service::tools::GenerateEmail;
use edgedesk_spin::serve_tool;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve_tool(GenerateEmail, req).await
}
