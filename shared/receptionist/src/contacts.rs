//! The people who call, text or chat: one contact per phone number and
//! business, with the name they gave and whether they opted out of texts.

use crate::db::{self, Cols};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::Platform;
use edgedesk_kernel::platform::Statement;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub opted_out: bool,
}

/// A contact's id follows from the business and number, so two instances
/// that meet a new number at once write the same row, and a booking in the
/// same transaction can name it before it exists.
pub fn id_for(business_id: &str, phone: &str) -> String {
    let digest = Sha256::digest(format!("{business_id}\n{phone}").as_bytes());
    format!("ct_{}", hex::encode(&digest[..12]))
}

pub async fn by_phone<P: Platform>(
    p: &P,
    business_id: &str,
    phone: &str,
) -> Result<Option<Contact>, ApiError> {
    let row = db::one(
        p,
        "SELECT id, phone, name, opted_out FROM contacts WHERE business_id = ?1 AND phone = ?2",
        &[business_id.into(), phone.into()],
    )
    .await?;
    Ok(row.map(|r| {
        let c = Cols(&r);
        Contact {
            id: c.text(0),
            phone: c.opt_text(1),
            name: c.opt_text(2),
            opted_out: c.flag(3),
        }
    }))
}

/// Writes the contact for `phone`, keeping a name already known unless a
/// new one is given.
pub fn upsert(business_id: &str, phone: &str, name: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO contacts (id, business_id, phone, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (business_id, phone) DO UPDATE SET name = COALESCE(excluded.name, contacts.name)",
        vec![
            id_for(business_id, phone).into(),
            business_id.into(),
            phone.into(),
            name.into(),
            now.into(),
        ],
    )
}

/// STOP (`true`) or START (`false`) from `phone`.
pub fn set_opted_out(business_id: &str, phone: &str, opted_out: bool, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO contacts (id, business_id, phone, opted_out, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (business_id, phone) DO UPDATE SET opted_out = excluded.opted_out",
        vec![
            id_for(business_id, phone).into(),
            business_id.into(),
            phone.into(),
            opted_out.into(),
            now.into(),
        ],
    )
}
