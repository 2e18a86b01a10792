//! `POST /v1/feedback`: a customer's rating or words about a conversation
//! they had. The conversation must exist; its business is the one the
//! feedback is filed under, whatever the caller says.

use crate::db::{self, Cols};
use crate::model::FeedbackAnswer;
use edgedesk_core::envelope::{ApiError, success};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, Response};

/// The longest feedback text.
pub const MAX_TEXT: usize = 2000;
/// Feedback one conversation may collect.
pub const MAX_PER_CONVERSATION: i64 = 20;

pub async fn submit<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(req, &["conversation_id", "rating", "text"])?;
    let conversation = input.required_text("conversation_id", 100)?;
    let rating = input.int("rating", 1, 5)?;
    let text = input.text("text", MAX_TEXT)?.filter(|t| !t.is_empty());
    if rating.is_none() && text.is_none() {
        return Err(ApiError::unprocessable(
            "give a rating (1 to 5), a text, or both",
        ));
    }
    let row = db::one(
        p,
        "SELECT business_id, (SELECT COUNT(*) FROM feedback f WHERE f.conversation_id = v.id) \
         FROM conversations v WHERE v.id = ?1",
        &[conversation.as_str().into()],
    )
    .await?
    .ok_or_else(|| ApiError::missing(format!("no conversation {conversation}")))?;
    let c = Cols(&row);
    if c.int(1) >= MAX_PER_CONVERSATION {
        return Err(ApiError::conflict(
            "this conversation has all the feedback it can take",
        ));
    }
    let id = db::new_id(p);
    db::execute(
        p,
        "INSERT INTO feedback (id, business_id, conversation_id, rating, text, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            id.as_str().into(),
            c.text(0).into(),
            conversation.as_str().into(),
            rating.into(),
            text.into(),
            p.now_ms().into(),
        ],
    )
    .await?;
    let answer = FeedbackAnswer {
        id,
        conversation_id: conversation,
    };
    Ok(Response::json(
        201,
        &success(&serde_json::to_value(answer).unwrap_or_default()),
    ))
}
