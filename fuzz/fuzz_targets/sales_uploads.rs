//! A store's upload as anything might send it: any bytes through the
//! streaming check, which must never panic, keep at most its bound of
//! errors, hand on only transactions of a valid file's count, and write
//! processed output that reads back line for line; and any presigned URL,
//! which must be accepted only with the genuine signature.
#![no_main]

use edgedesk_core::presigned::{Grant, check as check_grant};
use edgedesk_sales::metrics::Totals;
use edgedesk_sales::ndjson::{Both, Writer};
use edgedesk_sales::upload::{Expected, MAX_ERRORS, check};
use libfuzzer_sys::fuzz_target;
use std::io::Read;

fuzz_target!(|input: (&[u8], &str, i64, u64, &str)| {
    let (body, path, expires, max_bytes, signature) = input;
    let mut totals = Totals::default();
    let mut writer = Writer::new("store-001", "2026-11-02");
    let o = check(
        body,
        Expected {
            store_id: "store-001",
            date: "2026-11-02",
        },
        &mut Both(&mut totals, &mut writer),
    );
    assert!(o.errors.len() <= MAX_ERRORS);
    assert!(o.errors.len() <= o.error_count);
    if o.is_valid() {
        assert_eq!(totals.transactions as usize, o.transactions);
        let lines = writer.lines();
        let gz = writer.finish().expect("writing into memory");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .expect("the processed file reads back");
        assert_eq!(text.lines().count() as u64, lines);
    }

    let grant = Grant {
        method: "PUT",
        path,
        expires,
        max_bytes,
    };
    let genuine = grant.sign(b"fuzz-url-secret");
    assert!(check_grant(&grant, b"fuzz-url-secret", &genuine, expires).is_ok());
    if signature != genuine {
        assert!(check_grant(&grant, b"fuzz-url-secret", signature, i64::MIN).is_err());
    }
});
