//! The AI proxy: drafts, recommendations and customer intelligence from
//! the intelligence service (`crate::quimbi`), with the ticket, its thread
//! and the customer as context, cached in the key-value store: customer
//! intelligence 15 minutes, churn and lifetime-value predictions an hour,
//! drafts an hour per ticket, tone and length. A draft's key carries the
//! thread's version, so a new message makes the ticket's drafts unreachable.

use crate::access::{self, Principal};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::messages;
use crate::model::{
    ChurnRisk, CustomerDna, CustomerValue, Draft, Intelligence, Message, NextBestAction,
    Predictions, Recommendation,
};
use crate::quimbi::{self, Service};
use crate::roles::{Action, Reach};
use crate::tickets;
use crate::wire::to_json;
use crate::wire::{iso, round3};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::Platform;
use edgedesk_kernel::{Request, cache};
use serde_json::{Value, json};

pub const INTELLIGENCE_TTL_SECS: u32 = 15 * 60;
pub const PREDICTIONS_TTL_SECS: u32 = 60 * 60;
pub const DRAFT_TTL_SECS: u32 = 60 * 60;

pub const TONES: [&str; 3] = ["empathetic", "professional", "friendly"];
pub const LENGTHS: [&str; 3] = ["short", "medium", "long"];

/// A customer as the service sees it.
async fn customer<P: Platform>(p: &P, id: &str) -> Result<Option<Value>, ApiError> {
    Ok(db::one(
        p,
        "SELECT id, name, email, created_at, lifetime_value, total_orders, churn_risk_score, \
         (SELECT COUNT(*) FROM tickets WHERE customer_id = ?1), \
         (SELECT COUNT(*) FROM tickets WHERE customer_id = ?1 AND status NOT IN ('resolved', 'closed')), \
         (SELECT AVG(customer_sentiment) FROM tickets WHERE customer_id = ?1) \
         FROM customers WHERE id = ?1",
        &[id.into()],
    )
    .await?
    .map(|r| {
        let c = Cols(&r);
        json!({
            "id": c.text(0),
            "name": c.text(1),
            "email": c.text(2),
            "customer_since": iso(c.int(3)),
            "lifetime_value": c.real(4),
            "total_orders": c.int(5),
            "churn_risk_score": c.real(6),
            "tickets_total": c.int(7),
            "tickets_open": c.int(8),
            "average_sentiment": c.opt_real(9).map(round3),
        })
    }))
}

fn no_customer(id: &str) -> ApiError {
    ApiError::missing(format!("no customer {id}"))
}

/// Churn risk as a level, as the service's predictions name it.
pub fn risk_level(score: f64) -> &'static str {
    match score {
        s if s >= 0.7 => "high",
        s if s >= 0.4 => "medium",
        _ => "low",
    }
}

/// The service's analysis of a customer, from the cache when fresh. The
/// churn and lifetime-value predictions are kept apart for an hour.
async fn intelligence<P: Platform>(
    p: &P,
    svc: &Service,
    customer: &Value,
) -> Result<(Value, bool), ApiError> {
    let id = customer["id"].as_str().unwrap_or_default();
    let key = format!("support:intelligence:v1:{id}");
    if let Some(hit) = cache::get(p, &key).await {
        return Ok((hit, true));
    }
    let answer = quimbi::post(
        p,
        svc,
        "/api/intelligence/analyze",
        &json!({"customer": customer}),
    )
    .await?;
    let predictions = &answer["predictions"];
    let churn = predictions["churn_risk"]
        .as_f64()
        .or_else(|| customer["churn_risk_score"].as_f64())
        .unwrap_or(0.0)
        .clamp(0.0, 1.0);
    let analysis = json!({
        "archetype": answer["archetype"].as_str().unwrap_or("unknown"),
        "segments": answer["segments"].as_array().cloned().unwrap_or_default(),
        "predictions": {
            "churn_risk": churn,
            "churn_risk_level": predictions["churn_risk_level"].as_str().unwrap_or(risk_level(churn)),
            "lifetime_value": predictions["lifetime_value"].as_f64().or_else(|| customer["lifetime_value"].as_f64()),
        },
        "behavioral_metrics": answer.get("behavioral_metrics").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
    });
    cache::put(p, &key, &analysis, INTELLIGENCE_TTL_SECS).await;
    cache::put(
        p,
        &format!("support:predictions:v1:{id}"),
        &analysis["predictions"],
        PREDICTIONS_TTL_SECS,
    )
    .await;
    Ok((analysis, false))
}

/// The churn and lifetime-value predictions: their own hour-long cache
/// first, then a fresh analysis.
async fn predictions<P: Platform>(
    p: &P,
    svc: &Service,
    customer: &Value,
) -> Result<Value, ApiError> {
    let id = customer["id"].as_str().unwrap_or_default();
    if let Some(hit) = cache::get(p, &format!("support:predictions:v1:{id}")).await {
        return Ok(hit);
    }
    Ok(intelligence(p, svc, customer).await?.0["predictions"].clone())
}

/// `GET /api/ai/customers/{id}/intelligence`: an agent only for customers
/// of tickets assigned to them.
pub async fn customer_intelligence<P: Platform>(
    p: &P,
    who: &Principal,
    id: &str,
) -> Result<Value, ApiError> {
    if who.reach(Action::ReadTickets, "read tickets")? == Reach::Own {
        let mine = db::one(
            p,
            "SELECT 1 FROM tickets t JOIN ticket_assignments a ON a.ticket_id = t.id \
             WHERE t.customer_id = ?1 AND a.agent_id = ?2 AND a.is_active = 1",
            &[id.into(), who.id().into()],
        )
        .await?;
        if mine.is_none() {
            return Err(no_customer(id));
        }
    }
    let c = customer(p, id).await?.ok_or_else(|| no_customer(id))?;
    let svc = Service::read(p).await?;
    let (analysis, cached) = intelligence(p, &svc, &c).await?;
    let p = &analysis["predictions"];
    Ok(to_json(&Intelligence {
        customer_id: id.to_string(),
        archetype: dna(&analysis).archetype,
        segments: dna(&analysis).segments,
        predictions: Predictions {
            churn_risk: p["churn_risk"].as_f64().unwrap_or(0.0),
            churn_risk_level: p["churn_risk_level"].as_str().unwrap_or("low").to_string(),
            lifetime_value: p["lifetime_value"].as_f64(),
        },
        behavioral_metrics: analysis["behavioral_metrics"].clone(),
        cached,
    }))
}

/// The archetype and segments of a cached analysis.
fn dna(analysis: &Value) -> CustomerDna {
    CustomerDna {
        archetype: analysis["archetype"]
            .as_str()
            .unwrap_or("unknown")
            .to_string(),
        segments: analysis["segments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
    }
}

/// What a draft or recommendation needs: the ticket, its thread, its
/// customer.
struct Context {
    ticket: Value,
    messages: Vec<Message>,
    customer: Value,
}

async fn context<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
) -> Result<Context, ApiError> {
    access::ticket(p, who, Action::ReadTickets, "read tickets", ticket_id).await?;
    let ticket = tickets::one(p, ticket_id).await?;
    let messages = messages::of_ticket(p, ticket_id).await?;
    let customer = customer(p, &ticket.customer_id)
        .await?
        .ok_or_else(|| no_customer(&ticket.customer_id))?;
    Ok(Context {
        ticket: serde_json::to_value(&ticket).unwrap_or(Value::Null),
        messages,
        customer,
    })
}

/// The thread's version: its length and newest message. Any new, edited
/// away or deleted message changes it.
fn thread_version(messages: &[Message]) -> String {
    let last = messages.last().map(|m| m.id.as_str()).unwrap_or("none");
    format!("{}-{last}", messages.len())
}

struct DraftRequest {
    /// `None`: chosen from the customer's mood.
    tone: Option<&'static str>,
    length: &'static str,
    include_details: bool,
}

async fn draft<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    ask: DraftRequest,
    fresh: bool,
) -> Result<Value, ApiError> {
    let ctx = context(p, who, ticket_id).await?;
    let svc = Service::read(p).await?;
    // Empathetic for an unhappy customer, professional otherwise.
    let sentiment = ctx.ticket["customer_sentiment"].as_f64().unwrap_or(0.5);
    let tone = ask.tone.unwrap_or(if sentiment < 0.4 {
        "empathetic"
    } else {
        "professional"
    });
    let key = format!(
        "support:draft:v1:{ticket_id}:{}:{}:{}:{}",
        thread_version(&ctx.messages),
        tone,
        ask.length,
        ask.include_details
    );
    if !fresh && let Some(mut hit) = cache::get(p, &key).await {
        hit["cached"] = json!(true);
        return Ok(hit);
    }
    let (analysis, _) = intelligence(p, &svc, &ctx.customer).await?;
    let customer_dna = dna(&analysis);
    let recent: Vec<&Message> = ctx.messages.iter().rev().take(20).rev().collect();
    let channel = ctx.ticket["channel"]
        .as_str()
        .unwrap_or("email")
        .to_string();
    let answer = quimbi::post(
        p,
        &svc,
        "/api/generation/message",
        &json!({
            "ticket": ctx.ticket,
            "messages": recent,
            "customer": ctx.customer,
            "customer_dna": customer_dna,
            "tone": tone,
            "length": ask.length,
            "channel": channel,
            "include_details": ask.include_details,
        }),
    )
    .await?;
    let content = answer["message"]
        .as_str()
        .or_else(|| answer["content"].as_str())
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| {
            ApiError::new(
                edgedesk_core::envelope::ErrorCode::UpstreamFailure,
                "the intelligence service answered without a message",
            )
        })?;
    let draft = to_json(&Draft {
        ticket_id: ticket_id.to_string(),
        draft_content: content.to_string(),
        tone: tone.to_string(),
        length: ask.length.to_string(),
        channel,
        personalization_applied: answer["personalization_applied"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        customer_dna,
        churn_risk: analysis["predictions"]["churn_risk"]
            .as_f64()
            .unwrap_or(0.0),
        generated_at: iso(p.now_ms()),
        cached: false,
    });
    cache::put(p, &key, &draft, DRAFT_TTL_SECS).await;
    Ok(draft)
}

/// `GET /api/ai/tickets/{id}/draft-response`: an empathetic tone for an
/// unhappy customer, a professional one otherwise; medium length.
pub async fn draft_response<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
) -> Result<Value, ApiError> {
    let ask = DraftRequest {
        tone: None,
        length: "medium",
        include_details: false,
    };
    draft(p, who, ticket_id, ask, false).await
}

/// `POST /api/ai/tickets/{id}/regenerate-draft`: always a fresh draft.
pub async fn regenerate_draft<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    let input = Input::body(req, &["tone", "length", "include_details"])?;
    let ask = DraftRequest {
        tone: Some(input.choice("tone", &TONES)?.unwrap_or("professional")),
        length: input.choice("length", &LENGTHS)?.unwrap_or("medium"),
        include_details: input.boolean("include_details")?.unwrap_or(false),
    };
    draft(p, who, ticket_id, ask, true).await
}

fn action(action: &str, priority: &str, reasoning: String, impact: &str) -> NextBestAction {
    NextBestAction {
        action: action.into(),
        priority: priority.into(),
        reasoning,
        expected_impact: impact.into(),
    }
}

/// `GET /api/ai/tickets/{id}/recommendation`: next best actions from the
/// ticket's state, its thread and the customer's predictions.
pub async fn recommendation<P: Platform>(
    p: &P,
    who: &Principal,
    ticket_id: &str,
) -> Result<Value, ApiError> {
    let ctx = context(p, who, ticket_id).await?;
    let svc = Service::read(p).await?;
    let predictions = predictions(p, &svc, &ctx.customer).await?;
    let churn = predictions["churn_risk"].as_f64().unwrap_or(0.0);
    let ltv = predictions["lifetime_value"]
        .as_f64()
        .or_else(|| ctx.customer["lifetime_value"].as_f64())
        .unwrap_or(0.0);
    let sentiment = ctx.ticket["customer_sentiment"].as_f64().unwrap_or(0.5);
    let sla = crate::sla::view(p, ticket_id).await?;
    let late = sla.as_ref().is_some_and(|s| {
        [&s.first_response.status, &s.resolution.status]
            .iter()
            .chain(s.next_response.as_ref().map(|n| &n.status).iter())
            .any(|st| *st == "breached" || *st == "at_risk")
    });
    let intent = ctx
        .messages
        .iter()
        .rev()
        .find(|m| !m.from_agent)
        .and_then(|m| m.detected_intent.clone())
        .unwrap_or_else(|| "general".into());
    let mut actions = Vec::new();
    if late {
        actions.push(action(
            "Reply now",
            "high",
            "an SLA clock on this ticket is at risk or breached".into(),
            "keeps the SLA and the customer's trust",
        ));
    }
    if churn >= 0.7 {
        actions.push(action(
            "Offer a retention call with a senior agent",
            "high",
            format!("churn risk {churn:.2} ({})", risk_level(churn)),
            "lowers the chance the customer leaves",
        ));
    }
    if sentiment < 0.35 {
        actions.push(action(
            "Acknowledge the frustration and apologise first",
            "high",
            format!("customer sentiment {sentiment:.2}"),
            "de-escalates before solving",
        ));
    }
    let specific = match intent.as_str() {
        "refund" => Some((
            "Process or explain the refund",
            "the customer asked for a refund",
        )),
        "cancellation" => Some((
            "Confirm the cancellation terms and offer alternatives",
            "the customer wants to cancel",
        )),
        "billing" => Some((
            "Review the invoice and correct it",
            "the customer raised a billing question",
        )),
        "shipping" => Some((
            "Share the shipment's tracking and a delivery date",
            "the customer asked about a delivery",
        )),
        "technical_issue" => Some((
            "Collect details and escalate to engineering",
            "the customer reports a technical problem",
        )),
        "account" => Some((
            "Verify identity and restore access",
            "the customer has an account problem",
        )),
        _ => None,
    };
    if let Some((what, why)) = specific {
        actions.push(action(
            what,
            "medium",
            why.into(),
            "resolves the request at its cause",
        ));
    }
    if ltv >= 10_000.0 {
        actions.push(action(
            "Handle personally and follow up after resolution",
            "medium",
            format!("lifetime value {ltv:.0}"),
            "protects a high-value relationship",
        ));
    }
    if actions.is_empty() {
        actions.push(action(
            "Resolve and confirm with the customer",
            "low",
            "nothing urgent in the ticket or the customer's predictions".into(),
            "closes the loop",
        ));
    }
    let tier = match ltv {
        v if v >= 50_000.0 => "platinum",
        v if v >= 10_000.0 => "gold",
        v if v >= 1_000.0 => "silver",
        _ => "standard",
    };
    Ok(to_json(&Recommendation {
        ticket_id: ticket_id.to_string(),
        next_best_actions: actions,
        customer_value: CustomerValue {
            lifetime_value: ltv,
            total_orders: ctx.customer["total_orders"].as_i64().unwrap_or(0),
            tier: tier.into(),
        },
        churn_risk: ChurnRisk {
            score: churn,
            level: risk_level(churn).into(),
        },
        detected_intent: intent,
        generated_at: iso(p.now_ms()),
    }))
}
