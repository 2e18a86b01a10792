//! Spin component for the support product's sla routes
//! (`edgedesk_support::routes::Group::Sla`).

use edgedesk_kernel::Routes;
use edgedesk_support::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Sla));
    edgedesk_spin::serve_routes(&routes, request).await
});
