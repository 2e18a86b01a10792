//! Spin component for `GET /openapi.json` and `GET /docs`, describing the
//! routes of every component of the application.

edgedesk_spin::export_component!(|request| async move {
    let routes = edgedesk_app::description();
    edgedesk_spin::serve_routes(&routes, request).await
});
