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
