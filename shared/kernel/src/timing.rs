//! Phase timings, for finding where a request's time goes. Off unless an
//! adapter starts them for a request (`SERVER_TIMING=true`); then the
//! phases are answered in a `Server-Timing` header. Each mark charges the
//! time since the previous one to its phase. Kept per thread: an isolate
//! interleaves concurrent requests at every await, so the figures are for
//! one request at a time (the benchmark's single-connection pass).

use std::cell::RefCell;
use std::fmt::Write;

struct Recorder {
    clock: fn() -> f64,
    last: f64,
    phases: Vec<(&'static str, f64)>,
}

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Starts timing this request with `clock` (milliseconds).
pub fn start(clock: fn() -> f64) {
    RECORDER.with_borrow_mut(|r| {
        *r = Some(Recorder {
            clock,
            last: clock(),
            phases: Vec::new(),
        })
    });
}

/// Ends `phase` now: the time since the previous mark is charged to it.
pub fn mark(phase: &'static str) {
    RECORDER.with_borrow_mut(|r| {
        let Some(r) = r else { return };
        let now = (r.clock)();
        let spent = now - r.last;
        r.last = now;
        match r.phases.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, total)) => *total += spent,
            None => r.phases.push((phase, spent)),
        }
    });
}

/// Stops timing and gives the `Server-Timing` header value, if timing was on.
pub fn finish() -> Option<String> {
    let r = RECORDER.with_borrow_mut(Option::take)?;
    let mut out = String::new();
    for (phase, ms) in r.phases {
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(out, "{phase};dur={ms:.3}");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static NOW: Cell<f64> = const { Cell::new(0.0) };
    }

    fn fake_clock() -> f64 {
        NOW.get()
    }

    #[test]
    fn phases_add_up_and_repeat_marks_accumulate() {
        mark("ignored");
        assert_eq!(finish(), None, "off unless started");
        start(fake_clock);
        NOW.set(1.5);
        mark("read");
        NOW.set(2.0);
        mark("verify");
        NOW.set(2.25);
        mark("read");
        assert_eq!(finish().unwrap(), "read;dur=1.750, verify;dur=0.500");
        assert_eq!(finish(), None);
    }
}
