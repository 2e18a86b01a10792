//! Policy: what this rep may ask in this organisation, now. The session
//! must be theirs and still active, on a strategy that is not archived (a
//! draft is for admins to try before members practise it); a rep gets at
//! most `COACH_MAX_RUNS_PER_MINUTE` replies a minute (20), and a turn's
//! prompt at most `COACH_MAX_PROMPT_TOKENS` (6000, at four characters a
//! token).

use super::{Stage, Step, Turn, Verdict};
use crate::playbook;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::config::non_empty;
use edgedesk_kernel::db;

/// The numbers a decision is made on, gathered from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub session_status: String,
    pub strategy_status: String,
    pub is_admin: bool,
    /// Replies started for this rep in the last minute, this one excluded.
    pub runs_last_minute: i64,
    pub prompt_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub runs_per_minute: i64,
    pub prompt_tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            runs_per_minute: 20,
            prompt_tokens: 6000,
        }
    }
}

/// The decision, pure.
pub fn decide(f: &Facts, limits: Limits) -> Verdict {
    if f.session_status != "active" {
        return Verdict::block(
            "session_not_active",
            format!(
                "this practice session is {}; start a new one",
                f.session_status
            ),
        );
    }
    match f.strategy_status.as_str() {
        "archived" => {
            return Verdict::block("strategy_archived", "this session's strategy is archived");
        }
        "draft" if !f.is_admin => {
            return Verdict::block(
                "strategy_draft",
                "this session's strategy is a draft: an admin must make it active before members practise it",
            );
        }
        _ => {}
    }
    if f.runs_last_minute >= limits.runs_per_minute {
        return Verdict::block(
            "runs_per_minute",
            format!(
                "at most {} replies a minute; wait a moment",
                limits.runs_per_minute
            ),
        );
    }
    if f.prompt_chars / 4 > limits.prompt_tokens {
        return Verdict::block(
            "prompt_too_long",
            format!("the conversation is over {} tokens", limits.prompt_tokens),
        );
    }
    Verdict::Allow
}

pub struct Policy {
    /// This turn's run, left out of the count.
    pub run_id: String,
}

impl<P: Platform> Stage<P> for Policy {
    fn name(&self) -> &'static str {
        "policy"
    }

    async fn run(&self, p: &P, turn: &mut Turn) -> Result<Step, ApiError> {
        let c = &turn.caller;
        let session = crate::practice::find(p, c, &turn.session_id).await?;
        let strategy = playbook::get_strategy(p, c, &session.strategy_id).await?;
        let since = p.now_ms() - 60_000;
        let runs = db::one(
            p,
            "SELECT count(*) FROM pipeline_runs WHERE user_id = ?1 AND created_ms > ?2 AND id <> ?3",
            &[c.user_id.as_str().into(), since.into(), self.run_id.as_str().into()],
        )
        .await?
        .and_then(|r| r.first().and_then(|v| v.as_i64()))
        .unwrap_or(0);
        let number = |v: Option<String>, default: i64| {
            v.and_then(|v| v.parse::<i64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        let defaults = Limits::default();
        let limits = Limits {
            runs_per_minute: number(
                non_empty(p, "COACH_MAX_RUNS_PER_MINUTE").await,
                defaults.runs_per_minute,
            ),
            prompt_tokens: number(
                non_empty(p, "COACH_MAX_PROMPT_TOKENS").await,
                defaults.prompt_tokens as i64,
            ) as usize,
        };
        let facts = Facts {
            session_status: session.status,
            strategy_status: strategy.status,
            is_admin: c.is_admin(),
            runs_last_minute: runs,
            prompt_chars: turn.text.len() + strategy.strategy_text.len(),
        };
        Ok(decide(&facts, limits).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            session_status: "active".into(),
            strategy_status: "active".into(),
            is_admin: false,
            runs_last_minute: 0,
            prompt_chars: 100,
        }
    }

    fn reason(v: Verdict) -> &'static str {
        match v {
            Verdict::Allow => "allow",
            Verdict::Block { reason, .. } => reason,
        }
    }

    #[test]
    fn each_rule_decides() {
        let l = Limits::default();
        assert_eq!(reason(decide(&facts(), l)), "allow");
        assert_eq!(
            reason(decide(
                &Facts {
                    session_status: "ended".into(),
                    ..facts()
                },
                l
            )),
            "session_not_active"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    strategy_status: "archived".into(),
                    ..facts()
                },
                l
            )),
            "strategy_archived"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    strategy_status: "draft".into(),
                    ..facts()
                },
                l
            )),
            "strategy_draft"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    strategy_status: "draft".into(),
                    is_admin: true,
                    ..facts()
                },
                l
            )),
            "allow",
            "admins try drafts"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    runs_last_minute: 19,
                    ..facts()
                },
                l
            )),
            "allow"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    runs_last_minute: 20,
                    ..facts()
                },
                l
            )),
            "runs_per_minute"
        );
        assert_eq!(
            reason(decide(
                &Facts {
                    prompt_chars: 24_004,
                    ..facts()
                },
                l
            )),
            "prompt_too_long"
        );
    }
}
