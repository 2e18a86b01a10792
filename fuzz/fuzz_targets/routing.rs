//! Any method, path and headers against the whole application's table:
//! routing, CORS and the auth policies must answer with a well-formed
//! response from the documented set, never panic.
#![no_main]

use edgedesk_fuzz::{FuzzPlatform, send};
use edgedesk_kernel::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, Vec<(&str, &str)>, &[u8])| {
    let (method, path, headers, body) = input;
    let mut req = Request::new(method, path).with_body(body.to_vec());
    for (k, v) in headers {
        req = req.with_header(k, v);
    }
    let res = send(&FuzzPlatform::default(), req);
    assert!(
        [200, 204, 400, 401, 403, 404, 405, 413, 500, 504].contains(&res.status),
        "unexpected status {}",
        res.status
    );
    assert!(res.header("x-request-id").is_some());
    let json = res
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"));
    if json && res.status != 200 {
        let v: serde_json::Value = serde_json::from_slice(&res.body).expect("JSON envelope");
        assert_eq!(v["ok"], false);
        assert!(v["error"]["code"].is_string());
    }
});
