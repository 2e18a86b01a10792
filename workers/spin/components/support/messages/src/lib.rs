//! Spin component for the support product's messages routes
//! (`edgedesk_support::routes::Group::Messages`).

use edgedesk_kernel::Routes;
use edgedesk_support::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Messages));
    edgedesk_spin::serve_routes(&routes, request).await
});
