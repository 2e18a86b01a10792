//! Access tokens from the organisation's identity provider (WorkOS
//! AuthKit): RS256 JWTs checked against the provider's JWKS. The keys are
//! fetched over HTTP, kept in KV and in the isolate for an hour, and
//! fetched again when a token names a key (`kid`) they do not hold, at
//! most once a minute, so a rotated key works at once and a flood of
//! made-up `kid`s costs one fetch a minute.
//!
//! Only RS256 is accepted, whatever the header says: the verifier is
//! ours (`jsonwebtoken` parses and checks the claims' shape; [`Rs256`]
//! checks the signature), so an `HS256` token signed with the public key,
//! `none`, or any other algorithm never reaches a key.

use crate::tenancy::Identity;
use edgedesk_core::envelope::{ApiError, ErrorCode};
use edgedesk_kernel::config::non_empty;
use edgedesk_kernel::platform::{Clock, Config, HttpClient, KeyValue, OutboundRequest};
use jsonwebtoken::crypto::{CryptoProvider, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::rc::Rc;

/// How long fetched keys are trusted before they are fetched again.
pub const KEYS_TTL_MS: i64 = 60 * 60 * 1000;
/// The least time between two fetches for a key the set does not hold.
pub const REFRESH_MIN_MS: i64 = 60 * 1000;
/// Clock skew allowed on `exp` and `nbf`.
pub const LEEWAY_SECS: i64 = 30;
/// The token that stands for the seeded dev user where `DEV_AUTH=true`.
pub const DEV_TOKEN: &str = "dev_token";

/// Where the keys are and what the tokens must say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `WORKOS_JWKS_URL`, by default WorkOS' own for the client id.
    pub jwks_url: String,
    /// `WORKOS_ISSUER`: the `iss` every token must carry (a trailing `/`
    /// is ignored on both sides).
    pub issuer: String,
    /// `WORKOS_CLIENT_ID`: the token's audience (`aud`), or its
    /// `client_id` where it has no `aud`.
    pub client_id: String,
}

impl Settings {
    pub async fn read(p: &impl Config) -> Result<Settings, ApiError> {
        let not_set = |name: &str| {
            ApiError::new(
                ErrorCode::NotConfigured,
                format!("sign-in is not configured: {name} is not set"),
            )
        };
        let client_id = non_empty(p, "WORKOS_CLIENT_ID")
            .await
            .ok_or_else(|| not_set("WORKOS_CLIENT_ID"))?;
        let issuer = non_empty(p, "WORKOS_ISSUER")
            .await
            .ok_or_else(|| not_set("WORKOS_ISSUER"))?;
        let jwks_url = non_empty(p, "WORKOS_JWKS_URL")
            .await
            .unwrap_or_else(|| format!("https://api.workos.com/sso/jwks/{client_id}"));
        Ok(Settings {
            jwks_url,
            issuer,
            client_id,
        })
    }
}

/// The identity a token stands for: the seeded dev user for `dev_token`
/// where `DEV_AUTH=true`, else the verified claims of an access token.
pub async fn identify<P>(p: &P, token: &str) -> Result<Identity, ApiError>
where
    P: KeyValue + HttpClient + Clock + Config,
{
    if token == DEV_TOKEN {
        return if non_empty(p, "DEV_AUTH").await.as_deref() == Some("true") {
            Ok(Identity::dev())
        } else {
            Err(ApiError::unauthorized(
                "dev_token works only where DEV_AUTH=true",
            ))
        };
    }
    let settings = Settings::read(p).await?;
    let claims = verify(p, &settings, token).await?;
    Identity::from_claims(&claims)
}

/// The claims of an access token whose signature, algorithm, key, issuer,
/// audience, expiry and start all check out.
pub async fn verify<P>(
    p: &P,
    settings: &Settings,
    token: &str,
) -> Result<Map<String, Value>, ApiError>
where
    P: KeyValue + HttpClient + Clock,
{
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| ApiError::unauthorized("the access token is not an RS256 JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(ApiError::unauthorized(
            "the access token must be signed with RS256",
        ));
    }
    let kid = header
        .kid
        .ok_or_else(|| ApiError::unauthorized("the access token names no key (kid)"))?;
    let key = key_for(p, settings, &kid).await?.ok_or_else(|| {
        ApiError::unauthorized("the access token's key (kid) is not one of the issuer's")
    })?;
    install_provider();
    let mut validation = Validation::new(Algorithm::RS256);
    // Time and audience are checked below, on the platform's clock (the
    // crate's own clock is not there on every target).
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
        .map_err(|e| ApiError::unauthorized(refusal(&e)))?;
    check_claims(&data.claims, settings, p.now_ms() / 1000)?;
    Ok(data.claims)
}

fn refusal(e: &JwtError) -> &'static str {
    match e.kind() {
        ErrorKind::InvalidSignature => "the access token's signature does not match",
        ErrorKind::InvalidAlgorithm => "the access token must be signed with RS256",
        _ => "the access token is malformed",
    }
}

/// `iss`, `aud` (or `client_id`), `exp` (required) and `nbf` (when given)
/// at `now` (unix seconds).
pub fn check_claims(
    claims: &Map<String, Value>,
    settings: &Settings,
    now: i64,
) -> Result<(), ApiError> {
    let refuse = |m: &str| Err(ApiError::unauthorized(m));
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if issuer.trim_end_matches('/') != settings.issuer.trim_end_matches('/') {
        return refuse("the access token is from another issuer");
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == settings.client_id,
        Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(&settings.client_id)),
        None => claims.get("client_id").and_then(Value::as_str) == Some(&settings.client_id),
        Some(_) => false,
    };
    if !audience_ok {
        return refuse("the access token is for another client");
    }
    let Some(exp) = claims.get("exp").and_then(Value::as_i64) else {
        return refuse("the access token has no expiry (exp)");
    };
    if now > exp + LEEWAY_SECS {
        return refuse("the access token has expired");
    }
    if let Some(nbf) = claims.get("nbf") {
        match nbf.as_i64() {
            Some(nbf) if now + LEEWAY_SECS >= nbf => {}
            Some(_) => return refuse("the access token is not valid yet (nbf)"),
            None => return refuse("the access token's nbf is not a number"),
        }
    }
    Ok(())
}

/// The issuer's keys as last fetched: RSA keys by `kid`.
#[derive(Clone)]
struct KeySet {
    url: String,
    fetched_ms: i64,
    keys: Rc<Vec<(String, DecodingKey)>>,
}

impl KeySet {
    fn find(&self, kid: &str) -> Option<DecodingKey> {
        self.keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key.clone())
    }
}

thread_local! {
    /// The isolate's (or instance's) copy, so a warm one neither reads KV
    /// nor parses keys per request.
    static HELD: RefCell<Option<KeySet>> = const { RefCell::new(None) };
}

fn kv_key(url: &str) -> String {
    format!(
        "coaching:jwks:{}",
        hex::encode(Sha256::digest(url.as_bytes()))
    )
}

/// The key `kid` names: from the held set while it is fresh, else from
/// KV, else fetched; fetched again (at most once a minute) when the set
/// does not hold it.
async fn key_for<P>(p: &P, settings: &Settings, kid: &str) -> Result<Option<DecodingKey>, ApiError>
where
    P: KeyValue + HttpClient + Clock,
{
    let now = p.now_ms();
    let fresh = |s: &KeySet| s.url == settings.jwks_url && now - s.fetched_ms < KEYS_TTL_MS;
    let mut set = HELD.with_borrow(|h| h.clone()).filter(fresh);
    if set.is_none() {
        set = cached(p, &settings.jwks_url).await.filter(fresh);
    }
    let set = match set {
        Some(s) => s,
        None => fetch(p, &settings.jwks_url).await?,
    };
    if let Some(key) = set.find(kid) {
        return Ok(Some(key));
    }
    if now - set.fetched_ms < REFRESH_MIN_MS {
        return Ok(None);
    }
    Ok(fetch(p, &settings.jwks_url).await?.find(kid))
}

async fn cached<P: KeyValue>(p: &P, url: &str) -> Option<KeySet> {
    let bytes = p.kv_get(&kv_key(url)).await.ok()??;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let fetched_ms = v.get("fetched_ms")?.as_i64()?;
    let set = KeySet {
        url: url.to_string(),
        fetched_ms,
        keys: Rc::new(parse_jwks(v.get("jwks")?)),
    };
    HELD.with_borrow_mut(|h| *h = Some(set.clone()));
    Some(set)
}

async fn fetch<P>(p: &P, url: &str) -> Result<KeySet, ApiError>
where
    P: KeyValue + HttpClient + Clock,
{
    let unavailable = || {
        ApiError::new(
            ErrorCode::UpstreamFailure,
            "the identity provider's keys could not be fetched; try again",
        )
        .with_status(503)
    };
    let res = p
        .send(OutboundRequest {
            method: "GET",
            url: url.to_string(),
            headers: vec![("accept".into(), "application/json".into())],
            body: Vec::new(),
        })
        .await
        .map_err(|_| unavailable())?;
    if res.status != 200 {
        return Err(unavailable());
    }
    let jwks: Value = serde_json::from_slice(&res.body).map_err(|_| unavailable())?;
    let keys = parse_jwks(&jwks);
    let now = p.now_ms();
    let set = KeySet {
        url: url.to_string(),
        fetched_ms: now,
        keys: Rc::new(keys),
    };
    // KV is a cache: a fault only costs the next isolate a fetch.
    let stored = serde_json::json!({"fetched_ms": now, "jwks": jwks});
    let _ = p
        .kv_put(&kv_key(url), stored.to_string().as_bytes(), 2 * 60 * 60)
        .await;
    HELD.with_borrow_mut(|h| *h = Some(set.clone()));
    Ok(set)
}

/// The RSA signing keys of a JWKS; keys for encryption, of other types
/// or for other algorithms are left out.
fn parse_jwks(jwks: &Value) -> Vec<(String, DecodingKey)> {
    let Some(keys) = jwks.get("keys").and_then(Value::as_array) else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|k| {
            let field = |name: &str| k.get(name).and_then(Value::as_str);
            if field("kty") != Some("RSA") || field("use").is_some_and(|u| u != "sig") {
                return None;
            }
            if field("alg").is_some_and(|a| a != "RS256") {
                return None;
            }
            let key = DecodingKey::from_rsa_components(field("n")?, field("e")?).ok()?;
            Some((field("kid")?.to_string(), key))
        })
        .collect()
}

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over `rsa`.
struct Rs256(DecodingKey);

impl jsonwebtoken::signature::Verifier<Vec<u8>> for Rs256 {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), jsonwebtoken::signature::Error> {
        let jsonwebtoken::DecodingKeyKind::RsaModulusExponent { n, e } = self.0.kind() else {
            return Err(jsonwebtoken::signature::Error::new());
        };
        let key = RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
            .map_err(|_| jsonwebtoken::signature::Error::new())?;
        key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(msg), sig)
            .map_err(|_| jsonwebtoken::signature::Error::new())
    }
}

impl JwtVerifier for Rs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

static PROVIDER: CryptoProvider = CryptoProvider {
    // Nothing here signs.
    signer_factory: |_, _| Err(ErrorKind::InvalidAlgorithm.into()),
    verifier_factory: |alg, key| match alg {
        Algorithm::RS256 => Ok(Box::new(Rs256(key.clone()))),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    },
    key_utils: KeyUtils::new_unimplemented(),
};

fn install_provider() {
    // Installing twice is refused and harmless: it is the same provider.
    let _ = PROVIDER.install_default();
}
