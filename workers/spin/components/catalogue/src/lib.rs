//! Spin component for everything that is not a route of its own component:
//! `GET /health`, `/openapi.json` and `/docs` (describing every component's
//! routes), each product's shared routes (`GET /tools`), and the 404s.

edgedesk_spin::export_component!(|request| async move {
    let routes = edgedesk_app::catalogue();
    edgedesk_spin::serve_routes(&routes, request).await
});
