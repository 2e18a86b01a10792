//! Runtime-neutral request and response types.

use edgedesk_core::envelope::{self, ApiError};
use futures::{Stream, StreamExt};
use serde_json::Value;

/// Largest request body accepted. Larger bodies are refused as soon as the
/// declared length or the bytes read so far exceed it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    Unreadable,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// What followed `?` in the request target, undecoded; empty when none.
    pub query: String,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Result<Vec<u8>, BodyError>,
    /// The address of the connection's other end, as the runtime reports
    /// it (never read from a header the client controls).
    pub peer: Option<String>,
}

impl Request {
    /// `target` is the path, with `?query` when there is one.
    pub fn new(method: &str, target: &str) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method: method.to_ascii_uppercase(),
            path: if path.is_empty() { "/" } else { path }.to_string(),
            query: query.to_string(),
            headers: Vec::new(),
            body: Ok(Vec::new()),
            peer: None,
        }
    }

    /// The path, with `?query` when there is one, as the client sent it.
    pub fn target(&self) -> std::borrow::Cow<'_, str> {
        if self.query.is_empty() {
            self.path.as_str().into()
        } else {
            format!("{}?{}", self.path, self.query).into()
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Ok(body.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The tenant the answer was for, for logs and counters; never sent.
    pub business: Option<String>,
}

impl Response {
    pub fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
            business: None,
        }
    }

    /// A page. Its content security policy allows nothing from elsewhere.
    pub fn html(status: u16, page: String) -> Self {
        Self {
            status,
            headers: vec![
                ("content-type".into(), "text/html; charset=utf-8".into()),
                (
                    "content-security-policy".into(),
                    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'".into(),
                ),
            ],
            body: page.into_bytes(),
            business: None,
        }
    }

    pub fn ok(data: &Value) -> Self {
        Self::json(200, &envelope::success(data))
    }

    pub fn error(err: &ApiError) -> Self {
        Self::json(err.status(), &envelope::failure(err))
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            business: None,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Names the tenant the answer was for (logs and counters only).
    pub fn for_business(mut self, id: &str) -> Self {
        self.business = Some(id.to_string());
        self
    }

    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_ascii_lowercase(), value)),
        }
    }
}

/// An absolute URL split as HTTP client interfaces take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lowercase.
    pub scheme: String,
    /// `host[:port]`, never empty.
    pub authority: &'a str,
    /// Path and query; `/` when the URL has none.
    pub target: &'a str,
}

impl<'a> UrlParts<'a> {
    /// Splits `scheme://authority/path?query`.
    pub fn parse(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let at = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(at);
        let target = if target.is_empty() { "/" } else { target };
        (!authority.is_empty()).then(|| UrlParts {
            scheme: scheme.to_ascii_lowercase(),
            authority,
            target,
        })
    }
}

/// Reads a body stream, giving up as soon as it exceeds `MAX_BODY_BYTES`:
/// an oversized body is never buffered whole. A declared `Content-Length`
/// over the cap is refused before reading anything.
pub async fn read_body_limited<S, B, E>(
    content_length: Option<&str>,
    stream: S,
) -> Result<Vec<u8>, BodyError>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    read_body_within(content_length, stream, MAX_BODY_BYTES).await
}

/// As [`read_body_limited`], with the cap a route asks for
/// ([`crate::Routes::body_limit`]). A declared length within it is
/// reserved at once, so the body is copied into place once.
pub async fn read_body_within<S, B, E>(
    content_length: Option<&str>,
    stream: S,
    limit: usize,
) -> Result<Vec<u8>, BodyError>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    let declared = content_length.and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        let chunk = chunk.as_ref();
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::stream;

    fn chunks(n: usize, size: usize) -> impl Stream<Item = Result<Vec<u8>, ()>> {
        stream::iter((0..n).map(move |_| Ok(vec![b'a'; size])))
    }

    #[test]
    fn urls_split_into_scheme_authority_and_target() {
        let u = UrlParts::parse("https://api.example.com:8443/v1/chat?x=1").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.authority, u.target),
            ("https", "api.example.com:8443", "/v1/chat?x=1")
        );
        let u = UrlParts::parse("HTTP://127.0.0.1:9").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.authority, u.target),
            ("http", "127.0.0.1:9", "/")
        );
        assert_eq!(UrlParts::parse("https://?q"), None);
        assert_eq!(UrlParts::parse("no scheme"), None);
    }

    #[test]
    fn reads_up_to_the_cap() {
        let body = block_on(read_body_limited(None, chunks(64, 1024))).unwrap();
        assert_eq!(body.len(), MAX_BODY_BYTES);
    }

    #[test]
    fn stops_reading_past_the_cap() {
        let mut pulled = 0;
        let counted = stream::iter(0..1000).map(|_| {
            pulled += 1;
            Ok::<_, ()>(vec![0u8; 1024])
        });
        assert_eq!(
            block_on(read_body_limited(None, counted)),
            Err(BodyError::TooLarge)
        );
        assert_eq!(
            pulled, 65,
            "reading must stop at the first chunk past the cap"
        );
    }

    #[test]
    fn refuses_declared_oversize_without_reading() {
        let never = stream::iter(std::iter::from_fn(|| -> Option<Result<Vec<u8>, ()>> {
            panic!("body must not be read")
        }));
        assert_eq!(
            block_on(read_body_limited(Some("65537"), never)),
            Err(BodyError::TooLarge)
        );
    }

    #[test]
    fn stream_errors_are_unreadable() {
        let bad = stream::iter(vec![Ok(vec![1u8]), Err(())]);
        assert_eq!(
            block_on(read_body_limited(None, bad)),
            Err(BodyError::Unreadable)
        );
    }
}
