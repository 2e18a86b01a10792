//! The Cloudflare Worker: a thin adapter from `worker` types to the
//! kernel's. One Worker serves every product compiled in (a cargo feature
//! each, all by default). Bindings: each product's D1 database
//! (`COPILOT_DB`, ...), `DATA` (R2), `CACHE` (KV) and variables and secrets
//! from the environment.

mod buckets;
#[cfg(feature = "coaching")]
mod coach;
mod platform;

use edgedesk_kernel::platform::{Config, Delivery};
use edgedesk_kernel::{Routes, observe, timing};
use platform::CloudflarePlatform;
use std::sync::LazyLock;
use worker::wasm_bindgen::JsValue;
use worker::{
    Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, Request, Response, Result,
    ScheduleContext, ScheduledEvent, console_log, event,
};

/// The route table of the products compiled in, built once per isolate.
static APP: LazyLock<Routes<CloudflarePlatform>> = LazyLock::new(edgedesk_app::routes);

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    // The realtime coach's WebSocket goes to its session's Durable Object.
    #[cfg(feature = "coaching")]
    if req.path() == "/ws" && req.headers().get("upgrade")?.is_some() {
        return coach::connect(req, &env).await;
    }
    // Through the platform's config, which reads each variable once per
    // isolate: this runs on every request.
    let kernel = CloudflarePlatform::new(env.clone(), &edgedesk_kernel::KERNEL);
    let timed = kernel.var("SERVER_TIMING").await.as_deref() == Some("true");
    if timed {
        timing::start(worker::js_sys::Date::now);
    }
    let request = to_kernel_request(&mut req).await;
    timing::mark("read");
    let scope = |product| CloudflarePlatform::new(env.clone(), product);
    let (response, report) = edgedesk_kernel::serve(&APP, &scope, request).await;
    timing::mark("route");
    // One JSON line per request; the counters and error tracking run after
    // the answer is sent, without delaying it.
    console_log!("{}", observe::log_line(&report));
    let after = CloudflarePlatform::new(env.clone(), report.product);
    ctx.wait_until(async move { APP.after(&after, &report).await });
    let mut response = to_worker_response(response)?;
    timing::mark("write");
    if let Some(phases) = timing::finish() {
        response.headers_mut().set("server-timing", &phases)?;
    }
    Ok(response)
}

/// Cron Triggers (`[triggers]` in wrangler.toml): the products' scheduled
/// work, such as the SLA sweep.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let scope = |product| CloudflarePlatform::new(env.clone(), product);
    edgedesk_app::scheduled(&scope).await;
}

/// Queue consumers (`[[queues.consumers]]` in wrangler.toml): each message
/// is acknowledged or retried on its own, with the delay its product
/// chose. Nothing here fails the batch: a failed batch would redeliver
/// messages already done.
#[event(queue)]
async fn queue(batch: MessageBatch<JsValue>, env: Env, _ctx: Context) -> Result<()> {
    let scope = |product| CloudflarePlatform::new(env.clone(), product);
    let queue = batch.queue();
    for message in batch.raw_iter() {
        let body = message.body().as_string().unwrap_or_default();
        match edgedesk_app::queued(&scope, &queue, &body).await {
            Delivery::Ack => message.ack(),
            Delivery::Retry(seconds) => message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(seconds)
                    .build(),
            ),
        }
    }
    Ok(())
}

async fn to_kernel_request(req: &mut Request) -> edgedesk_kernel::Request {
    // The raw method: `worker::Method` reads any method it does not know
    // (QUERY, PROPFIND, ...) as GET.
    let method = req.inner().method();
    let mut out = edgedesk_kernel::Request::new(&method, &req.path());
    if let Ok(url) = req.url() {
        out.query = url.query().unwrap_or_default().to_string();
    }
    out.headers = req
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    // Bodies are read only where a route takes one, and never past the cap
    // of the route (64 KB but on presigned uploads).
    if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        let limit = APP.body_limit(&out);
        let declared = out.header("content-length").map(str::to_string);
        // A declared length within the cap is exactly what arrives (HTTP
        // framing holds the client to it): one read, not a stream of chunks.
        let within_cap = declared
            .as_deref()
            .and_then(|d| d.parse::<usize>().ok())
            .is_some_and(|n| n <= limit);
        if within_cap {
            out.body = req
                .bytes()
                .await
                .map_err(|_| edgedesk_kernel::BodyError::Unreadable);
            return out;
        }
        out.body = match req.stream() {
            Ok(mut stream) => {
                let body =
                    edgedesk_kernel::read_body_within(declared.as_deref(), &mut stream, limit)
                        .await;
                if body == Err(edgedesk_kernel::BodyError::TooLarge) {
                    discard_rest(&mut stream).await;
                }
                body
            }
            Err(_) => Ok(Vec::new()),
        };
    }
    out
}

fn to_worker_response(res: edgedesk_kernel::Response) -> Result<Response> {
    let mut out = if res.body.is_empty() {
        Response::empty()?
    } else {
        Response::from_bytes(res.body)?
    }
    .with_status(res.status);
    let headers = out.headers_mut();
    for (k, v) in &res.headers {
        headers.set(k, v)?;
    }
    Ok(out)
}

/// Reads what is left of a refused body and drops it, chunk by chunk, so
/// the connection it came on stays usable. Left unread, workerd closes
/// that connection after the 413; `wrangler dev`'s proxy keeps it pooled
/// regardless and fails the next request sent over it (any client's) with
/// 503 "Your worker restarted mid-request". Nothing is kept, and the
/// platform bounds how much a request body can hold.
async fn discard_rest(stream: &mut worker::ByteStream) {
    use futures::StreamExt;
    while let Some(Ok(_)) = stream.next().await {}
}
