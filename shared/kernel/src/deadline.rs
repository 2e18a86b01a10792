//! Bounding slow operations with the platform clock.

use crate::platform::Clock;
use futures::future::{Either, select};
use std::future::Future;
use std::pin::pin;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

/// Runs `work`, or gives up with `Elapsed` after `ms` milliseconds.
pub async fn within<C: Clock, F: Future>(
    clock: &C,
    ms: u64,
    work: F,
) -> Result<F::Output, Elapsed> {
    match select(pin!(work), pin!(clock.sleep(ms))).await {
        Either::Left((out, _)) => Ok(out),
        Either::Right(_) => Err(Elapsed),
    }
}
