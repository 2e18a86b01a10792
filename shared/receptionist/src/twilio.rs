//! Twilio's webhooks: calls (TwiML with `<Gather>` for each turn), texts
//! (TwiML `<Message>`) and call status callbacks. Every request is checked
//! against `X-Twilio-Signature` with the business's auth token over the
//! public URL it was sent to before anything else, and each delivery is
//! acted on once ([`crate::deliveries`]).

use crate::business::{self, Business};
use crate::contacts;
use crate::conversations::{self, Conversation, IDLE_MS};
use crate::db;
use crate::deliveries::{self, Claim};
use crate::engine::{Action, Channel, Reply, Stage};
use crate::turn::{self, Inbound};
use crate::twiml;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_core::twilio as signature;
use edgedesk_kernel::{Platform, Request, Response, body, config};

/// A verified webhook: its business, form parameters and public URL.
pub struct Hook {
    pub business: Business,
    pub params: Vec<(String, String)>,
    pub url: String,
}

impl Hook {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The URL Twilio requested: `PUBLIC_BASE_URL` (behind a proxy that
/// rewrites the host or scheme) followed by the path and query, else the
/// request's own host, over https unless `X-Forwarded-Proto` says
/// otherwise.
pub async fn public_url<P: Platform>(p: &P, req: &Request) -> String {
    let target = req.target();
    if let Some(base) = config::non_empty(p, "PUBLIC_BASE_URL").await {
        return format!("{}{target}", base.trim_end_matches('/'));
    }
    let scheme = req.header("x-forwarded-proto").unwrap_or("https");
    let host = req.header("host").unwrap_or("localhost");
    format!("{scheme}://{host}{target}")
}

/// The form parameters of a Twilio request, decoded.
pub fn form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

fn refuse() -> ApiError {
    ApiError::forbidden("the request's Twilio signature is missing or not valid")
}

/// Checks the signature. The business is found from the number called
/// (`To`), or `business_id` in the query; without one there is no token
/// to check with, and the request is refused like a bad signature.
pub async fn verify<P: Platform>(p: &P, req: &Request) -> Result<Hook, ApiError> {
    let raw = body::bytes(req)?;
    let json = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    let params = if json { Vec::new() } else { form(raw) };
    let to = params
        .iter()
        .find(|(k, _)| k == "To")
        .map(|(_, v)| v.as_str());
    let by_query = query_param(&req.query, "business_id");
    let business = match (to, by_query) {
        (Some(number), _) => business::by_number(p, number).await?,
        (None, Some(id)) => business::by_id(p, &id).await?,
        (None, None) => None,
    };
    let Some(business) = business else {
        return Err(refuse());
    };
    let Some(token) = config::non_empty(p, &business.twilio_token_secret).await else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "this business's Twilio auth token is not configured",
        ));
    };
    let url = public_url(p, req).await;
    let given = req.header("x-twilio-signature").unwrap_or_default();
    let valid = if json {
        signature::is_valid_json(&token, &url, raw, given)
    } else {
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        signature::is_valid(&token, &url, &pairs, given)
    };
    if given.is_empty() || !valid {
        return Err(refuse());
    }
    // Only a request Twilio signed learns that the business is locked.
    business.answering()?;
    Ok(Hook {
        business,
        params,
        url,
    })
}

fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A refusal as TwiML callers expect it: the envelope for anything but a
/// verified request's faults, which Twilio reads as an application error;
/// a locked business's line says it is unavailable, still with 423.
pub fn refusal(e: &ApiError, kind: &str) -> Response {
    if e.code != ErrorCode::Locked {
        return Response::error(e);
    }
    let unavailable = "This line is unavailable right now. Please try again later.";
    match kind {
        "sms" => twiml::response(423, &twiml::message(unavailable)),
        "status" => twiml::response(423, ""),
        _ => twiml::response(423, &twiml::goodbye(unavailable)),
    }
}

/// Verifies, then claims the delivery: `Err` is the answer to send at once
/// (a refusal, or the stored answer of a delivery already acted on).
async fn accept<P: Platform>(p: &P, req: &Request, kind: &str) -> Result<(Hook, String), Response> {
    let hook = verify(p, req).await.map_err(|e| refusal(&e, kind))?;
    let key = deliveries::key(
        kind,
        &hook.url,
        &hook.params,
        body::bytes(req).unwrap_or_default(),
    );
    match deliveries::claim(p, &key, &hook.business.id).await {
        Ok(Claim::Mine) => Ok((hook, key)),
        Ok(Claim::Answered(stored)) => Err(stored),
        Err(e) => Err(refusal(&e, kind)),
    }
}

/// Verifies and claims, then runs `then`: the answer names the business
/// it was for (logs and counters).
async fn accepted<P: Platform>(
    p: &P,
    req: &Request,
    kind: &str,
    then: impl AsyncFnOnce(&Hook, &str) -> Response,
) -> Response {
    match accept(p, req, kind).await {
        Ok((hook, key)) => then(&hook, &key).await.for_business(&hook.business.id),
        Err(answer) => answer,
    }
}

/// The path of the turn that follows `path` (`.../voice` or
/// `.../voice/gather`): the same prefix, so an alias keeps its calls.
fn gather_path(path: &str, turn: i64) -> String {
    let base = path.strip_suffix("/gather").unwrap_or(path);
    format!("{base}/gather?turn={turn}")
}

/// The TwiML for a call's reply.
fn voice_twiml(reply: &Reply, conv: &Conversation, b: &Business, path: &str) -> Response {
    let inner = match (&reply.action, &b.owner_phone) {
        (Some(Action::Handover), Some(owner)) => twiml::dial(&reply.text, owner),
        _ if reply.end => twiml::goodbye(&format!("{} Goodbye!", reply.text)),
        _ => twiml::gather(&reply.text, &gather_path(path, conv.turns)),
    };
    twiml::response(200, &inner)
}

/// A turn of the call a voice webhook is about: known by its CallSid, from
/// the caller's number when it is one (not "anonymous").
fn call_turn<'h>(hook: &'h Hook, key: &'h str) -> Inbound<'h> {
    Inbound {
        channel: Channel::Voice,
        external_id: hook.param("CallSid").unwrap_or_default(),
        caller: hook.param("From").filter(|c| c.starts_with('+')),
        delivery: Some(key),
    }
}

/// `POST /v1/twilio/voice`: a call comes in. Greets and listens.
pub async fn voice<P: Platform>(p: &P, req: &Request) -> Response {
    accepted(p, req, "voice", async |hook: &Hook, key: &str| {
        let b = &hook.business;
        let inbound = call_turn(hook, key);
        let render = |reply: &Reply, conv: &Conversation, _: Option<&str>| {
            voice_twiml(reply, conv, b, &req.path)
        };
        match turn::open(p, b, inbound, &render).await {
            Ok((_, _, response)) => response,
            Err(e) => failed(p, key, &e).await,
        }
    })
    .await
}

/// `POST /v1/twilio/voice/gather`: what the caller said or pressed.
pub async fn gather<P: Platform>(p: &P, req: &Request) -> Response {
    accepted(p, req, "gather", async |hook: &Hook, key: &str| {
        let b = &hook.business;
        let text = heard(hook);
        let inbound = call_turn(hook, key);
        let call = inbound.external_id;
        let render = |reply: &Reply, conv: &Conversation, _: Option<&str>| {
            voice_twiml(reply, conv, b, &req.path)
        };
        let conv = match conversations::latest(p, &b.id, Channel::Voice, call, 0).await {
            Ok(c) => c,
            Err(e) => return failed(p, key, &e).await,
        };
        let result = match conv {
            Some(conv) => turn::take(p, b, inbound, Some(conv), &text, &render)
                .await
                .map(|(_, r)| r),
            // A call this deployment never greeted: greet it now.
            None => turn::open(p, b, inbound, &render).await.map(|(_, _, r)| r),
        };
        match result {
            Ok(response) => response,
            Err(e) => failed(p, key, &e).await,
        }
    })
    .await
}

/// What the caller said, or the key they pressed: 0 asks for a person.
fn heard(hook: &Hook) -> String {
    if let Some(speech) = hook.param("SpeechResult").filter(|s| !s.trim().is_empty()) {
        return speech.to_string();
    }
    match hook.param("Digits").map(str::trim) {
        Some("0") => "talk to a person".into(),
        Some(d) if !d.is_empty() => d.to_string(),
        _ => String::new(),
    }
}

/// `POST /v1/twilio/status`: call status callbacks, each recorded once.
pub async fn status<P: Platform>(p: &P, req: &Request) -> Response {
    match verify(p, req).await {
        Ok(hook) => record_status(p, &hook)
            .await
            .for_business(&hook.business.id),
        Err(e) => refusal(&e, "status"),
    }
}

async fn record_status<P: Platform>(p: &P, hook: &Hook) -> Response {
    let (Some(call), Some(state)) = (hook.param("CallSid"), hook.param("CallStatus")) else {
        return Response::error(&ApiError::unprocessable(
            "CallSid and CallStatus are required",
        ));
    };
    let duration = hook
        .param("CallDuration")
        .and_then(|d| d.parse::<i64>().ok());
    let recorded = db::execute(
        p,
        "INSERT INTO call_events (business_id, call_sid, status, duration, at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT DO NOTHING",
        &[
            hook.business.id.as_str().into(),
            call.into(),
            state.into(),
            duration.into(),
            p.now_ms().into(),
        ],
    )
    .await;
    if let Err(e) = recorded {
        return Response::error(&e);
    }
    if matches!(
        state,
        "completed" | "busy" | "failed" | "no-answer" | "canceled"
    ) {
        // The call is over: its conversation is closed.
        let _ = db::execute(
            p,
            "UPDATE conversations SET status = 'closed' WHERE business_id = ?1 AND channel = 'voice' \
             AND external_id = ?2 AND status = 'open'",
            &[hook.business.id.as_str().into(), call.into()],
        )
        .await;
    }
    twiml::response(200, "")
}

/// The SMS keywords carriers and Twilio honour for opting out and back in.
const STOP_WORDS: [&str; 6] = ["STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE"];
const START_WORDS: [&str; 2] = ["START", "UNSTOP"];
/// Keywords that start a request afresh, wherever the conversation was.
const FRESH_WORDS: [&str; 3] = ["BOOK", "CANCEL", "HELP"];

/// `POST /v1/twilio/sms`: a text comes in.
pub async fn sms<P: Platform>(p: &P, req: &Request) -> Response {
    accepted(p, req, "sms", async |hook: &Hook, key: &str| {
        let b = &hook.business;
        let Some(from) = hook.param("From").map(str::to_string) else {
            return failed(p, key, &ApiError::unprocessable("From is required")).await;
        };
        let text = hook.param("Body").unwrap_or_default().trim().to_string();
        let keyword = text.to_ascii_uppercase();
        let now = p.now_ms();
        let opt = if STOP_WORDS.contains(&keyword.as_str()) {
            Some(true)
        } else if START_WORDS.contains(&keyword.as_str()) {
            Some(false)
        } else {
            None
        };
        if let Some(out) = opt {
            // Twilio confirms an opt-out itself; an opt-in gets a word back.
            let answer = if out {
                twiml::response(200, "")
            } else {
                twiml::response(
                    200,
                    &twiml::message(&format!(
                        "You're subscribed to {} again. Reply HELP for help, STOP to opt out.",
                        b.name
                    )),
                )
            };
            let statements = [
                contacts::set_opted_out(&b.id, &from, out, now),
                deliveries::answer(key, &answer),
            ];
            return match db::batch(p, &statements).await {
                Ok(_) => answer,
                Err(e) => failed(p, key, &e).await,
            };
        }
        let opted_out = match contacts::by_phone(p, &b.id, &from).await {
            Ok(c) => c.is_some_and(|c| c.opted_out),
            Err(e) => return failed(p, key, &e).await,
        };
        if opted_out {
            // Nothing goes to a number that opted out, until it opts back in.
            let answer = twiml::response(200, "");
            let _ = db::batch(p, &[deliveries::answer(key, &answer)]).await;
            return answer;
        }
        let conv = match conversations::latest(p, &b.id, Channel::Sms, &from, now - IDLE_MS).await {
            Ok(c) => c.filter(|c| c.status != "closed"),
            Err(e) => return failed(p, key, &e).await,
        };
        let conv = conv.map(|mut c| {
            if FRESH_WORDS.contains(&keyword.as_str()) {
                c.state.stage = Stage::Open;
            }
            c
        });
        let inbound = Inbound {
            channel: Channel::Sms,
            external_id: &from,
            caller: Some(&from),
            delivery: Some(key),
        };
        let render = |reply: &Reply, _: &Conversation, _: Option<&str>| {
            twiml::response(200, &twiml::message(&reply.text))
        };
        match turn::take(p, b, inbound, conv, &text, &render).await {
            Ok((_, response)) => response,
            Err(e) => failed(p, key, &e).await,
        }
    })
    .await
}

/// A delivery that failed before anything was written: its claim is given
/// up so Twilio's retry is acted on, and Twilio is told of the fault.
async fn failed<P: Platform>(p: &P, key: &str, e: &ApiError) -> Response {
    deliveries::release(p, key).await;
    Response::error(e)
}
