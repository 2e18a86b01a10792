//! A turn through the pipeline, recorded: the run row (`pipeline_runs`)
//! with each stage's outcome and timing, the provider, tokens, time to
//! first token and errors, and its events (`pipeline_events`); the turns
//! themselves (`interactions`); and the frames the connection sees, sent
//! as they happen.

use super::agent::Agent;
use super::context::Enrichment;
use super::guardrails::Guardrails;
use super::policy::Policy;
use super::projector::Projector;
use super::tools::Tools;
use super::{Stage, Step, Turn};
use crate::providers::llm::Llm;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db;
use edgedesk_kernel::platform::SqlValue;
use edgedesk_kernel::{Platform, deadline, times};

/// How long the model may keep the reply waiting, before its first token
/// or between two (`COACH_LLM_TIMEOUT_MS`).
pub const LLM_TIMEOUT_MS: u64 = 15_000;
use serde_json::{Value, json};

/// Where a turn's frames go, and how it learns it was cancelled.
#[allow(async_fn_in_trait)]
pub trait Link {
    fn send(&self, frame: String);
    /// Whether a cancel for `run_id` has come in (from this connection or
    /// any other).
    async fn cancelled(&self, run_id: &str) -> bool;
}

/// Whether the run's row says it was cancelled: for links with no other
/// way to hear it.
pub async fn cancel_requested<P: Platform>(p: &P, run_id: &str) -> bool {
    db::one(
        p,
        "SELECT cancel_requested FROM pipeline_runs WHERE id = ?1",
        &[run_id.into()],
    )
    .await
    .ok()
    .flatten()
    .and_then(|r| r.first().and_then(SqlValue::as_i64))
        == Some(1)
}

/// A run being recorded.
pub struct Run {
    pub id: String,
    pub started_ms: i64,
    pub stages: Vec<Value>,
    pub projector: Projector,
}

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The coach's reply, stored as interaction `message_id`.
    Replied {
        message_id: String,
        content: String,
    },
    /// A stage stopped it; the rep was told why.
    Blocked {
        reason: &'static str,
    },
    Canceled,
    Failed(String),
}

impl Run {
    pub async fn start<P: Platform>(
        p: &P,
        caller: &Caller,
        session_id: &str,
        request_id: Option<String>,
        service: &str,
    ) -> Result<Run, ApiError> {
        let id = db::new_id(p);
        let now = p.now_ms();
        db::execute(
            p,
            "INSERT INTO pipeline_runs (id, organization_id, user_id, session_id, request_id, service, \
             status, created_at, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8)",
            &[
                id.as_str().into(),
                caller.organization_id.as_str().into(),
                caller.user_id.as_str().into(),
                session_id.into(),
                request_id.as_deref().into(),
                service.into(),
                times::iso(now).into(),
                now.into(),
            ],
        )
        .await?;
        let run = Run {
            projector: Projector {
                request_id,
                run_id: Some(id.clone()),
                org_id: Some(caller.organization_id.clone()),
                session_id: Some(session_id.to_string()),
            },
            id,
            started_ms: now,
            stages: Vec::new(),
        };
        run.event(p, "pipeline.started", json!({"service": service}))
            .await;
        Ok(run)
    }

    /// Records an event; a fault here never stops the reply.
    pub async fn event<P: Platform>(&self, p: &P, kind: &str, data: Value) {
        let _ = db::execute(
            p,
            "INSERT INTO pipeline_events (pipeline_run_id, type, at_ms, data) VALUES (?1, ?2, ?3, ?4)",
            &[
                self.id.as_str().into(),
                kind.into(),
                p.now_ms().into(),
                data.to_string().into(),
            ],
        )
        .await;
    }

    pub async fn stage<P: Platform>(
        &mut self,
        p: &P,
        name: &str,
        status: &str,
        ms: i64,
        detail: Option<String>,
    ) {
        let mut s = json!({"name": name, "status": status, "ms": ms});
        if let Some(d) = &detail {
            s["detail"] = d.clone().into();
        }
        self.event(p, &format!("stage.{name}.{status}"), s.clone())
            .await;
        self.stages.push(s);
    }

    /// The run's last word: its status, numbers and stages.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish<P: Platform>(
        &self,
        p: &P,
        status: &str,
        llm: Option<&Llm>,
        tokens: Option<(u32, u32)>,
        ttft_ms: Option<i64>,
        error: Option<&str>,
    ) {
        let now = p.now_ms();
        let _ = db::execute(
            p,
            "UPDATE pipeline_runs SET status = ?2, provider = ?3, model = ?4, stub_reason = ?5, \
             tokens_in = ?6, tokens_out = ?7, ttft_ms = ?8, total_latency_ms = ?9, stages = ?10, \
             error = ?11, finished_at = ?12 WHERE id = ?1",
            &[
                self.id.as_str().into(),
                status.into(),
                llm.map(|l| l.kind.as_str()).into(),
                llm.map(|l| l.model.as_str()).into(),
                llm.and_then(|l| l.stub_reason.as_deref()).into(),
                tokens.map(|t| i64::from(t.0)).into(),
                tokens.map(|t| i64::from(t.1)).into(),
                ttft_ms.into(),
                (now - self.started_ms).into(),
                Value::from(self.stages.clone()).to_string().into(),
                error.into(),
                times::iso(now).into(),
            ],
        )
        .await;
        self.event(
            p,
            &format!("pipeline.{status}"),
            json!({"ms": now - self.started_ms}),
        )
        .await;
    }
}

/// Stores a turn; its id is returned.
pub async fn remember<P: Platform>(
    p: &P,
    caller: &Caller,
    session_id: &str,
    role: &str,
    input_type: Option<&str>,
    content: &str,
    run_id: &str,
) -> Result<String, ApiError> {
    let id = db::new_id(p);
    let now = p.now_ms();
    db::execute(
        p,
        "INSERT INTO interactions (id, organization_id, session_id, user_id, role, input_type, content, \
         pipeline_run_id, at_ms, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &[
            id.as_str().into(),
            caller.organization_id.as_str().into(),
            session_id.into(),
            caller.user_id.as_str().into(),
            role.into(),
            input_type.into(),
            content.into(),
            run_id.into(),
            now.into(),
            times::iso(now).into(),
        ],
    )
    .await?;
    Ok(id)
}

/// The rep's words through every stage and the model's streamed reply.
pub async fn turn<P: Platform, L: Link>(
    p: &P,
    link: &L,
    run: &mut Run,
    caller: &Caller,
    session_id: &str,
    text: &str,
    input_type: &'static str,
) -> Ended {
    match turn_inner(p, link, run, caller, session_id, text, input_type).await {
        Ok(ended) => ended,
        Err(e) => {
            let message = e.message.clone();
            link.send(
                run.projector
                    .status("pipeline", "failed", json!({"error": message})),
            );
            link.send(run.projector.error("CHAT_ERROR", &message));
            run.finish(p, "failed", None, None, None, Some(&message))
                .await;
            Ended::Failed(message)
        }
    }
}

async fn timed<P: Platform, S: Stage<P>>(
    p: &P,
    run: &mut Run,
    stage: &S,
    turn: &mut Turn,
) -> Result<Step, ApiError> {
    let t0 = p.now_ms();
    let step = stage.run(p, turn).await;
    let ms = p.now_ms() - t0;
    match &step {
        Ok(Step::Continue) => run.stage(p, stage.name(), "completed", ms, None).await,
        Ok(Step::Stop { reason, .. }) => {
            run.stage(p, stage.name(), "blocked", ms, Some(reason.to_string()))
                .await
        }
        Err(e) => {
            run.stage(p, stage.name(), "failed", ms, Some(e.message.clone()))
                .await
        }
    }
    step
}

async fn turn_inner<P: Platform, L: Link>(
    p: &P,
    link: &L,
    run: &mut Run,
    caller: &Caller,
    session_id: &str,
    text: &str,
    input_type: &'static str,
) -> Result<Ended, ApiError> {
    let proj = run.projector.clone();
    link.send(proj.status(
        "pipeline",
        "running",
        json!({"topology": format!("{}_fast", if input_type == "voice" { "voice" } else { "chat" }),
               "behavior": "practice"}),
    ));
    remember(
        p,
        caller,
        session_id,
        "user",
        Some(input_type),
        text,
        &run.id,
    )
    .await?;
    let mut turn = Turn {
        caller: caller.clone(),
        session_id: session_id.to_string(),
        text: text.to_string(),
        input_type,
        context: None,
        plan: None,
        facts: Vec::new(),
    };
    let guardrails = Guardrails::from_settings(p).await;
    let policy = Policy {
        run_id: run.id.clone(),
    };
    let mut step = timed(p, run, &guardrails, &mut turn).await?;
    if step == Step::Continue {
        step = timed(p, run, &policy, &mut turn).await?;
    }
    if step == Step::Continue {
        step = timed(p, run, &Enrichment, &mut turn).await?;
    }
    if step == Step::Continue {
        step = timed(p, run, &Agent, &mut turn).await?;
    }
    if step == Step::Continue {
        step = timed(p, run, &Tools, &mut turn).await?;
    }
    if let Step::Stop { reason, detail } = step {
        let stage = run
            .stages
            .last()
            .and_then(|s| s["name"].as_str())
            .unwrap_or("pipeline")
            .to_string();
        link.send(proj.status(
            &stage,
            "blocked",
            json!({"reason": reason, "detail": detail}),
        ));
        let content = format!("I can't respond to that: {detail}.");
        let message_id =
            remember(p, caller, session_id, "assistant", None, &content, &run.id).await?;
        link.send(proj.complete(&message_id, &content));
        link.send(proj.status("pipeline", "blocked", json!({"reason": reason})));
        run.finish(p, "blocked", None, None, None, Some(reason))
            .await;
        return Ok(Ended::Blocked { reason });
    }

    let llm = Llm::from_settings(p).await;
    let messages = turn.messages();
    link.send(proj.status(
        "llm",
        "started",
        json!({"provider": llm.kind.as_str(), "model": llm.model, "stub": llm.stub_reason.is_some(),
               "stubReason": llm.stub_reason, "message_count": messages.len()}),
    ));
    let t0 = p.now_ms();
    let bound = edgedesk_kernel::config::millis(p, "COACH_LLM_TIMEOUT_MS", LLM_TIMEOUT_MS).await;
    let silent = || format!("the model provider sent nothing for {bound} ms");
    let mut tokens = match deadline::within(p, bound, llm.open(p, &messages)).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => return Ok(fail(p, link, run, &llm, None, &e.to_string()).await),
        Err(_) => return Ok(fail(p, link, run, &llm, None, &silent()).await),
    };
    let mut reply = String::new();
    let mut ttft = None;
    loop {
        // A provider that stalls mid-reply is given up on like one that
        // never starts.
        let next = match deadline::within(p, bound, tokens.next(p)).await {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(_) => return Ok(fail(p, link, run, &llm, ttft, &silent()).await),
        };
        let token = match next {
            Ok(t) => t,
            Err(e) => return Ok(fail(p, link, run, &llm, ttft, &e.to_string()).await),
        };
        if link.cancelled(&run.id).await {
            let ms = p.now_ms() - t0;
            run.stage(p, "llm", "canceled", ms, None).await;
            link.send(proj.status("pipeline", "canceled", json!({"tokens": reply.len()})));
            let u = tokens.usage();
            run.finish(
                p,
                "canceled",
                Some(&llm),
                Some((u.tokens_in, u.tokens_out)),
                ttft,
                None,
            )
            .await;
            return Ok(Ended::Canceled);
        }
        if ttft.is_none() {
            ttft = Some(p.now_ms() - run.started_ms);
            run.event(p, "llm.first_token", json!({"ms": ttft})).await;
            link.send(proj.status("pipeline", "streaming", json!({})));
        }
        link.send(proj.token(&token));
        reply.push_str(&token);
    }
    let ms = p.now_ms() - t0;
    run.stage(p, "llm", "completed", ms, None).await;
    let u = tokens.usage();
    link.send(proj.status(
        "llm",
        "completed",
        json!({"token_count": u.tokens_out, "duration_ms": ms, "provider": llm.kind.as_str(), "model": llm.model}),
    ));
    let message_id = remember(p, caller, session_id, "assistant", None, &reply, &run.id).await?;
    link.send(proj.complete(&message_id, &reply));
    link.send(proj.status(
        "pipeline",
        "completed",
        json!({"duration_ms": p.now_ms() - run.started_ms}),
    ));
    run.finish(
        p,
        "completed",
        Some(&llm),
        Some((u.tokens_in, u.tokens_out)),
        ttft,
        None,
    )
    .await;
    Ok(Ended::Replied {
        message_id,
        content: reply,
    })
}

async fn fail<P: Platform, L: Link>(
    p: &P,
    link: &L,
    run: &mut Run,
    llm: &Llm,
    ttft: Option<i64>,
    error: &str,
) -> Ended {
    run.stage(p, "llm", "failed", 0, Some(error.to_string()))
        .await;
    link.send(
        run.projector
            .status("pipeline", "failed", json!({"error": error})),
    );
    link.send(run.projector.error("LLM_ERROR", error));
    run.finish(p, "failed", Some(llm), None, ttft, Some(error))
        .await;
    Ended::Failed(error.to_string())
}
