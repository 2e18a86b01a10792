//! A store's day in numbers, summed as transactions stream past. Money is
//! summed as sent and rounded to cents only when shown
//! ([`cents`]), so rounding never compounds.

use crate::upload::{PAYMENT_METHODS, Sink, Transaction};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many products a store's metrics list.
pub const TOP_PRODUCTS: usize = 10;

/// Money as shown: rounded to cents.
pub fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A share as shown: four decimals.
pub fn share(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One product's day in one store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProductDay {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub units: f64,
    /// Σ quantity × unit price − discount over its lines.
    pub revenue: f64,
}

/// What a day's transactions add up to, unrounded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub revenue: f64,
    pub transactions: u64,
    pub items_sold: f64,
    pub discounts: f64,
    /// Revenue by payment method, in [`PAYMENT_METHODS`] order.
    pub by_method: [f64; 4],
    /// Transactions by hour on the store's clock.
    pub hourly: [u64; 24],
    pub products: HashMap<String, ProductDay>,
}

impl Sink for Totals {
    fn transaction(&mut self, t: &Transaction) {
        self.revenue += t.total;
        self.transactions += 1;
        if let Some(i) = PAYMENT_METHODS.iter().position(|m| *m == t.payment_method) {
            self.by_method[i] += t.total;
        }
        self.hourly[t.local_hour as usize % 24] += 1;
        for item in &t.items {
            self.items_sold += item.quantity;
            self.discounts += item.discount;
            let p = self
                .products
                .entry(item.sku.clone())
                .or_insert_with(|| ProductDay {
                    sku: item.sku.clone(),
                    name: item.name.clone(),
                    category: item.category.clone(),
                    units: 0.0,
                    revenue: 0.0,
                });
            p.units += item.quantity;
            p.revenue += item.amount();
        }
    }
}

/// A product among a store's best sellers, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TopProduct {
    pub sku: String,
    pub name: String,
    pub units: f64,
    pub revenue: f64,
}

/// A store's metrics for a day, as the API shows them (money in cents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StoreMetrics {
    pub store_id: String,
    pub date: String,
    pub currency: String,
    /// Σ of the transactions' totals.
    pub revenue: f64,
    pub transactions: u64,
    /// Σ of the items' quantities.
    pub items_sold: f64,
    /// revenue / transactions (0 without transactions).
    pub avg_basket: f64,
    /// Σ of the items' discounts.
    pub discounts: f64,
    /// Share of revenue by payment method (card, cash, mobile, other).
    pub payment_mix: HashMap<String, f64>,
    /// Transactions by hour on the store's clock, 0-23.
    pub hourly: Vec<u64>,
    /// The ten products with the most revenue, most first.
    pub top_products: Vec<TopProduct>,
}

impl Totals {
    /// The products, most revenue first (then by SKU, so ties are stable).
    pub fn ranked(&self) -> Vec<&ProductDay> {
        let mut all: Vec<&ProductDay> = self.products.values().collect();
        all.sort_by(|a, b| b.revenue.total_cmp(&a.revenue).then(a.sku.cmp(&b.sku)));
        all
    }

    pub fn avg_basket(&self) -> f64 {
        if self.transactions == 0 {
            0.0
        } else {
            self.revenue / self.transactions as f64
        }
    }

    /// Revenue shares by method, unrounded.
    pub fn payment_mix(&self) -> HashMap<String, f64> {
        PAYMENT_METHODS
            .iter()
            .zip(self.by_method)
            .map(|(m, r)| {
                let s = if self.revenue > 0.0 {
                    r / self.revenue
                } else {
                    0.0
                };
                (m.to_string(), s)
            })
            .collect()
    }

    pub fn top_products(&self) -> Vec<TopProduct> {
        self.ranked()
            .into_iter()
            .take(TOP_PRODUCTS)
            .map(|p| TopProduct {
                sku: p.sku.clone(),
                name: p.name.clone(),
                units: p.units,
                revenue: p.revenue,
            })
            .collect()
    }
}

impl StoreMetrics {
    /// Rounded for display: money to cents, shares to four decimals.
    pub fn shown(mut self) -> Self {
        self.revenue = cents(self.revenue);
        self.avg_basket = cents(self.avg_basket);
        self.discounts = cents(self.discounts);
        self.items_sold = (self.items_sold * 1000.0).round() / 1000.0;
        for v in self.payment_mix.values_mut() {
            *v = share(*v);
        }
        for p in &mut self.top_products {
            p.revenue = cents(p.revenue);
            p.units = (p.units * 1000.0).round() / 1000.0;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::Item;
    use proptest::prelude::*;

    fn sale(hour: u32, method: &'static str, lines: &[(&str, f64, f64, f64)]) -> Transaction {
        let items: Vec<Item> = lines
            .iter()
            .map(|&(sku, q, p, d)| Item {
                sku: sku.into(),
                name: format!("{sku} name"),
                category: "c".into(),
                quantity: q,
                unit_price: p,
                discount: d,
            })
            .collect();
        Transaction {
            transaction_id: format!("t{hour}{method}"),
            timestamp: String::new(),
            local_hour: hour,
            total: items.iter().map(Item::amount).sum(),
            items,
            payment_method: method,
        }
    }

    #[test]
    fn a_day_adds_up() {
        let mut t = Totals::default();
        t.transaction(&sale(
            9,
            "card",
            &[("A", 2.0, 1.25, 0.5), ("B", 1.0, 10.0, 0.0)],
        ));
        t.transaction(&sale(9, "cash", &[("B", 3.0, 10.0, 1.0)]));
        t.transaction(&sale(17, "mobile", &[("C", 0.75, 4.0, 0.0)]));
        assert_eq!(t.revenue, 12.0 + 29.0 + 3.0);
        assert_eq!(t.transactions, 3);
        assert_eq!(t.items_sold, 6.75);
        assert_eq!(t.discounts, 1.5);
        assert_eq!((t.hourly[9], t.hourly[17]), (2, 1));
        let mix = t.payment_mix();
        assert_eq!(mix["card"], 12.0 / 44.0);
        assert_eq!(mix["other"], 0.0);
        let top = t.top_products();
        assert_eq!(
            top.iter()
                .map(|p| (p.sku.as_str(), p.units, p.revenue))
                .collect::<Vec<_>>(),
            [("B", 4.0, 39.0), ("C", 0.75, 3.0), ("A", 2.0, 2.0)]
        );
        assert_eq!(t.avg_basket(), 44.0 / 3.0);
    }

    proptest! {
        /// Shares sum to one; product revenue sums to the day's revenue;
        /// the hours count every transaction; only ten products show.
        #[test]
        fn totals_are_consistent(sales in proptest::collection::vec(
            (0u32..24, 0usize..4, proptest::collection::vec((0usize..15, 1u32..400, 0u32..5000, 0u32..100), 1..5)), 1..60)) {
            let mut t = Totals::default();
            for (hour, m, lines) in &sales {
                let lines: Vec<(String, f64, f64, f64)> = lines.iter()
                    .map(|&(s, q, p, d)| (format!("S{s}"), f64::from(q) / 4.0, f64::from(p) / 100.0, f64::from(d) / 100.0))
                    .collect();
                let refs: Vec<(&str, f64, f64, f64)> = lines.iter().map(|(s, q, p, d)| (s.as_str(), *q, *p, *d)).collect();
                t.transaction(&sale(*hour, PAYMENT_METHODS[*m], &refs));
            }
            prop_assert_eq!(t.hourly.iter().sum::<u64>(), sales.len() as u64);
            let product_revenue: f64 = t.products.values().map(|p| p.revenue).sum();
            prop_assert!((product_revenue - t.revenue).abs() < 1e-6);
            if t.revenue.abs() > 1e-9 {
                let shares: f64 = t.payment_mix().values().sum();
                prop_assert!((shares - 1.0).abs() < 1e-9);
            }
            let top = t.top_products();
            prop_assert!(top.len() <= TOP_PRODUCTS);
            prop_assert!(top.windows(2).all(|w| w[0].revenue >= w[1].revenue));
        }
    }
}
