//! The company's stores: which are expected to report each day, and on
//! which clock.

use crate::db::{self, Cols};
use crate::input::Input;
use edgedesk_core::envelope::ApiError;
use edgedesk_core::zone;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::{Platform, SqlValue, Statement};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Store {
    pub store_id: String,
    pub name: String,
    /// IANA time zone of the store's clock.
    pub timezone: String,
    /// Whether the store is expected to report each day.
    pub active: bool,
}

/// A store id: what a file name and a URL can carry as is.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A `store_id` query parameter, if given, checked.
pub fn id_param(id: Option<String>) -> Result<Option<String>, ApiError> {
    match id {
        Some(id) if !valid_id(&id) => Err(ApiError::unprocessable(
            "store_id must be 1-64 letters, digits, '-' or '_'",
        )),
        id => Ok(id),
    }
}

fn timezone(input: &Input) -> Result<Option<String>, ApiError> {
    match input.text("timezone", 64)? {
        Some(tz) if zone::iana_rule(&tz).is_some() => Ok(Some(tz)),
        Some(tz) => Err(ApiError::unprocessable(format!(
            "timezone must be an IANA time zone like America/Chicago, not {tz:?}"
        ))),
        None => Ok(None),
    }
}

fn store(r: &[SqlValue]) -> Store {
    let c = Cols(r);
    Store {
        store_id: c.text(0),
        name: c.text(1),
        timezone: c.text(2),
        active: c.flag(3),
    }
}

pub async fn get<P: Platform>(p: &P, id: &str) -> Result<Option<Store>, ApiError> {
    Ok(db::one(
        p,
        "SELECT store_id, name, timezone, active FROM stores WHERE store_id = ?1",
        &[id.into()],
    )
    .await?
    .map(|r| store(&r)))
}

/// `GET /api/sales/stores`.
pub async fn list<P: Platform>(p: &P) -> Result<Value, ApiError> {
    let rows = db::query(
        p,
        "SELECT store_id, name, timezone, active FROM stores ORDER BY store_id",
        &[],
    )
    .await?;
    let stores: Vec<Store> = rows.iter().map(|r| store(r)).collect();
    Ok(json!({ "stores": stores }))
}

/// `POST /api/sales/stores`: `{store_id, name, timezone, active?}`; 409
/// if the id is taken.
pub async fn create<P: Platform>(p: &P, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["store_id", "name", "timezone", "active"])?;
    let id = input.required_text("store_id", 64)?;
    if !valid_id(&id) {
        return Err(ApiError::unprocessable(
            "store_id must be 1-64 letters, digits, '-' or '_'",
        ));
    }
    let name = input.required_text("name", 200)?;
    let tz = timezone(&input)?
        .ok_or_else(|| ApiError::unprocessable("timezone is required, like America/Chicago"))?;
    let active = input.boolean("active")?.unwrap_or(true);
    let now = p.now_ms();
    let added = db::execute(
        p,
        "INSERT INTO stores (store_id, name, timezone, active, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (store_id) DO NOTHING",
        &[
            id.as_str().into(),
            name.as_str().into(),
            tz.as_str().into(),
            active.into(),
            now.into(),
        ],
    )
    .await?;
    if added == 0 {
        return Err(ApiError::conflict(format!("store {id} exists already")));
    }
    Ok(serde_json::to_value(Store {
        store_id: id,
        name,
        timezone: tz,
        active,
    })
    .unwrap_or_default())
}

/// `PATCH /api/sales/stores/{store_id}`: `{name?, timezone?, active?}`.
pub async fn update<P: Platform>(p: &P, id: &str, req: &Request) -> Result<Value, ApiError> {
    let input = Input::body(req, &["name", "timezone", "active"])?;
    let name = input.text("name", 200)?;
    if name.as_deref() == Some("") {
        return Err(ApiError::unprocessable("name must not be empty"));
    }
    let tz = timezone(&input)?;
    let active = input.boolean("active")?;
    db::batch(
        p,
        &[Statement::new(
            "UPDATE stores SET name = coalesce(?2, name), timezone = coalesce(?3, timezone), \
             active = coalesce(?4, active), updated_at = ?5 WHERE store_id = ?1",
            vec![
                id.into(),
                name.into(),
                tz.into(),
                active.into(),
                p.now_ms().into(),
            ],
        )],
    )
    .await?;
    match get(p, id).await? {
        Some(s) => Ok(serde_json::to_value(s).unwrap_or_default()),
        None => Err(ApiError::missing(format!("no store {id}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_ids_are_what_a_file_name_can_carry() {
        for ok in ["store-001", "S_1", "a"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "a/b", "a.json", "ü", &"x".repeat(65), "a b"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
