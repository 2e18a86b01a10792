//! Every product's end-to-end cases, and the platform's, in-process against
//! the whole application's table: the table a Worker with every product
//! serves, on the kernel's in-memory platform.

use edgedesk_e2e::in_process::with_documents;
use edgedesk_e2e::{InProcess, load_cases, run_all};

#[test]
fn every_case_passes_in_process_against_the_whole_application() {
    let platform = with_documents(&["sample_data", "tests/fixtures"]);
    let routes = edgedesk_app::routes();
    let transport = InProcess {
        platform: &platform,
        routes: &routes,
    };
    let (passed, failures) = run_all(&transport, "dev-secret");
    assert!(failures.is_empty(), "{failures}");
    assert_eq!(passed, load_cases().len());
}

#[test]
fn the_support_walk_passes_in_process_against_the_whole_application() {
    use edgedesk_kernel::platform::SqlStore;
    let platform = edgedesk_kernel::testing::TestPlatform::new();
    platform.set_var("SECRET_KEY", edgedesk_e2e::support::SECRET_KEY);
    let dataset = edgedesk_support::sample::dataset(platform.now.get());
    futures::executor::block_on(platform.scoped(&edgedesk_support::PRODUCT).batch(&dataset))
        .unwrap();
    let routes = edgedesk_app::routes();
    edgedesk_e2e::support::scenario(&InProcess {
        platform: &platform,
        routes: &routes,
    });
}
