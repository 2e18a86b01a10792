//! Spin component for what no other component answers: `GET /health`, each
//! product's shared routes (`GET /tools`), and the 404s.

edgedesk_spin::export_component!(|request| async move {
    let routes = edgedesk_app::catalogue();
    edgedesk_spin::serve_routes(&routes, request).await
});
