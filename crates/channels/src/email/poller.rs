//! Fetching each mailbox: at least once, idempotent, one task per mailbox.
//!
//! The reading position (UIDVALIDITY and the last UID taken) is kept in
//! the store's channel state through [`Cursors`] and moved only after a mail was taken (stored,
//! or dropped for good), so a crash mid-fetch fetches again what was not
//! recorded, and the Message-ID makes the second take a no-op: nothing lost,
//! nothing doubled. A mailbox with IDLE waits in IDLE; otherwise it polls.
//! A mailbox that is down is retried with backoff and reported in
//! [`MailboxHealth`]; the other mailboxes' tasks never wait for it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use super::config::MailboxConfig;
use super::imap::{self, ImapError};
use super::intake::{Intake, Taken};
use super::oversize::{self, TooLarge};
use crate::{Adapter, InboundSink, SinkError};

/// Where the e-mail channel keeps its reading positions, per mailbox (the
/// store's channel state, through the core).
#[async_trait]
pub trait Cursors: Send + Sync {
    async fn cursor(&self, mailbox: &str, key: &str) -> Result<Option<String>, SinkError>;
    async fn save_cursor(&self, mailbox: &str, key: &str, value: &str) -> Result<(), SinkError>;
}

/// How one mailbox is doing, for `/readyz` and `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxStatus {
    pub up: bool,
    /// The last error, without secrets (the server's words).
    pub error: Option<String>,
    /// Failures in a row.
    pub failures: u32,
    pub taken: u64,
    pub dropped: u64,
}

/// Every mailbox's status, by address; shared with the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct MailboxHealth(Arc<Mutex<BTreeMap<String, MailboxStatus>>>);

impl MailboxHealth {
    pub fn snapshot(&self) -> BTreeMap<String, MailboxStatus> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, address: &str, f: impl FnOnce(&mut MailboxStatus)) {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(all.entry(address.to_owned()).or_default());
    }
}

/// Mails fetched per round: bounds memory at large mails.
const BATCH: usize = 50;

/// Fetches mailboxes into the intake.
#[derive(Clone)]
pub struct Poller {
    pub intake: Arc<Intake>,
    pub sink: Arc<dyn InboundSink>,
    pub cursors: Arc<dyn Cursors>,
    pub health: MailboxHealth,
    /// Sends the one rejection of an oversized mail (the e-mail adapter);
    /// `None` when SMTP is off: such mails are then only logged.
    pub replies: Option<Arc<dyn Adapter>>,
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Round {
    pub taken: usize,
    pub dropped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("storage: {0}")]
    Sink(#[from] SinkError),
}

fn cursor_key(mailbox: &MailboxConfig) -> (String, String) {
    (
        mailbox.address.trim().to_lowercase(),
        format!("imap:{}", mailbox.imap.folder),
    )
}

fn parse_cursor(raw: Option<&str>) -> (u32, u32) {
    raw.and_then(|c| c.split_once(':'))
        .and_then(|(v, u)| Some((v.parse().ok()?, u.parse().ok()?)))
        .unwrap_or((0, 0))
}

impl Poller {
    /// Takes everything new in the selected folder, in rounds of [`BATCH`].
    pub async fn drain(
        &self,
        session: &mut imap::Session,
        mailbox: &MailboxConfig,
        validity: u32,
    ) -> Result<Round, PollError> {
        let (endpoint, key) = cursor_key(mailbox);
        let stored = self.cursors.cursor(&endpoint, &key).await?;
        let (seen_validity, last) = parse_cursor(stored.as_deref());
        // A new UIDVALIDITY renumbers the folder: read it all again; the
        // Message-IDs keep what was taken from being taken twice.
        let mut after = if seen_validity == validity { last } else { 0 };
        let mut round = Round::default();
        loop {
            let mails = imap::fetch_after(session, mailbox, after, BATCH).await?;
            if mails.is_empty() {
                return Ok(round);
            }
            for mail in mails {
                match self
                    .intake
                    .take(mailbox, &mail.raw, self.sink.as_ref())
                    .await?
                {
                    Taken::Stored(_) | Taken::Bounce(_) => round.taken += 1,
                    Taken::Dropped(_) | Taken::Refused(_) => round.dropped += 1,
                    Taken::TooLarge(to) => {
                        round.dropped += 1;
                        if let Some(to) = to {
                            self.reject(mailbox, &to).await?;
                        }
                    }
                }
                after = mail.uid;
                self.cursors
                    .save_cursor(&endpoint, &key, &format!("{validity}:{after}"))
                    .await?;
            }
        }
    }

    /// Tells the sender of an oversized mail, at most once per Message-ID:
    /// the id is recorded before sending, so nothing can send it twice (a
    /// failed send is logged, not retried).
    async fn reject(&self, mailbox: &MailboxConfig, to: &TooLarge) -> Result<(), PollError> {
        let Some(replies) = &self.replies else {
            return Ok(());
        };
        let (endpoint, _) = cursor_key(mailbox);
        let key = oversize::sent_key(&to.message_id);
        if self.cursors.cursor(&endpoint, &key).await?.is_some() {
            return Ok(());
        }
        self.cursors.save_cursor(&endpoint, &key, "sent").await?;
        if let Err(e) = replies
            .deliver(&oversize::rejection(&mailbox.address, to))
            .await
        {
            tracing::warn!(error = %e, "the rejection of an oversized mail was not sent");
        }
        Ok(())
    }

    /// One connection's worth: connect, select, drain. For tests and the
    /// benchmark; [`Poller::run`] keeps the connection and waits in IDLE.
    pub async fn poll_once(&self, mailbox: &MailboxConfig) -> Result<Round, PollError> {
        let mut session = imap::connect(mailbox).await?;
        let (validity, _) = imap::select(&mut session, mailbox).await?;
        let round = self.drain(&mut session, mailbox, validity).await;
        let _ = session.logout().await;
        self.record(mailbox, &round);
        round
    }

    fn record(&self, mailbox: &MailboxConfig, round: &Result<Round, PollError>) {
        self.health.update(&mailbox.address, |s| match round {
            Ok(r) => {
                s.up = true;
                s.error = None;
                s.failures = 0;
                s.taken += r.taken as u64;
                s.dropped += r.dropped as u64;
            }
            Err(e) => {
                s.up = false;
                s.error = Some(e.to_string());
                s.failures = s.failures.saturating_add(1);
            }
        });
    }

    /// Runs one mailbox until `stop` turns true: drains, then waits in IDLE
    /// (or sleeps `poll_secs`), reconnecting with backoff after a failure.
    pub async fn run(self, mailbox: MailboxConfig, mut stop: watch::Receiver<bool>) {
        self.health.update(&mailbox.address, |_| {});
        let mut failures = 0u32;
        while !*stop.borrow() {
            let wait = match self.session(&mailbox, &mut stop).await {
                Ok(()) => {
                    failures = 0;
                    Duration::from_secs(1)
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(mailbox = %mailbox.address, error = %e, failures, "mailbox unavailable");
                    self.record(&mailbox, &Err(e));
                    backoff(failures)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One connection: drain, wait for news, drain again, until an error or stop.
    async fn session(
        &self,
        mailbox: &MailboxConfig,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<(), PollError> {
        let mut session = imap::connect(mailbox).await?;
        let (validity, idle) = imap::select(&mut session, mailbox).await?;
        let poll = Duration::from_secs(mailbox.imap.poll_secs.max(1));
        loop {
            let round = self.drain(&mut session, mailbox, validity).await?;
            self.record(mailbox, &Ok(round));
            if *stop.borrow() {
                let _ = session.logout().await;
                return Ok(());
            }
            if idle {
                // Woken by new mail, or after `poll` to look anyway.
                session = tokio::select! {
                    s = imap::idle(session, poll) => s?,
                    _ = stop.changed() => return Ok(()),
                };
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = stop.changed() => return Ok(()),
                }
                session.noop().await.map_err(ImapError::from)?;
            }
        }
    }
}

/// 1 s, 2 s, 4 s … up to 256 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.saturating_sub(1).min(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_garbage_starts_over() {
        assert_eq!(parse_cursor(Some("7:12")), (7, 12));
        assert_eq!(parse_cursor(Some("x:12")), (0, 0));
        assert_eq!(parse_cursor(None), (0, 0));
    }

    #[test]
    fn backoff_doubles_up_to_a_bound() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(4));
        assert_eq!(backoff(30), Duration::from_secs(256));
    }
}
