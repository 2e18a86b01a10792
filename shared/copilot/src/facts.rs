//! The numbers an email or QBR outline may quote, gathered once from the
//! customer's usage, tickets, contract and health. Templates and the LLM
//! prompt both draw only from here, so every figure is traceable. Free text
//! from the stored documents arrives here as single clean lines, so a
//! ticket subject cannot add a header line to an email.

use crate::grounding::clean_line;
use crate::health::Assessment;
use crate::model::{ContractDoc, Ticket, TicketsDoc};
use crate::tenths;
use chrono::NaiveDate;
use edgedesk_core::health::OpenTickets;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    pub customer_id: String,
    pub customer_name: String,
    pub contact_name: Option<String>,
    pub account_owner: Option<String>,
    pub plan: String,
    pub arr: u64,
    pub currency: String,
    pub seats: u32,
    pub renewal_date: NaiveDate,
    pub days_to_renewal: i64,
    pub payment_status: &'static str,
    pub as_of: NaiveDate,
    pub period_days: u32,
    pub avg_daily_active_users: f64,
    pub peak_active_users: u32,
    pub seat_utilisation_pct: f64,
    pub events_change_pct: Option<f64>,
    pub events_in_period: u64,
    pub open_tickets: OpenTicketsFact,
    pub tickets_opened_in_period: usize,
    pub top_open_tickets: Vec<TicketFact>,
    pub health_score: u8,
    pub health_band: &'static str,
    pub previous_health_score: Option<u8>,
    pub weakest_measure: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct OpenTicketsFact {
    pub total: u32,
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl From<OpenTickets> for OpenTicketsFact {
    fn from(o: OpenTickets) -> Self {
        Self {
            total: o.low + o.medium + o.high + o.critical,
            critical: o.critical,
            high: o.high,
            medium: o.medium,
            low: o.low,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TicketFact {
    pub id: String,
    pub subject: String,
    pub severity: &'static str,
    pub status: &'static str,
}

impl From<&Ticket> for TicketFact {
    fn from(t: &Ticket) -> Self {
        Self {
            id: clean_line(&t.id),
            subject: clean_line(&t.subject),
            severity: t.severity.as_str(),
            status: t.status.as_str(),
        }
    }
}

pub fn gather(
    customer_id: &str,
    a: &Assessment<'_>,
    tickets: &TicketsDoc,
    contract: &ContractDoc,
) -> Facts {
    let mut open: Vec<&Ticket> = tickets
        .tickets
        .iter()
        .filter(|t| t.status.is_unresolved())
        .collect();
    // Most severe first, then newest.
    open.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then(y.created_at.cmp(&x.created_at))
    });
    let start = a.usage.current.start;
    Facts {
        customer_id: customer_id.to_string(),
        customer_name: clean_line(&contract.customer_name),
        contact_name: contract
            .billing_contact
            .as_ref()
            .map(|c| clean_line(&c.name)),
        account_owner: contract.account_owner.as_deref().map(clean_line),
        plan: clean_line(&contract.plan),
        arr: contract.arr,
        currency: clean_line(&contract.currency),
        seats: contract.seats,
        renewal_date: contract.renewal_date,
        days_to_renewal: a.days_to_renewal,
        payment_status: contract.payment_status.0.as_str(),
        as_of: a.usage.as_of,
        period_days: a.usage.period_days,
        avg_daily_active_users: a.usage.current.avg_daily_active_users,
        peak_active_users: a.usage.current.peak_active_users,
        seat_utilisation_pct: a.usage.utilisation_pct(),
        events_change_pct: a.usage.trend.map(|t| t.events_change_pct),
        events_in_period: a.usage.current.events,
        open_tickets: a.inputs.open_tickets.into(),
        tickets_opened_in_period: tickets
            .tickets
            .iter()
            .filter(|t| t.created_at.date_naive() >= start)
            .count(),
        top_open_tickets: open.into_iter().take(3).map(TicketFact::from).collect(),
        health_score: a.score.score,
        health_band: a.score.band.as_str(),
        previous_health_score: a.previous.map(|p| p.score),
        weakest_measure: a.score.weakest().map(|m| m.name()),
    }
}

impl Facts {
    pub fn first_name(&self) -> String {
        self.contact_name
            .as_deref()
            .and_then(|n| n.split_whitespace().next())
            .unwrap_or("there")
            .to_string()
    }

    pub fn owner(&self) -> &str {
        self.account_owner
            .as_deref()
            .unwrap_or("Your customer success team")
    }

    /// "up 8.2%", "down 48.0%", "steady" or "too new to compare".
    pub fn usage_change_phrase(&self) -> String {
        match self.events_change_pct {
            Some(p) if p >= 5.0 => format!("up {}%", tenths::fixed(p)),
            Some(p) if p <= -5.0 => format!("down {}%", tenths::fixed(-p)),
            Some(_) => "steady".into(),
            None => "too new to compare".into(),
        }
    }

    pub fn money(&self) -> String {
        let digits = self.arr.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{} {out}", self.currency)
    }
}
