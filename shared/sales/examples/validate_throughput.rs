//! How fast an upload is checked, summed and written out as gzip NDJSON:
//! the whole of processing but the stores, on one file, best of five.
//!
//!     cargo run --release -p edgedesk-sales --example validate_throughput -- FILE STORE DATE

use edgedesk_sales::metrics::Totals;
use edgedesk_sales::ndjson::{Both, Writer};
use edgedesk_sales::upload::{Expected, check};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, store, date] = args.as_slice() else {
        eprintln!("usage: validate_throughput FILE STORE DATE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(file).expect("the file");
    let mut check_only = f64::MAX;
    let mut full = f64::MAX;
    let mut transactions = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let mut totals = Totals::default();
        let o = check(
            &bytes,
            Expected {
                store_id: store,
                date,
            },
            &mut totals,
        );
        check_only = check_only.min(started.elapsed().as_secs_f64());
        assert!(o.is_valid(), "{:?}", o.errors);
        transactions = o.transactions;
        let started = Instant::now();
        let mut totals = Totals::default();
        let mut writer = Writer::new(store, date);
        check(
            &bytes,
            Expected {
                store_id: store,
                date,
            },
            &mut Both(&mut totals, &mut writer),
        );
        let gz = writer.finish().unwrap();
        full = full.min(started.elapsed().as_secs_f64());
        std::hint::black_box(gz);
    }
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "{{\"bytes\": {}, \"transactions\": {transactions}, \"check_s\": {check_only:.4}, \"check_mb_s\": {:.1}, \"process_s\": {full:.4}, \"process_mb_s\": {:.1}}}",
        bytes.len(),
        mb / check_only,
        mb / full
    );
}
