//! E-mail over SMTP (lettre, tokio, rustls).
//!
//! A notification is one plain-text UTF-8 part; an operator's reply has text
//! and HTML parts and its attachments (see `render`). Either leaves from the
//! mailbox its conversation came to, with our own Message-ID, the ticket
//! number in the subject and `In-Reply-To`/`References` to the mail answered. lettre picks a 7-bit-safe
//! transfer encoding (quoted-printable or base64) and RFC 2047-encodes the subject,
//! so Cyrillic survives relays that do not announce 8BITMIME.
//!
//! Failure classes: only a 5xx reply from the server (or a notification we cannot
//! turn into a message at all) is [`SendError::Permanent`]; everything else, from
//! "connection refused" to 4xx "try again later" and TLS trouble, is transient,
//! and the outbox's attempt limit bounds the retries. A 5xx to `AUTH` is permanent
//! too, because lettre does not say which command failed; it means the
//! configuration is wrong, and every notification will say so loudly.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::MessageId;
use lettre::message::{Mailbox, Message, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use switchboard_domain::conversation::{Medium, OutboundKind};

use super::config::EmailConfig;
use super::render::AckLimit;
use crate::{Adapter, ConfigError, Delivered, Delivery, Secret, SendError, error_chain};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text: only for a relay on localhost or a test sink.
    None,
    /// Plain connect, then STARTTLS, which is required (no silent downgrade). Usually port 587.
    #[default]
    #[serde(alias = "start_tls")]
    StartTls,
    /// TLS from the first byte ("SMTPS"). Usually port 465.
    Tls,
}

/// The `[smtp]` section. An empty `host` means e-mail is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Not derived from `security`: relays on odd ports are common enough.
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The `From` mailbox, e.g. `Support <help@demo.example>`.
    pub from: String,
    /// Limit for connecting and for each SMTP command.
    pub timeout_secs: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: None,
            password: None,
            from: String::new(),
            timeout_secs: 30,
        }
    }
}

impl SmtpConfig {
    pub fn is_enabled(&self) -> bool {
        !self.host.trim().is_empty()
    }
}

/// Sends e-mail through SMTP relays (the `[smtp]` one, or a mailbox's own),
/// reusing pooled connections; a reply leaves from the mailbox its
/// conversation came to.
#[derive(Clone)]
pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Per mailbox address (lower-case): its `From` and its own relay, if any.
    mailboxes: HashMap<String, (Mailbox, Option<AsyncSmtpTransport<Tokio1Executor>>)>,
    acks: Arc<AckLimit>,
}

impl std::fmt::Debug for EmailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSender")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl EmailSender {
    /// Validates the configuration; does not connect (the relay may come up later).
    pub fn new(config: &SmtpConfig) -> Result<Self, ConfigError> {
        crate::install_crypto_provider();
        let host = config.host.trim();
        if host.is_empty() {
            return Err(ConfigError::NotConfigured("smtp"));
        }
        let from: Mailbox = config.from.parse().map_err(|e| ConfigError::Invalid {
            field: "smtp.from",
            reason: format!("{:?}: {e}", config.from),
        })?;
        if config.timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "smtp.timeout_secs",
                reason: "must be at least 1".into(),
            });
        }

        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(tls_parameters(host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_secs)));
        match (&config.username, &config.password) {
            (Some(user), password) => {
                let password = password.as_ref().map(Secret::expose).unwrap_or_default();
                builder = builder.credentials(Credentials::new(user.clone(), password.to_owned()));
            }
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    field: "smtp.username",
                    reason: "a password is set but no username".into(),
                });
            }
            (None, None) => {}
        }

        Ok(EmailSender {
            transport: builder.build(),
            from,
            mailboxes: HashMap::new(),
            acks: Arc::new(AckLimit::new(u32::MAX)),
        })
    }

    /// The `[smtp]` relay plus the `[email]` mailboxes: each sends as itself
    /// (through its own relay when it has one), and acknowledgements are
    /// limited per sender.
    pub fn with_mailboxes(config: &SmtpConfig, email: &EmailConfig) -> Result<Self, ConfigError> {
        let mut sender = EmailSender::new(config)?;
        for m in &email.mailboxes {
            let address: Address = m.address.trim().parse().map_err(|e| ConfigError::Invalid {
                field: "email.mailboxes.address",
                reason: format!("{:?}: {e}", m.address),
            })?;
            let name = Some(m.name.trim().to_owned()).filter(|n| !n.is_empty());
            let relay = match &m.smtp {
                Some(own) => Some(EmailSender::new(own)?.transport),
                None => None,
            };
            sender.mailboxes.insert(
                m.address.trim().to_lowercase(),
                (Mailbox::new(name, address), relay),
            );
        }
        sender.acks = Arc::new(AckLimit::new(email.acks_per_sender_per_hour));
        Ok(sender)
    }

    /// The `From` and relay for a message from `endpoint` (a mailbox).
    fn relay(
        &self,
        endpoint: Option<&str>,
    ) -> (&Mailbox, &AsyncSmtpTransport<Tokio1Executor>, bool) {
        match endpoint.and_then(|e| self.mailboxes.get(&e.trim().to_lowercase())) {
            Some((from, Some(own))) => (from, own, true),
            Some((from, None)) => (from, &self.transport, true),
            None => (&self.from, &self.transport, false),
        }
    }

    fn message(&self, d: &Delivery) -> Result<Message, SendError> {
        let n = &d.outbound;
        if n.route.medium != Medium::Email {
            return Err(SendError::Permanent(format!(
                "a {} message handed to the e-mail sender",
                n.route.medium
            )));
        }
        // A bare address only: a display name in `recipient` would be a bug upstream,
        // and parsing it as a Mailbox would quietly accept one.
        let to: Address = n.route.recipient.trim().parse().map_err(|e| {
            SendError::Permanent(format!(
                "invalid e-mail address {:?}: {e}",
                n.route.recipient
            ))
        })?;
        let (from, _, _) = self.relay(n.route.endpoint.as_deref());
        let subject = match d.ticket {
            Some(number) if !n.subject.contains(&number.to_string()) => {
                format!("[{number}] {}", n.subject)
            }
            _ => n.subject.clone(),
        };
        let mut builder = Message::builder()
            .from(from.clone())
            .to(Mailbox::new(None, to))
            .subject(subject)
            // Set here rather than by the relay so we know it and can match replies.
            .message_id(None);
        // A reply names the mail it answers, so the customer's client threads it.
        if let Some(thread) = &n.route.thread {
            builder = builder
                .in_reply_to(thread.clone())
                .references(thread.clone());
        }
        // A MIME part rather than a bare body: it adds `MIME-Version`, without
        // which strict readers may ignore the charset and transfer encoding.
        let built = if n.kind == OutboundKind::Reply || !d.files.is_empty() {
            builder.multipart(super::render::body(n, &d.files))
        } else {
            builder.singlepart(SinglePart::plain(n.text.clone()))
        };
        let mut message =
            built.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        self.own_message_id(&mut message, from);
        Ok(message)
    }

    /// lettre names the local host in generated ids (`<random@vm>`); a bare host
    /// name there is a spam signal, and the From domain is the one we answer for.
    fn own_message_id(&self, message: &mut Message, from: &Mailbox) {
        let Some(generated) = message.headers().get_raw("Message-ID") else {
            return;
        };
        let local = generated
            .trim()
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap_or_default();
        if !local.is_empty() {
            let id = format!("<{local}@{}>", from.email.domain());
            message.headers_mut().set(MessageId::from(id));
        }
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ConfigError> {
    TlsParameters::new(host.to_owned()).map_err(|e| ConfigError::Client(error_chain(&e)))
}

fn classify(err: &lettre::transport::smtp::Error) -> SendError {
    let text = error_chain(err);
    if err.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

#[async_trait]
impl Adapter for EmailSender {
    fn medium(&self) -> Medium {
        Medium::Email
    }

    #[tracing::instrument(skip_all, fields(adapter = "smtp"))]
    async fn deliver(&self, d: &Delivery) -> Result<Delivered, SendError> {
        let message = self.message(d)?;
        let (_, transport, mailbox) = self.relay(d.outbound.route.endpoint.as_deref());
        // An acknowledgement of a mail that came in: never to a no-reply
        // address, and only so many per sender (a loop no header betrays).
        if mailbox && d.outbound.kind == OutboundKind::Confirmation {
            self.acks.admit(&d.outbound.route.recipient)?;
        }
        let provider_id = message
            .headers()
            .get_raw("Message-ID")
            .map(|id| id.trim().to_owned());
        let response = transport.send(message).await.map_err(|e| {
            let err = classify(&e);
            tracing::debug!(error = %err, "smtp delivery failed");
            err
        })?;
        tracing::debug!(code = %response.code(), ?provider_id, "smtp accepted the message");
        Ok(Delivered { provider_id })
    }

    fn name(&self) -> &'static str {
        "smtp"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_password() {
        let config = SmtpConfig {
            host: "smtp.demo.example".into(),
            username: Some("help".into()),
            password: Some(Secret::new("hunter2")),
            ..SmtpConfig::default()
        };
        let text = format!("{config:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn an_empty_host_means_off() {
        let config = SmtpConfig::default();
        assert!(!config.is_enabled());
        assert_eq!(
            EmailSender::new(&config).unwrap_err(),
            ConfigError::NotConfigured("smtp")
        );
    }

    #[test]
    fn a_bad_from_is_a_config_error() {
        let config = SmtpConfig {
            host: "localhost".into(),
            from: "not a mailbox".into(),
            ..SmtpConfig::default()
        };
        assert!(matches!(
            EmailSender::new(&config),
            Err(ConfigError::Invalid {
                field: "smtp.from",
                ..
            })
        ));
    }

    #[test]
    fn security_reads_as_lowercase_words() {
        #[derive(Deserialize)]
        struct Wrap {
            security: SmtpSecurity,
        }
        let read = |s: &str| serde_json::from_str::<Wrap>(s).unwrap().security;
        assert_eq!(read(r#"{"security":"none"}"#), SmtpSecurity::None);
        assert_eq!(read(r#"{"security":"starttls"}"#), SmtpSecurity::StartTls);
        assert_eq!(read(r#"{"security":"start_tls"}"#), SmtpSecurity::StartTls);
        assert_eq!(read(r#"{"security":"tls"}"#), SmtpSecurity::Tls);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let config: SmtpConfig =
            serde_json::from_str(r#"{"host":"localhost","port":2525,"security":"none"}"#).unwrap();
        assert_eq!(config.timeout_secs, 30);
        assert_eq!(config.port, 2525);
        assert!(config.password.is_none());
    }
}
