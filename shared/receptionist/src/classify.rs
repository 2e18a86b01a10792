//! The optional intent classifier: when `LLM_API_URL` is set and the
//! engine's own keyword reading finds no request in a customer's words,
//! an LLM is asked which of the engine's intents they mean. Its answer is
//! only a hint (the engine still asks its questions and reads back any
//! write before it is made); without an LLM, or when it fails, the engine
//! answers as it always does.

use crate::business::Business;
use crate::words::Intent;
use edgedesk_kernel::Platform;
use edgedesk_kernel::llm::{self, LlmSettings};
use serde_json::{Value, json};

const INSTRUCTIONS: &str = "You route a small business's customer messages. Read the customer's \
message and answer a JSON object {\"intent\": X} where X is one of: \"book\" (a new appointment), \
\"reschedule\" (move an existing one), \"cancel\", \"hours\" (opening hours), \"location\", \
\"services\" (what is offered, prices), \"message\" (leave a message for the owner), \"human\" \
(talk to a person), \"help\", or \"none\" when it is none of these.";

/// The intent the model reads in `text`, if it is configured and answers
/// with one of the engine's intents.
pub async fn intent<P: Platform>(p: &P, b: &Business, text: &str) -> Option<Intent> {
    let settings = LlmSettings::read(p).await?;
    let services: Vec<&str> = b.services.iter().map(|s| s.name.as_str()).collect();
    let facts = json!({"business": b.name, "services": services, "message": text});
    llm::complete(p, &settings, INSTRUCTIONS, &facts, accept)
        .await
        .ok()
        .and_then(|c| c.answer)
}

/// A known intent, or `none`; anything else is not an answer.
fn accept(v: &Value) -> Result<Option<Intent>, String> {
    match v.get("intent").and_then(Value::as_str) {
        Some("none") => Ok(None),
        Some(s) => serde_json::from_value::<Intent>(Value::String(s.to_string()))
            .map(Some)
            .map_err(|_| format!("not an intent: {s}")),
        None => Err("no intent in the answer".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_intents_are_accepted() {
        assert_eq!(accept(&json!({"intent": "book"})), Ok(Some(Intent::Book)));
        assert_eq!(accept(&json!({"intent": "human"})), Ok(Some(Intent::Human)));
        assert_eq!(accept(&json!({"intent": "none"})), Ok(None));
        assert!(accept(&json!({"intent": "delete_everything"})).is_err());
        assert!(accept(&json!({"answer": "book"})).is_err());
    }
}
