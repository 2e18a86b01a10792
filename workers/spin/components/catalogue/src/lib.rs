//! Spin component for `GET /health` and `GET /tools`.

use edgedesk_spin::serve_catalogue;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve_catalogue(req).await
}
