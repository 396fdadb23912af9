//! Switchboard's outside worlds for outbound customer notifications: one module per
//! delivery route (`email` over SMTP, `gateway` for SMS and push through an HTTP
//! gateway), all behind the [`Sender`] trait. A sender turns a domain
//! [`Notification`] into one delivery attempt and classifies failure as
//! [`SendError::Transient`] (the outbox should retry later) or
//! [`SendError::Permanent`] (retrying cannot help, give up). This crate knows SMTP
//! and the gateway's JSON, but nothing about tickets, storage or retry schedules:
//! the caller (the server's outbox worker) owns those.
//!
//! TLS is rustls with the ring provider only; [`install_crypto_provider`] must run
//! before any client is built, and the constructors here call it themselves.

mod email;
mod gateway;
mod secret;

use std::fmt;
use std::sync::{Arc, Once};

use async_trait::async_trait;
use switchboard_domain::notification::Notification;
use switchboard_domain::ticket::ReplyChannel;

pub use email::{EmailSender, SmtpConfig, SmtpSecurity};
pub use gateway::{GatewayChannel, GatewayConfig, GatewaySender};
pub use secret::Secret;

/// Delivers notifications of one channel to the outside world.
#[async_trait]
pub trait Sender: Send + Sync {
    /// One delivery attempt; no retries inside, so the caller's schedule is the only one.
    async fn send(&self, n: &Notification) -> Result<Delivery, SendError>;

    /// A short stable name for logs and metrics, e.g. `"smtp"`.
    fn name(&self) -> &'static str;
}

/// What the outside world acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
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
    /// Retrying the same notification cannot succeed: bad recipient, rejected content,
    /// or a request the provider refuses outright.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
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

/// The configured sender for each reply channel; a channel without one is off.
#[derive(Clone, Default)]
pub struct Senders {
    email: Option<Arc<dyn Sender>>,
    push: Option<Arc<dyn Sender>>,
    sms: Option<Arc<dyn Sender>>,
}

impl Senders {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets (or replaces) the sender for `channel`.
    pub fn with(mut self, channel: ReplyChannel, sender: Arc<dyn Sender>) -> Self {
        *self.slot(channel) = Some(sender);
        self
    }

    pub fn get(&self, channel: ReplyChannel) -> Option<Arc<dyn Sender>> {
        match channel {
            ReplyChannel::Email => self.email.clone(),
            ReplyChannel::Push => self.push.clone(),
            ReplyChannel::Sms => self.sms.clone(),
        }
    }

    // An exhaustive match instead of a map: a new ReplyChannel must not compile
    // until someone decides how it is delivered.
    fn slot(&mut self, channel: ReplyChannel) -> &mut Option<Arc<dyn Sender>> {
        match channel {
            ReplyChannel::Email => &mut self.email,
            ReplyChannel::Push => &mut self.push,
            ReplyChannel::Sms => &mut self.sms,
        }
    }
}

impl fmt::Debug for Senders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |s: &Option<Arc<dyn Sender>>| s.as_ref().map(|s| s.name());
        f.debug_struct("Senders")
            .field("email", &name(&self.email))
            .field("push", &name(&self.push))
            .field("sms", &name(&self.sms))
            .finish()
    }
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
