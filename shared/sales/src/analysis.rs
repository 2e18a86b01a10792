//! The daily analysis of the whole company: one run per day, started
//! exactly once (by the last expected store's upload, the scheduled
//! fallback or an admin), made of steps that each record their status,
//! timing and output, so a failed step is retried alone and a finished one
//! is never redone.
//!
//! Exactly once: a run is the row of its date in `analysis_runs`, created
//! with `INSERT ... ON CONFLICT DO NOTHING RETURNING`, so among any number
//! of simultaneous starters one gets the row and starts it. Working it is
//! a lease (`lease_until`), so a second worker never runs steps
//! alongside the first, and a dead worker's run is picked up again.

use crate::db::{self, Cols};
use crate::findings::{self, Anomalies, Company, Products, Recommendation};
use crate::input::Input;
use crate::report;
use crate::trends::{self, Trend};
use crate::uploads::missing_stores;
use chrono::{Duration, NaiveDate};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Request;
use edgedesk_kernel::dates::parse_date;
use edgedesk_kernel::platform::Platform;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The steps of a run, in order.
pub const STEPS: [&str; 8] = [
    "company",
    "products",
    "anomalies",
    "trends",
    "recommendations",
    "insights",
    "report",
    "export",
];

/// How long a worker holds a run before another may take it over.
pub const LEASE_MS: i64 = 5 * 60 * 1000;

/// How many times the schedule restarts a failed run by itself.
pub const MAX_AUTOMATIC_ATTEMPTS: i64 = 5;

/// Starts the day's analysis if every active store has reported and it
/// has not started yet. Called after each processed upload; among
/// simultaneous callers exactly one starts it.
pub async fn when_all_reported<P: Platform>(p: &P, date: &str) -> Result<(), ApiError> {
    let claimed = db::one(
        p,
        "INSERT INTO analysis_runs (date, trigger, status, reported_stores, missing_stores, \
         created_at, attempts) \
         SELECT ?1, 'all_stores', 'pending', \
         (SELECT json_group_array(store_id) FROM (SELECT store_id FROM store_metrics \
          WHERE date = ?1 ORDER BY store_id)), '[]', ?2, 0 \
         WHERE EXISTS (SELECT 1 FROM stores WHERE active = 1) AND NOT EXISTS \
         (SELECT 1 FROM stores s WHERE s.active = 1 AND NOT EXISTS \
          (SELECT 1 FROM store_metrics m WHERE m.date = ?1 AND m.store_id = s.store_id)) \
         ON CONFLICT (date) DO NOTHING RETURNING date",
        &[date.into(), p.now_ms().into()],
    )
    .await?;
    if claimed.is_some() {
        start(p, date).await?;
    }
    Ok(())
}

/// Creates the day's run with the stores that have reported, if there is
/// none. Whether this call created it.
async fn claim<P: Platform>(p: &P, date: &str, trigger: &str) -> Result<bool, ApiError> {
    let missing = missing_stores(p, date).await?;
    let claimed = db::one(
        p,
        "INSERT INTO analysis_runs (date, trigger, status, reported_stores, missing_stores, \
         created_at, attempts) \
         VALUES (?1, ?2, 'pending', \
         (SELECT json_group_array(store_id) FROM (SELECT store_id FROM store_metrics \
          WHERE date = ?1 ORDER BY store_id)), ?3, ?4, 0) \
         ON CONFLICT (date) DO NOTHING RETURNING date",
        &[
            date.into(),
            trigger.into(),
            serde_json::to_string(&missing).unwrap_or_default().into(),
            p.now_ms().into(),
        ],
    )
    .await?;
    if claimed.is_some() && !missing.is_empty() {
        crate::alerts::send(
            p,
            &json!({"event": "stores_missing", "date": date, "missing_stores": missing,
                    "text": format!("Sales analysis for {date} runs without {} store(s): {}",
                                    missing.len(), missing.join(", "))}),
        )
        .await;
    }
    Ok(claimed.is_some())
}

/// Hands a claimed (or resumable) run to the queue, or works it now where
/// there is none.
async fn start<P: Platform>(p: &P, date: &str) -> Result<(), ApiError> {
    let message = json!({"kind": "analyse", "date": date}).to_string();
    if matches!(p.enqueue(&message).await, Ok(true)) {
        return Ok(());
    }
    execute(p, date).await
}

/// The queue's delivery of a run.
pub async fn run_queued<P: Platform>(p: &P, date: &str) -> Result<(), ApiError> {
    execute(p, date).await
}

/// Works a run: takes its lease, then runs each step not yet completed.
/// A run someone else holds, or that is done, is left alone.
pub async fn execute<P: Platform>(p: &P, date: &str) -> Result<(), ApiError> {
    let now = p.now_ms();
    let taken = db::execute(
        p,
        "UPDATE analysis_runs SET status = 'running', lease_until = ?2, attempts = attempts + 1, \
         started_at = coalesce(started_at, ?3), error = NULL \
         WHERE date = ?1 AND (status IN ('pending', 'failed') \
         OR (status = 'running' AND lease_until < ?3))",
        &[date.into(), (now + LEASE_MS).into(), now.into()],
    )
    .await?;
    if taken == 0 {
        return Ok(());
    }
    // Until the first step has run, the stores the run covers are the ones
    // in at that moment: one that reported since the run was created is
    // in it, and not named missing.
    db::execute(
        p,
        "UPDATE analysis_runs SET \
         reported_stores = (SELECT json_group_array(store_id) FROM (SELECT store_id \
          FROM store_metrics WHERE date = ?1 ORDER BY store_id)), \
         missing_stores = (SELECT json_group_array(store_id) FROM (SELECT s.store_id FROM stores s \
          WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM store_metrics m \
          WHERE m.date = ?1 AND m.store_id = s.store_id) ORDER BY s.store_id)) \
         WHERE date = ?1 AND NOT EXISTS (SELECT 1 FROM analysis_steps \
          WHERE date = ?1 AND step = 'company' AND status = 'completed')",
        &[date.into()],
    )
    .await?;
    for step in STEPS {
        let done = db::one(
            p,
            "SELECT 1 FROM analysis_steps WHERE date = ?1 AND step = ?2 AND status = 'completed'",
            &[date.into(), step.into()],
        )
        .await?;
        if done.is_some() {
            continue;
        }
        let started = p.now_ms();
        db::execute(
            p,
            "INSERT INTO analysis_steps (date, step, status, started_at, attempts) \
             VALUES (?1, ?2, 'running', ?3, 1) ON CONFLICT (date, step) DO UPDATE SET \
             status = 'running', started_at = ?3, finished_at = NULL, duration_ms = NULL, \
             error = NULL, attempts = analysis_steps.attempts + 1",
            &[date.into(), step.into(), started.into()],
        )
        .await?;
        let result = run_step(p, date, step).await;
        let finished = p.now_ms();
        let (status, output, error) = match &result {
            Ok(v) => ("completed", Some(v.to_string()), None),
            Err(e) => ("failed", None, Some(e.message.clone())),
        };
        db::execute(
            p,
            "UPDATE analysis_steps SET status = ?3, finished_at = ?4, duration_ms = ?5, \
             output = ?6, error = ?7 WHERE date = ?1 AND step = ?2",
            &[
                date.into(),
                step.into(),
                status.into(),
                finished.into(),
                (finished - started).into(),
                output.into(),
                error.clone().into(),
            ],
        )
        .await?;
        if let Err(e) = result {
            db::execute(
                p,
                "UPDATE analysis_runs SET status = 'failed', lease_until = NULL, error = ?2, \
                 finished_at = ?3 WHERE date = ?1",
                &[
                    date.into(),
                    format!("step {step}: {}", e.message).into(),
                    p.now_ms().into(),
                ],
            )
            .await?;
            return Err(e);
        }
    }
    db::execute(
        p,
        "UPDATE analysis_runs SET status = 'completed', lease_until = NULL, finished_at = ?2 \
         WHERE date = ?1",
        &[date.into(), p.now_ms().into()],
    )
    .await?;
    Ok(())
}

/// A completed step's output.
pub async fn output<P: Platform>(p: &P, date: &str, step: &str) -> Result<Option<Value>, ApiError> {
    Ok(db::one(
        p,
        "SELECT output FROM analysis_steps WHERE date = ?1 AND step = ?2 AND status = 'completed'",
        &[date.into(), step.into()],
    )
    .await?
    .and_then(|r| Cols(&r).opt_text(0))
    .and_then(|t| serde_json::from_str(&t).ok()))
}

async fn input<P: Platform, T: for<'de> Deserialize<'de>>(
    p: &P,
    date: &str,
    step: &str,
) -> Result<T, ApiError> {
    output(p, date, step)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| ApiError::failure(format!("step {step} has no output")))
}

async fn run_step<P: Platform>(p: &P, date: &str, step: &str) -> Result<Value, ApiError> {
    let day = parse_date(date).ok_or_else(|| ApiError::invalid("bad date"))?;
    match step {
        "company" => findings::company(p, day).await.map(|c| json!(c)),
        "products" => findings::products(p, day).await.map(|c| json!(c)),
        "anomalies" => findings::anomalies(p, day).await.map(|c| json!(c)),
        "trends" => trends_step(p, day).await,
        "recommendations" => {
            let company: Company = input(p, date, "company").await?;
            let anomalies: Anomalies = input(p, date, "anomalies").await?;
            let trends: Trends = input(p, date, "trends").await?;
            let recs = findings::recommend(&company, &anomalies, &trends);
            let (recs, source) = findings::rewritten(p, date, recs).await;
            Ok(json!({"source": source, "recommendations": recs}))
        }
        "insights" => {
            let company: Company = input(p, date, "company").await?;
            let products: Products = input(p, date, "products").await?;
            let anomalies: Anomalies = input(p, date, "anomalies").await?;
            let trends: Trends = input(p, date, "trends").await?;
            let insights = findings::insights(&company, &products, &anomalies, &trends);
            Ok(json!({ "insights": insights }))
        }
        "report" => report::deliver(p, date).await,
        "export" => report::export(p, date).await,
        _ => Err(ApiError::invalid(format!("no step {step}"))),
    }
}

/// Trends over the 28 days ending on the day: the company's revenue,
/// transactions and basket, and each store's revenue.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Trends {
    pub from: String,
    pub to: String,
    pub company: std::collections::BTreeMap<String, Trend>,
    pub stores: Vec<StoreTrend>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StoreTrend {
    pub store_id: String,
    pub revenue: Trend,
}

async fn trends_step<P: Platform>(p: &P, day: NaiveDate) -> Result<Value, ApiError> {
    let from = (day - Duration::days(trends::WINDOW_DAYS - 1)).to_string();
    let to = day.to_string();
    let mut company = std::collections::BTreeMap::new();
    for metric in ["revenue", "transactions", "avg_basket"] {
        let s = trends::series(p, metric, &from, &to, None).await?;
        let values: Vec<f64> = s.iter().map(|(_, v)| *v).collect();
        company.insert(metric.to_string(), trends::trend(&values));
    }
    let rows = db::query(
        p,
        "SELECT store_id, date, revenue FROM store_metrics WHERE date >= ?1 AND date <= ?2 \
         ORDER BY store_id, date",
        &[from.as_str().into(), to.as_str().into()],
    )
    .await?;
    let mut stores: Vec<StoreTrend> = Vec::new();
    let mut current: Option<(String, Vec<f64>)> = None;
    for r in &rows {
        let c = Cols(r);
        let id = c.text(0);
        match &mut current {
            Some((s, values)) if *s == id => values.push(c.real(2)),
            _ => {
                if let Some((s, values)) = current.take() {
                    stores.push(StoreTrend {
                        store_id: s,
                        revenue: trends::trend(&values),
                    });
                }
                current = Some((id, vec![c.real(2)]));
            }
        }
    }
    if let Some((s, values)) = current {
        stores.push(StoreTrend {
            store_id: s,
            revenue: trends::trend(&values),
        });
    }
    Ok(json!(Trends {
        from,
        to,
        company,
        stores
    }))
}

/// A run as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Run {
    pub date: String,
    /// all_stores, schedule or manual.
    pub trigger: String,
    /// pending, running, completed or failed.
    pub status: String,
    pub reported_stores: Vec<String>,
    pub missing_stores: Vec<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub attempts: i64,
    pub error: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Step {
    pub step: String,
    pub status: String,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub attempts: i64,
    pub error: Option<String>,
}

const RUN_COLUMNS: &str = "SELECT date, trigger, status, reported_stores, missing_stores, \
     created_at, started_at, finished_at, attempts, error FROM analysis_runs";

async fn load_runs<P: Platform>(
    p: &P,
    date: Option<&str>,
    limit: i64,
) -> Result<Vec<Run>, ApiError> {
    let rows = db::query(
        p,
        &format!("{RUN_COLUMNS} WHERE (?1 IS NULL OR date = ?1) ORDER BY date DESC LIMIT ?2"),
        &[date.into(), limit.into()],
    )
    .await?;
    let mut runs = Vec::with_capacity(rows.len());
    for r in &rows {
        let c = Cols(r);
        let list = |i: usize| -> Vec<String> {
            c.opt_text(i)
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default()
        };
        let date = c.text(0);
        let steps = db::query(
            p,
            "SELECT step, status, started_at, finished_at, duration_ms, attempts, error \
             FROM analysis_steps WHERE date = ?1",
            &[date.as_str().into()],
        )
        .await?;
        let steps = STEPS
            .iter()
            .map(
                |name| match steps.iter().find(|s| Cols(s).text(0) == *name) {
                    Some(s) => {
                        let s = Cols(s);
                        Step {
                            step: s.text(0),
                            status: s.text(1),
                            started_at: s.opt_int(2),
                            finished_at: s.opt_int(3),
                            duration_ms: s.opt_int(4),
                            attempts: s.int(5),
                            error: s.opt_text(6),
                        }
                    }
                    None => Step {
                        step: (*name).into(),
                        status: "pending".into(),
                        started_at: None,
                        finished_at: None,
                        duration_ms: None,
                        attempts: 0,
                        error: None,
                    },
                },
            )
            .collect();
        runs.push(Run {
            trigger: c.text(1),
            status: c.text(2),
            reported_stores: list(3),
            missing_stores: list(4),
            created_at: c.int(5),
            started_at: c.opt_int(6),
            finished_at: c.opt_int(7),
            attempts: c.int(8),
            error: c.opt_text(9),
            steps,
            date,
        });
    }
    Ok(runs)
}

/// `GET /api/sales/runs?date=&limit=`.
pub async fn runs<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["date", "limit"])?;
    let date = q.text("date", 10)?;
    if date.as_deref().is_some_and(|d| parse_date(d).is_none()) {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    let limit = q.int("limit", 1, 100)?.unwrap_or(30);
    Ok(json!({ "runs": load_runs(p, date.as_deref(), limit).await? }))
}

/// `POST /api/sales/analysis/run`: `{date, trigger?}`. Idempotent: a day
/// that has run answers its run; one that failed is resumed at its failed
/// step; one that has not run starts now with the stores that reported.
pub async fn run_on_demand<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["date", "trigger"])?;
    let date = input.required_text("date", 10)?;
    if parse_date(&date).is_none() {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    // An external scheduler (Spin has no cron here) says it is one, so the
    // run records what started it.
    let trigger = input
        .choice("trigger", &["manual", "schedule"])?
        .unwrap_or("manual");
    claim(p, &date, trigger).await?;
    // Pending (just claimed, or claimed by a start that never ran),
    // failed, or held by a dead worker: work it. Otherwise this is a no-op.
    let _ = start(p, &date).await;
    let run = load_runs(p, Some(&date), 1).await?.into_iter().next();
    Ok(json!(run))
}

/// The scheduled fallback (a Cron Trigger every minute on Cloudflare): once
/// the company's clock passes `ANALYSIS_FALLBACK_TIME` (23:00 by default,
/// in `COMPANY_TIMEZONE`, UTC by default), the day's analysis starts if it
/// has not, with the stores that reported. Failed runs of the last two
/// days are resumed, up to five attempts.
pub async fn scheduled<P: Platform>(p: &P) -> Result<(), ApiError> {
    let Some(today) = fallback_due(p).await else {
        return resume_failed(p).await;
    };
    let date = today.to_string();
    if claim(p, &date, "schedule").await? {
        start(p, &date).await?;
    }
    resume_failed(p).await
}

async fn resume_failed<P: Platform>(p: &P) -> Result<(), ApiError> {
    let now = p.now_ms();
    let rows = db::query(
        p,
        "SELECT date FROM analysis_runs WHERE attempts < ?1 AND created_at > ?2 AND \
         (status IN ('pending', 'failed') OR (status = 'running' AND lease_until < ?3)) \
         ORDER BY date",
        &[
            MAX_AUTOMATIC_ATTEMPTS.into(),
            (now - 2 * 86_400_000).into(),
            now.into(),
        ],
    )
    .await?;
    for r in rows {
        let _ = start(p, &Cols(&r).text(0)).await;
    }
    Ok(())
}

/// The company's day, if its clock has passed the fallback time.
async fn fallback_due<P: Platform>(p: &P) -> Option<NaiveDate> {
    let tz = edgedesk_kernel::config::non_empty(p, "COMPANY_TIMEZONE")
        .await
        .unwrap_or_else(|| "UTC".into());
    let rule = edgedesk_core::zone::iana_rule(&tz).unwrap_or("UTC0");
    let zone = edgedesk_core::zone::Zone::parse(rule).ok()?;
    let at = edgedesk_kernel::config::non_empty(p, "ANALYSIS_FALLBACK_TIME")
        .await
        .unwrap_or_else(|| "23:00".into());
    let (h, m) = at.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let local = zone.to_local(p.now_ms().div_euclid(1000));
    let day = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let date = NaiveDate::from_ymd_opt(1970, 1, 1)? + Duration::days(day);
    (secs >= h * 3600 + m * 60).then_some(date)
}

/// `GET /api/sales/analytics/{date}`.
pub async fn analytics<P: Platform>(p: &P, date: &str) -> Result<Value, ApiError> {
    if parse_date(date).is_none() {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    let run = load_runs(p, Some(date), 1).await?.into_iter().next();
    let Some(run) = run else {
        return Err(ApiError::missing(format!(
            "the analysis of {date} has not run; POST /api/sales/analysis/run starts it"
        )));
    };
    let mut out = json!({"date": date, "run": run});
    for step in ["company", "products", "anomalies", "trends", "insights"] {
        out[step] = output(p, date, step).await?.unwrap_or(Value::Null);
    }
    if let Some(i) = out["insights"].get("insights").cloned() {
        out["insights"] = i;
    }
    Ok(out)
}

/// `GET /api/sales/recommendations?date=`.
pub async fn recommendations<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let q = Input::query(req, &["date"])?;
    let date = q.required_text("date", 10)?;
    if parse_date(&date).is_none() {
        return Err(ApiError::unprocessable("date must be YYYY-MM-DD"));
    }
    let Some(out) = output(p, &date, "recommendations").await? else {
        return Err(ApiError::missing(format!(
            "no recommendations for {date}: its analysis has not reached that step"
        )));
    };
    let recs: Vec<Recommendation> =
        serde_json::from_value(out["recommendations"].clone()).unwrap_or_default();
    Ok(json!({"date": date, "source": out["source"], "recommendations": recs}))
}
