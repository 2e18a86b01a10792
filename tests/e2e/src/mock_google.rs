//! A stand-in for Google's OAuth token endpoint and Calendar API, on
//! loopback, for end-to-end runs of the receptionist's calendar sync.
//!
//! Point `GOOGLE_OAUTH_TOKEN_URL` at `{url}/token` and
//! `GOOGLE_CALENDAR_API` at `{url}`, with `GOOGLE_CLIENT_ID` =
//! [`CLIENT_ID`], `GOOGLE_CLIENT_SECRET` = [`CLIENT_SECRET`] and the
//! business's refresh token secret = [`REFRESH_TOKEN`]. It serves:
//!
//! - `POST /token` (the refresh-token grant; access tokens it issued are
//!   the only ones the API accepts, until [`MockGoogle::revoke_access_tokens`]),
//! - `GET /calendars/{id}/events` with `syncToken`, `timeMin`,
//!   `showDeleted`, `pageToken` and `maxResults`, paged for real
//!   ([`MockGoogle::set_page_size`] caps a page); a sync token from before
//!   [`MockGoogle::invalidate_sync_tokens`] answers 410,
//! - `GET`, `PATCH`, `PUT` and `DELETE /calendars/{id}/events/{eventId}`,
//!   `POST /calendars/{id}/events` (a client-chosen id taken twice is 409),
//! - `POST /calendars/{id}/events/watch` and `POST /channels/stop`.
//!
//! Events live in memory; every change stamps the event with a change
//! number, which is what a sync token counts. Every call is recorded as
//! `METHOD /path?query`.

use crate::mock_llm::{read_request, respond};
use edgedesk_kernel::platform::{OutboundRequest, OutboundResponse, StoreError};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "e2e-google-client";
pub const CLIENT_SECRET: &str = "e2e-google-client-secret";
pub const REFRESH_TOKEN: &str = "e2e-google-refresh-token";

/// Events per page unless a smaller `maxResults` or page size is set.
pub const DEFAULT_PAGE_SIZE: usize = 250;

/// A channel from `events/watch`, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: String,
    pub resource_id: String,
    pub calendar_id: String,
    pub address: String,
    pub token: String,
    pub expiration: i64,
}

#[derive(Default)]
struct State {
    /// calendar id -> event id -> (change number, event).
    events: BTreeMap<String, BTreeMap<String, (u64, Value)>>,
    /// The last change number given.
    change: u64,
    /// Sync tokens of an older generation answer 410.
    generation: u64,
    page_size: usize,
    access_tokens: Vec<String>,
    token_requests: usize,
    channels: Vec<Channel>,
    calls: Vec<String>,
}

pub struct MockGoogle {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// When [`MockGoogle`] says a watch channel expires: a week after
/// 2026-11-22T12:00:00Z.
pub const CHANNEL_EXPIRATION_MS: i64 = 1_795_348_800_000 + 7 * 24 * 3600 * 1000;

pub fn start() -> MockGoogle {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock Google");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let state = Arc::new(Mutex::new(State {
        page_size: DEFAULT_PAGE_SIZE,
        ..State::default()
    }));
    let shared = state.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = shared.clone();
            std::thread::spawn(move || answer(stream, &state));
        }
    });
    MockGoogle { url, state }
}

impl MockGoogle {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// The owner adds or changes an event (by its `id`) on `calendar`.
    pub fn put_event(&self, calendar: &str, event: Value) {
        self.with(|s| s.put(calendar, event));
    }

    /// The owner deletes an event: it stays listed as cancelled.
    pub fn cancel_event(&self, calendar: &str, id: &str) {
        self.with(|s| {
            if let Some(mut e) = s.get(calendar, id) {
                e["status"] = "cancelled".into();
                s.put(calendar, e);
            }
        });
    }

    pub fn event(&self, calendar: &str, id: &str) -> Option<Value> {
        self.with(|s| s.get(calendar, id))
    }

    /// Every event on `calendar`, cancelled ones included.
    pub fn events(&self, calendar: &str) -> Vec<Value> {
        self.with(|s| {
            s.events
                .get(calendar)
                .map(|m| m.values().map(|(_, e)| e.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// Caps every page of a list at `n` events.
    pub fn set_page_size(&self, n: usize) {
        self.with(|s| s.page_size = n.max(1));
    }

    /// Every sync token given so far answers 410 from now on.
    pub fn invalidate_sync_tokens(&self) {
        self.with(|s| s.generation += 1);
    }

    /// Every access token given so far answers 401 from now on.
    pub fn revoke_access_tokens(&self) {
        self.with(|s| s.access_tokens.clear());
    }

    pub fn token_requests(&self) -> usize {
        self.with(|s| s.token_requests)
    }

    /// The channels being watched (stopped ones removed).
    pub fn channels(&self) -> Vec<Channel> {
        self.with(|s| s.channels.clone())
    }

    /// Every call so far, as `METHOD /path?query`.
    pub fn calls(&self) -> Vec<String> {
        self.with(|s| s.calls.clone())
    }
}

impl State {
    fn put(&mut self, calendar: &str, mut event: Value) {
        self.change += 1;
        let id = event["id"].as_str().unwrap_or_default().to_string();
        event["updated"] = format!("change-{}", self.change).into();
        if event.get("status").is_none() {
            event["status"] = "confirmed".into();
        }
        event["kind"] = "calendar#event".into();
        self.events
            .entry(calendar.to_string())
            .or_default()
            .insert(id, (self.change, event));
    }

    fn get(&self, calendar: &str, id: &str) -> Option<Value> {
        self.events.get(calendar)?.get(id).map(|(_, e)| e.clone())
    }
}

/// `%XX` decoded; `+` is a space in a query, not in a path.
fn decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query(q: &str) -> BTreeMap<String, String> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

struct Incoming {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read(stream: &TcpStream) -> Option<Incoming> {
    let r = read_request(stream)?;
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
    Some(Incoming {
        path: path.to_string(),
        query: query.to_string(),
        method: r.method,
        headers: r.headers,
        body: r.body,
    })
}

fn error(code: u16, status: &str, message: &str) -> (u16, Value) {
    (
        code,
        json!({"error": {"code": code, "message": message, "status": status,
                         "errors": [{"domain": "global", "reason": status, "message": message}]}}),
    )
}

fn answer(stream: TcpStream, state: &Mutex<State>) {
    let Some(req) = read(&stream) else {
        return;
    };
    let (status, body) = {
        let mut s = state.lock().unwrap();
        let line = if req.query.is_empty() {
            format!("{} {}", req.method, req.path)
        } else {
            format!("{} {}?{}", req.method, req.path, req.query)
        };
        s.calls.push(line);
        reply(&mut s, &req)
    };
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        _ => "Error",
    };
    let payload = if status == 204 {
        String::new()
    } else {
        body.to_string()
    };
    respond(&stream, &format!("{status} {reason}"), &payload);
}

fn reply(s: &mut State, req: &Incoming) -> (u16, Value) {
    if req.method == "POST" && req.path == "/token" {
        let form = query(&String::from_utf8_lossy(&req.body));
        let field = |k: &str| form.get(k).map(String::as_str);
        if field("grant_type") != Some("refresh_token")
            || field("refresh_token") != Some(REFRESH_TOKEN)
            || field("client_id") != Some(CLIENT_ID)
            || field("client_secret") != Some(CLIENT_SECRET)
        {
            return (
                400,
                json!({"error": "invalid_grant", "error_description": "Bad Request"}),
            );
        }
        s.token_requests += 1;
        let token = format!("ya29.mock-{}", s.token_requests);
        s.access_tokens.push(token.clone());
        return (
            200,
            json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                   "scope": "https://www.googleapis.com/auth/calendar"}),
        );
    }
    let bearer = req
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .and_then(|(_, v)| v.strip_prefix("Bearer "));
    if !bearer.is_some_and(|t| s.access_tokens.iter().any(|a| a == t)) {
        return error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        );
    }
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let segments: Vec<String> = req
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|p| decode(p, false))
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("POST", ["channels", "stop"]) => {
            let before = s.channels.len();
            s.channels.retain(|c| {
                Some(c.id.as_str()) != body["id"].as_str()
                    || Some(c.resource_id.as_str()) != body["resourceId"].as_str()
            });
            if s.channels.len() == before {
                error(404, "NOT_FOUND", "Channel 'id' not found for project")
            } else {
                (204, Value::Null)
            }
        }
        ("POST", ["calendars", cal, "events", "watch"]) => {
            let channel = Channel {
                id: body["id"].as_str().unwrap_or_default().to_string(),
                resource_id: format!("res-{}", s.channels.len() + s.calls.len()),
                calendar_id: cal.to_string(),
                address: body["address"].as_str().unwrap_or_default().to_string(),
                token: body["token"].as_str().unwrap_or_default().to_string(),
                expiration: CHANNEL_EXPIRATION_MS,
            };
            if channel.id.is_empty() || body["type"] != "web_hook" {
                return error(400, "INVALID_ARGUMENT", "Invalid channel");
            }
            let answer = json!({
                "kind": "api#channel",
                "id": channel.id,
                "resourceId": channel.resource_id,
                "resourceUri": format!("https://www.googleapis.com/calendar/v3/calendars/{cal}/events?alt=json"),
                "token": channel.token,
                "expiration": channel.expiration.to_string(),
            });
            s.channels.push(channel);
            (200, answer)
        }
        ("GET", ["calendars", cal, "events"]) => list(s, cal, &query(&req.query)),
        ("POST", ["calendars", cal, "events"]) => {
            let mut event = body;
            let id = match event["id"].as_str() {
                Some(id) => id.to_string(),
                None => format!("evt{}", s.change + 1),
            };
            if s.get(cal, &id).is_some() {
                return error(
                    409,
                    "ALREADY_EXISTS",
                    "The requested identifier already exists.",
                );
            }
            event["id"] = id.as_str().into();
            s.put(cal, event);
            (200, s.get(cal, &id).unwrap_or_default())
        }
        (method, ["calendars", cal, "events", id]) => {
            let Some(mut event) = s.get(cal, id) else {
                return error(404, "NOT_FOUND", "Not Found");
            };
            let gone = event["status"] == "cancelled";
            match method {
                "GET" => (200, event),
                _ if gone => error(410, "GONE", "Resource has been deleted"),
                "DELETE" => {
                    event["status"] = "cancelled".into();
                    s.put(cal, event);
                    (204, Value::Null)
                }
                "PATCH" | "PUT" => {
                    if method == "PUT" {
                        event = json!({"id": id});
                    }
                    if let (Some(e), Some(b)) = (event.as_object_mut(), body.as_object()) {
                        for (k, v) in b {
                            e.insert(k.clone(), v.clone());
                        }
                    }
                    event["id"] = (*id).into();
                    s.put(cal, event);
                    (200, s.get(cal, id).unwrap_or_default())
                }
                _ => error(405, "METHOD_NOT_ALLOWED", "Method not allowed"),
            }
        }
        _ => error(404, "NOT_FOUND", "Not Found"),
    }
}

/// `events.list`: changes since a sync token, or every event (ending after
/// `timeMin`), in pages of the smaller of `maxResults` and the page size.
/// A page token carries the position and the list's own parameters.
fn list(s: &State, cal: &str, q: &BTreeMap<String, String>) -> (u16, Value) {
    let since = match q.get("syncToken") {
        None => None,
        Some(t) => {
            let parsed = t
                .strip_prefix("sync-")
                .and_then(|t| t.split_once('-'))
                .and_then(|(g, c)| Some((g.parse::<u64>().ok()?, c.parse::<u64>().ok()?)));
            match parsed {
                Some((g, c)) if g == s.generation => Some(c),
                Some(_) => {
                    return error(
                        410,
                        "GONE",
                        "Sync token is no longer valid, a full sync is required.",
                    );
                }
                None => return error(400, "INVALID_ARGUMENT", "Invalid sync token value."),
            }
        }
    };
    if since.is_some() && q.contains_key("timeMin") {
        return error(
            400,
            "INVALID_ARGUMENT",
            "timeMin is not allowed with syncToken",
        );
    }
    let time_min = q.get("timeMin").cloned();
    let show_deleted = since.is_some() || q.get("showDeleted").map(String::as_str) == Some("true");
    let size = q
        .get("maxResults")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .min(s.page_size)
        .max(1);
    // A page token: "<offset>:<change number the list was read at>".
    let (offset, at) = match q.get("pageToken") {
        Some(t) => match t
            .split_once(':')
            .and_then(|(o, a)| Some((o.parse().ok()?, a.parse().ok()?)))
        {
            Some(v) => v,
            None => return error(400, "INVALID_ARGUMENT", "Invalid page token value."),
        },
        None => (0usize, s.change),
    };
    let matching: Vec<&Value> = s
        .events
        .get(cal)
        .into_iter()
        .flatten()
        .filter(|(_, (change, _))| since.is_none_or(|c| *change > c) && *change <= at)
        .map(|(_, (_, e))| e)
        .filter(|e| show_deleted || e["status"] != "cancelled")
        .filter(|e| {
            // RFC 3339 in UTC compares as text; an all-day end as a date.
            let end = e["end"]["dateTime"].as_str().or(e["end"]["date"].as_str());
            match (&time_min, end) {
                (Some(min), Some(end)) => end >= &min[..end.len().min(min.len())],
                _ => true,
            }
        })
        .collect();
    let page: Vec<&Value> = matching.iter().skip(offset).take(size).copied().collect();
    let mut answer = json!({
        "kind": "calendar#events",
        "summary": cal,
        "timeZone": "America/Chicago",
        "accessRole": "owner",
        "defaultReminders": [],
        "items": page,
    });
    if offset + size < matching.len() {
        answer["nextPageToken"] = format!("{}:{at}", offset + size).into();
    } else {
        answer["nextSyncToken"] = format!("sync-{}-{at}", s.generation).into();
    }
    (200, answer)
}

/// Sends an outbound request over real HTTP, for an in-process platform
/// whose client should reach this stand-in (`TestPlatform::on_http`).
pub fn http_send(req: &OutboundRequest) -> Result<OutboundResponse, StoreError> {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(10))
        .build();
    let mut r = agent.request(req.method, &req.url);
    for (k, v) in &req.headers {
        r = r.set(k, v);
    }
    let res = match r.send_bytes(&req.body) {
        Ok(res) => res,
        Err(ureq::Error::Status(_, res)) => res,
        Err(e) => return Err(StoreError::new(e)),
    };
    let status = res.status();
    let mut body = Vec::new();
    res.into_reader()
        .read_to_end(&mut body)
        .map_err(StoreError::new)?;
    Ok(OutboundResponse { status, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(decode("salon%40example.com", false), "salon@example.com");
        assert_eq!(decode("a+b%2Bc", true), "a b+c");
        assert_eq!(decode("a+b", false), "a+b");
        assert_eq!(decode("100%", false), "100%");
        assert_eq!(decode("%zz", false), "%zz");
    }
}
