//! Spin component for the receptionist's signed calls
//! (`edgedesk_receptionist::routes::Group::Chat`): chat for a signed client
//! and the provider-neutral voice turn.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Chat)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
