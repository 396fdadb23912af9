//! How an outside API has been answering lately, for `/readyz` and
//! `/metrics`: an adapter records each call's outcome; an API that keeps
//! failing shows as degraded (replies wait in the outbox, nothing is lost).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// One outside API's recent outcomes. Cheap to record from any task.
#[derive(Debug, Default)]
pub struct Health {
    failures_in_a_row: AtomicU64,
    failures_total: AtomicU64,
    successes_total: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// A snapshot for readiness and metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub failures_in_a_row: u64,
    pub failures_total: u64,
    pub successes_total: u64,
    pub last_error: Option<String>,
}

impl HealthReport {
    /// The last few calls all failed.
    pub fn degraded(&self) -> bool {
        self.failures_in_a_row >= 3
    }
}

impl Health {
    pub fn ok(&self) {
        self.failures_in_a_row.store(0, Ordering::Relaxed);
        self.successes_total.fetch_add(1, Ordering::Relaxed);
    }

    /// `error` must carry no secret (no token, no URL with one).
    pub fn failed(&self, error: &str) {
        self.failures_in_a_row.fetch_add(1, Ordering::Relaxed);
        self.failures_total.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(error.chars().take(300).collect());
        }
    }

    pub fn report(&self) -> HealthReport {
        HealthReport {
            failures_in_a_row: self.failures_in_a_row.load(Ordering::Relaxed),
            failures_total: self.failures_total.load(Ordering::Relaxed),
            successes_total: self.successes_total.load(Ordering::Relaxed),
            last_error: self.last_error.lock().ok().and_then(|l| l.clone()),
        }
    }
}
