//! `generate_email`: a follow-up email grounded in the customer's numbers.
//! The template is the deterministic default; an LLM may rewrite it from
//! the same facts.

use crate::facts::Facts;
use crate::grounding::Grounding;
use crate::model::{Generation, Purpose, Tone};
use crate::tenths;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `generate_email`
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailAnswer<'a> {
    #[schemars(with = "Purpose")]
    pub purpose: &'a str,
    /// Whether the caller named the purpose or the server chose it.
    pub purpose_chosen_by: ChosenBy,
    /// Why the server chose this purpose, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose_reason: Option<String>,
    #[schemars(with = "Tone")]
    pub tone: &'a str,
    pub subject: String,
    pub body: String,
    #[serde(flatten)]
    pub generation: Generation,
    /// The facts the text may quote, and nothing else.
    pub grounding: &'a Facts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChosenBy {
    Caller,
    Server,
}

pub const PURPOSES: [&str; 4] = ["check_in", "renewal", "risk_followup", "qbr_invite"];
pub const TONES: [&str; 3] = ["friendly", "formal", "concise"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

fn greeting(f: &Facts, tone: &str) -> String {
    match tone {
        "formal" => format!(
            "Dear {},",
            f.contact_name.as_deref().unwrap_or("Sir or Madam")
        ),
        _ => format!("Hi {},", f.first_name()),
    }
}

fn sign_off(f: &Facts, tone: &str) -> String {
    match tone {
        "formal" => format!("Kind regards,\n{}", f.owner()),
        "concise" => format!("Thanks,\n{}", f.owner()),
        _ => format!("Best,\n{}", f.owner()),
    }
}

fn usage_line(f: &Facts) -> String {
    format!(
        "Over the {} days to {}, an average of {} of your {} seats were active each day ({}%), and product activity is {} against the previous {} days.",
        f.period_days,
        f.as_of,
        tenths::short(f.avg_daily_active_users),
        f.seats,
        tenths::fixed(f.seat_utilisation_pct),
        f.usage_change_phrase(),
        f.period_days
    )
}

fn tickets_line(f: &Facts) -> String {
    let o = f.open_tickets;
    if o.total == 0 {
        return "You have no open support tickets with us right now.".into();
    }
    let mut line = format!(
        "You have {} open support ticket{} ({} critical, {} high)",
        o.total,
        if o.total == 1 { "" } else { "s" },
        o.critical,
        o.high
    );
    if let Some(t) = f.top_open_tickets.first() {
        line.push_str(&format!(
            "; the most pressing is {} \"{}\" ({}).",
            t.id, t.subject, t.severity
        ));
    } else {
        line.push('.');
    }
    line
}

fn renewal_line(f: &Facts) -> String {
    if f.days_to_renewal >= 0 {
        format!(
            "Your {} plan ({} seats, {} a year) renews on {}, in {} days.",
            f.plan,
            f.seats,
            f.money(),
            f.renewal_date,
            f.days_to_renewal
        )
    } else {
        format!(
            "Your {} plan ({} seats) was due for renewal on {}, {} days ago.",
            f.plan, f.seats, f.renewal_date, -f.days_to_renewal
        )
    }
}

fn payment_line(f: &Facts) -> Option<String> {
    (f.payment_status != "current").then(|| {
        format!(
            "Our records show your account's payment status as {}; I'd like to help get that settled so nothing interrupts your service.",
            f.payment_status
        )
    })
}

pub fn template(f: &Facts, purpose: &str, tone: &str) -> Email {
    let concise = tone == "concise";
    let (subject, mut paragraphs): (String, Vec<String>) = match purpose {
        "renewal" => (
            format!("{}: your {} renewal on {}", f.customer_name, f.plan, f.renewal_date),
            vec![
                renewal_line(f),
                usage_line(f),
                "Could we find 30 minutes in the next two weeks to review your goals for the coming term and make sure the renewal fits how your team works today?".into(),
            ],
        ),
        "risk_followup" => (
            match f.top_open_tickets.first() {
                Some(t) => format!("Following up on {}: {}", t.id, t.subject),
                None => format!("Following up on {}'s recent activity", f.customer_name),
            },
            vec![
                tickets_line(f),
                usage_line(f),
                "I want to make sure these are resolved quickly. Could we set up a short call this week to agree on next steps with our support team?".into(),
            ],
        ),
        "qbr_invite" => (
            format!("{}: quarterly business review", f.customer_name),
            vec![
                format!(
                    "I'd like to invite you to a quarterly business review. Your account health score is {} ({}), and I'd like to walk through what is behind it.",
                    f.health_score, f.health_band
                ),
                usage_line(f),
                tickets_line(f),
                "Would one of the next two weeks suit you for a 45-minute session?".into(),
            ],
        ),
        _ => (
            format!("Checking in: {}", f.customer_name),
            vec![
                "I wanted to check in and share how your team is getting on.".into(),
                usage_line(f),
                tickets_line(f),
                "Is there anything we could help with, or a team we should help onboard?".into(),
            ],
        ),
    };
    if let Some(line) = payment_line(f) {
        paragraphs.insert(paragraphs.len() - 1, line);
    }
    if concise {
        // Keep the opening fact, the most relevant number and the ask.
        let ask = paragraphs.pop().unwrap_or_default();
        paragraphs.truncate(2);
        paragraphs.push(ask);
    }
    let body = format!(
        "{}\n\n{}\n\n{}",
        greeting(f, tone),
        paragraphs.join("\n\n"),
        sign_off(f, tone)
    );
    Email { subject, body }
}

pub fn llm_instructions(purpose: &str, tone: &str) -> String {
    format!(
        "You write customer-success emails. Write a {tone} email whose purpose is {purpose}. \
         Use only the facts in the JSON you are given; quote numbers exactly as given and invent none. \
         Answer with a JSON object {{\"subject\": string, \"body\": string}} and nothing else."
    )
}

/// Accepts an LLM answer only if it is an email whose subject is one line
/// and whose subject and body quote nothing but the facts.
pub fn from_llm(value: &serde_json::Value, grounding: &Grounding) -> Result<Email, String> {
    let mut email: Email = serde_json::from_value(value.clone())
        .map_err(|_| "the LLM answer was not an email with a subject and body".to_string())?;
    email.body = email.body.replace("\r\n", "\n");
    grounding
        .line("subject", &email.subject)
        .and_then(|()| grounding.text("body", &email.body))
        .map_err(|e| format!("the LLM email was refused: {e}"))?;
    Ok(email)
}

/// The purpose for a caller who named none, and why: a risk follow-up when
/// health is red or yellow and falling, a renewal email when the renewal
/// is 90 days away or less (or overdue), otherwise a check-in.
pub fn choose_purpose(f: &Facts) -> (&'static str, String) {
    let falling = f.previous_health_score.filter(|p| f.health_score < *p);
    if let (Some(prev), "red" | "yellow") = (falling, f.health_band) {
        return (
            "risk_followup",
            format!(
                "health is {} and falling ({} from {})",
                f.health_band, f.health_score, prev
            ),
        );
    }
    if f.days_to_renewal <= 90 {
        let when = if f.days_to_renewal >= 0 {
            format!("in {} days", f.days_to_renewal)
        } else {
            format!("{} days overdue", -f.days_to_renewal)
        };
        return (
            "renewal",
            format!("the renewal on {} is {when}", f.renewal_date),
        );
    }
    let trend = match f.previous_health_score {
        Some(prev) => format!(", from {prev}"),
        None => String::new(),
    };
    (
        "check_in",
        format!(
            "health is {} ({}{trend}) and the renewal is {} days away",
            f.health_band, f.health_score, f.days_to_renewal
        ),
    )
}
