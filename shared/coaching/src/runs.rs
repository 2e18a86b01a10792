//! The pipeline's record, for an organisation's admins: each reply's run
//! (stages and their timings, provider and model, tokens, time to first
//! token, errors) and its events.

use crate::compat::not_found;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::Row;
use edgedesk_kernel::{Platform, Request, times};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize, JsonSchema)]
pub struct PipelineRun {
    pub id: String,
    pub created_at: String,
    /// chat or voice.
    pub service: String,
    /// running, completed, failed, canceled or blocked.
    pub status: String,
    pub request_id: Option<String>,
    pub org_id: String,
    pub session_id: Option<String>,
    pub user_id: String,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// Why the stub answered, when it did.
    pub stub_reason: Option<String>,
    pub tokens_in: Option<i64>,
    pub tokens_out: Option<i64>,
    pub ttft_ms: Option<i64>,
    pub total_latency_ms: Option<i64>,
    pub success: bool,
    pub error: Option<String>,
    /// Each stage in the order it ran: {name, status, ms, detail?}.
    pub stages: Vec<Value>,
}

const RUN: &str = "SELECT id, created_at, service, status, request_id, organization_id, session_id, \
     user_id, provider, model, stub_reason, tokens_in, tokens_out, ttft_ms, total_latency_ms, error, \
     stages FROM pipeline_runs";

fn run(r: &Row) -> PipelineRun {
    let c = Cols(r);
    let status = c.text(3);
    PipelineRun {
        id: c.text(0),
        created_at: c.text(1),
        service: c.text(2),
        success: status == "completed",
        status,
        request_id: c.opt_text(4),
        org_id: c.text(5),
        session_id: c.opt_text(6),
        user_id: c.text(7),
        provider: c.opt_text(8),
        model: c.opt_text(9),
        stub_reason: c.opt_text(10),
        tokens_in: c.opt_int(11),
        tokens_out: c.opt_int(12),
        ttft_ms: c.opt_int(13),
        total_latency_ms: c.opt_int(14),
        error: c.opt_text(15),
        stages: c
            .opt_text(16)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
    }
}

/// `GET /api/v1/admin/pipeline-runs`: the organisation's runs, newest
/// first; `service`, `status`, `since_minutes` (60; 0 for all) and `limit`
/// (1-500, 100).
pub async fn list<P: Platform>(p: &P, c: &Caller, req: &Request) -> Result<Value, ApiError> {
    c.require_admin()?;
    let q = Input::query(req, &["service", "status", "since_minutes", "limit"])?;
    let service = q.choice("service", &["chat", "voice"])?;
    let status = q.choice(
        "status",
        &["running", "completed", "failed", "canceled", "blocked"],
    )?;
    let since_minutes = q.int("since_minutes", 0, 525_600)?.unwrap_or(60);
    let limit = q.int("limit", 1, 500)?.unwrap_or(100);
    let now = p.now_ms();
    let since = (since_minutes > 0).then(|| now - since_minutes * 60_000);
    let rows = db::query(
        p,
        &format!(
            "{RUN} WHERE organization_id = ?1 AND (?2 IS NULL OR service = ?2) \
             AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR created_ms >= ?4) \
             ORDER BY created_ms DESC, id LIMIT ?5"
        ),
        &[
            c.organization_id.as_str().into(),
            service.into(),
            status.into(),
            since.into(),
            limit.into(),
        ],
    )
    .await?;
    let items: Vec<PipelineRun> = rows.iter().map(run).collect();
    Ok(json!({"timestamp": times::iso(now), "count": items.len(),
              "since": since.map(times::iso), "items": items}))
}

/// `GET /api/v1/admin/pipeline-runs/{id}`: a run and its events in order.
pub async fn detail<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<Value, ApiError> {
    c.require_admin()?;
    let row = db::one(
        p,
        &format!("{RUN} WHERE organization_id = ?1 AND id = ?2"),
        &[c.organization_id.as_str().into(), id.into()],
    )
    .await?
    .ok_or_else(|| not_found("Pipeline run"))?;
    let events = db::query(
        p,
        "SELECT id, type, at_ms, data FROM pipeline_events WHERE pipeline_run_id = ?1 ORDER BY id",
        &[id.into()],
    )
    .await?;
    let events: Vec<Value> = events
        .iter()
        .map(|r| {
            let r = Cols(r);
            json!({"id": r.int(0), "type": r.text(1), "timestamp": times::iso(r.int(2)),
                   "data": r.opt_text(3).and_then(|d| serde_json::from_str::<Value>(&d).ok())})
        })
        .collect();
    Ok(json!({"run": run(&row), "events": events}))
}
