//! Delivers the outbox. Rows are written in the same transaction as the
//! change that causes them; this worker claims due rows with a lease (so
//! several nodes never send one twice at the same time), hands each to the
//! adapter registered for its medium, and records the outcome: delivered
//! (with the outside id the provider gave it, which threads replies to the
//! conversation), retry later with exponential backoff, or failed for good
//! after the last attempt or a permanent refusal. Delivery is at least once:
//! a crash after sending but before recording sends again when the lease
//! runs out (adapters whose provider dedupes pass the row id on).

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use switchboard_channels::{Delivery, FileBytes, Registry, SendError};
use switchboard_domain::ids::TicketNumber;
use switchboard_store::{OutboxItem, Store};

use crate::clock::Clock;
use crate::config::OutboxConfig;
use crate::files::FileStore;
use crate::metrics::{DeliveryLabels, Metrics};

/// Delay before attempt `attempts + 1`: `base` · 2^attempts, capped at `max`
/// (the outbox's and the webhooks' schedule).
pub fn backoff(base_secs: i64, max_secs: i64, attempts: u32) -> SignedDuration {
    let base = base_secs.max(1);
    let secs = base
        .saturating_mul(1i64 << attempts.min(30))
        .min(max_secs.max(base));
    SignedDuration::from_secs(secs)
}

/// What the worker is built from.
pub struct OutboxParts {
    pub store: Arc<dyn Store>,
    pub adapters: Arc<Registry>,
    pub files: FileStore,
    pub clock: Arc<dyn Clock>,
    pub config: OutboxConfig,
    pub metrics: Arc<Metrics>,
}

#[derive(Clone)]
pub struct OutboxWorker {
    store: Arc<dyn Store>,
    adapters: Arc<Registry>,
    files: FileStore,
    clock: Arc<dyn Clock>,
    config: OutboxConfig,
    metrics: Arc<Metrics>,
}

/// What one step did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StepReport {
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl StepReport {
    pub fn total(&self) -> usize {
        self.delivered + self.retrying + self.failed
    }
}

impl OutboxWorker {
    pub fn new(parts: OutboxParts) -> Self {
        OutboxWorker {
            store: parts.store,
            adapters: parts.adapters,
            files: parts.files,
            clock: parts.clock,
            config: parts.config,
            metrics: parts.metrics,
        }
    }

    /// Delay before attempt `attempts + 1`: base · 2^attempts, capped.
    pub fn backoff(&self, attempts: u32) -> SignedDuration {
        backoff(
            self.config.backoff_base_secs,
            self.config.backoff_max_secs,
            attempts,
        )
    }

    /// Claims one batch of due notifications and tries each once.
    pub async fn run_once(&self) -> anyhow::Result<StepReport> {
        let now = self.clock.now();
        let items = self
            .store
            .claim_outbound(
                now,
                SignedDuration::from_secs(self.config.lease_secs.max(1)),
                self.config.batch_size.max(1),
            )
            .await?;
        let mut report = StepReport::default();
        for item in items {
            self.deliver(item, &mut report).await?;
        }
        Ok(report)
    }

    /// The bytes of the item's attachments; a file that cannot be read is a
    /// failed attempt (the disk may come back), not a message sent without it.
    async fn files(&self, item: &OutboxItem) -> Result<Vec<FileBytes>, SendError> {
        let mut files = Vec::with_capacity(item.outbound.attachments.len());
        for meta in &item.outbound.attachments {
            let bytes =
                self.files.get(&meta.hash).await.map_err(|e| {
                    SendError::Transient(format!("reading {}: {e}", meta.file_name))
                })?;
            files.push(FileBytes {
                meta: meta.clone(),
                bytes,
            });
        }
        Ok(files)
    }

    #[tracing::instrument(skip_all, fields(outbox = item.id, medium = item.outbound.route.medium.as_str()))]
    async fn deliver(&self, item: OutboxItem, report: &mut StepReport) -> anyhow::Result<()> {
        let medium = item.outbound.route.medium;
        let result = match (self.adapters.get(medium), self.files(&item).await) {
            (None, _) => Err(SendError::Transient(format!(
                "no adapter is configured for {medium}"
            ))),
            (_, Err(e)) => Err(e),
            (Some(adapter), Ok(files)) => {
                let delivery = Delivery {
                    id: item.id,
                    ticket: item.ticket_id.map(TicketNumber::from_id),
                    outbound: item.outbound.clone(),
                    files,
                };
                adapter.deliver(&delivery).await
            }
        };
        let outcome = match result {
            Ok(delivered) => {
                self.store
                    .outbound_delivered(item.id, delivered.provider_id.as_deref(), self.clock.now())
                    .await?;
                report.delivered += 1;
                "delivered"
            }
            Err(err) => {
                let attempts = item.attempts + 1;
                let give_up =
                    matches!(err, SendError::Permanent(_)) || attempts >= self.config.max_attempts;
                // The provider's own "come back in N s" wins over a shorter backoff.
                let wait = match err.retry_after_secs() {
                    Some(secs) => self.backoff(item.attempts).max(SignedDuration::from_secs(
                        i64::try_from(secs).unwrap_or(i64::MAX),
                    )),
                    None => self.backoff(item.attempts),
                };
                let retry_at = (!give_up).then(|| self.clock.now() + wait);
                tracing::warn!(error = %err, attempts, give_up, "notification not delivered");
                self.store
                    .outbound_failed(item.id, &err.to_string(), retry_at)
                    .await?;
                if give_up {
                    report.failed += 1;
                    "failed"
                } else {
                    report.retrying += 1;
                    "retry"
                }
            }
        };
        self.metrics
            .notifications
            .get_or_create(&DeliveryLabels {
                channel: medium.as_str().into(),
                outcome: outcome.into(),
            })
            .inc();
        Ok(())
    }

    /// Runs until `stop` turns true: a full batch is followed at once by the
    /// next; otherwise the worker waits for the poll interval.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let idle = Duration::from_millis(self.config.poll_interval_ms.max(10));
        loop {
            let busy = match self.run_once().await {
                Ok(r) => r.total() >= self.config.batch_size as usize,
                Err(e) => {
                    tracing::error!(error = ?e, "outbox step failed");
                    false
                }
            };
            if *stop.borrow() {
                return;
            }
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}
