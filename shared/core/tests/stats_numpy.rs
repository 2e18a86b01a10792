//! The sales statistics against numpy's: 200 deterministic datasets (sizes
//! 1 to 60, amounts up to a million with cents, ties, constant series,
//! outliers, trends), every statistic computed by the core and by
//! `tests/stats/compare_numpy.py` with numpy, equal within 1e-9 (relative,
//! or absolute near 0). numpy comes from the venv
//! `scripts/ensure-python-tools.sh` installs.

use edgedesk_core::stats;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

const DATASETS: usize = 200;
const TOLERANCE: f64 = 1e-9;
const WINDOWS: [usize; 4] = [1, 3, 7, 28];

/// SplitMix64: a fixed seed gives the same datasets on every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `0..1`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An amount in cents, `0..max`.
    fn cents(&mut self, max: f64) -> f64 {
        self.below((max * 100.0) as u64) as f64 / 100.0
    }
}

/// One dataset of a kind chosen by its index, so every kind is covered.
/// The first sixteen have one and two values, the fewest each kind takes.
fn dataset(index: usize, rng: &mut SplitMix) -> Vec<f64> {
    let n = if index < 16 {
        1 + index / 8
    } else {
        1 + rng.below(60) as usize
    };
    match index % 8 {
        // Amounts with cents across the whole range.
        0 => (0..n).map(|_| rng.cents(1e6)).collect(),
        // Small whole numbers: many ties.
        1 => (0..n).map(|_| rng.below(10) as f64).collect(),
        // A constant series.
        2 => vec![rng.cents(1e6); n],
        // A tight cluster with a few outliers.
        3 => {
            let centre = 1e3 + rng.cents(1e5);
            let mut v: Vec<f64> = (0..n).map(|_| centre * (0.95 + 0.1 * rng.unit())).collect();
            for _ in 0..=rng.below(3) {
                let at = rng.below(n as u64) as usize;
                v[at] = rng.cents(1e6);
            }
            v
        }
        // A trend with noise.
        4 => {
            let (start, step) = (rng.cents(5e5), rng.cents(2e4) - 1e4);
            (0..n)
                .map(|i| (start + step * i as f64 + rng.cents(5e3)).max(0.0))
                .collect()
        }
        // Mostly one value: a MAD of 0.
        5 => {
            let usual = rng.cents(1e4);
            (0..n)
                .map(|_| {
                    if rng.below(5) == 0 {
                        rng.cents(1e6)
                    } else {
                        usual
                    }
                })
                .collect()
        }
        // Starting from nothing: no percent change.
        6 => (0..n)
            .map(|i| if i < 2 { 0.0 } else { rng.cents(1e6) })
            .collect(),
        // Full-precision values, not cents.
        _ => (0..n).map(|_| rng.unit() * 1e6).collect(),
    }
}

fn fit_json(fit: Option<stats::Fit>) -> Value {
    fit.map_or(
        Value::Null,
        |f| json!({"slope": f.slope, "intercept": f.intercept, "r_squared": f.r_squared}),
    )
}

/// Everything the core says of one dataset, in the script's shape.
fn core_statistics(input: &Value) -> Value {
    let values: Vec<f64> = serde_json::from_value(input["values"].clone()).unwrap();
    let qs: Vec<f64> = serde_json::from_value(input["qs"].clone()).unwrap();
    let probe = input["probe"].as_f64().unwrap();
    let k = input["k"].as_f64().unwrap();
    let fences = stats::tukey_fences(&values, k).unwrap();
    json!({
        "mean": stats::mean(&values),
        "median": stats::median(&values),
        "quantiles": qs.iter().map(|&q| stats::quantile(&values, q)).collect::<Vec<_>>(),
        "mad": stats::mad(&values),
        "modified_z": stats::modified_z(probe, &values),
        "fences": [fences.low, fences.high],
        "moving_average": WINDOWS
            .iter()
            .map(|&w| stats::moving_average(&values, w))
            .collect::<Vec<_>>(),
        "percent_change": stats::percent_change(values[0], values[values.len() - 1]),
        "fit": fit_json(stats::least_squares(&values)),
    })
}

fn inputs() -> Vec<Value> {
    let mut rng = SplitMix(0x0005_A1E5_DA7A_2026);
    (0..DATASETS)
        .map(|i| {
            let values = dataset(i, &mut rng);
            // A value of the series, something near it, or far off.
            let probe = match rng.below(3) {
                0 => values[rng.below(values.len() as u64) as usize],
                1 => rng.cents(1e6),
                _ => rng.cents(1e6) * 20.0,
            };
            let k = if rng.below(4) == 0 {
                3.0
            } else {
                stats::TUKEY_K
            };
            json!({
                "values": values,
                "qs": [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, rng.unit()],
                "probe": probe,
                "k": k,
                "windows": WINDOWS,
            })
        })
        .collect()
}

/// Where the two disagree, as `path: core vs numpy`.
fn differences(path: &str, core: &Value, numpy: &Value, out: &mut Vec<String>) {
    match (core, numpy) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if (a - b).abs() > TOLERANCE * a.abs().max(b.abs()).max(1.0) {
                out.push(format!("{path}: {a} vs {b}"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (a, b)) in a.iter().zip(b).enumerate() {
                differences(&format!("{path}[{i}]"), a, b, out);
            }
        }
        (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
            for (key, a) in a {
                match b.get(key) {
                    Some(b) => differences(&format!("{path}.{key}"), a, b, out),
                    None => out.push(format!("{path}.{key}: missing from numpy's")),
                }
            }
        }
        (Value::Null, Value::Null) => {}
        _ => out.push(format!("{path}: {core} vs {numpy}")),
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

#[test]
fn statistics_agree_with_numpy() {
    let root = workspace_root();
    let python = root.join("target/venv-tools/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/ensure-python-tools.sh to install numpy",
        python.display()
    );
    let inputs = inputs();
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stats-numpy-datasets.json");
    std::fs::write(&file, serde_json::to_string(&inputs).unwrap()).unwrap();
    let output = Command::new(&python)
        .arg("tests/stats/compare_numpy.py")
        .arg(&file)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "compare_numpy.py failed (scripts/ensure-python-tools.sh installs numpy): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let numpy: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(numpy.len(), inputs.len());

    let mut found = Vec::new();
    for (i, (input, numpy)) in inputs.iter().zip(&numpy).enumerate() {
        differences(
            &format!("dataset {i}"),
            &core_statistics(input),
            numpy,
            &mut found,
        );
    }
    assert!(
        found.is_empty(),
        "{} differences from numpy:\n{}",
        found.len(),
        found.join("\n")
    );

    // Every rule's edge is among the datasets: the comparison covered them.
    let results: Vec<Value> = inputs.iter().map(core_statistics).collect();
    assert!(results.iter().any(|r| r["modified_z"].is_null()));
    assert!(results.iter().any(|r| r["modified_z"].is_number()));
    assert!(results.iter().any(|r| r["fit"].is_null()));
    assert!(results.iter().any(|r| r["fit"]["r_squared"].is_null()));
    assert!(results.iter().any(|r| r["percent_change"].is_null()));
}
