//! What the assistant met and heard, for the owner: contacts,
//! conversations with their transcripts and feedback, and the messages
//! customers left. Every query is bound to the owner's business.

use super::limit;
use crate::db::{self, Cols};
use crate::model::{
    ContactList, ContactRecord, ContactRef, ConversationDetail, ConversationList,
    ConversationSummary, FeedbackRecord, LeftMessage, LeftMessageList, TranscriptTurn,
};
use crate::owners::Principal;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;
use edgedesk_kernel::{Platform, Request, times};
use serde_json::Value;

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// `GET /v1/owner/contacts?limit=&offset=`: newest first.
pub async fn contacts<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    let q = Input::query(req, &["limit", "offset"])?;
    let limit = limit(&q, 50, 200)?;
    let offset = q.int("offset", 0, 1_000_000)?.unwrap_or(0);
    let id = who.business();
    let rows = db::query(
        p,
        "SELECT c.id, c.name, c.phone, c.email, c.opted_out, c.created_at, \
         (SELECT COUNT(*) FROM appointments a WHERE a.contact_id = c.id) \
         FROM contacts c WHERE c.business_id = ?1 ORDER BY c.created_at DESC, c.id LIMIT ?2 OFFSET ?3",
        &[id.into(), limit.into(), offset.into()],
    )
    .await?;
    let total = db::one(
        p,
        "SELECT COUNT(*) FROM contacts WHERE business_id = ?1",
        &[id.into()],
    )
    .await?
    .map_or(0, |r| Cols(&r).int(0));
    let list = ContactList {
        total,
        contacts: rows
            .iter()
            .map(|r| {
                let c = Cols(r);
                ContactRecord {
                    id: c.text(0),
                    name: c.opt_text(1),
                    phone: c.opt_text(2),
                    email: c.opt_text(3),
                    opted_out: c.flag(4),
                    created_at: times::iso(c.int(5)),
                    appointments: c.int(6),
                }
            })
            .collect(),
    };
    Ok(to_json(&list))
}

const CONVERSATION: &str = "SELECT v.id, v.channel, v.status, v.turns, v.created_at, v.updated_at, \
     v.contact_id, c.name, c.phone, \
     (SELECT t.text FROM turns t WHERE t.conversation_id = v.id ORDER BY t.seq DESC LIMIT 1) \
     FROM conversations v LEFT JOIN contacts c ON c.id = v.contact_id WHERE v.business_id = ?1";

fn summary(c: &Cols<'_>) -> ConversationSummary {
    ConversationSummary {
        id: c.text(0),
        channel: c.text(1),
        status: c.text(2),
        turns: c.int(3),
        started_at: times::iso(c.int(4)),
        updated_at: times::iso(c.int(5)),
        contact: c.opt_text(6).map(|id| ContactRef {
            id,
            name: c.opt_text(7),
            phone: c.opt_text(8),
        }),
        last_text: c.opt_text(9),
    }
}

/// `GET /v1/owner/conversations?limit=`: the latest active first.
pub async fn conversations<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    let q = Input::query(req, &["limit"])?;
    let limit = limit(&q, 20, 100)?;
    let sql = format!("{CONVERSATION} ORDER BY v.updated_at DESC, v.id LIMIT ?2");
    let rows = db::query(p, &sql, &[who.business().into(), limit.into()]).await?;
    Ok(to_json(&ConversationList {
        conversations: rows.iter().map(|r| summary(&Cols(r))).collect(),
    }))
}

/// `GET /v1/owner/conversations/{conversation_id}`: with its transcript
/// and any feedback. Another business's conversation is 404, as one that
/// does not exist.
pub async fn conversation<P: Platform>(
    p: &P,
    who: &Principal,
    id: &str,
) -> Result<Value, ApiError> {
    let sql = format!("{CONVERSATION} AND v.id = ?2");
    let row = db::one(p, &sql, &[who.business().into(), id.into()])
        .await?
        .ok_or_else(|| ApiError::missing(format!("no conversation {id}")))?;
    let transcript = crate::conversations::transcript(p, id)
        .await?
        .into_iter()
        .map(|(role, text, at)| TranscriptTurn {
            role,
            text,
            at: times::iso(at),
        })
        .collect();
    let rows = db::query(
        p,
        "SELECT id, rating, text, created_at FROM feedback WHERE conversation_id = ?1 \
         ORDER BY created_at, id",
        &[id.into()],
    )
    .await?;
    let feedback = rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            FeedbackRecord {
                id: c.text(0),
                rating: c.opt_int(1),
                text: c.opt_text(2),
                created_at: times::iso(c.int(3)),
            }
        })
        .collect();
    Ok(to_json(&ConversationDetail {
        summary: summary(&Cols(&row)),
        transcript,
        feedback,
    }))
}

/// `GET /v1/owner/messages?limit=`: newest first.
pub async fn messages<P: Platform>(
    p: &P,
    who: &Principal,
    req: &Request,
) -> Result<Value, ApiError> {
    let q = Input::query(req, &["limit"])?;
    let limit = limit(&q, 50, 200)?;
    let rows = db::query(
        p,
        "SELECT id, conversation_id, name, phone, text, created_at FROM owner_messages \
         WHERE business_id = ?1 ORDER BY created_at DESC, id LIMIT ?2",
        &[who.business().into(), limit.into()],
    )
    .await?;
    Ok(to_json(&LeftMessageList {
        messages: rows
            .iter()
            .map(|r| {
                let c = Cols(r);
                LeftMessage {
                    id: c.text(0),
                    conversation_id: c.opt_text(1),
                    name: c.opt_text(2),
                    phone: c.opt_text(3),
                    text: c.text(4),
                    created_at: times::iso(c.int(5)),
                }
            })
            .collect(),
    }))
}
