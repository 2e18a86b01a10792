//! Spin component for `POST /tools/get_customer_usage`.

use edgedesk_copilot::{GetCustomerUsage, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, GetCustomerUsage>(),
    request
));
