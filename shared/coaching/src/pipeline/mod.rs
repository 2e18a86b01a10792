//! The coach's pipeline, stage by stage as HelloSales runs it: guardrails
//! (the rep's words checked) → policy (what this rep may ask, here and
//! now) → context enrichment (the session's client, product, strategy and
//! recent turns) → agent (plans the reply: its prompt and the tools to
//! call) → tools (the playbook looked up) → the model's reply, streamed
//! through the projector to the connection. Each stage is a [`Stage`];
//! the pure ones ([`guardrails`], [`agent`], [`projector`]) are tested
//! alone, the others against a database.

pub mod agent;
pub mod context;
pub mod guardrails;
pub mod policy;
pub mod projector;
pub mod run;
pub mod tools;

use crate::providers::llm::Message;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;

/// A check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Block {
        /// A stable word for records and clients (`prompt_injection`, ...).
        reason: &'static str,
        /// What was wrong, for the rep.
        detail: String,
    },
}

impl Verdict {
    pub fn block(reason: &'static str, detail: impl Into<String>) -> Verdict {
        Verdict::Block {
            reason,
            detail: detail.into(),
        }
    }
}

/// One turn as the stages build it up.
pub struct Turn {
    pub caller: Caller,
    /// The practice session the turn belongs to.
    pub session_id: String,
    pub text: String,
    /// text or voice.
    pub input_type: &'static str,
    pub context: Option<context::Context>,
    pub plan: Option<agent::Plan>,
    /// What the tools found, as the model will read it.
    pub facts: Vec<tools::Fact>,
}

impl Turn {
    /// The messages the model continues: the plan's prompt, the facts, the
    /// recent turns, the rep's words.
    pub fn messages(&self) -> Vec<Message> {
        let mut m = Vec::new();
        if let Some(plan) = &self.plan {
            m.push(Message::new("system", plan.system.clone()));
        }
        if !self.facts.is_empty() {
            let facts: Vec<String> = self.facts.iter().map(|f| f.render()).collect();
            m.push(Message::new(
                "system",
                format!(
                    "Facts from the playbook, for you to use in character:\n{}",
                    facts.join("\n")
                ),
            ));
        }
        if let Some(ctx) = &self.context {
            for t in &ctx.recent {
                m.push(Message::new(t.role, t.content.clone()));
            }
        }
        m.push(Message::new("user", self.text.clone()));
        m
    }
}

/// What a stage decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Continue,
    /// The turn stops here: the rep is told why, no model is called.
    Stop {
        reason: &'static str,
        detail: String,
    },
}

impl From<Verdict> for Step {
    fn from(v: Verdict) -> Step {
        match v {
            Verdict::Allow => Step::Continue,
            Verdict::Block { reason, detail } => Step::Stop { reason, detail },
        }
    }
}

/// A stage of the pipeline.
#[allow(async_fn_in_trait)]
pub trait Stage<P: Platform> {
    fn name(&self) -> &'static str;
    async fn run(&self, p: &P, turn: &mut Turn) -> Result<Step, ApiError>;
}
