//! Conversations and their turns in the store. The engine's state is kept
//! with the conversation after every turn, so whichever instance receives
//! the next turn carries on from it.

use crate::db::{self, Cols};
use crate::engine::{Channel, State};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::platform::{SqlValue, Statement};

/// A text conversation left this long starts afresh on the next text.
pub const IDLE_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub channel: Channel,
    /// The call's CallSid, the texter's number or the widget session.
    pub external_id: String,
    pub contact_id: Option<String>,
    pub state: State,
    /// `open`, `closed` or `handed_over`.
    pub status: String,
    /// Turns stored so far: the next turn's sequence number.
    pub turns: i64,
}

pub fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Voice => "voice",
        Channel::Sms => "sms",
        Channel::Chat => "chat",
    }
}

fn channel_of(s: &str) -> Channel {
    match s {
        "voice" => Channel::Voice,
        "sms" => Channel::Sms,
        _ => Channel::Chat,
    }
}

impl Conversation {
    pub fn new(id: String, channel: Channel, external_id: &str) -> Self {
        Conversation {
            id,
            channel,
            external_id: external_id.to_string(),
            contact_id: None,
            state: State::default(),
            status: "open".into(),
            turns: 0,
        }
    }
}

const COLUMNS: &str = "id, channel, external_id, contact_id, state, status, turns";

fn from_row(c: &Cols<'_>) -> Conversation {
    Conversation {
        id: c.text(0),
        channel: channel_of(&c.text(1)),
        external_id: c.text(2),
        contact_id: c.opt_text(3),
        // A state this version cannot read starts the conversation over
        // rather than failing every later turn.
        state: serde_json::from_str(&c.text(4)).unwrap_or_default(),
        status: c.text(5),
        turns: c.int(6),
    }
}

/// The latest conversation of this channel and external id, if it was
/// active since `since`.
pub async fn latest<P: Platform>(
    p: &P,
    business_id: &str,
    channel: Channel,
    external_id: &str,
    since: i64,
) -> Result<Option<Conversation>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations WHERE business_id = ?1 AND channel = ?2 \
         AND external_id = ?3 AND updated_at >= ?4 ORDER BY updated_at DESC LIMIT 1"
    );
    let row = db::one(
        p,
        &sql,
        &[
            business_id.into(),
            channel_name(channel).into(),
            external_id.into(),
            since.into(),
        ],
    )
    .await?;
    Ok(row.map(|r| from_row(&Cols(&r))))
}

pub async fn by_id<P: Platform>(
    p: &P,
    business_id: &str,
    id: &str,
) -> Result<Option<Conversation>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM conversations WHERE business_id = ?1 AND id = ?2");
    let row = db::one(p, &sql, &[business_id.into(), id.into()]).await?;
    Ok(row.map(|r| from_row(&Cols(&r))))
}

/// Writes the conversation as it stands after a turn. Guarded by the turn
/// count it was read at: of two instances taking turns of one conversation
/// at once, the second to commit changes nothing (and its batch, checked
/// by [`guard`], fails).
pub fn save(c: &Conversation, business_id: &str, read_at_turns: i64, now: i64) -> Statement {
    let state = serde_json::to_string(&c.state).unwrap_or_else(|_| "{}".into());
    Statement::new(
        "INSERT INTO conversations (id, business_id, channel, external_id, contact_id, state, status, \
         turns, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) \
         ON CONFLICT (id) DO UPDATE SET contact_id = COALESCE(excluded.contact_id, conversations.contact_id), \
         state = excluded.state, status = excluded.status, turns = excluded.turns, \
         updated_at = excluded.updated_at WHERE conversations.turns = ?10",
        vec![
            c.id.as_str().into(),
            business_id.into(),
            channel_name(c.channel).into(),
            c.external_id.as_str().into(),
            c.contact_id.as_deref().into(),
            state.into(),
            c.status.as_str().into(),
            c.turns.into(),
            now.into(),
            read_at_turns.into(),
        ],
    )
}

/// One turn of the transcript. Its (conversation, seq) key makes a second
/// writer of the same turn fail.
pub fn turn(conversation_id: &str, seq: i64, role: &str, text: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO turns (conversation_id, seq, role, text, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        vec![
            conversation_id.into(),
            seq.into(),
            role.into(),
            text.into(),
            now.into(),
        ],
    )
}

/// The transcript, oldest first.
pub async fn transcript<P: Platform>(
    p: &P,
    conversation_id: &str,
) -> Result<Vec<(String, String, i64)>, ApiError> {
    let rows = db::query(
        p,
        "SELECT role, text, at FROM turns WHERE conversation_id = ?1 ORDER BY seq",
        &[SqlValue::from(conversation_id)],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            (c.text(0), c.text(1), c.int(2))
        })
        .collect())
}
