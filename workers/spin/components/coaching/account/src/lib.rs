//! Spin component for the coaching product's account routes
//! (`edgedesk_coaching::routes::Group::Account`): token verification, the
//! caller's profile and organisations, members, feedback and the legal
//! pages.

use edgedesk_coaching::routes::{Group, group};
use edgedesk_kernel::Routes;

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Account));
    edgedesk_spin::serve_routes(&routes, request).await
});
