//! Loading the customer documents from the blob store (R2 on Cloudflare;
//! the copilot database's `documents` table on Spin).

use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::platform::{BlobStore, Clock, MAX_BLOB_BYTES, StoreError, Versioned};
use edgedesk_kernel::timing;
use serde::de::DeserializeOwned;
use std::rc::Rc;

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

/// Documents parsed in this isolate, each with the version it was read at
/// (feature `document-cache`, which the Worker turns on). A call reads a
/// document again only if its version moved: otherwise the store sends no
/// body and nothing is parsed. R2 versions are etags, exact and strongly
/// consistent. Without the feature nothing is kept.
/// A document as the cache found it: still current and kept, or read.
enum Fetched<T> {
    // Only the cache finds a document still current.
    #[cfg_attr(not(feature = "document-cache"), allow(dead_code))]
    Kept(Rc<T>),
    Read(Result<Versioned, StoreError>),
}

#[cfg(feature = "document-cache")]
mod cache {
    use super::Fetched;
    use edgedesk_kernel::deadline::{self, Elapsed};
    use edgedesk_kernel::platform::{BlobStore, Clock, Versioned};
    use std::any::Any;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    /// Key -> (version, parsed document).
    type Kept = HashMap<String, (String, Rc<dyn Any>)>;

    thread_local! {
        static PARSED: RefCell<Kept> = RefCell::default();
    }

    /// Documents kept at most; past it the cache starts over.
    const MAX_PARSED: usize = 1024;

    pub fn kept<T: 'static>(key: &str) -> Option<(String, Rc<T>)> {
        PARSED.with_borrow(|parsed| {
            let (version, any) = parsed.get(key)?;
            Some((version.clone(), any.clone().downcast::<T>().ok()?))
        })
    }

    pub fn keep<T: 'static>(key: String, version: String, doc: Rc<T>) {
        PARSED.with_borrow_mut(|kept| {
            if kept.len() >= MAX_PARSED {
                kept.clear();
            }
            kept.insert(key, (version, doc));
        });
    }

    pub fn forget(key: &str) {
        PARSED.with_borrow_mut(|kept| kept.remove(key));
    }

    /// Reads `key` unless the version kept is still current.
    pub async fn read<T: 'static, P: BlobStore + Clock>(
        p: &P,
        key: &str,
        timeout_ms: u64,
    ) -> Result<Fetched<T>, Elapsed> {
        let known = kept::<T>(key);
        let version = known.as_ref().map(|(v, _)| v.as_str());
        let fetched = deadline::within(p, timeout_ms, p.get_blob_unless(key, version)).await?;
        if let Ok(Versioned::Unchanged) = fetched {
            // Still current: use what was kept, unless another call dropped
            // it while this one waited, in which case read it whole.
            if let (Some((now, doc)), Some((then, _))) = (kept::<T>(key), known)
                && now == then
            {
                return Ok(Fetched::Kept(doc));
            }
            let whole = deadline::within(p, timeout_ms, p.get_blob_unless(key, None)).await?;
            return Ok(Fetched::Read(whole));
        }
        Ok(Fetched::Read(fetched))
    }
}

#[cfg(not(feature = "document-cache"))]
mod cache {
    use super::Fetched;
    use edgedesk_kernel::deadline::{self, Elapsed};
    use edgedesk_kernel::platform::{BlobStore, Clock, Versioned};
    use std::rc::Rc;

    /// Reads `key` whole: nothing is kept.
    pub async fn read<T, P: BlobStore + Clock>(
        p: &P,
        key: &str,
        timeout_ms: u64,
    ) -> Result<Fetched<T>, Elapsed> {
        let fetched = deadline::within(p, timeout_ms, p.get_blob(key)).await?;
        Ok(Fetched::Read(fetched.map(|found| match found {
            Some(bytes) => Versioned::Found {
                bytes,
                version: None,
            },
            None => Versioned::Missing,
        })))
    }

    pub fn keep<T>(_: String, _: String, _: Rc<T>) {}

    pub fn forget(_: &str) {}
}

/// Loads one document, parsed, bounded by `timeout_ms`. The customer id
/// has been validated, so the key cannot escape its prefix.
pub async fn load<T, P>(
    p: &P,
    doc: Doc,
    customer_id: &str,
    timeout_ms: u64,
) -> Result<Rc<T>, ApiError>
where
    T: DeserializeOwned + 'static,
    P: BlobStore + Clock,
{
    let key = doc.key(customer_id);
    let fetched = cache::read::<T, P>(p, &key, timeout_ms).await;
    let what = doc.name();
    let fetched = fetched.map_err(|_| {
        ApiError::timeout(format!(
            "reading {what} data for customer '{customer_id}' took longer than {timeout_ms} ms"
        ))
    })?;
    timing::mark("store");
    let fetched = match fetched {
        Fetched::Kept(doc) => return Ok(doc),
        Fetched::Read(result) => result,
    };
    let (bytes, version) = match fetched {
        Ok(Versioned::Found { bytes, version }) => (bytes, version),
        Ok(Versioned::Missing) => {
            cache::forget(&key);
            return Err(ApiError::missing(format!(
                "no {what} data for customer '{customer_id}'"
            )));
        }
        Ok(Versioned::Unchanged) => {
            return Err(ApiError::failure(format!(
                "the {what} data store answered out of turn; try again"
            )));
        }
        Err(e) => {
            return Err(ApiError::failure(if e.too_large {
                format!(
                    "stored {what} data for customer '{customer_id}' is larger than {MAX_BLOB_BYTES} bytes"
                )
            } else {
                format!("the {what} data store is unavailable; try again")
            }));
        }
    };
    // One UTF-8 check over the whole document, rather than one per string
    // value as a byte-slice parse does.
    let text = std::str::from_utf8(&bytes);
    let parsed: Rc<T> = text
        .ok()
        .and_then(|t| serde_json::from_str(t).ok())
        .map(Rc::new)
        .ok_or_else(|| {
            ApiError::failure(format!(
                "stored {what} data for customer '{customer_id}' is unreadable"
            ))
        })?;
    timing::mark("parse");
    if let Some(version) = version {
        cache::keep(key, version, parsed.clone());
    }
    Ok(parsed)
}
