//! The copilot tools: their catalogue, input validation and execution.

pub mod data;
pub mod email;
pub mod facts;
pub mod health;
pub mod params;
pub mod qbr;
pub mod tickets;
pub mod usage;

use crate::config::{LlmSettings, ToolSettings};
use crate::llm;
use crate::platform::Platform;
use chrono::NaiveDate;
use data::{ContractDoc, Doc, TicketsDoc, UsageDoc};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::health::{MEASURES, Measure, Weights, WeightsError};
use params::Params;
use serde_json::{Map, Value, json};

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

    fn params(self) -> &'static [&'static str] {
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

/// A tool call after its body was parsed and its customer id checked.
pub struct Call<'a> {
    pub customer_id: &'a str,
    pub params: &'a Map<String, Value>,
}

fn weights_param(p: &Params<'_>, default: Weights) -> Result<Weights, ApiError> {
    let Some(map) = p.object("weights")? else {
        return Ok(default);
    };
    let mut w = [0u8; 5];
    for (name, value) in map {
        let measure = Measure::from_name(name).ok_or_else(|| {
            let names: Vec<_> = MEASURES.iter().map(|m| m.name()).collect();
            ApiError::invalid(format!(
                "params.weights.{name} is not a measure; expected: {}",
                names.join(", ")
            ))
        })?;
        w[measure as usize] = value.as_u64().filter(|v| *v <= 100).ok_or_else(|| {
            ApiError::invalid(format!(
                "params.weights.{name} must be a whole number from 0 to 100"
            ))
        })? as u8;
    }
    Weights::new(w).map_err(|e| match e {
        WeightsError::Sum(s) => {
            ApiError::invalid(format!("params.weights must sum to 100, not {s}"))
        }
        _ => ApiError::invalid("params.weights is invalid"),
    })
}

struct Loaded {
    usage: UsageDoc,
    tickets: TicketsDoc,
    contract: ContractDoc,
}

async fn load_all<P: Platform>(p: &P, id: &str, timeout_ms: u64) -> Result<Loaded, ApiError> {
    let (usage, tickets, contract) = futures::join!(
        data::load::<UsageDoc, _>(p, Doc::Usage, id, timeout_ms),
        data::load::<TicketsDoc, _>(p, Doc::Tickets, id, timeout_ms),
        data::load::<ContractDoc, _>(p, Doc::Contract, id, timeout_ms),
    );
    Ok(Loaded {
        usage: usage?,
        tickets: tickets?,
        contract: contract?,
    })
}

fn generator_fields(out: &mut Value, source: Result<(&str, bool), String>) {
    match source {
        Ok((model, cached)) => {
            out["generator"] = "llm".into();
            out["model"] = model.into();
            out["cached"] = cached.into();
        }
        Err(reason) => {
            out["generator"] = "template".into();
            if !reason.is_empty() {
                out["fallbackReason"] = reason.into();
            }
        }
    }
}

/// Runs a tool. `today` comes from the platform clock.
pub async fn run<P: Platform>(
    p: &P,
    settings: &ToolSettings,
    tool: Tool,
    call: &Call<'_>,
    today: NaiveDate,
) -> Result<Value, ApiError> {
    let params = Params::new(call.params, tool.params())?;
    let id = call.customer_id;
    let timeout = settings.tool_timeout_ms;
    let mut data = match tool {
        Tool::GetCustomerUsage => {
            let period = params.int("periodDays", 1, 365, 30)? as u32;
            let doc: UsageDoc = data::load(p, Doc::Usage, id, timeout).await?;
            let as_of = usage::require_as_of(&doc, today, id)?;
            usage::report(&doc, as_of, period).to_json()
        }
        Tool::GetRecentTickets => {
            let limit = params.int("limit", 1, 100, 10)? as usize;
            let status = params.choice("status", &data::TicketStatus::ALL)?;
            let doc: TicketsDoc = data::load(p, Doc::Tickets, id, timeout).await?;
            tickets::report(&doc.tickets, limit, status)
        }
        Tool::GetContractInfo => {
            let c: ContractDoc = data::load(p, Doc::Contract, id, timeout).await?;
            let days = (c.renewal_date - today).num_days();
            let mut v = serde_json::to_value(&c).unwrap_or_default();
            v["daysToRenewal"] = days.into();
            v["renewalStatus"] = match days {
                d if d < 0 => "overdue",
                0..=90 => "upcoming",
                _ => "scheduled",
            }
            .into();
            v
        }
        Tool::CalculateHealth => {
            let period = params.int("periodDays", 7, 90, 30)? as u32;
            let default_weights = settings
                .health_weights
                .map_err(|_| ApiError::failure("the server's HEALTH_WEIGHTS setting is invalid"))?;
            let weights = weights_param(&params, default_weights)?;
            let d = load_all(p, id, timeout).await?;
            let as_of = usage::require_as_of(&d.usage, today, id)?;
            let a = health::assess(
                &d.usage,
                &d.tickets,
                &d.contract,
                as_of,
                today,
                period,
                weights,
            );
            health::to_json(&a)
        }
        Tool::GenerateEmail | Tool::GenerateQbrOutline => {
            let purpose_tone = if tool == Tool::GenerateEmail {
                let purpose = params.choice("purpose", &email::PURPOSES)?.ok_or_else(|| {
                    ApiError::invalid(format!(
                        "params.purpose is required: one of {}",
                        email::PURPOSES.join(", ")
                    ))
                })?;
                let tone = params.choice("tone", &email::TONES)?.unwrap_or("friendly");
                Some((purpose, tone))
            } else {
                None
            };
            let weights = settings.health_weights.unwrap_or_default();
            let d = load_all(p, id, timeout).await?;
            let as_of = usage::require_as_of(&d.usage, today, id)?;
            let a = health::assess(&d.usage, &d.tickets, &d.contract, as_of, today, 30, weights);
            let f = facts::gather(id, &a, &d.tickets, &d.contract);
            let grounding = serde_json::to_value(&f).unwrap_or_default();
            generate(p, purpose_tone, &f, grounding).await
        }
    };
    data["customerId"] = id.into();
    data["tool"] = tool.name().into();
    Ok(data)
}

async fn generate<P: Platform>(
    p: &P,
    purpose_tone: Option<(&'static str, &'static str)>,
    f: &facts::Facts,
    grounding: Value,
) -> Value {
    let instructions = match purpose_tone {
        Some((purpose, tone)) => email::llm_instructions(purpose, tone),
        None => qbr::LLM_INSTRUCTIONS.to_string(),
    };
    let llm = LlmSettings::read(p).await;
    let completion = match &llm {
        None => Err(String::new()),
        Some(llm) => llm::complete(p, llm, &instructions, &grounding).await,
    };
    let (mut out, source) = match purpose_tone {
        Some((purpose, tone)) => {
            let from_llm = completion.map(|c| (email::from_llm(c.value), c.cached));
            let (email, source) = match from_llm {
                Ok((Some(e), cached)) => (e, Ok(cached)),
                Ok((None, _)) => (
                    email::template(f, purpose, tone),
                    Err("the LLM answer was not an email with a subject and body".to_string()),
                ),
                Err(reason) => (email::template(f, purpose, tone), Err(reason)),
            };
            (
                json!({"purpose": purpose, "tone": tone, "subject": email.subject, "body": email.body}),
                source,
            )
        }
        None => {
            let from_llm = completion.map(|c| (qbr::from_llm(c.value), c.cached));
            let (sections, source) = match from_llm {
                Ok((Some(s), cached)) => (s, Ok(cached)),
                Ok((None, _)) => (
                    qbr::template(f),
                    Err("the LLM answer was not an outline of titled sections".to_string()),
                ),
                Err(reason) => (qbr::template(f), Err(reason)),
            };
            (
                json!({"title": format!("{} quarterly business review", f.customer_name), "sections": sections}),
                source,
            )
        }
    };
    let model = llm.as_ref().map(|l| l.model.as_str()).unwrap_or("");
    generator_fields(&mut out, source.map(|cached| (model, cached)));
    out["grounding"] = grounding;
    out
}
