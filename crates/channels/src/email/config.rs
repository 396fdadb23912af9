//! Mailboxes: where each fetches (IMAP), how it sends (SMTP), which line or
//! team it feeds. Passwords are [`Secret`]s: never in `Debug`, logs or API
//! answers.

use serde::{Deserialize, Serialize};

use super::smtp::SmtpConfig;
use crate::Secret;

/// How the IMAP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapSecurity {
    /// Plain text: only for a server on localhost or a test server.
    None,
    /// Plain connect, then STARTTLS, which is required. Usually port 143.
    #[serde(alias = "start_tls")]
    StartTls,
    /// TLS from the first byte. Usually port 993.
    #[default]
    Tls,
}

/// Where a mailbox fetches its mail. An empty `host` means it is not fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: ImapSecurity,
    /// The login; the mailbox's address when empty.
    pub username: String,
    pub password: Option<Secret>,
    pub folder: String,
    /// How often to look for new mail when the server offers no IDLE.
    pub poll_secs: u64,
    pub timeout_secs: u64,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            host: String::new(),
            port: 993,
            security: ImapSecurity::Tls,
            username: String::new(),
            password: None,
            folder: "INBOX".into(),
            poll_secs: 30,
            timeout_secs: 30,
        }
    }
}

/// One support mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailboxConfig {
    /// The address customers write to (lower-case), e.g. `help@demo.example`.
    pub address: String,
    /// The display name in `From` of our replies.
    pub name: String,
    /// The line its mail opens tickets on.
    pub line: String,
    /// The topic (for a team's mailbox), else the subject's or the line's first.
    pub topic: Option<String>,
    pub imap: ImapConfig,
    /// Its own SMTP relay; the `[smtp]` relay when absent.
    pub smtp: Option<SmtpConfig>,
}

/// The `[email]` section: the mailboxes and the intake's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailConfig {
    pub mailboxes: Vec<MailboxConfig>,
    /// Acknowledgements one sender gets per hour at most (a loop breaker
    /// for senders that no header betrays).
    pub acks_per_sender_per_hour: u32,
    /// A mail larger than this is not taken; its sender is told once.
    pub max_mail_bytes: usize,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            mailboxes: demo_mailboxes(),
            acks_per_sender_per_hour: 5,
            max_mail_bytes: 40 * 1024 * 1024,
        }
    }
}

/// The demo profile's mailboxes (SPEC §7) on the reserved domain
/// `demo.example`, fetched from a local IMAP server on port 10143 when one
/// runs (see README); otherwise they wait, marked unhealthy.
pub fn demo_mailboxes() -> Vec<MailboxConfig> {
    let boxes: [(&str, &str, &str, Option<&str>); 7] = [
        ("help", "Поддержка", "marketplace", None),
        ("sellersup", "Поддержка продавцов", "sellers", None),
        ("crossborder", "Зарубежные заказы", "crossborder", None),
        ("bank-help", "Поддержка банка", "bank_retail", None),
        (
            "ir",
            "Отношения с инвесторами",
            "partners",
            Some("investors"),
        ),
        ("pr", "Пресс-служба", "partners", Some("press")),
        ("b2b", "Партнёрства", "partners", Some("partnerships")),
    ];
    boxes
        .into_iter()
        .map(|(local, name, line, topic)| MailboxConfig {
            address: format!("{local}@demo.example"),
            name: name.into(),
            line: line.into(),
            topic: topic.map(Into::into),
            imap: ImapConfig {
                host: "127.0.0.1".into(),
                port: 10143,
                security: ImapSecurity::None,
                // No password here, so `switchboard config` never prints one:
                // the local demo server takes any (see README).
                ..ImapConfig::default()
            },
            smtp: None,
        })
        .collect()
}

impl EmailConfig {
    /// Our own addresses, lower-case: mail from them is never taken.
    pub fn own_addresses(&self) -> Vec<String> {
        self.mailboxes
            .iter()
            .map(|m| m.address.trim().to_lowercase())
            .collect()
    }

    /// The mailbox with this address.
    pub fn mailbox(&self, address: &str) -> Option<&MailboxConfig> {
        let address = address.trim();
        self.mailboxes
            .iter()
            .find(|m| m.address.trim().eq_ignore_ascii_case(address))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_debug() {
        let mut config = EmailConfig::default();
        config.mailboxes[0].imap.password = Some(Secret::new("hunter2"));
        let text = format!("{config:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn the_demo_has_the_spec_addresses_on_their_lines() {
        let config = EmailConfig::default();
        let line = |a: &str| config.mailbox(a).map(|m| m.line.as_str());
        assert_eq!(line("help@demo.example"), Some("marketplace"));
        assert_eq!(line("sellersup@demo.example"), Some("sellers"));
        assert_eq!(line("crossborder@demo.example"), Some("crossborder"));
        assert_eq!(line("bank-help@demo.example"), Some("bank_retail"));
        let topic = |a: &str| config.mailbox(a).and_then(|m| m.topic.as_deref());
        assert_eq!(topic("ir@demo.example"), Some("investors"));
        assert_eq!(topic("pr@demo.example"), Some("press"));
        assert_eq!(topic("b2b@demo.example"), Some("partnerships"));
    }
}
