//! Spin component for `POST /tools/get_contract_info`.

use edgedesk_service::tools::GetContractInfo;
use edgedesk_spin::serve_tool;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    serve_tool(GetContractInfo, req).await
}
