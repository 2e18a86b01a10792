//! The copilot's end-to-end cases (`tests/e2e/cases/copilot.json`), run
//! in-process with in-memory stores: the same cases workerd and the Spin
//! host run.

mod support;

use edgedesk_e2e::{InProcess, product_cases, run_cases};

#[test]
fn every_copilot_case_passes_in_process() {
    let platform = support::with_sample_data();
    let routes = support::app();
    let cases = product_cases("copilot");
    let transport = InProcess {
        platform: &platform,
        routes: &routes,
    };
    let (passed, failures) = run_cases(&transport, "dev-secret", &cases);
    assert!(failures.is_empty(), "{failures}");
    assert_eq!(passed, cases.len());
    assert!(passed >= 60, "only {passed} cases ran");
}
