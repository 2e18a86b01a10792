//! Token buckets, in exact integer arithmetic: `burst` tokens at most,
//! refilled at `per_minute` tokens a minute, one taken by each admitted
//! request. A bucket is a value the caller keeps in one strongly
//! consistent place per key (a Durable Object, one SQLite row); this module
//! only says what the next request finds.
//!
//! Tokens are counted in units of 1/60,000 of a token, so a millisecond
//! adds exactly `per_minute` units and nothing is lost to rounding: over
//! any stretch of time a bucket that starts full admits at most `burst +
//! floor(per_minute × elapsed_ms / 60,000)` requests, and exactly that many
//! when they come as fast as tokens do (a full bucket, like any token
//! bucket, lets what would overflow it go).

/// Units in one token: one a millisecond per token a minute.
pub const UNIT: i64 = 60_000;

/// A bucket's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Tokens added a minute.
    pub per_minute: u32,
    /// The most tokens the bucket holds: the requests a quiet client may
    /// send at once.
    pub burst: u32,
}

impl Limit {
    fn capacity(self) -> i64 {
        i64::from(self.burst) * UNIT
    }
}

/// What a bucket holds, as of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// In [`UNIT`]s of a token, `0..=burst × UNIT`.
    pub units: i64,
    /// Unix milliseconds of the last update.
    pub at_ms: i64,
}

impl Bucket {
    /// A bucket never used yet: full.
    pub fn full(limit: Limit, now_ms: i64) -> Bucket {
        Bucket {
            units: limit.capacity(),
            at_ms: now_ms,
        }
    }

    /// The bucket at `now_ms`, refilled for the time since its update. A
    /// clock behind the bucket's (another instance's) refills nothing and
    /// keeps the later instant, so time never runs backwards for a bucket.
    pub fn at(self, limit: Limit, now_ms: i64) -> Bucket {
        let elapsed = now_ms.saturating_sub(self.at_ms).max(0);
        let added = i128::from(elapsed) * i128::from(limit.per_minute);
        let units = (i128::from(self.units.max(0)) + added).min(i128::from(limit.capacity()));
        Bucket {
            // Within 0..=capacity, which fits an i64.
            units: units as i64,
            at_ms: self.at_ms.max(now_ms),
        }
    }

    /// Whole tokens left.
    pub fn tokens(self) -> u32 {
        u32::try_from(self.units / UNIT).unwrap_or(u32::MAX)
    }
}

/// What a request finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Admitted; whole tokens left after it.
    Allowed { remaining: u32 },
    /// Refused; the wait until a token is there.
    Limited { retry_after_ms: i64 },
}

impl Decision {
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// Takes a token for a request at `now_ms` from `bucket` (`None`: never
/// used), giving the bucket to keep and the decision. A refused request
/// takes nothing, so refusals never push the next admission further off.
pub fn take(limit: Limit, bucket: Option<Bucket>, now_ms: i64) -> (Bucket, Decision) {
    let b = bucket.map_or_else(|| Bucket::full(limit, now_ms), |b| b.at(limit, now_ms));
    if b.units >= UNIT {
        let after = Bucket {
            units: b.units - UNIT,
            ..b
        };
        return (
            after,
            Decision::Allowed {
                remaining: after.tokens(),
            },
        );
    }
    (
        b,
        Decision::Limited {
            retry_after_ms: wait_ms(limit, b),
        },
    )
}

/// Milliseconds until the bucket holds a whole token (a bucket that never
/// refills waits forever: `i64::MAX`).
pub fn wait_ms(limit: Limit, b: Bucket) -> i64 {
    let missing = UNIT - b.units;
    if missing <= 0 {
        return 0;
    }
    if limit.per_minute == 0 || limit.burst == 0 {
        return i64::MAX;
    }
    (missing + i64::from(limit.per_minute) - 1) / i64::from(limit.per_minute)
}

/// `Retry-After` in whole seconds, rounded up: waiting that long always
/// finds a token (when nothing else took it first).
pub fn retry_after_secs(retry_after_ms: i64) -> i64 {
    retry_after_ms.saturating_add(999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    const T0: i64 = 1_795_348_800_000;

    fn run(limit: Limit, times: &[i64]) -> Vec<Decision> {
        let mut bucket = None;
        times
            .iter()
            .map(|&t| {
                let (b, d) = take(limit, bucket, t);
                bucket = Some(b);
                d
            })
            .collect()
    }

    #[test]
    fn a_burst_then_the_rate() {
        let limit = Limit {
            per_minute: 120,
            burst: 20,
        };
        let at_once = run(limit, &[T0; 25]);
        assert_eq!(at_once.iter().filter(|d| d.allowed()).count(), 20);
        // Two tokens a second: the 21st waits 500 ms.
        assert_eq!(
            at_once[20],
            Decision::Limited {
                retry_after_ms: 500
            }
        );
        assert_eq!(retry_after_secs(500), 1);
        let mut times = alloc::vec![T0; 20];
        times.extend([T0 + 499, T0 + 500, T0 + 999, T0 + 1000]);
        let d = run(limit, &times);
        assert!(!d[20].allowed());
        assert!(d[21].allowed());
        assert!(!d[22].allowed());
        assert!(d[23].allowed());
    }

    #[test]
    fn odd_rates_do_not_drift() {
        // 7 a minute: one every 8,571.43 ms. Asked every millisecond for an
        // hour, exactly the burst and 420 more.
        let limit = Limit {
            per_minute: 7,
            burst: 2,
        };
        let times: Vec<i64> = (0..=3_600_000).map(|ms| T0 + ms).collect();
        let admitted = run(limit, &times).iter().filter(|d| d.allowed()).count();
        assert_eq!(admitted, 2 + 420);
    }

    #[test]
    fn zero_limits_refuse_and_say_so() {
        let none = Limit {
            per_minute: 0,
            burst: 0,
        };
        assert_eq!(
            take(none, None, T0).1,
            Decision::Limited {
                retry_after_ms: i64::MAX
            }
        );
        assert_eq!(retry_after_secs(i64::MAX), i64::MAX / 1000);
    }

    #[test]
    fn a_clock_behind_the_bucket_refills_nothing() {
        let limit = Limit {
            per_minute: 60,
            burst: 1,
        };
        let (b, d) = take(limit, None, T0 + 5_000);
        assert!(d.allowed());
        // Another instance whose clock is 5 s behind.
        let (b2, d2) = take(limit, Some(b), T0);
        assert!(!d2.allowed());
        assert_eq!(b2.at_ms, T0 + 5_000);
        assert!(take(limit, Some(b2), T0 + 6_000).1.allowed());
    }

    proptest! {
        /// However requests fall, a bucket that starts full admits at most
        /// burst + floor(rate × span / 60,000), and exactly that many when
        /// requests come at least as fast as tokens do (here once a
        /// millisecond, for rates up to a token a millisecond) and the
        /// bucket never overflows (room for more than one token). A bucket
        /// that holds nothing (burst 0) admits nothing.
        #[test]
        fn admits_exactly_burst_plus_rate_times_elapsed(
            per_minute in 0u32..=60_000,
            burst in 0u32..200,
            gaps in proptest::collection::vec(0i64..5_000, 1..400),
        ) {
            let limit = Limit { per_minute, burst };
            let mut t = T0;
            let times: Vec<i64> = gaps.iter().map(|g| { t += g; t }).collect();
            let admitted = run(limit, &times).iter().filter(|d| d.allowed()).count() as i64;
            let span = times[times.len() - 1] - times[0];
            let bound = i64::from(burst) + i64::from(per_minute) * span / 60_000;
            prop_assert!(admitted <= bound, "{admitted} > {bound}");
            // Dense traffic (every millisecond) takes every token made.
            let dense: Vec<i64> = (0..=span.min(3_000)).map(|ms| T0 + ms).collect();
            let taken = run(limit, &dense).iter().filter(|d| d.allowed()).count() as i64;
            let made = match burst {
                0 => 0,
                _ => i64::from(burst) + i64::from(per_minute) * (dense.len() as i64 - 1) / 60_000,
            };
            if burst != 1 {
                prop_assert_eq!(taken, made.min(dense.len() as i64));
            } else {
                prop_assert!(taken <= made);
            }
        }

        /// A refused request is told exactly how long to wait: one
        /// millisecond sooner it is still refused, then it is admitted.
        #[test]
        fn retry_after_is_exact(per_minute in 1u32..100_000, burst in 1u32..50, extra in 1usize..20) {
            let limit = Limit { per_minute, burst };
            let mut bucket = None;
            let mut last = None;
            for _ in 0..(burst as usize + extra) {
                let (b, d) = take(limit, bucket, T0);
                bucket = Some(b);
                last = Some(d);
            }
            let Some(Decision::Limited { retry_after_ms }) = last else {
                return Err(TestCaseError::fail("the bucket should be empty"));
            };
            prop_assert!(retry_after_ms >= 1);
            prop_assert!(!take(limit, bucket, T0 + retry_after_ms - 1).1.allowed());
            prop_assert!(take(limit, bucket, T0 + retry_after_ms).1.allowed());
            // The header's whole seconds are never too short.
            prop_assert!(retry_after_secs(retry_after_ms) * 1000 >= retry_after_ms);
        }

        /// The bucket never holds more than its burst or less than nothing,
        /// and refused requests cost nothing.
        #[test]
        fn stays_within_its_bounds(
            per_minute in 0u32..1_000_000,
            burst in 0u32..1_000,
            steps in proptest::collection::vec(-10_000i64..10_000_000, 1..100),
        ) {
            let limit = Limit { per_minute, burst };
            let mut bucket: Option<Bucket> = None;
            let mut t = T0;
            for step in steps {
                t = t.saturating_add(step);
                let before = bucket.map(|b| b.at(limit, t));
                let (b, d) = take(limit, bucket, t);
                prop_assert!((0..=limit.capacity()).contains(&b.units));
                if !d.allowed() {
                    prop_assert_eq!(Some(b), before.or(Some(b)));
                }
                bucket = Some(b);
            }
        }
    }
}
