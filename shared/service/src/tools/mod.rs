//! The copilot tools: their catalogue, input validation and execution.

pub mod data;
pub mod email;
pub mod facts;
pub mod health;
pub mod params;
pub mod qbr;
mod runners;
pub mod tenths;
pub mod tickets;
pub mod usage;

use edgedesk_core::health::MEASURES;
use serde_json::{Map, Value, json};

pub use runners::{
    CalculateHealth, Call, GenerateEmail, GenerateQbrOutline, GetContractInfo, GetCustomerUsage,
    GetRecentTickets, Runner, run,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    GetCustomerUsage,
    GetRecentTickets,
    GetContractInfo,
    CalculateHealth,
    GenerateEmail,
    GenerateQbrOutline,
}

pub const TOOLS: [Tool; 6] = [
    Tool::GetCustomerUsage,
    Tool::GetRecentTickets,
    Tool::GetContractInfo,
    Tool::CalculateHealth,
    Tool::GenerateEmail,
    Tool::GenerateQbrOutline,
];

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::GetCustomerUsage => "get_customer_usage",
            Tool::GetRecentTickets => "get_recent_tickets",
            Tool::GetContractInfo => "get_contract_info",
            Tool::CalculateHealth => "calculate_health",
            Tool::GenerateEmail => "generate_email",
            Tool::GenerateQbrOutline => "generate_qbr_outline",
        }
    }

    pub fn from_name(name: &str) -> Option<Tool> {
        TOOLS.into_iter().find(|t| t.name() == name)
    }

    pub(crate) fn params(self) -> &'static [&'static str] {
        match self {
            Tool::GetCustomerUsage => &["periodDays"],
            Tool::GetRecentTickets => &["limit", "status"],
            Tool::GetContractInfo => &[],
            Tool::CalculateHealth => &["periodDays", "weights"],
            Tool::GenerateEmail => &["purpose", "tone"],
            Tool::GenerateQbrOutline => &[],
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Tool::GetCustomerUsage => {
                "Daily usage for a window ending at the newest exported day: totals, active users, seat utilisation and the trend against the previous window of equal length."
            }
            Tool::GetRecentTickets => {
                "Support tickets, newest first, with counts by status and severity."
            }
            Tool::GetContractInfo => {
                "Plan, ARR, seats, start and renewal dates, days to renewal and payment status."
            }
            Tool::CalculateHealth => {
                "Explainable 0-100 health score from weighted measures (usage trend, adoption, support load, renewal proximity, payment status), with band, trend and per-measure breakdown."
            }
            Tool::GenerateEmail => {
                "A follow-up email grounded in the customer's usage, tickets, contract and health."
            }
            Tool::GenerateQbrOutline => {
                "A quarterly business review outline grounded in the customer's usage, tickets, contract and health."
            }
        }
    }

    /// JSON Schema of `params`.
    pub fn schema(self) -> Value {
        let props = match self {
            Tool::GetCustomerUsage => json!({
                "periodDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30}
            }),
            Tool::GetRecentTickets => json!({
                "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                "status": {"type": "string", "enum": data::TicketStatus::ALL}
            }),
            Tool::CalculateHealth => json!({
                "periodDays": {"type": "integer", "minimum": 7, "maximum": 90, "default": 30},
                "weights": {
                    "type": "object",
                    "description": "Weights per measure, whole numbers summing to 100; measures left out weigh 0. Defaults to the server's HEALTH_WEIGHTS.",
                    "properties": MEASURES.iter().map(|m| (m.name().to_string(), json!({"type": "integer", "minimum": 0, "maximum": 100}))).collect::<Map<_, _>>(),
                    "additionalProperties": false
                }
            }),
            Tool::GenerateEmail => json!({
                "purpose": {"type": "string", "enum": email::PURPOSES},
                "tone": {"type": "string", "enum": email::TONES, "default": "friendly"}
            }),
            Tool::GetContractInfo | Tool::GenerateQbrOutline => json!({}),
        };
        let required: &[&str] = if self == Tool::GenerateEmail {
            &["purpose"]
        } else {
            &[]
        };
        json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
    }

    pub fn describe(self) -> Value {
        json!({
            "name": self.name(),
            "description": self.description(),
            "method": "POST",
            "path": format!("/tools/{}", self.name()),
            "body": {
                "type": "object",
                "properties": {
                    "customerId": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"},
                    "params": self.schema(),
                },
                "required": ["customerId"],
                "additionalProperties": false
            }
        })
    }
}

pub fn catalogue() -> Value {
    json!({"tools": TOOLS.iter().map(|t| t.describe()).collect::<Vec<_>>()})
}
