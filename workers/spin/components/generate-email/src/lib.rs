//! Spin component for `POST /tools/generate_email`.

use edgedesk_service::tools::GenerateEmail;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(GenerateEmail, request));
