//! The day's report (plain text and HTML, kept under `exports/{date}/`
//! and delivered to `REPORT_WEBHOOK_URL` and/or an email HTTP API) and the
//! NDJSON exports for BI tools.

use crate::analysis;
use crate::db::{self, Cols};
use crate::findings::{Anomalies, Company, Products, Recommendation};
use crate::objects::{Key, file_row};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::config;
use edgedesk_kernel::deadline;
use edgedesk_kernel::platform::{OutboundRequest, Platform};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;

const DELIVERY_TIMEOUT_MS: u64 = 10_000;

fn upstream(message: String) -> ApiError {
    ApiError::new(edgedesk_core::envelope::ErrorCode::UpstreamFailure, message)
}

struct Inputs {
    company: Company,
    products: Products,
    anomalies: Anomalies,
    recommendations: Vec<Recommendation>,
    insights: Vec<String>,
}

async fn inputs<P: Platform>(p: &P, date: &str) -> Result<Inputs, ApiError> {
    let get = |step: &'static str| async move {
        analysis::output(p, date, step)
            .await?
            .ok_or_else(|| ApiError::failure(format!("step {step} has no output")))
    };
    Ok(Inputs {
        company: parse(get("company").await?, "company")?,
        products: parse(get("products").await?, "products")?,
        anomalies: parse(get("anomalies").await?, "anomalies")?,
        recommendations: parse(
            get("recommendations").await?["recommendations"].clone(),
            "recommendations",
        )?,
        insights: parse(get("insights").await?["insights"].clone(), "insights")?,
    })
}

fn parse<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|_| ApiError::failure(format!("{what} could not be read")))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report's subject, text and HTML.
fn render(date: &str, i: &Inputs, missing: &[String]) -> (String, String, String) {
    let subject = format!("Daily sales report for {date}");
    let mut text = format!("{subject}\n\n");
    if !missing.is_empty() {
        text.push_str(&format!(
            "Stores that did not report: {}\n\n",
            missing.join(", ")
        ));
    }
    text.push_str("Summary\n");
    for s in &i.insights {
        text.push_str(&format!("- {s}\n"));
    }
    text.push_str("\nStores by revenue\n");
    for r in &i.company.ranking {
        text.push_str(&format!(
            "{:>3}. {:<20} {:>12.2}  {:>5.1} %\n",
            r.rank,
            r.store_id,
            r.revenue,
            r.share * 100.0
        ));
    }
    text.push_str("\nTop products\n");
    for p in i.products.products.iter().take(10) {
        text.push_str(&format!(
            "{:>3}. {} ({})  {:.2} from {} units\n",
            p.rank, p.name, p.sku, p.revenue, p.units
        ));
    }
    text.push_str("\nAnomalies\n");
    let anomalies: Vec<_> = i.anomalies.all().collect();
    if anomalies.is_empty() {
        text.push_str("None.\n");
    }
    for v in &anomalies {
        text.push_str(&format!("- {}\n", v.explanation));
    }
    text.push_str("\nRecommendations\n");
    if i.recommendations.is_empty() {
        text.push_str("None today.\n");
    }
    for r in &i.recommendations {
        text.push_str(&format!("- [{}] {}\n", r.priority, r.text));
    }
    let li = |items: Vec<String>| -> String {
        items
            .iter()
            .map(|s| format!("<li>{}</li>", escape(s)))
            .collect()
    };
    let rows: String = i
        .company
        .ranking
        .iter()
        .map(|r| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.1} %</td></tr>",
                r.rank,
                escape(&r.store_id),
                r.revenue,
                r.share * 100.0
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\
         <h1>{title}</h1>{missing}<h2>Summary</h2><ul>{summary}</ul>\
         <h2>Stores by revenue</h2><table><thead><tr><th>#</th><th>Store</th><th>Revenue</th><th>Share</th></tr></thead><tbody>{rows}</tbody></table>\
         <h2>Anomalies</h2><ul>{anomalies}</ul><h2>Recommendations</h2><ul>{recs}</ul></body></html>",
        title = escape(&subject),
        missing = if missing.is_empty() {
            String::new()
        } else {
            format!(
                "<p><strong>Stores that did not report:</strong> {}</p>",
                escape(&missing.join(", "))
            )
        },
        summary = li(i.insights.clone()),
        anomalies = if anomalies.is_empty() {
            "<li>None.</li>".to_string()
        } else {
            li(anomalies.iter().map(|v| v.explanation.clone()).collect())
        },
        recs = if i.recommendations.is_empty() {
            "<li>None today.</li>".to_string()
        } else {
            li(i.recommendations
                .iter()
                .map(|r| format!("[{}] {}", r.priority, r.text))
                .collect())
        },
    );
    (subject, text, html)
}

async fn post<P: Platform>(
    p: &P,
    url: String,
    headers: Vec<(String, String)>,
    body: &Value,
) -> Result<u16, ApiError> {
    let mut headers = headers;
    headers.push(("content-type".into(), "application/json".into()));
    let request = OutboundRequest {
        method: "POST",
        url,
        headers,
        body: body.to_string().into_bytes(),
    };
    match deadline::within(p, DELIVERY_TIMEOUT_MS, p.send(request)).await {
        Ok(Ok(r)) if (200..300).contains(&r.status) => Ok(r.status),
        Ok(Ok(r)) => Err(upstream(format!(
            "the report destination answered {}",
            r.status
        ))),
        _ => Err(upstream(
            "the report destination could not be reached".into(),
        )),
    }
}

/// The report step: rendered, kept under `exports/{date}/`, and delivered
/// to every configured destination. A destination that fails fails the
/// step, which is retried alone.
pub async fn deliver<P: Platform>(p: &P, date: &str) -> Result<Value, ApiError> {
    let i = inputs(p, date).await?;
    let missing: Vec<String> = db::one(
        p,
        "SELECT missing_stores FROM analysis_runs WHERE date = ?1",
        &[date.into()],
    )
    .await?
    .and_then(|r| Cols(&r).opt_text(0))
    .and_then(|t| serde_json::from_str(&t).ok())
    .unwrap_or_default();
    let (subject, text, html) = render(date, &i, &missing);
    write(p, &Key::export(date, "report.txt"), text.as_bytes()).await?;
    write(p, &Key::export(date, "report.html"), html.as_bytes()).await?;
    let mut delivered = Vec::new();
    if let Some(url) = config::non_empty(p, "REPORT_WEBHOOK_URL").await {
        post(
            p,
            url,
            Vec::new(),
            &json!({"event": "daily_report", "date": date, "subject": subject,
                                          "text": text, "html": html, "missing_stores": missing}),
        )
        .await?;
        delivered.push("webhook");
    }
    // An email HTTP API that takes {from, to, subject, text, html} with a
    // bearer key (Resend's shape; most providers have a compatible one).
    if let (Some(url), Some(to)) = (
        config::non_empty(p, "REPORT_EMAIL_API_URL").await,
        config::non_empty(p, "REPORT_EMAIL_TO").await,
    ) {
        let from = config::non_empty(p, "REPORT_EMAIL_FROM")
            .await
            .unwrap_or_else(|| "reports@localhost".into());
        let key = config::non_empty(p, "REPORT_EMAIL_API_KEY").await;
        let headers = key
            .map(|k| vec![("authorization".to_string(), format!("Bearer {k}"))])
            .unwrap_or_default();
        let to: Vec<&str> = to
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        post(
            p,
            url,
            headers,
            &json!({"from": from, "to": to, "subject": subject, "text": text, "html": html}),
        )
        .await?;
        delivered.push("email");
    }
    Ok(json!({"subject": subject, "delivered_to": delivered,
              "files": ["exports/".to_string() + date + "/report.txt", "exports/".to_string() + date + "/report.html"]}))
}

async fn write<P: Platform>(p: &P, key: &Key, body: &[u8]) -> Result<(), ApiError> {
    p.write_object(&key.stored(), body, key.content_type())
        .await
        .map_err(|_| ApiError::failure("a file could not be stored").with_status(503))?;
    db::batch(p, &[file_row(key, body.len(), p.now_ms())]).await?;
    Ok(())
}

fn gz_lines<T: Serialize>(rows: impl Iterator<Item = T>) -> Result<Vec<u8>, ApiError> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    let fail = |_| ApiError::failure("an export could not be written");
    for row in rows {
        serde_json::to_writer(&mut gz, &row)
            .map_err(|_| ApiError::failure("an export could not be written"))?;
        gz.write_all(b"\n").map_err(fail)?;
    }
    gz.finish().map_err(fail)
}

/// The export step: the day's store metrics, products and anomalies as
/// gzip NDJSON under `exports/{date}/`.
pub async fn export<P: Platform>(p: &P, date: &str) -> Result<Value, ApiError> {
    let rows = db::query(
        p,
        &format!(
            "{} WHERE date = ?1 ORDER BY store_id",
            crate::uploads::METRIC_COLUMNS
        ),
        &[date.into()],
    )
    .await?;
    let metrics = gz_lines(
        rows.iter()
            .map(|r| crate::uploads::metrics_of(r.as_slice())),
    )?;
    let i = inputs(p, date).await?;
    let products = gz_lines(i.products.products.iter().map(|x| {
        json!({"date": date, "rank": x.rank, "sku": x.sku, "name": x.name, "category": x.category,
               "units": x.units, "revenue": x.revenue})
    }))?;
    let anomalies = gz_lines(i.anomalies.all().map(|v| {
        let mut v = json!(v);
        v["date"] = date.into();
        v
    }))?;
    let mut files = Vec::new();
    for (name, body) in [
        ("store-metrics.ndjson.gz", metrics),
        ("products.ndjson.gz", products),
        ("anomalies.ndjson.gz", anomalies),
    ] {
        let key = Key::export(date, name);
        write(p, &key, &body).await?;
        files.push(key.name());
    }
    Ok(json!({ "files": files }))
}
