//! Message sentiment and intent from a small lexicon of words and phrases
//! that turn up in support conversations. No model and no floating-point
//! library: the same text gives the same answer in every runtime, and the
//! reason for a score can be read off the lexicon.
//!
//! Sentiment sums the weights of the lexicon entries found, flipped when a
//! negation comes shortly before ("not happy", "never works"), scaled by
//! intensifiers ("very", "really"), and a little louder for negative words
//! shouted in capitals or followed by exclamation marks. The sum is
//! squashed smoothly into `0..=1`.

use alloc::string::String;
use alloc::vec::Vec;

/// Single words, sorted for binary search, with their weights: negative
/// below 0, positive above.
const WORDS: &[(&str, f64)] = &[
    ("abysmal", -3.5),
    ("amazing", 3.0),
    ("angry", -3.0),
    ("annoyed", -2.0),
    ("annoying", -2.0),
    ("appalling", -3.5),
    ("appreciate", 2.0),
    ("appreciated", 2.0),
    ("awesome", 3.0),
    ("awful", -3.0),
    ("bad", -2.0),
    ("broken", -2.0),
    ("bug", -1.0),
    ("buggy", -2.0),
    ("cancel", -1.0),
    ("cancelling", -1.0),
    ("complaint", -1.5),
    ("confusing", -1.5),
    ("crash", -2.0),
    ("crashed", -2.0),
    ("crashes", -2.0),
    ("delayed", -1.5),
    ("disappointed", -2.5),
    ("disappointing", -2.5),
    ("disgusted", -3.0),
    ("dreadful", -3.0),
    ("error", -1.0),
    ("excellent", 3.0),
    ("fail", -2.0),
    ("failed", -2.0),
    ("fails", -2.0),
    ("fantastic", 3.0),
    ("fixed", 1.5),
    ("frustrated", -2.5),
    ("frustrating", -2.5),
    ("furious", -3.5),
    ("garbage", -3.0),
    ("glad", 2.0),
    ("good", 1.5),
    ("great", 2.5),
    ("happy", 2.0),
    ("hate", -3.0),
    ("helpful", 2.0),
    ("horrible", -3.0),
    ("incompetent", -3.0),
    ("like", 1.0),
    ("love", 3.0),
    ("loved", 3.0),
    ("mess", -2.0),
    ("nice", 1.5),
    ("outrageous", -3.0),
    ("perfect", 3.0),
    ("pleased", 2.0),
    ("poor", -2.0),
    ("problem", -1.0),
    ("quick", 1.0),
    ("refund", -0.5),
    ("resolved", 2.0),
    ("ridiculous", -2.5),
    ("rude", -2.5),
    ("satisfied", 2.0),
    ("scam", -3.5),
    ("slow", -1.5),
    ("smooth", 1.5),
    ("solved", 2.0),
    ("stuck", -1.5),
    ("terrible", -3.0),
    ("thank", 2.0),
    ("thanks", 2.0),
    ("thx", 1.5),
    ("unacceptable", -3.0),
    ("unhappy", -2.5),
    ("upset", -2.5),
    ("useless", -3.0),
    ("wonderful", 3.0),
    ("works", 1.0),
    ("worse", -2.5),
    ("worst", -3.5),
    ("wrong", -1.5),
];

/// Phrases, matched before single words (longest first at each position).
/// Weight 0 marks a phrase whose words carry no sentiment together, such
/// as "would like".
const PHRASES: &[(&[&str], f64)] = &[
    (&["does", "not", "work"], -2.5),
    (&["waste", "of", "time"], -3.0),
    (&["charged", "twice"], -2.0),
    (&["doesn't", "work"], -2.5),
    (&["fed", "up"], -3.0),
    (&["feel", "like"], 0.0),
    (&["feels", "like"], 0.0),
    (&["good", "job"], 2.5),
    (&["great", "job"], 3.0),
    (&["let", "down"], -2.0),
    (&["like", "to"], 0.0),
    (&["looks", "like"], 0.0),
    (&["no", "response"], -2.0),
    (&["not", "working"], -2.5),
    (&["rip", "off"], -3.0),
    (&["ripped", "off"], -3.0),
    (&["seems", "like"], 0.0),
    (&["still", "waiting"], -2.0),
    (&["stopped", "working"], -2.5),
    (&["thank", "you"], 2.5),
    (&["well", "done"], 2.5),
    (&["would", "like"], 0.0),
];

/// Words that flip an entry found within the next [`NEGATION_REACH`] words.
const NEGATORS: &[&str] = &[
    "aren't", "can't", "cannot", "cant", "couldn't", "didn't", "didnt", "doesn't", "doesnt",
    "don't", "dont", "hardly", "hasn't", "haven't", "isn't", "isnt", "never", "no", "nor", "not",
    "nothing", "wasn't", "without", "won't", "wont", "wouldn't",
];

/// How many words back a negation reaches.
pub const NEGATION_REACH: usize = 3;

/// A negated entry counts for this share of its weight, the other way.
const NEGATION_FACTOR: f64 = -0.75;

/// Words that strengthen or soften an entry one or two words after them
/// ("so happy", "really not happy").
const INTENSIFIERS: &[(&str, f64)] = &[
    ("absolutely", 1.5),
    ("bit", 0.5),
    ("completely", 1.5),
    ("extremely", 1.5),
    ("incredibly", 1.5),
    ("kinda", 0.5),
    ("really", 1.5),
    ("seriously", 1.5),
    ("slightly", 0.5),
    ("so", 1.5),
    ("somewhat", 0.5),
    ("super", 1.5),
    ("totally", 1.5),
    ("truly", 1.5),
    ("utterly", 1.5),
    ("very", 1.5),
];

/// A negative word in capitals among lower-case text counts this much more.
const SHOUT_FACTOR: f64 = 1.3;

/// Each exclamation mark, up to [`MAX_EXCLAMATIONS`], makes the negative
/// part of the message this much stronger.
const EXCLAMATION_STEP: f64 = 0.1;
const MAX_EXCLAMATIONS: usize = 3;

/// The sum at which the score is three quarters of the way to an end.
const SQUASH: f64 = 3.0;

struct Token {
    /// Lower-cased, with `’` read as `'`.
    word: String,
    /// Two or more letters, all capitals.
    caps: bool,
    /// Which clause the word is in: negation and intensifiers do not reach
    /// across punctuation.
    clause: usize,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_clause_break(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\n')
}

/// Splits on anything but letters, digits and apostrophes; apostrophes at
/// the ends of a word are dropped, those inside ("don't") kept.
fn tokenise(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut clause = 0;
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || is_apostrophe(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            push_token(&mut tokens, &text[s..i], clause);
        }
        if is_clause_break(c) {
            clause += 1;
        }
    }
    if let Some(s) = start {
        push_token(&mut tokens, &text[s..], clause);
    }
    tokens
}

fn push_token(tokens: &mut Vec<Token>, raw: &str, clause: usize) {
    let raw = raw.trim_matches(is_apostrophe);
    if raw.is_empty() {
        return;
    }
    let mut letters = 0usize;
    let mut caps = true;
    let mut word = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphabetic() {
            letters += 1;
            caps &= c.is_uppercase();
        }
        if is_apostrophe(c) {
            word.push('\'');
        } else {
            word.extend(c.to_lowercase());
        }
    }
    tokens.push(Token {
        word,
        caps: caps && letters >= 2,
        clause,
    });
}

fn word_weight(word: &str) -> Option<f64> {
    WORDS
        .binary_search_by(|(w, _)| (*w).cmp(word))
        .ok()
        .map(|i| WORDS[i].1)
}

fn phrase_at(tokens: &[Token], at: usize) -> Option<(usize, f64)> {
    PHRASES
        .iter()
        .filter(|(words, _)| matches_at(tokens, at, words))
        .map(|(words, weight)| (words.len(), *weight))
        .max_by_key(|(len, _)| *len)
}

fn matches_at(tokens: &[Token], at: usize, words: &[&str]) -> bool {
    tokens.len() - at >= words.len()
        && tokens[at..]
            .iter()
            .zip(words)
            .all(|(t, w)| t.word == *w && t.clause == tokens[at].clause)
}

fn intensity(word: &str) -> Option<f64> {
    INTENSIFIERS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, f)| *f)
}

/// The word before the entry at `at`, in the same clause, `back` words back.
fn before(tokens: &[Token], at: usize, back: usize) -> Option<&Token> {
    let t = tokens.get(at.checked_sub(back)?)?;
    (t.clause == tokens[at].clause).then_some(t)
}

/// The signed sum of the lexicon entries found, before squashing.
fn raw_sum(text: &str, tokens: &[Token]) -> f64 {
    let mixed_case = text.chars().any(char::is_lowercase);
    let mut positive = 0.0;
    let mut negative = 0.0;
    let mut at = 0;
    while at < tokens.len() {
        let (len, weight) = match phrase_at(tokens, at) {
            Some(found) => found,
            None => match word_weight(&tokens[at].word) {
                Some(w) => (1, w),
                None => (0, 0.0),
            },
        };
        if len == 0 || weight == 0.0 {
            at += len.max(1);
            continue;
        }
        let mut value = weight;
        for back in 1..=2 {
            if let Some(f) = before(tokens, at, back).and_then(|t| intensity(&t.word)) {
                value *= f;
            }
        }
        let negated = (1..=NEGATION_REACH)
            .filter_map(|back| before(tokens, at, back))
            .any(|t| NEGATORS.binary_search(&t.word.as_str()).is_ok());
        if negated {
            value *= NEGATION_FACTOR;
        }
        if value < 0.0 && mixed_case && tokens[at..at + len].iter().any(|t| t.caps) {
            value *= SHOUT_FACTOR;
        }
        if value < 0.0 {
            negative += value;
        } else {
            positive += value;
        }
        at += len;
    }
    let exclamations = text
        .bytes()
        .filter(|&b| b == b'!')
        .take(MAX_EXCLAMATIONS)
        .count();
    positive + negative * (1.0 + EXCLAMATION_STEP * exclamations as f64)
}

/// Squashes a sum of any size into `0..=1`, 0.5 at 0; needs no `tanh`.
fn squash(sum: f64) -> f64 {
    if !sum.is_finite() {
        return if sum > 0.0 {
            1.0
        } else if sum < 0.0 {
            0.0
        } else {
            0.5
        };
    }
    (0.5 + 0.5 * sum / (sum.abs() + SQUASH)).clamp(0.0, 1.0)
}

/// 0.0 (very negative) ..= 1.0 (very positive), 0.5 neutral or empty.
/// Deterministic and case-insensitive.
pub fn score(text: &str) -> f64 {
    let tokens = tokenise(text);
    squash(raw_sum(text, &tokens))
}

/// What a message is about, for routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Refund,
    Cancellation,
    Billing,
    Shipping,
    TechnicalIssue,
    Account,
    Complaint,
    Praise,
    Question,
    General,
}

impl Intent {
    pub const ALL: [Intent; 10] = [
        Intent::Refund,
        Intent::Cancellation,
        Intent::Billing,
        Intent::Shipping,
        Intent::TechnicalIssue,
        Intent::Account,
        Intent::Complaint,
        Intent::Praise,
        Intent::Question,
        Intent::General,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Refund => "refund",
            Intent::Cancellation => "cancellation",
            Intent::Billing => "billing",
            Intent::Shipping => "shipping",
            Intent::TechnicalIssue => "technical_issue",
            Intent::Account => "account",
            Intent::Complaint => "complaint",
            Intent::Praise => "praise",
            Intent::Question => "question",
            Intent::General => "general",
        }
    }

    pub fn parse(s: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// Topic rules, first match wins: the more specific request comes before
/// the broader one it also mentions ("refund the charge" is a refund, not
/// billing; "close my account" a cancellation, not an account question).
const TOPICS: &[(Intent, &[&[&str]])] = &[
    (
        Intent::Refund,
        &[
            &["refund"],
            &["refunds"],
            &["refunded"],
            &["money", "back"],
            &["reimburse"],
            &["reimbursement"],
            &["chargeback"],
        ],
    ),
    (
        Intent::Cancellation,
        &[
            &["cancel"],
            &["cancelling"],
            &["canceling"],
            &["cancellation"],
            &["unsubscribe"],
            &["terminate"],
            &["close", "my", "account"],
            &["delete", "my", "account"],
        ],
    ),
    (
        Intent::Billing,
        &[
            &["invoice"],
            &["invoices"],
            &["billing"],
            &["billed"],
            &["bill"],
            &["charge"],
            &["charged"],
            &["overcharged"],
            &["payment"],
            &["price"],
            &["pricing"],
            &["receipt"],
            &["subscription"],
            &["credit", "card"],
        ],
    ),
    (
        Intent::Shipping,
        &[
            &["shipping"],
            &["shipment"],
            &["shipped"],
            &["delivery"],
            &["delivered"],
            &["package"],
            &["parcel"],
            &["tracking"],
            &["courier"],
            &["arrived"],
        ],
    ),
    (
        Intent::TechnicalIssue,
        &[
            &["error"],
            &["bug"],
            &["buggy"],
            &["crash"],
            &["crashed"],
            &["crashes"],
            &["broken"],
            &["outage"],
            &["glitch"],
            &["timeout"],
            &["freezes"],
            &["not", "working"],
            &["stopped", "working"],
            &["doesn't", "work"],
            &["does", "not", "work"],
            &["won't", "load"],
        ],
    ),
    (
        Intent::Account,
        &[
            &["login"],
            &["log", "in"],
            &["sign", "in"],
            &["password"],
            &["username"],
            &["account"],
            &["2fa"],
            &["locked", "out"],
            &["profile"],
        ],
    ),
];

/// Below this sentiment a message with no specific topic is a complaint.
pub const COMPLAINT_BELOW: f64 = 0.3;
/// Above this sentiment a message with no specific topic is praise.
pub const PRAISE_ABOVE: f64 = 0.7;

const QUESTION_WORDS: &[&str] = &[
    "are", "can", "could", "do", "does", "how", "is", "what", "when", "where", "which", "who",
    "why", "will", "would",
];

pub fn intent(text: &str) -> Intent {
    let tokens = tokenise(text);
    let mentions = |phrase: &[&str]| (0..tokens.len()).any(|at| matches_at(&tokens, at, phrase));
    if let Some((intent, _)) = TOPICS
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|p| mentions(p)))
    {
        return *intent;
    }
    let sentiment = squash(raw_sum(text, &tokens));
    if sentiment < COMPLAINT_BELOW {
        return Intent::Complaint;
    }
    let asks = text.trim_end().ends_with('?')
        || tokens
            .first()
            .is_some_and(|t| QUESTION_WORDS.contains(&t.word.as_str()));
    if asks {
        Intent::Question
    } else if sentiment > PRAISE_ABOVE {
        Intent::Praise
    } else {
        Intent::General
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tables_are_sorted_and_lower_case() {
        assert!(WORDS.windows(2).all(|p| p[0].0 < p[1].0));
        assert!(NEGATORS.windows(2).all(|p| p[0] < p[1]));
        let lower = |w: &str| w.chars().all(|c| !c.is_uppercase());
        assert!(WORDS.iter().all(|(w, s)| lower(w) && *s != 0.0));
        assert!(PHRASES.iter().all(|(ws, _)| ws.len() >= 2));
        assert!(
            TOPICS
                .iter()
                .all(|(_, ps)| ps.iter().flat_map(|p| p.iter()).all(|w| lower(w)))
        );
        assert!(WORDS.len() + PHRASES.len() >= 80);
    }

    #[test]
    fn tokeniser_keeps_inner_apostrophes() {
        let words: Vec<String> = tokenise("'Don’t' STOP-now, it's 5pm!")
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert_eq!(words, ["don't", "stop", "now", "it's", "5pm"]);
        let t = tokenise("WHY no");
        assert!(t[0].caps && !t[1].caps);
        assert!(!tokenise("I")[0].caps);
    }

    #[test]
    fn angry_messages_score_low() {
        for text in [
            "This is terrible. I am extremely angry and your product is broken!!",
            "Unacceptable. Third time I have asked and still waiting. Worst service ever.",
            "your app is USELESS and crashes every time, I'm furious",
            "I hate this, complete waste of time and a rip off",
            "Very disappointed, nothing works and support was rude.",
        ] {
            assert!(score(text) < 0.3, "{text}: {}", score(text));
        }
    }

    #[test]
    fn thankful_messages_score_high() {
        for text in [
            "Thank you so much, that resolved it!",
            "Thanks, great help and really quick. Love the product.",
            "Excellent support, I appreciate it. Problem solved.",
            "Amazing, works perfectly now. Well done!",
        ] {
            assert!(score(text) > 0.7, "{text}: {}", score(text));
        }
    }

    #[test]
    fn neutral_and_empty_are_half() {
        for text in [
            "",
            "   ",
            "Please update the delivery address on order 1042 to 5 High Street.",
            "What time zone are your invoices dated in?",
            "I would like to change my plan next month.",
            "😀 ½ 日本語",
        ] {
            assert_eq!(score(text), 0.5, "{text}");
        }
    }

    #[test]
    fn negation_flips() {
        assert!(score("happy") > 0.5);
        assert!(score("I am not happy") < 0.5);
        assert!(score("it works") > 0.5);
        assert!(score("it never works") < 0.5);
        assert!(score("I like it") > 0.5);
        assert!(score("I don't like it") < 0.5);
        assert!(score("That's bad") < 0.5);
        assert!(score("not bad at all") > 0.5);
        assert!(score("no problem") > 0.5);
        // Three words back at most, and never across punctuation.
        assert!(score("not the the happy") < 0.5);
        assert!(score("not the the the happy") > 0.5);
        assert!(score("not one of us, we are happy") > 0.5);
        assert!(score("no, happy") > 0.5);
    }

    #[test]
    fn intensifiers_exclamations_and_capitals_scale() {
        assert!(score("very happy") > score("happy"));
        assert!(score("really angry") < score("angry"));
        assert!(score("slightly annoyed") > score("annoyed"));
        assert!(score("this is broken!!!") < score("this is broken"));
        assert!(score("this is BROKEN") < score("this is broken"));
        // Exclamations and capitals leave praise as it is.
        assert_eq!(score("great!!!"), score("great"));
        assert_eq!(score("this is GREAT"), score("this is great"));
    }

    #[test]
    fn case_does_not_change_meaning() {
        assert_eq!(score("Not Happy At All"), score("not happy at all"));
        // A message entirely in capitals is not shouting among quieter words.
        assert_eq!(score("THIS IS TERRIBLE"), score("this is terrible"));
        assert_eq!(intent("I WANT A REFUND"), Intent::Refund);
    }

    #[test]
    fn intents() {
        let cases = [
            ("I want a refund for the charge on my card", Intent::Refund),
            ("Please give me my money back", Intent::Refund),
            ("Cancel my subscription today", Intent::Cancellation),
            ("How do I close my account?", Intent::Cancellation),
            ("My invoice shows the wrong amount", Intent::Billing),
            ("I was charged twice this month", Intent::Billing),
            (
                "Where is my package? Tracking says nothing",
                Intent::Shipping,
            ),
            ("The app shows an error on startup", Intent::TechnicalIssue),
            ("Export is not working since Monday", Intent::TechnicalIssue),
            ("I can't log in after the password reset", Intent::Account),
            (
                "This is the worst service, absolutely terrible",
                Intent::Complaint,
            ),
            ("Thank you so much, you are wonderful", Intent::Praise),
            ("Can the report include last quarter", Intent::Question),
            ("Does the plan include API access?", Intent::Question),
            ("See the attached file for the details.", Intent::General),
            ("", Intent::General),
        ];
        for (text, want) in cases {
            assert_eq!(intent(text), want, "{text}");
        }
        for i in Intent::ALL {
            assert_eq!(Intent::parse(i.as_str()), Some(i));
        }
    }

    fn title_case(text: &str) -> String {
        let mut out = String::new();
        let mut start = true;
        for c in text.chars() {
            if start && c.is_ascii_alphabetic() {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            start = !(c.is_alphanumeric() || c == '\'');
        }
        out
    }

    fn lexicon_text() -> impl Strategy<Value = String> {
        let vocabulary: Vec<&'static str> = WORDS
            .iter()
            .map(|(w, _)| *w)
            .chain(NEGATORS.iter().copied())
            .chain(INTENSIFIERS.iter().map(|(w, _)| *w))
            .chain(["the", "it", "you", "work", "!", "?", ",", ".", "'", "a"])
            .collect();
        proptest::collection::vec(proptest::sample::select(vocabulary), 0..40)
            .prop_map(|words| words.join(" "))
    }

    proptest! {
        #[test]
        fn bounded_and_never_panics(text in any::<String>()) {
            let s = score(&text);
            prop_assert!((0.0..=1.0).contains(&s));
            let _ = intent(&text);
        }

        #[test]
        fn bounded_on_long_arbitrary_text(chars in proptest::collection::vec(any::<char>(), 0..5000)) {
            let text: String = chars.into_iter().collect();
            prop_assert!((0.0..=1.0).contains(&score(&text)));
            let _ = intent(&text);
        }

        #[test]
        fn bounded_on_lexicon_heavy_text(text in lexicon_text(), repeat in 1usize..100) {
            let long = text.repeat(repeat);
            let s = score(&long);
            prop_assert!((0.0..=1.0).contains(&s), "{}", s);
            prop_assert_eq!(s, score(&long));
            prop_assert_eq!(intent(&long), intent(&long));
        }

        #[test]
        fn case_insensitive(text in lexicon_text()) {
            let lower = text.to_lowercase();
            prop_assert_eq!(score(&lower), score(&title_case(&lower)));
            prop_assert_eq!(score(&lower), score(&lower.to_uppercase()));
            prop_assert_eq!(intent(&lower), intent(&title_case(&lower)));
            prop_assert_eq!(intent(&lower), intent(&lower.to_uppercase()));
        }
    }

    #[test]
    fn huge_input() {
        let text = "terrible! ".repeat(200_000) + &"é".repeat(100_000);
        let s = score(&text);
        assert!((0.0..0.01).contains(&s));
        let long_word = "a".repeat(1 << 20);
        assert_eq!(score(&long_word), 0.5);
        assert_eq!(intent(&long_word), Intent::General);
        assert_eq!(score(&"!".repeat(100_000)), 0.5);
        assert!((0.0..=1.0).contains(&score(&"not ".repeat(50_000))));
    }
}
