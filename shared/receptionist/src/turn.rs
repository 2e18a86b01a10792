//! One turn of a conversation, whatever the channel: load what the engine
//! reads, run it, and commit everything the turn did in one transaction
//! (the conversation's state, the transcript, the contact, a confirmed
//! booking, move, cancellation or message, and the delivery's answer).
//! What lies outside the database (telling the owner, the business's
//! Google Calendar) happens after the commit, once.

use crate::appointments::{self, NewAppointment, Source};
use crate::availability::HORIZON_DAYS;
use crate::business::Business;
use crate::classify;
use crate::contacts;
use crate::conversations::{self, Conversation};
use crate::db;
use crate::deliveries;
use crate::engine::{self, Action, Booked, Channel, Context, Reply};
use crate::google;
use crate::notify::{self, Notice};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::Statement;
use edgedesk_kernel::{Platform, Response};

/// Where the turn comes from.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'a> {
    pub channel: Channel,
    /// The call, the texter's number, or the widget session.
    pub external_id: &'a str,
    /// The customer's number, when the channel knows it.
    pub caller: Option<&'a str>,
    /// The delivery this turn answers, stored with the turn.
    pub delivery: Option<&'a str>,
}

/// A turn's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub conversation: Conversation,
    pub reply: Reply,
    /// The id of what the action wrote (an appointment, a message).
    pub written: Option<String>,
}

/// How the channel answers: the reply as the response it sends, with the
/// id of what the turn wrote.
pub type Render<'r> = &'r dyn Fn(&Reply, &Conversation, Option<&str>) -> Response;

fn source(c: Channel) -> Source {
    match c {
        Channel::Voice => Source::Voice,
        Channel::Sms => Source::Sms,
        Channel::Chat => Source::Chat,
    }
}

/// Time already held over the booking horizon, in seconds.
async fn busy<P: Platform>(p: &P, b: &Business, now_ms: i64) -> Result<Vec<(i64, i64)>, ApiError> {
    let to = now_ms + HORIZON_DAYS * 86_400_000 + 86_400_000;
    let mut out: Vec<(i64, i64)> = appointments::booked_between(p, &b.id, now_ms, to)
        .await?
        .iter()
        .map(|a| (a.start_at / 1000, a.held_until / 1000))
        .collect();
    out.extend(
        appointments::calendar_busy(p, &b.id, now_ms, to)
            .await?
            .into_iter()
            .map(|(s, e)| (s / 1000, e / 1000)),
    );
    Ok(out)
}

async fn upcoming<P: Platform>(
    p: &P,
    b: &Business,
    phone: &str,
    now_ms: i64,
) -> Result<Vec<Booked>, ApiError> {
    let contact = contacts::id_for(&b.id, phone);
    let list = appointments::upcoming_for(p, &contact, now_ms).await?;
    Ok(list
        .into_iter()
        .map(|a| Booked {
            service: b
                .services
                .iter()
                .find(|s| s.id == a.service_id)
                .map_or_else(|| a.service_id.clone(), |s| s.name.clone()),
            service_id: a.service_id,
            id: a.id,
            start: a.start_at / 1000,
            held_until: a.held_until / 1000,
        })
        .collect())
}

/// Opens a conversation: the greeting, stored as its first turn.
pub async fn open<P: Platform>(
    p: &P,
    b: &Business,
    inbound: Inbound<'_>,
    render: Render<'_>,
) -> Result<(Conversation, Reply, Response), ApiError> {
    let now_ms = p.now_ms();
    let mut conv = Conversation::new(db::new_id(p), inbound.channel, inbound.external_id);
    let ctx = Context {
        business: b,
        channel: inbound.channel,
        now: now_ms / 1000,
        busy: &[],
        caller: inbound.caller,
        known_name: None,
        upcoming: &[],
        upcoming_of: None,
        hint: None,
    };
    let reply = engine::greet(&ctx);
    if inbound.external_id.is_empty() {
        // A chat session is known by its conversation's id.
        conv.external_id = conv.id.clone();
    }
    if let Some(phone) = inbound.caller {
        conv.contact_id = Some(contacts::id_for(&b.id, phone));
    }
    conv.turns = 1;
    let response = render(&reply, &conv, None);
    let mut statements = Vec::new();
    if let Some(phone) = inbound.caller {
        statements.push(contacts::upsert(&b.id, phone, None, now_ms));
    }
    statements.push(conversations::save(&conv, &b.id, 0, now_ms));
    statements.push(conversations::turn(
        &conv.id,
        0,
        "assistant",
        &reply.text,
        now_ms,
    ));
    if let Some(key) = inbound.delivery {
        statements.push(deliveries::answer(key, &response));
    }
    db::batch(p, &statements).await?;
    Ok((conv, reply, response))
}

/// Takes one turn of `conv` (a new conversation when `None`), commits it,
/// then tells the owner of what it did. A turn that loses a race with
/// another turn of the same conversation is read again on top of it.
pub async fn take<P: Platform>(
    p: &P,
    b: &Business,
    inbound: Inbound<'_>,
    conv: Option<Conversation>,
    text: &str,
    render: Render<'_>,
) -> Result<(Outcome, Response), ApiError> {
    let mut conv = conv
        .unwrap_or_else(|| Conversation::new(db::new_id(p), inbound.channel, inbound.external_id));
    for _ in 0..3 {
        // Err: another turn of the conversation committed first; here it is.
        match take_once(p, b, inbound, &conv, text, render).await? {
            Ok(done) => return Ok(done),
            Err(latest) => conv = latest,
        }
    }
    Err(ApiError::conflict(
        "the conversation is busy; send that again",
    ))
}

async fn take_once<P: Platform>(
    p: &P,
    b: &Business,
    inbound: Inbound<'_>,
    conv: &Conversation,
    text: &str,
    render: Render<'_>,
) -> Result<Result<(Outcome, Response), Conversation>, ApiError> {
    let now_ms = p.now_ms();
    let read_at = conv.turns;
    let contact = match inbound.caller {
        Some(phone) => contacts::by_phone(p, &b.id, phone).await?,
        None => None,
    };
    let mut held = busy(p, b, now_ms).await?;
    let before = conv.state.clone();
    let mut phone = conv
        .state
        .phone
        .clone()
        .or(inbound.caller.map(str::to_string));
    let mut mine = match &phone {
        Some(ph) => upcoming(p, b, ph, now_ms).await?,
        None => Vec::new(),
    };
    let mut slot_was_taken = false;
    // The classifier's reading, asked for at most once a turn.
    let mut hint: Option<Option<crate::words::Intent>> = None;
    loop {
        let ctx = Context {
            business: b,
            channel: inbound.channel,
            now: now_ms / 1000,
            busy: &held,
            caller: inbound.caller,
            known_name: contact.as_ref().and_then(|c| c.name.as_deref()),
            upcoming: &mine,
            upcoming_of: phone.as_deref(),
            hint: hint.flatten(),
        };
        if hint.is_none() && engine::wants_hint(&before, text, &ctx) {
            hint = Some(classify::intent(p, b, text).await);
            continue;
        }
        let mut state = before.clone();
        let mut reply = engine::step(&mut state, text, &ctx);
        if let Some(wanted) = reply.lookup.take() {
            // The engine learned the number whose appointments it needs.
            mine = upcoming(p, b, &wanted, now_ms).await?;
            phone = Some(wanted);
            continue;
        }
        if slot_was_taken
            && matches!(
                reply.action,
                Some(Action::Book { .. } | Action::Move { .. })
            )
        {
            // The customer said yes to a time someone else has just taken:
            // back to the question, with other times.
            state = before.clone();
            reply = engine::slot_taken(&mut state, &ctx);
        }
        let mut next = conv.clone();
        next.state = state;
        next.turns = read_at + 2;
        next.status = if next.state.stage == engine::Stage::HandedOver {
            "handed_over"
        } else {
            "open"
        }
        .into();
        let who = next
            .state
            .phone
            .clone()
            .or(inbound.caller.map(str::to_string));
        if let Some(ph) = &who {
            next.contact_id = Some(contacts::id_for(&b.id, ph));
        }
        let mut statements: Vec<Statement> = Vec::new();
        if let Some(ph) = &who {
            statements.push(contacts::upsert(
                &b.id,
                ph,
                next.state.name.as_deref(),
                now_ms,
            ));
        }
        statements.push(conversations::save(&next, &b.id, read_at, now_ms));
        statements.push(conversations::turn(
            &next.id, read_at, "caller", text, now_ms,
        ));
        statements.push(conversations::turn(
            &next.id,
            read_at + 1,
            "assistant",
            &reply.text,
            now_ms,
        ));
        let written = act(
            p,
            b,
            &mut statements,
            &reply,
            &next,
            who.as_deref(),
            inbound.channel,
            now_ms,
        )
        .await?;
        let response = render(&reply, &next, written.as_deref());
        if let Some(key) = inbound.delivery {
            statements.push(deliveries::answer(key, &response));
        }
        let Err(e) = db::batch(p, &statements).await else {
            let outcome = Outcome {
                conversation: next,
                reply,
                written,
            };
            after(p, b, &outcome, now_ms).await;
            return Ok(Ok((outcome, response)));
        };
        // Nothing of the turn was written. Either another turn of this
        // conversation came first, or someone booked that time between the
        // offer and the yes; anything else is a fault.
        if let Some(latest) = conversations::by_id(p, &b.id, &conv.id).await?
            && latest.turns != read_at
        {
            return Ok(Err(latest));
        }
        let taken = match &reply.action {
            Some(Action::Book {
                start, held_until, ..
            }) => held_by_other(p, b, *start, *held_until, None).await,
            Some(Action::Move {
                appointment_id,
                start,
                held_until,
                ..
            }) => held_by_other(p, b, *start, *held_until, Some(appointment_id)).await,
            _ => false,
        };
        if !taken || slot_was_taken {
            return Err(e);
        }
        held = busy(p, b, now_ms).await?;
        slot_was_taken = true;
    }
}

/// Adds the statements of the reply's action; returns the id it writes.
#[allow(clippy::too_many_arguments)]
async fn act<P: Platform>(
    p: &P,
    b: &Business,
    statements: &mut Vec<Statement>,
    reply: &Reply,
    conv: &Conversation,
    phone: Option<&str>,
    channel: Channel,
    now_ms: i64,
) -> Result<Option<String>, ApiError> {
    let Some(action) = &reply.action else {
        return Ok(None);
    };
    let contact = phone.map(|ph| contacts::id_for(&b.id, ph));
    Ok(match action {
        Action::Book {
            service_id,
            start,
            end,
            held_until,
            ..
        } => {
            let id = db::new_id(p);
            statements.extend(appointments::book(&NewAppointment {
                id: &id,
                business_id: &b.id,
                service_id,
                contact_id: contact.as_deref(),
                start_at: start * 1000,
                end_at: end * 1000,
                held_until: held_until * 1000,
                source: source(channel),
                notes: None,
                now: now_ms,
            }));
            Some(id)
        }
        Action::Move {
            appointment_id,
            start,
            end,
            held_until,
        } => {
            let a = owned(p, b, appointment_id, contact.as_deref()).await?;
            statements.extend(appointments::reschedule(
                &a,
                start * 1000,
                end * 1000,
                held_until * 1000,
                now_ms,
            ));
            Some(a.id)
        }
        Action::Cancel { appointment_id } => {
            let a = owned(p, b, appointment_id, contact.as_deref()).await?;
            statements.extend(appointments::close(&a.id, "cancelled", now_ms));
            Some(a.id)
        }
        Action::TakeMessage { text, name, phone } => {
            let id = db::new_id(p);
            statements.push(Statement::new(
                "INSERT INTO owner_messages (id, business_id, conversation_id, name, phone, text, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                vec![
                    id.as_str().into(),
                    b.id.as_str().into(),
                    conv.id.as_str().into(),
                    name.as_deref().into(),
                    phone.as_deref().into(),
                    text.as_str().into(),
                    now_ms.into(),
                ],
            ));
            Some(id)
        }
        Action::Handover => None,
    })
}

/// The appointment, if it is this customer's at this business and still
/// booked: the engine only names appointments it was shown, but the store
/// checks again.
async fn owned<P: Platform>(
    p: &P,
    b: &Business,
    id: &str,
    contact: Option<&str>,
) -> Result<appointments::Appointment, ApiError> {
    match appointments::get(p, id).await? {
        Some(a)
            if a.business_id == b.id
                && a.contact_id.as_deref() == contact
                && contact.is_some()
                && a.status == "booked" =>
        {
            Ok(a)
        }
        _ => Err(ApiError::conflict("that appointment is no longer booked")),
    }
}

/// After the commit: the business's calendar, then the owner.
async fn after<P: Platform>(p: &P, b: &Business, o: &Outcome, now_ms: i64) {
    let Some(action) = &o.reply.action else {
        return;
    };
    if b.google.is_some()
        && let Some(id) = &o.written
    {
        // What was booked stays booked if the calendar cannot be written
        // now; the next full sync links or frees it.
        let _ = write_calendar(p, b, action, id).await;
    }
    let who = o
        .conversation
        .state
        .name
        .clone()
        .unwrap_or_else(|| "A customer".into());
    let notice = match action {
        Action::Book {
            service_id, start, ..
        } => Notice::booked(b, &who, service_id, *start),
        Action::Move { start, .. } => Notice::moved(b, &who, *start),
        Action::Cancel { .. } => Notice::cancelled(b, &who),
        Action::TakeMessage { text, phone, .. } => Notice::message(&who, phone.as_deref(), text),
        Action::Handover => Notice::handover(
            &who,
            o.conversation.state.phone.as_deref(),
            o.conversation.channel,
        ),
    };
    notify::owner(p, b, &notice, now_ms).await;
}

/// Mirrors a booking, move or cancellation into the business's Google
/// Calendar.
async fn write_calendar<P: Platform>(
    p: &P,
    b: &Business,
    action: &Action,
    id: &str,
) -> Result<(), ApiError> {
    let Some(a) = appointments::get(p, id).await? else {
        return Ok(());
    };
    match (action, &a.google_event_id) {
        (Action::Book { name, phone, .. }, _) => {
            google::calendar::insert_booking(p, b, &a, name.as_deref(), phone.as_deref()).await?;
        }
        (Action::Move { .. }, Some(event)) => {
            google::calendar::patch_event(p, b, event, &a).await?
        }
        (Action::Cancel { .. }, Some(event)) => google::calendar::delete_event(p, b, event).await?,
        _ => {}
    }
    Ok(())
}

/// Whether another appointment now holds part of `[start, held_until)`
/// (seconds); a store fault counts as not, and the turn's own error stands.
async fn held_by_other<P: Platform>(
    p: &P,
    b: &Business,
    start: i64,
    held_until: i64,
    own: Option<&str>,
) -> bool {
    appointments::held_by_other(p, &b.id, start * 1000, held_until * 1000, own)
        .await
        .unwrap_or(false)
}
