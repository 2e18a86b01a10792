//! `calculate_health`: gathers the measures' inputs from the customer's data
//! and explains the core's score.

use super::data::{ContractDoc, TicketsDoc, UsageDoc, open_tickets_on};
use super::tenths;
use super::usage::{self, UsageReport};
use chrono::{Days, NaiveDate};
use edgedesk_core::health::{
    self, HealthInputs, HealthScore, Measure, OpenTickets, Weights, direction,
};
use serde_json::{Value, json};

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

fn open_json(o: OpenTickets) -> Value {
    json!({"critical": o.critical, "high": o.high, "medium": o.medium, "low": o.low})
}

fn explain(a: &Assessment<'_>, measure: Measure) -> (Value, String) {
    let i = &a.inputs;
    let period = a.usage.period_days;
    match measure {
        Measure::UsageTrend => match a.usage.trend {
            Some(t) => (
                json!({"eventsChangePct": t.events_change_pct, "comparedWithPreviousDays": period}),
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
                json!({"eventsChangePct": null, "comparedWithPreviousDays": period}),
                format!(
                    "not enough history before the last {period} days to compare; scored neutral ({})",
                    health::NEUTRAL_TREND_SCORE
                ),
            ),
        },
        Measure::Adoption => (
            json!({
                "avgDailyActiveUsers": a.usage.current.avg_daily_active_users,
                "licensedSeats": a.usage.licensed_seats,
                "seatUtilisationPct": a.usage.utilisation_pct(),
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
                json!({"openTickets": open_json(o), "penaltyPerTicket": open_json(health::SEVERITY_PENALTY)}),
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
            json!({"daysToRenewal": a.days_to_renewal}),
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
            json!({"paymentStatus": i.payment.as_str()}),
            format!("payment status is {}", i.payment.as_str()),
        ),
    }
}

pub fn band_rules() -> Value {
    json!({
        "green": format!("score >= {}", health::GREEN_FROM),
        "yellow": format!("{} <= score < {}", health::YELLOW_FROM, health::GREEN_FROM),
        "red": format!("score < {}", health::YELLOW_FROM),
    })
}

pub fn to_json(a: &Assessment<'_>) -> Value {
    let measures: Vec<Value> = a
        .score
        .measures
        .iter()
        .map(|m| {
            let (inputs, explanation) = explain(a, m.measure);
            json!({
                "measure": m.measure.name(),
                "score": m.score,
                "weight": m.weight,
                "points": f64::from(m.weighted) / 100.0,
                "inputs": inputs,
                "explanation": explanation,
            })
        })
        .collect();
    let trend = match a.previous {
        Some(prev) => json!({
            "previousScore": prev.score,
            "previousBand": prev.band.as_str(),
            "delta": i16::from(a.score.score) - i16::from(prev.score),
            "direction": direction(prev.score, a.score.score),
        }),
        None => Value::Null,
    };
    let weakest = a.score.weakest().map(Measure::name);
    json!({
        "asOf": a.usage.as_of,
        "periodDays": a.usage.period_days,
        "score": a.score.score,
        "band": a.score.band.as_str(),
        "bandRules": band_rules(),
        "trend": trend,
        "weakestMeasure": weakest,
        "measures": measures,
    })
}
