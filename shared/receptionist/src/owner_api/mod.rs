//! The owner dashboard's API, `/v1/owner/*`: every handler takes the
//! signed-in owner and reads or writes only that owner's business, by the
//! business id their account holds (never one the request names).

pub mod appointments;
pub mod profile;
pub mod records;

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;

/// `limit` (1 to `max`, default `default`) of a listing's query.
pub fn limit(q: &Input, default: i64, max: i64) -> Result<i64, ApiError> {
    Ok(q.int("limit", 1, max)?.unwrap_or(default))
}
