//! The conversation: one deterministic state machine behind every channel
//! (voice, SMS, web chat). Pure: it reads the business, the time and what
//! is already booked from a [`Context`] the caller loads, keeps what it has
//! learned in a [`State`] the caller stores between turns, and answers
//! with a [`Reply`]. Anything that writes (a booking, a move, a
//! cancellation, a message for the owner) is an [`Action`] the caller
//! carries out, and the engine proposes one only after the customer has
//! said yes to a read-back of exactly what it will do.
//!
//! Instants are Unix seconds; days are local day numbers of the business.

use crate::availability::{self, LEAD_SECS};
use crate::business::{Business, Service};
use crate::hours::{WEEKDAYS, hhmm};
use crate::phrases::{self, DayPart, When};
use crate::words::{self, Intent};
use serde::{Deserialize, Serialize};

/// Turns in a row the engine may fail to understand before it hands the
/// customer over to a person.
pub const MAX_MISSES: u8 = 3;

/// How many free times are offered at once.
pub const OFFER: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Voice,
    Sms,
    Chat,
}

/// One of the customer's own upcoming appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub id: String,
    pub service_id: String,
    pub service: String,
    pub start: i64,
    /// The end of its buffer: the time it holds.
    pub held_until: i64,
}

/// What a turn is read against, loaded by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub business: &'a Business,
    pub channel: Channel,
    pub now: i64,
    /// Time already held, as (start, end): booked appointments with their
    /// buffers and busy times from the business's calendar, over
    /// [`availability::HORIZON_DAYS`] from now.
    pub busy: &'a [(i64, i64)],
    /// The number the customer calls or texts from.
    pub caller: Option<&'a str>,
    /// The name the business already has for this customer.
    pub known_name: Option<&'a str>,
    /// The upcoming appointments of the phone number in `upcoming_of`.
    pub upcoming: &'a [Booked],
    pub upcoming_of: Option<&'a str>,
    /// What a classifier (an LLM, when one is configured) reads this turn's
    /// text as. Used only when the engine's own reading finds no request,
    /// and like any reading it leads to questions and a read-back, never
    /// straight to a write.
    pub hint: Option<Intent>,
}

/// Where the conversation is: what the engine asked last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing asked: the customer says what they want.
    #[default]
    Open,
    /// Which service.
    Service,
    /// Which day or time.
    When,
    /// Which of the offered times.
    Slot,
    Name,
    Phone,
    /// "Shall I book ...?"
    ConfirmBook,
    /// Which of the customer's appointments.
    Choose,
    ConfirmCancel,
    ConfirmMove,
    /// What the message for the owner says.
    Message,
    ConfirmMessage,
    /// Handed over to a person: the assistant stays out of the way.
    HandedOver,
}

/// What the engine has learned so far, stored between turns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub stage: Stage,
    pub intent: Option<Intent>,
    pub service: Option<String>,
    pub day: Option<i64>,
    pub time: Option<u32>,
    pub part: Option<Part>,
    /// The times offered in the last reply.
    pub offered: Vec<i64>,
    /// The time chosen.
    pub start: Option<i64>,
    /// Any time will do: the soonest free ones are offered.
    pub soonest: bool,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// The appointment being moved or cancelled.
    pub appointment: Option<String>,
    pub message: Option<String>,
    /// Turns in a row not understood.
    pub misses: u8,
}

/// A part of the day, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Morning,
    Afternoon,
    Evening,
}

impl From<DayPart> for Part {
    fn from(p: DayPart) -> Self {
        match p {
            DayPart::Morning => Part::Morning,
            DayPart::Afternoon => Part::Afternoon,
            DayPart::Evening => Part::Evening,
        }
    }
}

impl From<Part> for DayPart {
    fn from(p: Part) -> Self {
        match p {
            Part::Morning => DayPart::Morning,
            Part::Afternoon => DayPart::Afternoon,
            Part::Evening => DayPart::Evening,
        }
    }
}

/// A write the customer has confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Book {
        service_id: String,
        start: i64,
        end: i64,
        held_until: i64,
        name: Option<String>,
        phone: Option<String>,
    },
    Move {
        appointment_id: String,
        start: i64,
        end: i64,
        held_until: i64,
    },
    Cancel {
        appointment_id: String,
    },
    TakeMessage {
        text: String,
        name: Option<String>,
        phone: Option<String>,
    },
    /// Connect the caller to the owner (a call) or tell the owner to get
    /// back to them (a text or chat).
    Handover,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub text: String,
    /// Quick replies for the chat widget.
    pub suggestions: Vec<String>,
    pub action: Option<Action>,
    /// The conversation is over (a call hangs up after saying `text`).
    pub end: bool,
    /// The engine needs the upcoming appointments of this number: load
    /// them into the context and run the same turn again.
    pub lookup: Option<String>,
}

impl Reply {
    fn say(text: impl Into<String>) -> Self {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    fn with(mut self, suggestions: &[&str]) -> Self {
        self.suggestions = suggestions.iter().map(|s| s.to_string()).collect();
        self
    }
}

/// The first words of a conversation.
pub fn greet(ctx: &Context<'_>) -> Reply {
    let b = &ctx.business.name;
    let text = match ctx.channel {
        Channel::Voice => format!(
            "Thanks for calling {b}. I can book, move or cancel an appointment, or take a message. How can I help?"
        ),
        _ => format!("Hi! This is {b}'s booking assistant. How can I help?"),
    };
    Reply::say(text).with(&[
        "Book an appointment",
        "Opening hours",
        "Cancel my appointment",
    ])
}

/// Whether the engine could use a classifier's reading of `text`: it is a
/// fresh request the engine's own words do not name.
pub fn wants_hint(state: &State, text: &str, ctx: &Context<'_>) -> bool {
    let text = text.trim();
    matches!(state.stage, Stage::Open | Stage::HandedOver)
        && !text.is_empty()
        && words::intent(text).is_none()
        && words::service(text, &ctx.business.services).is_none()
        && !has_when(&when_in(text, ctx))
}

/// Reads one turn of the customer's and answers it.
pub fn step(state: &mut State, text: &str, ctx: &Context<'_>) -> Reply {
    let text = text.trim();
    if state.stage == Stage::HandedOver {
        // A person takes it from here; a new request starts afresh.
        if words::intent(text).or(ctx.hint).is_none() {
            return Reply::say("Someone from the team will get back to you shortly.");
        }
        *state = State {
            name: state.name.take(),
            phone: state.phone.take(),
            ..State::default()
        };
    }
    if state.name.is_none() {
        state.name = ctx.known_name.map(str::to_string);
    }
    if words::intent(text) == Some(Intent::Human)
        && !matches!(state.stage, Stage::Message | Stage::Name)
    {
        return hand_over(state, ctx);
    }
    let reply = match state.stage {
        Stage::Open => open(state, text, ctx),
        Stage::Service => on_service(state, text, ctx),
        Stage::When => on_when(state, text, ctx),
        Stage::Slot => on_slot(state, text, ctx),
        Stage::Name => on_name(state, text, ctx),
        Stage::Phone => on_phone(state, text, ctx),
        Stage::ConfirmBook => on_confirm_book(state, text, ctx),
        Stage::Choose => on_choose(state, text, ctx),
        Stage::ConfirmCancel => on_confirm_cancel(state, text, ctx),
        Stage::ConfirmMove => on_confirm_move(state, text, ctx),
        Stage::Message => on_message(state, text, ctx),
        Stage::ConfirmMessage => on_confirm_message(state, text, ctx),
        Stage::HandedOver => unreachable_stage(state, ctx),
    };
    reply.unwrap_or_else(|| miss(state, ctx))
}

/// The time just confirmed was taken by someone else before it could be
/// booked: offer the nearest free times instead.
pub fn slot_taken(state: &mut State, ctx: &Context<'_>) -> Reply {
    let wanted = state.start.take();
    state.stage = Stage::When;
    if let Some(start) = wanted {
        let cal = &ctx.business.calendar;
        state.day = Some(availability::local_day(cal, start));
        state.time = Some(availability::local_secs(cal, start));
    }
    let mut reply = find_slots(state, ctx);
    reply.text = format!("Sorry, that time was just taken. {}", reply.text);
    reply
}

fn unreachable_stage(state: &mut State, ctx: &Context<'_>) -> Option<Reply> {
    state.stage = Stage::Open;
    Some(greet(ctx))
}

/// A turn not understood: ask again, or after [`MAX_MISSES`] in a row,
/// hand over to a person.
fn miss(state: &mut State, ctx: &Context<'_>) -> Reply {
    state.misses += 1;
    if state.misses >= MAX_MISSES {
        return hand_over(state, ctx);
    }
    let again = match state.stage {
        Stage::Open => "Sorry, I didn't get that. I can book, move or cancel an appointment, tell you our hours or take a message. What would you like?".to_string(),
        Stage::Service => format!("Sorry, which service would you like? We offer {}.", service_list(ctx.business)),
        Stage::When => "Sorry, what day and time would suit you? For example \"tomorrow at 3\" or \"next Tuesday morning\".".to_string(),
        Stage::Slot => format!("Sorry, which time would you like? {}", offer_text(&state.offered, ctx)),
        Stage::Name => "Sorry, what name should I put the appointment under?".to_string(),
        Stage::Phone => "Sorry, what's the best phone number to reach you? Ten digits, please.".to_string(),
        Stage::ConfirmBook | Stage::ConfirmCancel | Stage::ConfirmMove | Stage::ConfirmMessage => {
            // The question again in full: a yes always answers what it
            // last read back.
            let again = read_back(state, ctx);
            format!("{} {again}", yes_or_no(ctx))
        }
        Stage::Choose => "Sorry, which appointment? Say first, second or third.".to_string(),
        Stage::Message => "Sorry, what message should I pass on?".to_string(),
        Stage::HandedOver => "Someone from the team will get back to you shortly.".to_string(),
    };
    let mut reply = Reply::say(again);
    reply.suggestions = suggestions_for(state, ctx);
    reply
}

fn yes_or_no(ctx: &Context<'_>) -> &'static str {
    match ctx.channel {
        Channel::Voice => "Sorry, please say yes or no.",
        _ => "Sorry, please answer yes or no.",
    }
}

/// The question of a confirming stage, asked again.
fn read_back(state: &mut State, ctx: &Context<'_>) -> String {
    let stage = state.stage;
    let text = match stage {
        Stage::ConfirmBook => next_for_booking(state, ctx).text,
        Stage::ConfirmMove => confirm_move(state, ctx).text,
        Stage::ConfirmMessage => confirm_message(state).text,
        Stage::ConfirmCancel => {
            let shown = state
                .appointment
                .as_ref()
                .and_then(|id| ctx.upcoming.iter().find(|b| &b.id == id));
            match shown {
                Some(b) => format!(
                    "Cancel your {} on {} at {}?",
                    b.service,
                    say_day(ctx, b.start),
                    say_time(ctx, b.start)
                ),
                None => String::new(),
            }
        }
        _ => String::new(),
    };
    state.stage = stage;
    text
}

fn hand_over(state: &mut State, ctx: &Context<'_>) -> Reply {
    state.stage = Stage::HandedOver;
    state.misses = 0;
    let text = match (ctx.channel, &ctx.business.owner_phone) {
        (Channel::Voice, Some(_)) => "Let me connect you with someone from the team. One moment, please.".to_string(),
        (Channel::Voice, None) => {
            "I'm sorry, no one is available to take your call right now. I've let the team know, and someone will call you back."
                .to_string()
        }
        _ => "I've let the team know, and someone will get back to you shortly.".to_string(),
    };
    Reply {
        action: Some(Action::Handover),
        end: ctx.channel == Channel::Voice,
        ..Reply::say(text)
    }
}

/// A fresh request: what do they want?
fn open(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let intent = words::intent(text);
    let mentions_service = words::service(text, &ctx.business.services).is_some();
    let when = when_in(text, ctx);
    let intent = intent
        .or((mentions_service || has_when(&when)).then_some(Intent::Book))
        .or(ctx.hint)?;
    state.misses = 0;
    Some(start_intent(state, intent, text, ctx))
}

fn start_intent(state: &mut State, intent: Intent, text: &str, ctx: &Context<'_>) -> Reply {
    let keep = State {
        name: state.name.take(),
        phone: state.phone.take(),
        ..State::default()
    };
    *state = keep;
    state.intent = Some(intent);
    match intent {
        Intent::Book => {
            take_details(state, text, ctx);
            next_for_booking(state, ctx)
        }
        Intent::Cancel | Intent::Reschedule => find_appointment(state, text, ctx),
        Intent::Hours => done(state, hours_text(ctx.business)),
        Intent::Location => done(state, location_text(ctx.business)),
        Intent::Services => done(
            state,
            format!(
                "We offer {}. Would you like to book one?",
                service_prices(ctx.business)
            ),
        ),
        Intent::Message => {
            state.stage = Stage::Message;
            Reply::say("Sure. What message would you like me to pass on?")
        }
        Intent::Human => hand_over(state, ctx),
        Intent::Help => done(state, help_text(ctx)),
    }
}

/// An answer that needs nothing more: the next turn starts afresh.
fn done(state: &mut State, text: String) -> Reply {
    state.stage = Stage::Open;
    state.intent = None;
    Reply::say(text).with(&[
        "Book an appointment",
        "Opening hours",
        "Cancel my appointment",
    ])
}

fn when_in(text: &str, ctx: &Context<'_>) -> When {
    let today = availability::local_day(&ctx.business.calendar, ctx.now);
    phrases::parse_when(text, today)
}

fn has_when(w: &When) -> bool {
    w.day.is_some() || w.time.is_some() || w.part.is_some()
}

fn wants_soonest(text: &str) -> bool {
    let w = words::tokens(text);
    [
        "soonest", "earliest", "asap", "first", "next", "anytime", "whenever", "any",
    ]
    .iter()
    .any(|k| w.iter().any(|x| x == k))
}

/// Takes the service, day and time named in `text`.
fn take_details(state: &mut State, text: &str, ctx: &Context<'_>) {
    if let Some(s) = words::service(text, &ctx.business.services) {
        state.service = Some(s.id.clone());
    }
    let when = when_in(text, ctx);
    if has_when(&when) {
        state.day = when.day.or(state
            .day
            .filter(|_| when.day.is_none() && when.time.is_some()));
        state.time = when.time;
        state.part = when.part.map(Part::from);
        state.start = None;
        state.soonest = false;
    } else if wants_soonest(text) {
        state.soonest = true;
    }
    if let Some(name) = words::name(text, false) {
        state.name = Some(name);
    }
}

fn service<'a>(state: &State, ctx: &Context<'a>) -> Option<&'a Service> {
    let services = &ctx.business.services;
    match &state.service {
        Some(id) => services.iter().find(|s| &s.id == id),
        None if services.len() == 1 => services.first(),
        None => None,
    }
}

/// The next question of a booking, or the read-back to confirm.
fn next_for_booking(state: &mut State, ctx: &Context<'_>) -> Reply {
    let Some(service) = service(state, ctx) else {
        state.stage = Stage::Service;
        let mut reply = Reply::say(format!(
            "Which service would you like? We offer {}.",
            service_list(ctx.business)
        ));
        reply.suggestions = ctx
            .business
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect();
        return reply;
    };
    state.service = Some(service.id.clone());
    if state.start.is_none() {
        return find_slots(state, ctx);
    }
    if state.name.is_none() {
        state.stage = Stage::Name;
        return Reply::say("What name should I put the appointment under?");
    }
    if state.phone.is_none() {
        match ctx.caller {
            Some(c) => state.phone = Some(c.to_string()),
            None => {
                state.stage = Stage::Phone;
                return Reply::say("And what's the best phone number to reach you?");
            }
        }
    }
    state.stage = Stage::ConfirmBook;
    let start = state.start.unwrap_or_default();
    Reply::say(format!(
        "To confirm: a {} on {} at {} for {}. Shall I book it?",
        service.name,
        say_day(ctx, start),
        say_time(ctx, start),
        state.name.as_deref().unwrap_or_default(),
    ))
    .with(&["Yes", "No"])
}

/// Looks for free times matching what the customer asked for: the exact
/// time when it is free, else up to [`OFFER`] nearby ones. Asks when, if
/// nothing about when is known yet.
fn find_slots(state: &mut State, ctx: &Context<'_>) -> Reply {
    offer(state, ctx, !state.soonest)
}

/// As [`find_slots`]; `ask` false offers the soonest times when nothing
/// about when is known ("whenever suits").
fn offer(state: &mut State, ctx: &Context<'_>, ask: bool) -> Reply {
    let Some(service) = service(state, ctx) else {
        return next_for_booking(state, ctx);
    };
    let cal = &ctx.business.calendar;
    let busy = busy_without_own(state, ctx);
    let today = availability::local_day(cal, ctx.now);
    if ask && state.day.is_none() && state.time.is_none() && state.part.is_none() {
        state.stage = Stage::When;
        return Reply::say(format!(
            "What day and time would you like for your {}?",
            service.name.to_lowercase()
        ))
        .with(&["Tomorrow morning", "Soonest available"]);
    }
    // A time without a day: today if it is still ahead, else tomorrow.
    let day = state.day.or_else(|| {
        state.time.map(|t| {
            let at = availability::instant(cal, today, t);
            if at >= ctx.now + LEAD_SECS {
                today
            } else {
                today + 1
            }
        })
    });
    let window = state.part.map(|p| DayPart::from(p).range());
    let found = match (day, state.time) {
        (Some(day), Some(time)) => {
            let at = availability::instant(cal, day, time);
            if availability::is_free(cal, service, at, &busy, ctx.now) {
                state.start = Some(at);
                state.offered.clear();
                state.misses = 0;
                return if state.intent == Some(Intent::Reschedule) {
                    confirm_move(state, ctx)
                } else {
                    next_for_booking(state, ctx)
                };
            }
            let near = availability::nearest(cal, service, day, time, &busy, ctx.now, OFFER);
            if near.is_empty() {
                None
            } else {
                Some((
                    near,
                    format!(
                        "{} at {} isn't available.",
                        say_day_of(day),
                        phrases::say_time(time)
                    ),
                ))
            }
        }
        (Some(day), None) => {
            let free: Vec<i64> =
                availability::free_on_day(cal, service, day, window, &busy, ctx.now)
                    .into_iter()
                    .take(OFFER)
                    .collect();
            (!free.is_empty()).then(|| (free, String::new()))
        }
        (None, _) => {
            let free = availability::next_free(cal, service, window, &busy, ctx.now, OFFER);
            (!free.is_empty()).then(|| (free, String::new()))
        }
    };
    let (offered, lead) = match found {
        Some(f) => f,
        None => {
            // Nothing that day: the soonest free times after it.
            let from = day.map_or(ctx.now, |d| {
                availability::instant(cal, d + 1, 0).max(ctx.now)
            });
            let next = availability::next_free(cal, service, window, &busy, from, OFFER);
            if next.is_empty() {
                state.stage = Stage::When;
                return Reply::say(format!(
                    "I'm sorry, I can't find a free time for a {} in the next {} days. Would you like to leave a message for the team?",
                    service.name.to_lowercase(),
                    availability::HORIZON_DAYS
                ))
                .with(&["Leave a message", "Talk to a person"]);
            }
            let what = match day {
                Some(d) => format!("We're fully booked on {}.", say_day_of(d)),
                None => String::new(),
            };
            (next, what)
        }
    };
    state.offered = offered;
    state.start = None;
    state.stage = Stage::Slot;
    state.misses = 0;
    let text = format!("{} {}", lead, offer_text(&state.offered, ctx))
        .trim()
        .to_string();
    let mut reply = Reply::say(text);
    reply.suggestions = state.offered.iter().map(|&s| short_slot(ctx, s)).collect();
    reply
}

/// Busy times, less the appointment being moved (it may move onto its
/// own time).
fn busy_without_own(state: &State, ctx: &Context<'_>) -> Vec<(i64, i64)> {
    let own = state
        .appointment
        .as_ref()
        .and_then(|id| ctx.upcoming.iter().find(|b| &b.id == id))
        .map(|b| (b.start, b.held_until));
    ctx.busy
        .iter()
        .copied()
        .filter(|&b| Some(b) != own)
        .collect()
}

fn offer_text(offered: &[i64], ctx: &Context<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut last_day = None;
    for &s in offered {
        let day = availability::local_day(&ctx.business.calendar, s);
        if last_day == Some(day) {
            parts.push(say_time(ctx, s));
        } else {
            parts.push(format!("{} at {}", say_day(ctx, s), say_time(ctx, s)));
        }
        last_day = Some(day);
    }
    let list = match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
    };
    let ask = if offered.len() == 1 {
        "Would that work?"
    } else {
        "Which would you like?"
    };
    format!("I have {list}. {ask}")
}

fn on_service(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    if let Some(s) = words::service(text, &ctx.business.services) {
        state.service = Some(s.id.clone());
        state.misses = 0;
        take_details(state, text, ctx);
        return Some(next_for_booking(state, ctx));
    }
    switch_intent(state, text, ctx)
}

/// A different request in the middle of another.
fn switch_intent(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    match words::intent(text)? {
        Intent::Book if state.intent == Some(Intent::Book) => None,
        other => Some(start_intent(state, other, text, ctx)),
    }
}

fn on_when(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let when = when_in(text, ctx);
    if has_when(&when) || wants_soonest(text) {
        if let Some(s) = words::service(text, &ctx.business.services) {
            state.service = Some(s.id.clone());
        }
        state.day = when.day;
        state.time = when.time;
        state.part = when.part.map(Part::from);
        state.offered.clear();
        state.start = None;
        // "Whenever": the soonest free times.
        return Some(offer(state, ctx, has_when(&when)));
    }
    switch_intent(state, text, ctx)
}

fn on_slot(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let picked = words::choice(text, state.offered.len())
        .map(|i| state.offered[i])
        .or_else(|| by_time(state, text, ctx))
        .or_else(|| {
            (state.offered.len() == 1 && words::yes_no(text) == Some(true))
                .then(|| state.offered[0])
        });
    if let Some(start) = picked {
        state.start = Some(start);
        state.offered.clear();
        state.misses = 0;
        return Some(if state.intent == Some(Intent::Reschedule) {
            confirm_move(state, ctx)
        } else {
            next_for_booking(state, ctx)
        });
    }
    let when = when_in(text, ctx);
    if has_when(&when) || wants_soonest(text) {
        return on_when(state, text, ctx);
    }
    if words::yes_no(text) == Some(false) {
        state.stage = Stage::When;
        state.offered.clear();
        return Some(Reply::say(
            "No problem. What other day or time would suit you?",
        ));
    }
    switch_intent(state, text, ctx)
}

/// An offered time named by its clock time ("the 3:30", "3:30 please").
fn by_time(state: &State, text: &str, ctx: &Context<'_>) -> Option<i64> {
    let when = when_in(text, ctx);
    let time = when.time?;
    let cal = &ctx.business.calendar;
    let matching: Vec<i64> = state
        .offered
        .iter()
        .copied()
        .filter(|&s| availability::local_secs(cal, s) == time)
        .filter(|&s| {
            when.day
                .is_none_or(|d| availability::local_day(cal, s) == d)
        })
        .collect();
    match matching.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn on_name(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let name = words::name(text, true)?;
    state.name = Some(name);
    state.misses = 0;
    Some(after_contact_detail(state, ctx))
}

fn on_phone(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let Some(phone) = words::phone(text) else {
        return switch_intent(state, text, ctx);
    };
    state.phone = Some(phone);
    state.misses = 0;
    Some(after_contact_detail(state, ctx))
}

fn after_contact_detail(state: &mut State, ctx: &Context<'_>) -> Reply {
    match state.intent {
        Some(Intent::Cancel | Intent::Reschedule) => find_appointment(state, "", ctx),
        Some(Intent::Message) => confirm_message(state),
        _ => next_for_booking(state, ctx),
    }
}

fn on_confirm_book(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    match words::yes_no(text) {
        Some(true) => {
            let service = service(state, ctx)?;
            let start = state.start?;
            state.misses = 0;
            state.stage = Stage::Open;
            let reply = Reply {
                text: format!(
                    "You're booked: {} on {} at {}. See you then!{}",
                    service.name,
                    say_day(ctx, start),
                    say_time(ctx, start),
                    match ctx.channel {
                        Channel::Sms => " Text CANCEL to cancel.",
                        _ => "",
                    }
                ),
                action: Some(Action::Book {
                    service_id: service.id.clone(),
                    start,
                    end: start + i64::from(service.duration_minutes) * 60,
                    held_until: start + service.held_secs(),
                    name: state.name.clone(),
                    phone: state.phone.clone(),
                }),
                end: ctx.channel == Channel::Voice,
                ..Reply::default()
            };
            state.intent = None;
            Some(reply)
        }
        Some(false) => {
            state.misses = 0;
            Some(another_time(state))
        }
        None => new_time_or_request(state, text, ctx),
    }
}

/// No to the read-back of a time: ask for another.
fn another_time(state: &mut State) -> Reply {
    state.start = None;
    state.stage = Stage::When;
    Reply::say("No problem. What day and time would suit you better?")
}

/// Neither yes nor no to the read-back of a time: a new time to look for,
/// or another request.
fn new_time_or_request(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let when = when_in(text, ctx);
    if has_when(&when) {
        return on_when(state, text, ctx);
    }
    switch_intent(state, text, ctx)
}

/// Cancelling or moving: which appointment? Needs the customer's number.
fn find_appointment(state: &mut State, text: &str, ctx: &Context<'_>) -> Reply {
    let phone = state.phone.clone().or(ctx.caller.map(str::to_string));
    let Some(phone) = phone else {
        state.stage = Stage::Phone;
        return Reply::say("What's the phone number the appointment was booked under?");
    };
    state.phone = Some(phone.clone());
    if ctx.upcoming_of != Some(phone.as_str()) {
        return Reply {
            lookup: Some(phone),
            ..Reply::default()
        };
    }
    take_details_for_move(state, text, ctx);
    match ctx.upcoming {
        [] => {
            state.stage = Stage::Open;
            state.intent = None;
            Reply::say(format!(
                "I couldn't find an upcoming appointment for the number ending {}. Would you like to book one?",
                words::last_four(&phone)
            ))
            .with(&["Book an appointment", "Talk to a person"])
        }
        [one] => chose(state, one.clone(), ctx),
        many => {
            state.stage = Stage::Choose;
            let list: Vec<String> = many
                .iter()
                .take(5)
                .enumerate()
                .map(|(i, b)| {
                    format!(
                        "{}) {} on {} at {}",
                        i + 1,
                        b.service,
                        say_day(ctx, b.start),
                        say_time(ctx, b.start)
                    )
                })
                .collect();
            let mut reply = Reply::say(format!(
                "You have {} upcoming appointments: {}. Which one?",
                many.len(),
                list.join("; ")
            ));
            reply.suggestions = many
                .iter()
                .take(5)
                .map(|b| short_slot(ctx, b.start))
                .collect();
            reply
        }
    }
}

/// A move request may name the new time at once: "move it to Friday at 2".
fn take_details_for_move(state: &mut State, text: &str, ctx: &Context<'_>) {
    if state.intent == Some(Intent::Reschedule) && !text.is_empty() {
        let when = when_in(text, ctx);
        if has_when(&when) {
            state.day = when.day;
            state.time = when.time;
            state.part = when.part.map(Part::from);
        }
    }
}

fn chose(state: &mut State, b: Booked, ctx: &Context<'_>) -> Reply {
    state.appointment = Some(b.id.clone());
    state.misses = 0;
    if state.intent == Some(Intent::Reschedule) {
        state.service = Some(b.service_id.clone());
        state.start = None;
        if state.day.is_none() && state.time.is_none() && state.part.is_none() {
            state.stage = Stage::When;
            return Reply::say(format!(
                "Your {} is on {} at {}. What day and time would you like instead?",
                b.service,
                say_day(ctx, b.start),
                say_time(ctx, b.start)
            ))
            .with(&["Tomorrow", "Next week", "Soonest available"]);
        }
        return find_slots(state, ctx);
    }
    state.stage = Stage::ConfirmCancel;
    Reply::say(read_back(state, ctx)).with(&["Yes", "No"])
}

fn on_choose(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    let shown = ctx.upcoming.len().min(5);
    let by_choice = words::choice(text, shown).map(|i| ctx.upcoming[i].clone());
    // By its day, and by its time when the day leaves more than one.
    let by_when = || {
        let when = when_in(text, ctx);
        let cal = &ctx.business.calendar;
        let on_day: Vec<&Booked> = ctx
            .upcoming
            .iter()
            .filter(|b| {
                when.day
                    .is_none_or(|d| availability::local_day(cal, b.start) == d)
            })
            .collect();
        let hits: Vec<&Booked> = if on_day.len() > 1 || when.day.is_none() {
            on_day
                .into_iter()
                .filter(|b| {
                    when.time
                        .is_none_or(|t| availability::local_secs(cal, b.start) == t)
                })
                .collect()
        } else {
            on_day
        };
        match (has_when(&when), hits.as_slice()) {
            (true, [one]) => Some((*one).clone()),
            _ => None,
        }
    };
    match by_choice.or_else(by_when) {
        Some(b) => Some(chose(state, b, ctx)),
        None => switch_intent(state, text, ctx),
    }
}

fn on_confirm_cancel(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    match words::yes_no(text)? {
        true => {
            let id = state.appointment.take()?;
            state.stage = Stage::Open;
            state.intent = None;
            state.misses = 0;
            Some(Reply {
                text: "Done: your appointment is cancelled. Would you like to book another time?"
                    .into(),
                action: Some(Action::Cancel { appointment_id: id }),
                end: ctx.channel == Channel::Voice,
                suggestions: vec!["Book an appointment".into()],
                lookup: None,
            })
        }
        false => {
            state.stage = Stage::Open;
            state.intent = None;
            state.appointment = None;
            Some(Reply::say(
                "OK, I've left your appointment as it is. Anything else?",
            ))
        }
    }
}

fn confirm_move(state: &mut State, ctx: &Context<'_>) -> Reply {
    state.stage = Stage::ConfirmMove;
    let start = state.start.unwrap_or_default();
    Reply::say(format!(
        "Move your appointment to {} at {}?",
        say_day(ctx, start),
        say_time(ctx, start)
    ))
    .with(&["Yes", "No"])
}

fn on_confirm_move(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    match words::yes_no(text) {
        Some(true) => {
            let service = service(state, ctx)?;
            let start = state.start?;
            let id = state.appointment.take()?;
            state.stage = Stage::Open;
            state.intent = None;
            state.misses = 0;
            Some(Reply {
                text: format!(
                    "Done: your {} is now on {} at {}.",
                    service.name,
                    say_day(ctx, start),
                    say_time(ctx, start)
                ),
                action: Some(Action::Move {
                    appointment_id: id,
                    start,
                    end: start + i64::from(service.duration_minutes) * 60,
                    held_until: start + service.held_secs(),
                }),
                end: ctx.channel == Channel::Voice,
                ..Reply::default()
            })
        }
        Some(false) => Some(another_time(state)),
        None => new_time_or_request(state, text, ctx),
    }
}

fn on_message(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return None;
    }
    state.message = Some(text.chars().take(1000).collect());
    state.misses = 0;
    if state.phone.is_none() {
        state.phone = ctx.caller.map(str::to_string);
    }
    if state.phone.is_none() {
        state.stage = Stage::Phone;
        return Some(Reply::say("What number should the team call you back on?"));
    }
    Some(confirm_message(state))
}

fn confirm_message(state: &mut State) -> Reply {
    state.stage = Stage::ConfirmMessage;
    Reply::say(format!(
        "I'll pass this on: \"{}\". Shall I send it?",
        state.message.as_deref().unwrap_or_default()
    ))
    .with(&["Yes", "No"])
}

fn on_confirm_message(state: &mut State, text: &str, ctx: &Context<'_>) -> Option<Reply> {
    match words::yes_no(text)? {
        true => {
            let text = state.message.take()?;
            state.stage = Stage::Open;
            state.intent = None;
            state.misses = 0;
            Some(Reply {
                text: "Thanks, I've passed your message on. Someone will get back to you soon."
                    .into(),
                action: Some(Action::TakeMessage {
                    text,
                    name: state.name.clone(),
                    phone: state.phone.clone(),
                }),
                end: ctx.channel == Channel::Voice,
                ..Reply::default()
            })
        }
        false => {
            state.stage = Stage::Message;
            state.message = None;
            Some(Reply::say("OK. What should the message say?"))
        }
    }
}

fn suggestions_for(state: &State, ctx: &Context<'_>) -> Vec<String> {
    match state.stage {
        Stage::Service => ctx
            .business
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        Stage::Slot => state.offered.iter().map(|&s| short_slot(ctx, s)).collect(),
        Stage::ConfirmBook | Stage::ConfirmCancel | Stage::ConfirmMove | Stage::ConfirmMessage => {
            vec!["Yes".into(), "No".into()]
        }
        Stage::Open => vec![
            "Book an appointment".into(),
            "Opening hours".into(),
            "Talk to a person".into(),
        ],
        _ => Vec::new(),
    }
}

fn say_day(ctx: &Context<'_>, at: i64) -> String {
    say_day_of(availability::local_day(&ctx.business.calendar, at))
}

fn say_day_of(day: i64) -> String {
    phrases::say_day(day)
}

fn say_time(ctx: &Context<'_>, at: i64) -> String {
    phrases::say_time(availability::local_secs(&ctx.business.calendar, at))
}

/// "Tue Nov 24 3:00 PM": a quick reply the customer can tap, and that
/// reads back as the time it names.
fn short_slot(ctx: &Context<'_>, at: i64) -> String {
    format!("{} at {}", say_day(ctx, at), say_time(ctx, at))
}

fn service_list(b: &Business) -> String {
    let names: Vec<String> = b.services.iter().map(|s| s.name.to_lowercase()).collect();
    match names.len() {
        0 => "nothing online yet".into(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn service_prices(b: &Business) -> String {
    let items: Vec<String> = b
        .services
        .iter()
        .map(|s| match s.price_cents {
            Some(c) => format!(
                "{} ({} min, ${}.{:02})",
                s.name,
                s.duration_minutes,
                c / 100,
                c % 100
            ),
            None => format!("{} ({} min)", s.name, s.duration_minutes),
        })
        .collect();
    items.join(", ")
}

fn hours_text(b: &Business) -> String {
    let mut days: Vec<String> = Vec::new();
    for (i, spans) in b.week.iter().enumerate() {
        let name = WEEKDAYS[i];
        let day = capital(name);
        if spans.is_empty() {
            days.push(format!("{day} closed"));
        } else {
            let s: Vec<String> = spans
                .iter()
                .map(|s| format!("{}-{}", hhmm(s.start), hhmm(s.end)))
                .collect();
            days.push(format!("{day} {}", s.join(", ")));
        }
    }
    format!("Our hours: {}.", days.join("; "))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn location_text(b: &Business) -> String {
    match (&b.address, &b.phone) {
        (Some(a), Some(p)) => format!("We're at {a}. You can reach us on {p}."),
        (Some(a), None) => format!("We're at {a}."),
        _ => format!(
            "{} hasn't published an address yet. Would you like to leave a message?",
            b.name
        ),
    }
}

fn help_text(ctx: &Context<'_>) -> String {
    let sms = match ctx.channel {
        Channel::Sms => " Text BOOK to book, CANCEL to cancel, STOP to opt out.",
        _ => "",
    };
    format!(
        "I'm {}'s booking assistant. I can book, move or cancel an appointment, tell you our hours and address, or take a message for the team.{sms}",
        ctx.business.name
    )
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
