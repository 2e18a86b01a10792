//! `edgedesk-cli uptime` against a broken deployment: every check fails,
//! the command exits non-zero and the failure is posted to Slack. (It
//! passing against local workerd is in the workerd test.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A server answering every request with `status`, keeping the bodies.
fn stand_in(status: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let answer = r#"{"ok":false}"#;
            let _ = write!(
                &stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, bodies)
}

#[test]
fn a_broken_deployment_fails_and_is_posted_to_slack() {
    let (broken, _) = stand_in("500 Internal Server Error");
    let (slack, posted) = stand_in("200 OK");
    let out = Command::new(env!("CARGO_BIN_EXE_edgedesk-cli"))
        .args([
            "uptime",
            "--base-url",
            &broken,
            "--business-id",
            "demo-salon",
            "--twilio-token",
            "dev-twilio-token",
            "--widget-token",
            "demo-salon-widget",
            "--slack-webhook",
            &format!("{slack}/hooks/T000/B000/XXX"),
        ])
        .env_remove("UPTIME_BASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    for check in ["health", "twilio voice", "widget"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("FAIL") && l.contains(check)),
            "{check}: {stdout}"
        );
    }
    let posted = posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let message: serde_json::Value = serde_json::from_str(&posted[0]).unwrap();
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("uptime check failed"), "{text}");
    assert!(text.contains("answered 500"), "{text}");
    assert!(!text.contains("dev-twilio-token"), "{text}");
}

#[test]
fn nothing_listening_fails_without_a_webhook() {
    let out = Command::new(env!("CARGO_BIN_EXE_edgedesk-cli"))
        .args([
            "uptime",
            "--base-url",
            "http://127.0.0.1:9",
            "--business-id",
            "demo-salon",
            "--twilio-token",
            "t",
            "--timeout-secs",
            "2",
        ])
        .env_remove("SLACK_WEBHOOK")
        .env_remove("UPTIME_WIDGET_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no answer"));
}
