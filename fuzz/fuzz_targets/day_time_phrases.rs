//! A customer's message read for a day and a time: any text with any
//! business day never panics, never names a day before today or years
//! ahead, and any time it names lies within the day.
#![no_main]

use edgedesk_receptionist::phrases::{parse_when, say_day, say_time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, i64, bool)| {
    let (text, today, near) = input;
    // Half the runs keep today to years people book in, where days are read.
    let today = if near {
        20_000 + today.rem_euclid(20_000)
    } else {
        today
    };
    let when = parse_when(text, today);
    if let Some(day) = when.day {
        assert!(day >= today, "{day} before {today} for {text:?}");
        assert!(
            day - today < 4 * 366,
            "{day} too far after {today} for {text:?}"
        );
        let _ = say_day(day);
    }
    if let Some(time) = when.time {
        assert!(time < 86_400, "{time} for {text:?}");
        assert_eq!(
            parse_when(&say_time(time), today).time,
            Some(time - time % 60)
        );
    }
});
