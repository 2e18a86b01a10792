//! What generated text may say: every number in it must be one the facts
//! hold (as stored, or as the templates write them), and no text may
//! carry control characters (a subject is one line; a body may break
//! lines). The templates pass by construction, which a test checks over
//! every sample customer; an LLM draft is used only if it passes too.

use crate::facts::Facts;
use crate::tenths;

/// Numbers in the templates' own wording ("30 minutes", "a 45-minute
/// session", "towards 80%"), which quote no fact.
const WORDING: [&str; 3] = ["30", "45", "80"];

/// Longest subject, section title or bullet accepted from an LLM.
pub const MAX_LINE_CHARS: usize = 300;
/// Longest body accepted from an LLM.
pub const MAX_TEXT_CHARS: usize = 6_000;

pub struct Grounding {
    /// A few dozen numbers: a list is smaller in a component than a set.
    numbers: Vec<String>,
}

impl Grounding {
    pub fn of(f: &Facts) -> Self {
        let mut numbers = Vec::new();
        let mut add = |text: &str| numbers.extend(number_tokens(text));
        // Through a Value: the answer already serialises the facts that way.
        add(&serde_json::to_value(f).unwrap_or_default().to_string());
        add(&f.money());
        for x in [Some(f.avg_daily_active_users), Some(f.seat_utilisation_pct)]
            .into_iter()
            .chain([f.events_change_pct])
            .flatten()
        {
            add(&tenths::fixed(x).to_string());
            add(&tenths::short(x).to_string());
        }
        WORDING.iter().for_each(|w| add(w));
        Grounding { numbers }
    }

    /// A single line: no control characters at all.
    pub fn line(&self, what: &str, text: &str) -> Result<(), String> {
        self.check(what, text, MAX_LINE_CHARS, false)
    }

    /// Text that may break lines (`\n`), and no other control character.
    pub fn text(&self, what: &str, text: &str) -> Result<(), String> {
        self.check(what, text, MAX_TEXT_CHARS, true)
    }

    fn check(&self, what: &str, text: &str, max: usize, breaks: bool) -> Result<(), String> {
        if text.trim().is_empty() {
            return Err(format!("its {what} was empty"));
        }
        if text.chars().count() > max {
            return Err(format!("its {what} was longer than {max} characters"));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !(breaks && c == '\n'))
        {
            return Err(format!("its {what} held control characters"));
        }
        self.numbers_in(what, text)
    }

    fn numbers_in(&self, what: &str, text: &str) -> Result<(), String> {
        match number_tokens(text).find(|n| !self.numbers.contains(n)) {
            Some(n) => Err(format!("its {what} quoted {n}, which is not in the facts")),
            None => Ok(()),
        }
    }
}

/// The numbers in a text: runs of digits, with `.` or `,` between digits
/// kept (`8.2`, `1,200,000`); thousands separators dropped so `1,200` and
/// `1200` are the same number.
fn number_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let mut token = String::new();
        while i < bytes.len() {
            let b = bytes[i];
            let joins = matches!(b, b'.' | b',')
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !token.is_empty();
            if b.is_ascii_digit() || (b == b'.' && joins) {
                token.push(b as char);
            } else if !(b == b',' && joins) {
                break;
            }
            i += 1;
        }
        Some(token)
    })
}

/// Free text from a stored document, made safe for one line of an email or
/// outline: control characters (CR, LF, tabs, ...) become spaces, and runs
/// of spaces collapse.
pub fn clean_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<String> {
        number_tokens(s).collect()
    }

    #[test]
    fn numbers_are_read_as_written() {
        assert_eq!(
            tokens("USD 1,200,000 a year, 58.8% of 80 seats; T-1042 on 2027-07-15."),
            ["1200000", "58.8", "80", "1042", "2027", "07", "15"]
        );
        assert_eq!(tokens("no digits"), Vec::<String>::new());
        assert_eq!(tokens("1.2.3 ,5 7,"), ["1.2.3", "5", "7"]);
    }

    #[test]
    fn lines_lose_control_characters() {
        assert_eq!(
            clean_line("Login\r\nBcc: all@x.test\tnow"),
            "Login Bcc: all@x.test now"
        );
        assert_eq!(clean_line("  plain  "), "plain");
    }
}
