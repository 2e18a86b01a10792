//! Spin component for `POST /tools/calculate_health`.

use edgedesk_copilot::{CalculateHealth, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, CalculateHealth>(),
    request
));
