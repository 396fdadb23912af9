//! The batching writer: every message of this node, whatever its channel,
//! goes through one task that takes whatever is waiting (up to `max_batch`),
//! stores it in one transaction (`ConversationStore::append_messages`, where
//! the domain decides each message on its locked ticket), and only then
//! answers each sender with its sequence number. Under load, messages that
//! arrive while a transaction runs form the next batch, so one commit serves
//! many messages; alone, a message is committed at once. One task per node
//! keeps each sender's messages in the order they were sent.

use std::sync::Arc;
use std::time::Duration;

use switchboard_store::{AppendItem, AppendOutcome, Store};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::configuration::LiveConfig;
use crate::metrics::Metrics;

pub type WriteResult = Result<AppendOutcome, String>;

struct Job {
    item: AppendItem,
    reply: oneshot::Sender<WriteResult>,
}

/// What the writer is started with.
pub struct WriterParts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// The deadline rules are read per batch: an edit applies from the next one.
    pub rules: LiveConfig,
    pub max_batch: usize,
    pub linger: Duration,
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The writer is gone (the node is shutting down).
#[derive(Debug)]
pub struct WriterClosed;

impl Writer {
    pub fn start(parts: WriterParts) -> Writer {
        let (tx, rx) = mpsc::channel(parts.max_batch.max(1) * 8);
        tokio::spawn(run(parts, rx));
        Writer { tx }
    }

    /// Queues a message; the receiver answers once it is stored (or refused).
    /// Waits only when the queue is full (backpressure).
    pub async fn submit(
        &self,
        item: AppendItem,
    ) -> Result<oneshot::Receiver<WriteResult>, WriterClosed> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { item, reply })
            .await
            .map_err(|_| WriterClosed)?;
        Ok(rx)
    }

    pub async fn append(&self, item: AppendItem) -> WriteResult {
        self.submit(item)
            .await
            .map_err(|_| "the chat writer has stopped".to_owned())?
            .await
            .map_err(|_| "the chat writer has stopped".to_owned())?
    }
}

async fn run(parts: WriterParts, mut rx: mpsc::Receiver<Job>) {
    let WriterParts {
        store,
        clock,
        metrics,
        rules,
        max_batch,
        linger,
    } = parts;
    let max_batch = max_batch.max(1);
    let mut jobs: Vec<Job> = Vec::with_capacity(max_batch);
    while let Some(first) = rx.recv().await {
        jobs.push(first);
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        if !linger.is_zero() && jobs.len() < max_batch {
            let deadline = tokio::time::Instant::now() + linger;
            while jobs.len() < max_batch {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(Some(j)) => jobs.push(j),
                    _ => break,
                }
            }
        }
        let items: Vec<AppendItem> = jobs.iter().map(|j| j.item.clone()).collect();
        let deadlines = rules.rules().deadlines;
        let mut result = store.append_messages(&items, &deadlines, clock.now()).await;
        if let Err(e) = &result {
            // A batch fails whole (a lost connection, or the same client id
            // stored by another node at the same moment): once more, with the
            // committed state visible.
            tracing::warn!(error = %e, batch = items.len(), "message batch failed; retrying once");
            result = store.append_messages(&items, &deadlines, clock.now()).await;
        }
        metrics.chat_batches.inc();
        match result {
            Ok(outcomes) => {
                let stored = outcomes
                    .iter()
                    .filter(|o| matches!(o, AppendOutcome::Stored(..)))
                    .count();
                metrics.chat_messages_stored.inc_by(stored as u64);
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = ?e, batch = items.len(), "message batch failed");
                for job in jobs.drain(..) {
                    let _ = job.reply.send(Err(e.to_string()));
                }
            }
        }
    }
}
