//! The copilot tools by name: their descriptions and the JSON Schemas
//! `GET /tools` lists.

use edgedesk_kernel::openapi;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;

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

    /// `POST` path of the tool's own route.
    pub fn path(self) -> &'static str {
        match self {
            Tool::GetCustomerUsage => "/tools/get_customer_usage",
            Tool::GetRecentTickets => "/tools/get_recent_tickets",
            Tool::GetContractInfo => "/tools/get_contract_info",
            Tool::CalculateHealth => "/tools/calculate_health",
            Tool::GenerateEmail => "/tools/generate_email",
            Tool::GenerateQbrOutline => "/tools/generate_qbr_outline",
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

    pub fn summary(self) -> &'static str {
        match self {
            Tool::GetCustomerUsage => "A customer's usage",
            Tool::GetRecentTickets => "A customer's recent tickets",
            Tool::GetContractInfo => "A customer's contract",
            Tool::CalculateHealth => "A customer's health score",
            Tool::GenerateEmail => "Draft a follow-up email",
            Tool::GenerateQbrOutline => "Outline a quarterly business review",
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

    /// The tool's entry in `GET /tools`; its body schema comes from the
    /// product's generated API description.
    fn entry(self, fragment: &Value) -> ToolEntry {
        let body = &fragment["operations"][self.name()]["requestBody"]["content"]["application/json"]
            ["schema"];
        ToolEntry {
            name: self.name(),
            description: self.description(),
            method: "POST",
            path: self.path(),
            body: openapi::inline(body, &fragment["schemas"]),
        }
    }
}

/// `GET /tools`
#[derive(Debug, Serialize, JsonSchema)]
pub struct ToolList {
    pub tools: Vec<ToolEntry>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ToolEntry {
    pub name: &'static str,
    pub description: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// The JSON Schema of the call's body.
    pub body: Value,
}

/// The `GET /tools` answer, built once per isolate or instance.
pub fn listing() -> &'static Value {
    static LISTING: OnceLock<Value> = OnceLock::new();
    LISTING.get_or_init(|| serde_json::to_value(catalogue()).unwrap_or_default())
}

pub fn catalogue() -> ToolList {
    let fragment: Value = serde_json::from_str(crate::OPENAPI).unwrap_or_default();
    ToolList {
        tools: TOOLS.iter().map(|t| t.entry(&fragment)).collect(),
    }
}
