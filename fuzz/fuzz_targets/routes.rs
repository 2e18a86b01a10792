//! Every route in the Worker's table, taken from the table rather than a
//! list kept here: the input picks a route, fills its path parameters and
//! gives its query and body; the call is signed when the route wants a
//! signature. Whatever arrives, the answer must be one of the statuses the
//! route's OpenAPI operation documents, in the error envelope when it is an
//! error, and never a panic. A new product's routes, path parameters and
//! JSON bodies are fuzzed as soon as they join the table.
#![no_main]

use edgedesk_fuzz::{FuzzPlatform, documented_statuses, routes, send, sign};
use edgedesk_kernel::router::match_path;
use edgedesk_kernel::{Auth, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, Vec<&str>, &str, &[u8])| {
    let (which, values, query, body) = input;
    let all = routes();
    let route = all[usize::from(which) % all.len()];
    // Each `{name}` takes the next value; '/' or '?' in a value would leave
    // the template, so they are percent-encoded as a client would.
    let mut values = values.into_iter();
    let path: Vec<String> = route
        .path
        .split('/')
        .map(|segment| match segment.starts_with('{') {
            true => values
                .next()
                .unwrap_or("x")
                .replace('%', "%25")
                .replace('/', "%2F")
                .replace('?', "%3F"),
            false => segment.to_string(),
        })
        .collect();
    let mut target = path.join("/");
    if !query.is_empty() {
        target = format!("{target}?{}", query.replace('#', "%23"));
    }
    let mut req = Request::new(route.method, &target).with_body(body.to_vec());
    if matches!(route.auth, Auth::Signed | Auth::SignedRead) {
        req = sign(req);
    }
    let res = send(&FuzzPlatform::default(), req);
    // A filled path may be another route's too (`/tools/{name}` with a
    // tool's name is that tool's route): what any route that path matches
    // documents is acceptable.
    let path = target.split('?').next().unwrap_or_default();
    let mut documented: Vec<u16> = all
        .iter()
        .filter(|r| match_path(r.path, path).is_some())
        .flat_map(|r| documented_statuses(r))
        .collect();
    // A path no route matches (an empty parameter leaves `/tools/`) is the
    // kernel's: 404, in the envelope checked below.
    if documented.is_empty() {
        documented.push(404);
    }
    assert!(
        documented.contains(&res.status),
        "{} {target}: status {} is not documented ({documented:?})",
        route.method,
        res.status
    );
    if res.status >= 400 {
        let v: serde_json::Value = serde_json::from_slice(&res.body).expect("an error envelope");
        assert_eq!(v["ok"], false);
        assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string());
    }
});
