//! The support inbox's urgency score: seven factors, each worth a bounded
//! number of points, weighted from settings and summed. Every component is
//! kept in the breakdown so an agent can see why a ticket sits where it does.
//!
//! Weighted points are rounded to thousandths and held as integers, so the
//! total is exactly the sum of the lines shown, in every runtime.

/// A ticket's priority as set by the customer or an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "low" => Some(Self::Low),
            "normal" => Some(Self::Normal),
            "high" => Some(Self::High),
            "urgent" => Some(Self::Urgent),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    fn points(self) -> f64 {
        match self {
            Self::Low => 0.0,
            Self::Normal => 1.0,
            Self::High => 2.5,
            Self::Urgent => 4.0,
        }
    }
}

/// Largest weight that takes effect; larger ones count as this. It keeps
/// every sum of milli-points far inside `i64`.
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// Weights from settings: SCORING_URGENCY_WEIGHT, SCORING_VALUE_WEIGHT,
/// SCORING_CHURN_WEIGHT, TOPIC_ALERT_BOOST.
///
/// `score` treats a negative or non-finite weight as 0 and caps one above
/// [`MAX_WEIGHT`], so a bad setting can switch a factor off but never turn
/// the ranking upside down; [`Weights::new`] refuses such values outright.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Scales priority, wait time and SLA urgency.
    pub urgency: f64,
    /// Scales customer value.
    pub value: f64,
    /// Scales churn risk.
    pub churn: f64,
    /// Points added when the ticket matches a topic alert.
    pub topic_boost: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            urgency: 1.0,
            value: 1.0,
            churn: 1.0,
            topic_boost: 5.0,
        }
    }
}

impl Weights {
    /// Checked construction for settings: every weight finite, at least 0
    /// and at most [`MAX_WEIGHT`].
    pub fn new(
        urgency: f64,
        value: f64,
        churn: f64,
        topic_boost: f64,
    ) -> Result<Weights, &'static str> {
        check(
            urgency,
            [
                "urgency weight must be a finite number",
                "urgency weight must not be negative",
                "urgency weight must be at most 1000000",
            ],
        )?;
        check(
            value,
            [
                "value weight must be a finite number",
                "value weight must not be negative",
                "value weight must be at most 1000000",
            ],
        )?;
        check(
            churn,
            [
                "churn weight must be a finite number",
                "churn weight must not be negative",
                "churn weight must be at most 1000000",
            ],
        )?;
        check(
            topic_boost,
            [
                "topic boost must be a finite number",
                "topic boost must not be negative",
                "topic boost must be at most 1000000",
            ],
        )?;
        Ok(Weights {
            urgency,
            value,
            churn,
            topic_boost,
        })
    }
}

/// `messages`: not finite, negative, too large.
fn check(weight: f64, messages: [&'static str; 3]) -> Result<(), &'static str> {
    if !weight.is_finite() {
        Err(messages[0])
    } else if weight < 0.0 {
        Err(messages[1])
    } else if weight > MAX_WEIGHT {
        Err(messages[2])
    } else {
        Ok(())
    }
}

/// The weight `score` applies for a configured one.
fn effective(weight: f64) -> f64 {
    if weight.is_finite() && weight > 0.0 {
        weight.min(MAX_WEIGHT)
    } else {
        0.0
    }
}

/// Time left to the nearest open SLA deadline, and that clock's target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlaPressure {
    /// Zero or negative once the deadline has passed.
    pub secs_left: i64,
    /// The full length of the SLA clock.
    pub target_secs: i64,
}

/// What a ticket is scored from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    pub priority: Priority,
    /// How long the customer has been waiting for a reply.
    pub wait_secs: i64,
    /// Sentiment of the latest customer message, 0 (very negative) to 1,
    /// 0.5 neutral; see [`crate::sentiment::score`].
    pub sentiment: f64,
    /// The customer's lifetime value in the account currency.
    pub lifetime_value: f64,
    /// Probability of churn, 0 to 1.
    pub churn_risk: f64,
    /// The ticket matches an active topic alert.
    pub topic_match: bool,
    /// `None` when no SLA clock is running.
    pub sla: Option<SlaPressure>,
}

/// One part of the score, in [`FACTORS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Priority,
    WaitTime,
    Sentiment,
    CustomerValue,
    ChurnRisk,
    TopicAlert,
    SlaUrgency,
}

pub const FACTORS: [Factor; 7] = [
    Factor::Priority,
    Factor::WaitTime,
    Factor::Sentiment,
    Factor::CustomerValue,
    Factor::ChurnRisk,
    Factor::TopicAlert,
    Factor::SlaUrgency,
];

impl Factor {
    pub fn name(self) -> &'static str {
        match self {
            Factor::Priority => "priority",
            Factor::WaitTime => "wait_time",
            Factor::Sentiment => "sentiment",
            Factor::CustomerValue => "customer_value",
            Factor::ChurnRisk => "churn_risk",
            Factor::TopicAlert => "topic_alert",
            Factor::SlaUrgency => "sla_urgency",
        }
    }

    pub fn from_name(name: &str) -> Option<Factor> {
        FACTORS.into_iter().find(|f| f.name() == name)
    }

    /// Most points the factor gives before weighting.
    pub fn max_points(self) -> f64 {
        match self {
            Factor::Priority => 4.0,
            Factor::WaitTime => WAIT_POINTS,
            Factor::Sentiment => SENTIMENT_POINTS,
            Factor::CustomerValue => VALUE_POINTS,
            Factor::ChurnRisk => CHURN_POINTS,
            Factor::TopicAlert => 1.0,
            Factor::SlaUrgency => SLA_POINTS,
        }
    }
}

const WAIT_POINTS: f64 = 3.0;
const SENTIMENT_POINTS: f64 = 2.0;
const VALUE_POINTS: f64 = 2.0;
const CHURN_POINTS: f64 = 3.0;
const SLA_POINTS: f64 = 3.0;

/// Wait time earns full points at this many hours. Growth is logarithmic:
/// the first hours of waiting matter more than the difference between two
/// and three days.
pub const WAIT_FULL_HOURS: f64 = 72.0;

/// Lifetime value earns full points at this amount, logarithmically.
pub const VALUE_FULL: f64 = 10_000.0;

/// One line of the breakdown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Component {
    pub factor: Factor,
    /// Points before weighting, `0..=max_points`.
    pub base_points: f64,
    pub max_points: f64,
    /// The weight applied: the configured one after [`Weights`]' rules.
    pub weight: f64,
    /// Thousandths of a point after weighting.
    pub milli_points: i64,
}

impl Component {
    pub fn points(&self) -> f64 {
        self.milli_points as f64 / 1000.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// In [`FACTORS`] order.
    pub components: [Component; 7],
    /// Exactly the sum of the components' `milli_points`.
    pub milli_total: i64,
}

impl Breakdown {
    pub fn total(&self) -> f64 {
        self.milli_total as f64 / 1000.0
    }

    pub fn component(&self, factor: Factor) -> &Component {
        &self.components[factor as usize]
    }
}

/// `x` clamped to `0..=1`, with NaN taken as `nan`.
fn unit(x: f64, nan: f64) -> f64 {
    if x.is_nan() { nan } else { x.clamp(0.0, 1.0) }
}

fn wait_points(wait_secs: i64) -> f64 {
    let hours = wait_secs.max(0) as f64 / 3600.0;
    WAIT_POINTS * (libm::log1p(hours) / libm::log1p(WAIT_FULL_HOURS)).min(1.0)
}

fn sentiment_points(sentiment: f64) -> f64 {
    let s = unit(sentiment, 0.5);
    SENTIMENT_POINTS * ((0.5 - s) / 0.5).clamp(0.0, 1.0)
}

fn value_points(lifetime_value: f64) -> f64 {
    let ltv = if lifetime_value.is_nan() {
        0.0
    } else {
        lifetime_value.max(0.0)
    };
    VALUE_POINTS * (libm::log1p(ltv) / libm::log1p(VALUE_FULL)).min(1.0)
}

fn sla_points(sla: Option<SlaPressure>) -> f64 {
    let Some(sla) = sla else {
        return 0.0;
    };
    if sla.secs_left <= 0 {
        SLA_POINTS
    } else if sla.target_secs <= 0 {
        // No clock length to measure against, and time is still left.
        0.0
    } else {
        SLA_POINTS * (1.0 - sla.secs_left as f64 / sla.target_secs as f64).clamp(0.0, 1.0)
    }
}

pub fn score(inputs: &Inputs, weights: &Weights) -> Breakdown {
    let urgency = effective(weights.urgency);
    let base_and_weight = [
        (inputs.priority.points(), urgency),
        (wait_points(inputs.wait_secs), urgency),
        (sentiment_points(inputs.sentiment), 1.0),
        (
            value_points(inputs.lifetime_value),
            effective(weights.value),
        ),
        (
            CHURN_POINTS * unit(inputs.churn_risk, 0.0),
            effective(weights.churn),
        ),
        (
            if inputs.topic_match { 1.0 } else { 0.0 },
            effective(weights.topic_boost),
        ),
        (sla_points(inputs.sla), urgency),
    ];
    let components = core::array::from_fn(|i| {
        let (base_points, weight) = base_and_weight[i];
        Component {
            factor: FACTORS[i],
            base_points,
            max_points: FACTORS[i].max_points(),
            weight,
            // At most 4 × MAX_WEIGHT × 1000: exact in f64 and in i64.
            milli_points: libm::round(base_points * weight * 1000.0) as i64,
        }
    });
    let milli_total = components.iter().map(|c: &Component| c.milli_points).sum();
    Breakdown {
        components,
        milli_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CALM: Inputs = Inputs {
        priority: Priority::Normal,
        wait_secs: 0,
        sentiment: 0.5,
        lifetime_value: 0.0,
        churn_risk: 0.0,
        topic_match: false,
        sla: None,
    };

    fn milli(b: &Breakdown) -> [i64; 7] {
        b.components.map(|c| c.milli_points)
    }

    #[test]
    fn names_round_trip() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        assert_eq!(Priority::parse("URGENT"), None);
        for f in FACTORS {
            assert_eq!(Factor::from_name(f.name()), Some(f));
        }
        assert_eq!(
            FACTORS.map(Factor::name),
            [
                "priority",
                "wait_time",
                "sentiment",
                "customer_value",
                "churn_risk",
                "topic_alert",
                "sla_urgency"
            ]
        );
    }

    #[test]
    fn calm_ticket_scores_only_its_priority() {
        let b = score(&CALM, &Weights::default());
        assert_eq!(milli(&b), [1000, 0, 0, 0, 0, 0, 0]);
        assert_eq!(b.milli_total, 1000);
        assert_eq!(b.total(), 1.0);
    }

    #[test]
    fn worked_example() {
        let inputs = Inputs {
            priority: Priority::High,
            // 8 h: 3 × ln 9 / ln 73 = 1.53636
            wait_secs: 8 * 3600,
            // 2 × (0.5 − 0.2) / 0.5 = 1.2
            sentiment: 0.2,
            // 2 × ln 100 / ln 10001 = 0.99999
            lifetime_value: 99.0,
            // 3 × 0.4 = 1.2
            churn_risk: 0.4,
            topic_match: true,
            // 3 × (1 − 900 / 3600) = 2.25
            sla: Some(SlaPressure {
                secs_left: 900,
                target_secs: 3600,
            }),
        };
        let weights = Weights::new(2.0, 1.5, 0.5, 5.0).unwrap();
        let b = score(&inputs, &weights);
        // priority 2.5 × 2, wait 1.53636 × 2, sentiment 1.2 × 1,
        // value 0.99999 × 1.5, churn 1.2 × 0.5, topic 1 × 5, sla 2.25 × 2
        assert_eq!(milli(&b), [5000, 3073, 1200, 1500, 600, 5000, 4500]);
        assert_eq!(b.milli_total, 20873);
        assert_eq!(b.component(Factor::WaitTime).weight, 2.0);
        assert!((b.component(Factor::WaitTime).base_points - 1.536_356).abs() < 1e-6);
    }

    #[test]
    fn anchor_points() {
        let w = Weights::default();
        let at = |inputs: Inputs, f: Factor| score(&inputs, &w).component(f).milli_points;
        let wait = |secs| {
            at(
                Inputs {
                    wait_secs: secs,
                    ..CALM
                },
                Factor::WaitTime,
            )
        };
        assert_eq!(wait(-5), 0);
        assert_eq!(wait(72 * 3600), 3000);
        assert_eq!(wait(30 * 24 * 3600), 3000);
        // 3 × ln 2 / ln 73 = 0.48466
        assert_eq!(wait(3600), 485);
        let sentiment = |s| {
            at(
                Inputs {
                    sentiment: s,
                    ..CALM
                },
                Factor::Sentiment,
            )
        };
        assert_eq!(sentiment(0.0), 2000);
        assert_eq!(sentiment(-3.0), 2000);
        assert_eq!(sentiment(0.25), 1000);
        assert_eq!(sentiment(0.9), 0);
        assert_eq!(sentiment(f64::NAN), 0);
        let value = |v| {
            at(
                Inputs {
                    lifetime_value: v,
                    ..CALM
                },
                Factor::CustomerValue,
            )
        };
        assert_eq!(value(10_000.0), 2000);
        assert_eq!(value(f64::INFINITY), 2000);
        assert_eq!(value(-50.0), 0);
        assert_eq!(value(f64::NAN), 0);
        let churn = |r| {
            at(
                Inputs {
                    churn_risk: r,
                    ..CALM
                },
                Factor::ChurnRisk,
            )
        };
        assert_eq!(churn(1.0), 3000);
        assert_eq!(churn(7.0), 3000);
        assert_eq!(churn(f64::NAN), 0);
        let sla = |secs_left, target_secs| {
            at(
                Inputs {
                    sla: Some(SlaPressure {
                        secs_left,
                        target_secs,
                    }),
                    ..CALM
                },
                Factor::SlaUrgency,
            )
        };
        assert_eq!(sla(0, 3600), 3000);
        assert_eq!(sla(-60, 3600), 3000);
        assert_eq!(sla(1800, 3600), 1500);
        assert_eq!(sla(7200, 3600), 0);
        assert_eq!(sla(60, 0), 0);
        assert_eq!(sla(0, 0), 3000);
        assert_eq!(at(CALM, Factor::SlaUrgency), 0);
    }

    #[test]
    fn bad_weights_count_as_zero_and_are_refused_by_new() {
        let bad = Weights {
            urgency: -1.0,
            value: f64::NAN,
            churn: f64::INFINITY,
            topic_boost: f64::NEG_INFINITY,
        };
        let hot = Inputs {
            priority: Priority::Urgent,
            wait_secs: 100 * 3600,
            sentiment: 0.0,
            lifetime_value: 1e6,
            churn_risk: 1.0,
            topic_match: true,
            sla: Some(SlaPressure {
                secs_left: 0,
                target_secs: 60,
            }),
        };
        let b = score(&hot, &bad);
        // Only sentiment, whose weight is fixed, is left.
        assert_eq!(milli(&b), [0, 0, 2000, 0, 0, 0, 0]);
        assert!(b.components.iter().all(|c| c.weight >= 0.0));
        let capped = Weights {
            urgency: 1e300,
            ..Weights::default()
        };
        assert_eq!(
            score(&hot, &capped)
                .component(Factor::Priority)
                .milli_points,
            4_000_000_000
        );

        assert_eq!(Weights::new(1.0, 1.0, 1.0, 5.0), Ok(Weights::default()));
        assert_eq!(Weights::new(0.0, 0.0, 0.0, 0.0).map(|_| ()), Ok(()));
        assert_eq!(
            Weights::new(-0.1, 1.0, 1.0, 1.0),
            Err("urgency weight must not be negative")
        );
        assert_eq!(
            Weights::new(1.0, f64::NAN, 1.0, 1.0),
            Err("value weight must be a finite number")
        );
        assert_eq!(
            Weights::new(1.0, 1.0, f64::INFINITY, 1.0),
            Err("churn weight must be a finite number")
        );
        assert_eq!(
            Weights::new(1.0, 1.0, 1.0, 2e6),
            Err("topic boost must be at most 1000000")
        );
    }

    fn priority() -> impl Strategy<Value = Priority> {
        prop_oneof![
            Just(Priority::Low),
            Just(Priority::Normal),
            Just(Priority::High),
            Just(Priority::Urgent),
        ]
    }

    /// Mostly ordinary values, with the odd out-of-range or non-finite one.
    fn unit_ish() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => 0.0f64..=1.0,
            1 => -2.0f64..3.0,
            1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
        ]
    }

    fn sla() -> impl Strategy<Value = Option<SlaPressure>> {
        proptest::option::of((-100_000i64..200_000, -10i64..200_000).prop_map(
            |(secs_left, target_secs)| SlaPressure {
                secs_left,
                target_secs,
            },
        ))
    }

    prop_compose! {
        fn inputs()(priority in priority(),
                    wait_secs in prop_oneof![-1000i64..400_000, any::<i64>()],
                    sentiment in unit_ish(),
                    lifetime_value in prop_oneof![-100.0f64..50_000.0, any::<f64>()],
                    churn_risk in unit_ish(),
                    topic_match in any::<bool>(),
                    sla in sla()) -> Inputs {
            Inputs { priority, wait_secs, sentiment, lifetime_value, churn_risk, topic_match, sla }
        }
    }

    fn weight() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => 0.0f64..10.0,
            1 => 0.0f64..=MAX_WEIGHT,
            1 => any::<f64>(),
        ]
    }

    prop_compose! {
        fn weights()(urgency in weight(), value in weight(), churn in weight(), topic_boost in weight()) -> Weights {
            Weights { urgency, value, churn, topic_boost }
        }
    }

    proptest! {
        #[test]
        fn components_are_bounded_and_sum_exactly(i in inputs(), w in weights()) {
            let b = score(&i, &w);
            for (c, f) in b.components.iter().zip(FACTORS) {
                prop_assert_eq!(c.factor, f);
                prop_assert!((0.0..=c.max_points).contains(&c.base_points), "{:?}", c);
                prop_assert!(c.weight >= 0.0 && c.weight <= MAX_WEIGHT);
                let max = libm::round(c.max_points * c.weight * 1000.0) as i64;
                prop_assert!(c.milli_points >= 0 && c.milli_points <= max + 1, "{:?}", c);
            }
            prop_assert_eq!(b.milli_total, b.components.iter().map(|c| c.milli_points).sum::<i64>());
        }

        #[test]
        fn deterministic(i in inputs(), w in weights()) {
            prop_assert_eq!(score(&i, &w), score(&i, &w));
        }

        #[test]
        fn longer_wait_never_lowers(i in inputs(), w in weights(), a in any::<i64>(), b in any::<i64>()) {
            let (lo, hi) = (a.min(b), a.max(b));
            let s = |wait_secs| score(&Inputs { wait_secs, ..i }, &w).milli_total;
            prop_assert!(s(lo) <= s(hi));
        }

        #[test]
        fn more_churn_risk_never_lowers(i in inputs(), w in weights(), a in unit_ish(), b in unit_ish()) {
            prop_assume!(!a.is_nan() && !b.is_nan());
            let (lo, hi) = (a.min(b), a.max(b));
            let s = |churn_risk| score(&Inputs { churn_risk, ..i }, &w).milli_total;
            prop_assert!(s(lo) <= s(hi));
        }

        #[test]
        fn happier_sentiment_never_raises(i in inputs(), w in weights(), a in unit_ish(), b in unit_ish()) {
            prop_assume!(!a.is_nan() && !b.is_nan());
            let (lo, hi) = (a.min(b), a.max(b));
            let s = |sentiment| score(&Inputs { sentiment, ..i }, &w).milli_total;
            prop_assert!(s(lo) >= s(hi));
        }

        #[test]
        fn more_sla_time_left_never_raises(i in inputs(), w in weights(), target in -10i64..200_000,
                                           a in any::<i64>(), b in -100_000i64..200_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let s = |secs_left| score(&Inputs { sla: Some(SlaPressure { secs_left, target_secs: target }), ..i }, &w).milli_total;
            prop_assert!(s(lo) >= s(hi));
        }

        #[test]
        fn topic_match_adds_exactly_the_boost(i in inputs(), w in weights(), boost in 0.0f64..=MAX_WEIGHT) {
            let w = Weights { topic_boost: boost, ..w };
            let off = score(&Inputs { topic_match: false, ..i }, &w);
            let on = score(&Inputs { topic_match: true, ..i }, &w);
            prop_assert_eq!(on.milli_total - off.milli_total, libm::round(boost * 1000.0) as i64);
            for (a, b) in off.components.iter().zip(&on.components) {
                if a.factor != Factor::TopicAlert {
                    prop_assert_eq!(a, b);
                }
            }
        }

        #[test]
        fn priorities_rank_in_order(i in inputs(), w in weights(), urgency in 0.001f64..100.0) {
            let w = Weights { urgency, ..w };
            let totals = Priority::ALL.map(|priority| score(&Inputs { priority, ..i }, &w).milli_total);
            prop_assert!(totals.windows(2).all(|p| p[0] < p[1]), "{:?}", totals);
        }
    }
}
