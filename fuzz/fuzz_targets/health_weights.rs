//! `HEALTH_WEIGHTS` parsing: anything that parses sums to 100.
#![no_main]

use edgedesk_core::health::{MEASURES, Weights};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: &str| {
    if let Ok(w) = Weights::parse(spec) {
        let sum: u32 = MEASURES.iter().map(|m| u32::from(w.get(*m))).sum();
        assert_eq!(sum, 100);
    }
});
