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
    #[cfg(feature = "support")]
    let app = app
        .with(edgedesk_support::routes::routes())
        .documented(edgedesk_support::OPENAPI);
    #[cfg(feature = "receptionist")]
    let app = app
        .with(edgedesk_receptionist::routes::routes())
        .documented(edgedesk_receptionist::OPENAPI)
        // Its public routes are rate limited and its requests counted.
        .observed();
    #[cfg(feature = "sales")]
    let app = app
        .with(edgedesk_sales::routes::routes())
        .documented(edgedesk_sales::OPENAPI);
    #[cfg(feature = "coaching")]
    let app = app
        .with(edgedesk_coaching::routes::routes())
        .documented(edgedesk_coaching::OPENAPI);
    app
}

/// A message from one of the products' queues (Cloudflare Queues): the
/// sales pipeline's processing and analysis, and its dead letters.
pub async fn queued<S: edgedesk_kernel::router::Scope>(
    scope: &S,
    queue: &str,
    body: &str,
) -> edgedesk_kernel::platform::Delivery {
    #[cfg(feature = "sales")]
    if queue == edgedesk_sales::QUEUE || queue == edgedesk_sales::DEAD_LETTER_QUEUE {
        let p = scope.scope(&edgedesk_sales::PRODUCT);
        return edgedesk_sales::on_queue_message(&p, queue, body).await;
    }
    let _ = (scope, queue, body);
    // A queue no product compiled in consumes: nothing will ever take it.
    edgedesk_kernel::platform::Delivery::Ack
}

/// The scheduled work of the products compiled in (a Cron Trigger on
/// Cloudflare): the support product's SLA sweep, the receptionist's
/// channel renewals and delivery pruning.
pub async fn scheduled<S: edgedesk_kernel::router::Scope>(scope: &S) {
    #[cfg(feature = "support")]
    {
        let p = scope.scope(&edgedesk_support::PRODUCT);
        // A failed sweep is retried by the next tick; the events it would
        // record are keyed, so nothing is recorded twice.
        let _ = edgedesk_support::sla::sweep(&p).await;
    }
    #[cfg(feature = "receptionist")]
    {
        let p = scope.scope(&edgedesk_receptionist::PRODUCT);
        // Each tick takes what is due; a failed renewal is tried again by
        // the next one, while the old channel still runs.
        let _ = edgedesk_receptionist::upkeep::run(&p).await;
    }
    #[cfg(feature = "sales")]
    {
        let p = scope.scope(&edgedesk_sales::PRODUCT);
        // The day's fallback start, and failed runs resumed; the next tick
        // tries again after a fault.
        let _ = edgedesk_sales::analysis::scheduled(&p).await;
    }
    #[cfg(not(any(feature = "support", feature = "receptionist", feature = "sales")))]
    let _ = scope;
}

/// The table of the Spin component that answers what no other component
/// does: liveness, each product's shared routes (`GET /tools`) and the 404s.
pub fn catalogue<P: Platform>() -> Routes<P> {
    let app = Routes::new().with(builtin::liveness());
    #[cfg(feature = "copilot")]
    let app = app.with(edgedesk_copilot::routes::catalogue_routes());
    app
}

/// The table of the Spin component that serves `/openapi.json` and
/// `/docs`, describing every route of every component. It links no product
/// code, only the products' schema fragments, so products grow it by their
/// description alone.
pub fn description<P: Platform>() -> Routes<P> {
    let app = Routes::new()
        .with(builtin::description())
        .describing(vec![builtin::liveness_info()])
        .documented(builtin::OPENAPI);
    #[cfg(feature = "copilot")]
    let app = app
        .describing(edgedesk_copilot::routes::infos())
        .documented(edgedesk_copilot::OPENAPI);
    #[cfg(feature = "support")]
    let app = app
        .describing(edgedesk_support::routes::infos())
        .documented(edgedesk_support::OPENAPI);
    #[cfg(feature = "receptionist")]
    let app = app
        .describing(edgedesk_receptionist::routes::infos())
        .documented(edgedesk_receptionist::OPENAPI);
    #[cfg(feature = "sales")]
    let app = app
        .describing(edgedesk_sales::routes::infos())
        .documented(edgedesk_sales::OPENAPI);
    #[cfg(feature = "coaching")]
    let app = app
        .describing(edgedesk_coaching::routes::infos())
        .documented(edgedesk_coaching::OPENAPI);
    app
}
