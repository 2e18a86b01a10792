//! Spin component for the coaching product's playbook routes
//! (`edgedesk_coaching::routes::Group::Playbook`): clients, products,
//! strategies, rep assignments and practice sessions.

use edgedesk_coaching::routes::{Group, group};
use edgedesk_kernel::Routes;

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Playbook));
    edgedesk_spin::serve_routes(&routes, request).await
});
