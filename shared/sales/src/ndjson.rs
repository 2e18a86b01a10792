//! The processed copy of an upload, for BI tools: gzip NDJSON, one line
//! per sale line with its store, day and transaction repeated, compressed
//! as it is written so the uncompressed text never exists whole.

use crate::upload::{Sink, Transaction};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use std::io::Write;

/// One line of the processed file.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    pub store_id: &'a str,
    pub date: &'a str,
    pub currency: &'a str,
    pub transaction_id: &'a str,
    pub timestamp: &'a str,
    pub local_hour: u32,
    pub payment_method: &'a str,
    pub transaction_total: f64,
    pub line: usize,
    pub sku: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub quantity: f64,
    pub unit_price: f64,
    pub discount: f64,
    /// quantity × unit_price − discount.
    pub amount: f64,
}

pub struct Writer<'a> {
    store_id: &'a str,
    date: &'a str,
    currency: String,
    gz: GzEncoder<Vec<u8>>,
    /// Lines waiting to be compressed: the encoder is fed in large writes,
    /// since each write costs a pass of the compressor.
    pending: Vec<u8>,
    lines: u64,
    failed: bool,
}

/// How much text is gathered before it is compressed.
const CHUNK: usize = 64 * 1024;

impl<'a> Writer<'a> {
    pub fn new(store_id: &'a str, date: &'a str) -> Self {
        Writer {
            store_id,
            date,
            currency: String::new(),
            // Level 1: the lines repeat their store, day and transaction,
            // so even the fastest level shrinks them several times, at a
            // fraction of level 6's CPU (which a 20 MB upload would spend
            // seconds of).
            gz: GzEncoder::new(Vec::new(), Compression::fast()),
            pending: Vec::with_capacity(CHUNK + 1024),
            lines: 0,
            failed: false,
        }
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The compressed file. Writing into memory cannot fail; a failure is
    /// still reported rather than hidden.
    pub fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.compress_pending();
        if self.failed {
            return Err(std::io::Error::other(
                "the processed file could not be written",
            ));
        }
        self.gz.finish()
    }

    fn compress_pending(&mut self) {
        if !self.pending.is_empty() {
            self.failed |= self.gz.write_all(&self.pending).is_err();
            self.pending.clear();
        }
    }
}

impl Sink for Writer<'_> {
    /// Lines written before the file names its currency carry none.
    fn currency(&mut self, currency: &str) {
        self.currency = currency.to_string();
    }

    fn transaction(&mut self, t: &Transaction) {
        for (i, item) in t.items.iter().enumerate() {
            let line = Line {
                store_id: self.store_id,
                date: self.date,
                currency: &self.currency,
                transaction_id: &t.transaction_id,
                timestamp: &t.timestamp,
                local_hour: t.local_hour,
                payment_method: t.payment_method,
                transaction_total: t.total,
                line: i,
                sku: &item.sku,
                name: &item.name,
                category: &item.category,
                quantity: item.quantity,
                unit_price: item.unit_price,
                discount: item.discount,
                amount: item.amount(),
            };
            self.failed |= serde_json::to_writer(&mut self.pending, &line).is_err();
            self.pending.push(b'\n');
            self.lines += 1;
            if self.pending.len() >= CHUNK {
                self.compress_pending();
            }
        }
    }
}

/// Feeds one transaction to two sinks.
pub struct Both<'s, A, B>(pub &'s mut A, pub &'s mut B);

impl<A: Sink, B: Sink> Sink for Both<'_, A, B> {
    fn transaction(&mut self, t: &Transaction) {
        self.0.transaction(t);
        self.1.transaction(t);
    }
    fn currency(&mut self, currency: &str) {
        self.0.currency(currency);
        self.1.currency(currency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::Item;
    use std::io::Read;

    #[test]
    fn lines_repeat_the_store_day_and_transaction() {
        let mut w = Writer::new("store-001", "2026-11-02");
        w.currency("USD");
        let item = |sku: &str| Item {
            sku: sku.into(),
            name: "n".into(),
            category: "c".into(),
            quantity: 2.0,
            unit_price: 1.5,
            discount: 0.25,
        };
        w.transaction(&Transaction {
            transaction_id: "t1".into(),
            timestamp: "2026-11-02T09:00:00-06:00".into(),
            local_hour: 9,
            items: vec![item("A"), item("B")],
            payment_method: "cash",
            total: 5.5,
        });
        assert_eq!(w.lines(), 2);
        let gz = w.finish().unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["sku"], "B");
        assert_eq!(lines[1]["store_id"], "store-001");
        assert_eq!(lines[1]["transaction_id"], "t1");
        assert_eq!(lines[1]["amount"], 2.75);
        assert_eq!(lines[1]["currency"], "USD");
        assert!(text.ends_with('\n'));
    }
}
