//! Scores every health input in a JSON-lines file and times it, for the
//! comparison with the Python implementation of the same formula
//! (`bench/seed_formulas.py`). Writes one result per line and prints the
//! best time per input over several passes.
//!
//! `cargo run --release -p edgedesk-core --example score_inputs -- IN OUT`

use edgedesk_core::health::{HealthInputs, OpenTickets, PaymentStatus, Weights, score};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

const PASSES: usize = 5;

fn parse(line: &str) -> (HealthInputs, Weights) {
    let v: Value = serde_json::from_str(line).expect("an input line");
    let n = |k: &str| v[k].as_i64().expect(k);
    let t = &v["openTickets"];
    let w: Vec<u8> = v["weights"]
        .as_array()
        .expect("weights")
        .iter()
        .map(|x| x.as_u64().expect("weight") as u8)
        .collect();
    let inputs = HealthInputs {
        usage_change_bp: v["usageChangeBp"].as_i64(),
        seat_utilisation_bp: n("seatUtilisationBp") as u64,
        open_tickets: OpenTickets {
            low: t["low"].as_u64().unwrap() as u32,
            medium: t["medium"].as_u64().unwrap() as u32,
            high: t["high"].as_u64().unwrap() as u32,
            critical: t["critical"].as_u64().unwrap() as u32,
        },
        days_to_renewal: n("daysToRenewal"),
        payment: PaymentStatus::parse(v["payment"].as_str().unwrap()).expect("payment"),
    };
    let weights = Weights::new([w[0], w[1], w[2], w[3], w[4]]).expect("weights sum to 100");
    (inputs, weights)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: score_inputs IN.jsonl OUT.jsonl");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input).expect("the inputs file");
    let cases: Vec<_> = text.lines().map(parse).collect();
    let mut best = f64::INFINITY;
    for _ in 0..PASSES {
        let started = Instant::now();
        for (i, w) in &cases {
            black_box(score(black_box(i), *w));
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let mut out = String::new();
    for (i, w) in &cases {
        let s = score(i, *w);
        let line = json!({
            "score": s.score,
            "band": s.band.as_str(),
            "measures": s.measures.iter().map(|m| m.score).collect::<Vec<_>>(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(output, out).expect("the results file");
    println!(
        "{}",
        json!({"inputs": cases.len(), "nsPerInput": best * 1e9 / cases.len() as f64})
    );
}
