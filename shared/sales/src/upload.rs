//! Reading and checking one store's day of sales as it streams through
//! the JSON parser: the file is held once, as its bytes, and each
//! transaction is parsed, checked and handed on (to the metrics and the
//! processed output) before the next is read, so no parsed copy of the
//! whole file ever exists.
//!
//! Every error names its JSON path and what was expected
//! (`transactions[12].items[0].quantity: must be > 0`). The rules are
//! those of `upload.schema.json`, plus what a schema cannot say: a total
//! within a cent of its items, unique transaction ids, and the file being
//! for the store and day it was uploaded as.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;

/// The most errors kept for one file; the count goes on.
pub const MAX_ERRORS: usize = 100;

/// How far a total may lie from its items, in currency units.
pub const TOTAL_TOLERANCE: f64 = 0.01;

pub const PAYMENT_METHODS: [&str; 4] = ["card", "cash", "mobile", "other"];

/// One problem with a file.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FieldError {
    /// JSON path: `transactions[3].items[0].quantity`, or `$` for the file.
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One line of a transaction, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub quantity: f64,
    pub unit_price: f64,
    pub discount: f64,
}

impl Item {
    /// What the line comes to: quantity × unit price less discount.
    pub fn amount(&self) -> f64 {
        self.quantity * self.unit_price - self.discount
    }
}

/// A transaction, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub transaction_id: String,
    /// As sent (RFC 3339 with its offset).
    pub timestamp: String,
    /// The hour on the store's clock, from the timestamp's own offset.
    pub local_hour: u32,
    pub items: Vec<Item>,
    pub payment_method: &'static str,
    pub total: f64,
}

/// Where checked transactions go, one at a time.
pub trait Sink {
    fn transaction(&mut self, t: &Transaction);
    /// The file's currency, when it is read (before or after the
    /// transactions, wherever the file puts it).
    fn currency(&mut self, currency: &str) {
        let _ = currency;
    }
}

/// What the file says of itself, and what was wrong with it.
#[derive(Debug, Default)]
pub struct Outcome {
    pub currency: Option<String>,
    pub transactions: usize,
    /// The first [`MAX_ERRORS`] errors.
    pub errors: Vec<FieldError>,
    pub error_count: usize,
}

impl Outcome {
    pub fn is_valid(&self) -> bool {
        self.error_count == 0
    }
}

/// The store and day a file was uploaded as.
pub struct Expected<'a> {
    pub store_id: &'a str,
    pub date: &'a str,
}

struct Checker<'a, S> {
    expected: Expected<'a>,
    sink: &'a mut S,
    seen: HashSet<String>,
    outcome: Outcome,
}

impl<S: Sink> Checker<'_, S> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.outcome.error_count += 1;
        if self.outcome.errors.len() < MAX_ERRORS {
            self.outcome.errors.push(FieldError {
                path: path.into(),
                message: message.into(),
            });
        }
    }

    fn transaction(&mut self, index: usize, v: Value) {
        let path = format!("transactions[{index}]");
        let before = self.outcome.error_count;
        let Some(t) = self.read_transaction(&path, v) else {
            return;
        };
        if !self.seen.insert(t.transaction_id.clone()) {
            self.error(
                format!("{path}.transaction_id"),
                format!(
                    "must be unique in the file; \"{}\" was used before",
                    t.transaction_id
                ),
            );
        }
        // Only a whole, valid transaction counts: a file with errors is
        // refused as a whole anyway.
        if self.outcome.error_count == before {
            self.outcome.transactions += 1;
            self.sink.transaction(&t);
        }
    }

    fn read_transaction(&mut self, path: &str, v: Value) -> Option<Transaction> {
        let Value::Object(obj) = v else {
            self.error(path, "must be an object");
            return None;
        };
        let mut f = Fields::new(self, path, &obj);
        f.only(&[
            "transaction_id",
            "timestamp",
            "items",
            "payment_method",
            "total",
        ]);
        let transaction_id = f.text("transaction_id", 128);
        let timestamp = f.text("timestamp", 64);
        let payment_method = f.text("payment_method", 16);
        let total = f.number("total", Bound::Any);
        let local_hour = timestamp.as_deref().and_then(|ts| {
            let hour = local_hour(ts);
            if hour.is_none() {
                f.fail(
                    "timestamp",
                    "must be an ISO 8601 date and time with its offset, like 2026-11-02T14:05:00-06:00",
                );
            }
            hour
        });
        let method = payment_method.as_deref().and_then(|m| {
            let known = PAYMENT_METHODS.iter().find(|k| **k == m).copied();
            if known.is_none() {
                f.fail("payment_method", "must be one of card, cash, mobile, other");
            }
            known
        });
        let items = match obj.get("items") {
            None => {
                f.fail("items", "is required");
                None
            }
            Some(Value::Array(a)) if a.is_empty() => {
                f.fail("items", "must hold at least one item");
                None
            }
            Some(Value::Array(a)) => {
                let mut items = Vec::with_capacity(a.len());
                for (i, item) in a.iter().enumerate() {
                    if let Some(item) = self.read_item(&format!("{path}.items[{i}]"), item) {
                        items.push(item);
                    }
                }
                (items.len() == a.len()).then_some(items)
            }
            Some(_) => {
                self.error(format!("{path}.items"), "must be an array of items");
                None
            }
        };
        let (transaction_id, timestamp, local_hour, payment_method, total, items) = (
            transaction_id?,
            timestamp?,
            local_hour?,
            method?,
            total?,
            items?,
        );
        let sum: f64 = items.iter().map(Item::amount).sum();
        if (total - sum).abs() > TOTAL_TOLERANCE + 1e-9 {
            self.error(
                format!("{path}.total"),
                format!(
                    "must equal the sum of quantity × unit_price − discount over its items ({sum:.2}) within a cent, not {total}"
                ),
            );
            return None;
        }
        Some(Transaction {
            transaction_id,
            timestamp,
            local_hour,
            items,
            payment_method,
            total,
        })
    }

    fn read_item(&mut self, path: &str, v: &Value) -> Option<Item> {
        let Value::Object(obj) = v else {
            self.error(path, "must be an object");
            return None;
        };
        let mut f = Fields::new(self, path, obj);
        f.only(&[
            "sku",
            "name",
            "category",
            "quantity",
            "unit_price",
            "discount",
        ]);
        let (sku, name, category) = (
            f.text("sku", 64),
            f.text("name", 200),
            f.text("category", 100),
        );
        let quantity = f.number("quantity", Bound::Positive);
        let unit_price = f.number("unit_price", Bound::NonNegative);
        let discount = f.number("discount", Bound::NonNegative);
        Some(Item {
            sku: sku?,
            name: name?,
            category: category?,
            quantity: quantity?,
            unit_price: unit_price?,
            discount: discount?,
        })
    }
}

/// The hour of an RFC 3339 timestamp on its own offset's clock.
fn local_hour(ts: &str) -> Option<u32> {
    use chrono::Timelike;
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.hour())
}

#[derive(Clone, Copy)]
enum Bound {
    Any,
    Positive,
    NonNegative,
}

/// The fields of one object, read with errors under its path.
struct Fields<'c, 'o, 'a, S> {
    checker: &'c mut Checker<'a, S>,
    path: &'o str,
    obj: &'o Map<String, Value>,
}

impl<'c, 'o, 'a, S: Sink> Fields<'c, 'o, 'a, S> {
    fn new(checker: &'c mut Checker<'a, S>, path: &'o str, obj: &'o Map<String, Value>) -> Self {
        Fields { checker, path, obj }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.checker
            .error(format!("{}.{field}", self.path), message);
    }

    fn only(&mut self, allowed: &[&str]) {
        let obj = self.obj;
        for key in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.fail(key, "is not a field here");
        }
    }

    fn text(&mut self, name: &str, max: usize) -> Option<String> {
        match self.obj.get(name) {
            None => self.fail(name, "is required"),
            Some(Value::String(s)) if s.trim().is_empty() => self.fail(name, "must not be empty"),
            Some(Value::String(s)) if s.chars().count() > max => {
                self.fail(name, format!("must be at most {max} characters"))
            }
            Some(Value::String(s)) => return Some(s.clone()),
            Some(_) => self.fail(name, "must be a string"),
        }
        None
    }

    fn number(&mut self, name: &str, bound: Bound) -> Option<f64> {
        let n = match self.obj.get(name) {
            None => {
                self.fail(name, "is required");
                return None;
            }
            Some(Value::Number(n)) => n.as_f64().filter(|n| n.is_finite()),
            Some(_) => None,
        };
        let Some(n) = n else {
            self.fail(name, "must be a number");
            return None;
        };
        let ok = match bound {
            Bound::Any => true,
            Bound::Positive => n > 0.0,
            Bound::NonNegative => n >= 0.0,
        };
        if !ok {
            let rule = match bound {
                Bound::Positive => "must be > 0",
                _ => "must be ≥ 0",
            };
            self.fail(name, rule);
            return None;
        }
        Some(n)
    }
}

/// Reads and checks a whole file, handing each valid transaction to
/// `sink` as it goes.
pub fn check<S: Sink>(bytes: &[u8], expected: Expected<'_>, sink: &mut S) -> Outcome {
    let mut checker = Checker {
        expected,
        sink,
        seen: HashSet::new(),
        outcome: Outcome::default(),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = File {
        checker: &mut checker,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Err(e) = parsed {
        checker.error("$", format!("is not a valid upload: {e}"));
    }
    checker.outcome
}

/// The top-level object.
struct File<'c, 'a, S> {
    checker: &'c mut Checker<'a, S>,
}

impl<'de, S: Sink> DeserializeSeed<'de> for File<'_, '_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for File<'_, '_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with store_id, date, currency and transactions")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let c = self.checker;
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                c.error(key.as_str(), "is given more than once");
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            seen.push(key.clone());
            match key.as_str() {
                "transactions" => map.next_value_seed(Transactions { checker: c })?,
                "store_id" => {
                    let v = map.next_value::<Value>()?;
                    let want = c.expected.store_id;
                    if v.as_str() != Some(want) {
                        c.error(
                            "store_id",
                            format!("must be \"{want}\", the store this file was uploaded for"),
                        );
                    }
                }
                "date" => {
                    let v = map.next_value::<Value>()?;
                    let want = c.expected.date;
                    if v.as_str() != Some(want) {
                        c.error(
                            "date",
                            format!("must be \"{want}\", the day this file was uploaded for (YYYY-MM-DD)"),
                        );
                    }
                }
                "currency" => {
                    let v = map.next_value::<Value>()?;
                    match v.as_str() {
                        Some(s) if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) => {
                            c.outcome.currency = Some(s.to_string());
                            c.sink.currency(s);
                        }
                        _ => c.error("currency", "must be a three-letter ISO 4217 code like USD"),
                    }
                }
                other => {
                    c.error(other, "is not a field of an upload");
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for required in ["store_id", "date", "currency", "transactions"] {
            if !seen.iter().any(|k| k == required) {
                c.error(required, "is required");
            }
        }
        Ok(())
    }
}

struct Transactions<'c, 'a, S> {
    checker: &'c mut Checker<'a, S>,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Transactions<'_, '_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Transactions<'_, '_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of transactions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            self.checker.transaction(index, v);
            index += 1;
        }
        Ok(())
    }

    // Anything else is an error under its path, and the rest of the file
    // is still read.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_an_array();
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_array();
        Ok(())
    }
}

impl<S: Sink> Transactions<'_, '_, S> {
    fn not_an_array(self) {
        self.checker
            .error("transactions", "must be an array of transactions");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Default)]
    struct Kept(Vec<Transaction>);

    impl Sink for Kept {
        fn transaction(&mut self, t: &Transaction) {
            self.0.push(t.clone());
        }
    }

    fn run(file: &Value) -> (Outcome, Kept) {
        let mut kept = Kept::default();
        let bytes = serde_json::to_vec(file).unwrap();
        let outcome = check(
            &bytes,
            Expected {
                store_id: "store-001",
                date: "2026-11-02",
            },
            &mut kept,
        );
        (outcome, kept)
    }

    fn messages(o: &Outcome) -> Vec<String> {
        o.errors.iter().map(ToString::to_string).collect()
    }

    fn sale(id: &str, total: f64) -> Value {
        json!({"transaction_id": id, "timestamp": "2026-11-02T14:05:00-06:00",
               "items": [{"sku": "A1", "name": "Apples", "category": "produce",
                          "quantity": 2, "unit_price": 1.25, "discount": 0.5}],
               "payment_method": "card", "total": total})
    }

    fn file(transactions: Value) -> Value {
        json!({"store_id": "store-001", "date": "2026-11-02", "currency": "USD",
               "transactions": transactions})
    }

    #[test]
    fn a_good_file_passes_with_every_transaction() {
        let (o, kept) = run(&file(json!([sale("t1", 2.0), sale("t2", 2.005)])));
        assert_eq!(messages(&o), Vec::<String>::new());
        assert_eq!((o.transactions, kept.0.len()), (2, 2));
        assert_eq!(o.currency.as_deref(), Some("USD"));
        assert_eq!(kept.0[0].local_hour, 14);
        assert_eq!(kept.0[0].items[0].amount(), 2.0);
    }

    #[test]
    fn errors_name_their_path_and_what_was_expected() {
        let mut bad = sale("t2", 2.0);
        bad["items"][0]["quantity"] = json!(0);
        bad["items"][0]["unit_price"] = json!(-1);
        bad["payment_method"] = json!("cheque");
        bad["timestamp"] = json!("2026-11-02 14:05");
        bad["extra"] = json!(1);
        let (o, kept) = run(&file(json!([
            sale("t1", 2.0),
            bad,
            sale("t1", 2.0),
            sale("t3", 2.02)
        ])));
        assert_eq!(
            messages(&o),
            [
                "transactions[1].extra: is not a field here",
                "transactions[1].timestamp: must be an ISO 8601 date and time with its offset, like 2026-11-02T14:05:00-06:00",
                "transactions[1].payment_method: must be one of card, cash, mobile, other",
                "transactions[1].items[0].quantity: must be > 0",
                "transactions[1].items[0].unit_price: must be ≥ 0",
                "transactions[2].transaction_id: must be unique in the file; \"t1\" was used before",
                "transactions[3].total: must equal the sum of quantity × unit_price − discount over its items (2.00) within a cent, not 2.02",
            ]
        );
        assert_eq!(kept.0.len(), 1);
    }

    #[test]
    fn the_file_must_be_for_its_store_and_day() {
        let (o, _) = run(&json!({"store_id": "store-009", "date": "2026-11-03",
                                  "currency": "usd", "transactions": "none", "x": []}));
        assert_eq!(
            messages(&o),
            // In the file's order (json! sorts its keys).
            [
                "currency: must be a three-letter ISO 4217 code like USD",
                "date: must be \"2026-11-02\", the day this file was uploaded for (YYYY-MM-DD)",
                "store_id: must be \"store-001\", the store this file was uploaded for",
                "transactions: must be an array of transactions",
                "x: is not a field of an upload",
            ]
        );
        let (o, _) = run(&json!({"transactions": []}));
        assert_eq!(
            messages(&o),
            [
                "store_id: is required",
                "date: is required",
                "currency: is required"
            ]
        );
    }

    #[test]
    fn broken_json_is_one_error_with_its_place() {
        let mut kept = Kept::default();
        let e = |b: &[u8]| {
            check(
                b,
                Expected {
                    store_id: "s",
                    date: "d",
                },
                &mut Kept::default(),
            )
            .errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
        };
        let o = check(
            b"{\"transactions\": [",
            Expected {
                store_id: "s",
                date: "d",
            },
            &mut kept,
        );
        assert_eq!(o.error_count, 1);
        assert!(
            o.errors[0]
                .to_string()
                .starts_with("$: is not a valid upload: EOF while parsing")
        );
        assert!(e(b"[]").contains("expected an object"), "{}", e(b"[]"));
        assert!(e(b"{} {}").contains("trailing characters"));
    }

    #[test]
    fn errors_are_counted_past_the_ones_kept() {
        let many: Vec<Value> = (0..150).map(|i| sale(&format!("t{i}"), 9.0)).collect();
        let (o, kept) = run(&file(Value::Array(many)));
        assert_eq!(
            (o.errors.len(), o.error_count, kept.0.len()),
            (MAX_ERRORS, 150, 0)
        );
    }
}
