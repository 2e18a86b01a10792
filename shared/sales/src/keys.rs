//! API keys: `Authorization: Bearer <key>`, stored as their SHA-256 with a
//! role. Stores hold `uploader` keys (upload URLs only), analysts
//! `analyst` keys (the read APIs), and `admin` keys do everything,
//! including managing keys and running the analysis.

use crate::db::{self, Cols};
use crate::input::Input;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{Platform, SqlValue};
use edgedesk_kernel::{Request, bearer};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// An API key's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "SalesKeyRole")]
pub enum Role {
    Uploader,
    Analyst,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "uploader" => Some(Role::Uploader),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Uploader => "uploader",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

/// What a route asks of its caller's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Upload URLs: stores and admins.
    Upload,
    /// The read APIs: analysts and admins.
    Read,
    /// Stores, keys, analysis runs.
    Admin,
}

impl Need {
    fn allows(self, role: Role) -> bool {
        matches!(
            (self, role),
            (_, Role::Admin) | (Need::Upload, Role::Uploader) | (Need::Read, Role::Analyst)
        )
    }

    fn what(self) -> &'static str {
        match self {
            Need::Upload => "an uploader or admin key",
            Need::Read => "an analyst or admin key",
            Need::Admin => "an admin key",
        }
    }
}

/// The stored form of a key.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The caller's role, if its key is known, unrevoked and allowed `need`:
/// 401 for a missing or unknown key, 403 for the wrong role.
pub async fn require<P: Platform>(p: &P, req: &Request, need: Need) -> Result<Role, ApiError> {
    let key = bearer::token(req)
        .map_err(|_| ApiError::unauthorized("Authorization: Bearer <api key> is required"))?;
    // Looked up by its hash: an index lookup on a value that reveals
    // nothing of the key, so timing says nothing about other keys.
    let row = db::one(
        p,
        "SELECT role FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
        &[hash(key).into()],
    )
    .await?;
    let Some(role) = row.and_then(|r| Role::parse(&Cols(&r).text(0))) else {
        return Err(ApiError::unauthorized("this API key is not valid"));
    };
    if !need.allows(role) {
        return Err(ApiError::forbidden(format!(
            "this route needs {}; this key is an {} key",
            need.what(),
            role.as_str()
        )));
    }
    Ok(role)
}

/// A key as listings show it (never the key itself).
#[derive(Debug, Serialize, JsonSchema)]
pub struct KeyInfo {
    pub id: String,
    pub role: Role,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A new key: shown once, in this answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NewKey {
    #[serde(flatten)]
    pub info: KeyInfo,
    /// Give it to its holder now: only its hash is kept.
    pub key: String,
}

/// `POST /api/sales/keys`: `{role, label?}`.
pub async fn create<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["role", "label"])?;
    let role = input
        .choice("role", &["uploader", "analyst", "admin"])?
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::unprocessable("role is required: uploader, analyst or admin"))?;
    let label = input.text("label", 100)?.unwrap_or_default();
    let mut secret = [0u8; 24];
    p.fill(&mut secret);
    let key = format!("sk_{}", hex::encode(secret));
    let id = format!("key_{}", &hash(&key)[..12]);
    let now = p.now_ms();
    db::execute(
        p,
        "INSERT INTO api_keys (id, key_hash, role, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            id.as_str().into(),
            hash(&key).into(),
            role.as_str().into(),
            label.as_str().into(),
            now.into(),
        ],
    )
    .await?;
    let made = NewKey {
        info: KeyInfo {
            id,
            role,
            label,
            created_at: now,
            revoked_at: None,
        },
        key,
    };
    Ok(serde_json::to_value(made).unwrap_or_default())
}

/// `GET /api/sales/keys`: every key, revoked ones too, newest first.
pub async fn list<P: Platform>(p: &P) -> Result<Value, ApiError> {
    let rows = db::query(
        p,
        "SELECT id, role, label, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id",
        &[],
    )
    .await?;
    let keys: Vec<KeyInfo> = rows
        .iter()
        .filter_map(|r| {
            let c = Cols(r);
            Some(KeyInfo {
                id: c.text(0),
                role: Role::parse(&c.text(1))?,
                label: c.text(2),
                created_at: c.int(3),
                revoked_at: c.opt_int(4),
            })
        })
        .collect();
    Ok(json!({ "keys": keys }))
}

/// `DELETE /api/sales/keys/{id}`: revokes a key; it stops working at once.
pub async fn revoke<P: Platform>(p: &P, id: &str) -> Result<Value, ApiError> {
    let changed = db::execute(
        p,
        "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        &[id.into(), SqlValue::Integer(p.now_ms())],
    )
    .await?;
    if changed == 0 {
        let exists = db::one(p, "SELECT 1 FROM api_keys WHERE id = ?1", &[id.into()]).await?;
        if exists.is_none() {
            return Err(ApiError::missing(format!("no API key {id}")));
        }
    }
    Ok(json!({ "id": id, "revoked": true }))
}

/// SQL that adds a key with a chosen value (the dev keys, a first admin
/// key), for `wrangler d1 execute` or Spin's `--sqlite`. Idempotent.
pub fn insert_sql(key: &str, role: Role, label: &str, now_ms: i64) -> String {
    let quote = |s: &str| s.replace('\'', "''");
    format!(
        "INSERT INTO api_keys (id, key_hash, role, label, created_at) VALUES ('key_{}', '{}', '{}', '{}', {now_ms}) ON CONFLICT (key_hash) DO NOTHING;\n",
        &hash(key)[..12],
        hash(key),
        role.as_str(),
        quote(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_the_issue_says() {
        use Role::{Analyst, Uploader};
        let table = [
            (Need::Upload, Uploader, true),
            (Need::Upload, Analyst, false),
            (Need::Upload, Role::Admin, true),
            (Need::Read, Uploader, false),
            (Need::Read, Analyst, true),
            (Need::Read, Role::Admin, true),
            (Need::Admin, Uploader, false),
            (Need::Admin, Analyst, false),
            (Need::Admin, Role::Admin, true),
        ];
        for (need, role, ok) in table {
            assert_eq!(need.allows(role), ok, "{need:?} {role:?}");
        }
    }

    #[test]
    fn keys_are_stored_as_their_sha256() {
        assert_eq!(
            hash("dev-admin-key"),
            hex::encode(Sha256::digest(b"dev-admin-key"))
        );
        assert!(insert_sql("it's", Role::Analyst, "o'k", 1).contains("'o''k'"));
    }
}
