//! Spin component for the support product's tickets routes
//! (`edgedesk_support::routes::Group::Tickets`).

use edgedesk_kernel::Routes;
use edgedesk_support::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Tickets));
    edgedesk_spin::serve_routes(&routes, request).await
});
