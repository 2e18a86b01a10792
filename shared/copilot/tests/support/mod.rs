//! The kernel's in-memory platform with the copilot's data loaded, and the
//! route table a Worker with only the copilot would serve.
#![allow(dead_code, unused_imports)]

pub use edgedesk_kernel::testing::{NOW_MS, TestPlatform};
use edgedesk_kernel::{Routes, builtin};

/// `sample_data/` and the test fixtures in the blob store, as on workerd.
pub fn with_sample_data() -> TestPlatform {
    edgedesk_e2e::in_process::with_documents(&["sample_data", "tests/fixtures"])
}

pub fn app() -> Routes<TestPlatform> {
    Routes::new()
        .with(builtin::routes())
        .with(edgedesk_copilot::routes::routes())
        .documented(builtin::OPENAPI)
        .documented(edgedesk_copilot::OPENAPI)
}
