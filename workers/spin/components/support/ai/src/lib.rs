//! Spin component for the support product's AI routes
//! (`edgedesk_support::routes::Group::Ai`): the only support component
//! that may call out, and only to the intelligence service.

use edgedesk_kernel::Routes;
use edgedesk_support::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Ai));
    edgedesk_spin::serve_routes(&routes, request).await
});
