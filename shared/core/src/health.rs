//! Customer health scoring: weighted measures, each scored 0-100, combined
//! into an overall 0-100 score and a band — the scorecard style used by
//! customer-success platforms. Integer arithmetic only, so every runtime
//! produces the same number for the same inputs.

use serde::Serialize;

/// The measures a health score is built from, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Measure {
    UsageTrend,
    Adoption,
    SupportLoad,
    RenewalProximity,
    PaymentStatus,
}

pub const MEASURES: [Measure; 5] = [
    Measure::UsageTrend,
    Measure::Adoption,
    Measure::SupportLoad,
    Measure::RenewalProximity,
    Measure::PaymentStatus,
];

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::UsageTrend => "usageTrend",
            Measure::Adoption => "adoption",
            Measure::SupportLoad => "supportLoad",
            Measure::RenewalProximity => "renewalProximity",
            Measure::PaymentStatus => "paymentStatus",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        MEASURES.into_iter().find(|m| m.name() == name)
    }
}

/// Weights per measure, in `MEASURES` order, always summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights([u8; 5]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsError {
    /// The weights add up to this instead of 100.
    Sum(u32),
    UnknownMeasure,
    BadNumber,
    Duplicate,
}

impl Weights {
    /// usage trend 25, adoption 25, support load 20, renewal proximity 10, payment 20.
    pub const DEFAULT: Weights = Weights([25, 25, 20, 10, 20]);

    pub fn new(weights: [u8; 5]) -> Result<Self, WeightsError> {
        let sum: u32 = weights.iter().map(|&w| u32::from(w)).sum();
        if sum != 100 {
            return Err(WeightsError::Sum(sum));
        }
        Ok(Weights(weights))
    }

    /// Parses `usageTrend=30,adoption=20,...`; every measure must be named once.
    pub fn parse(spec: &str) -> Result<Self, WeightsError> {
        let mut weights = [None::<u8>; 5];
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or(WeightsError::BadNumber)?;
            let measure = Measure::from_name(name.trim()).ok_or(WeightsError::UnknownMeasure)?;
            let value: u8 = value.trim().parse().map_err(|_| WeightsError::BadNumber)?;
            let slot = &mut weights[measure as usize];
            if slot.replace(value).is_some() {
                return Err(WeightsError::Duplicate);
            }
        }
        let mut out = [0u8; 5];
        for (o, w) in out.iter_mut().zip(weights) {
            *o = w.unwrap_or(0);
        }
        Weights::new(out)
    }

    pub fn get(self, measure: Measure) -> u8 {
        self.0[measure as usize]
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights::DEFAULT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PaymentStatus {
    Current,
    Late,
    Overdue,
    Failed,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] = [Self::Current, Self::Late, Self::Overdue, Self::Failed];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "current" => Some(Self::Current),
            "late" => Some(Self::Late),
            "overdue" => Some(Self::Overdue),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Late => "late",
            Self::Overdue => "overdue",
            Self::Failed => "failed",
        }
    }
}

/// Open tickets by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenTickets {
    pub low: u32,
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

/// What the score is computed from. Ratios are in basis points (1% = 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthInputs {
    /// Change in usage against the previous equal window; `None` when there
    /// is not enough history to compare.
    pub usage_change_bp: Option<i64>,
    /// Average active users over licensed seats.
    pub seat_utilisation_bp: u64,
    pub open_tickets: OpenTickets,
    /// Negative once the renewal date has passed.
    pub days_to_renewal: i64,
    pub payment: PaymentStatus,
}

/// Score given to usage trend when there is no earlier window to compare
/// with: neither a reward nor a penalty for being new.
pub const NEUTRAL_TREND_SCORE: u8 = 60;

/// Usage falling by half or more scores 0, flat scores 70, growth of 20% or
/// more scores 100; linear in between.
pub fn score_usage_trend(change_bp: Option<i64>) -> u8 {
    let Some(bp) = change_bp else {
        return NEUTRAL_TREND_SCORE;
    };
    let score = if bp <= -5000 {
        0
    } else if bp <= 0 {
        70 * (bp + 5000) / 5000
    } else if bp < 2000 {
        70 + 30 * bp / 2000
    } else {
        100
    };
    score as u8
}

/// 80% of seats active on average is full marks; linear below.
pub fn score_adoption(utilisation_bp: u64) -> u8 {
    (utilisation_bp.min(8000) * 100 / 8000) as u8
}

/// Penalty points per open ticket by severity.
pub const SEVERITY_PENALTY: OpenTickets = OpenTickets {
    low: 3,
    medium: 8,
    high: 20,
    critical: 40,
};

/// 100 with no open tickets, minus a penalty per open ticket by severity.
pub fn score_support_load(open: OpenTickets) -> u8 {
    let p = SEVERITY_PENALTY;
    let penalty = u64::from(open.low) * u64::from(p.low)
        + u64::from(open.medium) * u64::from(p.medium)
        + u64::from(open.high) * u64::from(p.high)
        + u64::from(open.critical) * u64::from(p.critical);
    (100 - penalty.min(100)) as u8
}

/// 120+ days out is full marks, falling linearly to 20 on the renewal day;
/// a passed renewal date scores 0.
pub fn score_renewal_proximity(days_to_renewal: i64) -> u8 {
    if days_to_renewal < 0 {
        0
    } else if days_to_renewal >= 120 {
        100
    } else {
        (20 + 80 * days_to_renewal / 120) as u8
    }
}

pub fn score_payment(status: PaymentStatus) -> u8 {
    match status {
        PaymentStatus::Current => 100,
        PaymentStatus::Late => 60,
        PaymentStatus::Overdue => 25,
        PaymentStatus::Failed => 0,
    }
}

/// Band thresholds: green at 70 and above, yellow 40-69, red below 40.
pub const GREEN_FROM: u8 = 70;
pub const YELLOW_FROM: u8 = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Band {
    Red,
    Yellow,
    Green,
}

impl Band {
    pub fn of(score: u8) -> Band {
        if score >= GREEN_FROM {
            Band::Green
        } else if score >= YELLOW_FROM {
            Band::Yellow
        } else {
            Band::Red
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
        }
    }
}

/// One line of the breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureScore {
    pub measure: Measure,
    pub score: u8,
    pub weight: u8,
    /// `score * weight`: the measure's share of the overall score, in
    /// hundredths of a point.
    pub weighted: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthScore {
    pub score: u8,
    pub band: Band,
    pub measures: [MeasureScore; 5],
}

impl HealthScore {
    /// The lowest-scoring measure that carries weight: where to act first.
    pub fn weakest(&self) -> Option<Measure> {
        self.measures
            .iter()
            .filter(|m| m.weight > 0)
            .min_by_key(|m| m.score)
            .map(|m| m.measure)
    }
}

pub fn score(inputs: &HealthInputs, weights: Weights) -> HealthScore {
    let raw = [
        score_usage_trend(inputs.usage_change_bp),
        score_adoption(inputs.seat_utilisation_bp),
        score_support_load(inputs.open_tickets),
        score_renewal_proximity(inputs.days_to_renewal),
        score_payment(inputs.payment),
    ];
    let measures = core::array::from_fn(|i| {
        let weight = weights.0[i];
        MeasureScore {
            measure: MEASURES[i],
            score: raw[i],
            weight,
            weighted: u32::from(raw[i]) * u32::from(weight),
        }
    });
    let total: u32 = measures.iter().map(|m: &MeasureScore| m.weighted).sum();
    // Weights sum to 100, so total / 100 is at most 100; round half up.
    let score = ((total + 50) / 100) as u8;
    HealthScore {
        score,
        band: Band::of(score),
        measures,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Improving,
    Stable,
    Declining,
}

/// A change of less than this many points either way counts as stable.
pub const TREND_DEADBAND: i16 = 3;

pub fn direction(previous: u8, current: u8) -> Direction {
    let delta = i16::from(current) - i16::from(previous);
    if delta >= TREND_DEADBAND {
        Direction::Improving
    } else if delta <= -TREND_DEADBAND {
        Direction::Declining
    } else {
        Direction::Stable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn payment() -> impl Strategy<Value = PaymentStatus> {
        prop_oneof![
            Just(PaymentStatus::Current),
            Just(PaymentStatus::Late),
            Just(PaymentStatus::Overdue),
            Just(PaymentStatus::Failed),
        ]
    }

    fn open() -> impl Strategy<Value = OpenTickets> {
        (0u32..20, 0u32..20, 0u32..10, 0u32..5).prop_map(|(low, medium, high, critical)| {
            OpenTickets {
                low,
                medium,
                high,
                critical,
            }
        })
    }

    prop_compose! {
        fn inputs()(change in proptest::option::of(-20_000i64..20_000),
                    util in 0u64..15_000,
                    open in open(),
                    days in -400i64..800,
                    payment in payment()) -> HealthInputs {
            HealthInputs { usage_change_bp: change, seat_utilisation_bp: util,
                           open_tickets: open, days_to_renewal: days, payment }
        }
    }

    prop_compose! {
        fn weights()(cuts in proptest::collection::vec(0u8..=100, 4)) -> Weights {
            let mut c = cuts;
            c.sort_unstable();
            Weights::new([c[0], c[1] - c[0], c[2] - c[1], c[3] - c[2], 100 - c[3]]).unwrap()
        }
    }

    proptest! {
        #[test]
        fn bounded_and_banded(i in inputs(), w in weights()) {
            let s = score(&i, w);
            prop_assert!(s.score <= 100);
            prop_assert_eq!(s.band, Band::of(s.score));
            for m in s.measures {
                prop_assert!(m.score <= 100);
            }
            let weight_sum: u32 = s.measures.iter().map(|m| u32::from(m.weight)).sum();
            prop_assert_eq!(weight_sum, 100);
        }

        #[test]
        fn overall_lies_between_weakest_and_strongest_weighted_measure(i in inputs(), w in weights()) {
            let s = score(&i, w);
            let used = s.measures.iter().filter(|m| m.weight > 0);
            let lo = used.clone().map(|m| m.score).min().unwrap();
            let hi = used.map(|m| m.score).max().unwrap();
            prop_assert!(lo <= s.score && s.score <= hi);
        }

        #[test]
        fn full_weight_on_one_measure_is_that_measure(i in inputs(), k in 0usize..5) {
            let mut arr = [0u8; 5];
            arr[k] = 100;
            let s = score(&i, Weights::new(arr).unwrap());
            prop_assert_eq!(s.score, s.measures[k].score);
        }

        #[test]
        fn better_usage_never_lowers_the_score(i in inputs(), w in weights(), up in 0i64..10_000) {
            let mut better = i;
            better.usage_change_bp = i.usage_change_bp.map(|c| c + up);
            better.seat_utilisation_bp = i.seat_utilisation_bp + up as u64;
            prop_assert!(score(&better, w).score >= score(&i, w).score);
        }

        #[test]
        fn more_open_tickets_never_raise_the_score(i in inputs(), w in weights(), extra in open()) {
            let mut worse = i;
            let o = &mut worse.open_tickets;
            o.low += extra.low; o.medium += extra.medium; o.high += extra.high; o.critical += extra.critical;
            prop_assert!(score(&worse, w).score <= score(&i, w).score);
        }

        #[test]
        fn more_time_to_renewal_never_lowers_the_score(i in inputs(), w in weights(), more in 0i64..400) {
            let mut later = i;
            later.days_to_renewal += more;
            prop_assert!(score(&later, w).score >= score(&i, w).score);
        }

        #[test]
        fn worse_payment_never_raises_the_score(i in inputs(), w in weights()) {
            let order = [PaymentStatus::Current, PaymentStatus::Late, PaymentStatus::Overdue, PaymentStatus::Failed];
            let scores: alloc::vec::Vec<u8> = order.iter().map(|&p| score(&HealthInputs { payment: p, ..i }, w).score).collect();
            prop_assert!(scores.windows(2).all(|p| p[0] >= p[1]));
        }

        #[test]
        fn each_measure_is_monotone(a in -20_000i64..20_000, b in -20_000i64..20_000,
                                    u in 0u64..20_000, v in 0u64..20_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(score_usage_trend(Some(lo)) <= score_usage_trend(Some(hi)));
            prop_assert!(score_renewal_proximity(lo) <= score_renewal_proximity(hi));
            prop_assert!(score_adoption(u.min(v)) <= score_adoption(u.max(v)));
        }
    }

    #[test]
    fn anchor_points() {
        assert_eq!(score_usage_trend(Some(-5000)), 0);
        assert_eq!(score_usage_trend(Some(0)), 70);
        assert_eq!(score_usage_trend(Some(2000)), 100);
        assert_eq!(score_usage_trend(None), NEUTRAL_TREND_SCORE);
        assert_eq!(score_adoption(8000), 100);
        assert_eq!(score_adoption(4000), 50);
        assert_eq!(
            score_support_load(OpenTickets {
                critical: 2,
                high: 1,
                ..Default::default()
            }),
            0
        );
        assert_eq!(
            score_support_load(OpenTickets {
                low: 1,
                medium: 1,
                ..Default::default()
            }),
            89
        );
        assert_eq!(score_renewal_proximity(-1), 0);
        assert_eq!(score_renewal_proximity(0), 20);
        assert_eq!(score_renewal_proximity(60), 60);
        assert_eq!(score_renewal_proximity(120), 100);
        assert_eq!(Band::of(70), Band::Green);
        assert_eq!(Band::of(69), Band::Yellow);
        assert_eq!(Band::of(40), Band::Yellow);
        assert_eq!(Band::of(39), Band::Red);
        assert_eq!(direction(50, 53), Direction::Improving);
        assert_eq!(direction(50, 52), Direction::Stable);
        assert_eq!(direction(50, 47), Direction::Declining);
    }

    #[test]
    fn worked_example() {
        // flat usage 70*25, 60% seats 75*25, one open high 80*20, 60 days 60*10, current 100*20
        let i = HealthInputs {
            usage_change_bp: Some(0),
            seat_utilisation_bp: 6000,
            open_tickets: OpenTickets {
                high: 1,
                ..Default::default()
            },
            days_to_renewal: 60,
            payment: PaymentStatus::Current,
        };
        let s = score(&i, Weights::DEFAULT);
        assert_eq!(s.measures.map(|m| m.score), [70, 75, 80, 60, 100]);
        // (1750 + 1875 + 1600 + 600 + 2000 + 50) / 100 = 78
        assert_eq!(s.score, 78);
        assert_eq!(s.band, Band::Green);
    }

    #[test]
    fn weights_parse_and_validate() {
        assert_eq!(
            Weights::parse(
                "usageTrend=25, adoption=25,supportLoad=20,renewalProximity=10,paymentStatus=20"
            ),
            Ok(Weights::DEFAULT)
        );
        assert_eq!(
            Weights::parse("usageTrend=100"),
            Ok(Weights([100, 0, 0, 0, 0]))
        );
        assert_eq!(Weights::parse("usageTrend=50"), Err(WeightsError::Sum(50)));
        assert_eq!(Weights::parse("nps=100"), Err(WeightsError::UnknownMeasure));
        assert_eq!(Weights::parse("usageTrend=x"), Err(WeightsError::BadNumber));
        assert_eq!(
            Weights::parse("usageTrend=50,usageTrend=50"),
            Err(WeightsError::Duplicate)
        );
    }
}
