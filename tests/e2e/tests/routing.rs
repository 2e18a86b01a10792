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

#[test]
fn the_application_table_composes() {
    let routes: Routes<TestPlatform> = edgedesk_app::routes();
    let catalogue: Routes<TestPlatform> = edgedesk_app::catalogue();
    assert!(routes.iter().count() > catalogue.iter().count());
    assert!(
        routes
            .iter()
            .any(|r| r.info.path == "/tools/calculate_health")
    );
    // The catalogue serves no tool: those are their own components'.
    assert!(
        !catalogue
            .iter()
            .any(|r| r.info.path == "/tools/calculate_health")
    );
}
