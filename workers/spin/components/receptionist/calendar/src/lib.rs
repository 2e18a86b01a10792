//! Spin component for the receptionist's Google Calendar routes
//! (`edgedesk_receptionist::routes::Group::Calendar`): the push channel,
//! its notifications and the older relay. The only receptionist component
//! that does not text the owner.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Calendar)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
