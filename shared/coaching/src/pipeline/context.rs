//! Context enrichment: what the coach must know to play the buyer — the
//! session's strategy, its client and product, and the recent turns.

use super::{Stage, Step, Turn};
use crate::compat::not_found;
use crate::playbook::{self, CLIENT, PRODUCT};
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::db::{self, Cols};

/// How many earlier turns the model sees: those of replies that completed
/// (a blocked message, or one whose reply was cancelled or failed, is not
/// put to the model again).
pub const RECENT_TURNS: i64 = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: String,
    pub name: String,
    /// The client's industry, or the product's category.
    pub kind: Option<String>,
    /// The client's company, or the product's description.
    pub about: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// user or assistant.
    pub role: &'static str,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub strategy_id: String,
    pub strategy_text: String,
    pub strategy_status: String,
    pub client: Party,
    pub product: Party,
    /// Oldest first.
    pub recent: Vec<Said>,
    /// The session's status (active, ended, cancelled).
    pub session_status: String,
}

/// The context of one of the caller's sessions.
pub async fn load<P: Platform>(p: &P, c: &Caller, session_id: &str) -> Result<Context, ApiError> {
    let session = crate::practice::find(p, c, session_id).await?;
    let strategy = playbook::get_strategy(p, c, &session.strategy_id).await?;
    let party = |r: &edgedesk_kernel::platform::Row| {
        let r = Cols(r);
        Party {
            id: r.text(0),
            name: r.text(2),
            kind: r.opt_text(3),
            about: None,
        }
    };
    let mut client = playbook::one(p, c, CLIENT, "Client", &strategy.client_id, party).await?;
    let mut product = playbook::one(p, c, PRODUCT, "Product", &strategy.product_id, party).await?;
    let about = db::one(
        p,
        "SELECT (SELECT company FROM clients WHERE id = ?1 AND organization_id = ?3), \
         (SELECT description FROM products WHERE id = ?2 AND organization_id = ?3)",
        &[
            client.id.as_str().into(),
            product.id.as_str().into(),
            c.organization_id.as_str().into(),
        ],
    )
    .await?
    .ok_or_else(|| not_found("Strategy"))?;
    client.about = Cols(&about).opt_text(0);
    product.about = Cols(&about).opt_text(1);
    let rows = db::query(
        p,
        "SELECT role, content FROM (SELECT role, content, at_ms, rowid AS seq FROM interactions \
         WHERE organization_id = ?1 AND session_id = ?2 \
         AND pipeline_run_id IN (SELECT id FROM pipeline_runs WHERE status = 'completed') \
         ORDER BY at_ms DESC, rowid DESC LIMIT ?3) \
         ORDER BY at_ms, seq",
        &[
            c.organization_id.as_str().into(),
            session_id.into(),
            RECENT_TURNS.into(),
        ],
    )
    .await?;
    let recent = rows
        .iter()
        .map(|r| {
            let r = Cols(r);
            Said {
                role: if r.text(0) == "assistant" {
                    "assistant"
                } else {
                    "user"
                },
                content: r.text(1),
            }
        })
        .collect();
    Ok(Context {
        strategy_id: strategy.id,
        strategy_text: strategy.strategy_text,
        strategy_status: strategy.status,
        client,
        product,
        recent,
        session_status: session.status,
    })
}

pub struct Enrichment;

impl<P: Platform> Stage<P> for Enrichment {
    fn name(&self) -> &'static str {
        "context"
    }

    async fn run(&self, p: &P, turn: &mut Turn) -> Result<Step, ApiError> {
        turn.context = Some(load(p, &turn.caller, &turn.session_id).await?);
        Ok(Step::Continue)
    }
}
