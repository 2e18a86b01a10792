//! The copilot's types: the customer documents the tools read
//! (`usage/{id}.json`, `tickets/{id}.json`, `contract/{id}.json`), the
//! tools' request bodies and their answers. The API description is
//! generated from these (schemars), and every answer is serialised from
//! them.

use chrono::{DateTime, NaiveDate, Utc};
use edgedesk_core::health::{OpenTickets, PaymentStatus};
use edgedesk_kernel::dates;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageDoc {
    pub licensed_seats: u32,
    pub days: Vec<UsageDay>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageDay {
    #[serde(deserialize_with = "dates::date")]
    pub date: NaiveDate,
    pub active_users: u32,
    pub sessions: u64,
    pub events: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TicketsDoc {
    pub tickets: Vec<Ticket>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
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

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub subject: String,
    pub status: TicketStatus,
    pub severity: Severity,
    #[serde(deserialize_with = "dates::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "dates::optional_timestamp")]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDoc {
    pub customer_name: String,
    pub plan: String,
    pub arr: u64,
    pub currency: String,
    pub seats: u32,
    #[serde(deserialize_with = "dates::date")]
    pub start_date: NaiveDate,
    #[serde(deserialize_with = "dates::date")]
    pub renewal_date: NaiveDate,
    pub payment_status: PaymentStatusField,
    #[serde(default)]
    pub billing_contact: Option<Contact>,
    #[serde(default)]
    pub account_owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

/// Payment status as stored: one of current, late, overdue, failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PaymentStatusField(pub PaymentStatus);

impl JsonSchema for PaymentStatusField {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PaymentStatus".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = PaymentStatus::ALL.iter().map(|p| p.as_str()).collect();
        schemars::json_schema!({"type": "string", "enum": names})
    }
}

impl<'de> Deserialize<'de> for PaymentStatusField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PaymentStatus::parse(&s)
            .map(PaymentStatusField)
            .ok_or_else(|| serde::de::Error::custom("unknown payment status"))
    }
}

// ---------------------------------------------------------------------
// Requests. The tools validate `params` field by field with messages that
// name the field (`edgedesk_kernel::params`); these types describe the same
// rules for the API description, and a test holds the two together.

/// Pattern of a customer id (`edgedesk_core::ids`).
pub const CUSTOMER_ID_PATTERN: &str = "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$";

/// A tool call's body.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "ToolRequest{P}")]
pub struct ToolRequest<P: Default> {
    /// The customer, as named in its stored documents.
    #[schemars(regex(pattern = CUSTOMER_ID_PATTERN))]
    pub customer_id: String,
    /// The tool's parameters; each has a default unless required.
    #[serde(default, skip_serializing_if = "always")]
    pub params: P,
}

/// Keeps a type's `Default` out of the schema: `params` may be left out,
/// but its default is the server's, not `P::default()`.
fn always<P>(_: &P) -> bool {
    true
}

/// `get_customer_usage` parameters.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageParams {
    /// Days in the window, which ends at the newest exported day.
    #[schemars(with = "u32", range(min = 1, max = 365), extend("default" = 30))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u32>,
}

/// `get_recent_tickets` parameters.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketsParams {
    /// How many tickets to return, newest first.
    #[schemars(with = "u32", range(min = 1, max = 100), extend("default" = 10))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only tickets in this status.
    #[schemars(with = "TicketStatus")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
}

/// No parameters.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `calculate_health` parameters.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthParams {
    /// Days in the scored window.
    #[schemars(with = "u32", range(min = 7, max = 90), extend("default" = 30))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u32>,
    /// Weights per measure, whole numbers summing to 100; measures left
    /// out weigh 0. Defaults to the server's HEALTH_WEIGHTS.
    #[schemars(with = "HealthWeights")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<HealthWeights>,
}

/// A weight per measure.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthWeights {
    #[schemars(with = "u8", range(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_trend: Option<u8>,
    #[schemars(with = "u8", range(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adoption: Option<u8>,
    #[schemars(with = "u8", range(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_load: Option<u8>,
    #[schemars(with = "u8", range(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_proximity: Option<u8>,
    #[schemars(with = "u8", range(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<u8>,
}

/// `generate_email` parameters.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailParams {
    /// What the email is for. Left out, the server chooses from the
    /// customer's situation (a risk follow-up when health is red or yellow
    /// and falling, a renewal email when the renewal is 90 days away or
    /// less, otherwise a check-in) and says why in `purposeReason`.
    #[schemars(with = "Purpose")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How it reads.
    #[schemars(with = "Tone", extend("default" = "friendly"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<Tone>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    #[default]
    CheckIn,
    Renewal,
    RiskFollowup,
    QbrInvite,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Friendly,
    Formal,
    Concise,
}

// ---------------------------------------------------------------------
// Answers: the `data` of each tool's success envelope.

/// What every tool's answer carries besides its own fields.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ToolAnswer{T}")]
pub struct ToolAnswer<T> {
    pub customer_id: String,
    /// The tool's name.
    pub tool: String,
    #[serde(flatten)]
    pub answer: T,
}

/// Tickets by status.
#[derive(Debug, Default, Clone, Copy, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusCounts {
    pub open: u32,
    pub pending: u32,
    pub solved: u32,
    pub closed: u32,
}

/// Tickets by severity.
#[derive(Debug, Default, Clone, Copy, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityCounts {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl From<OpenTickets> for SeverityCounts {
    fn from(o: OpenTickets) -> Self {
        SeverityCounts {
            critical: o.critical,
            high: o.high,
            medium: o.medium,
            low: o.low,
        }
    }
}

impl SeverityCounts {
    pub fn bump(&mut self, s: Severity) {
        match s {
            Severity::Low => self.low += 1,
            Severity::Medium => self.medium += 1,
            Severity::High => self.high += 1,
            Severity::Critical => self.critical += 1,
        }
    }
}

impl StatusCounts {
    pub fn bump(&mut self, s: TicketStatus) {
        match s {
            TicketStatus::Open => self.open += 1,
            TicketStatus::Pending => self.pending += 1,
            TicketStatus::Solved => self.solved += 1,
            TicketStatus::Closed => self.closed += 1,
        }
    }
}

/// `get_recent_tickets`
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketsAnswer<'a> {
    pub total: usize,
    /// Tickets in the requested status (all when no filter).
    pub matching: usize,
    pub returned: usize,
    #[schemars(with = "Option<TicketStatus>")]
    pub status_filter: Option<&'a str>,
    pub counts_by_status: StatusCounts,
    pub counts_by_severity: SeverityCounts,
    pub open_by_severity: SeverityCounts,
    /// Open or pending.
    pub unresolved: usize,
    /// Newest first.
    pub tickets: Vec<&'a Ticket>,
}

/// `get_contract_info`: the stored contract and where its renewal stands.
/// A type of its own rather than the stored one flattened, so the API's
/// shape is explicit and the answer serialises without a flattening pass.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContractAnswer {
    pub customer_name: String,
    pub plan: String,
    /// Annual recurring revenue, in `currency`.
    pub arr: u64,
    pub currency: String,
    pub seats: u32,
    pub start_date: NaiveDate,
    pub renewal_date: NaiveDate,
    pub payment_status: PaymentStatusField,
    pub billing_contact: Option<Contact>,
    pub account_owner: Option<String>,
    /// From today; negative once the renewal date has passed.
    pub days_to_renewal: i64,
    pub renewal_status: RenewalStatus,
}

impl ContractAnswer {
    pub fn new(c: ContractDoc, today: NaiveDate) -> Self {
        let days = (c.renewal_date - today).num_days();
        ContractAnswer {
            customer_name: c.customer_name,
            plan: c.plan,
            arr: c.arr,
            currency: c.currency,
            seats: c.seats,
            start_date: c.start_date,
            renewal_date: c.renewal_date,
            payment_status: c.payment_status,
            billing_contact: c.billing_contact,
            account_owner: c.account_owner,
            days_to_renewal: days,
            renewal_status: match days {
                d if d < 0 => RenewalStatus::Overdue,
                0..=90 => RenewalStatus::Upcoming,
                _ => RenewalStatus::Scheduled,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RenewalStatus {
    /// The renewal date has passed.
    Overdue,
    /// Within 90 days.
    Upcoming,
    /// Further out.
    Scheduled,
}

/// Where generated text came from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Generation {
    pub generator: Generator,
    /// The LLM's model, when it wrote the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Whether the LLM's answer came from the cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached: Option<bool>,
    /// Why the template was used although an LLM is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    Llm,
    Template,
}
