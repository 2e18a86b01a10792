//! Spin component for `POST /tools/generate_email`.

use edgedesk_copilot::{GenerateEmail, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, GenerateEmail>(),
    request
));
