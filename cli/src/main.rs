//! `edgedesk-cli`: call the copilot tools the way an agent does.
//!
//! ```text
//! edgedesk-cli invoke get_customer_usage --customer-id acme-001 --params '{"periodDays":30}'
//! edgedesk-cli smoke
//! edgedesk-cli load --tool calculate_health --customer-id acme-001 --concurrency 1,16,64 --seconds 20
//! edgedesk-cli twilio sms --from +13125550147 "book a haircut tomorrow at 3"
//! edgedesk-cli uptime --base-url https://desk.example.com --business-id demo-salon --twilio-token ...
//! edgedesk-cli sales --key dev-uploader-key upload target/sales-sample/uploads/2026-11-02/store-001.json
//! edgedesk-cli sales keys create --role analyst --label "BI tool"
//! edgedesk-cli coach --say "Hi, thanks for taking the call."
//! ```

mod client;
mod load;
mod mixed;
mod twilio;
mod wire;

use clap::{Parser, Subcommand};
use client::Client;
use edgedesk_cli::{coach, sales, uptime};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Base URL of the service.
    #[arg(
        long,
        env = "EDGEDESK_URL",
        default_value = "http://127.0.0.1:8787",
        global = true
    )]
    url: String,
    /// Signing secret (the first of a comma-separated HMAC_SECRET is used).
    #[arg(
        long,
        env = "HMAC_SECRET",
        default_value = "dev-secret",
        global = true,
        hide_env_values = true
    )]
    secret: String,
    /// Client id sent as X-Client.
    #[arg(
        long,
        env = "EDGEDESK_CLIENT",
        default_value = "edgedesk-cli",
        global = true
    )]
    client: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign and send one tool call; prints the response envelope.
    Invoke {
        tool: String,
        #[arg(long)]
        customer_id: String,
        /// Tool parameters as a JSON object.
        #[arg(long, default_value = "{}")]
        params: String,
    },
    /// Call every tool for a customer and print a table of results.
    Smoke {
        #[arg(long, default_value = "acme-001")]
        customer_id: String,
    },
    /// Send signed calls from concurrent connections and report latency.
    Load(Box<load::LoadArgs>),
    /// Mixed load over every kind of request, counting what was acknowledged.
    Mixed(mixed::MixedArgs),
    /// Synthetic checks of a live deployment: a signed Twilio call and a
    /// widget chat; exits non-zero on failure and posts it to Slack.
    Uptime(Box<uptime::UptimeArgs>),
    /// Play Twilio: send a text to a business, signed as Twilio signs it.
    #[command(subcommand)]
    Twilio(twilio::TwilioCommand),
    /// The sales pipeline: API keys, stores, uploads, analysis runs.
    Sales(Box<sales::SalesArgs>),
    /// Practise a sales conversation with the realtime coach (its
    /// WebSocket), the reply streamed as it comes.
    Coach(coach::CoachArgs),
    /// The coach's latency through a running deployment (stub model):
    /// first token and whole reply at each concurrency, pings a second.
    CoachBench(coach::BenchArgs),
    /// Writes the coaching product's dev organisation as SQL: dev_token's
    /// user, a second rep, the playbook and rep assignments.
    CoachingSample {
        /// Where to write it.
        out: std::path::PathBuf,
    },
    /// Writes the receptionist's demo business as SQL, its appointments on
    /// the next open days. It empties the receptionist tables first.
    ReceptionistSample {
        /// Where to write it.
        out: std::path::PathBuf,
    },
    /// Writes the support sample dataset as SQL, dated from now, for
    /// `wrangler d1 execute --file` or `spin up --sqlite @file`. It empties
    /// the support tables first.
    SupportSample {
        /// Where to write it.
        out: std::path::PathBuf,
        /// How many tickets (the sample has 200; benchmarks use thousands).
        #[arg(long, default_value_t = 200)]
        tickets: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let secret = cli
        .secret
        .split(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let client = Client::new(&cli.url, &secret, &cli.client);
    match cli.command {
        Command::Invoke {
            tool,
            customer_id,
            params,
        } => {
            let params: Value = match serde_json::from_str(&params) {
                Ok(p @ Value::Object(_)) => p,
                _ => {
                    eprintln!("--params must be a JSON object");
                    return ExitCode::from(2);
                }
            };
            let body = json!({"customerId": customer_id, "params": params});
            match client.call(&tool, &body) {
                Ok((status, value)) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&value).unwrap_or_default()
                    );
                    if status == 200 {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("request failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Smoke { customer_id } => smoke(&client, &customer_id),
        Command::Load(args) => load::run(&cli.url, &secret, &args),
        Command::Mixed(args) => mixed::run(&cli.url, &secret, &args),
        Command::Twilio(command) => twilio::run(&cli.url, &command),
        Command::Sales(args) => sales::run(&cli.url, &args),
        Command::Coach(args) => coach::run(&cli.url, &args),
        Command::CoachBench(args) => coach::bench(&cli.url, &args),
        Command::Uptime(args) => {
            let checks = uptime::run(&args);
            if uptime::report(&args, &checks) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::CoachingSample { out } => {
            write_sql(&out, edgedesk_coaching::sample::sql(now_ms()))
        }
        Command::ReceptionistSample { out } => {
            write_sql(&out, edgedesk_receptionist::sample::sql(now_ms()))
        }
        Command::SupportSample { out, tickets } => {
            let now = now_ms();
            // The sample replaces what the tables held: loading it again
            // (after a new migration, say) starts over rather than failing.
            let mut sql = vec![edgedesk_support::sample::CLEAR.to_string()];
            sql.extend(
                edgedesk_support::sample::dataset_of(now, tickets)
                    .iter()
                    .map(edgedesk_support::sample::to_sql),
            );
            write_sql(&out, sql.join("\n") + "\n")
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn write_sql(out: &std::path::Path, sql: String) -> ExitCode {
    match std::fs::write(out, sql) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn smoke(client: &Client, customer_id: &str) -> ExitCode {
    let calls = [
        ("get_customer_usage", json!({"periodDays": 30})),
        ("get_recent_tickets", json!({"limit": 5})),
        ("get_contract_info", json!({})),
        ("calculate_health", json!({})),
        ("generate_email", json!({"purpose": "check_in"})),
        ("generate_qbr_outline", json!({})),
    ];
    println!("{:<22} {:>6} {:>9}  summary", "tool", "status", "ms");
    let mut failed = 0;
    for (tool, params) in calls {
        let body = json!({"customerId": customer_id, "params": params});
        let started = std::time::Instant::now();
        let result = client.call(tool, &body);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let (status, summary) = match result {
            Ok((status, v)) => (status.to_string(), summarise(tool, &v)),
            Err(e) => ("-".into(), e),
        };
        if status != "200" {
            failed += 1;
        }
        println!("{tool:<22} {status:>6} {ms:>9.1}  {summary}");
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn summarise(tool: &str, v: &Value) -> String {
    if v["ok"] != true {
        return format!("{} {}", v["error"]["code"], v["error"]["message"]);
    }
    let d = &v["data"];
    match tool {
        "get_customer_usage" => format!(
            "{} days, {} events, {}% seats, trend {}",
            d["series"].as_array().map_or(0, Vec::len),
            d["totals"]["events"],
            d["activeUsers"]["seatUtilisationPct"],
            d["trend"]["eventsChangePct"]
        ),
        "get_recent_tickets" => format!(
            "{} of {} tickets, {} unresolved",
            d["returned"], d["total"], d["unresolved"]
        ),
        "get_contract_info" => format!(
            "{} {} ARR, renews {} ({} days)",
            d["plan"], d["arr"], d["renewalDate"], d["daysToRenewal"]
        ),
        "calculate_health" => format!(
            "score {} ({}), trend {}",
            d["score"], d["band"], d["trend"]["direction"]
        ),
        "generate_email" => format!("[{}] {}", d["generator"], d["subject"]),
        _ => format!(
            "[{}] {} sections",
            d["generator"],
            d["sections"].as_array().map_or(0, Vec::len)
        ),
    }
}
