//! Spin component for the receptionist's public chat widget
//! (`edgedesk_receptionist::routes::Group::Widget`): sessions, messages,
//! the script and its demo page.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Widget)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
