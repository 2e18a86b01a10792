//! Spin component for the receptionist's owners and operator
//! (`edgedesk_receptionist::routes::Group::Owner`): owner accounts, the
//! dashboard and its API, the operator's administration, and feedback.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Owner)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
