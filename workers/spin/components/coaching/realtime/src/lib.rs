//! Spin component for the coaching product's realtime routes
//! (`edgedesk_coaching::routes::Group::Realtime`). Spin has no inbound
//! WebSocket, so the coach's protocol runs over HTTP here:
//! `POST /api/v1/realtime/messages` answers each message's frames as
//! server-sent events, written as they are made (a reply's tokens as the
//! model streams them). The pipeline's record and `GET /ws` (426) are
//! served from the table.

use edgedesk_coaching::realtime::{self, http};
use edgedesk_coaching::routes::{Group, group};
use edgedesk_kernel::{MAX_BODY_BYTES, Routes};
use edgedesk_spin::SpinPlatform;

edgedesk_spin::export_component!(|request| async move {
    if !edgedesk_spin::is(&request, "POST", "/api/v1/realtime/messages") {
        let routes = Routes::new().with(group(Group::Realtime));
        return edgedesk_spin::serve_routes(&routes, request).await;
    }
    let req = edgedesk_spin::read_request(request, |_| MAX_BODY_BYTES).await;
    let p = SpinPlatform::new(&edgedesk_coaching::PRODUCT);
    let (mut conn, text) = match http::open(&p, &req).await {
        Ok(opened) => opened,
        Err(refused) => return edgedesk_spin::write_response(refused),
    };
    edgedesk_spin::event_stream(move |out| async move {
        let p = SpinPlatform::new(&edgedesk_coaching::PRODUCT);
        let link = http::Frames::new(&p, out);
        realtime::handle(&p, &link, &mut conn, &text).await;
    })
});
