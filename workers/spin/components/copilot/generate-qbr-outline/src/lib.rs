//! Spin component for `POST /tools/generate_qbr_outline`.

use edgedesk_copilot::{GenerateQbrOutline, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, GenerateQbrOutline>(),
    request
));
