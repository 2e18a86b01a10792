//! The end-to-end cases from `tests/e2e/cases.json`, run in-process against
//! the service with in-memory stores: the same cases workerd runs.

mod support;

use support::{InProcess, TestPlatform};

#[test]
fn every_shared_case_passes_in_process() {
    let p = TestPlatform::with_sample_data();
    let (passed, failures) = edgedesk_e2e::run_all(&InProcess(&p), "dev-secret");
    assert!(failures.is_empty(), "{failures}");
    assert!(passed >= 60, "only {passed} cases ran");
}
