//! The day and time a customer names in their own words: "tomorrow at 3",
//! "next Tuesday morning", "3:30pm on the 14th", as typed in a text or
//! written by speech-to-text ("three thirty pm"). Everything is relative to
//! the business's local day and read in its local time; nothing here reads
//! a clock or does I/O, so the conversation engine stays deterministic.
//!
//! A small tokenizer (words, digit runs, punctuation, and whether each
//! touches the one before) replaces regular expressions: the crate is
//! compiled to wasm and the rules below read more plainly as code.
//!
//! # Days
//! - "today", "tonight" (today, evening), "tomorrow" ("tmrw", "tmr", ...),
//!   "day after tomorrow".
//! - A weekday ("tue", "tues", "thurs" ...) or "this <weekday>" is the
//!   soonest such day on or after today. "next <weekday>" (also
//!   "<weekday> next week") is the soonest such day strictly after today,
//!   plus 7 days if that falls in today's Monday-started week: on a Monday
//!   "next Tuesday" is 8 days on, on a Saturday 3. "<weekday> after next"
//!   is a week after that. "sat", "sun", "wed" and "mon" are also ordinary
//!   words, so they count only beside a date word ("on sat", "sat 10am",
//!   "next sun") or alone.
//! - "the 14th", "on the 14th", "14th", "the 14": the soonest date with
//!   that day number on or after today, skipping months without it.
//!   A number with no ordinal suffix, no "the" and no month is never a day.
//! - A month with a day in either order ("December 14", "Dec 14th",
//!   "14 December", "14th of December"), "12/14" (US order) and "12/14/2026",
//!   "2026-12-14". Without a year: this year's date if on or after today,
//!   else next year's; so "Feb 29" is a day only when this year's (still to
//!   come) or next year's February has one, and none otherwise. With a year
//!   the date must lie between today and three years on. A date that does
//!   not exist ("Feb 30", "13/45") names no day.
//!
//! # Times
//! "3pm", "3 p.m.", "3p", "3:30pm", "3.30pm", "330pm", "15:30", "3 o'clock",
//! "noon", "midday", "midnight", "half past 3", "quarter past 3",
//! "quarter to 4", "ten past 4", the start of a range ("3-5pm"), and
//! words: "three", "three thirty", "eleven fifteen", "ten am". "12am" is
//! 00:00 and "12pm" noon. Without am or pm an hour of 1 to 7 is in the
//! afternoon and 8 to 11 in the morning (small businesses rarely open
//! before 8), 12 is noon; a named part of the
//! day overrides that ("7 in the morning", "tonight at 8"), and "15:30" or
//! "07:30" are read as 24-hour times. A bare number is a time only next to
//! a cue ("at 3", "around 10", "tomorrow 3", "3 in the afternoon") or when
//! it is the whole message. Digits that touch other digits or signs
//! ("$30", "+15005550006", "555-0006", "30%") are never times or days.
//!
//! # Several mentions
//! The strongest time wins (am/pm, a colon or "o'clock" over a number after
//! "at"), and among equals the first, as does the first day and part of
//! day. A mention just after a negation ("not tomorrow, Wednesday",
//! "can't do 3, 4pm works") gives way to any other.

use edgedesk_core::calendar::{civil, day_number, weekday};

const HOUR: u32 = 3600;

/// Days further than this from 1970 (about 2.7 million years) name no day:
/// the arithmetic below stays far from overflow.
const DAY_LIMIT: i64 = 1_000_000_000;

/// Part of a day a customer names instead of a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

impl DayPart {
    /// Start and end, in seconds after local midnight: morning 08:00-12:00,
    /// afternoon 12:00-17:00, evening 17:00-21:00.
    pub fn range(self) -> (u32, u32) {
        match self {
            DayPart::Morning => (8 * HOUR, 12 * HOUR),
            DayPart::Afternoon => (12 * HOUR, 17 * HOUR),
            DayPart::Evening => (17 * HOUR, 21 * HOUR),
        }
    }
}

/// What a message says about when: any of a day, a time and a part of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct When {
    /// Local day number (days since 1970-01-01).
    pub day: Option<i64>,
    /// Seconds after local midnight.
    pub time: Option<u32>,
    /// "morning", "afternoon", "evening", "tonight" (evening, today).
    pub part: Option<DayPart>,
}

/// Reads the day and time a customer names in free text (SMS, speech
/// transcript, chat), relative to `today` (the business's local day
/// number). Never panics on any input.
pub fn parse_when(text: &str, today: i64) -> When {
    let lower = text.to_ascii_lowercase();
    let mut scan = Scan {
        t: tokenize(&lower),
        today,
        days: Vec::new(),
        times: Vec::new(),
        parts: Vec::new(),
    };
    scan.run();
    let part = pick(&scan.parts);
    When {
        day: pick(&scan.days),
        time: pick(&scan.times).map(|c| c.with_part(part)),
        part,
    }
}

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A local day for replies: "Tuesday, December 15". Days beyond a trillion
/// from 1970 saturate.
pub fn say_day(day: i64) -> String {
    let day = day.clamp(-1_000_000_000_000, 1_000_000_000_000);
    let (_, m, d) = civil(day);
    format!(
        "{}, {} {d}",
        WEEKDAY_NAMES[weekday(day)],
        MONTH_NAMES[(m as usize - 1) % 12]
    )
}

/// A time of day for replies: "3:00 PM", "12:30 AM". Seconds are dropped
/// and times past midnight wrap.
pub fn say_time(secs: u32) -> String {
    let secs = secs % 86_400;
    let (h, m) = (secs / HOUR, secs / 60 % 60);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    format!("{h12}:{m:02} {}", if h < 12 { "AM" } else { "PM" })
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of ASCII letters, lowercased.
    Word(&'a str),
    /// A run of digits: its value (saturating) and how many digits.
    Num(u32, usize),
    /// One ASCII punctuation character other than an apostrophe.
    Sym(u8),
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    /// Touches the token before, with no space between.
    glued: bool,
}

/// Splits lowercased text into words, digit runs and punctuation.
/// Whitespace, apostrophes ("o'clock", "can't") and any non-ASCII character
/// separate tokens.
fn tokenize(s: &str) -> Vec<Token<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut glued) = (0, false);
    while i < b.len() {
        let start = i;
        let tok = if b[i].is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            // ASCII bytes only, so both ends are character boundaries.
            Tok::Word(&s[start..i])
        } else if b[i].is_ascii_digit() {
            let mut v: u32 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add(u32::from(b[i] - b'0'));
                i += 1;
            }
            Tok::Num(v, i - start)
        } else if b[i].is_ascii_punctuation() && b[i] != b'\'' {
            i += 1;
            Tok::Sym(b[start])
        } else {
            i += 1;
            glued = false;
            continue;
        };
        out.push(Token { tok, glued });
        glued = true;
    }
    out
}

// ------------------------------------------------------------ vocabulary

fn weekday_of(w: &str) -> Option<(usize, bool)> {
    Some(match w {
        "monday" | "mondays" => (0, false),
        "mon" => (0, true),
        "tuesday" | "tuesdays" | "tue" | "tues" | "tusday" => (1, false),
        "wednesday" | "wednesdays" | "weds" | "wensday" | "wednsday" => (2, false),
        "wed" => (2, true),
        "thursday" | "thursdays" | "thu" | "thur" | "thurs" | "thrusday" => (3, false),
        "friday" | "fridays" | "fri" => (4, false),
        "saturday" | "saturdays" => (5, false),
        "sat" => (5, true),
        "sunday" | "sundays" => (6, false),
        "sun" => (6, true),
        _ => return None,
    })
}

fn month_of(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" | "febuary" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn part_of(w: &str) -> Option<DayPart> {
    match w {
        "morning" | "mornings" | "morn" => Some(DayPart::Morning),
        "afternoon" | "afternoons" | "arvo" => Some(DayPart::Afternoon),
        "evening" | "evenings" | "night" | "nights" | "nite" => Some(DayPart::Evening),
        _ => None,
    }
}

fn is_tomorrow(w: &str) -> bool {
    matches!(
        w,
        "tomorrow" | "tomorow" | "tommorow" | "tommorrow" | "tomorro" | "tmrw" | "tmr" | "tmrow"
    )
}

fn unit(w: &str) -> Option<u32> {
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ]
    .iter()
    .position(|u| *u == w)
    .map(|i| i as u32 + 1)
}

fn teen(w: &str) -> Option<u32> {
    [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    .iter()
    .position(|u| *u == w)
    .map(|i| i as u32 + 10)
}

fn tens(w: &str) -> Option<u32> {
    match w {
        "twenty" => Some(20),
        "thirty" => Some(30),
        "forty" | "fourty" => Some(40),
        "fifty" => Some(50),
        _ => None,
    }
}

fn ordinal_unit(w: &str) -> Option<u32> {
    [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    ]
    .iter()
    .position(|u| *u == w)
    .map(|i| i as u32 + 1)
}

fn ordinal_other(w: &str) -> Option<u32> {
    Some(match w {
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

/// Hour words, one to twelve.
fn hour_word(w: &str) -> Option<u32> {
    unit(w).or(teen(w).filter(|h| *h <= 12))
}

// -------------------------------------------------------------- calendar

/// The day number of a date that exists.
fn valid(y: i32, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let day = day_number(y, m, d);
    (civil(day) == (y, m, d)).then_some(day)
}

/// A date with its year: only from today to three years on.
fn dated(today: i64, y: i32, m: u32, d: u32) -> Option<i64> {
    let day = valid(y, m, d)?;
    let (ty, tm, td) = civil(today);
    (day >= today && (y, m, d) <= (ty + 3, tm, td)).then_some(day)
}

/// A month and day: this year's if still to come, else next year's.
fn month_day(today: i64, m: u32, d: u32) -> Option<i64> {
    let (y, _, _) = civil(today);
    [y, y + 1]
        .into_iter()
        .filter_map(|y| valid(y, m, d))
        .find(|day| *day >= today)
}

/// The soonest date on or after today with this day of the month.
fn day_of_month(today: i64, d: u32) -> Option<i64> {
    let (y, m, _) = civil(today);
    (0..=12)
        .filter_map(|k| {
            let (y, m, _) = civil(day_number(y, m + k, 1));
            valid(y, m, d)
        })
        .find(|day| *day >= today)
}

/// A weekday or "this <weekday>": the soonest on or after today.
fn this_weekday(today: i64, wd: usize) -> i64 {
    today + ((wd + 7 - weekday(today)) % 7) as i64
}

/// "next <weekday>": the soonest strictly after today, a week later if
/// that is still in today's Monday-started week. Both cases come to that
/// weekday of next week.
fn next_weekday(today: i64, wd: usize) -> i64 {
    today - weekday(today) as i64 + 7 + wd as i64
}

// ------------------------------------------------------------------ times

/// How sure a reading of a time is.
const WEAK: u8 = 1; // a bare number after "at", or alone
const MEDIUM: u8 = 2; // "three thirty", "at 3.30", "3ish"
const STRONG: u8 = 3; // am/pm, a colon, "o'clock", "noon", "half past"

#[derive(Debug, Clone, Copy)]
struct Clock {
    secs: u32,
    /// Hour (1-12) and minutes as written, when am or pm was guessed.
    loose: Option<(u32, u32)>,
}

impl Clock {
    /// A named part of the day settles a guessed am or pm.
    fn with_part(self, part: Option<DayPart>) -> u32 {
        match (self.loose, part) {
            (Some((h, m)), Some(p)) if h < 12 => {
                let h = if p == DayPart::Morning { h } else { h + 12 };
                h * HOUR + m * 60
            }
            _ => self.secs,
        }
    }
}

/// An hour and minutes as written; `pm` from "am"/"pm" if given; `h24` for
/// hours written as a 24-hour clock ("07:30", "15:30").
fn clock(h: u32, m: u32, pm: Option<bool>, h24: bool) -> Option<Clock> {
    if m > 59 {
        return None;
    }
    let (hour, loose) = match pm {
        Some(true) if (13..=23).contains(&h) => (h, false),
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(pm) => (h % 12 + if pm { 12 } else { 0 }, false),
        None if h > 23 => return None,
        None if h24 || h == 0 || h > 12 => (h, false),
        None if h <= 7 => (h + 12, true),
        None => (h, true),
    };
    Some(Clock {
        secs: hour * HOUR + m * 60,
        loose: loose.then_some((h, m)),
    })
}

/// Two digits with a leading zero, 0, or past 12: a 24-hour clock.
fn h24(h: u32, digits: usize) -> bool {
    (digits == 2 && h < 10) || h == 0 || h > 12
}

// ------------------------------------------------------------------ scan

struct Found<T> {
    value: T,
    rank: u8,
    negated: bool,
}

/// The highest-ranked mention, the first among equals, passing over
/// negated ones when there is any other.
fn pick<T: Copy>(found: &[Found<T>]) -> Option<T> {
    let any_plain = found.iter().any(|f| !f.negated);
    let mut best: Option<&Found<T>> = None;
    for f in found.iter().filter(|f| !(any_plain && f.negated)) {
        if best.is_none_or(|b| f.rank > b.rank) {
            best = Some(f);
        }
    }
    best.map(|f| f.value)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DomKind {
    /// "14th"
    Ordinal,
    /// "14"
    Bare,
    /// "fourteenth"
    OrdWord,
    /// "fourteen"
    CardWord,
}

struct Scan<'a> {
    t: Vec<Token<'a>>,
    today: i64,
    days: Vec<Found<i64>>,
    times: Vec<Found<Clock>>,
    parts: Vec<Found<DayPart>>,
}

impl<'a> Scan<'a> {
    fn run(&mut self) {
        let mut i = 0;
        while i < self.t.len() {
            let used = self
                .past_to(i)
                .or_else(|| self.day_words(i))
                .or_else(|| self.month_first(i))
                .or_else(|| self.the_day(i))
                .or_else(|| self.named_time(i))
                .or_else(|| self.part_word(i))
                .or_else(|| self.ordinal_first(i))
                .or_else(|| self.number(i))
                .or_else(|| self.word_hour(i))
                .unwrap_or(1);
            i += used.max(1);
        }
    }

    // -------------------------------------------------------- accessors

    /// The word at `i`, or "" for anything else.
    fn word(&self, i: usize) -> &'a str {
        match self.t.get(i) {
            Some(Token {
                tok: Tok::Word(w), ..
            }) => w,
            _ => "",
        }
    }

    fn prev_word(&self, i: usize) -> &'a str {
        i.checked_sub(1).map_or("", |p| self.word(p))
    }

    fn num(&self, i: usize) -> Option<(u32, usize)> {
        match self.t.get(i)?.tok {
            Tok::Num(v, digits) => Some((v, digits)),
            _ => None,
        }
    }

    fn sym(&self, i: usize) -> Option<u8> {
        match self.t.get(i)?.tok {
            Tok::Sym(c) => Some(c),
            _ => None,
        }
    }

    fn glued(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.glued)
    }

    fn is_sym_or_end(&self, i: usize) -> bool {
        i >= self.t.len() || self.sym(i).is_some()
    }

    /// Nothing but punctuation besides the tokens `from..to`.
    fn alone(&self, from: usize, to: usize) -> bool {
        self.t
            .iter()
            .enumerate()
            .all(|(k, t)| (from..to).contains(&k) || matches!(t.tok, Tok::Sym(_)))
    }

    /// A negation among the three tokens before `i`, within its clause
    /// ("not tomorrow, Wednesday"). "t" is what is left of "can't".
    fn negated(&self, i: usize) -> bool {
        for k in (i.saturating_sub(3)..i).rev() {
            if self.sym(k).is_some() {
                return false;
            }
            if matches!(
                self.word(k),
                "not" | "except" | "cannot" | "cant" | "wont" | "dont" | "doesnt" | "isnt" | "t"
            ) {
                return true;
            }
        }
        false
    }

    // ------------------------------------------------------------ found

    fn days_ok(&self) -> bool {
        (-DAY_LIMIT..=DAY_LIMIT).contains(&self.today)
    }

    fn found_day(&mut self, at: usize, day: Option<i64>) {
        if let Some(value) = day.filter(|_| self.days_ok()) {
            let negated = self.negated(at);
            self.days.push(Found {
                value,
                rank: 0,
                negated,
            });
        }
    }

    /// A day computed from today, only when today is in range.
    fn relative_day(&mut self, at: usize, f: impl FnOnce(i64) -> Option<i64>) {
        if self.days_ok() {
            let day = f(self.today);
            self.found_day(at, day);
        }
    }

    fn found_date(&mut self, at: usize, year: Option<u32>, m: u32, d: u32) {
        self.relative_day(at, |today| match year {
            Some(y) => dated(today, y as i32, m, d),
            None => month_day(today, m, d),
        });
    }

    fn found_time(&mut self, at: usize, clock: Option<Clock>, rank: u8) {
        if let Some(value) = clock {
            let negated = self.negated(at);
            self.times.push(Found {
                value,
                rank,
                negated,
            });
        }
    }

    fn found_part(&mut self, at: usize, value: DayPart) {
        let negated = self.negated(at);
        self.parts.push(Found {
            value,
            rank: 0,
            negated,
        });
    }

    // ------------------------------------------------------ small reads

    /// "am", "pm", "a.m.", "p.m", or "a"/"p" touching the number ("3p").
    fn meridiem(&self, j: usize) -> Option<(bool, usize)> {
        let pm = match self.word(j) {
            "am" => return Some((false, 1)),
            "pm" => return Some((true, 1)),
            "a" => false,
            "p" => true,
            _ => return None,
        };
        if self.sym(j + 1) == Some(b'.') && self.glued(j + 1) && self.word(j + 2) == "m" {
            let dot = self.sym(j + 3) == Some(b'.') && self.glued(j + 3);
            return Some((pm, 3 + usize::from(dot)));
        }
        self.glued(j).then_some((pm, 1))
    }

    /// "o'clock", "o clock", "oclock".
    fn oclock(&self, j: usize) -> Option<usize> {
        match (self.word(j), self.word(j + 1)) {
            ("oclock", _) => Some(1),
            ("o", "clock") => Some(2),
            _ => None,
        }
    }

    /// A word that makes the number before it a time.
    fn is_cue(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        matches!(
            self.word(i - 1),
            "at" | "around"
                | "round"
                | "about"
                | "abt"
                | "by"
                | "before"
                | "after"
                | "from"
                | "till"
                | "til"
                | "until"
                | "between"
        ) || matches!(self.sym(i - 1), Some(b'@' | b'~'))
    }

    /// Words after a number that make it a time: "in the morning",
    /// "tonight", "this afternoon".
    fn part_follows(&self, j: usize) -> bool {
        let w = self.word(j);
        w == "tonight"
            || (w == "in" && self.word(j + 1) == "the" && part_of(self.word(j + 2)).is_some())
            || (w == "this" && part_of(self.word(j + 1)).is_some())
            || (w == "at" && self.word(j + 1) == "night")
    }

    fn dayish(&self, w: &str) -> bool {
        matches!(w, "today" | "tonight")
            || is_tomorrow(w)
            || weekday_of(w).is_some()
            || part_of(w).is_some()
    }

    /// Whether a bare hour at `i..j` reads as a time: after a cue, before
    /// a part of day, alone, or right after a day ("tomorrow 3").
    fn bare_hour_is_time(&self, i: usize, j: usize) -> bool {
        self.is_cue(i)
            || self.part_follows(j)
            || self.alone(i, j)
            || (self.dayish(self.prev_word(i)) && self.is_sym_or_end(j))
    }

    /// "twenty-five" and the like, 1 to 59.
    fn number_word(&self, i: usize) -> Option<(u32, usize)> {
        let w = self.word(i);
        if let Some(v) = unit(w).or(teen(w)) {
            return Some((v, 1));
        }
        let t = tens(w)?;
        if self.sym(i + 1) == Some(b'-')
            && let Some(u) = unit(self.word(i + 2))
        {
            return Some((t + u, 3));
        }
        match unit(self.word(i + 1)) {
            Some(u) => Some((t + u, 2)),
            None => Some((t, 1)),
        }
    }

    /// "fourteenth", "twenty-first" and the like.
    fn ordinal_word(&self, i: usize) -> Option<(u32, usize)> {
        let w = self.word(i);
        if let Some(v) = ordinal_unit(w).or(ordinal_other(w)) {
            return Some((v, 1));
        }
        let t = tens(w).filter(|t| *t <= 30)?;
        if self.sym(i + 1) == Some(b'-')
            && let Some(u) = ordinal_unit(self.word(i + 2))
        {
            return Some((t + u, 3));
        }
        ordinal_unit(self.word(i + 1)).map(|u| (t + u, 2))
    }

    /// Minutes after an hour word: "thirty", "forty five", "oh five".
    fn minute_word(&self, j: usize) -> Option<(u32, usize)> {
        if matches!(self.word(j), "oh" | "o")
            && let Some(u) = unit(self.word(j + 1))
        {
            return Some((u, 2));
        }
        self.number_word(j).filter(|(m, _)| *m >= 10)
    }

    // --------------------------------------------------------- numbers

    /// Whether the digits at `i` start afresh: nothing touching before
    /// them but harmless punctuation ("@3pm", "(3pm", ",3pm").
    fn start_ok(&self, i: usize) -> bool {
        if i == 0 || !self.glued(i) {
            return true;
        }
        match self.t[i - 1].tok {
            Tok::Sym(c) => !b"$+#-/:.%*&=^_\\|".contains(&c),
            _ => false,
        }
    }

    /// The end of a run of numbers joined by ':', '.', '/' or '-'.
    fn cluster_end(&self, i: usize) -> usize {
        let mut j = i + 1;
        while matches!(self.sym(j), Some(b':' | b'.' | b'/' | b'-'))
            && self.glued(j)
            && self.num(j + 1).is_some()
            && self.glued(j + 1)
        {
            j += 2;
        }
        j
    }

    /// A sign touching the end of a number: "30%", "3+", "20$".
    fn taint_after(&self, end: usize) -> bool {
        self.glued(end)
            && matches!(
                self.sym(end),
                Some(b'%' | b'$' | b'+' | b'#' | b'*' | b'&' | b'=' | b'^' | b'_')
            )
    }

    /// A number standing on its own, not part of a longer run.
    fn lone_number(&self, i: usize) -> bool {
        self.num(i).is_some()
            && self.start_ok(i)
            && self.cluster_end(i) == i + 1
            && !self.taint_after(i + 1)
    }

    /// A day of the month at `i`: "14th", "14", "fourteenth", "fourteen".
    fn dom(&self, i: usize) -> Option<(u32, usize, DomKind)> {
        match self.t.get(i)?.tok {
            Tok::Num(v, digits) => {
                if digits > 2 || !self.lone_number(i) {
                    return None;
                }
                if !self.glued(i + 1) {
                    return Some((v, 1, DomKind::Bare));
                }
                match self.t[i + 1].tok {
                    Tok::Word("th" | "st" | "nd" | "rd") => Some((v, 2, DomKind::Ordinal)),
                    Tok::Word(_) => None,
                    _ => Some((v, 1, DomKind::Bare)),
                }
            }
            Tok::Word(_) => self
                .ordinal_word(i)
                .map(|(v, n)| (v, n, DomKind::OrdWord))
                .or_else(|| {
                    self.number_word(i)
                        .filter(|(v, _)| *v <= 31)
                        .map(|(v, n)| (v, n, DomKind::CardWord))
                }),
            Tok::Sym(_) => None,
        }
    }

    /// "December", "of December", "Dec." after a day of the month.
    fn month_tail(&self, j: usize) -> Option<(u32, usize)> {
        let skip = usize::from(self.word(j) == "of");
        let m = month_of(self.word(j + skip))?;
        let dot = self.sym(j + skip + 1) == Some(b'.') && self.glued(j + skip + 1);
        Some((m, skip + 1 + usize::from(dot)))
    }

    /// ", 2026" or " 2026" after a date.
    fn year_tail(&self, j: usize) -> Option<(u32, usize)> {
        let k = j + usize::from(self.sym(j) == Some(b','));
        match self.num(k) {
            Some((y, 4))
                if self.lone_number(k)
                    && (1900..=2999).contains(&y)
                    && !matches!(
                        self.t.get(k + 1),
                        Some(Token {
                            tok: Tok::Word(_),
                            glued: true
                        })
                    ) =>
            {
                Some((y, k + 1 - j))
            }
            _ => None,
        }
    }

    /// After "the": whether a plain number reads as a day ("the 14 at 3",
    /// "the 15?") rather than a count ("the 3 of us").
    fn day_follows_ok(&self, j: usize) -> bool {
        let w = self.word(j);
        self.is_sym_or_end(j)
            || self.num(j).is_some()
            || self.dayish(w)
            || matches!(
                w,
                "at" | "around"
                    | "about"
                    | "by"
                    | "in"
                    | "on"
                    | "or"
                    | "and"
                    | "for"
                    | "please"
                    | "pls"
                    | "plz"
                    | "if"
                    | "is"
                    | "would"
                    | "works"
                    | "work"
                    | "then"
                    | "instead"
                    | "ok"
                    | "okay"
                    | "thanks"
                    | "thank"
                    | "thx"
                    | "maybe"
                    | "noon"
            )
    }

    // -------------------------------------------------------- matchers

    /// "today", "tonight", "tomorrow", "day after tomorrow", weekdays with
    /// "this"/"next"/"coming", "this morning".
    fn day_words(&mut self, i: usize) -> Option<usize> {
        let w = self.word(i);
        match w {
            "today" => {
                self.relative_day(i, Some);
                Some(1)
            }
            "tonight" | "tonite" => {
                self.relative_day(i, Some);
                self.found_part(i, DayPart::Evening);
                Some(1)
            }
            _ if is_tomorrow(w) => {
                self.relative_day(i, |t| Some(t + 1));
                Some(1)
            }
            "day" if self.word(i + 1) == "after" && is_tomorrow(self.word(i + 2)) => {
                self.relative_day(i, |t| Some(t + 2));
                Some(3)
            }
            "this" | "next" | "coming" => {
                let mut j = i + 1;
                if (w == "this" && self.word(j) == "coming")
                    || (w == "next" && self.word(j) == "week")
                {
                    j += 1;
                }
                if let Some((wd, _)) = weekday_of(self.word(j)) {
                    if w == "next" {
                        self.relative_day(i, |t| Some(next_weekday(t, wd)));
                    } else {
                        self.relative_day(i, |t| Some(this_weekday(t, wd)));
                    }
                    return Some(j + 1 - i);
                }
                if w == "this"
                    && let Some(part) = part_of(self.word(j))
                {
                    self.relative_day(i, Some);
                    self.found_part(i, part);
                    return Some(2);
                }
                None
            }
            _ => {
                let (wd, ambiguous) = weekday_of(w)?;
                if ambiguous && !self.weekday_context(i) {
                    return None;
                }
                if self.date_follows(i + 1) {
                    // "Tuesday, December 15": the date says which Tuesday.
                    return Some(1);
                }
                let (a, b) = (self.word(i + 1), self.word(i + 2));
                let (next, extra, used) = match (a, b) {
                    ("after", "next") => (true, 7, 3),
                    ("next", "week") => (true, 0, 3),
                    ("this", "week") => (false, 0, 3),
                    _ => (false, 0, 1),
                };
                self.relative_day(i, |t| {
                    Some(if next {
                        next_weekday(t, wd) + extra
                    } else {
                        this_weekday(t, wd)
                    })
                });
                Some(used)
            }
        }
    }

    /// A date right after a weekday: "Tuesday, December 15", "Tue 12/15",
    /// "Tuesday the 15th".
    fn date_follows(&self, j: usize) -> bool {
        let j = j + usize::from(self.sym(j) == Some(b','));
        month_of(self.word(j)).is_some()
            || (self.word(j) == "the" && self.dom(j + 1).is_some())
            || (self.num(j).is_some()
                && (matches!(self.sym(j + 1), Some(b'/' | b'-')) && self.cluster_end(j) > j + 1
                    || self.dom(j).is_some_and(|(_, _, k)| k == DomKind::Ordinal)))
    }

    /// "sat", "sun", "wed", "mon" are weekdays only where a day is meant.
    fn weekday_context(&self, i: usize) -> bool {
        let next = self.word(i + 1);
        matches!(
            self.prev_word(i),
            "on" | "this"
                | "next"
                | "coming"
                | "by"
                | "until"
                | "till"
                | "til"
                | "before"
                | "after"
                | "or"
                | "and"
                | "every"
                | "through"
                | "thru"
        ) || self.num(i + 1).is_some()
            || part_of(next).is_some()
            || matches!(next, "noon" | "or" | "and")
            || (next == "at"
                && (self.num(i + 2).is_some()
                    || hour_word(self.word(i + 2)).is_some()
                    || matches!(self.word(i + 2), "noon" | "midday")))
            || self.alone(i, i + 1)
    }

    /// "December 14", "Dec. 14th, 2026", "December the fourteenth".
    fn month_first(&mut self, i: usize) -> Option<usize> {
        let m = month_of(self.word(i))?;
        let mut j = i + 1;
        if self.sym(j) == Some(b'.') && self.glued(j) {
            j += 1;
        }
        if self.word(j) == "the" {
            j += 1;
        }
        let (d, n, kind) = self.dom(j)?;
        let after = j + n;
        if matches!(kind, DomKind::Bare | DomKind::CardWord)
            && (self.meridiem(after).is_some()
                || self.oclock(after).is_some()
                || self.minute_word(after).is_some())
        {
            // "may 3 pm": a time.
            return None;
        }
        let year = self.year_tail(after);
        self.found_date(i, year.map(|y| y.0), m, d);
        Some(after + year.map_or(0, |y| y.1) - i)
    }

    /// "the 14th", "the 14", "the fourteenth", "the 14th of December".
    fn the_day(&mut self, i: usize) -> Option<usize> {
        if self.word(i) != "the" {
            return None;
        }
        let (d, n, kind) = self.dom(i + 1)?;
        let j = i + 1 + n;
        if kind != DomKind::CardWord
            && let Some((m, mn)) = self.month_tail(j)
        {
            let year = self.year_tail(j + mn);
            self.found_date(i, year.map(|y| y.0), m, d);
            return Some(j + mn + year.map_or(0, |y| y.1) - i);
        }
        let ok = match kind {
            DomKind::Ordinal => true,
            // "the first available" is no date; "on the first" is.
            DomKind::OrdWord => d > 2 || self.prev_word(i) == "on",
            DomKind::Bare => self.day_follows_ok(j) && self.meridiem(j).is_none(),
            DomKind::CardWord => false,
        };
        if !ok {
            return None;
        }
        self.relative_day(i, |t| day_of_month(t, d));
        Some(j - i)
    }

    /// "fourteenth of December".
    fn ordinal_first(&mut self, i: usize) -> Option<usize> {
        let (d, n) = self.ordinal_word(i)?;
        let (m, mn) = self.month_tail(i + n)?;
        let year = self.year_tail(i + n + mn);
        self.found_date(i, year.map(|y| y.0), m, d);
        Some(n + mn + year.map_or(0, |y| y.1))
    }

    /// "noon", "midday", "midnight".
    fn named_time(&mut self, i: usize) -> Option<usize> {
        let secs = match self.word(i) {
            "noon" | "midday" => 12 * HOUR,
            "midnight" => 0,
            _ => return None,
        };
        self.found_time(i, Some(Clock { secs, loose: None }), STRONG);
        Some(1)
    }

    /// "morning", "afternoon", "evening", "night"; not "good morning".
    fn part_word(&mut self, i: usize) -> Option<usize> {
        let part = part_of(self.word(i))?;
        if !matches!(self.prev_word(i), "good" | "last") {
            self.found_part(i, part);
        }
        Some(1)
    }

    /// "half past 3", "quarter to four", "ten past 4", "20 minutes to 5".
    fn past_to(&mut self, i: usize) -> Option<usize> {
        let (mins, mut j, counted) = match self.word(i) {
            "quarter" => (15, i + 1, true),
            "half" => (30, i + 1, false),
            _ => {
                let (m, n) = match self.num(i) {
                    Some((m, d)) if d <= 2 && self.lone_number(i) && !self.glued(i + 1) => (m, 1),
                    Some(_) => return None,
                    None => self.number_word(i)?,
                };
                let named = matches!(self.word(i + n), "minutes" | "minute" | "mins" | "min");
                (m, i + n + usize::from(named), named)
            }
        };
        if !(1..=59).contains(&mins) {
            return None;
        }
        let before = match self.word(j) {
            "past" | "after" => false,
            // "from 10 to 4" is a range, so "to" needs "quarter" or "minutes".
            "to" | "of" | "till" | "til" if counted => true,
            _ => return None,
        };
        j += 1;
        let h = match self.num(j) {
            Some((h, d)) if d <= 2 && self.lone_number(j) => h,
            Some(_) => return None,
            None => hour_word(self.word(j))?,
        };
        if !(1..=12).contains(&h) {
            return None;
        }
        j += 1;
        let pm = self.meridiem(j);
        let total = h * 60 + mins;
        let total = if before { total - 2 * mins } else { total };
        let (h, m) = match total / 60 {
            0 => (12, total % 60),
            h => (h, total % 60),
        };
        self.found_time(i, clock(h, m, pm.map(|p| p.0), false), STRONG);
        Some(j + pm.map_or(0, |p| p.1) - i)
    }

    /// Anything starting with digits: times, dates, and numbers that are
    /// neither.
    fn number(&mut self, i: usize) -> Option<usize> {
        self.num(i)?;
        let end = self.cluster_end(i);
        if !self.start_ok(i) || self.taint_after(end) {
            return Some(end - i);
        }
        let parts: Vec<(u32, usize)> = (i..end).step_by(2).filter_map(|k| self.num(k)).collect();
        let seps: Vec<u8> = (i + 1..end)
            .step_by(2)
            .filter_map(|k| self.sym(k))
            .collect();
        let mut used = end - i;
        match (parts.as_slice(), seps.as_slice()) {
            ([(v, digits)], []) => used = self.lone(i, *v, *digits),
            ([(h, hd), (m, 2)], [sep @ (b':' | b'.')]) if *hd <= 2 => {
                let pm = self.meridiem(end);
                let rank = match (pm, sep) {
                    (Some(_), _) | (None, b':') => STRONG,
                    // "3.30" alone could be a price.
                    (None, _) if self.is_cue(i) => MEDIUM,
                    _ => return Some(used),
                };
                let h24 = pm.is_none() && h24(*h, *hd);
                self.found_time(i, clock(*h, *m, pm.map(|p| p.0), h24), rank);
                used += pm.map_or(0, |p| p.1);
            }
            ([(a, ad), (b, bd)], [b'-']) if *ad <= 2 && *bd <= 2 => {
                // "3-5pm", "between 3-5": the start. "11-1pm" starts in the
                // morning, "12-2pm" at noon.
                let pm = self.meridiem(end);
                let rank = match pm {
                    Some(_) => STRONG,
                    None if self.is_cue(i) => MEDIUM,
                    None => return Some(used),
                };
                let start_pm = pm.map(|(pm, _)| pm ^ (a % 12 > b % 12));
                let h24 = pm.is_none() && h24(*a, *ad);
                self.found_time(i, clock(*a, 0, start_pm, h24), rank);
                used += pm.map_or(0, |p| p.1);
            }
            ([(m, md), (d, dd)], [b'/']) if *md <= 2 && *dd <= 2 => {
                self.found_date(i, None, *m, *d);
            }
            ([(a, ad), (b, bd), (c, cd)], [b'/', b'/']) => {
                let ymd = match (ad, bd, cd) {
                    (4, 1..=2, 1..=2) => Some((*a, *b, *c)),
                    (1..=2, 1..=2, 4) => Some((*c, *a, *b)),
                    (1..=2, 1..=2, 2) => Some((2000 + *c, *a, *b)),
                    _ => None,
                };
                if let Some((y, m, d)) = ymd {
                    self.found_date(i, Some(y), m, d);
                }
            }
            ([(y, 4), (m, 1..=2), (d, 1..=2)], [b'-', b'-']) => {
                self.found_date(i, Some(*y), *m, *d);
            }
            _ => {}
        }
        Some(used)
    }

    /// A number on its own at `i`: "3pm", "14th", "14 December", "at 3",
    /// "at 3 30", "330pm".
    fn lone(&mut self, i: usize, v: u32, digits: usize) -> usize {
        let j = i + 1;
        if digits > 2 {
            if digits <= 4
                && let Some((pm, n)) = self.meridiem(j)
            {
                self.found_time(i, clock(v / 100, v % 100, Some(pm), false), STRONG);
                return 1 + n;
            }
            return 1;
        }
        if self.glued(j)
            && let Tok::Word(w) = self.t[j].tok
        {
            if matches!(w, "th" | "st" | "nd" | "rd") {
                if let Some((m, mn)) = self.month_tail(j + 1) {
                    let year = self.year_tail(j + 1 + mn);
                    self.found_date(i, year.map(|y| y.0), m, v);
                    return 2 + mn + year.map_or(0, |y| y.1);
                }
                self.relative_day(i, |t| day_of_month(t, v));
                return 2;
            }
            if w == "ish" {
                self.found_time(i, clock(v, 0, None, h24(v, digits)), MEDIUM);
                return 2;
            }
            if self.meridiem(j).is_none() {
                // "3x", "30min": a count, not a time.
                return 2;
            }
        }
        if let Some((pm, n)) = self.meridiem(j) {
            self.found_time(i, clock(v, 0, Some(pm), false), STRONG);
            return 1 + n;
        }
        if let Some(n) = self.oclock(j) {
            let pm = self.meridiem(j + n);
            self.found_time(i, clock(v, 0, pm.map(|p| p.0), false), STRONG);
            return 1 + n + pm.map_or(0, |p| p.1);
        }
        if let Some((m, mn)) = self.month_tail(j) {
            let year = self.year_tail(j + mn);
            self.found_date(i, year.map(|y| y.0), m, v);
            return 1 + mn + year.map_or(0, |y| y.1);
        }
        if let Some((m, 2)) = self.num(j)
            && self.lone_number(j)
        {
            // "3 30 pm", "at 3 30"
            if let Some((pm, n)) = self.meridiem(j + 1) {
                self.found_time(i, clock(v, m, Some(pm), false), STRONG);
                return 2 + n;
            }
            if self.is_cue(i) {
                self.found_time(i, clock(v, m, None, h24(v, digits)), MEDIUM);
                return 2;
            }
        }
        if self.bare_hour_is_time(i, j) {
            self.found_time(i, clock(v, 0, None, h24(v, digits)), WEAK);
        }
        1
    }

    /// Hours in words: "three", "three thirty", "ten am", "one o'clock".
    fn word_hour(&mut self, i: usize) -> Option<usize> {
        let h = hour_word(self.word(i))?;
        let j = i + 1;
        if let Some((m, n)) = self.minute_word(j) {
            let pm = self.meridiem(j + n);
            let rank = if pm.is_some() { STRONG } else { MEDIUM };
            self.found_time(i, clock(h, m, pm.map(|p| p.0), false), rank);
            return Some(1 + n + pm.map_or(0, |p| p.1));
        }
        if let Some((pm, n)) = self.meridiem(j) {
            self.found_time(i, clock(h, 0, Some(pm), false), STRONG);
            return Some(1 + n);
        }
        if let Some(n) = self.oclock(j) {
            let pm = self.meridiem(j + n);
            self.found_time(i, clock(h, 0, pm.map(|p| p.0), false), STRONG);
            return Some(1 + n + pm.map_or(0, |p| p.1));
        }
        if self.bare_hour_is_time(i, j) {
            self.found_time(i, clock(h, 0, None, false), WEAK);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> i64 {
        day_number(y, m, d)
    }

    fn at(h: u32, m: u32) -> u32 {
        h * HOUR + m * 60
    }

    /// Monday, 23 November 2026.
    fn monday() -> i64 {
        date(2026, 11, 23)
    }

    fn when(day: Option<i64>, time: Option<u32>, part: Option<DayPart>) -> When {
        When { day, time, part }
    }

    #[test]
    fn today_is_a_monday() {
        assert_eq!(weekday(monday()), 0);
        assert_eq!(civil(monday()), (2026, 11, 23));
    }

    #[test]
    fn phrases() {
        use DayPart::*;
        let d = |m: u32, day: u32| Some(date(2026, m, day));
        let t = |h: u32, m: u32| Some(at(h, m));
        let cases: Vec<(&str, When)> = vec![
            // The product spec's three.
            ("tomorrow at 3", when(d(11, 24), t(15, 0), None)),
            ("next Tuesday morning", when(d(12, 1), None, Some(Morning))),
            ("3:30pm on the 14th", when(d(12, 14), t(15, 30), None)),
            // Days.
            (
                "can I book a haircut tomorrow at 3 please",
                when(d(11, 24), t(15, 0), None),
            ),
            ("Today?", when(d(11, 23), None, None)),
            ("tonight", when(d(11, 23), None, Some(Evening))),
            ("tonight at 8", when(d(11, 23), t(20, 0), Some(Evening))),
            ("tmrw 10am", when(d(11, 24), t(10, 0), None)),
            ("tmr?", when(d(11, 24), None, None)),
            ("the day after tomorrow", when(d(11, 25), None, None)),
            ("Tuesday", when(d(11, 24), None, None)),
            ("this tuesday", when(d(11, 24), None, None)),
            ("monday", when(d(11, 23), None, None)),
            ("next monday", when(d(11, 30), None, None)),
            ("next sunday", when(d(12, 6), None, None)),
            ("next week tuesday", when(d(12, 1), None, None)),
            ("tuesday after next", when(d(12, 8), None, None)),
            ("thurs at 2", when(d(11, 26), t(14, 0), None)),
            ("fri 3pm", when(d(11, 27), t(15, 0), None)),
            ("Sat at 10", when(d(11, 28), t(10, 0), None)),
            ("I sat in traffic", when(None, None, None)),
            ("the 14th", when(d(12, 14), None, None)),
            ("on the 30th", when(d(11, 30), None, None)),
            ("the 31st", when(d(12, 31), None, None)),
            ("23rd", when(d(11, 23), None, None)),
            ("the 15?", when(d(12, 15), None, None)),
            ("on the fourteenth", when(d(12, 14), None, None)),
            ("December 14", when(d(12, 14), None, None)),
            ("Dec 14th at 11", when(d(12, 14), t(11, 0), None)),
            ("14 December", when(d(12, 14), None, None)),
            ("the 14th of December", when(d(12, 14), None, None)),
            ("December fourteenth", when(d(12, 14), None, None)),
            (
                "December 14, 2026 at 3:30 p.m.",
                when(d(12, 14), t(15, 30), None),
            ),
            ("12/14", when(d(12, 14), None, None)),
            ("12/14/2026", when(d(12, 14), None, None)),
            ("12/14/26 at 9", when(d(12, 14), t(9, 0), None)),
            ("2026-12-14", when(d(12, 14), None, None)),
            ("2025-12-14", when(None, None, None)),
            ("Jan 5", when(Some(date(2027, 1, 5)), None, None)),
            ("Feb 29", when(None, None, None)),
            ("Feb 30", when(None, None, None)),
            ("13/45", when(None, None, None)),
            ("not tomorrow, wednesday", when(d(11, 25), None, None)),
            // Times.
            ("12am", when(None, t(0, 0), None)),
            ("12pm", when(None, t(12, 0), None)),
            ("noon", when(None, t(12, 0), None)),
            ("at 12 midnight", when(None, t(0, 0), None)),
            ("3 pm", when(None, t(15, 0), None)),
            ("3p", when(None, t(15, 0), None)),
            ("3.30pm", when(None, t(15, 30), None)),
            ("330pm", when(None, t(15, 30), None)),
            ("15:30", when(None, t(15, 30), None)),
            ("07:00", when(None, t(7, 0), None)),
            ("3 o'clock", when(None, t(15, 0), None)),
            ("half past 3", when(None, t(15, 30), None)),
            ("quarter past 3", when(None, t(15, 15), None)),
            ("quarter to 4", when(None, t(15, 45), None)),
            ("at 10", when(None, t(10, 0), None)),
            ("at 7", when(None, t(19, 0), None)),
            ("at 7 in the morning", when(None, t(7, 0), Some(Morning))),
            ("3 30 pm", when(None, t(15, 30), None)),
            ("at 25", when(None, None, None)),
            ("25:00", when(None, None, None)),
            ("3:75pm", when(None, None, None)),
            ("between 2 and 4", when(None, t(14, 0), None)),
            ("can you do 3-5pm", when(None, t(15, 0), None)),
            ("11-1pm", when(None, t(11, 0), None)),
            ("12-2 pm", when(None, t(12, 0), None)),
            ("Sun at noon", when(d(11, 29), t(12, 0), None)),
            ("Tuesday, December 15", when(d(12, 15), None, None)),
            (
                "I can't do tomorrow but Thursday works",
                when(d(11, 26), None, None),
            ),
            ("my appt is at 123 Main St", when(None, None, None)),
            ("24:00", when(None, None, None)),
            ("12/31/2029", when(None, None, None)),
            ("not at 3, at 4 works", when(None, t(16, 0), None)),
            // Words.
            ("three", when(None, t(15, 0), None)),
            ("three thirty", when(None, t(15, 30), None)),
            ("three pm", when(None, t(15, 0), None)),
            ("ten am", when(None, t(10, 0), None)),
            ("eleven fifteen", when(None, t(11, 15), None)),
            ("at three forty-five", when(None, t(15, 45), None)),
            (
                "ten thirty in the morning",
                when(None, t(10, 30), Some(Morning)),
            ),
            ("quarter to four", when(None, t(15, 45), None)),
            // Parts of day.
            ("this morning", when(d(11, 23), None, Some(Morning))),
            ("tomorrow morning", when(d(11, 24), None, Some(Morning))),
            (
                "tomorrow afternoon at 4",
                when(d(11, 24), t(16, 0), Some(Afternoon)),
            ),
            (
                "Thursday evening at 6:30",
                when(d(11, 26), t(18, 30), Some(Evening)),
            ),
            (
                "tomorrow night at 8",
                when(d(11, 24), t(20, 0), Some(Evening)),
            ),
            (
                "good morning, is friday at 4 ok?",
                when(d(11, 27), t(16, 0), None),
            ),
            // Numbers that are neither.
            ("call me at +15005550006", when(None, None, None)),
            ("it costs $30", when(None, None, None)),
            ("my number is 500 555 0006", when(None, None, None)),
            ("(500) 555-0006", when(None, None, None)),
            ("a trim for 3 people", when(None, None, None)),
            ("the 3 of us at 5", when(None, t(17, 0), None)),
            ("may I come at 3", when(None, t(15, 0), None)),
            ("14", when(None, t(14, 0), None)),
            ("50% off", when(None, None, None)),
            ("", when(None, None, None)),
        ];
        assert!(cases.len() >= 40);
        for (text, expected) in cases {
            assert_eq!(parse_when(text, monday()), expected, "{text:?}");
        }
    }

    #[test]
    fn month_rollover() {
        let dec31 = date(2026, 12, 31);
        assert_eq!(parse_when("tomorrow", dec31).day, Some(date(2027, 1, 1)));
        assert_eq!(parse_when("the 1st", dec31).day, Some(date(2027, 1, 1)));
        assert_eq!(parse_when("Dec 31", dec31).day, Some(dec31));
        let jan31 = date(2027, 1, 31);
        assert_eq!(parse_when("the 30th", jan31).day, Some(date(2027, 3, 30)));
    }

    #[test]
    fn leap_day() {
        // Neither 2026 nor 2027 has a February 29.
        assert_eq!(parse_when("Feb 29", monday()).day, None);
        // From March 2027 next year's February is 2028's, which has one.
        let march = date(2027, 3, 1);
        assert_eq!(parse_when("Feb 29", march).day, Some(date(2028, 2, 29)));
        assert_eq!(parse_when("2/29", march).day, Some(date(2028, 2, 29)));
        assert_eq!(parse_when("2/29/2027", march).day, None);
        // "the 29th" in February 2027 skips to March.
        let feb = date(2027, 2, 10);
        assert_eq!(parse_when("the 29th", feb).day, Some(date(2027, 3, 29)));
    }

    #[test]
    fn next_weekday_rule() {
        let saturday = date(2026, 11, 28);
        assert_eq!(
            parse_when("next tuesday", saturday).day,
            Some(date(2026, 12, 1))
        );
        assert_eq!(parse_when("next tuesday", monday()).day, Some(monday() + 8));
    }

    #[test]
    fn formats() {
        assert_eq!(say_day(date(2026, 12, 15)), "Tuesday, December 15");
        assert_eq!(say_time(at(15, 0)), "3:00 PM");
        assert_eq!(say_time(at(15, 30)), "3:30 PM");
        assert_eq!(say_time(0), "12:00 AM");
        assert_eq!(say_time(at(12, 5)), "12:05 PM");
        assert!(!say_day(i64::MAX).is_empty());
    }

    #[test]
    fn far_days_name_no_day() {
        assert_eq!(
            parse_when("tomorrow at 3", i64::MAX),
            when(None, Some(at(15, 0)), None)
        );
        assert_eq!(parse_when("next sun", i64::MIN).day, None);
    }

    const WEEKDAY_SPELLINGS: [&[&str]; 7] = [
        &["monday", "Mon", "mondays"],
        &["tuesday", "tue", "Tues"],
        &["Wednesday", "wed", "weds"],
        &["thursday", "thu", "THURS", "thur"],
        &["friday", "Fri"],
        &["saturday", "sat"],
        &["sunday", "Sun"],
    ];

    fn wide_day() -> impl Strategy<Value = i64> {
        // 1900 to 2200.
        -25_567i64..84_000
    }

    fn vocabulary() -> impl Strategy<Value = String> {
        let words = vec![
            "today",
            "tonight",
            "tomorrow",
            "tmrw",
            "day",
            "after",
            "next",
            "this",
            "coming",
            "week",
            "the",
            "of",
            "on",
            "at",
            "around",
            "in",
            "good",
            "not",
            "t",
            "morning",
            "afternoon",
            "evening",
            "night",
            "noon",
            "midnight",
            "half",
            "quarter",
            "past",
            "to",
            "minutes",
            "o",
            "clock",
            "am",
            "pm",
            "a",
            "p",
            "m",
            "th",
            "st",
            "nd",
            "rd",
            "ish",
            "sat",
            "tue",
            "sunday",
            "dec",
            "feb",
            "may",
            "fourteenth",
            "first",
            "twenty",
            "thirty",
            "three",
            "eleven",
            "fifteen",
            "oh",
            "five",
            ":",
            ".",
            "/",
            "-",
            ",",
            "$",
            "+",
            "%",
            "@",
            "0",
            "3",
            "12",
            "14",
            "29",
            "30",
            "31",
            "59",
            "99",
            "330",
            "2026",
            "1999",
            "2031",
            "15005550006",
            "é",
            "’",
        ];
        proptest::collection::vec(
            (
                proptest::sample::select(words),
                proptest::sample::select(vec!["", " "]),
            ),
            0..12,
        )
        .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{s}{w}")).collect())
    }

    fn check_invariants(w: When, today: i64) -> Result<(), TestCaseError> {
        if let Some(day) = w.day {
            prop_assert!(day >= today, "{day} before {today}");
            prop_assert!(day - today < 4 * 366, "{day} too far after {today}");
        }
        if let Some(time) = w.time {
            prop_assert!(time < 86_400);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn weekdays_land_on_their_day(today in wide_day(), wd in 0usize..7, k in 0usize..4) {
            let names = WEEKDAY_SPELLINGS[wd];
            let name = names[k % names.len()];
            let day = parse_when(name, today).day.expect("a weekday");
            prop_assert_eq!(weekday(day), wd);
            prop_assert!((0..=6).contains(&(day - today)));
            let this = parse_when(&format!("this {name}"), today).day;
            prop_assert_eq!(this, Some(day));

            let next = parse_when(&format!("next {name}"), today).day.expect("a weekday");
            prop_assert_eq!(weekday(next), wd);
            prop_assert!((1..=13).contains(&(next - today)));
            // The stated rule: soonest strictly after, a week on if in this week.
            let soonest = (1..=7).map(|k| today + k).find(|d| weekday(*d) == wd).unwrap();
            let same_week = soonest - weekday(soonest) as i64 == today - weekday(today) as i64;
            prop_assert_eq!(next, if same_week { soonest + 7 } else { soonest });
        }

        #[test]
        fn clock_times_round_trip(h in 1u32..=12, m in 0u32..60, pm: bool, today in wide_day()) {
            let expected = (h % 12 + if pm { 12 } else { 0 }) * HOUR + m * 60;
            for text in [
                format!("{h}:{m:02} {}", if pm { "pm" } else { "am" }),
                format!("{h}:{m:02}{}", if pm { "PM" } else { "a.m." }),
                format!("could I come tomorrow at {h}:{m:02} {}?", if pm { "p.m." } else { "am" }),
            ] {
                prop_assert_eq!(parse_when(&text, today).time, Some(expected), "{}", text);
            }
        }

        #[test]
        fn say_time_round_trips(minute in 0u32..1440, today in wide_day()) {
            let secs = minute * 60;
            prop_assert_eq!(parse_when(&say_time(secs), today).time, Some(secs));
        }

        #[test]
        fn dates_round_trip(today in wide_day(), ahead in 0i64..365, long in 0i64..1096) {
            let day = today + ahead;
            let (_, m, d) = civil(day);
            let month = MONTH_NAMES[m as usize - 1];
            prop_assert_eq!(parse_when(&format!("{month} {d}"), today).day, Some(day));
            prop_assert_eq!(parse_when(&format!("{d} {}", &month[..3]), today).day, Some(day));
            prop_assert_eq!(parse_when(&format!("{m}/{d}"), today).day, Some(day));

            let day = today + long;
            let (y, m, d) = civil(day);
            prop_assert_eq!(parse_when(&format!("{m}/{d}/{y}"), today).day, Some(day));
            prop_assert_eq!(parse_when(&format!("{y}-{m:02}-{d:02}"), today).day, Some(day));
            prop_assert_eq!(
                parse_when(&format!("{}, {} {d}, {y}", WEEKDAY_NAMES[weekday(day)], MONTH_NAMES[m as usize - 1]), today).day,
                Some(day)
            );
        }

        #[test]
        fn say_day_reads_back(today in wide_day(), ahead in 0i64..365) {
            let day = today + ahead;
            prop_assert_eq!(parse_when(&say_day(day), today).day, Some(day));
        }

        #[test]
        fn any_text_is_safe(text in any::<String>(), today: i64) {
            check_invariants(parse_when(&text, today), today)?;
        }

        #[test]
        fn phrase_soup_is_safe(text in vocabulary(), today in prop_oneof![wide_day(), any::<i64>()]) {
            check_invariants(parse_when(&text, today), today)?;
        }
    }
}
