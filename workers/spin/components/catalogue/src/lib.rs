//! Spin component for `GET /health` and `GET /tools`.

edgedesk_spin::export_component!(edgedesk_spin::serve_catalogue);
