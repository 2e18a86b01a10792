//! The tools the agent may call: registered lookups in the organisation's
//! playbook, each scoped to the caller's organisation like every query.

use super::{Stage, Step, Turn};
use crate::playbook::{self, CLIENT, PRODUCT};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::db::Cols;

/// A tool call the agent planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    LookupProduct(String),
    LookupClient(String),
}

/// The registered tools: name and what each gives.
pub const REGISTRY: [(&str, &str); 2] = [
    (
        "lookup_product",
        "a product's name, category, description, price, stock and status",
    ),
    (
        "lookup_client",
        "a client's name, industry, company, status and revenue to date",
    ),
];

impl Call {
    pub fn tool(&self) -> &'static str {
        match self {
            Call::LookupProduct(_) => "lookup_product",
            Call::LookupClient(_) => "lookup_client",
        }
    }
}

/// What a tool found, as the model reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub tool: &'static str,
    pub lines: Vec<(String, String)>,
}

impl Fact {
    pub fn render(&self) -> String {
        let body: Vec<String> = self
            .lines
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        format!("- {}: {}", self.tool, body.join("; "))
    }
}

/// Runs a call.
pub async fn call<P: Platform>(p: &P, turn: &Turn, call: &Call) -> Result<Fact, ApiError> {
    let c = &turn.caller;
    let lines = match call {
        Call::LookupProduct(id) => {
            playbook::one(p, c, PRODUCT, "Product", id, |r| {
                let r = Cols(r);
                let mut l = vec![("name".to_string(), r.text(2))];
                if let Some(v) = r.opt_text(3) {
                    l.push(("category".into(), v));
                }
                if let Some(v) = r.opt_text(4) {
                    l.push(("description".into(), v));
                }
                l.push(("list price".into(), format!("{:.2}", r.real(5))));
                l.push(("in stock".into(), r.int(6).to_string()));
                l.push(("status".into(), r.text(7)));
                l
            })
            .await?
        }
        Call::LookupClient(id) => {
            playbook::one(p, c, CLIENT, "Client", id, |r| {
                let r = Cols(r);
                let mut l = vec![("name".to_string(), r.text(2))];
                for (k, i) in [("industry", 3), ("company", 6)] {
                    if let Some(v) = r.opt_text(i) {
                        l.push((k.into(), v));
                    }
                }
                l.push(("status".into(), r.text(7)));
                l.push(("revenue to date".into(), format!("{:.2}", r.real(8))));
                l
            })
            .await?
        }
    };
    Ok(Fact {
        tool: call.tool(),
        lines,
    })
}

pub struct Tools;

impl<P: Platform> Stage<P> for Tools {
    fn name(&self) -> &'static str {
        "tools"
    }

    async fn run(&self, p: &P, turn: &mut Turn) -> Result<Step, ApiError> {
        let calls = turn
            .plan
            .as_ref()
            .map(|plan| plan.calls.clone())
            .unwrap_or_default();
        for c in &calls {
            let fact = call(p, turn, c).await?;
            turn.facts.push(fact);
        }
        Ok(Step::Continue)
    }
}
