//! Spin component for the receptionist's operator routes
//! (`edgedesk_receptionist::routes::Group::Ops`): the metrics, read from
//! the counters every component adds to in the receptionist database.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Ops)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
