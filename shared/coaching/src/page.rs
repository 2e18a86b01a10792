//! Pages of a list: `limit` (1-200, 50 by default) and `offset`, as query
//! parameters beside a route's own.

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::input::Input;

pub const MAX_LIMIT: i64 = 200;
pub const DEFAULT_LIMIT: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub fn read(q: &Input) -> Result<Page, ApiError> {
        Ok(Page {
            limit: q.int("limit", 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT),
            offset: q.int("offset", 0, 1_000_000)?.unwrap_or(0),
        })
    }
}
