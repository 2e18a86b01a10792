//! What the API reads and writes. Field names and shapes follow the
//! helpdesk API this product replaces, so its clients work unchanged.
//! Times are ISO 8601 UTC.

use crate::roles::Role;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const STATUSES: [&str; 5] = ["open", "in_progress", "pending", "resolved", "closed"];
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
pub const CHANNELS: [&str; 5] = ["email", "chat", "phone", "sms", "form"];
pub const AGENT_STATUSES: [&str; 4] = ["online", "away", "busy", "offline"];

/// A support ticket.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "SupportTicket")]
pub struct Ticket {
    pub id: String,
    pub customer_id: String,
    pub subject: String,
    /// open, in_progress, pending (awaiting the customer), resolved, closed.
    pub status: String,
    /// low, normal, high, urgent.
    pub priority: String,
    /// email, chat, phone, sms, form.
    pub channel: String,
    pub created_at: String,
    pub updated_at: String,
    /// 0 (negative) to 1 (positive), following the customer's messages.
    pub customer_sentiment: f64,
    /// The urgency score as of this answer (`score-breakdown` explains it).
    pub smart_score: f64,
    pub estimated_difficulty: f64,
    /// The agent the ticket is actively assigned to, if any.
    pub assigned_agent_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InboxTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub matches_topic_alert: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Pagination {
    pub page: i64,
    pub limit: i64,
    pub total: i64,
    pub has_next: bool,
    pub has_prev: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TicketList {
    pub tickets: Vec<InboxTicket>,
    pub pagination: Pagination,
    /// The topic alert keywords applied.
    pub topic_alerts_active: Vec<String>,
    /// How many tickets of the whole filtered set match a topic alert.
    pub matches: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Message {
    pub id: String,
    pub ticket_id: String,
    pub from_agent: bool,
    pub content: String,
    pub from_name: Option<String>,
    pub from_email: Option<String>,
    pub created_at: String,
    /// 0 (negative) to 1 (positive).
    pub sentiment_score: Option<f64>,
    pub detected_intent: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Oldest first.
    pub messages: Vec<Message>,
    pub sla: Option<SlaView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Agent {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// online, away, busy, offline.
    pub status: String,
    pub department: Option<String>,
    pub specializations: Vec<String>,
    pub max_concurrent_tickets: i64,
    pub tickets_resolved_today: i64,
    pub avg_response_time_seconds: Option<f64>,
    /// 0 to 5.
    pub customer_satisfaction_score: Option<f64>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LoginAnswer {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub agent: Agent,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Done {
    pub message: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assignment {
    pub id: String,
    pub ticket_id: String,
    pub agent_id: String,
    /// pending, accepted, in_progress, completed.
    pub status: String,
    /// manual, auto_route, escalation, transfer.
    pub reason: String,
    pub assigned_at: String,
    pub accepted_at: Option<String>,
    pub completed_at: Option<String>,
    pub previous_agent_id: Option<String>,
    pub transfer_reason: Option<String>,
    pub time_to_accept_seconds: Option<i64>,
    pub time_to_complete_seconds: Option<i64>,
    pub is_active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Workload {
    pub agent_id: String,
    pub max_concurrent_tickets: i64,
    /// Active assignments.
    pub active: i64,
    /// Active assignments by status (pending, accepted, in_progress).
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// max_concurrent_tickets less active, never below zero.
    pub available_capacity: i64,
    /// Active over max, in percent.
    pub utilization_percent: f64,
    pub at_capacity: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SlaPolicy {
    pub id: i64,
    pub priority: String,
    pub first_response_target_seconds: i64,
    pub resolution_target_seconds: i64,
    pub warning_threshold_percent: i64,
    pub business_hours_only: bool,
}

/// One SLA clock.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClockView {
    /// pending, at_risk, breached or met, as of this answer.
    pub status: String,
    pub started_at: String,
    pub target_seconds: i64,
    /// When it breaches (or breached), pauses included so far; null when
    /// business hours never reach it.
    pub due_at: Option<String>,
    /// When it turns (or turned) at risk.
    pub warning_at: Option<String>,
    /// When it was satisfied.
    pub satisfied_at: Option<String>,
    /// Seconds counted so far (open hours only on business-hours policies).
    pub elapsed_seconds: i64,
    /// Counted seconds left to the target; negative once breached.
    pub remaining_seconds: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SlaEvent {
    /// first_response, next_response or resolution.
    pub clock: String,
    /// at_risk, breached or met.
    pub kind: String,
    /// When it happened (the deadline crossed, or the reply).
    pub at: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SlaView {
    pub ticket_id: String,
    pub policy: SlaPolicy,
    pub first_response_status: String,
    pub resolution_status: String,
    pub first_response_due_at: Option<String>,
    pub resolution_due_at: Option<String>,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub is_paused: bool,
    pub paused_at: Option<String>,
    /// Wall-clock seconds spent paused, the open pause included.
    pub total_paused_seconds: i64,
    pub created_at: String,
    pub first_response: ClockView,
    /// The clock of the latest customer message after an agent reply.
    pub next_response: Option<ClockView>,
    pub resolution: ClockView,
    pub events: Vec<SlaEvent>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BusinessHours {
    /// An IANA zone name (Europe/Berlin), a POSIX TZ rule, or an offset (-06:00).
    pub time_zone: String,
    /// Open intervals per weekday, local time.
    pub week: Week,
    /// Closed all day, local dates (YYYY-MM-DD).
    pub holidays: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Week {
    pub monday: Vec<Interval>,
    pub tuesday: Vec<Interval>,
    pub wednesday: Vec<Interval>,
    pub thursday: Vec<Interval>,
    pub friday: Vec<Interval>,
    pub saturday: Vec<Interval>,
    pub sunday: Vec<Interval>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// HH:MM, local.
    pub start: String,
    /// HH:MM, local; 24:00 is the end of the day.
    pub end: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreComponent {
    /// priority, wait_time, sentiment, customer_value, churn_risk,
    /// topic_alert or sla_urgency.
    pub factor: String,
    /// What the component was computed from.
    pub inputs: Value,
    pub weight: f64,
    /// Points before the weight.
    pub base_points: f64,
    pub max_points: f64,
    /// Points after the weight: what it adds to the score.
    pub points: f64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreBreakdown {
    pub ticket_id: String,
    /// The sum of the components' points.
    pub smart_score: f64,
    pub computed_at: String,
    pub components: Vec<ScoreComponent>,
    pub topic_alerts_active: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SweepAnswer {
    /// Clocks looked at.
    pub examined: i64,
    /// Events newly recorded (at_risk, breached).
    pub recorded: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClockCounts {
    pub met: i64,
    pub at_risk: i64,
    pub breached: i64,
    pub pending: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PriorityReport {
    pub priority: String,
    pub tickets: i64,
    /// Tickets by their worst clock: breached if any clock breached, at
    /// risk if any is, met when every finished clock was met.
    pub met: i64,
    pub at_risk: i64,
    pub breached: i64,
    pub pending: i64,
    pub first_response: ClockCounts,
    pub resolution: ClockCounts,
    pub median_first_response_seconds: Option<f64>,
    pub median_resolution_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SlaReport {
    pub from: String,
    pub to: String,
    /// The department the report is limited to (a team lead's own).
    pub department: Option<String>,
    pub priorities: Vec<PriorityReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AgentReport {
    pub agent_id: String,
    pub name: String,
    pub department: Option<String>,
    /// Assignments completed in the window.
    pub resolved: i64,
    /// Mean seconds from a ticket's creation (or customer message) to the
    /// agent's reply, over replies in the window.
    pub avg_response_time_seconds: Option<f64>,
    pub active_load: i64,
    pub max_concurrent_tickets: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AgentsReport {
    pub from: String,
    pub to: String,
    pub department: Option<String>,
    pub agents: Vec<AgentReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MessageList {
    /// Oldest first.
    pub messages: Vec<Message>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AgentList {
    pub agents: Vec<Agent>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PolicyList {
    pub policies: Vec<SlaPolicy>,
}

// Request bodies, for the API description; the handlers check the same
// rules field by field (`crate::input`).

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// online, away, busy or offline.
    #[schemars(regex(pattern = r"^(online|away|busy|offline)$"))]
    pub status: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentRequest {
    /// Required when creating.
    pub email: Option<String>,
    /// 8 to 256 characters; required when creating.
    #[schemars(length(min = 8, max = 256))]
    pub password: Option<String>,
    /// Required when creating.
    #[schemars(length(max = 200))]
    pub name: Option<String>,
    /// Default agent. A manager may not create or edit an admin.
    pub role: Option<Role>,
    #[schemars(length(max = 100))]
    pub department: Option<String>,
    #[schemars(length(max = 20))]
    pub specializations: Option<Vec<String>>,
    #[schemars(range(min = 1, max = 1000))]
    pub max_concurrent_tickets: Option<i64>,
    #[schemars(regex(pattern = r"^(online|away|busy|offline)$"))]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    pub customer_id: String,
    #[schemars(length(min = 1, max = 500))]
    pub subject: String,
    #[schemars(regex(pattern = r"^(email|chat|phone|sms|form)$"))]
    pub channel: String,
    /// Default normal.
    #[schemars(regex(pattern = r"^(low|normal|high|urgent)$"))]
    pub priority: Option<String>,
    /// The customer's first message.
    #[schemars(length(max = 20000))]
    pub message: Option<String>,
    pub from_name: Option<String>,
    pub from_email: Option<String>,
    #[schemars(range(min = 0.0, max = 1.0))]
    pub estimated_difficulty: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdate {
    #[schemars(regex(pattern = r"^(open|in_progress|pending|resolved|closed)$"))]
    pub status: Option<String>,
    #[schemars(regex(pattern = r"^(low|normal|high|urgent)$"))]
    pub priority: Option<String>,
    #[schemars(length(min = 1, max = 500))]
    pub subject: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    #[schemars(length(min = 1, max = 20000))]
    pub content: String,
    /// True for an agent's reply (the caller is its author).
    pub from_agent: bool,
    pub from_name: Option<String>,
    pub from_email: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageUpdate {
    #[schemars(length(min = 1, max = 20000))]
    pub content: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub agent_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub agent_id: String,
    #[schemars(length(min = 1, max = 1000))]
    pub reason: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    #[schemars(range(min = 60, max = 31622400))]
    pub first_response_target_seconds: Option<i64>,
    #[schemars(range(min = 60, max = 31622400))]
    pub resolution_target_seconds: Option<i64>,
    #[schemars(range(min = 1, max = 100))]
    pub warning_threshold_percent: Option<i64>,
    pub business_hours_only: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHoursRequest {
    /// An IANA zone name (Europe/Berlin), a POSIX TZ rule, or an offset (-06:00).
    pub time_zone: String,
    pub week: Week,
    /// Local dates (YYYY-MM-DD) closed all day.
    pub holidays: Option<Vec<String>>,
}

/// Who a customer is, as the intelligence service sees them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerDna {
    pub archetype: String,
    pub segments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Predictions {
    /// 0 to 1.
    pub churn_risk: f64,
    /// low, medium or high.
    pub churn_risk_level: String,
    pub lifetime_value: Option<f64>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Intelligence {
    pub customer_id: String,
    pub archetype: String,
    pub segments: Vec<String>,
    pub predictions: Predictions,
    /// As the service reports them.
    pub behavioral_metrics: Value,
    /// Answered from the 15-minute cache.
    pub cached: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Draft {
    pub ticket_id: String,
    pub draft_content: String,
    /// empathetic, professional or friendly.
    pub tone: String,
    /// short, medium or long.
    pub length: String,
    pub channel: String,
    pub personalization_applied: Vec<String>,
    pub customer_dna: CustomerDna,
    pub churn_risk: f64,
    pub generated_at: String,
    /// Answered from the hour-long cache (for this thread, tone and length).
    pub cached: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NextBestAction {
    pub action: String,
    /// high, medium or low.
    pub priority: String,
    pub reasoning: String,
    pub expected_impact: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerValue {
    pub lifetime_value: f64,
    pub total_orders: i64,
    /// platinum, gold, silver or standard.
    pub tier: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChurnRisk {
    pub score: f64,
    pub level: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Recommendation {
    pub ticket_id: String,
    /// Most pressing first.
    pub next_best_actions: Vec<NextBestAction>,
    pub customer_value: CustomerValue,
    pub churn_risk: ChurnRisk,
    /// Of the customer's latest message.
    pub detected_intent: String,
    pub generated_at: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegenerateRequest {
    /// Default professional.
    #[schemars(regex(pattern = r"^(empathetic|professional|friendly)$"))]
    pub tone: Option<String>,
    /// Default medium.
    #[schemars(regex(pattern = r"^(short|medium|long)$"))]
    pub length: Option<String>,
    /// Let the draft cite order and account details.
    pub include_details: Option<bool>,
}
