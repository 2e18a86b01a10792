//! Loading the customer documents from the blob store (R2 on Cloudflare;
//! the copilot database's `documents` table on Spin).

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{BlobStore, Clock, MAX_BLOB_BYTES};
use edgedesk_kernel::{deadline, timing};
use serde::de::DeserializeOwned;

/// Which document a tool needs.
#[derive(Debug, Clone, Copy)]
pub enum Doc {
    Usage,
    Tickets,
    Contract,
}

impl Doc {
    fn name(self) -> &'static str {
        match self {
            Doc::Usage => "usage",
            Doc::Tickets => "tickets",
            Doc::Contract => "contract",
        }
    }

    pub fn key(self, customer_id: &str) -> String {
        format!("{}/{customer_id}.json", self.name())
    }
}

/// Loads and parses one document, bounded by `timeout_ms`. The customer id
/// has been validated, so the key cannot escape its prefix.
pub async fn load<T, P>(p: &P, doc: Doc, customer_id: &str, timeout_ms: u64) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    P: BlobStore + Clock,
{
    let what = doc.name();
    let fetched = deadline::within(p, timeout_ms, p.get_blob(&doc.key(customer_id)))
        .await
        .map_err(|_| {
            ApiError::timeout(format!(
                "reading {what} data for customer '{customer_id}' took longer than {timeout_ms} ms"
            ))
        })?;
    timing::mark("store");
    let bytes = fetched
        .map_err(|e| {
            ApiError::failure(if e.too_large {
                format!(
                    "stored {what} data for customer '{customer_id}' is larger than {MAX_BLOB_BYTES} bytes"
                )
            } else {
                format!("the {what} data store is unavailable; try again")
            })
        })?
        .ok_or_else(|| ApiError::missing(format!("no {what} data for customer '{customer_id}'")))?;
    // One UTF-8 check over the whole document, rather than one per string
    // value as a byte-slice parse does.
    let text = std::str::from_utf8(&bytes);
    let parsed = text
        .ok()
        .and_then(|t| serde_json::from_str(t).ok())
        .ok_or_else(|| {
            ApiError::failure(format!(
                "stored {what} data for customer '{customer_id}' is unreadable"
            ))
        });
    timing::mark("parse");
    parsed
}
