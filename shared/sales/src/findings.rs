//! What the daily analysis finds: the company's day, its products,
//! anomalies against each series' own history, and the recommendations
//! and insights drawn from them. The statistics are the core's
//! ([`edgedesk_core::stats`]); this module chooses the series and says
//! what the numbers mean.

use crate::analysis::Trends;
use crate::db::{self, Cols};
use crate::metrics::{cents, share};
use chrono::{Duration, NaiveDate};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::stats;
use edgedesk_kernel::config;
use edgedesk_kernel::platform::Platform;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The days of history an anomaly is judged against.
pub const HISTORY_DAYS: i64 = 28;
/// Fewer days of history than this: no verdict.
pub const MIN_HISTORY_DAYS: usize = 14;

// ----- the company's day -----------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Company {
    pub date: String,
    pub stores_reported: usize,
    pub revenue: f64,
    pub transactions: u64,
    pub items_sold: f64,
    pub avg_basket: f64,
    pub discounts: f64,
    /// Stores by revenue, most first.
    pub ranking: Vec<Ranked>,
    /// Against the day before, over the stores that reported both days.
    pub day_over_day: Option<Change>,
    /// Against the same weekday a week before, like for like.
    pub same_weekday_last_week: Option<Change>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Ranked {
    pub rank: usize,
    pub store_id: String,
    pub revenue: f64,
    /// Of the company's revenue.
    pub share: f64,
    pub transactions: u64,
}

/// A day against an earlier one, over the stores both have.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    pub compared_to: String,
    pub stores_compared: usize,
    pub revenue: f64,
    pub previous_revenue: f64,
    pub revenue_pct: Option<f64>,
    pub transactions_pct: Option<f64>,
    pub avg_basket_pct: Option<f64>,
}

struct DayRow {
    revenue: f64,
    transactions: u64,
    items_sold: f64,
    discounts: f64,
}

async fn day_rows<P: Platform>(p: &P, date: &str) -> Result<BTreeMap<String, DayRow>, ApiError> {
    let rows = db::query(
        p,
        "SELECT store_id, revenue, transactions, items_sold, discounts FROM store_metrics \
         WHERE date = ?1",
        &[date.into()],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            (
                c.text(0),
                DayRow {
                    revenue: c.real(1),
                    transactions: c.int(2) as u64,
                    items_sold: c.real(3),
                    discounts: c.real(4),
                },
            )
        })
        .collect())
}

fn change(
    today: &BTreeMap<String, DayRow>,
    before: &BTreeMap<String, DayRow>,
    date: String,
) -> Option<Change> {
    let both: Vec<&String> = today.keys().filter(|s| before.contains_key(*s)).collect();
    if both.is_empty() {
        return None;
    }
    let sum = |m: &BTreeMap<String, DayRow>, f: fn(&DayRow) -> f64| -> f64 {
        both.iter().map(|s| f(&m[*s])).sum()
    };
    let (r1, r0) = (sum(today, |d| d.revenue), sum(before, |d| d.revenue));
    let (t1, t0) = (
        sum(today, |d| d.transactions as f64),
        sum(before, |d| d.transactions as f64),
    );
    let basket = |r: f64, t: f64| if t > 0.0 { r / t } else { 0.0 };
    Some(Change {
        compared_to: date,
        stores_compared: both.len(),
        revenue: cents(r1),
        previous_revenue: cents(r0),
        revenue_pct: stats::percent_change(r0, r1).map(round2),
        transactions_pct: stats::percent_change(t0, t1).map(round2),
        avg_basket_pct: stats::percent_change(basket(r0, t0), basket(r1, t1)).map(round2),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The company's totals for the day, its stores ranked, and how the day
/// compares with the day before and the same weekday last week.
pub async fn company<P: Platform>(p: &P, day: NaiveDate) -> Result<Company, ApiError> {
    let date = day.to_string();
    let today = day_rows(p, &date).await?;
    let revenue: f64 = today.values().map(|d| d.revenue).sum();
    let transactions: u64 = today.values().map(|d| d.transactions).sum();
    let mut ranking: Vec<Ranked> = today
        .iter()
        .map(|(s, d)| Ranked {
            rank: 0,
            store_id: s.clone(),
            revenue: d.revenue,
            share: if revenue.abs() > 0.0 {
                d.revenue / revenue
            } else {
                0.0
            },
            transactions: d.transactions,
        })
        .collect();
    ranking.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then(a.store_id.cmp(&b.store_id))
    });
    for (i, r) in ranking.iter_mut().enumerate() {
        r.rank = i + 1;
        r.revenue = cents(r.revenue);
        r.share = share(r.share);
    }
    let yesterday = (day - Duration::days(1)).to_string();
    let last_week = (day - Duration::days(7)).to_string();
    let before = day_rows(p, &yesterday).await?;
    let week = day_rows(p, &last_week).await?;
    Ok(Company {
        stores_reported: today.len(),
        revenue: cents(revenue),
        transactions,
        items_sold: today.values().map(|d| d.items_sold).sum(),
        avg_basket: cents(if transactions > 0 {
            revenue / transactions as f64
        } else {
            0.0
        }),
        discounts: cents(today.values().map(|d| d.discounts).sum()),
        ranking,
        day_over_day: change(&today, &before, yesterday),
        same_weekday_last_week: change(&today, &week, last_week),
        date,
    })
}

// ----- products -----------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Products {
    /// Every product sold that day, by revenue, most first.
    pub products: Vec<ProductRank>,
    /// Revenue and units by category, most revenue first.
    pub category_mix: Vec<CategoryShare>,
    /// Units against their mean over the 7 days before: most up, most down.
    pub movers_up: Vec<Mover>,
    pub movers_down: Vec<Mover>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductRank {
    pub rank: usize,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub units: f64,
    pub revenue: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CategoryShare {
    pub category: String,
    pub units: f64,
    pub revenue: f64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Mover {
    pub sku: String,
    pub name: String,
    pub units: f64,
    /// Mean daily units over the 7 days before.
    pub previous_mean: f64,
    pub change_pct: f64,
}

/// How many movers each way.
pub const MOVERS: usize = 5;
/// A product needs this many units a day before to count as a mover.
pub const MOVER_MIN_UNITS: f64 = 1.0;

pub async fn products<P: Platform>(p: &P, day: NaiveDate) -> Result<Products, ApiError> {
    let date = day.to_string();
    let rows = db::query(
        p,
        "SELECT sku, max(name), max(category), sum(units), sum(revenue) FROM product_sales \
         WHERE date = ?1 GROUP BY sku",
        &[date.as_str().into()],
    )
    .await?;
    let mut products: Vec<ProductRank> = rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            ProductRank {
                rank: 0,
                sku: c.text(0),
                name: c.text(1),
                category: c.text(2),
                units: c.real(3),
                revenue: c.real(4),
            }
        })
        .collect();
    products.sort_by(|a, b| b.revenue.total_cmp(&a.revenue).then(a.sku.cmp(&b.sku)));
    let total: f64 = products.iter().map(|p| p.revenue).sum();
    let mut categories: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for p in &products {
        let e = categories.entry(p.category.clone()).or_default();
        e.0 += p.units;
        e.1 += p.revenue;
    }
    let mut category_mix: Vec<CategoryShare> = categories
        .into_iter()
        .map(|(category, (units, revenue))| CategoryShare {
            category,
            units,
            revenue: cents(revenue),
            share: share(if total.abs() > 0.0 {
                revenue / total
            } else {
                0.0
            }),
        })
        .collect();
    category_mix.sort_by(|a, b| b.revenue.total_cmp(&a.revenue));
    // Units a day over the week before, per product.
    let from = (day - Duration::days(7)).to_string();
    let before = db::query(
        p,
        "SELECT sku, sum(units) / 7.0 FROM product_sales WHERE date >= ?1 AND date < ?2 \
         GROUP BY sku",
        &[from.into(), date.as_str().into()],
    )
    .await?;
    let previous: HashMap<String, f64> = before
        .iter()
        .map(|r| (Cols(r).text(0), Cols(r).real(1)))
        .collect();
    let mut movers: Vec<Mover> = products
        .iter()
        .filter_map(|p| {
            let prev = *previous.get(&p.sku)?;
            (prev >= MOVER_MIN_UNITS).then(|| Mover {
                sku: p.sku.clone(),
                name: p.name.clone(),
                units: p.units,
                previous_mean: round2(prev),
                change_pct: round2((p.units - prev) / prev * 100.0),
            })
        })
        .collect();
    movers.sort_by(|a, b| {
        b.change_pct
            .total_cmp(&a.change_pct)
            .then(a.sku.cmp(&b.sku))
    });
    let movers_up: Vec<Mover> = movers
        .iter()
        .filter(|m| m.change_pct > 0.0)
        .take(MOVERS)
        .cloned()
        .collect();
    let movers_down: Vec<Mover> = movers
        .iter()
        .rev()
        .filter(|m| m.change_pct < 0.0)
        .take(MOVERS)
        .cloned()
        .collect();
    for (i, p) in products.iter_mut().enumerate() {
        p.rank = i + 1;
        p.revenue = cents(p.revenue);
    }
    Ok(Products {
        products,
        category_mix,
        movers_up,
        movers_down,
    })
}

// ----- anomalies ----------------------------------------------------------

/// How anomalies are judged (`ANOMALY_Z_THRESHOLD`, `ANOMALY_IQR_K`,
/// `ANOMALY_RULE`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Thresholds {
    /// |modified z| at or above this flags (3.5).
    pub modified_z: f64,
    /// Tukey's fences at Q1 − k·IQR and Q3 + k·IQR (1.5).
    pub iqr_k: f64,
    /// both (the default: the rules agree), either, modified_z or tukey.
    pub rule: String,
    pub history_days: i64,
    pub min_history_days: usize,
}

impl Thresholds {
    pub async fn read<P: Platform>(p: &P) -> Thresholds {
        let num = |v: Option<String>, d: f64| {
            v.and_then(|s| s.parse::<f64>().ok())
                .filter(|x| x.is_finite() && *x > 0.0)
                .unwrap_or(d)
        };
        let rule = config::non_empty(p, "ANOMALY_RULE")
            .await
            .filter(|r| ["both", "either", "modified_z", "tukey"].contains(&r.as_str()))
            .unwrap_or_else(|| "both".into());
        Thresholds {
            modified_z: num(config::non_empty(p, "ANOMALY_Z_THRESHOLD").await, 3.5),
            iqr_k: num(config::non_empty(p, "ANOMALY_IQR_K").await, 1.5),
            rule,
            history_days: HISTORY_DAYS,
            min_history_days: MIN_HISTORY_DAYS,
        }
    }
}

/// One series judged against its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// store_revenue or product_units.
    pub kind: String,
    pub store_id: String,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub value: f64,
    pub history_days: usize,
    pub median: f64,
    pub mad: f64,
    /// None when the history's MAD is 0: that rule gives no verdict.
    pub modified_z: Option<f64>,
    pub q1: f64,
    pub q3: f64,
    pub lower_fence: f64,
    pub upper_fence: f64,
    /// The rules that flag the value: modified_z, tukey.
    pub flagged_by: Vec<String>,
    pub anomaly: bool,
    /// high or low, for an anomaly.
    pub direction: Option<String>,
    pub explanation: String,
}

/// A series without enough history for a verdict.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NoVerdict {
    pub kind: String,
    pub store_id: String,
    pub sku: Option<String>,
    pub history_days: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Anomalies {
    pub thresholds: Thresholds,
    /// Every reporting store's revenue, judged.
    pub store_revenue: Vec<Verdict>,
    /// Product units per store that are anomalies.
    pub product_units: Vec<Verdict>,
    /// Series of the day that could not be judged, and why.
    pub no_verdict: Vec<NoVerdict>,
}

impl Anomalies {
    pub fn all(&self) -> impl Iterator<Item = &Verdict> {
        self.store_revenue
            .iter()
            .filter(|v| v.anomaly)
            .chain(self.product_units.iter())
    }
}

/// What the two rules say of a value against its history.
pub struct Judged {
    pub median: f64,
    pub mad: f64,
    pub modified_z: Option<f64>,
    pub q1: f64,
    pub q3: f64,
    pub lower_fence: f64,
    pub upper_fence: f64,
    /// The rules that flag it: modified_z, tukey.
    pub flagged_by: Vec<String>,
}

/// Judges `value` against `history`; `None` with too little history.
pub fn judge(value: f64, history: &[f64], t: &Thresholds) -> Option<Judged> {
    if history.len() < t.min_history_days {
        return None;
    }
    let median = stats::median(history)?;
    let mad = stats::mad(history)?;
    let z = stats::modified_z(value, history);
    let stats::Fences {
        low: lower_fence,
        high: upper_fence,
    } = stats::tukey_fences(history, t.iqr_k)?;
    let mut flagged_by = Vec::new();
    if z.is_some_and(|z| z.abs() >= t.modified_z) {
        flagged_by.push("modified_z".to_string());
    }
    if value < lower_fence || value > upper_fence {
        flagged_by.push("tukey".to_string());
    }
    Some(Judged {
        median,
        mad,
        modified_z: z,
        q1: stats::quantile(history, 0.25)?,
        q3: stats::quantile(history, 0.75)?,
        lower_fence,
        upper_fence,
        flagged_by,
    })
}

fn verdict(
    kind: &str,
    store_id: &str,
    sku: Option<(&str, &str)>,
    value: f64,
    history: &[f64],
    t: &Thresholds,
) -> Result<Verdict, NoVerdict> {
    let Some(Judged {
        median,
        mad,
        modified_z: z,
        q1,
        q3,
        lower_fence: lo,
        upper_fence: hi,
        flagged_by: by,
    }) = judge(value, history, t)
    else {
        return Err(NoVerdict {
            kind: kind.into(),
            store_id: store_id.into(),
            sku: sku.map(|s| s.0.to_string()),
            history_days: history.len(),
            reason: format!(
                "{} day(s) of history in the {HISTORY_DAYS} before; a verdict needs {MIN_HISTORY_DAYS}",
                history.len()
            ),
        });
    };
    let anomaly = match t.rule.as_str() {
        "either" => !by.is_empty(),
        "modified_z" => by.iter().any(|b| b == "modified_z"),
        "tukey" => by.iter().any(|b| b == "tukey"),
        _ => by.len() == 2,
    };
    let direction = anomaly.then(|| if value > median { "high" } else { "low" }.to_string());
    let subject = match sku {
        Some((sku, name)) => format!("{name} ({sku}) units at {store_id}"),
        None => format!("{store_id} revenue"),
    };
    let fmt = |x: f64| {
        if kind == "store_revenue" {
            format!("{:.2}", x)
        } else {
            format!("{}", round2(x))
        }
    };
    let ratio = if median.abs() > f64::EPSILON {
        format!("{:.1}× ", value / median)
    } else {
        String::new()
    };
    let z_text = match z {
        Some(z) => format!("modified z {:.2} (flag at ±{})", z, t.modified_z),
        None => "modified z undefined (MAD 0)".to_string(),
    };
    let explanation = format!(
        "{subject} {} is {ratio}the median {} of {} day(s) before (MAD {}); {z_text}; Tukey fences [{}, {}] (Q1 {}, Q3 {}, k {}){}.",
        fmt(value),
        fmt(median),
        history.len(),
        fmt(mad),
        fmt(lo),
        fmt(hi),
        fmt(q1),
        fmt(q3),
        t.iqr_k,
        if anomaly {
            format!(": an anomaly ({})", by.join(" and "))
        } else if by.is_empty() {
            ": within both".to_string()
        } else {
            format!(
                ": flagged by {} only, so not an anomaly under rule '{}'",
                by.join(", "),
                t.rule
            )
        }
    );
    Ok(Verdict {
        kind: kind.into(),
        store_id: store_id.into(),
        sku: sku.map(|s| s.0.to_string()),
        name: sku.map(|s| s.1.to_string()),
        value,
        history_days: history.len(),
        median,
        mad,
        modified_z: z,
        q1,
        q3,
        lower_fence: lo,
        upper_fence: hi,
        flagged_by: by,
        anomaly,
        direction,
        explanation,
    })
}

/// A store's days in the window before the day, and the day itself.
#[derive(Default)]
struct StoreHistory {
    days: Vec<String>,
    revenue: Vec<f64>,
    today: Option<f64>,
}

/// Each reporting store's revenue, and each of its products' units,
/// against the 28 days before. A day the store reported without selling a
/// product counts as 0 units of it.
pub async fn anomalies<P: Platform>(p: &P, day: NaiveDate) -> Result<Anomalies, ApiError> {
    let t = Thresholds::read(p).await;
    let date = day.to_string();
    let from = (day - Duration::days(HISTORY_DAYS)).to_string();
    let rows = db::query(
        p,
        "SELECT store_id, date, revenue FROM store_metrics WHERE date >= ?1 AND date <= ?2 \
         ORDER BY store_id, date",
        &[from.as_str().into(), date.as_str().into()],
    )
    .await?;
    let mut history: BTreeMap<String, StoreHistory> = BTreeMap::new();
    for r in &rows {
        let c = Cols(r);
        let e = history.entry(c.text(0)).or_default();
        if c.text(1) == date {
            e.today = Some(c.real(2));
        } else {
            e.days.push(c.text(1));
            e.revenue.push(c.real(2));
        }
    }
    let mut out = Anomalies {
        thresholds: t.clone(),
        store_revenue: Vec::new(),
        product_units: Vec::new(),
        no_verdict: Vec::new(),
    };
    for (
        store,
        StoreHistory {
            days,
            revenue,
            today,
        },
    ) in &history
    {
        let Some(today) = today else { continue };
        match verdict("store_revenue", store, None, *today, revenue, &t) {
            Ok(v) => out.store_revenue.push(v),
            Err(n) => out.no_verdict.push(n),
        }
        if days.len() < t.min_history_days {
            out.no_verdict.push(NoVerdict {
                kind: "product_units".into(),
                store_id: store.clone(),
                sku: None,
                history_days: days.len(),
                reason: format!(
                    "{} day(s) of history in the {HISTORY_DAYS} before; a verdict needs {MIN_HISTORY_DAYS}",
                    days.len()
                ),
            });
            continue;
        }
        let sales = db::query(
            p,
            "SELECT sku, name, date, units FROM product_sales WHERE store_id = ?1 \
             AND date >= ?2 AND date <= ?3",
            &[
                store.as_str().into(),
                from.as_str().into(),
                date.as_str().into(),
            ],
        )
        .await?;
        let mut units: BTreeMap<String, (String, HashMap<String, f64>)> = BTreeMap::new();
        for r in &sales {
            let c = Cols(r);
            let e = units
                .entry(c.text(0))
                .or_insert_with(|| (c.text(1), HashMap::new()));
            e.1.insert(c.text(2), c.real(3));
        }
        let reported: BTreeSet<&String> = days.iter().collect();
        for (sku, (name, by_day)) in &units {
            let series: Vec<f64> = reported
                .iter()
                .map(|d| by_day.get(*d).copied().unwrap_or(0.0))
                .collect();
            let value = by_day.get(&date).copied().unwrap_or(0.0);
            if let Ok(v) = verdict(
                "product_units",
                store,
                Some((sku, name)),
                value,
                &series,
                &t,
            ) && v.anomaly
            {
                out.product_units.push(v);
            }
        }
    }
    out.product_units.sort_by(|a, b| {
        let za = a.modified_z.map_or(0.0, f64::abs);
        let zb = b.modified_z.map_or(0.0, f64::abs);
        zb.total_cmp(&za)
    });
    Ok(out)
}

// ----- recommendations and insights ---------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "SalesRecommendation")]
pub struct Recommendation {
    pub id: String,
    /// high, medium or low.
    pub priority: String,
    pub store_id: Option<String>,
    pub sku: Option<String>,
    pub text: String,
    /// The finding it rests on, with its numbers.
    pub finding: String,
}

/// Rules over the anomalies and trends, most urgent first.
pub fn recommend(company: &Company, anomalies: &Anomalies, trends: &Trends) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let mut add =
        |priority: &str, store: Option<&str>, sku: Option<&str>, text: String, finding: String| {
            out.push(Recommendation {
                id: String::new(),
                priority: priority.into(),
                store_id: store.map(str::to_string),
                sku: sku.map(str::to_string),
                text,
                finding,
            });
        };
    for v in anomalies.store_revenue.iter().filter(|v| v.anomaly) {
        match v.direction.as_deref() {
            Some("low") => add(
                "high",
                Some(&v.store_id),
                None,
                format!(
                    "Call {}: revenue was far below normal. Check that its upload is complete and whether the store was closed, short-staffed or had a till fault.",
                    v.store_id
                ),
                v.explanation.clone(),
            ),
            _ => add(
                "medium",
                Some(&v.store_id),
                None,
                format!(
                    "Look into {}'s unusually high revenue: confirm it is real (a large order, an event) rather than a data error, and check its stock for the days ahead.",
                    v.store_id
                ),
                v.explanation.clone(),
            ),
        }
    }
    for v in anomalies.product_units.iter().take(10) {
        let name = v.name.clone().unwrap_or_default();
        let sku = v.sku.clone().unwrap_or_default();
        match v.direction.as_deref() {
            Some("high") => add(
                "medium",
                Some(&v.store_id),
                Some(&sku),
                format!(
                    "Restock {name} ({sku}) at {}: it sold far more units than usual.",
                    v.store_id
                ),
                v.explanation.clone(),
            ),
            _ => add(
                "low",
                Some(&v.store_id),
                Some(&sku),
                format!(
                    "Check {name} ({sku}) at {}: it sold far fewer units than usual; is it out of stock or mispriced?",
                    v.store_id
                ),
                v.explanation.clone(),
            ),
        }
    }
    for s in &trends.stores {
        if s.revenue.direction == "falling" && s.revenue.days >= MIN_HISTORY_DAYS {
            add(
                "medium",
                Some(&s.store_id),
                None,
                format!(
                    "Review {}: its revenue has been falling for four weeks; compare staffing, opening hours and local promotions with its peers.",
                    s.store_id
                ),
                format!(
                    "{} revenue slope {:.2} a day ({:.1} % a week) over {} days",
                    s.store_id,
                    s.revenue.slope_per_day.unwrap_or(0.0),
                    s.revenue.slope_pct_per_week.unwrap_or(0.0),
                    s.revenue.days
                ),
            );
        }
    }
    if let Some(t) = trends.company.get("revenue")
        && t.direction == "falling"
    {
        add(
            "high",
            None,
            None,
            "Company revenue is falling over four weeks: review pricing and promotions across stores.".into(),
            format!("company revenue slope {:.1} % a week over {} days", t.slope_pct_per_week.unwrap_or(0.0), t.days),
        );
    }
    if let Some(c) = &company.same_weekday_last_week
        && c.revenue_pct.is_some_and(|p| p <= -10.0)
    {
        add(
            "medium",
            None,
            None,
            "Revenue is down on the same weekday last week: check what changed (weather, events, competitors, stock).".into(),
            format!("{:.2} against {:.2} ({:+.2} %), {} stores like for like", c.revenue, c.previous_revenue, c.revenue_pct.unwrap_or(0.0), c.stores_compared),
        );
    }
    let rank = |p: &str| match p {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    };
    out.sort_by_key(|r| rank(&r.priority));
    for (i, r) in out.iter_mut().enumerate() {
        r.id = format!("rec-{}", i + 1);
    }
    out
}

/// The recommendations in the LLM's words when `LLM_API_URL` is set:
/// same ids, same count, each text non-empty, or the rules' words stand.
/// Which words they are: `rules` or `llm`.
pub async fn rewritten<P: Platform>(
    p: &P,
    date: &str,
    recs: Vec<Recommendation>,
) -> (Vec<Recommendation>, &'static str) {
    let Some(llm) = edgedesk_kernel::llm::LlmSettings::read(p).await else {
        return (recs, "rules");
    };
    if recs.is_empty() {
        return (recs, "rules");
    }
    let facts = json!({"date": date, "recommendations": recs.iter()
        .map(|r| json!({"id": r.id, "text": r.text, "finding": r.finding})).collect::<Vec<_>>()});
    let ids: Vec<String> = recs.iter().map(|r| r.id.clone()).collect();
    let accept = |v: &Value| -> Result<Vec<(String, String)>, String> {
        let items = v["recommendations"]
            .as_array()
            .ok_or("no recommendations")?;
        let pairs: Vec<(String, String)> = items
            .iter()
            .filter_map(|i| {
                Some((
                    i["id"].as_str()?.to_string(),
                    i["text"].as_str()?.trim().to_string(),
                ))
            })
            .filter(|(_, t)| !t.is_empty() && t.len() <= 600)
            .collect();
        let same =
            pairs.len() == ids.len() && pairs.iter().zip(&ids).all(|((id, _), want)| id == want);
        if same {
            Ok(pairs)
        } else {
            Err("the answer does not keep every recommendation".into())
        }
    };
    let instructions = "You help a retail chain's analysts. Rewrite each recommendation's text to be clear and actionable for store managers, in at most two sentences, keeping every number and store or product name it mentions. Answer as JSON: {\"recommendations\": [{\"id\": ..., \"text\": ...}]} with the same ids in the same order.";
    match edgedesk_kernel::llm::complete(p, &llm, instructions, &facts, accept).await {
        Ok(done) => {
            let recs = recs
                .into_iter()
                .zip(done.answer)
                .map(|(r, (_, text))| Recommendation { text, ..r })
                .collect();
            (recs, "llm")
        }
        Err(_) => (recs, "rules"),
    }
}

/// The day in a few sentences.
pub fn insights(
    company: &Company,
    products: &Products,
    anomalies: &Anomalies,
    trends: &Trends,
) -> Vec<String> {
    let mut out = vec![format!(
        "{} stores reported {:.2} in revenue from {} transactions (average basket {:.2}).",
        company.stores_reported, company.revenue, company.transactions, company.avg_basket
    )];
    if let Some(c) = &company.day_over_day
        && let Some(pct) = c.revenue_pct
    {
        out.push(format!(
            "Revenue {:+.2} % on the day before, like for like over {} stores.",
            pct, c.stores_compared
        ));
    }
    if let Some(c) = &company.same_weekday_last_week
        && let Some(pct) = c.revenue_pct
    {
        out.push(format!(
            "Revenue {:+.2} % on the same weekday last week ({}).",
            pct, c.compared_to
        ));
    }
    if let Some(top) = company.ranking.first() {
        out.push(format!(
            "Top store: {} with {:.2} ({:.1} % of revenue).",
            top.store_id,
            top.revenue,
            top.share * 100.0
        ));
    }
    if let Some(p) = products.products.first() {
        out.push(format!(
            "Best seller: {} ({}) with {:.2} from {} units.",
            p.name,
            p.sku,
            p.revenue,
            round2(p.units)
        ));
    }
    if let Some(c) = products.category_mix.first() {
        out.push(format!(
            "Largest category: {} ({:.1} % of revenue).",
            c.category,
            c.share * 100.0
        ));
    }
    let n = anomalies.all().count();
    if n == 0 {
        out.push("No anomalies against the 28 days before.".into());
    } else {
        out.push(format!(
            "{n} anomal{} found; the largest: {}",
            if n == 1 { "y" } else { "ies" },
            anomalies
                .all()
                .next()
                .map(|v| v.explanation.clone())
                .unwrap_or_default()
        ));
    }
    if let Some(t) = trends.company.get("revenue") {
        out.push(format!(
            "Four-week revenue trend: {} ({:+.1} % a week; week over week {}).",
            t.direction,
            t.slope_pct_per_week.unwrap_or(0.0),
            t.week_over_week_pct
                .map_or("n/a".to_string(), |w| format!("{w:+.1} %"))
        ));
    }
    out
}
