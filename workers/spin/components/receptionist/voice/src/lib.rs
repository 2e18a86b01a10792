//! Spin component for the receptionist's Twilio calls
//! (`edgedesk_receptionist::routes::Group::Voice`): the greeting, each
//! turn and the status callbacks, under all four Twilio prefixes. A booking
//! texts the owner through Twilio's API and is written to Google Calendar.

use edgedesk_kernel::Routes;
use edgedesk_receptionist::routes::{Group, group};

edgedesk_spin::export_component!(|request| async move {
    let routes = Routes::new().with(group(Group::Voice)).observed();
    edgedesk_spin::serve_routes(&routes, request).await
});
