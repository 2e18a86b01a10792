//! Stored documents are input too: a corrupt or hostile export must give
//! TOOL_FAILURE or a sane answer, never a panic or overflow. The first byte
//! picks which of the customer's three documents the rest replaces; the
//! other two are the real sample documents.
#![no_main]

use edgedesk_fuzz::{FuzzPlatform, signed_call};
use edgedesk_copilot::TOOLS;
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 3] = ["usage", "tickets", "contract"];

fuzz_target!(|input: &[u8]| {
    let Some((&which, doc)) = input.split_first() else {
        return;
    };
    let p = FuzzPlatform::default();
    for kind in KINDS {
        let path = format!("{}/../sample_data/{kind}/acme-001.json", env!("CARGO_MANIFEST_DIR"));
        p.blobs
            .borrow_mut()
            .insert(format!("{kind}/acme-001.json"), std::fs::read(path).unwrap());
    }
    let kind = KINDS[usize::from(which) % 3];
    p.blobs
        .borrow_mut()
        .insert(format!("{kind}/acme-001.json"), doc.to_vec());
    for tool in TOOLS {
        let params = if tool.name() == "generate_email" {
            r#"{"purpose":"check_in"}"#
        } else {
            "{}"
        };
        let body = format!(r#"{{"customerId":"acme-001","params":{params}}}"#);
        signed_call(&p, tool.name(), body.as_bytes());
    }
});
