//! The support API's request input: any query string and any JSON body
//! through the product's field checks, and any time text through its
//! ISO 8601 reader, never panic; an accepted time prints back as itself.
#![no_main]

use edgedesk_kernel::Request;
use edgedesk_support::input::Input;
use edgedesk_support::wire::{iso, parse_time};
use libfuzzer_sys::fuzz_target;

const FIELDS: [&str; 5] = ["status", "limit", "page", "topic_alerts", "from"];

fuzz_target!(|input: (&str, &[u8], &str)| {
    let (query, body, time) = input;
    let req = Request::new("GET", &format!("/api/tickets?{query}")).with_body(body.to_vec());
    if let Ok(q) = Input::query(&req, &FIELDS) {
        let _ = q.int("limit", 1, 100);
        let _ = q.text("topic_alerts", 2000);
        let _ = q.choice("status", &["open", "closed"]);
    }
    if let Ok(b) = Input::body(&req, &FIELDS) {
        let _ = b.text_list("topic_alerts", 20, 60);
        let _ = b.number("page", 0.0, 1.0);
        let _ = b.boolean("status");
    }
    if let Ok(ms) = parse_time("from", time) {
        assert_eq!(parse_time("from", &iso(ms)), Ok(ms));
    }
});
