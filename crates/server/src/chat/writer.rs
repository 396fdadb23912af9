//! The batching writer: every chat message of this node goes through one task
//! that takes whatever is waiting (up to `max_batch`), stores it in one
//! transaction (`Store::append_chat_messages`), and only then answers each
//! sender with its sequence number. Under load, messages that arrive while a
//! transaction runs form the next batch, so one commit serves many messages;
//! alone, a message is committed at once. One task per node keeps each
//! connection's messages in the order it sent them.

use std::sync::Arc;
use std::time::Duration;

use switchboard_store::{AppendOutcome, ChatAppend, Store};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::metrics::Metrics;

pub type WriteResult = Result<AppendOutcome, String>;

struct Job {
    item: ChatAppend,
    reply: oneshot::Sender<WriteResult>,
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The writer is gone (the node is shutting down).
#[derive(Debug)]
pub struct WriterClosed;

impl Writer {
    pub fn start(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
        max_batch: usize,
        linger: Duration,
    ) -> Writer {
        let (tx, rx) = mpsc::channel(max_batch.max(1) * 8);
        tokio::spawn(run(store, clock, metrics, rx, max_batch.max(1), linger));
        Writer { tx }
    }

    /// Queues a message; the receiver answers once it is stored (or refused).
    /// Waits only when the queue is full (backpressure).
    pub async fn submit(
        &self,
        item: ChatAppend,
    ) -> Result<oneshot::Receiver<WriteResult>, WriterClosed> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { item, reply })
            .await
            .map_err(|_| WriterClosed)?;
        Ok(rx)
    }

    pub async fn append(&self, item: ChatAppend) -> WriteResult {
        self.submit(item)
            .await
            .map_err(|_| "the chat writer has stopped".to_owned())?
            .await
            .map_err(|_| "the chat writer has stopped".to_owned())?
    }
}

async fn run(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    linger: Duration,
) {
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
        let items: Vec<ChatAppend> = jobs.iter().map(|j| j.item.clone()).collect();
        let mut result = store.append_chat_messages(&items, clock.now()).await;
        if let Err(e) = &result {
            // A batch fails whole (a lost connection, or the same client id
            // stored by another node at the same moment): once more, with the
            // committed state visible.
            tracing::warn!(error = %e, batch = items.len(), "chat batch failed; retrying once");
            result = store.append_chat_messages(&items, clock.now()).await;
        }
        metrics.chat_batches.inc();
        match result {
            Ok(outcomes) => {
                let stored = outcomes
                    .iter()
                    .filter(|o| matches!(o, AppendOutcome::Stored(_)))
                    .count();
                metrics.chat_messages_stored.inc_by(stored as u64);
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = ?e, batch = items.len(), "chat batch failed");
                for job in jobs.drain(..) {
                    let _ = job.reply.send(Err(e.to_string()));
                }
            }
        }
    }
}
