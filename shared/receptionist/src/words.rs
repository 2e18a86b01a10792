//! What a customer's words say besides day and time: what they want, yes or
//! no, which of the offered times, a name, a phone number, a service.
//! Keyword reading, deterministic and cheap; the engine never writes on it
//! without asking to confirm first.

use crate::business::Service;

/// What the customer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Book,
    Reschedule,
    Cancel,
    Hours,
    Location,
    Services,
    Message,
    Human,
    Help,
}

/// The text as lowercase words, punctuation dropped (apostrophes kept).
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '+'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn has(words: &[String], any: &[&str]) -> bool {
    words.iter().any(|w| any.contains(&w.as_str()))
}

/// Whether the phrase (words separated by single spaces) occurs.
fn has_phrase(words: &[String], phrase: &str) -> bool {
    let want: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(want.len())
        .any(|w| w.iter().zip(&want).all(|(a, b)| a == b))
}

/// The intent the words name, if any. Cancelling and moving are checked
/// before booking: "cancel my appointment" names an appointment too.
pub fn intent(text: &str) -> Option<Intent> {
    let w = tokens(text);
    let phrase = |p: &str| has_phrase(&w, p);
    if has(&w, &["reschedule", "move", "postpone", "rebook"])
        || phrase("change my")
        || phrase("different time")
        || phrase("another time")
        || phrase("push back")
    {
        return Some(Intent::Reschedule);
    }
    if has(&w, &["cancel", "cancellation"]) || phrase("can't make") || phrase("cannot make") {
        return Some(Intent::Cancel);
    }
    if has(
        &w,
        &[
            "human",
            "person",
            "someone",
            "somebody",
            "owner",
            "representative",
            "operator",
            "manager",
            "staff",
        ],
    ) || phrase("talk to")
        || phrase("speak to")
        || phrase("speak with")
        || phrase("real person")
    {
        return Some(Intent::Human);
    }
    if has(&w, &["message", "note"])
        || phrase("pass on")
        || phrase("let them know")
        || phrase("call me back")
    {
        return Some(Intent::Message);
    }
    if has(
        &w,
        &[
            "book",
            "booking",
            "appointment",
            "appt",
            "schedule",
            "reserve",
            "reservation",
            "availability",
            "available",
            "opening",
            "openings",
            "slot",
            "slots",
        ],
    ) || phrase("come in")
        || phrase("get a")
    {
        return Some(Intent::Book);
    }
    if has(
        &w,
        &["hours", "open", "close", "closed", "closing", "opening"],
    ) {
        return Some(Intent::Hours);
    }
    if has(
        &w,
        &[
            "where",
            "address",
            "located",
            "location",
            "directions",
            "parking",
        ],
    ) {
        return Some(Intent::Location);
    }
    if has(
        &w,
        &[
            "services", "service", "offer", "price", "prices", "cost", "menu", "much",
        ],
    ) {
        return Some(Intent::Services);
    }
    if has(&w, &["help", "?", "options", "menu"]) || text.trim() == "?" {
        return Some(Intent::Help);
    }
    None
}

/// Yes, no, or neither.
pub fn yes_no(text: &str) -> Option<bool> {
    let w = tokens(text);
    let no = has(
        &w,
        &[
            "no", "nope", "nah", "n", "wrong", "don't", "dont", "not", "negative", "stop",
        ],
    );
    let yes = has(
        &w,
        &[
            "yes",
            "yeah",
            "yep",
            "yup",
            "y",
            "sure",
            "ok",
            "okay",
            "correct",
            "confirm",
            "confirmed",
            "please",
            "perfect",
            "great",
            "absolutely",
            "right",
            "fine",
        ],
    ) || has_phrase(&w, "sounds good")
        || has_phrase(&w, "go ahead")
        || has_phrase(&w, "do it")
        || has_phrase(&w, "that works");
    match (yes, no) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Which of `n` listed options the words pick, 0-based: "2", "the second",
/// "second one", "#2", a key press on the phone.
pub fn choice(text: &str, n: usize) -> Option<usize> {
    const ORDINALS: [&[&str]; 5] = [
        &["1", "1st", "first", "one"],
        &["2", "2nd", "second", "two"],
        &["3", "3rd", "third", "three"],
        &["4", "4th", "fourth", "four"],
        &["5", "5th", "fifth", "five"],
    ];
    let w = tokens(&text.replace('#', " "));
    // A lone number, or an ordinal word anywhere ("the second one").
    if w.len() == 1
        && let Some(i) = ORDINALS.iter().position(|o| o.contains(&w[0].as_str()))
    {
        return (i < n).then_some(i);
    }
    let picked: Vec<usize> = ORDINALS
        .iter()
        .enumerate()
        .filter(|(_, o)| o[1..3].iter().any(|word| w.iter().any(|x| x == word)))
        .map(|(i, _)| i)
        .collect();
    match picked.as_slice() {
        [i] if *i < n => Some(*i),
        _ if has(&w, &["last"]) && n > 0 => Some(n - 1),
        _ => None,
    }
}

/// A phone number in the text, as E.164. Ten digits are read as a North
/// American number; eleven starting with 1 too; a number written with `+`
/// keeps its country code.
pub fn phone(text: &str) -> Option<String> {
    let mut best: Option<String> = None;
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == '+' || bytes[i].is_ascii_digit() || bytes[i] == '(' {
            let plus = bytes[i] == '+';
            let mut digits = String::new();
            let mut j = i + usize::from(plus);
            while j < bytes.len() && (bytes[j].is_ascii_digit() || " -.()".contains(bytes[j])) {
                if bytes[j].is_ascii_digit() {
                    digits.push(bytes[j]);
                }
                j += 1;
            }
            let number = match (plus, digits.len()) {
                (true, 8..=15) => Some(format!("+{digits}")),
                (false, 10) => Some(format!("+1{digits}")),
                (false, 11) if digits.starts_with('1') => Some(format!("+{digits}")),
                _ => None,
            };
            if number.is_some() {
                best = number;
                break;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    best
}

/// The last four digits, for reading a number back without repeating it.
pub fn last_four(phone: &str) -> &str {
    let start = phone.len().saturating_sub(4);
    phone.get(start..).unwrap_or(phone)
}

/// A name the customer gives: "my name is Ana Lopez", "I'm Ana", "this is
/// Ana", "it's Ana", or, when asked for a name, the answer itself if it
/// looks like one (one to three words of letters).
pub fn name(text: &str, asked: bool) -> Option<String> {
    let lower = text.to_lowercase();
    const LEADS: [&str; 7] = [
        "my name is ",
        "name is ",
        "i'm ",
        "i am ",
        "this is ",
        "it's ",
        "call me ",
    ];
    let rest = LEADS
        .iter()
        .find_map(|lead| lower.find(lead).map(|at| &text[at + lead.len()..]))
        .or(asked.then_some(text))?;
    let words: Vec<&str> = rest
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .take_while(|w| {
            !["and", "for", "i", "my", "at", "on", "please"].contains(&w.to_lowercase().as_str())
        })
        .take(3)
        .collect();
    if words.is_empty() || words.iter().any(|w| w.len() > 30) {
        return None;
    }
    // A bare answer that is a yes/no or a keyword is not a name.
    if asked && (yes_no(rest).is_some() || intent(rest).is_some()) && words.len() == 1 {
        return None;
    }
    // Written with capitals, a name stays as written (McKay, O'Neil);
    // written all lowercase, it gets a capital.
    let capitalised: Vec<String> = words
        .iter()
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                return w.to_string();
            }
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    Some(capitalised.join(" "))
}

/// The service the words name: its name or an alias, as a word or phrase,
/// plural or not.
pub fn service<'a>(text: &str, services: &'a [Service]) -> Option<&'a Service> {
    let words: Vec<String> = tokens(text)
        .into_iter()
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() > 2)
                .map(str::to_string)
                .unwrap_or(w)
        })
        .collect();
    let names = |s: &'a Service| {
        std::iter::once(s.name.as_str())
            .chain(s.aliases.iter().map(String::as_str))
            .map(|n| {
                tokens(n)
                    .into_iter()
                    .map(|w| {
                        w.strip_suffix('s')
                            .filter(|s| s.len() > 2)
                            .map(str::to_string)
                            .unwrap_or(w)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
    };
    // The longest name that matches wins: "beard trim" over "trim".
    services
        .iter()
        .flat_map(|s| names(s).into_iter().map(move |n| (s, n)))
        .filter(|(_, n)| !n.is_empty() && has_phrase(&words, n))
        .max_by_key(|(_, n)| n.len())
        .map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services() -> Vec<Service> {
        let s = |id: &str, name: &str, aliases: &[&str]| Service {
            id: id.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            duration_minutes: 30,
            buffer_minutes: 0,
            price_cents: None,
        };
        vec![
            s("haircut", "Haircut", &["cut", "trim"]),
            s("color", "Hair color", &["colour", "dye", "highlights"]),
            s("beard", "Beard trim", &[]),
        ]
    }

    #[test]
    fn intents() {
        let cases = [
            ("book a haircut tomorrow at 3", Some(Intent::Book)),
            ("BOOK", Some(Intent::Book)),
            ("do you have anything available friday", Some(Intent::Book)),
            ("I need to cancel my appointment", Some(Intent::Cancel)),
            ("CANCEL", Some(Intent::Cancel)),
            (
                "can I move my appointment to thursday",
                Some(Intent::Reschedule),
            ),
            ("I'd like to reschedule", Some(Intent::Reschedule)),
            ("what are your hours", Some(Intent::Hours)),
            ("are you open on sunday", Some(Intent::Hours)),
            ("where are you located", Some(Intent::Location)),
            ("how much is a haircut", Some(Intent::Services)),
            ("can I speak to a real person", Some(Intent::Human)),
            ("I want to leave a message", Some(Intent::Message)),
            ("HELP", Some(Intent::Help)),
            ("purple monkey dishwasher", None),
        ];
        for (text, want) in cases {
            assert_eq!(intent(text), want, "{text}");
        }
    }

    #[test]
    fn yes_no_and_choices() {
        for y in [
            "yes",
            "Yes please",
            "yep!",
            "sounds good",
            "ok",
            "Y",
            "that works",
        ] {
            assert_eq!(yes_no(y), Some(true), "{y}");
        }
        for n in ["no", "nope", "No thanks", "not that one", "N"] {
            assert_eq!(yes_no(n), Some(false), "{n}");
        }
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(choice("2", 3), Some(1));
        assert_eq!(choice("the second one", 3), Some(1));
        assert_eq!(choice("#3", 3), Some(2));
        assert_eq!(choice("first", 3), Some(0));
        assert_eq!(choice("4", 3), None);
        assert_eq!(choice("the last one", 3), Some(2));
        assert_eq!(choice("hmm", 3), None);
    }

    #[test]
    fn phones() {
        assert_eq!(phone("it's 312-555-0147").as_deref(), Some("+13125550147"));
        assert_eq!(phone("(312) 555 0147").as_deref(), Some("+13125550147"));
        assert_eq!(phone("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(phone("1 312 555 0147").as_deref(), Some("+13125550147"));
        assert_eq!(phone("at 3:30 on the 14th"), None);
        assert_eq!(phone("call 555-0147"), None);
        assert_eq!(last_four("+13125550147"), "0147");
    }

    #[test]
    fn names() {
        assert_eq!(
            name("my name is ana lopez", false).as_deref(),
            Some("Ana Lopez")
        );
        assert_eq!(
            name("Hi, this is Sam and I need a cut", false).as_deref(),
            Some("Sam")
        );
        assert_eq!(name("Jordan", true).as_deref(), Some("Jordan"));
        assert_eq!(
            name("Mary-Jane O'Neil", true).as_deref(),
            Some("Mary-Jane O'Neil")
        );
        assert_eq!(name("yes", true), None);
        assert_eq!(name("book a haircut", false), None);
        assert_eq!(name("", true), None);
    }

    #[test]
    fn services_by_name_alias_and_plural() {
        let s = services();
        assert_eq!(service("a haircut please", &s).unwrap().id, "haircut");
        assert_eq!(service("just a trim", &s).unwrap().id, "haircut");
        assert_eq!(service("a beard trim", &s).unwrap().id, "beard");
        assert_eq!(service("HIGHLIGHTS", &s).unwrap().id, "color");
        assert_eq!(service("two haircuts", &s).unwrap().id, "haircut");
        assert!(service("a massage", &s).is_none());
    }
}
