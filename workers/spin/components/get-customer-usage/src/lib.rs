//! Spin component for `POST /tools/get_customer_usage`.

use edgedesk_service::tools::GetCustomerUsage;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(GetCustomerUsage, request));
