//! `edgedesk-cli sales ...`: the sales pipeline from the command line.
//! Keys are made and revoked through the API with an admin key (or, for
//! the first admin key, written as SQL); stores' files go through the
//! real upload path: an upload URL, then a `PUT` to it.

use clap::{Args, Subcommand};
use edgedesk_sales::keys::{Role, insert_sql};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct SalesArgs {
    /// The API key to call with (admin for keys and stores, uploader or
    /// admin for uploads, analyst or admin to read).
    #[arg(
        long,
        env = "SALES_API_KEY",
        default_value = "dev-admin-key",
        hide_env_values = true
    )]
    pub key: String,
    #[command(subcommand)]
    pub command: SalesCommand,
}

#[derive(Subcommand)]
pub enum SalesCommand {
    /// Make, list and revoke API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Add the stores of a stores.json (as the sample generator writes it).
    Stores { file: PathBuf },
    /// Upload store days, each file through its own upload URL; prints
    /// each one's outcome once processed.
    Upload { files: Vec<PathBuf> },
    /// Load a sample directory (stores.json, uploads/{date}/{store}.json),
    /// oldest day first, through the real upload path; with
    /// `--with-broken`, each broken file in place of its store's day.
    Load {
        dir: PathBuf,
        /// Upload the directory's broken files (broken/...) in place of the
        /// valid files of the same store and day.
        #[arg(long)]
        with_broken: bool,
    },
    /// Start (or show) a day's analysis run.
    Run { date: String },
    /// Print a day's report as it was delivered.
    Report { date: String },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// A new key through the API; printed once.
    Create {
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        label: String,
    },
    List,
    Revoke {
        id: String,
    },
    /// SQL that adds a key of your choosing (the first admin key, dev
    /// keys): for `wrangler d1 execute` or Spin's `--sqlite`.
    Sql {
        #[arg(long)]
        role: String,
        #[arg(long = "value")]
        value: String,
        #[arg(long, default_value = "")]
        label: String,
    },
}

struct Api {
    base: String,
    key: String,
    agent: ureq::Agent,
}

impl Api {
    fn new(base: &str, key: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(120))
                .build(),
        }
    }

    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
        let req = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set("authorization", &format!("Bearer {}", self.key));
        let res = match body {
            Some(b) => req
                .set("content-type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        answer(res)
    }
}

fn answer(res: Result<ureq::Response, ureq::Error>) -> Result<(u16, Value), String> {
    let res = match res {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(e.to_string()),
    };
    let status = res.status();
    let text = res.into_string().map_err(|e| e.to_string())?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

fn show(result: Result<(u16, Value), String>, ok: &[u16]) -> ExitCode {
    match result {
        Ok((status, v)) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            if ok.contains(&status) {
                ExitCode::SUCCESS
            } else {
                eprintln!("HTTP {status}");
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("request failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Uploads one store day: asks for an upload URL, then `PUT`s the file to
/// it. Returns the upload's status as the service answered.
pub fn upload_file(base: &str, key: &str, file: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (store_id, date) = identify(&bytes, file)?;
    let api = Api::new(base, key);
    let (status, grant) = api.send(
        "POST",
        "/api/sales/upload-url",
        Some(&json!({"store_id": store_id, "date": date, "content_length": bytes.len()})),
    )?;
    if status != 201 {
        return Err(format!(
            "upload URL for {store_id} {date}: HTTP {status}: {grant}"
        ));
    }
    let path = grant["data"]["path"].as_str().unwrap_or_default();
    let res = api
        .agent
        .put(&format!("{}{path}", api.base))
        .set("content-type", "application/json")
        .send_bytes(&bytes);
    let (status, body) = answer(res)?;
    if !matches!(status, 201 | 202) {
        return Err(format!(
            "upload of {store_id} {date}: HTTP {status}: {body}"
        ));
    }
    Ok(body["data"].clone())
}

/// The store and day a file says it is for, from its name
/// (`{date}/{store_id}.json`) or, failing that, its own fields.
fn identify(bytes: &[u8], file: &Path) -> Result<(String, String), String> {
    let from_name = || {
        let store = file.file_stem()?.to_str()?.to_string();
        let date = file.parent()?.file_name()?.to_str()?.to_string();
        (date.len() == 10).then_some((store, date))
    };
    if let Some(found) = from_name() {
        return Ok(found);
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    match (v["store_id"].as_str(), v["date"].as_str()) {
        (Some(s), Some(d)) => Ok((s.to_string(), d.to_string())),
        _ => Err(format!("{}: no store_id and date", file.display())),
    }
}

/// Adds the stores of a stores.json; stores that exist are left as they are.
pub fn add_stores(base: &str, key: &str, file: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let stores: Vec<Value> =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let api = Api::new(base, key);
    let mut added = 0;
    for s in &stores {
        let body = json!({"store_id": s["store_id"], "name": s["name"], "timezone": s["timezone"],
                          "active": s["active"].as_bool().unwrap_or(true)});
        match api.send("POST", "/api/sales/stores", Some(&body))? {
            (201, _) => added += 1,
            (409, _) => {}
            (status, v) => return Err(format!("store {}: HTTP {status}: {v}", s["store_id"])),
        }
    }
    Ok(added)
}

/// Every upload of a sample directory, oldest day first.
pub fn sample_files(dir: &Path, area: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(days) = std::fs::read_dir(dir.join(area)) else {
        return files;
    };
    for day in days.flatten() {
        if let Ok(entries) = std::fs::read_dir(day.path()) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        }
    }
    files.sort();
    files
}

pub fn run(base: &str, args: &SalesArgs) -> ExitCode {
    let api = Api::new(base, &args.key);
    match &args.command {
        SalesCommand::Keys(KeysCommand::Create { role, label }) => show(
            api.send(
                "POST",
                "/api/sales/keys",
                Some(&json!({"role": role, "label": label})),
            ),
            &[201],
        ),
        SalesCommand::Keys(KeysCommand::List) => {
            show(api.send("GET", "/api/sales/keys", None), &[200])
        }
        SalesCommand::Keys(KeysCommand::Revoke { id }) => show(
            api.send("DELETE", &format!("/api/sales/keys/{id}"), None),
            &[200],
        ),
        SalesCommand::Keys(KeysCommand::Sql { role, value, label }) => {
            let Some(role) = Role::parse(role) else {
                eprintln!("--role must be uploader, analyst or admin");
                return ExitCode::from(2);
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            print!("{}", insert_sql(value, role, label, now));
            ExitCode::SUCCESS
        }
        SalesCommand::Stores { file } => match add_stores(base, &args.key, file) {
            Ok(n) => {
                println!("{n} store(s) added");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        SalesCommand::Upload { files } => upload_all(base, &args.key, files),
        SalesCommand::Load { dir, with_broken } => {
            if let Err(e) = add_stores(base, &args.key, &dir.join("stores.json")) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            let mut files = sample_files(dir, "uploads");
            if *with_broken {
                // A broken file stands in for its store's day: that day
                // then waits for the store (or its fallback).
                let broken = sample_files(dir, "broken");
                let day_of = |p: &PathBuf| {
                    p.iter()
                        .rev()
                        .take(2)
                        .map(|c| c.to_owned())
                        .collect::<Vec<_>>()
                };
                files.retain(|f| !broken.iter().any(|b| day_of(b) == day_of(f)));
                files.extend(broken);
            }
            upload_all(base, &args.key, &files)
        }
        SalesCommand::Run { date } => show(
            api.send(
                "POST",
                "/api/sales/analysis/run",
                Some(&json!({"date": date})),
            ),
            &[200],
        ),
        SalesCommand::Report { date } => match api.send(
            "GET",
            &format!("/api/sales/files?area=exports&date={date}"),
            None,
        ) {
            Ok((200, v)) => {
                let has_report = v["data"]["files"].as_array().is_some_and(|f| {
                    f.iter()
                        .any(|f| f["key"].as_str().is_some_and(|k| k.ends_with("report.txt")))
                });
                if !has_report {
                    eprintln!("no report for {date} yet");
                    return ExitCode::FAILURE;
                }
                let key = format!("exports%2F{date}%2Freport.txt");
                match api.send("GET", &format!("/api/sales/files/{key}/download-url"), None) {
                    Ok((200, grant)) => {
                        let path = grant["data"]["path"].as_str().unwrap_or_default();
                        match api.agent.get(&format!("{}{path}", api.base)).call() {
                            Ok(r) => {
                                print!("{}", r.into_string().unwrap_or_default());
                                ExitCode::SUCCESS
                            }
                            Err(e) => {
                                eprintln!("{e}");
                                ExitCode::FAILURE
                            }
                        }
                    }
                    other => show(other, &[200]),
                }
            }
            other => show(other, &[200]),
        },
    }
}

fn upload_all(base: &str, key: &str, files: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    let mut sent = Vec::new();
    for file in files {
        match upload_file(base, key, file) {
            Ok(status) => sent.push((file, status)),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    // Processing may be queued: report each upload once it has settled.
    let api = Api::new(base, key);
    for (file, answered) in sent {
        let (date, store) = (answered["date"].as_str(), answered["store_id"].as_str());
        let (date, store) = (date.unwrap_or_default(), store.unwrap_or_default());
        let version = answered["version"].as_i64().unwrap_or(0);
        let started = std::time::Instant::now();
        let status = loop {
            match api.send("GET", &format!("/api/sales/uploads/{date}/{store}"), None) {
                Ok((200, v)) => {
                    let d = &v["data"];
                    let settled = matches!(d["status"].as_str(), Some("processed" | "failed"));
                    // A later upload of the same day settles this one too.
                    if settled && d["version"].as_i64() >= Some(version) {
                        break d.clone();
                    }
                }
                // An uploader key may not read outcomes: the upload's own
                // answer is all it gets.
                Ok((403, _)) => break answered.clone(),
                Ok((status, v)) => break json!({"status": format!("HTTP {status}: {v}")}),
                Err(e) => break json!({"status": e}),
            }
            if started.elapsed() > Duration::from_secs(120) {
                break json!({"status": "still processing after 120 s"});
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let errors = status["error_count"].as_i64().filter(|n| *n > 0);
        let known = matches!(status["status"].as_str(), Some("processed" | "queued"));
        if !known && errors.is_none() {
            failed += 1;
        }
        println!(
            "{:<50} {} {}",
            file.display(),
            status["status"].as_str().unwrap_or("?"),
            errors.map_or(String::new(), |n| format!("({n} errors)"))
        );
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
