//! Practice sessions as the coach sees them: the caller's sessions with
//! their last turn, a session's turns replayed when it is resumed, and
//! cancels of a reply under way.

use crate::compat::not_found;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::db::{self, Cols};
use serde_json::{Value, json};

/// The caller's 20 newest sessions, each with its turn count and the
/// rep's first words.
pub async fn list<P: Platform>(p: &P, c: &Caller) -> Result<Vec<Value>, ApiError> {
    let rows = db::query(
        p,
        "SELECT s.id, s.status, s.started_at, s.strategy_id, \
         (SELECT count(*) FROM interactions i WHERE i.session_id = s.id), \
         (SELECT content FROM interactions i WHERE i.session_id = s.id AND i.role = 'user' ORDER BY at_ms, rowid LIMIT 1), \
         (SELECT max(created_at) FROM interactions i WHERE i.session_id = s.id) \
         FROM practice_sessions s WHERE s.organization_id = ?1 AND s.user_id = ?2 \
         ORDER BY s.started_at DESC, s.id LIMIT 20",
        &[c.organization_id.as_str().into(), c.user_id.as_str().into()],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let r = Cols(r);
            let first = r.opt_text(5);
            let preview = match &first {
                Some(t) if t.chars().count() > 50 => {
                    format!("{}...", t.chars().take(50).collect::<String>())
                }
                Some(t) => t.clone(),
                None => "New conversation".into(),
            };
            json!({"id": r.text(0), "state": r.text(1), "createdAt": r.text(2),
                   "strategyId": r.text(3), "messageCount": r.int(4), "preview": preview,
                   "lastMessageAt": r.opt_text(6)})
        })
        .collect())
}

/// The last `limit` turns of one of the caller's sessions, oldest first,
/// and whether there are earlier ones.
pub async fn replay<P: Platform>(
    p: &P,
    c: &Caller,
    session_id: &str,
    limit: i64,
) -> Result<(Vec<Value>, bool), ApiError> {
    let rows = db::query(
        p,
        "SELECT id, role, content, input_type, created_at, pipeline_run_id FROM \
         (SELECT *, rowid AS seq FROM interactions WHERE organization_id = ?1 AND user_id = ?2 \
          AND session_id = ?3 ORDER BY at_ms DESC, rowid DESC LIMIT ?4) ORDER BY at_ms, seq",
        &[
            c.organization_id.as_str().into(),
            c.user_id.as_str().into(),
            session_id.into(),
            (limit + 1).into(),
        ],
    )
    .await?;
    let has_more = rows.len() as i64 > limit;
    let rows = &rows[rows.len().saturating_sub(limit as usize)..];
    Ok((
        rows.iter()
            .map(|r| {
                let r = Cols(r);
                json!({"id": r.text(0), "role": r.text(1), "content": r.text(2),
                       "inputType": r.opt_text(3), "timestamp": r.text(4),
                       "pipelineRunId": r.opt_text(5)})
            })
            .collect(),
        has_more,
    ))
}

/// Asks the caller's run `run_id` to stop; its status as it stands (a
/// finished run stays as it finished). Another user's run is 403.
pub async fn request_cancel<P: Platform>(
    p: &P,
    c: &Caller,
    run_id: &str,
) -> Result<String, ApiError> {
    let row = db::one(
        p,
        "SELECT user_id, status FROM pipeline_runs WHERE organization_id = ?1 AND id = ?2",
        &[c.organization_id.as_str().into(), run_id.into()],
    )
    .await?
    .ok_or_else(|| not_found("Pipeline run"))?;
    let r = Cols(&row);
    if r.text(0) != c.user_id {
        return Err(ApiError::forbidden(
            "Cannot cancel a run that does not belong to the current user",
        ));
    }
    db::execute(
        p,
        "UPDATE pipeline_runs SET cancel_requested = 1 WHERE id = ?1 AND status = 'running'",
        &[run_id.into()],
    )
    .await?;
    Ok(r.text(1))
}
