//! Spin component for the sales pipeline's daily analysis
//! (`edgedesk_sales::routes::Group::Analysis`): runs (started or resumed
//! on demand, or by an external scheduler: Spin has no cron here),
//! analytics, trends and recommendations.

use edgedesk_kernel::Routes;
use edgedesk_sales::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Analysis));
    edgedesk_spin::serve_routes(&routes, request).await
});
