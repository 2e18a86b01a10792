//! Short descriptions of host errors for the operator's log. The derived
//! `Debug` of the `wasi:http` and Spin error types costs kilobytes per
//! component; these name what happened in a few words.

use spin_sdk::key_value::Error as KvError;
use spin_sdk::sqlite::Error as SqlError;
use spin_sdk::wasip3::http::types::{ErrorCode, HeaderError};
use std::borrow::Cow;

pub trait Describe {
    fn describe(&self) -> Cow<'_, str>;
}

impl Describe for str {
    fn describe(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Describe for String {
    fn describe(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: Describe + ?Sized> Describe for &T {
    fn describe(&self) -> Cow<'_, str> {
        (**self).describe()
    }
}

impl Describe for SqlError {
    fn describe(&self) -> Cow<'_, str> {
        match self {
            SqlError::NoSuchDatabase => "no such database".into(),
            SqlError::AccessDenied => "access denied".into(),
            SqlError::InvalidConnection => "invalid connection".into(),
            SqlError::DatabaseFull => "database full".into(),
            SqlError::Io(e) => Cow::Borrowed(e),
        }
    }
}

impl Describe for KvError {
    fn describe(&self) -> Cow<'_, str> {
        match self {
            KvError::StoreTableFull => "store table full".into(),
            KvError::NoSuchStore => "no such store".into(),
            KvError::AccessDenied => "access denied".into(),
            KvError::Other(e) => Cow::Borrowed(e),
        }
    }
}

impl Describe for HeaderError {
    fn describe(&self) -> Cow<'_, str> {
        match self {
            HeaderError::InvalidSyntax => "invalid header syntax".into(),
            HeaderError::Forbidden => "forbidden header".into(),
            _ => "header not allowed".into(),
        }
    }
}

impl Describe for ErrorCode {
    fn describe(&self) -> Cow<'_, str> {
        match self {
            ErrorCode::DnsTimeout => "DNS timeout".into(),
            ErrorCode::DnsError(_) => "DNS error".into(),
            ErrorCode::DestinationNotFound => "destination not found".into(),
            ErrorCode::DestinationUnavailable => "destination unavailable".into(),
            ErrorCode::ConnectionRefused => "connection refused".into(),
            ErrorCode::ConnectionTerminated => "connection terminated".into(),
            ErrorCode::ConnectionTimeout => "connection timeout".into(),
            ErrorCode::ConnectionReadTimeout => "read timeout".into(),
            ErrorCode::TlsProtocolError | ErrorCode::TlsCertificateError => "TLS error".into(),
            ErrorCode::HttpRequestDenied => "request denied (not an allowed outbound host)".into(),
            ErrorCode::HttpResponseTimeout => "response timeout".into(),
            ErrorCode::HttpResponseIncomplete => "response incomplete".into(),
            ErrorCode::InternalError(Some(e)) => Cow::Borrowed(e),
            _ => "HTTP error".into(),
        }
    }
}
