//! Who a rate limit counts against: the route group a path belongs to, and
//! the client's address, read from headers only as far as they can be
//! trusted. The token arithmetic is the core's ([`edgedesk_core::token_bucket`]);
//! where buckets live is each runtime's.
//!
//! Settings: `RATE_LIMIT_PER_MINUTE` (120), `RATE_LIMIT_BURST` (20),
//! `RATE_LIMIT_DISABLED` (`true` turns limiting off), `RATE_LIMIT_WHITELIST_IPS`
//! (comma-separated addresses never limited), `TRUSTED_PROXY_IPS`
//! (comma-separated addresses of proxies whose `X-Forwarded-For` and
//! `X-Real-IP` are believed).

use crate::config;
use crate::http::Request;
use crate::platform::Config;
use edgedesk_core::token_bucket::Limit;

pub const DEFAULT_PER_MINUTE: u32 = 120;
pub const DEFAULT_BURST: u32 = 20;

/// The limited route groups: requests to any path of a group share its
/// bucket for one client.
pub const GROUPS: [(&str, &[&str]); 8] = [
    ("widget", &["/v1/widget/"]),
    ("chat", &["/v1/chat/"]),
    ("auth", &["/v1/auth/"]),
    ("signup", &["/v1/public/signup"]),
    ("feedback", &["/v1/feedback"]),
    ("twilio", &["/twilio/", "/v1/twilio/"]),
    ("telephony", &["/telephony/", "/v1/telephony/"]),
    ("voice", &["/v1/voice/"]),
];

/// The group a path is limited under, if any. A prefix ending in `/`
/// covers what lies under it; one without covers that path exactly.
pub fn group_of(path: &str) -> Option<&'static str> {
    GROUPS.iter().find_map(|(name, prefixes)| {
        prefixes
            .iter()
            .any(|p| match p.strip_suffix('/') {
                Some(_) => path.starts_with(p),
                None => path == *p,
            })
            .then_some(*name)
    })
}

/// The client's address.
///
/// - `CF-Connecting-IP` is set by Cloudflare's edge, which replaces any a
///   client sent: it counts on the Worker (whose runtime reports no peer)
///   and behind a trusted proxy, never from a client reaching Spin
///   directly.
/// - Otherwise the first address of `X-Forwarded-For` (or `X-Real-IP`)
///   counts only when the connection comes from a trusted proxy.
/// - Otherwise the connection's own peer.
pub fn client_ip<'a>(
    req: &'a Request,
    peer: Option<&'a str>,
    trusted: &[String],
) -> Option<&'a str> {
    let from_proxy = peer.is_some_and(|p| trusted.iter().any(|t| t == p));
    let edge = req
        .header("cf-connecting-ip")
        .map(str::trim)
        .filter(|v| is_ip(v));
    if let (Some(ip), true) = (edge, peer.is_none() || from_proxy) {
        return Some(ip);
    }
    if from_proxy {
        let forwarded = req
            .header("x-forwarded-for")
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| is_ip(v));
        let real = req.header("x-real-ip").map(str::trim).filter(|v| is_ip(v));
        if let Some(ip) = forwarded.or(real) {
            return Some(ip);
        }
    }
    peer
}

/// Whether `s` is an IPv4 or IPv6 address (not a name, not a port).
pub fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// The limiter's settings, read when a request needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub limit: Limit,
    pub disabled: bool,
    pub whitelist: Vec<String>,
    pub trusted_proxies: Vec<String>,
}

impl Settings {
    pub async fn read(p: &impl Config) -> Settings {
        let number = |v: Option<String>, default: u32| {
            v.and_then(|v| v.parse::<u32>().ok()).unwrap_or(default)
        };
        Settings {
            limit: Limit {
                per_minute: number(
                    config::non_empty(p, "RATE_LIMIT_PER_MINUTE").await,
                    DEFAULT_PER_MINUTE,
                ),
                burst: number(
                    config::non_empty(p, "RATE_LIMIT_BURST").await,
                    DEFAULT_BURST,
                ),
            },
            disabled: config::flag(p, "RATE_LIMIT_DISABLED").await,
            whitelist: config::list(p, "RATE_LIMIT_WHITELIST_IPS").await,
            trusted_proxies: config::list(p, "TRUSTED_PROXY_IPS").await,
        }
    }

    /// The bucket key of a request (`group:client`), or `None` when it is
    /// not limited: limiting off, a path outside the groups, a listed
    /// client. A client whose address is unknown shares one bucket per
    /// group, so hiding the address never escapes the limit.
    pub fn key(&self, req: &Request) -> Option<String> {
        let peer = req.peer.as_deref();
        if self.disabled {
            return None;
        }
        let group = group_of(&req.path)?;
        let ip = client_ip(req, peer, &self.trusted_proxies);
        if ip.is_some_and(|ip| self.whitelist.iter().any(|w| w == ip)) {
            return None;
        }
        Some(format!("{group}:{}", ip.unwrap_or("unknown")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(path: &str, headers: &[(&str, &str)]) -> Request {
        headers
            .iter()
            .fold(Request::new("POST", path), |r, (k, v)| r.with_header(k, v))
    }

    #[test]
    fn paths_fall_in_the_seeds_groups() {
        let cases = [
            ("/v1/widget/message", Some("widget")),
            ("/v1/widget/session", Some("widget")),
            ("/v1/chat/message", Some("chat")),
            ("/v1/auth/login", Some("auth")),
            ("/v1/public/signup", Some("signup")),
            ("/v1/public/signups", None),
            ("/v1/feedback", Some("feedback")),
            ("/twilio/sms", Some("twilio")),
            ("/v1/twilio/voice/gather", Some("twilio")),
            ("/telephony/voice", Some("telephony")),
            ("/v1/telephony/sms", Some("telephony")),
            ("/v1/voice/turn", Some("voice")),
            ("/v1/owner/appointments", None),
            ("/health", None),
            ("/v1/widgets", None),
        ];
        for (path, want) in cases {
            assert_eq!(group_of(path), want, "{path}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = vec!["10.0.0.2".to_string()];
        let cf = req(
            "/",
            &[
                ("cf-connecting-ip", "203.0.113.7"),
                ("x-forwarded-for", "198.51.100.1"),
            ],
        );
        assert_eq!(client_ip(&cf, None, &trusted), Some("203.0.113.7"));
        assert_eq!(
            client_ip(&cf, Some("10.0.0.2"), &trusted),
            Some("203.0.113.7")
        );
        // A client reaching the service directly names no one else.
        assert_eq!(client_ip(&cf, Some("10.9.9.9"), &trusted), Some("10.9.9.9"));
        let xff = req("/", &[("x-forwarded-for", "198.51.100.1, 10.0.0.2")]);
        assert_eq!(
            client_ip(&xff, Some("10.0.0.2"), &trusted),
            Some("198.51.100.1")
        );
        // From anyone else, the header is the client's own say-so.
        assert_eq!(
            client_ip(&xff, Some("192.0.2.50"), &trusted),
            Some("192.0.2.50")
        );
        let real = req("/", &[("x-real-ip", "2001:db8::1")]);
        assert_eq!(
            client_ip(&real, Some("10.0.0.2"), &trusted),
            Some("2001:db8::1")
        );
        let junk = req(
            "/",
            &[
                ("cf-connecting-ip", "not-an-ip"),
                ("x-forwarded-for", "evil"),
            ],
        );
        assert_eq!(
            client_ip(&junk, Some("10.0.0.2"), &trusted),
            Some("10.0.0.2")
        );
        assert_eq!(client_ip(&req("/", &[]), None, &trusted), None);
    }

    #[test]
    fn keys() {
        let s = Settings {
            limit: Limit {
                per_minute: 120,
                burst: 20,
            },
            disabled: false,
            whitelist: vec!["203.0.113.9".into()],
            trusted_proxies: Vec::new(),
        };
        let r = req("/v1/widget/message", &[("cf-connecting-ip", "203.0.113.7")]);
        assert_eq!(s.key(&r).as_deref(), Some("widget:203.0.113.7"));
        let listed = req("/v1/widget/message", &[("cf-connecting-ip", "203.0.113.9")]);
        assert_eq!(s.key(&listed), None);
        assert_eq!(
            s.key(&Request {
                peer: Some("203.0.113.7".into()),
                ..req("/health", &[])
            }),
            None
        );
        assert_eq!(
            s.key(&req("/twilio/sms", &[])).as_deref(),
            Some("twilio:unknown")
        );
        // Without forwarding headers, the connection's peer is the client.
        let direct = Request {
            peer: Some("192.0.2.50".into()),
            ..req("/v1/chat/message", &[])
        };
        assert_eq!(s.key(&direct).as_deref(), Some("chat:192.0.2.50"));
        let off = Settings {
            disabled: true,
            ..s
        };
        assert_eq!(off.key(&r), None);
    }
}
