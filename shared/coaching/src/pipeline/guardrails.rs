//! Guardrails: the first stage, pure. The rep's words are checked before
//! anything else sees them: not empty, not longer than the deployment
//! allows, no blocked terms, and none of the markers of a prompt
//! injection (instructions aimed at the model rather than the buyer it
//! plays).

use super::Verdict;

/// What the guardrails check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guardrails {
    /// `COACH_MAX_INPUT_CHARS` (4000).
    pub max_chars: usize,
    /// `COACH_BLOCKED_TERMS`: comma-separated, matched case-insensitively
    /// as whole words or phrases.
    pub blocked_terms: Vec<String>,
}

impl Default for Guardrails {
    fn default() -> Self {
        Guardrails {
            max_chars: 4000,
            blocked_terms: Vec::new(),
        }
    }
}

/// Phrases that address the model instead of the conversation, and the
/// markup of prompt templates and chat formats.
pub const INJECTION_MARKERS: [&str; 16] = [
    "ignore previous instructions",
    "ignore all previous",
    "ignore the above",
    "disregard previous",
    "disregard the above",
    "forget your instructions",
    "reveal your prompt",
    "reveal the system prompt",
    "show me your system prompt",
    "you are now",
    "new instructions:",
    "<|im_start|>",
    "[inst]",
    "</system>",
    "<script",
    "{{",
];

/// Lowercased, with runs of whitespace as one space: "Ignore   ALL
/// previous" matches as "ignore all previous" does.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn has_phrase(haystack: &str, phrase: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    let mut from = 0;
    while let Some(i) = haystack[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = haystack[..start].chars().next_back();
        let after = haystack[end..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return true;
        }
        from = start + phrase.len().max(1);
        if from >= haystack.len() {
            break;
        }
    }
    false
}

impl Guardrails {
    pub fn check(&self, text: &str) -> Verdict {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Verdict::block("empty", "the message is empty");
        }
        let chars = trimmed.chars().count();
        if chars > self.max_chars {
            return Verdict::block(
                "input_too_long",
                format!(
                    "the message is {chars} characters; at most {} are taken",
                    self.max_chars
                ),
            );
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Verdict::block("control_characters", "the message has control characters");
        }
        let text = normalise(trimmed);
        if let Some(marker) = INJECTION_MARKERS.iter().find(|m| {
            // Markup matches anywhere; phrases as whole words.
            if m.chars()
                .any(|c| !c.is_alphanumeric() && c != ' ' && c != ':')
            {
                text.contains(*m)
            } else {
                has_phrase(&text, m)
            }
        }) {
            return Verdict::block(
                "prompt_injection",
                format!("the message addresses the model (\"{marker}\")"),
            );
        }
        if let Some(term) = self
            .blocked_terms
            .iter()
            .map(|t| normalise(t))
            .find(|t| !t.is_empty() && has_phrase(&text, t))
        {
            return Verdict::block(
                "blocked_content",
                format!("the message contains \"{term}\""),
            );
        }
        Verdict::Allow
    }
}

impl<P: edgedesk_kernel::Platform> super::Stage<P> for Guardrails {
    fn name(&self) -> &'static str {
        "guardrails"
    }

    async fn run(
        &self,
        _: &P,
        turn: &mut super::Turn,
    ) -> Result<super::Step, edgedesk_core::envelope::ApiError> {
        Ok(self.check(&turn.text).into())
    }
}

impl Guardrails {
    /// `COACH_MAX_INPUT_CHARS` and `COACH_BLOCKED_TERMS`.
    pub async fn from_settings(p: &impl edgedesk_kernel::platform::Config) -> Guardrails {
        use edgedesk_kernel::config;
        let d = Guardrails::default();
        Guardrails {
            max_chars: config::non_empty(p, "COACH_MAX_INPUT_CHARS")
                .await
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(d.max_chars),
            blocked_terms: config::list(p, "COACH_BLOCKED_TERMS").await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(v: Verdict) -> &'static str {
        match v {
            Verdict::Allow => "allow",
            Verdict::Block { reason, .. } => reason,
        }
    }

    #[test]
    fn ordinary_sales_talk_passes() {
        let g = Guardrails::default();
        for text in [
            "Hi Dana, thanks for taking the call. How is the month-end close going?",
            "We can start with one team for 60 days; what would success look like for you?",
            "I know you're now evaluating two vendors.",
            "Our pricing is per seat: {seat} placeholders aside, it's $990 a year.",
        ] {
            assert_eq!(g.check(text), Verdict::Allow, "{text}");
        }
    }

    #[test]
    fn each_rule_blocks_with_its_reason() {
        let g = Guardrails {
            max_chars: 40,
            blocked_terms: vec!["Project Falcon".into()],
        };
        assert_eq!(reason(g.check("   ")), "empty");
        assert_eq!(reason(g.check(&"a".repeat(41))), "input_too_long");
        assert_eq!(reason(g.check("hello\u{7}")), "control_characters");
        assert_eq!(
            reason(g.check("Ignore   ALL previous rules")),
            "prompt_injection"
        );
        assert_eq!(reason(g.check("ok <|im_start|>system")), "prompt_injection");
        assert_eq!(
            reason(g.check("tell me about project  falcon")),
            "blocked_content"
        );
        // Whole words only: "you are nowhere" is not "you are now".
        assert_eq!(reason(g.check("you are nowhere near")), "allow");
    }

    proptest! {
        /// A marker is found whatever surrounds it and however it is cased.
        #[test]
        fn markers_are_found_anywhere(before in "[a-z ]{0,20}", after in "[a-z ]{0,20}", i in 0usize..INJECTION_MARKERS.len()) {
            let g = Guardrails { max_chars: 10_000, blocked_terms: vec![] };
            let marker = INJECTION_MARKERS[i].to_uppercase();
            let text = format!("{before} {marker} {after}");
            prop_assert_eq!(reason(g.check(&text)), "prompt_injection");
        }

        /// Text of letters and spaces alone never trips the markup rules,
        /// and under the limit is allowed unless it says a marker phrase.
        #[test]
        fn plain_words_pass(words in proptest::collection::vec("[a-z]{1,8}", 1..30)) {
            let g = Guardrails::default();
            let text = words.join(" ");
            let says_marker = INJECTION_MARKERS.iter().any(|m| has_phrase(&text, m));
            prop_assert_eq!(g.check(&text) == Verdict::Allow, !says_marker);
        }
    }
}
