//! Spin component for `POST /tools/get_contract_info`.

use edgedesk_service::tools::GetContractInfo;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(GetContractInfo, request));
