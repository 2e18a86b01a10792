//! The cases in-process: a composed route table served on the kernel's
//! in-memory test platform, with no runtime at all.

use crate::{Transport, WireRequest, WireResponse};
use edgedesk_kernel::testing::{TestPlatform, repo_root};
use edgedesk_kernel::{Request, Routes};

/// A test platform whose blob store holds the documents of `dirs` (laid
/// out like `sample_data/`: `usage/`, `tickets/`, `contract/`), as the
/// workerd suite loads them into R2.
pub fn with_documents(dirs: &[&str]) -> TestPlatform {
    let p = TestPlatform::new();
    for dir in dirs {
        for kind in ["usage", "tickets", "contract"] {
            let Ok(entries) = std::fs::read_dir(repo_root().join(dir).join(kind)) else {
                continue;
            };
            for e in entries {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_string();
                p.blobs
                    .borrow_mut()
                    .insert(format!("{kind}/{name}"), std::fs::read(&path).unwrap());
            }
        }
    }
    p
}

pub struct InProcess<'a> {
    pub platform: &'a TestPlatform,
    pub routes: &'a Routes<TestPlatform>,
}

impl Transport for InProcess<'_> {
    fn send(&self, req: WireRequest) -> Result<WireResponse, String> {
        let mut r = Request::new(&req.method, &req.path).with_body(req.body);
        r.headers = req.headers;
        let res = self.platform.handle(self.routes, r);
        Ok(WireResponse {
            status: res.status,
            headers: res.headers,
            body: res.body,
        })
    }

    /// Moves the frozen clock on a millisecond per call, as real time would.
    fn now_ms(&self) -> i64 {
        let now = &self.platform.now;
        now.set(now.get() + 1);
        now.get()
    }
}
