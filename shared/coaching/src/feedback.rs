//! Feedback from reps: reports (`POST /api/v1/feedback`) and flags on a
//! coach's message (over the socket), kept for the organisation's admins.

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, times};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use crate::tenancy::Caller;

pub const CATEGORIES: [&str; 6] = [
    "bad_assistant",
    "bug",
    "improvement",
    "like",
    "preference",
    "triage_incorrect",
];
pub const TIME_BUCKETS: [&str; 3] = ["just_now", "earlier_today", "earlier_this_week"];
pub const SCOPES: [&str; 3] = ["chat", "voice", "app"];

#[derive(Serialize, JsonSchema)]
pub struct FeedbackEvent {
    pub id: String,
    pub user_id: String,
    /// report or flag.
    pub kind: String,
    pub category: String,
    pub name: String,
    pub description: Option<String>,
    pub scope: Option<String>,
    pub time_bucket: Option<String>,
    pub session_id: Option<String>,
    pub interaction_id: Option<String>,
    pub created_at: String,
}

/// `{category, name, time_bucket, description?, scope?, session_id?,
/// interaction_id?}` as HelloSales' reports.
pub async fn report<P: Platform>(p: &P, c: &Caller, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(
        req,
        &[
            "category",
            "name",
            "description",
            "scope",
            "time_bucket",
            "session_id",
            "interaction_id",
        ],
    )?;
    let required = |name: &str, v: Option<&'static str>| {
        v.ok_or_else(|| ApiError::unprocessable(format!("{name} is required")))
    };
    let event = FeedbackEvent {
        id: db::new_id(p),
        user_id: c.user_id.clone(),
        kind: "report".into(),
        category: required("category", input.choice("category", &CATEGORIES)?)?.into(),
        name: input.required_text("name", 150)?,
        description: input.text("description", 5000)?.filter(|s| !s.is_empty()),
        scope: input.choice("scope", &SCOPES)?.map(Into::into),
        time_bucket: Some(
            required("time_bucket", input.choice("time_bucket", &TIME_BUCKETS)?)?.into(),
        ),
        session_id: input.text("session_id", 64)?.filter(|s| !s.is_empty()),
        interaction_id: input.text("interaction_id", 64)?.filter(|s| !s.is_empty()),
        created_at: times::iso(p.now_ms()),
    };
    record(p, c, &event).await?;
    Ok(json!(event))
}

pub async fn record<P: Platform>(p: &P, c: &Caller, e: &FeedbackEvent) -> Result<(), ApiError> {
    db::execute(
        p,
        "INSERT INTO feedback (id, organization_id, user_id, kind, category, name, description, \
         scope, time_bucket, session_id, interaction_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        &[
            e.id.as_str().into(),
            c.organization_id.as_str().into(),
            e.user_id.as_str().into(),
            e.kind.as_str().into(),
            e.category.as_str().into(),
            e.name.as_str().into(),
            e.description.as_deref().into(),
            e.scope.as_deref().into(),
            e.time_bucket.as_deref().into(),
            e.session_id.as_deref().into(),
            e.interaction_id.as_deref().into(),
            e.created_at.as_str().into(),
        ],
    )
    .await?;
    Ok(())
}
