//! The products a deployment serves, composed into one route table. Each
//! product is a cargo feature (all on by default), so a deployment can
//! leave products out and link none of their code.

use edgedesk_kernel::{Platform, Routes, builtin};

/// Every route of every product compiled in: the Cloudflare Worker's table.
pub fn routes<P: Platform>() -> Routes<P> {
    let app = Routes::new()
        .with(builtin::routes())
        .documented(builtin::OPENAPI);
    #[cfg(feature = "copilot")]
    let app = app
        .with(edgedesk_copilot::routes::routes())
        .documented(edgedesk_copilot::OPENAPI);
    app
}

/// The table of the Spin component that answers what no other component
/// does: the platform routes and each product's shared routes, documenting
/// too the routes its sibling components serve.
pub fn catalogue<P: Platform>() -> Routes<P> {
    let app = Routes::new()
        .with(builtin::routes())
        .documented(builtin::OPENAPI);
    #[cfg(feature = "copilot")]
    let app = app
        .with(edgedesk_copilot::routes::catalogue_routes())
        .describing(edgedesk_copilot::routes::tool_infos())
        .documented(edgedesk_copilot::OPENAPI);
    app
}
