//! Spin component for `POST /tools/calculate_health`.

use edgedesk_service::tools::CalculateHealth;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(CalculateHealth, request));
