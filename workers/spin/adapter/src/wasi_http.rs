//! The service's requests and responses over the raw `wasi:http` (p3)
//! types. Going through the `http` crate instead (as `#[http_service]`
//! does) parses every header name into a typed map and back, and was about
//! a tenth of each component's size.

use crate::describe::Describe;
use edgedesk_kernel::platform::{
    MAX_OUTBOUND_BODY_BYTES, OutboundRequest, OutboundResponse, StoreError,
};
use edgedesk_kernel::{Request, Response};
use spin_sdk::wasip3::http::client;
use spin_sdk::wasip3::http::types::{self, ErrorCode, Fields, Method, Scheme};
use spin_sdk::wasip3::wit_bindgen::{self, FutureReader, StreamReader, StreamResult};
use spin_sdk::wasip3::{wit_future, wit_stream};

const READ_CHUNK_BYTES: usize = 16 * 1024;

fn method_name(method: &Method) -> &str {
    match method {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        Method::Connect => "CONNECT",
        Method::Options => "OPTIONS",
        Method::Trace => "TRACE",
        Method::Patch => "PATCH",
        Method::Other(other) => other,
    }
}

fn method_of(name: &str) -> Method {
    match name {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "OPTIONS" => Method::Options,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_string()),
    }
}

/// Reads the chunks of a body stream until the writer is done.
fn chunks(body: StreamReader<u8>) -> impl futures::Stream<Item = Result<Vec<u8>, ErrorCode>> {
    futures::stream::unfold(Some(body), |state| async move {
        let mut body = state?;
        let (result, chunk) = body.read(Vec::with_capacity(READ_CHUNK_BYTES)).await;
        match result {
            StreamResult::Complete(_) => Some((Ok(chunk), Some(body))),
            StreamResult::Dropped | StreamResult::Cancelled => None,
        }
    })
}

/// The service's view of an incoming request; the body is read (within
/// the bound `limit` sets for the request's route) only for methods that
/// carry one.
pub async fn read_request(req: types::Request, limit: impl Fn(&Request) -> usize) -> Request {
    let method = method_name(&req.get_method()).to_string();
    let target = req.get_path_with_query().unwrap_or_default();
    let mut out = Request::new(&method, &target);
    out.headers = req
        .get_headers()
        .copy_all()
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), String::from_utf8(v).ok()?)))
        .collect();
    // Spin's HTTP trigger sets `spin-client-addr` (address and port) on
    // every request, replacing any a client sent.
    out.peer = out
        .header("spin-client-addr")
        .map(|a| without_port(a).to_string());
    if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        let declared = out.header("content-length").map(str::to_string);
        // Dropping `_done` unread tells the host the body was handled.
        let (_done, done_rx) = wit_future::new(|| Ok(()));
        let (body, _trailers) = types::Request::consume_body(req, done_rx);
        let limit = limit(&out);
        out.body =
            edgedesk_kernel::read_body_within(declared.as_deref(), chunks(body), limit).await;
    }
    out
}

/// The address of `address:port` (`[v6]:port` for IPv6). Split by hand:
/// parsing a socket address links more than every other part of this
/// adapter; the limiter checks the address itself where it uses it.
fn without_port(a: &str) -> &str {
    if let Some(v6) = a.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    match a.split_once(':') {
        Some((ip, port)) if !port.contains(':') => ip,
        _ => a,
    }
}

/// What a WASI request or response is made of.
struct Outgoing {
    fields: Fields,
    body: StreamReader<u8>,
    trailers: FutureReader<Result<Option<types::Trailers>, ErrorCode>>,
}

/// Headers, and a body stream written once the host starts reading it.
fn fields<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Fields, ErrorCode> {
    let entries: Vec<(String, Vec<u8>)> = headers
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    Fields::from_list(&entries)
        .map_err(|e| ErrorCode::InternalError(Some(format!("invalid header: {}", e.describe()))))
}

fn outgoing(headers: &[(String, String)], body: Vec<u8>) -> Result<Outgoing, ErrorCode> {
    let fields = fields(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let (mut body_tx, body_rx) = wit_stream::new();
    // No trailers: the writer is dropped, which sends the default `None`.
    let (_trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    wit_bindgen::spawn(async move {
        // A reader that went away has nothing left to receive.
        let _unsent = body_tx.write_all(body).await;
    });
    Ok(Outgoing {
        fields,
        body: body_rx,
        trailers: trailers_rx,
    })
}

/// The WASI response for a service response.
pub fn write_response(res: Response) -> Result<types::Response, ErrorCode> {
    let out = outgoing(&res.headers, res.body)?;
    let (response, _sent) = types::Response::new(out.fields, Some(out.body), out.trailers);
    response
        .set_status_code(res.status)
        .map_err(|()| ErrorCode::InternalError(Some(format!("bad status {}", res.status))))?;
    Ok(response)
}

fn outbound_fault(what: &str, e: impl Describe) -> StoreError {
    eprintln!("outbound {what}: {}", e.describe());
    StoreError::new(what)
}

/// The URL's parts as `wasi:http` takes them.
fn split_url(url: &str) -> Option<(Scheme, &str, &str)> {
    let parts = edgedesk_kernel::http::UrlParts::parse(url)?;
    let scheme = match parts.scheme.as_str() {
        "https" => Scheme::Https,
        "http" => Scheme::Http,
        other => Scheme::Other(other.to_string()),
    };
    Some((scheme, parts.authority, parts.target))
}

/// Sends a request through the host (`allowed_outbound_hosts` applies) and
/// reads the answer, up to `MAX_OUTBOUND_BODY_BYTES`.
/// Sends a request; its status and its body's stream.
async fn open(request: OutboundRequest) -> Result<(u16, StreamReader<u8>), StoreError> {
    let (scheme, authority, target) =
        split_url(&request.url).ok_or_else(|| outbound_fault("url", &request.url))?;
    let mut headers = request.headers;
    // A declared length, so the body is not sent chunked.
    headers.push(("content-length".into(), request.body.len().to_string()));
    let out = outgoing(&headers, request.body).map_err(|e| outbound_fault("request", e))?;
    let (req, _sent) = types::Request::new(out.fields, Some(out.body), out.trailers, None);
    let target_ok = req.set_method(&method_of(request.method)).is_ok()
        && req.set_scheme(Some(&scheme)).is_ok()
        && req.set_authority(Some(authority)).is_ok()
        && req.set_path_with_query(Some(target)).is_ok();
    if !target_ok {
        return Err(outbound_fault("url", &request.url));
    }
    let res = client::send(req)
        .await
        .map_err(|e| outbound_fault("send", e))?;
    let status = res.get_status_code();
    let (_done, done_rx) = wit_future::new(|| Ok(()));
    let (stream, _trailers) = types::Response::consume_body(res, done_rx);
    Ok((status, stream))
}

pub async fn send(request: OutboundRequest) -> Result<OutboundResponse, StoreError> {
    let (status, stream) = open(request).await?;
    let mut body = Vec::new();
    let mut stream = std::pin::pin!(chunks(stream));
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        let chunk = chunk.map_err(|e| outbound_fault("body", e))?;
        if body.len() + chunk.len() > MAX_OUTBOUND_BODY_BYTES {
            return Err(StoreError::too_large(
                "outbound answer",
                MAX_OUTBOUND_BODY_BYTES,
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(OutboundResponse { status, body })
}

/// Sends a request; its body part by part as it arrives.
pub async fn stream(
    request: OutboundRequest,
) -> Result<edgedesk_kernel::platform::Streamed, StoreError> {
    let (status, stream) = open(request).await?;
    let body =
        futures::StreamExt::map(chunks(stream), |c| c.map_err(|e| outbound_fault("body", e)));
    Ok(edgedesk_kernel::platform::Streamed {
        status,
        body: Box::pin(body),
    })
}

pub fn method_is(req: &types::Request, name: &str) -> bool {
    method_name(&req.get_method()) == name
}

/// An answer whose body is each part `parts` yields, written as it comes,
/// while `work` (which makes them) runs; the body ends when both are done.
pub fn streamed_response(
    status: u16,
    headers: &[(&str, &str)],
    parts: impl futures::Stream<Item = String> + 'static,
    work: impl std::future::Future<Output = ()> + 'static,
) -> Result<types::Response, ErrorCode> {
    let fields = fields(headers.iter().copied())?;
    let (mut body_tx, body_rx) = wit_stream::new();
    let (_trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    wit_bindgen::spawn(async move {
        let pump = async move {
            let mut parts = std::pin::pin!(parts);
            while let Some(part) = futures::StreamExt::next(&mut parts).await {
                if !body_tx.write_all(part.into_bytes()).await.is_empty() {
                    // The client has gone: the work goes on and is recorded.
                    break;
                }
            }
        };
        futures::join!(work, pump);
    });
    let (response, _sent) = types::Response::new(fields, Some(body_rx), trailers_rx);
    response
        .set_status_code(status)
        .map_err(|()| ErrorCode::InternalError(Some(format!("bad status {status}"))))?;
    Ok(response)
}
