//! `edgedesk-cli twilio sms`: plays Twilio against a deployment, signing
//! each webhook exactly as Twilio does, so a whole booking can be had by
//! text from a terminal.

use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum TwilioCommand {
    /// Send one text to the business's number; prints the assistant's reply.
    Sms(SmsArgs),
}

#[derive(Args)]
pub struct SmsArgs {
    /// The texter's number.
    #[arg(long, default_value = "+13125550147")]
    pub from: String,
    /// The business's Twilio number.
    #[arg(long, default_value = "+15005550006")]
    pub to: String,
    /// The business's Twilio auth token, which signs the webhook.
    #[arg(
        long,
        env = "TWILIO_AUTH_TOKEN",
        default_value = "dev-twilio-token",
        hide_env_values = true
    )]
    pub token: String,
    /// The webhook path.
    #[arg(long, default_value = "/v1/twilio/sms")]
    pub path: String,
    /// The text.
    pub text: String,
}

pub fn run(base: &str, command: &TwilioCommand) -> ExitCode {
    match command {
        TwilioCommand::Sms(args) => sms(base, args),
    }
}

fn sms(base: &str, a: &SmsArgs) -> ExitCode {
    let url = format!("{}{}", base.trim_end_matches('/'), a.path);
    let sid = format!("SM{:032x}", nonce());
    let params = [
        ("MessageSid", sid.as_str()),
        ("AccountSid", "ACedgedeskcli"),
        ("From", a.from.as_str()),
        ("To", a.to.as_str()),
        ("Body", a.text.as_str()),
    ];
    let signature = edgedesk_core::twilio::signature(&a.token, &url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let result = ureq::post(&url)
        .set("content-type", "application/x-www-form-urlencoded")
        .set("x-twilio-signature", &signature)
        .send_string(&body);
    let (status, text) = match result {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => {
            eprintln!("request failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    if status != 200 {
        eprintln!("{status}: {text}");
        return ExitCode::FAILURE;
    }
    match message(&text) {
        Some(reply) => println!("{reply}"),
        None => println!("(no reply)"),
    }
    ExitCode::SUCCESS
}

/// The text of a TwiML `<Message>`, unescaped.
pub fn message(twiml: &str) -> Option<String> {
    let start = twiml.find("<Message>")? + "<Message>".len();
    let end = twiml[start..].find("</Message>")? + start;
    Some(
        twiml[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// A different MessageSid for each text: Twilio's are unique, and the
/// service treats a repeated signed delivery as a retry.
fn nonce() -> u128 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    t ^ (u128::from(std::process::id()) << 64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_out_of_twiml() {
        let t = "<?xml version=\"1.0\"?><Response><Message>You&apos;re booked &amp; set</Message></Response>";
        assert_eq!(message(t).as_deref(), Some("You're booked & set"));
        assert_eq!(message("<Response></Response>"), None);
    }
}
