//! Spin component for the sales pipeline's data routes
//! (`edgedesk_sales::routes::Group::Data`): stores, API keys, files and
//! their download URLs, uploads' outcomes and store metrics.

use edgedesk_kernel::Routes;
use edgedesk_sales::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Data));
    edgedesk_spin::serve_routes(&routes, request).await
});
