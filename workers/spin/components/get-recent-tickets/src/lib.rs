//! Spin component for `POST /tools/get_recent_tickets`.

use edgedesk_service::tools::GetRecentTickets;

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_tool(GetRecentTickets, request));
