//! `calculate_health`: gathers the measures' inputs from the customer's data
//! and explains the core's score.

use crate::model::SeverityCounts;
use crate::model::{ContractDoc, TicketsDoc, UsageDoc, open_tickets_on};
use crate::tenths;
use crate::usage::{self, UsageReport};
use chrono::{Days, NaiveDate};
use edgedesk_core::health::{
    self, Band, Direction, HealthInputs, HealthScore, MEASURES, Measure, PaymentStatus, Weights,
    direction,
};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;

pub struct Assessment<'a> {
    pub usage: UsageReport<'a>,
    pub inputs: HealthInputs,
    pub score: HealthScore,
    pub previous: Option<HealthScore>,
    pub days_to_renewal: i64,
}

fn inputs_at(
    usage: &UsageReport<'_>,
    tickets: &TicketsDoc,
    contract: &ContractDoc,
    on: NaiveDate,
    today_offset: i64,
) -> HealthInputs {
    HealthInputs {
        usage_change_bp: usage.trend.map(|t| t.events_change_bp),
        seat_utilisation_bp: usage.current.utilisation_bp,
        open_tickets: open_tickets_on(&tickets.tickets, on),
        days_to_renewal: (contract.renewal_date - on).num_days() + today_offset,
        payment: contract.payment_status.0,
    }
}

/// Scores the window ending at the usage export's newest day, and the
/// window before it for the trend. Renewal distance counts from `today`.
pub fn assess<'a>(
    usage_doc: &'a UsageDoc,
    tickets: &TicketsDoc,
    contract: &ContractDoc,
    as_of: NaiveDate,
    today: NaiveDate,
    period_days: u32,
    weights: Weights,
) -> Assessment<'a> {
    let current_usage = usage::report(usage_doc, as_of, period_days);
    let lag = (today - as_of).num_days();
    let inputs = inputs_at(&current_usage, tickets, contract, as_of, -lag);
    let score = health::score(&inputs, weights);

    let previous = as_of
        .checked_sub_days(Days::new(u64::from(period_days)))
        .map(|prev_end| usage::report(usage_doc, prev_end, period_days))
        .filter(|prev| prev.current.days_with_data * 2 >= period_days)
        .map(|prev| {
            let prev_inputs = inputs_at(&prev, tickets, contract, prev.as_of, -lag);
            health::score(&prev_inputs, weights)
        });
    Assessment {
        days_to_renewal: (contract.renewal_date - today).num_days(),
        usage: current_usage,
        inputs,
        score,
        previous,
    }
}

/// `calculate_health`
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthAnswer {
    /// The scored window's last day: the newest exported usage day.
    pub as_of: NaiveDate,
    pub period_days: u32,
    /// 0-100: the weighted sum of the measures' scores, rounded half up.
    pub score: u8,
    #[schemars(schema_with = "band_schema")]
    pub band: Band,
    pub band_rules: BandRules,
    /// Against the same computation for the previous window; null when
    /// that window has too little data.
    pub trend: Option<HealthTrend>,
    /// The measure that cost the most points.
    #[schemars(schema_with = "measure_or_null_schema")]
    pub weakest_measure: Option<&'static str>,
    pub measures: Vec<MeasureAnswer>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BandRules {
    pub green: String,
    pub yellow: String,
    pub red: String,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthTrend {
    pub previous_score: u8,
    #[schemars(schema_with = "band_schema")]
    pub previous_band: Band,
    pub delta: i16,
    /// A change under 3 points is stable.
    #[schemars(schema_with = "direction_schema")]
    pub direction: Direction,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasureAnswer {
    #[schemars(schema_with = "measure_schema")]
    pub measure: &'static str,
    /// 0-100.
    pub score: u8,
    pub weight: u8,
    /// score x weight / 100: the measure's share of the overall score.
    pub points: f64,
    pub inputs: MeasureInputs,
    pub explanation: String,
}

/// What a measure was scored from.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum MeasureInputs {
    UsageTrend(UsageTrendInputs),
    Adoption(AdoptionInputs),
    SupportLoad(SupportLoadInputs),
    RenewalProximity(RenewalInputs),
    PaymentStatus(PaymentInputs),
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageTrendInputs {
    pub events_change_pct: Option<f64>,
    pub compared_with_previous_days: u32,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdoptionInputs {
    pub avg_daily_active_users: f64,
    pub licensed_seats: u32,
    pub seat_utilisation_pct: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SupportLoadInputs {
    pub open_tickets: SeverityCounts,
    pub penalty_per_ticket: SeverityCounts,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenewalInputs {
    pub days_to_renewal: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentInputs {
    #[schemars(schema_with = "payment_schema")]
    pub payment_status: &'static str,
}

fn names(names: Vec<&str>) -> Schema {
    json_schema!({"type": "string", "enum": names})
}

fn band_schema(_: &mut SchemaGenerator) -> Schema {
    names(
        [Band::Red, Band::Yellow, Band::Green]
            .map(Band::as_str)
            .to_vec(),
    )
}

fn direction_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "enum": ["improving", "stable", "declining"]})
}

fn measure_schema(_: &mut SchemaGenerator) -> Schema {
    names(MEASURES.map(Measure::name).to_vec())
}

fn measure_or_null_schema(g: &mut SchemaGenerator) -> Schema {
    let one = measure_schema(g);
    json_schema!({"anyOf": [one, {"type": "null"}]})
}

fn payment_schema(_: &mut SchemaGenerator) -> Schema {
    names(PaymentStatus::ALL.map(PaymentStatus::as_str).to_vec())
}

fn explain(a: &Assessment<'_>, measure: Measure) -> (MeasureInputs, String) {
    let i = &a.inputs;
    let period = a.usage.period_days;
    match measure {
        Measure::UsageTrend => match a.usage.trend {
            Some(t) => (
                MeasureInputs::UsageTrend(UsageTrendInputs {
                    events_change_pct: Some(t.events_change_pct),
                    compared_with_previous_days: period,
                }),
                format!(
                    "product events per day {} {}% against the previous {period} days",
                    if t.events_change_bp < 0 {
                        "fell"
                    } else {
                        "rose"
                    },
                    tenths::fixed(t.events_change_pct.abs())
                ),
            ),
            None => (
                MeasureInputs::UsageTrend(UsageTrendInputs {
                    events_change_pct: None,
                    compared_with_previous_days: period,
                }),
                format!(
                    "not enough history before the last {period} days to compare; scored neutral ({})",
                    health::NEUTRAL_TREND_SCORE
                ),
            ),
        },
        Measure::Adoption => (
            MeasureInputs::Adoption(AdoptionInputs {
                avg_daily_active_users: a.usage.current.avg_daily_active_users,
                licensed_seats: a.usage.licensed_seats,
                seat_utilisation_pct: a.usage.utilisation_pct(),
            }),
            format!(
                "{} of {} licensed seats active on an average day ({}%); 80% or more scores full marks",
                tenths::short(a.usage.current.avg_daily_active_users),
                a.usage.licensed_seats,
                tenths::fixed(a.usage.utilisation_pct())
            ),
        ),
        Measure::SupportLoad => {
            let o = i.open_tickets;
            (
                MeasureInputs::SupportLoad(SupportLoadInputs {
                    open_tickets: o.into(),
                    penalty_per_ticket: health::SEVERITY_PENALTY.into(),
                }),
                format!(
                    "{} unresolved tickets ({} critical, {} high, {} medium, {} low)",
                    o.critical + o.high + o.medium + o.low,
                    o.critical,
                    o.high,
                    o.medium,
                    o.low
                ),
            )
        }
        Measure::RenewalProximity => (
            MeasureInputs::RenewalProximity(RenewalInputs {
                days_to_renewal: a.days_to_renewal,
            }),
            if a.days_to_renewal < 0 {
                format!("renewal date passed {} days ago", -a.days_to_renewal)
            } else {
                format!(
                    "{} days to renewal; 120 or more scores full marks",
                    a.days_to_renewal
                )
            },
        ),
        Measure::PaymentStatus => (
            MeasureInputs::PaymentStatus(PaymentInputs {
                payment_status: i.payment.as_str(),
            }),
            format!("payment status is {}", i.payment.as_str()),
        ),
    }
}

pub fn band_rules() -> BandRules {
    BandRules {
        green: format!("score >= {}", health::GREEN_FROM),
        yellow: format!("{} <= score < {}", health::YELLOW_FROM, health::GREEN_FROM),
        red: format!("score < {}", health::YELLOW_FROM),
    }
}

pub fn answer(a: &Assessment<'_>) -> HealthAnswer {
    let measures = a
        .score
        .measures
        .iter()
        .map(|m| {
            let (inputs, explanation) = explain(a, m.measure);
            MeasureAnswer {
                measure: m.measure.name(),
                score: m.score,
                weight: m.weight,
                points: f64::from(m.weighted) / 100.0,
                inputs,
                explanation,
            }
        })
        .collect();
    HealthAnswer {
        as_of: a.usage.as_of,
        period_days: a.usage.period_days,
        score: a.score.score,
        band: a.score.band,
        band_rules: band_rules(),
        trend: a.previous.map(|prev| HealthTrend {
            previous_score: prev.score,
            previous_band: prev.band,
            delta: i16::from(a.score.score) - i16::from(prev.score),
            direction: direction(prev.score, a.score.score),
        }),
        weakest_measure: a.score.weakest().map(Measure::name),
        measures,
    }
}
