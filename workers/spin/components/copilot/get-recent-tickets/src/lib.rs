//! Spin component for `POST /tools/get_recent_tickets`.

use edgedesk_copilot::{GetRecentTickets, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, GetRecentTickets>(),
    request
));
