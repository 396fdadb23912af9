//! Switchboard's outside worlds: one module per world (`email` — IMAP in,
//! SMTP out; `gateway` for SMS and push through an HTTP gateway), and later
//! messengers and the phone. `testing` runs a real Dovecot for tests.
//!
//! Outbound, each is an [`Adapter`] for one [`Medium`], registered in a
//! [`Registry`]: the outbox worker (in `switchboard-core`) hands every due
//! [`Outbound`] to the adapter of its medium, which makes one delivery
//! attempt and classifies a failure as [`SendError::Transient`] (retry
//! later) or [`SendError::Permanent`] (give up). Adding a channel adds an
//! adapter and a registry entry; nothing else matches on media.
//!
//! Inbound, an adapter turns what the outside world sends into the domain's
//! [`Inbound`] and hands it to an [`InboundSink`] (the use-case layer's
//! `ingest`), which says whether it was taken.
//!
//! Messengers (`telegram`, `vk`) are both: an [`Adapter`] for their
//! medium, and an inbound side that turns updates into [`MessengerEvent`]s
//! for a [`MessengerSink`] (the use-case layer's bot flow).
//!
//! This crate knows SMTP and the gateways' JSON, but nothing about tickets,
//! storage or retry schedules. TLS is rustls with the ring provider only;
//! [`install_crypto_provider`] must run before any client is built, and the
//! constructors here call it themselves.

mod email;
mod gateway;
mod health;
mod messenger;
mod secret;
pub mod telegram;
pub mod testing;
pub mod vk;
pub mod webhook;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Once};

use async_trait::async_trait;
use switchboard_domain::attachment::AttachmentMeta;
use switchboard_domain::conversation::{Inbound, Medium, Outbound};
use switchboard_domain::ids::TicketNumber;

pub use email::{
    Cursors, EmailConfig, EmailSender, Fetched, ImapConfig, ImapError, ImapSecurity, ImapSession,
    Intake, MailStream, MailboxConfig, MailboxHealth, MailboxStatus, ParseError, ParsedMail,
    PollError, Poller, Round, SmtpConfig, SmtpSecurity, Taken, TooLarge, Verdict, backoff,
    classify, demo_mailboxes, imap_connect, imap_fetch_after, imap_select, normalise_id, trim,
};
pub use gateway::{GatewayChannel, GatewayConfig, GatewaySender};
pub use health::{Health, HealthReport};
pub use messenger::{EventInput, MessengerEvent, MessengerSink, PublicPlace, locale_of};
pub use secret::Secret;

/// A file to send with a message, read from the attachment store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBytes {
    pub meta: AttachmentMeta,
    pub bytes: Vec<u8>,
}

/// One outbound message handed to an adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox row: stable across retries, for providers that dedupe on
    /// a caller's id (VK's `random_id`).
    pub id: i64,
    /// The ticket it is about, if any (for subjects, references).
    pub ticket: Option<TicketNumber>,
    pub outbound: Outbound,
    /// The bytes of `outbound.attachments`, in order.
    pub files: Vec<FileBytes>,
}

/// What the outside world acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivered {
    /// The provider's id for the message, when it gives one (for e-mail: the
    /// `Message-ID` header we sent, which replies will quote in `In-Reply-To`).
    pub provider_id: Option<String>,
}

/// Why a delivery attempt failed, split by what the caller should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: the peer was unreachable, slow, overloaded or said "try again".
    #[error("transient delivery failure: {0}")]
    Transient(String),
    /// Retrying the same message cannot succeed: bad recipient, rejected content,
    /// or a request the provider refuses outright.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
    /// The provider said when to come back (Telegram's `retry_after`): not
    /// before `secs` seconds.
    #[error("rate limited for {secs} s: {reason}")]
    RetryAfter { secs: u64, reason: String },
}

impl SendError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_) | SendError::RetryAfter { .. })
    }

    /// The least wait the provider asked for before the next attempt.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            SendError::RetryAfter { secs, .. } => Some(*secs),
            _ => None,
        }
    }
}

/// Delivers outbound messages of one medium to the outside world.
#[async_trait]
pub trait Adapter: Send + Sync {
    /// The medium it delivers.
    fn medium(&self) -> Medium;

    /// A short stable name for logs and metrics, e.g. `"smtp"`.
    fn name(&self) -> &'static str;

    /// One delivery attempt; no retries inside, so the caller's schedule is the only one.
    async fn deliver(&self, delivery: &Delivery) -> Result<Delivered, SendError>;
}

/// A sender could not be built from its configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The section is empty (no host / no URL): the channel is meant to be off.
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The HTTP or TLS client could not be created.
    #[error("cannot build client: {0}")]
    Client(String),
}

/// The adapter registered for each medium; a medium without one is off.
#[derive(Clone, Default)]
pub struct Registry {
    adapters: HashMap<Medium, Arc<dyn Adapter>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) the adapter for its medium.
    pub fn with(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapters.insert(adapter.medium(), adapter);
        self
    }

    pub fn get(&self, medium: Medium) -> Option<Arc<dyn Adapter>> {
        self.adapters.get(&medium).cloned()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<(&str, &str)> = self
            .adapters
            .iter()
            .map(|(m, a)| (m.as_str(), a.name()))
            .collect();
        names.sort();
        f.debug_map().entries(names).finish()
    }
}

/// What an inbound message became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub ticket: TicketNumber,
    pub seq: i64,
    /// It was taken before (the same outside id): nothing new was stored.
    pub duplicate: bool,
}

/// Why an inbound message was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// It will never be taken (it breaks a rule): do not offer it again.
    #[error("refused: {code}: {reason}")]
    Refused { code: &'static str, reason: String },
    /// Not now (storage unavailable): keep it and offer it again later.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// Where inbound adapters hand what came in: the use-case layer.
#[async_trait]
pub trait InboundSink: Send + Sync {
    async fn ingest(&self, inbound: Inbound) -> Result<Receipt, SinkError>;

    /// A delivery report says our message(s) `ids` did not arrive: record it
    /// on their ticket. Returns the ticket, `None` when no stored message has
    /// one of these ids.
    async fn bounced(
        &self,
        ids: &[String],
        reason: &str,
    ) -> Result<Option<TicketNumber>, SinkError> {
        let _ = (ids, reason);
        Ok(None)
    }
}

/// Compares a secret with what a request carried, in constant time.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Installs rustls' ring provider as the process default, once.
///
/// reqwest is built with `rustls-no-provider`, so without a process default its
/// client builder fails; and if some other crate pulled in aws-lc-rs too, rustls
/// could not pick one on its own. Losing the race to another installer is fine:
/// whatever provider is already installed is used.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err only means a provider is already installed, which is what we want.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The error with its whole `source()` chain, because client libraries put the
/// useful part ("connection refused") in the innermost cause.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
