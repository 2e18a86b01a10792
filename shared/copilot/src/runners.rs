//! Running the tools. Each tool is a [`Runner`] of its own with a route of
//! its own, so a deployment that serves one tool (a Spin component) links
//! only that tool's code.
#![allow(async_fn_in_trait)]

use crate::catalogue::Tool;
use crate::grounding::Grounding;
use crate::model::{
    ContractAnswer, ContractDoc, Generation, Generator, TicketStatus, TicketsDoc, UsageDoc,
};
use crate::settings::ToolSettings;
use crate::store::{self, Doc};
use crate::{email, facts, health, qbr, tickets, usage};
use chrono::NaiveDate;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::health::{MEASURES, Measure, Weights, WeightsError};
use edgedesk_kernel::llm::{self, LlmSettings};
use edgedesk_kernel::params::{Params, whole_number};
use edgedesk_kernel::platform::Platform;
use serde::Serialize;
use serde_json::{Map, Value};
use std::rc::Rc;

/// A tool call after its body was parsed and its customer id checked.
pub struct ToolCall<'a> {
    pub customer_id: &'a str,
    pub params: &'a Map<String, Value>,
}

/// One tool's work, after the call was authenticated and its body checked.
/// Not `Send`: see [`edgedesk_kernel::platform`].
pub trait Runner {
    fn tool(&self) -> Tool;

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        params: &Params<'_>,
        customer_id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError>;
}

/// Runs a tool: checks its params, answers, and names the customer and tool
/// in the result. `today` comes from the platform clock.
pub async fn run<P: Platform, R: Runner>(
    p: &P,
    settings: &ToolSettings,
    runner: &R,
    call: &ToolCall<'_>,
    today: NaiveDate,
) -> Result<Value, ApiError> {
    let tool = runner.tool();
    let params = Params::new(call.params, tool.params())?;
    let id = call.customer_id;
    let mut data = runner.answer(p, settings, &params, id, today).await?;
    data["customerId"] = id.into();
    data["tool"] = tool.name().into();
    Ok(data)
}

/// `get_customer_usage`
#[derive(Default)]
pub struct GetCustomerUsage;
/// `get_recent_tickets`
#[derive(Default)]
pub struct GetRecentTickets;
/// `get_contract_info`
#[derive(Default)]
pub struct GetContractInfo;
/// `calculate_health`
#[derive(Default)]
pub struct CalculateHealth;
/// `generate_email`
#[derive(Default)]
pub struct GenerateEmail;
/// `generate_qbr_outline`
#[derive(Default)]
pub struct GenerateQbrOutline;

impl Runner for GetCustomerUsage {
    fn tool(&self) -> Tool {
        Tool::GetCustomerUsage
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        params: &Params<'_>,
        id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let period = params.int("periodDays", 1, 365, 30)? as u32;
        let doc: Rc<UsageDoc> = store::load(p, Doc::Usage, id, settings.tool_timeout_ms).await?;
        let as_of = usage::require_as_of(&doc, today, id)?;
        Ok(to_value(usage::report(&doc, as_of, period).answer()))
    }
}

impl Runner for GetRecentTickets {
    fn tool(&self) -> Tool {
        Tool::GetRecentTickets
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        params: &Params<'_>,
        id: &str,
        _today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let limit = params.int("limit", 1, 100, 10)? as usize;
        let status = params.choice("status", &TicketStatus::ALL)?;
        let doc: Rc<TicketsDoc> =
            store::load(p, Doc::Tickets, id, settings.tool_timeout_ms).await?;
        Ok(to_value(tickets::report(&doc.tickets, limit, status)))
    }
}

impl Runner for GetContractInfo {
    fn tool(&self) -> Tool {
        Tool::GetContractInfo
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        _params: &Params<'_>,
        id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let c: Rc<ContractDoc> =
            store::load(p, Doc::Contract, id, settings.tool_timeout_ms).await?;
        Ok(to_value(ContractAnswer::new((*c).clone(), today)))
    }
}

impl Runner for CalculateHealth {
    fn tool(&self) -> Tool {
        Tool::CalculateHealth
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        params: &Params<'_>,
        id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let period = params.int("periodDays", 7, 90, 30)? as u32;
        let weights = weights_param(params, server_weights(settings)?)?;
        let d = load_all(p, id, settings.tool_timeout_ms).await?;
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
        Ok(to_value(health::answer(&a)))
    }
}

impl Runner for GenerateEmail {
    fn tool(&self) -> Tool {
        Tool::GenerateEmail
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        params: &Params<'_>,
        id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let requested = params.choice("purpose", &email::PURPOSES)?;
        let tone = params.choice("tone", &email::TONES)?.unwrap_or("friendly");
        let f = grounding_facts(p, settings, id, today).await?;
        let (purpose, chosen_by, purpose_reason) = match requested {
            Some(purpose) => (purpose, email::ChosenBy::Caller, None),
            None => {
                let (purpose, why) = email::choose_purpose(&f);
                (purpose, email::ChosenBy::Server, Some(why))
            }
        };
        let grounding = Grounding::of(&f);
        let instructions = email::llm_instructions(purpose, tone);
        let (llm, completion) =
            complete(p, &instructions, &f, |v| email::from_llm(v, &grounding)).await;
        let (email, source) = match completion {
            Ok(c) => (c.answer, Ok(c.cached)),
            Err(reason) => (email::template(&f, purpose, tone), Err(reason)),
        };
        Ok(to_value(email::EmailAnswer {
            purpose,
            purpose_chosen_by: chosen_by,
            purpose_reason,
            tone,
            subject: email.subject,
            body: email.body,
            generation: generation(llm.as_ref(), source),
            grounding: &f,
        }))
    }
}

impl Runner for GenerateQbrOutline {
    fn tool(&self) -> Tool {
        Tool::GenerateQbrOutline
    }

    async fn answer<P: Platform>(
        &self,
        p: &P,
        settings: &ToolSettings,
        _params: &Params<'_>,
        id: &str,
        today: NaiveDate,
    ) -> Result<Value, ApiError> {
        let f = grounding_facts(p, settings, id, today).await?;
        let grounding = Grounding::of(&f);
        let (llm, completion) = complete(p, qbr::LLM_INSTRUCTIONS, &f, |v| {
            qbr::from_llm(v, &grounding)
        })
        .await;
        let (sections, source) = match completion {
            Ok(c) => (c.answer, Ok(c.cached)),
            Err(reason) => (qbr::template(&f), Err(reason)),
        };
        Ok(to_value(qbr::QbrAnswer {
            title: format!("{} quarterly business review", f.customer_name),
            sections,
            generation: generation(llm.as_ref(), source),
            grounding: &f,
        }))
    }
}

/// `HEALTH_WEIGHTS`: an invalid setting fails every tool that scores, never
/// silently falls back to the defaults.
fn server_weights(settings: &ToolSettings) -> Result<Weights, ApiError> {
    settings
        .health_weights
        .map_err(|_| ApiError::failure("the server's HEALTH_WEIGHTS setting is invalid"))
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
        w[measure as usize] = whole_number(value)
            .filter(|v| (0..=100).contains(v))
            .ok_or_else(|| {
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
    usage: Rc<UsageDoc>,
    tickets: Rc<TicketsDoc>,
    contract: Rc<ContractDoc>,
}

async fn load_all<P: Platform>(p: &P, id: &str, timeout_ms: u64) -> Result<Loaded, ApiError> {
    let (usage, tickets, contract) = futures::join!(
        store::load::<UsageDoc, _>(p, Doc::Usage, id, timeout_ms),
        store::load::<TicketsDoc, _>(p, Doc::Tickets, id, timeout_ms),
        store::load::<ContractDoc, _>(p, Doc::Contract, id, timeout_ms),
    );
    Ok(Loaded {
        usage: usage?,
        tickets: tickets?,
        contract: contract?,
    })
}

/// The facts both generators ground their text in, scored with the
/// server's weights over the default 30-day window.
async fn grounding_facts<P: Platform>(
    p: &P,
    settings: &ToolSettings,
    id: &str,
    today: NaiveDate,
) -> Result<facts::Facts, ApiError> {
    let weights = server_weights(settings)?;
    let d = load_all(p, id, settings.tool_timeout_ms).await?;
    let as_of = usage::require_as_of(&d.usage, today, id)?;
    let a = health::assess(&d.usage, &d.tickets, &d.contract, as_of, today, 30, weights);
    Ok(facts::gather(id, &a, &d.tickets, &d.contract))
}

/// Asks the configured LLM, if any, with the facts as the prompt; `accept`
/// checks its answer. `Err("")` means none is configured.
async fn complete<P: Platform, T>(
    p: &P,
    instructions: &str,
    facts: &facts::Facts,
    accept: impl Fn(&Value) -> Result<T, String>,
) -> (Option<LlmSettings>, Result<llm::Completion<T>, String>) {
    let llm = LlmSettings::read(p).await;
    let completion = match &llm {
        None => Err(String::new()),
        Some(settings) => {
            let facts = serde_json::to_value(facts).unwrap_or_default();
            llm::complete(p, settings, instructions, &facts, accept).await
        }
    };
    (llm, completion)
}

/// Says whether the text came from the LLM (which model, whether cached) or
/// from the template (and why, when an LLM was configured).
fn generation(llm: Option<&LlmSettings>, source: Result<bool, String>) -> Generation {
    match source {
        Ok(cached) => Generation {
            generator: Generator::Llm,
            model: Some(llm.map(|l| l.model.clone()).unwrap_or_default()),
            cached: Some(cached),
            fallback_reason: None,
        },
        Err(reason) => Generation {
            generator: Generator::Template,
            model: None,
            cached: None,
            fallback_reason: (!reason.is_empty()).then_some(reason),
        },
    }
}

/// An answer as JSON. Serialising these types cannot fail: they hold no
/// maps with non-string keys.
fn to_value(answer: impl Serialize) -> Value {
    serde_json::to_value(answer).unwrap_or_default()
}
