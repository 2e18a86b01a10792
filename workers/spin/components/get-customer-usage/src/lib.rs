//! Spin component for `POST /tools/get_customer_usage`.

use edgedesk_spin::{Mount, serve};
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve(Mount::Tool("get_customer_usage"), req).await
}
