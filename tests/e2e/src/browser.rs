//! A page as a person sees it: Debian's Chromium, headless, loads the URL
//! and gives back the DOM it rendered and what it logged (a content
//! security policy refusal shows up there).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Rendered {
    pub dom: String,
    pub log: String,
}

/// Renders `url` in headless Chromium. Panics if Chromium is missing or
/// does not finish within a minute.
pub fn render(url: &str) -> Rendered {
    let profile = std::env::temp_dir().join(format!("edgedesk-chromium-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect(
            "Chromium is not installed: scripts/ensure-chromium.sh installs it (make test does)",
        );
    let pid = child.id();
    let started = Instant::now();
    let watchdog = std::thread::spawn(move || {
        while started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(200));
            let alive = Command::new("kill")
                .args(["-0", &pid.to_string()])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !alive {
                return;
            }
        }
        let _ = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .stderr(Stdio::null())
            .status();
    });
    let out = child.wait_with_output().expect("chromium ran");
    let _ = watchdog.join();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "Chromium did not finish rendering {url} within a minute"
    );
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        log: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
