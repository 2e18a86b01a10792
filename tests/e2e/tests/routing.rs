//! Composing route tables: a clash is caught when the table is built, which
//! happens once at start and in these tests, never in front of a caller.

use edgedesk_kernel::testing::TestPlatform;
use edgedesk_kernel::{Routes, builtin};

#[test]
#[should_panic(expected = "GET /health is routed twice")]
fn the_same_method_and_path_twice_is_refused() {
    let _ = Routes::<TestPlatform>::new()
        .with(builtin::routes())
        .with(builtin::routes());
}

/// The Spin components together serve what the Worker serves, each route
/// exactly once: the catalogue, the description component, one component
/// per copilot tool, one per support resource group, one per
/// receptionist group, one per sales group and one per coaching group.
#[test]
fn the_spin_components_split_the_worker_table() {
    let worker: Routes<TestPlatform> = edgedesk_app::routes();
    let catalogue: Routes<TestPlatform> = edgedesk_app::catalogue();
    let description: Routes<TestPlatform> = edgedesk_app::description();
    let tools = edgedesk_copilot::routes::tools::<TestPlatform>();
    let support: Vec<_> = edgedesk_support::routes::GROUPS
        .into_iter()
        .flat_map(edgedesk_support::routes::group::<TestPlatform>)
        .collect();
    let receptionist: Vec<_> = edgedesk_receptionist::routes::GROUPS
        .into_iter()
        .flat_map(edgedesk_receptionist::routes::group::<TestPlatform>)
        .collect();
    let sales: Vec<_> = edgedesk_sales::routes::GROUPS
        .into_iter()
        .flat_map(edgedesk_sales::routes::group::<TestPlatform>)
        .collect();
    let coaching: Vec<_> = edgedesk_coaching::routes::GROUPS
        .into_iter()
        .flat_map(edgedesk_coaching::routes::group::<TestPlatform>)
        .collect();
    let mut spin: Vec<(&str, &str)> = catalogue
        .iter()
        .chain(description.iter())
        .chain(tools.iter())
        .chain(support.iter())
        .chain(receptionist.iter())
        .chain(sales.iter())
        .chain(coaching.iter())
        .map(|r| (r.info.method, r.info.path))
        .collect();
    let mut all: Vec<(&str, &str)> = worker
        .iter()
        .map(|r| (r.info.method, r.info.path))
        .collect();
    spin.sort();
    all.sort();
    assert_eq!(spin, all);
    // The catalogue serves no tool and carries no API description; the
    // description component serves only the description.
    assert!(
        !catalogue
            .iter()
            .any(|r| r.info.path == "/tools/calculate_health")
    );
    assert!(!catalogue.iter().any(|r| r.info.path == "/openapi.json"));
    assert!(
        description
            .iter()
            .all(|r| r.info.path == "/openapi.json" || r.info.path == "/docs")
    );
}
