//! `edgedesk-cli uptime`: synthetic checks of a live deployment, as its
//! callers use it: the health route, a call signed exactly as Twilio signs
//! it, and (with a widget token) a widget conversation. Any failure exits
//! non-zero and, with a Slack webhook, is posted there.

use clap::Args;
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Args, Debug, Clone)]
pub struct UptimeArgs {
    /// The deployment, e.g. https://edgedesk.example.com.
    #[arg(long, env = "UPTIME_BASE_URL")]
    pub base_url: String,
    /// The business the synthetic call and chat are for.
    #[arg(long, env = "UPTIME_BUSINESS_ID")]
    pub business_id: String,
    /// The business's Twilio auth token, which signs the synthetic call.
    #[arg(long, env = "UPTIME_TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_token: String,
    /// The business's widget token: also hold a widget conversation.
    #[arg(long, env = "UPTIME_WIDGET_TOKEN", hide_env_values = true)]
    pub widget_token: Option<String>,
    /// Where failures are posted (a Slack incoming webhook).
    #[arg(long, env = "SLACK_WEBHOOK", hide_env_values = true)]
    pub slack_webhook: Option<String>,
    /// Seconds each request may take.
    #[arg(long, default_value_t = 15)]
    pub timeout_secs: u64,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
    pub millis: u128,
}

/// Every check, in order; a check that cannot start because an earlier one
/// failed is not run.
pub fn run(a: &UptimeArgs) -> Vec<Check> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(a.timeout_secs))
        .build();
    let base = a.base_url.trim_end_matches('/');
    let mut checks = vec![
        timed("health", || health(&agent, base)),
        timed("twilio voice", || twilio_call(&agent, base, a)),
    ];
    if let Some(token) = a.widget_token.as_deref().filter(|t| !t.is_empty()) {
        checks.push(timed("widget", || widget(&agent, base, token)));
    }
    checks
}

/// Prints the checks, posts a failure to Slack, and says whether all passed.
pub fn report(a: &UptimeArgs, checks: &[Check]) -> bool {
    for c in checks {
        println!(
            "{} {:<13} {:>6} ms  {}",
            if c.ok { "ok  " } else { "FAIL" },
            c.name,
            c.millis,
            c.detail
        );
    }
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.ok).collect();
    if failed.is_empty() {
        return true;
    }
    if let Some(hook) = a.slack_webhook.as_deref().filter(|h| !h.is_empty()) {
        let lines: Vec<String> = failed
            .iter()
            .map(|c| format!("• {}: {}", c.name, c.detail))
            .collect();
        let text = format!(
            ":rotating_light: Edgedesk uptime check failed for {} (business {}):\n{}",
            a.base_url,
            a.business_id,
            lines.join("\n")
        );
        if let Err(e) = ureq::post(hook)
            .timeout(Duration::from_secs(10))
            .set("content-type", "application/json")
            .send_string(&json!({ "text": text }).to_string())
        {
            eprintln!("posting to Slack failed: {e}");
        }
    }
    false
}

fn timed(name: &'static str, f: impl FnOnce() -> Result<String, String>) -> Check {
    let started = Instant::now();
    let outcome = f();
    let millis = started.elapsed().as_millis();
    match outcome {
        Ok(detail) => Check {
            name,
            ok: true,
            detail,
            millis,
        },
        Err(detail) => Check {
            name,
            ok: false,
            detail,
            millis,
        },
    }
}

/// Status and body of an answer, whatever its status.
fn answered(result: Result<ureq::Response, ureq::Error>) -> Result<(u16, String), String> {
    match result {
        Ok(r) => Ok((r.status(), r.into_string().unwrap_or_default())),
        Err(ureq::Error::Status(code, r)) => Ok((code, r.into_string().unwrap_or_default())),
        Err(e) => Err(format!("no answer: {e}")),
    }
}

fn brief(body: &str) -> String {
    body.chars().take(200).collect()
}

fn health(agent: &ureq::Agent, base: &str) -> Result<String, String> {
    let (status, body) = answered(agent.get(&format!("{base}/health")).call())?;
    if status != 200 {
        return Err(format!("GET /health answered {status}: {}", brief(&body)));
    }
    Ok("200".into())
}

fn nonce() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A new call, as Twilio posts it: the assistant must answer with TwiML
/// that speaks and listens.
fn twilio_call(agent: &ureq::Agent, base: &str, a: &UptimeArgs) -> Result<String, String> {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("business_id", &a.business_id)
        .finish();
    let url = format!("{base}/v1/twilio/voice?{query}");
    let sid = format!("CAuptime{:024x}", nonce());
    let params = [
        ("CallSid", sid.as_str()),
        ("AccountSid", "ACuptime"),
        ("From", "+15005550000"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ];
    let signature = edgedesk_core::twilio::signature(&a.twilio_token, &url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let (status, text) = answered(
        agent
            .post(&url)
            .set("content-type", "application/x-www-form-urlencoded")
            .set("x-twilio-signature", &signature)
            .send_string(&body),
    )?;
    if status != 200 {
        return Err(format!("the call was answered {status}: {}", brief(&text)));
    }
    if !text.contains("<Response>") || !text.contains("<Say>") {
        return Err(format!(
            "the call's answer is not speaking TwiML: {}",
            brief(&text)
        ));
    }
    Ok("200, TwiML greeting".into())
}

/// A widget session and one question: both must be answered with words.
fn widget(agent: &ureq::Agent, base: &str, token: &str) -> Result<String, String> {
    let post = |path: &str, body: Value| {
        answered(
            agent
                .post(&format!("{base}{path}"))
                .set("content-type", "application/json")
                .set("x-widget-token", token)
                .send_string(&body.to_string()),
        )
    };
    let (status, text) = post("/v1/widget/session", json!({}))?;
    if status != 201 {
        return Err(format!(
            "the session was answered {status}: {}",
            brief(&text)
        ));
    }
    let session: Value =
        serde_json::from_str(&text).map_err(|_| "the session is not JSON".to_string())?;
    let id = session["session_id"]
        .as_str()
        .ok_or("the session has no session_id")?;
    let (status, text) = post(
        "/v1/widget/message",
        json!({"session_id": id, "text": "what are your hours?", "message_id": format!("uptime-{}", nonce())}),
    )?;
    if status != 200 {
        return Err(format!(
            "the message was answered {status}: {}",
            brief(&text)
        ));
    }
    let reply: Value =
        serde_json::from_str(&text).map_err(|_| "the reply is not JSON".to_string())?;
    match reply["reply"].as_str() {
        Some(r) if !r.trim().is_empty() => Ok("201 then 200 with a reply".into()),
        _ => Err(format!("the reply has no words: {}", brief(&text))),
    }
}
