//! Time is injected so that deadlines, token expiry and retries are testable.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Resolves once `now()` has reached `at` (a token's expiry, say).
    fn wait_until(&self, at: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            loop {
                let left = at.duration_since(self.now());
                if left <= SignedDuration::ZERO {
                    return;
                }
                tokio::time::sleep(left.unsigned_abs()).await;
            }
        })
    }
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Millisecond precision: what both databases keep, so a value read back
    /// equals the value written.
    fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
    }
}

/// A clock that only moves when told to; for tests. Waiters wake when it moves.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>, Notify);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        ManualClock(Mutex::new(at), Notify::new())
    }

    pub fn advance(&self, by: SignedDuration) {
        {
            let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
            *t += by;
        }
        self.1.notify_waiters();
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
        self.1.notify_waiters();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait_until(&self, at: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            loop {
                let moved = self.1.notified();
                let mut moved = std::pin::pin!(moved);
                // Registered before the check, so a move in between is not missed.
                moved.as_mut().enable();
                if self.now() >= at {
                    return;
                }
                moved.await;
            }
        })
    }
}
