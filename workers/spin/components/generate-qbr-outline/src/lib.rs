//! Spin component for `POST /tools/generate_qbr_outline`.

use edgedesk_service::tools::GenerateQbrOutline;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(GenerateQbrOutline, request));
