//! SLA clocks: first response, next response and resolution targets, counted
//! either in every second or in a calendar's business hours. A clock is a
//! plain value updated by returning a new one, so any runtime can store it
//! and recompute its status and deadline from the same numbers.

use crate::calendar::Calendar;

/// How a clock counts time: every second ([`Wall`]) or the open seconds of a
/// [`Calendar`].
pub trait Measure {
    /// Counted seconds in [from, to); 0 when to <= from.
    fn elapsed(&self, from: i64, to: i64) -> i64;
    /// The earliest instant by which `secs` seconds have been counted from
    /// `from`; None when that never happens.
    fn advance(&self, from: i64, secs: i64) -> Option<i64>;
}

/// Every second counts, day or night.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wall;

impl Measure for Wall {
    fn elapsed(&self, from: i64, to: i64) -> i64 {
        to.saturating_sub(from).max(0)
    }

    fn advance(&self, from: i64, secs: i64) -> Option<i64> {
        from.checked_add(secs.max(0))
    }
}

impl Measure for Calendar {
    fn elapsed(&self, from: i64, to: i64) -> i64 {
        self.open_seconds(from, to)
    }

    fn advance(&self, from: i64, secs: i64) -> Option<i64> {
        self.add_open_seconds(from, secs)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    AtRisk,
    Breached,
    Met,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::AtRisk,
        Status::Breached,
        Status::Met,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::AtRisk => "at_risk",
            Status::Breached => "breached",
            Status::Met => "met",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One SLA clock (first response, next response or resolution). Paused time
/// is counted in the clock's measure: a pause over a weekend of a business
/// hours clock pauses nothing, as the weekend did not count anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub started_at: i64,
    pub target_secs: i64,
    /// At this share of the target, in percent, the clock is at risk.
    pub warning_percent: u8,
    /// Counted seconds of pauses that have ended.
    pub paused_secs: i64,
    pub paused_since: Option<i64>,
    pub satisfied_at: Option<i64>,
}

impl Clock {
    pub fn new(started_at: i64, target_secs: i64, warning_percent: u8) -> Clock {
        Clock {
            started_at,
            target_secs,
            warning_percent,
            paused_secs: 0,
            paused_since: None,
            satisfied_at: None,
        }
    }

    /// Counted seconds at `now`: measure time from start to min(now,
    /// satisfied_at), less paused_secs, less the open pause (paused_since..now),
    /// never negative.
    pub fn counted(&self, m: &impl Measure, now: i64) -> i64 {
        let end = self.satisfied_at.map_or(now, |s| s.min(now));
        let open_pause = self.paused_since.map_or(0, |p| m.elapsed(p, end));
        m.elapsed(self.started_at, end)
            .saturating_sub(self.paused_secs)
            .saturating_sub(open_pause)
            .max(0)
    }

    /// Counted seconds at which the clock is at risk:
    /// ceil(target * warning_percent / 100).
    pub fn warning_secs(&self) -> i64 {
        let t = i128::from(self.target_secs.max(0)) * i128::from(self.warning_percent);
        let secs = (t + 99) / 100;
        secs.min(i128::from(i64::MAX)) as i64
    }

    /// When counted reaches target_secs, given pauses so far (an open pause
    /// keeps pushing it: it is computed as if the pause ended at `now`).
    /// None when the measure never reaches it.
    pub fn deadline(&self, m: &impl Measure, now: i64) -> Option<i64> {
        self.reaches(m, now, self.target_secs)
    }

    /// When counted reaches the warning threshold, [`Clock::warning_secs`].
    pub fn warning_at(&self, m: &impl Measure, now: i64) -> Option<i64> {
        self.reaches(m, now, self.warning_secs())
    }

    /// The earliest instant at which `secs` are counted, an open pause
    /// ending at `now`.
    fn reaches(&self, m: &impl Measure, now: i64, secs: i64) -> Option<i64> {
        let secs = secs.max(0);
        let before_pause = self.paused_secs.saturating_add(secs);
        let Some(paused_since) = self.paused_since else {
            return m.advance(self.started_at, before_pause);
        };
        // Reached before the pause began: the pause does not move it.
        if m.elapsed(self.started_at, paused_since) >= before_pause {
            return m.advance(self.started_at, before_pause);
        }
        let pause = m.elapsed(paused_since, now);
        m.advance(self.started_at, before_pause.saturating_add(pause))
    }

    /// Satisfied: Met when counted(satisfied_at) < target, else Breached (a
    /// late one stays breached). Not satisfied: Breached when counted(now) >=
    /// target, AtRisk when counted(now) >= the warning threshold, else Pending.
    pub fn status(&self, m: &impl Measure, now: i64) -> Status {
        if let Some(at) = self.satisfied_at {
            return if self.counted(m, at) < self.target_secs {
                Status::Met
            } else {
                Status::Breached
            };
        }
        let counted = self.counted(m, now);
        if counted >= self.target_secs {
            Status::Breached
        } else if counted >= self.warning_secs() {
            Status::AtRisk
        } else {
            Status::Pending
        }
    }

    /// Stops counting from `now`; no-op when already paused or satisfied.
    pub fn pause(self, now: i64) -> Clock {
        if self.paused_since.is_some() || self.satisfied_at.is_some() {
            return self;
        }
        Clock {
            paused_since: Some(now),
            ..self
        }
    }

    /// Adds measure.elapsed(paused_since, now) to paused_secs; no-op when
    /// not paused.
    pub fn resume(self, m: &impl Measure, now: i64) -> Clock {
        let Some(since) = self.paused_since else {
            return self;
        };
        Clock {
            paused_secs: self.paused_secs.saturating_add(m.elapsed(since, now)),
            paused_since: None,
            ..self
        }
    }

    /// Ends an open pause, then records satisfied_at = now; no-op if already
    /// satisfied.
    pub fn satisfy(self, m: &impl Measure, now: i64) -> Clock {
        if self.satisfied_at.is_some() {
            return self;
        }
        Clock {
            satisfied_at: Some(now),
            ..self.resume(m, now)
        }
    }

    /// A new target (the ticket's priority or the policy changed): keeps the
    /// start and the pauses; a satisfied clock is unchanged. The status
    /// follows the new target, so raising it can take a breached clock back
    /// to at risk or pending: the breach was against a target that no longer
    /// applies.
    pub fn retarget(self, target_secs: i64, warning_percent: u8) -> Clock {
        if self.satisfied_at.is_some() {
            return self;
        }
        Clock {
            target_secs,
            warning_percent,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DAY, Span, day_number};
    use crate::zone::Zone;
    use alloc::vec;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    const HOUR: i64 = 3600;

    fn rank(s: Status) -> u8 {
        match s {
            Status::Pending => 0,
            Status::AtRisk => 1,
            Status::Breached => 2,
            Status::Met => 3,
        }
    }

    /// 09:00-17:00 Monday to Friday in New York.
    fn office() -> Calendar {
        let week = core::array::from_fn(|d| {
            if d < 5 {
                vec![Span::hours(9, 17)]
            } else {
                vec![]
            }
        });
        Calendar::new(Zone::parse("America/New_York").unwrap(), week, vec![]).unwrap()
    }

    fn local(c: &Calendar, (y, m, d): (i32, u32, u32), h: i64) -> i64 {
        c.zone.to_utc(day_number(y, m, d) * DAY + h * HOUR)
    }

    #[test]
    fn names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::AtRisk.as_str(), "at_risk");
        assert_eq!(Status::parse("late"), None);
    }

    #[test]
    fn wall_clock() {
        let c = Clock::new(1_000, 4 * HOUR, 75);
        assert_eq!(c.deadline(&Wall, 1_000), Some(1_000 + 4 * HOUR));
        assert_eq!(c.warning_at(&Wall, 1_000), Some(1_000 + 3 * HOUR));
        assert_eq!(c.status(&Wall, 1_000), Status::Pending);
        assert_eq!(c.status(&Wall, 1_000 + 3 * HOUR), Status::AtRisk);
        assert_eq!(c.status(&Wall, 1_000 + 4 * HOUR), Status::Breached);
        // Paused an hour: everything moves an hour.
        let p = c.pause(2_000).resume(&Wall, 2_000 + HOUR);
        assert_eq!(p.paused_secs, HOUR);
        assert_eq!(p.deadline(&Wall, 0), Some(1_000 + 5 * HOUR));
        // An open pause keeps pushing the deadline.
        let open = c.pause(2_000);
        assert_eq!(
            open.deadline(&Wall, 2_000 + 2 * HOUR),
            Some(1_000 + 6 * HOUR)
        );
        assert_eq!(open.counted(&Wall, 2_000 + 10 * HOUR), 1_000);
        // Met, late, and a late one stays breached.
        assert_eq!(c.satisfy(&Wall, 2_000).status(&Wall, i64::MAX), Status::Met);
        let late = c.satisfy(&Wall, 1_000 + 5 * HOUR);
        assert_eq!(late.status(&Wall, 1_000 + 5 * HOUR), Status::Breached);
        assert_eq!(late.retarget(10 * HOUR, 80), late);
        // Warning threshold rounds up.
        assert_eq!(Clock::new(0, 10, 75).warning_secs(), 8);
        assert_eq!(Clock::new(0, i64::MAX, 255).warning_secs(), i64::MAX);
    }

    #[test]
    fn business_hours_clock() {
        let cal = office();
        // Friday 15:00 with a four-hour target: due Monday 11:00.
        let start = local(&cal, (2026, 3, 6), 15);
        let c = Clock::new(start, 4 * HOUR, 50);
        assert_eq!(c.deadline(&cal, start), Some(local(&cal, (2026, 3, 9), 11)));
        assert_eq!(
            c.warning_at(&cal, start),
            Some(local(&cal, (2026, 3, 6), 17))
        );
        // Paused over the weekend: nothing moves.
        let p = c
            .pause(local(&cal, (2026, 3, 6), 18))
            .resume(&cal, local(&cal, (2026, 3, 9), 8));
        assert_eq!(p.paused_secs, 0);
        assert_eq!(p.deadline(&cal, start), c.deadline(&cal, start));
        // Saturday counts nothing, so Saturday's status is Friday evening's.
        assert_eq!(c.counted(&cal, local(&cal, (2026, 3, 7), 12)), 2 * HOUR);
        assert_eq!(
            c.status(&cal, local(&cal, (2026, 3, 7), 12)),
            Status::AtRisk
        );
    }

    #[test]
    fn raising_the_target_can_lift_a_breach() {
        let c = Clock::new(0, HOUR, 80);
        assert_eq!(c.status(&Wall, 2 * HOUR), Status::Breached);
        assert_eq!(
            c.retarget(4 * HOUR, 80).status(&Wall, 2 * HOUR),
            Status::Pending
        );
        assert_eq!(
            c.retarget(4 * HOUR, 40).status(&Wall, 2 * HOUR),
            Status::AtRisk
        );
    }

    #[test]
    fn no_ops() {
        let c = Clock::new(0, HOUR, 80);
        assert_eq!(c.resume(&Wall, 100), c);
        let p = c.pause(10);
        assert_eq!(p.pause(20), p);
        let s = c.satisfy(&Wall, 50);
        assert_eq!(s.satisfy(&Wall, 60), s);
        assert_eq!(s.pause(70), s);
        // Satisfying ends an open pause first.
        let ps = p.satisfy(&Wall, 30);
        assert_eq!(
            (ps.paused_secs, ps.paused_since, ps.satisfied_at),
            (20, None, Some(30))
        );
        let never = Calendar::new(Zone::UTC, core::array::from_fn(|_| vec![]), vec![]).unwrap();
        assert_eq!(c.deadline(&never, 0), None);
        assert_eq!(c.status(&never, i64::MAX), Status::Pending);
    }

    fn calendar() -> impl Strategy<Value = Calendar> {
        let zone = prop_oneof![
            Just("-06:00"),
            Just("America/New_York"),
            Just("Europe/Berlin"),
            Just("Australia/Lord_Howe"),
            Just("Pacific/Chatham"),
        ];
        let day = prop_oneof![
            1 => Just(vec![]),
            3 => (0u32..20, 1u32..=4).prop_map(|(s, len)| vec![Span::hours(s, s + len)]),
            1 => Just(vec![Span::hours(9, 12), Span::hours(13, 17)]),
        ];
        let holidays = proptest::collection::vec(START / DAY..START / DAY + 60, 0..5);
        (zone, proptest::array::uniform7(day), holidays).prop_map(|(z, week, holidays)| {
            Calendar::new(Zone::parse(z).unwrap(), week, holidays).unwrap()
        })
    }

    /// 2026-03-01: the month the northern clocks go forward.
    const START: i64 = 1_772_323_200;

    fn clock() -> impl Strategy<Value = Clock> {
        (START..START + 30 * DAY, 1i64..3 * DAY, 0u8..=100)
            .prop_map(|(start, target, warn)| Clock::new(start, target, warn))
    }

    /// Instants after a start, increasing.
    fn times(start: i64) -> Vec<i64> {
        (0..200).map(|i| start - HOUR + i * 997 * 7).collect()
    }

    fn check_monotonic(m: &impl Measure, c: Clock) -> Result<(), TestCaseError> {
        let mut last = Status::Pending;
        let mut counted = 0;
        for t in times(c.started_at) {
            let s = c.status(m, t);
            prop_assert!(rank(s) >= rank(last), "{last:?} then {s:?} at {t}");
            prop_assert!(s != Status::Met);
            let n = c.counted(m, t);
            prop_assert!(n >= counted && n >= 0);
            last = s;
            counted = n;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn status_only_moves_forward(c in clock(), cal in calendar()) {
            check_monotonic(&Wall, c)?;
            check_monotonic(&cal, c)?;
        }

        #[test]
        fn deadline_is_the_first_breached_second(c in clock(), cal in calendar()) {
            let d = c.deadline(&Wall, c.started_at).unwrap();
            prop_assert_eq!(d, c.started_at + c.target_secs);
            prop_assert_ne!(c.status(&Wall, d - 1), Status::Breached);
            prop_assert_eq!(c.status(&Wall, d), Status::Breached);
            if let Some(d) = c.deadline(&cal, c.started_at) {
                prop_assert_ne!(c.status(&cal, d - 1), Status::Breached);
                prop_assert_eq!(c.status(&cal, d), Status::Breached);
            }
            if let Some(w) = c.warning_at(&cal, c.started_at) {
                prop_assert_eq!(c.counted(&cal, w), c.warning_secs());
                prop_assert!(c.warning_secs() == 0 || c.counted(&cal, w - 1) < c.warning_secs());
            }
        }

        #[test]
        fn pauses_push_wall_deadlines_by_their_length(
            c in clock(), at in 0i64..DAY, d1 in 0i64..DAY, gap in 0i64..DAY, d2 in 0i64..DAY,
        ) {
            let p1 = c.started_at + at;
            let once = c.pause(p1).resume(&Wall, p1 + d1);
            prop_assert_eq!(once.deadline(&Wall, 0), Some(c.started_at + c.target_secs + d1));
            let p2 = p1 + d1 + gap;
            let twice = once.pause(p2).resume(&Wall, p2 + d2);
            prop_assert_eq!(twice.paused_secs, d1 + d2);
            prop_assert_eq!(twice.deadline(&Wall, 0), Some(c.started_at + c.target_secs + d1 + d2));
            // While paused, counted stands still.
            let paused = once.pause(p2);
            prop_assert_eq!(paused.counted(&Wall, p2), paused.counted(&Wall, p2 + d2));
            // No-ops.
            prop_assert_eq!(paused.pause(p2 + 1), paused);
            prop_assert_eq!(once.resume(&Wall, p2), once);
        }

        #[test]
        fn closed_pauses_do_not_move_calendar_deadlines(c in clock(), cal in calendar(), at in 0i64..7 * DAY, len in 0i64..DAY) {
            let p = c.started_at + at;
            if cal.open_seconds(p, p + len) == 0 {
                let paused = c.pause(p).resume(&cal, p + len);
                prop_assert_eq!(paused.paused_secs, 0);
                prop_assert_eq!(paused.deadline(&cal, 0), c.deadline(&cal, 0));
            }
            let paused = c.pause(p).resume(&cal, p + len);
            prop_assert_eq!(paused.paused_secs, cal.open_seconds(p, p + len));
        }

        #[test]
        fn satisfied_stays(c in clock(), cal in calendar(), at in 0i64..4 * DAY, later in 0i64..30 * DAY) {
            check_satisfied(&Wall, c, c.started_at + at, later)?;
            check_satisfied(&cal, c, c.started_at + at, later)?;
        }

        #[test]
        fn raising_the_target_never_worsens_status(c in clock(), extra in 0i64..DAY, now in 0i64..4 * DAY) {
            let now = c.started_at + now;
            let raised = c.retarget(c.target_secs + extra, c.warning_percent);
            prop_assert!(rank(raised.status(&Wall, now)) <= rank(c.status(&Wall, now)));
            prop_assert_eq!(raised.started_at, c.started_at);
        }
    }

    /// Satisfied at `t`: Met before the deadline, Breached from it on, and
    /// the same forever after.
    fn check_satisfied(
        m: &impl Measure,
        c: Clock,
        t: i64,
        later: i64,
    ) -> Result<(), TestCaseError> {
        let s = c.satisfy(m, t);
        let expected = match c.deadline(m, c.started_at) {
            Some(d) if t >= d => Status::Breached,
            _ => Status::Met,
        };
        prop_assert_eq!(s.status(m, t), expected);
        prop_assert_eq!(s.status(m, t + later), expected);
        prop_assert_eq!(s.counted(m, t + later), s.counted(m, t));
        Ok(())
    }
}
