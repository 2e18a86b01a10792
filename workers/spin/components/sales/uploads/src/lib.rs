//! Spin component for the sales pipeline's uploads
//! (`edgedesk_sales::routes::Group::Uploads`): upload URLs, the uploads
//! themselves, processed in the request (Spin has no queue), which starts
//! the day's analysis when the last expected store reports, and downloads
//! through presigned URLs.

use edgedesk_kernel::Routes;
use edgedesk_sales::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Uploads));
    edgedesk_spin::serve_routes(&routes, request).await
});
