//! The realtime coach on Cloudflare: `GET /ws` upgrades into a Durable
//! Object named for the practice session (`?sessionId=`), or a new one
//! whose name becomes the session started in it. The object holds its
//! sockets with the WebSocket Hibernation API: an idle connection costs
//! nothing, its state rides along with the socket (its attachment), and a
//! reply streams from the object, not from the isolate that accepted the
//! connection.

use crate::platform::CloudflarePlatform;
use edgedesk_coaching::pipeline::run::{Link, cancel_requested};
use edgedesk_coaching::realtime::{self, Conn, Connection};
use edgedesk_kernel::platform::Clock;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use worker::{
    DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair, console_error, durable_object,
};

/// The binding in wrangler.toml.
pub const BINDING: &str = "COACH_SESSIONS";

/// `GET /ws[?sessionId=...]`: to the session's object.
pub async fn connect(req: Request, env: &Env) -> Result<Response> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Response::error("GET /ws upgrades to a WebSocket (Upgrade: websocket)", 426);
    }
    let url = req.url()?;
    let named = url
        .query_pairs()
        .find(|(k, _)| k == "sessionId")
        .map(|(_, v)| v.into_owned())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let ns = env.durable_object(BINDING)?;
    let id = match named {
        Some(name) => ns.id_from_name(&name)?,
        None => ns.unique_id()?,
    };
    id.get_stub()?.fetch_with_request(req).await
}

/// The socket's attachment: the protocol's state and the socket's own id.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Attached {
    id: String,
    conn: Conn,
}

#[durable_object(websocket)]
pub struct CoachSession {
    state: State,
    env: Env,
    /// Runs asked to stop through this object.
    cancels: RefCell<HashSet<String>>,
    /// Recordings under way, by socket (audio is too big for an
    /// attachment; a recording lasts while its socket is busy).
    audio: RefCell<HashMap<String, Vec<u8>>>,
    sockets: Cell<u64>,
}

impl DurableObject for CoachSession {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            cancels: RefCell::default(),
            audio: RefCell::default(),
            sockets: Cell::new(0),
        }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        self.sockets.set(self.sockets.get() + 1);
        let id = format!("{}-{}", worker::Date::now().as_millis(), self.sockets.get());
        pair.server.serialize_attachment(Attached {
            id,
            conn: Conn::default(),
        })?;
        Response::from_websocket(pair.client)
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let text = match message {
            WebSocketIncomingMessage::String(s) => s,
            WebSocketIncomingMessage::Binary(_) => {
                let _ = ws.send_with_str(
                    r#"{"type":"error","payload":{"code":"INVALID_MESSAGE","message":"Messages are JSON text frames"},"metadata":{}}"#,
                );
                return Ok(());
            }
        };
        let mut attached: Attached = ws.deserialize_attachment()?.unwrap_or_default();
        let p = CloudflarePlatform::new(self.env.clone(), &edgedesk_coaching::PRODUCT);
        let link = Socket {
            ws: &ws,
            id: &attached.id,
            object: self,
            p: &p,
            checked_ms: Cell::new(0),
        };
        realtime::handle(&p, &link, &mut attached.conn, &text).await;
        // A closed socket takes no attachment; nothing is lost with it.
        let _ = ws.serialize_attachment(&attached);
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
        self.forget(&ws);
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, error: worker::Error) -> Result<()> {
        console_error!("coach socket: {error}");
        self.forget(&ws);
        Ok(())
    }
}

impl CoachSession {
    /// A socket's recording, dropped with the socket.
    fn forget(&self, ws: &WebSocket) {
        if let Ok(Some(a)) = ws.deserialize_attachment::<Attached>() {
            self.audio.borrow_mut().remove(&a.id);
        }
    }
}

/// One socket of the object, as the protocol sees it.
struct Socket<'a> {
    ws: &'a WebSocket,
    id: &'a str,
    object: &'a CoachSession,
    p: &'a CloudflarePlatform,
    /// When the database was last asked about a cancel.
    checked_ms: Cell<i64>,
}

/// How often a streaming reply asks the database whether a cancel came
/// through another object.
const CANCEL_POLL_MS: i64 = 250;

impl Link for Socket<'_> {
    fn send(&self, frame: String) {
        // A socket the client closed mid-reply: the rest is not sent.
        let _ = self.ws.send_with_str(frame);
    }

    async fn cancelled(&self, run_id: &str) -> bool {
        if self.object.cancels.borrow().contains(run_id) {
            return true;
        }
        let now = self.p.now_ms();
        if now - self.checked_ms.get() < CANCEL_POLL_MS {
            return false;
        }
        self.checked_ms.set(now);
        cancel_requested(self.p, run_id).await
    }
}

impl Connection for Socket<'_> {
    fn close(&self, code: u16, reason: &str) {
        let _ = self.ws.close(Some(code), Some(reason));
    }

    fn push_audio(&self, bytes: &[u8]) -> std::result::Result<(), String> {
        let mut audio = self.object.audio.borrow_mut();
        let buf = audio.entry(self.id.to_string()).or_default();
        if buf.len() + bytes.len() > realtime::MAX_AUDIO_BYTES {
            return Err("the recording is over 25 MB".into());
        }
        buf.extend_from_slice(bytes);
        Ok(())
    }

    fn take_audio(&self) -> Vec<u8> {
        self.object
            .audio
            .borrow_mut()
            .remove(self.id)
            .unwrap_or_default()
    }

    fn note_cancel(&self, run_id: &str) {
        self.object.cancels.borrow_mut().insert(run_id.to_string());
    }
}
