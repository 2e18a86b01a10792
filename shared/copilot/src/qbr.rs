//! `generate_qbr_outline`: a quarterly business review agenda built from the
//! customer's numbers.

use crate::facts::Facts;
use crate::grounding::Grounding;
use crate::model::Generation;
use crate::tenths;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `generate_qbr_outline`
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QbrAnswer<'a> {
    pub title: String,
    pub sections: Vec<Section>,
    #[serde(flatten)]
    pub generation: Generation,
    /// The facts the outline may quote, and nothing else.
    pub grounding: &'a Facts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub title: String,
    pub bullets: Vec<String>,
}

fn health_line(f: &Facts) -> String {
    match f.previous_health_score {
        Some(prev) => format!(
            "Health score {} ({}), from {} the period before",
            f.health_score, f.health_band, prev
        ),
        None => format!("Health score {} ({})", f.health_score, f.health_band),
    }
}

pub fn template(f: &Facts) -> Vec<Section> {
    let o = f.open_tickets;
    let mut risks = Vec::new();
    let mut goals = Vec::new();
    if let Some(p) = f.events_change_pct.filter(|p| *p <= -10.0) {
        risks.push(format!(
            "Product activity down {}% against the previous {} days",
            tenths::fixed(-p),
            f.period_days
        ));
        goals.push("Agree on a re-engagement plan with the teams whose activity fell".into());
    }
    if o.critical + o.high > 0 {
        risks.push(format!(
            "{} critical and {} high-severity tickets unresolved",
            o.critical, o.high
        ));
        goals.push(
            "Close every critical and high ticket, with a named owner and date for each".into(),
        );
    }
    if f.payment_status != "current" {
        risks.push(format!("Payment status is {}", f.payment_status));
        goals.push("Settle the outstanding invoice before the renewal conversation".into());
    }
    if (0..=90).contains(&f.days_to_renewal) {
        risks.push(format!(
            "Renewal in {} days, on {}",
            f.days_to_renewal, f.renewal_date
        ));
    }
    if f.seat_utilisation_pct < 50.0 {
        goals.push(format!(
            "Raise seat utilisation from {}% towards 80% with targeted onboarding",
            tenths::fixed(f.seat_utilisation_pct)
        ));
    }
    let mut opportunities = Vec::new();
    if f.seat_utilisation_pct >= 90.0 {
        opportunities.push(format!(
            "{}% of seats active on an average day (peak {} of {}): discuss expanding seats",
            tenths::fixed(f.seat_utilisation_pct),
            f.peak_active_users,
            f.seats
        ));
    }
    if f.events_change_pct.is_some_and(|p| p >= 10.0) {
        opportunities.push(format!(
            "Activity up {}%: capture the use cases driving growth",
            tenths::fixed(f.events_change_pct.unwrap_or_default())
        ));
    }
    if risks.is_empty() {
        risks.push("No material risks in the data for this period".into());
    }
    if goals.is_empty() {
        goals.push("Set adoption and outcome targets for the next quarter together".into());
    }
    let mut risk_bullets = risks;
    risk_bullets.extend(opportunities);

    vec![
        Section {
            title: "Executive summary".into(),
            bullets: vec![
                health_line(f),
                format!("{} plan, {} seats, {} ARR", f.plan, f.seats, f.money()),
                match f.weakest_measure {
                    Some(m) => format!("Weakest health measure: {m}"),
                    None => "All health measures weighted out".into(),
                },
            ],
        },
        Section {
            title: format!(
                "Usage and adoption (last {} days to {})",
                f.period_days, f.as_of
            ),
            bullets: vec![
                format!(
                    "{} average daily active users of {} seats ({}%), peak {}",
                    tenths::short(f.avg_daily_active_users),
                    f.seats,
                    tenths::fixed(f.seat_utilisation_pct),
                    f.peak_active_users
                ),
                format!(
                    "{} product events, {} against the previous {} days",
                    f.events_in_period,
                    f.usage_change_phrase(),
                    f.period_days
                ),
            ],
        },
        Section {
            title: "Support review".into(),
            bullets: {
                let mut b = vec![
                    format!(
                        "{} tickets opened in the period",
                        f.tickets_opened_in_period
                    ),
                    format!(
                        "{} unresolved: {} critical, {} high, {} medium, {} low",
                        o.total, o.critical, o.high, o.medium, o.low
                    ),
                ];
                b.extend(
                    f.top_open_tickets
                        .iter()
                        .map(|t| format!("{} ({}, {}): {}", t.id, t.severity, t.status, t.subject)),
                );
                b
            },
        },
        Section {
            title: "Risks and opportunities".into(),
            bullets: risk_bullets,
        },
        Section {
            title: "Renewal and commercials".into(),
            bullets: vec![
                format!("Renewal on {} ({} days)", f.renewal_date, f.days_to_renewal),
                format!("Payment status: {}", f.payment_status),
            ],
        },
        Section {
            title: "Goals for next quarter".into(),
            bullets: goals,
        },
        Section {
            title: "Next steps".into(),
            bullets: vec![
                format!("{} to circulate this outline before the meeting", f.owner()),
                "Agree owners and dates for each goal".into(),
            ],
        },
    ]
}

pub const LLM_INSTRUCTIONS: &str = "You prepare quarterly business review outlines for customer-success managers. \
     Use only the facts in the JSON you are given; quote numbers exactly as given and invent none. \
     Answer with a JSON object {\"sections\": [{\"title\": string, \"bullets\": [string]}]} and nothing else.";

/// Most sections accepted from an LLM, and bullets per section.
const MAX_SECTIONS: usize = 12;
const MAX_BULLETS: usize = 12;

/// Accepts an LLM answer only if it is an outline of titled sections with
/// bullets, each one line quoting nothing but the facts.
pub fn from_llm(value: &serde_json::Value, grounding: &Grounding) -> Result<Vec<Section>, String> {
    #[derive(Deserialize)]
    struct Outline {
        sections: Vec<Section>,
    }
    let not_outline = || "the LLM answer was not an outline of titled sections".to_string();
    let outline: Outline = serde_json::from_value(value.clone()).map_err(|_| not_outline())?;
    let shaped = (1..=MAX_SECTIONS).contains(&outline.sections.len())
        && outline
            .sections
            .iter()
            .all(|s| (1..=MAX_BULLETS).contains(&s.bullets.len()));
    if !shaped {
        return Err(not_outline());
    }
    for s in &outline.sections {
        grounding
            .line("section title", &s.title)
            .and_then(|()| {
                s.bullets
                    .iter()
                    .try_for_each(|b| grounding.line("bullet", b))
            })
            .map_err(|e| format!("the LLM outline was refused: {e}"))?;
    }
    Ok(outline.sections)
}
