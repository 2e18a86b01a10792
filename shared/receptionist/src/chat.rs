//! Web chat: the public widget (a business identified by `X-Business-ID` or
//! its widget token) and authenticated clients (signed calls naming the
//! business). Same engine as calls and texts, answered in JSON with quick
//! replies.

use crate::business::{self, Business};
use crate::conversations::{self, Conversation};
use crate::db;
use crate::deliveries::{self, Claim};
use crate::engine::{Action, Channel, Reply};
use crate::model::{ChatReply, Written};
use crate::turn::{self, Inbound};
use crate::words;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, Response};

/// Longest message a customer may send in one turn.
pub const MAX_TEXT: usize = 1000;

/// The business a widget request is for: `X-Business-ID`, or the widget
/// token in `X-Widget-Token` or the body's `widget_token`.
pub async fn widget_business<P: Platform>(
    p: &P,
    req: &Request,
    body_token: Option<&str>,
) -> Result<Business, ApiError> {
    let token = req.header("x-widget-token").or(body_token);
    let found = match (req.header("x-business-id"), token) {
        (_, Some(t)) => business::by_widget_token(p, t).await?,
        (Some(id), None) => business::by_id(p, id).await?,
        (None, None) => {
            return Err(ApiError::unauthorized(
                "name the business with X-Business-ID or a widget token",
            ));
        }
    };
    let b = found.ok_or_else(|| ApiError::missing("no business has that id or widget token"))?;
    b.answering()?;
    Ok(b)
}

/// A chat answer.
pub fn json(reply: &Reply, conv: &Conversation, written: Option<&str>) -> Response {
    let answer = ChatReply {
        session_id: conv.id.clone(),
        reply: reply.text.clone(),
        suggestions: reply.suggestions.clone(),
        ended: reply.end,
        handed_over: matches!(reply.action, Some(Action::Handover)),
        written: written_of(reply, written),
    };
    Response::json(200, &serde_json::to_value(&answer).unwrap_or_default())
}

fn written_of(reply: &Reply, id: Option<&str>) -> Option<Written> {
    let id = id?.to_string();
    let kind = match reply.action.as_ref()? {
        Action::Book { .. } => "booked",
        Action::Move { .. } => "moved",
        Action::Cancel { .. } => "cancelled",
        Action::TakeMessage { .. } => "message",
        Action::Handover => return None,
    };
    Some(Written {
        kind: kind.into(),
        id,
    })
}

/// `POST /v1/widget/session`: a new chat, with the assistant's greeting.
pub async fn session<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::optional_body(req, &["widget_token"])?;
    let token = input.text("widget_token", 200)?;
    let b = widget_business(p, req, token.as_deref()).await?;
    let inbound = Inbound {
        channel: Channel::Chat,
        external_id: "",
        caller: None,
        delivery: None,
    };
    let render = |reply: &Reply, conv: &Conversation, _: Option<&str>| json(reply, conv, None);
    let (_, _, mut response) = turn::open(p, &b, inbound, &render).await?;
    response.status = 201;
    Ok(response.for_business(&b.id))
}

/// `POST /v1/widget/message`: the customer's next message.
pub async fn message<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(req, &["session_id", "text", "message_id", "widget_token"])?;
    let token = input.text("widget_token", 200)?;
    let b = widget_business(p, req, token.as_deref()).await?;
    let session = input.required_text("session_id", 100)?;
    let text = input.required_text("text", MAX_TEXT)?;
    let message_id = input.text("message_id", 100)?;
    let conv = conversations::by_id(p, &b.id, &session)
        .await?
        .filter(|c| c.channel == Channel::Chat)
        .ok_or_else(|| {
            ApiError::missing("no chat session has that id; start one with POST /v1/widget/session")
        })?;
    reply_to(p, &b, conv, None, &text, message_id.as_deref())
        .await
        .map(|r| r.for_business(&b.id))
}

/// `POST /v1/chat/message`: a signed client speaks for a customer of the
/// business it names; it may pass the customer's number and name, which
/// the widget never can.
pub async fn client_message<P: Platform>(p: &P, req: &Request) -> Result<Response, ApiError> {
    let input = Input::body(
        req,
        &[
            "business_id",
            "session_id",
            "text",
            "phone",
            "name",
            "message_id",
        ],
    )?;
    let id = input.required_text("business_id", 100)?;
    let b = business::by_id(p, &id)
        .await?
        .ok_or_else(|| ApiError::missing(format!("no business has the id {id}")))?;
    b.answering()?;
    let text = input.required_text("text", MAX_TEXT)?;
    let phone = match input.text("phone", 40)? {
        Some(raw) => Some(words::phone(&raw).ok_or_else(|| {
            ApiError::unprocessable("phone must be a phone number, such as +13125550147")
        })?),
        None => None,
    };
    let name = input.text("name", 100)?;
    let message_id = input.text("message_id", 100)?;
    let conv = match input.text("session_id", 100)? {
        Some(s) => Some(
            conversations::by_id(p, &b.id, &s)
                .await?
                .filter(|c| c.channel == Channel::Chat)
                .ok_or_else(|| ApiError::missing("no chat session has that id"))?,
        ),
        None => None,
    };
    let mut conv = match conv {
        Some(c) => c,
        None => {
            let id = db::new_id(p);
            Conversation::new(id.clone(), Channel::Chat, &id)
        }
    };
    if conv.state.name.is_none() {
        conv.state.name = name;
    }
    if conv.state.phone.is_none() {
        conv.state.phone = phone;
    }
    reply_to(p, &b, conv, None, &text, message_id.as_deref())
        .await
        .map(|r| r.for_business(&b.id))
}

/// One chat turn. With a `message_id` the turn is acted on once: the same
/// message sent again (a retry after a lost answer) gets the same answer.
async fn reply_to<P: Platform>(
    p: &P,
    b: &Business,
    conv: Conversation,
    caller: Option<&str>,
    text: &str,
    message_id: Option<&str>,
) -> Result<Response, ApiError> {
    let key = message_id.map(|m| format!("chat:{}:{m}", conv.id));
    if let Some(k) = &key
        && let Claim::Answered(stored) = deliveries::claim(p, k, &b.id).await?
    {
        return Ok(stored);
    }
    let external = conv.external_id.clone();
    let inbound = Inbound {
        channel: Channel::Chat,
        external_id: &external,
        caller,
        delivery: key.as_deref(),
    };
    match turn::take(p, b, inbound, Some(conv), text, &json).await {
        Ok((_, response)) => Ok(response),
        Err(e) => {
            if let Some(k) = &key {
                deliveries::release(p, k).await;
            }
            Err(e)
        }
    }
}
