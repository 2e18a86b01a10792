//! The engine as a state machine: whole conversations, turn by turn, and
//! the property that nothing is written without a confirmed read-back.

use super::*;
use crate::business::{Business, Service};
use crate::hours;
use edgedesk_core::calendar::day_number;
use edgedesk_core::zone::Zone;
use proptest::prelude::*;

fn service(id: &str, name: &str, minutes: u32, buffer: u32, aliases: &[&str]) -> Service {
    Service {
        id: id.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        duration_minutes: minutes,
        buffer_minutes: buffer,
        price_cents: Some(4500),
    }
}

fn salon() -> Business {
    let week = hours::parse_week(&serde_json::json!({
        "mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
        "thu": [["09:00", "19:00"]], "fri": [["09:00", "17:00"]], "sat": [["10:00", "14:00"]]
    }))
    .unwrap();
    let zone = Zone::parse("America/Chicago").unwrap();
    Business {
        id: "demo-salon".into(),
        name: "Demo Salon".into(),
        time_zone: "America/Chicago".into(),
        zone: zone.clone(),
        calendar: hours::calendar(zone, week.clone(), vec![]).unwrap(),
        week,
        services: vec![
            service("haircut", "Haircut", 45, 15, &["cut", "trim"]),
            service("color", "Hair color", 90, 15, &["colour", "highlights"]),
            service("beard", "Beard trim", 20, 10, &[]),
        ],
        address: Some("12 Main St, Springfield".into()),
        phone: Some("+15005550006".into()),
        owner_phone: Some("+15005550001".into()),
        twilio_token_secret: "TWILIO_AUTH_TOKEN".into(),
        google: None,
        lockdown: false,
    }
}

/// Monday 2026-11-23, 10:00 in Chicago (16:00 UTC).
const NOW: i64 = 1_795_449_600;

fn local(b: &Business, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    availability::instant(&b.calendar, day_number(y, m, d), h * 3600 + min * 60)
}

struct Talk {
    b: Business,
    channel: Channel,
    caller: Option<String>,
    busy: Vec<(i64, i64)>,
    upcoming: Vec<Booked>,
    state: State,
}

impl Talk {
    fn new(channel: Channel) -> Self {
        Talk {
            b: salon(),
            channel,
            caller: (channel != Channel::Chat).then(|| "+13125550147".to_string()),
            busy: Vec::new(),
            upcoming: Vec::new(),
            state: State::default(),
        }
    }

    /// One turn, doing what the turn runner does on a lookup.
    fn say(&mut self, text: &str) -> Reply {
        let phone = self.state.phone.clone().or(self.caller.clone());
        let mut upcoming_of = phone;
        loop {
            let ctx = Context {
                business: &self.b,
                channel: self.channel,
                now: NOW,
                busy: &self.busy,
                caller: self.caller.as_deref(),
                known_name: None,
                upcoming: &self.upcoming,
                upcoming_of: upcoming_of.as_deref(),
                hint: None,
            };
            let before = self.state.clone();
            let reply = step(&mut self.state, text, &ctx);
            if let Some(wanted) = reply.lookup.clone() {
                self.state = before;
                upcoming_of = Some(wanted);
                continue;
            }
            // Every state survives being stored and read back.
            let stored = serde_json::to_string(&self.state).unwrap();
            assert_eq!(serde_json::from_str::<State>(&stored).unwrap(), self.state);
            return reply;
        }
    }
}

#[test]
fn a_whole_booking_by_text() {
    let mut t = Talk::new(Channel::Sms);
    let r = t.say("book a haircut tomorrow at 3");
    assert_eq!(t.state.stage, Stage::Name, "{}", r.text);
    assert!(r.action.is_none());
    let r = t.say("Ana Lopez");
    assert_eq!(t.state.stage, Stage::ConfirmBook);
    assert!(
        r.text
            .contains("Haircut on Tuesday, November 24 at 3:00 PM for Ana Lopez"),
        "{}",
        r.text
    );
    assert!(r.action.is_none());
    let r = t.say("yes");
    let start = local(&t.b, 2026, 11, 24, 15, 0);
    assert_eq!(
        r.action,
        Some(Action::Book {
            service_id: "haircut".into(),
            start,
            end: start + 45 * 60,
            held_until: start + 60 * 60,
            name: Some("Ana Lopez".into()),
            phone: Some("+13125550147".into()),
        })
    );
    assert!(r.text.contains("You're booked"));
    assert_eq!(t.state.stage, Stage::Open);
    // 2026-11-24 15:00 CST is 21:00 UTC.
    assert_eq!(start, 1_795_554_000);
}

#[test]
fn a_taken_time_offers_the_nearest_and_a_pick_by_number() {
    let mut t = Talk::new(Channel::Sms);
    let three = local(&t.b, 2026, 11, 24, 15, 0);
    t.busy.push((three - 30 * 60, three + 60 * 60));
    let r = t.say("haircut tomorrow at 3pm");
    assert_eq!(t.state.stage, Stage::Slot);
    assert!(
        r.text
            .starts_with("Tuesday, November 24 at 3:00 PM isn't available."),
        "{}",
        r.text
    );
    assert_eq!(t.state.offered.len(), OFFER);
    for &s in &t.state.offered {
        assert!(s + 3600 <= three - 30 * 60 || s >= three + 60 * 60);
    }
    assert_eq!(r.suggestions.len(), OFFER);
    let second = t.state.offered[1];
    t.say("2");
    assert_eq!(t.state.start, Some(second));
    assert_eq!(t.state.stage, Stage::Name);
}

#[test]
fn a_quick_reply_reads_back_as_its_time() {
    let mut t = Talk::new(Channel::Chat);
    let r = t.say("I'd like a beard trim on Thursday afternoon");
    assert_eq!(t.state.stage, Stage::Slot, "{}", r.text);
    let pick = r.suggestions[2].clone();
    let want = t.state.offered[2];
    t.say(&pick);
    assert_eq!(t.state.start, Some(want), "{pick}");
}

#[test]
fn chat_asks_for_a_name_and_number() {
    let mut t = Talk::new(Channel::Chat);
    t.say("Hi");
    assert_eq!(t.state.misses, 1);
    let r = t.say("I want highlights next Tuesday morning");
    assert_eq!(t.state.service.as_deref(), Some("color"));
    assert_eq!(t.state.stage, Stage::Slot, "{}", r.text);
    let tuesday = day_number(2026, 12, 1);
    for &s in &t.state.offered {
        assert_eq!(availability::local_day(&t.b.calendar, s), tuesday);
        assert!(availability::local_secs(&t.b.calendar, s) < 12 * 3600);
    }
    t.say("the first one");
    assert_eq!(t.state.stage, Stage::Name);
    t.say("my name is sam");
    assert_eq!(t.state.stage, Stage::Phone);
    let r = t.say("312 555 0199");
    assert_eq!(t.state.stage, Stage::ConfirmBook, "{}", r.text);
    let r = t.say("no");
    assert!(r.action.is_none());
    assert_eq!(t.state.stage, Stage::When);
    let r = t.say("3:30pm on the 14th");
    // December 14 is a Monday; 3:30 PM is free.
    assert_eq!(
        t.state.start,
        Some(local(&t.b, 2026, 12, 14, 15, 30)),
        "{}",
        r.text
    );
    let r = t.say("yep");
    assert!(
        matches!(r.action, Some(Action::Book { ref phone, .. }) if phone.as_deref() == Some("+13125550199"))
    );
}

#[test]
fn only_one_service_needs_no_question() {
    let mut t = Talk::new(Channel::Sms);
    t.b.services.truncate(1);
    t.say("can I come in friday at 10?");
    assert_eq!(t.state.service.as_deref(), Some("haircut"));
    assert_eq!(t.state.stage, Stage::Name);
}

#[test]
fn a_booking_without_a_time_asks_and_then_offers_the_soonest() {
    let mut t = Talk::new(Channel::Sms);
    let r = t.say("BOOK");
    assert_eq!(t.state.stage, Stage::Service, "{}", r.text);
    assert_eq!(r.suggestions, vec!["Haircut", "Hair color", "Beard trim"]);
    t.say("a trim");
    assert_eq!(t.state.stage, Stage::When);
    let r = t.say("whenever is soonest");
    assert_eq!(t.state.stage, Stage::Slot, "{}", r.text);
    // 10:00 now, 30 minutes' notice: 10:30 today is the first.
    assert_eq!(t.state.offered[0], local(&t.b, 2026, 11, 23, 10, 30));
}

#[test]
fn a_service_and_soonest_in_one_breath_offers_the_soonest() {
    let mut t = Talk::new(Channel::Voice);
    let r = t.say("I'd like a beard trim, whenever is soonest");
    assert_eq!(t.state.stage, Stage::Slot, "{}", r.text);
    assert!(r.text.starts_with("I have "), "{}", r.text);
    assert_eq!(t.state.offered[0], local(&t.b, 2026, 11, 23, 10, 30));
}

fn booked(t: &Talk, id: &str, d: u32, h: u32) -> Booked {
    let start = local(&t.b, 2026, 11, d, h, 0);
    Booked {
        id: id.into(),
        service_id: "haircut".into(),
        service: "Haircut".into(),
        start,
        held_until: start + 3600,
    }
}

#[test]
fn soonest_in_the_first_words_offers_at_once() {
    let mut t = Talk::new(Channel::Voice);
    let r = t.say("I'd like to book a massage, whenever is soonest");
    assert_eq!(t.state.stage, Stage::Service, "{}", r.text);
    let r = t.say("a beard trim");
    assert_eq!(t.state.stage, Stage::Slot, "{}", r.text);
    assert_eq!(t.state.offered[0], local(&t.b, 2026, 11, 23, 10, 30));
}

#[test]
fn cancelling_looks_the_caller_up_and_confirms() {
    let mut t = Talk::new(Channel::Sms);
    t.upcoming = vec![booked(&t, "apt-1", 25, 11)];
    let r = t.say("CANCEL");
    assert_eq!(t.state.stage, Stage::ConfirmCancel);
    assert!(
        r.text.contains("Wednesday, November 25 at 11:00 AM"),
        "{}",
        r.text
    );
    let r = t.say("yes please");
    assert_eq!(
        r.action,
        Some(Action::Cancel {
            appointment_id: "apt-1".into()
        })
    );
}

#[test]
fn cancelling_by_chat_asks_whose_appointment() {
    let mut t = Talk::new(Channel::Chat);
    t.upcoming = vec![booked(&t, "apt-1", 25, 11), booked(&t, "apt-2", 27, 14)];
    let r = t.say("I need to cancel");
    assert_eq!(t.state.stage, Stage::Phone, "{}", r.text);
    let r = t.say("(312) 555-0147");
    assert_eq!(t.state.stage, Stage::Choose, "{}", r.text);
    let r = t.say("the friday one");
    assert_eq!(t.state.stage, Stage::ConfirmCancel, "{}", r.text);
    assert_eq!(t.state.appointment.as_deref(), Some("apt-2"));
    let r = t.say("no");
    assert!(r.action.is_none());
    assert_eq!(t.state.stage, Stage::Open);
}

#[test]
fn nobody_found_offers_to_book() {
    let mut t = Talk::new(Channel::Sms);
    let r = t.say("cancel my appointment");
    assert!(r.text.contains("ending 0147"), "{}", r.text);
    assert!(r.action.is_none());
}

#[test]
fn moving_offers_times_that_may_overlap_its_own() {
    let mut t = Talk::new(Channel::Sms);
    let own = booked(&t, "apt-1", 25, 11);
    t.busy.push((own.start, own.held_until));
    t.upcoming = vec![own.clone()];
    let r = t.say("can I move my appointment to 11:30 wednesday");
    assert_eq!(t.state.stage, Stage::ConfirmMove, "{}", r.text);
    assert!(r.text.contains("Wednesday, November 25 at 11:30 AM"));
}

#[test]
fn moving_confirms_the_new_time() {
    let mut t = Talk::new(Channel::Voice);
    t.state.name = Some("Ana".into());
    let own = booked(&t, "apt-1", 25, 11);
    t.busy.push((own.start, own.held_until));
    t.upcoming = vec![own];
    let r = t.say("I'd like to reschedule");
    assert_eq!(t.state.stage, Stage::When, "{}", r.text);
    let r = t.say("friday at 2");
    assert_eq!(t.state.stage, Stage::ConfirmMove, "{}", r.text);
    let r = t.say("yes");
    let start = local(&t.b, 2026, 11, 27, 14, 0);
    assert_eq!(
        r.action,
        Some(Action::Move {
            appointment_id: "apt-1".into(),
            start,
            end: start + 45 * 60,
            held_until: start + 3600,
        })
    );
    assert!(r.end, "a call ends after the change");
}

#[test]
fn questions_are_answered() {
    let mut t = Talk::new(Channel::Chat);
    assert!(
        t.say("what are your hours?")
            .text
            .contains("Thu 09:00-19:00")
    );
    assert!(t.say("where are you located").text.contains("12 Main St"));
    assert!(
        t.say("how much is a haircut")
            .text
            .contains("Haircut (45 min, $45.00)")
    );
    assert!(t.say("help").text.contains("booking assistant"));
    assert_eq!(t.state.stage, Stage::Open);
}

#[test]
fn a_message_is_read_back_before_it_is_sent() {
    let mut t = Talk::new(Channel::Sms);
    t.say("I want to leave a message");
    assert_eq!(t.state.stage, Stage::Message);
    let r = t.say("Running 10 minutes late");
    assert_eq!(t.state.stage, Stage::ConfirmMessage);
    assert!(r.text.contains("\"Running 10 minutes late\""));
    let r = t.say("yes");
    assert_eq!(
        r.action,
        Some(Action::TakeMessage {
            text: "Running 10 minutes late".into(),
            name: None,
            phone: Some("+13125550147".into()),
        })
    );
}

#[test]
fn three_misses_hand_over_and_a_person_can_be_asked_for() {
    let mut t = Talk::new(Channel::Voice);
    t.say("blah");
    t.say("blah blah");
    let r = t.say("purple");
    assert_eq!(r.action, Some(Action::Handover));
    assert_eq!(t.state.stage, Stage::HandedOver);
    assert!(r.end);
    let mut t = Talk::new(Channel::Sms);
    t.say("book a haircut");
    let r = t.say("can I talk to a real person");
    assert_eq!(r.action, Some(Action::Handover));
    // After a hand-over the assistant stays quiet until asked for something.
    let r = t.say("hello?");
    assert!(r.action.is_none());
    assert!(r.text.contains("get back to you"));
    t.say("book a haircut tomorrow at 3");
    assert_eq!(t.state.stage, Stage::Name);
}

#[test]
fn a_taken_slot_is_offered_again() {
    let mut t = Talk::new(Channel::Sms);
    t.say("haircut tomorrow at 3");
    t.say("Ana");
    assert_eq!(t.state.stage, Stage::ConfirmBook);
    let three = local(&t.b, 2026, 11, 24, 15, 0);
    t.busy.push((three, three + 3600));
    let ctx = Context {
        business: &t.b,
        channel: Channel::Sms,
        now: NOW,
        busy: &t.busy,
        caller: t.caller.as_deref(),
        known_name: None,
        upcoming: &[],
        upcoming_of: None,
        hint: None,
    };
    let r = slot_taken(&mut t.state, &ctx);
    assert!(
        r.text.starts_with("Sorry, that time was just taken."),
        "{}",
        r.text
    );
    assert_eq!(t.state.stage, Stage::Slot);
    assert!(!t.state.offered.contains(&three));
}

/// Words a customer might send, in any order.
const VOCABULARY: &[&str] = &[
    "book a haircut",
    "yes",
    "no",
    "1",
    "2",
    "3",
    "tomorrow at 3",
    "friday morning",
    "Ana",
    "312 555 0147",
    "cancel",
    "move my appointment",
    "leave a message",
    "running late",
    "what are your hours",
    "blah",
    "",
    "the first one",
    "highlights next tuesday",
    "talk to a person",
];

proptest! {
    /// Nothing is written unless the customer has just said yes to the
    /// read-back of exactly that write.
    #[test]
    fn writes_follow_a_yes_to_a_read_back(turns in proptest::collection::vec(0..VOCABULARY.len(), 1..25), chat in any::<bool>()) {
        let mut t = Talk::new(if chat { Channel::Chat } else { Channel::Sms });
        t.upcoming = vec![booked(&t, "apt-1", 25, 11)];
        let mut shown: Option<String> = None;
        for i in turns {
            let text = VOCABULARY[i];
            let stage = t.state.stage;
            let reply = t.say(text);
            match &reply.action {
                None | Some(Action::Handover) => {}
                Some(action) => {
                    prop_assert_eq!(words::yes_no(text), Some(true), "{:?} after {:?}", action, text);
                    let read_back = shown.clone().unwrap_or_default();
                    match action {
                        Action::Book { start, .. } => {
                            prop_assert_eq!(stage, Stage::ConfirmBook);
                            let said = phrases::say_time(availability::local_secs(&t.b.calendar, *start));
                            prop_assert!(read_back.contains(&said));
                        }
                        Action::Move { .. } => prop_assert_eq!(stage, Stage::ConfirmMove),
                        Action::Cancel { .. } => prop_assert_eq!(stage, Stage::ConfirmCancel),
                        Action::TakeMessage { text, .. } => {
                            prop_assert_eq!(stage, Stage::ConfirmMessage);
                            prop_assert!(read_back.contains(text.as_str()));
                        }
                        Action::Handover => {}
                    }
                }
            }
            prop_assert!(t.state.misses < MAX_MISSES);
            shown = Some(reply.text);
        }
    }
}
