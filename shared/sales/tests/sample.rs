//! The published schema and the service's own checks agree on the
//! generator's files: every valid file passes both (with the service's
//! metrics matching the generator's totals), the broken one fails both,
//! each of its planted errors named by the service. Needs python3 for
//! `scripts/sales-sample.py`.

use edgedesk_sales::metrics::Totals;
use edgedesk_sales::upload::{Expected, check};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(dir: &Path) -> Value {
    let _ = std::fs::remove_dir_all(dir);
    let out = std::process::Command::new("python3")
        .current_dir(root())
        .args(["scripts/sales-sample.py", "--out"])
        .arg(dir)
        .args(["--stores", "4", "--days", "6", "--end", "2026-11-01"])
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn the_schema_and_the_service_agree_on_generated_files() {
    let dir = root().join("target/sales-sample-agreement");
    let manifest = generate(&dir);
    let schema: Value = serde_json::from_str(edgedesk_sales::UPLOAD_SCHEMA).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource("https://edgedesk.test/upload.json", schema)
        .unwrap();
    let index = compiler
        .compile("https://edgedesk.test/upload.json", &mut schemas)
        .unwrap();
    let path = |entry: &Value| {
        let p = PathBuf::from(entry["path"].as_str().unwrap());
        if p.is_absolute() { p } else { dir.join(p) }
    };
    let uploads = manifest["files"]["uploads"].as_array().unwrap();
    assert_eq!(uploads.len(), 24);
    for u in uploads {
        let bytes = std::fs::read(path(u)).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(
            schemas.validate(&v, index).is_ok(),
            "{} fails the schema",
            u["path"]
        );
        let mut totals = Totals::default();
        let o = check(
            &bytes,
            Expected {
                store_id: u["store_id"].as_str().unwrap(),
                date: u["date"].as_str().unwrap(),
            },
            &mut totals,
        );
        assert!(o.is_valid(), "{}: {:?}", u["path"], o.errors);
        assert_eq!(Some(totals.transactions), u["transactions"].as_u64());
        assert!((totals.revenue - u["revenue"].as_f64().unwrap()).abs() < 0.005);
    }
    let broken = &manifest["files"]["broken"][0];
    let bytes = std::fs::read(path(broken)).unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        schemas.validate(&v, index).is_err(),
        "the broken file passes the schema"
    );
    let o = check(
        &bytes,
        Expected {
            store_id: broken["store_id"].as_str().unwrap(),
            date: broken["date"].as_str().unwrap(),
        },
        &mut Totals::default(),
    );
    let found: Vec<String> = o.errors.iter().map(ToString::to_string).collect();
    for violation in broken["violations"].as_array().unwrap() {
        // The generator names each by its JSON pointer: /transactions/3/items/0/quantity.
        let pointer = violation["pointer"].as_str().unwrap();
        let mut path = String::new();
        for p in pointer.trim_start_matches('/').split('/') {
            match p.parse::<usize>() {
                Ok(i) => path.push_str(&format!("[{i}]")),
                Err(_) if path.is_empty() => path.push_str(p),
                Err(_) => path.push_str(&format!(".{p}")),
            }
        }
        assert!(
            found.iter().any(|f| f.starts_with(&path)),
            "{pointer} ({}) not named: {found:?}",
            violation["rule"]
        );
    }
}
