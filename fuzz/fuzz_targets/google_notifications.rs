//! Google Calendar's push notifications and the calendar relay, with any
//! headers and bodies, against the demo business with a watched channel:
//! only the channel's own id and token get past the door, a refused
//! notification changes nothing, and nothing panics.
#![no_main]

use edgedesk_kernel::Request;
use edgedesk_kernel::platform::SqlStore;
use edgedesk_kernel::testing::TestPlatform;
use edgedesk_receptionist::{PRODUCT, google, sample};
use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;

const CHANNEL: &str = "chan-1";
const TOKEN: &str = "chan-token";

fn salon() -> TestPlatform {
    let p = TestPlatform::new().scoped(&PRODUCT);
    let sql = sample::sql(p.now.get())
        + "UPDATE businesses SET google_calendar_id = 'salon@example.com', \
           google_channel_id = 'chan-1', google_channel_token = 'chan-token', \
           google_message_number = 5;";
    p.with_db(|c| c.execute_batch(&sql)).unwrap().unwrap();
    p
}

fn number(p: &TestPlatform) -> i64 {
    let rows = block_on(p.query("SELECT google_message_number FROM businesses", &[])).unwrap();
    rows[0][0].as_i64().unwrap()
}

fuzz_target!(|input: (bool, bool, &str, &str, &str, &[u8], &str)| {
    let (real_channel, real_token, state, message, auth, body, secret) = input;
    let p = salon();
    let channel = if real_channel { CHANNEL } else { state };
    let token = if real_token { TOKEN } else { message };
    let req = Request::new("POST", "/v1/calendar/google/push")
        .with_header("x-goog-channel-id", channel)
        .with_header("x-goog-channel-token", token)
        .with_header("x-goog-resource-state", state)
        .with_header("x-goog-message-number", message);
    let res = block_on(google::hooks::push(&p, &req));
    let door = channel == CHANNEL && token == TOKEN;
    match res.status {
        404 => assert!(channel != CHANNEL),
        403 => assert!(channel == CHANNEL && token != TOKEN),
        200 | 400 | 502 | 503 => assert!(door, "{}", res.status),
        other => panic!("push answered {other}"),
    }
    if !door || res.status != 200 {
        assert_eq!(number(&p), 5, "a refused or failed notification moved the message number");
    }

    if !secret.is_empty() {
        p.set_var("GOOGLE_WEBHOOK_SECRET", secret);
    }
    let req = Request::new("POST", "/v1/calendar/google/webhook")
        .with_header("authorization", auth)
        .with_header("content-type", "application/json")
        .with_body(body.to_vec());
    let res = block_on(google::hooks::legacy_webhook(&p, &req));
    assert!(matches!(res.status, 200 | 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503), "relay answered {}", res.status);
    if res.status == 200 {
        assert!(!secret.trim().is_empty(), "the relay acted without a secret set");
    }
});
