//! What the sales product's tests share: a platform with keys, webhooks
//! that record what they are sent, and generated days of sales.

#![allow(dead_code)]

use edgedesk_kernel::platform::OutboundResponse;
use edgedesk_kernel::testing::TestPlatform;
use edgedesk_kernel::{Request, Response, Routes};
use edgedesk_sales::{PRODUCT, keys, routes};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::rc::Rc;

pub const BASE: &str = "https://sales.test";

pub fn table() -> Routes<TestPlatform> {
    Routes::new().with(routes::routes())
}

pub struct World {
    pub p: TestPlatform,
    pub routes: Routes<TestPlatform>,
    /// Bodies posted to the alert and report webhooks.
    pub posted: Rc<RefCell<Vec<(String, Value)>>>,
}

impl World {
    pub fn new() -> World {
        let p = TestPlatform::new();
        p.set_var("URL_SIGNING_SECRET", "test-url-secret");
        p.set_var("PUBLIC_BASE_URL", BASE);
        p.set_var("ALERT_WEBHOOK_URL", "https://alerts.test/hook");
        p.set_var("REPORT_WEBHOOK_URL", "https://reports.test/hook");
        let posted = Rc::new(RefCell::new(Vec::new()));
        let seen = posted.clone();
        p.on_http(move |req| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            seen.borrow_mut().push((req.url.clone(), body));
            Some(Ok(OutboundResponse {
                status: 200,
                body: b"ok".to_vec(),
            }))
        });
        let sql: String = ["uploader", "analyst", "admin"]
            .iter()
            .map(|r| keys::insert_sql(&format!("{r}-key"), keys::Role::parse(r).unwrap(), r, 0))
            .collect();
        p.scoped(&PRODUCT)
            .with_db(|db| db.execute_batch(&sql).unwrap())
            .unwrap();
        World {
            p,
            routes: table(),
            posted,
        }
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = Request::new(method, path);
        if let Some(k) = key {
            req = req.with_header("authorization", &format!("Bearer {k}"));
        }
        if let Some(b) = body {
            req = req
                .with_header("content-type", "application/json")
                .with_body(b.to_string());
        }
        let res = self.p.handle(&self.routes, req);
        (res.status, parse(&res))
    }

    pub fn store(&self, id: &str) {
        let (s, v) = self.call(
            "POST",
            "/api/sales/stores",
            Some("admin-key"),
            Some(json!({"store_id": id, "name": format!("Store {id}"), "timezone": "America/Chicago"})),
        );
        assert_eq!(s, 201, "{v}");
    }

    /// Asks for an upload URL and PUTs `file` to it.
    pub fn upload(&self, store: &str, date: &str, file: &[u8]) -> (u16, Value) {
        let (s, grant) = self.call(
            "POST",
            "/api/sales/upload-url",
            Some("uploader-key"),
            Some(json!({"store_id": store, "date": date})),
        );
        assert_eq!(s, 201, "{grant}");
        self.put(grant["data"]["path"].as_str().unwrap(), file)
    }

    pub fn put(&self, path: &str, file: &[u8]) -> (u16, Value) {
        let res = self.p.handle(
            &self.routes,
            Request::new("PUT", path)
                .with_header("content-length", &file.len().to_string())
                .with_body(file.to_vec()),
        );
        (res.status, parse(&res))
    }

    pub fn sql(&self, q: &str) -> Vec<Vec<Value>> {
        self.p
            .scoped(&PRODUCT)
            .with_db(|db| {
                let mut st = db.prepare(q).unwrap();
                let n = st.column_count();
                st.query_map([], |r| {
                    Ok((0..n)
                        .map(|i| match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Integer(x) => json!(x),
                            rusqlite::types::ValueRef::Real(x) => json!(x),
                            rusqlite::types::ValueRef::Text(t) => {
                                json!(String::from_utf8_lossy(t))
                            }
                            _ => Value::Null,
                        })
                        .collect())
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            })
            .unwrap()
    }

    pub fn posted_events(&self, event: &str) -> Vec<Value> {
        self.posted
            .borrow()
            .iter()
            .filter(|(_, b)| b["event"] == event)
            .map(|(_, b)| b.clone())
            .collect()
    }
}

pub fn parse(res: &Response) -> Value {
    serde_json::from_slice(&res.body).unwrap_or(Value::Null)
}

/// A store's day: `n` transactions, each two lines, scaled by `scale`.
pub fn day(store: &str, date: &str, n: usize, scale: f64) -> Value {
    let tx: Vec<Value> = (0..n)
        .map(|i| {
            let price = ((3.5 + (i % 7) as f64) * scale * 100.0).round() / 100.0;
            let items = json!([
                {"sku": format!("SKU-{}", i % 5), "name": format!("Product {}", i % 5), "category": "grocery",
                 "quantity": 2, "unit_price": price, "discount": 0.5},
                {"sku": "SKU-9", "name": "Bags", "category": "other", "quantity": 1, "unit_price": 0.1, "discount": 0}
            ]);
            let total = ((2.0 * price - 0.5 + 0.1) * 100.0).round() / 100.0;
            let method = ["card", "cash", "mobile", "other"][i % 4];
            json!({"transaction_id": format!("{store}-{date}-{i}"),
                   "timestamp": format!("{date}T{:02}:15:00-06:00", 8 + i % 12),
                   "items": items, "payment_method": method,
                   "total": total})
        })
        .collect();
    json!({"store_id": store, "date": date, "currency": "USD", "transactions": tx})
}

pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// The stores of [`history`].
pub const STORES: [&str; 3] = ["store-001", "store-002", "store-003"];

/// `days` days for three stores from 2026-10-01, the last one with store-003
/// selling three times its usual; every upload processed. The last date.
pub fn history(w: &World, days: i64) -> String {
    for s in STORES {
        w.store(s);
    }
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let mut last = String::new();
    for d in 0..days {
        let date = (start + chrono::Duration::days(d)).to_string();
        for (i, s) in STORES.iter().enumerate() {
            // A little variation day to day, and a spike on the last day.
            let wobble = 1.0 + 0.03 * (((d * 7 + i as i64 * 3) % 5) as f64 - 2.0);
            let scale = if d == days - 1 && *s == "store-003" {
                3.0
            } else {
                wobble
            };
            let (st, v) = w.upload(s, &date, &bytes(&day(s, &date, 20, scale)));
            assert_eq!(st, 201, "{v}");
        }
        last = date;
    }
    last
}
