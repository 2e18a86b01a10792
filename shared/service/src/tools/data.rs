//! The customer documents the tools read: `usage/{id}.json`,
//! `tickets/{id}.json` and `contract/{id}.json` in the blob store.

use crate::deadline;
use crate::platform::{BlobStore, Clock};
use chrono::{DateTime, NaiveDate, Utc};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::health::{OpenTickets, PaymentStatus};
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageDoc {
    pub licensed_seats: u32,
    pub days: Vec<UsageDay>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageDay {
    pub date: NaiveDate,
    pub active_users: u32,
    pub sessions: u64,
    pub events: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TicketsDoc {
    pub tickets: Vec<Ticket>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    Open,
    Pending,
    Solved,
    Closed,
}

impl TicketStatus {
    pub const ALL: [&'static str; 4] = ["open", "pending", "solved", "closed"];

    pub fn is_unresolved(self) -> bool {
        matches!(self, TicketStatus::Open | TicketStatus::Pending)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [&'static str; 4] = ["low", "medium", "high", "critical"];

    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub subject: String,
    pub status: TicketStatus,
    pub severity: Severity,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Ticket {
    /// Whether the ticket was open at the end of `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        let end = day.and_hms_opt(23, 59, 59).map(|t| t.and_utc());
        let Some(end) = end else { return false };
        if self.created_at > end {
            return false;
        }
        match self.resolved_at {
            Some(resolved) => resolved > end,
            None => self.status.is_unresolved(),
        }
    }
}

/// Open tickets at the end of `day`, by severity.
pub fn open_tickets_on(tickets: &[Ticket], day: NaiveDate) -> OpenTickets {
    let mut open = OpenTickets::default();
    for t in tickets.iter().filter(|t| t.open_on(day)) {
        match t.severity {
            Severity::Low => open.low += 1,
            Severity::Medium => open.medium += 1,
            Severity::High => open.high += 1,
            Severity::Critical => open.critical += 1,
        }
    }
    open
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDoc {
    pub customer_name: String,
    pub plan: String,
    pub arr: u64,
    pub currency: String,
    pub seats: u32,
    pub start_date: NaiveDate,
    pub renewal_date: NaiveDate,
    pub payment_status: PaymentStatusField,
    #[serde(default)]
    pub billing_contact: Option<Contact>,
    #[serde(default)]
    pub account_owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

/// Payment status as stored: one of current, late, overdue, failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct PaymentStatusField(pub PaymentStatus);

impl<'de> Deserialize<'de> for PaymentStatusField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PaymentStatus::parse(&s)
            .map(PaymentStatusField)
            .ok_or_else(|| serde::de::Error::custom("unknown payment status"))
    }
}

/// Which document a tool needs.
#[derive(Debug, Clone, Copy)]
pub enum Doc {
    Usage,
    Tickets,
    Contract,
}

impl Doc {
    fn name(self) -> &'static str {
        match self {
            Doc::Usage => "usage",
            Doc::Tickets => "tickets",
            Doc::Contract => "contract",
        }
    }

    pub fn key(self, customer_id: &str) -> String {
        format!("{}/{customer_id}.json", self.name())
    }
}

/// Loads and parses one document, bounded by `timeout_ms`. The customer id
/// has been validated, so the key cannot escape its prefix.
pub async fn load<T, P>(p: &P, doc: Doc, customer_id: &str, timeout_ms: u64) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    P: BlobStore + Clock,
{
    let what = doc.name();
    let fetched = deadline::within(p, timeout_ms, p.get_blob(&doc.key(customer_id)))
        .await
        .map_err(|_| {
            ApiError::timeout(format!(
                "reading {what} data for customer '{customer_id}' took longer than {timeout_ms} ms"
            ))
        })?;
    let bytes = fetched
        .map_err(|_| ApiError::failure(format!("the {what} data store is unavailable; try again")))?
        .ok_or_else(|| ApiError::missing(format!("no {what} data for customer '{customer_id}'")))?;
    serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::failure(format!(
            "stored {what} data for customer '{customer_id}' is unreadable"
        ))
    })
}
