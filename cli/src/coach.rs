//! `edgedesk-cli coach`: a practice conversation from the terminal over
//! the realtime coach's WebSocket. It signs in (`dev_token` against
//! `make dev`), starts a session on the caller's first rep assignment (or
//! the strategy given, or resumes a session), and streams each reply as it
//! comes.
//!
//! ```text
//! edgedesk-cli coach                                  # type lines; /end ends the session, /quit leaves
//! edgedesk-cli coach --say "Hi Dana" --say "What would a pilot cost?"
//! edgedesk-cli coach --session <id>                   # resume: earlier turns are shown first
//! ```

use clap::Args;
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;
use tungstenite::{Message, WebSocket};

#[derive(Args)]
pub struct CoachArgs {
    /// The access token (`dev_token` works where DEV_AUTH=true).
    #[arg(
        long,
        env = "EDGEDESK_TOKEN",
        default_value = "dev_token",
        hide_env_values = true
    )]
    pub token: String,
    /// The strategy to practise (else the first of your rep assignments).
    #[arg(long)]
    pub strategy: Option<String>,
    /// Resume this practice session instead of starting one.
    #[arg(long)]
    pub session: Option<String>,
    /// Say this and wait for the reply; repeatable. Without it, lines are
    /// read from standard input.
    #[arg(long)]
    pub say: Vec<String>,
    /// End the session when done.
    #[arg(long)]
    pub end: bool,
}

type Socket = WebSocket<TcpStream>;

fn connect(base: &str, session: Option<&str>) -> Result<Socket, String> {
    let rest = base
        .strip_prefix("http://")
        .ok_or("the coach speaks to http:// URLs (a TLS proxy in front speaks wss://)")?
        .trim_end_matches('/');
    let host = rest.split('/').next().unwrap_or(rest);
    let query = session
        .map(|s| format!("?sessionId={s}"))
        .unwrap_or_default();
    let url = format!("ws://{rest}/ws{query}");
    let stream = TcpStream::connect(host).map_err(|e| format!("{host}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let (ws, _) = tungstenite::client(url.as_str(), stream).map_err(|e| format!("{url}: {e}"))?;
    Ok(ws)
}

fn send(ws: &mut Socket, frame: Value) -> Result<(), String> {
    ws.send(Message::text(frame.to_string()))
        .map_err(|e| e.to_string())
}

fn next(ws: &mut Socket) -> Result<Value, String> {
    loop {
        match ws
            .read()
            .map_err(|e| format!("the connection ended: {e}"))?
        {
            Message::Text(t) => return serde_json::from_str(&t).map_err(|e| e.to_string()),
            Message::Close(c) => {
                return Err(format!(
                    "the server closed the connection{}",
                    c.map(|c| format!(": {}", c.reason)).unwrap_or_default()
                ));
            }
            _ => {}
        }
    }
}

/// Frames until one of `kinds`, which is returned; errors end it.
fn wait(ws: &mut Socket, kinds: &[&str]) -> Result<Value, String> {
    loop {
        let f = next(ws)?;
        let kind = f["type"].as_str().unwrap_or("");
        if kinds.contains(&kind) {
            return Ok(f);
        }
        if kind == "error" {
            return Err(format!(
                "{}: {}",
                f["payload"]["code"].as_str().unwrap_or("ERROR"),
                f["payload"]["message"].as_str().unwrap_or("")
            ));
        }
    }
}

/// The caller's first rep assignment's strategy, through the REST API.
fn first_assignment(base: &str, token: &str) -> Result<String, String> {
    let res = ureq::get(&format!("{base}/api/v1/sailwind/my/rep-assignments"))
        .set("authorization", &format!("Bearer {token}"))
        .call()
        .map_err(|e| format!("your rep assignments: {e}"))?;
    let list: Value = serde_json::from_str(&res.into_string().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    list.as_array()
        .and_then(|a| a.iter().find_map(|x| x["strategy_id"].as_str()))
        .map(str::to_string)
        .ok_or_else(|| "you have no rep assignment with a strategy: pass --strategy".into())
}

/// One turn: the rep's words, the reply streamed to stdout.
fn turn(ws: &mut Socket, text: &str, out: &mut impl Write) -> Result<(), String> {
    send(
        ws,
        json!({"type": "chat.typed", "payload": {"content": text}}),
    )?;
    write!(out, "coach> ").ok();
    loop {
        let f = next(ws)?;
        match f["type"].as_str().unwrap_or("") {
            "chat.token" => {
                write!(out, "{}", f["payload"]["token"].as_str().unwrap_or("")).ok();
                out.flush().ok();
            }
            "chat.complete" => {
                // A turn a stage stopped has no tokens: its answer is here.
                if f["payload"]["content"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("I can't"))
                {
                    write!(out, "{}", f["payload"]["content"].as_str().unwrap_or("")).ok();
                }
                writeln!(out).ok();
                return Ok(());
            }
            "status.update" => {
                let p = &f["payload"];
                if p["service"] == "llm"
                    && p["status"] == "started"
                    && p["metadata"]["stub"] == true
                {
                    eprintln!(
                        "(the stub coach answers: {})",
                        p["metadata"]["stubReason"]
                            .as_str()
                            .unwrap_or("no model is configured")
                    );
                }
                if p["service"] == "pipeline"
                    && matches!(p["status"].as_str(), Some("failed" | "canceled"))
                {
                    writeln!(out).ok();
                    return Err(format!("the reply {}", p["status"].as_str().unwrap_or("")));
                }
            }
            "error" => {
                writeln!(out).ok();
                return Err(f["payload"]["message"]
                    .as_str()
                    .unwrap_or("error")
                    .to_string());
            }
            _ => {}
        }
    }
}

pub fn run(base: &str, args: &CoachArgs) -> ExitCode {
    match conversation(base, args, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coach: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The conversation `args` asks for, written to `out` as it streams.
pub fn conversation(base: &str, args: &CoachArgs, out: &mut impl Write) -> Result<(), String> {
    let mut ws = connect(base, args.session.as_deref())?;
    let mut auth = json!({"type": "auth", "payload": {"token": args.token, "platform": "native"}});
    if let Some(s) = &args.session {
        auth["payload"]["sessionId"] = s.clone().into();
    }
    send(&mut ws, auth)?;
    let ok = wait(&mut ws, &["auth.success", "auth.error"])?;
    if ok["type"] == "auth.error" {
        return Err(format!(
            "sign-in refused: {}",
            ok["payload"]["message"].as_str().unwrap_or("")
        ));
    }
    let session = match &args.session {
        Some(s) => {
            send(
                &mut ws,
                json!({"type": "session.resume", "payload": {"sessionId": s}}),
            )?;
            let f = wait(&mut ws, &["session.switched"])?;
            for m in f["payload"]["messages"].as_array().into_iter().flatten() {
                let who = if m["role"] == "user" { "you" } else { "coach" };
                writeln!(out, "{who}> {}", m["content"].as_str().unwrap_or("")).ok();
            }
            s.clone()
        }
        None => {
            let strategy = match &args.strategy {
                Some(s) => s.clone(),
                None => first_assignment(base, &args.token)?,
            };
            send(
                &mut ws,
                json!({"type": "session.start", "payload": {"strategyId": strategy}}),
            )?;
            let f = wait(&mut ws, &["session.started"])?;
            f["payload"]["sessionId"].as_str().unwrap_or("").to_string()
        }
    };
    eprintln!("practice session {session} (resume with --session {session})");
    if args.say.is_empty() {
        let stdin = std::io::stdin();
        loop {
            write!(out, "you> ").ok();
            out.flush().ok();
            let mut line = String::new();
            if stdin
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                break;
            }
            match line.trim() {
                "" => continue,
                "/quit" => break,
                "/end" => {
                    end(&mut ws)?;
                    return Ok(());
                }
                text => turn(&mut ws, text, out)?,
            }
        }
    } else {
        for text in &args.say {
            writeln!(out, "you> {text}").ok();
            turn(&mut ws, text, out)?;
        }
    }
    if args.end {
        end(&mut ws)?;
    }
    let _ = ws.close(None);
    Ok(())
}

fn end(ws: &mut Socket) -> Result<(), String> {
    send(ws, json!({"type": "session.end", "payload": {}}))?;
    let f = wait(ws, &["session.ended"])?;
    eprintln!(
        "session {} ended",
        f["payload"]["sessionId"].as_str().unwrap_or("")
    );
    Ok(())
}

/// `edgedesk-cli coach-bench`: the coach's latency through a running
/// deployment with the stub model, as JSON lines: time to the first
/// streamed token and to the whole reply at each number of concurrent
/// sessions, and messages a second on one socket (pings answered).
#[derive(Args)]
pub struct BenchArgs {
    #[arg(
        long,
        env = "EDGEDESK_TOKEN",
        default_value = "dev_token",
        hide_env_values = true
    )]
    pub token: String,
    /// Concurrent sessions, comma-separated.
    #[arg(long, default_value = "1,16", value_delimiter = ',')]
    pub sessions: Vec<usize>,
    /// Turns per session.
    #[arg(long, default_value_t = 5)]
    pub turns: usize,
    /// Pings sent back to back on one socket.
    #[arg(long, default_value_t = 2000)]
    pub pings: usize,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

/// One session's turns: (first token, whole reply) in milliseconds each.
fn session_turns(
    base: &str,
    token: &str,
    strategy: &str,
    turns: usize,
) -> Result<Vec<(f64, f64)>, String> {
    let mut ws = connect(base, None)?;
    send(
        &mut ws,
        json!({"type": "auth", "payload": {"token": token}}),
    )?;
    wait(&mut ws, &["auth.success"])?;
    send(
        &mut ws,
        json!({"type": "session.start", "payload": {"strategyId": strategy}}),
    )?;
    wait(&mut ws, &["session.started"])?;
    let mut out = Vec::new();
    for i in 0..turns {
        let started = std::time::Instant::now();
        send(
            &mut ws,
            json!({"type": "chat.typed", "payload": {"content": format!("Turn {i}: what would a pilot cost?")}}),
        )?;
        let mut first = None;
        loop {
            let f = next(&mut ws)?;
            match f["type"].as_str().unwrap_or("") {
                "chat.token" if first.is_none() => {
                    first = Some(started.elapsed().as_secs_f64() * 1000.0)
                }
                "chat.complete" => break,
                "error" => {
                    return Err(f["payload"]["message"]
                        .as_str()
                        .unwrap_or("error")
                        .to_string());
                }
                _ => {}
            }
        }
        out.push((
            first.unwrap_or(0.0),
            started.elapsed().as_secs_f64() * 1000.0,
        ));
    }
    let _ = ws.close(None);
    Ok(out)
}

pub fn bench(base: &str, args: &BenchArgs) -> ExitCode {
    let strategy = match first_assignment(base, &args.token) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("coach-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    for &n in &args.sessions {
        let started = std::time::Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let (base, token, strategy) =
                    (base.to_string(), args.token.clone(), strategy.clone());
                let turns = args.turns;
                std::thread::spawn(move || session_turns(&base, &token, &strategy, turns))
            })
            .collect();
        let mut first = Vec::new();
        let mut whole = Vec::new();
        for h in handles {
            match h
                .join()
                .unwrap_or_else(|_| Err("a session panicked".into()))
            {
                Ok(samples) => {
                    for (f, w) in samples {
                        first.push(f);
                        whole.push(w);
                    }
                }
                Err(e) => {
                    eprintln!("coach-bench: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        first.sort_by(f64::total_cmp);
        whole.sort_by(f64::total_cmp);
        println!(
            "{}",
            json!({"kind": "coach_turns", "sessions": n, "turns": first.len(),
                   "ttft_p50_ms": quantile(&first, 0.5), "ttft_p95_ms": quantile(&first, 0.95),
                   "reply_p50_ms": quantile(&whole, 0.5), "reply_p95_ms": quantile(&whole, 0.95),
                   "seconds": started.elapsed().as_secs_f64()})
        );
    }
    match ping_rate(base, &args.token, args.pings) {
        Ok(rate) => println!(
            "{}",
            json!({"kind": "coach_pings", "messages": args.pings, "per_second": rate})
        ),
        Err(e) => {
            eprintln!("coach-bench: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Pings sent back to back on one socket, and their pongs read: messages a
/// second, both ways.
fn ping_rate(base: &str, token: &str, n: usize) -> Result<f64, String> {
    let mut ws = connect(base, None)?;
    send(
        &mut ws,
        json!({"type": "auth", "payload": {"token": token}}),
    )?;
    wait(&mut ws, &["auth.success"])?;
    let started = std::time::Instant::now();
    for _ in 0..n {
        ws.write(Message::text(r#"{"type":"ping"}"#))
            .map_err(|e| e.to_string())?;
    }
    ws.flush().map_err(|e| e.to_string())?;
    let mut pongs = 0;
    while pongs < n {
        if next(&mut ws)?["type"] == "pong" {
            pongs += 1;
        }
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}
