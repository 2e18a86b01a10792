//! Any body, correctly signed, against every tool: parsing and validation
//! must answer with an envelope, never panic.
#![no_main]

use edgedesk_fuzz::{FuzzPlatform, signed_call};
use edgedesk_copilot::TOOLS;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &[u8])| {
    let (which, body) = input;
    let p = FuzzPlatform::default();
    for kind in ["usage", "tickets", "contract"] {
        let path = format!("{}/../sample_data/{kind}/acme-001.json", env!("CARGO_MANIFEST_DIR"));
        p.blobs
            .borrow_mut()
            .insert(format!("{kind}/acme-001.json"), std::fs::read(path).unwrap());
    }
    let tool = TOOLS[usize::from(which) % TOOLS.len()];
    signed_call(&p, tool.name(), body);
});
