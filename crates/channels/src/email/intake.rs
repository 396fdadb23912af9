//! The inbound pipeline: raw mail → parse → loop protection → the sender's
//! own text (`trim`) → the core's one inbound contract ([`Inbound`] through
//! the [`InboundSink`]).
//!
//! The outside id is the Message-ID (a content hash when missing), so a
//! mail fetched twice, or delivered to two of our mailboxes, is stored once.
//! The outside ids it answers are In-Reply-To and References; the subject
//! goes with it, so the core can match a ticket number there (for the same
//! sender only). Attachments pass the same checks as on every channel; one
//! that does not (a TNEF `winmail.dat`, an archive) is listed in the text
//! rather than failing the whole mail.

use switchboard_domain::attachment::{self, AttachmentPolicy};
use switchboard_domain::bot::MAX_MESSAGE_CHARS;
use switchboard_domain::conversation::{
    Address, ExternalRefs, Inbound, InboundFile, ORIGINAL_TEXT_FILE, Sender, Target,
};
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::Channel;

use super::config::{EmailConfig, MailboxConfig};
use super::loops::{Verdict, classify};
use super::oversize::{TooLarge, rejection_for};
use super::parse::ParsedMail;
use super::trim;
use crate::{InboundSink, Receipt, SinkError};

/// What became of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Stored on a ticket (or stored before: `receipt.duplicate`).
    Stored(Receipt),
    /// A delivery report of our reply, recorded on this ticket (if known).
    Bounce(Option<TicketNumber>),
    /// Not taken, never answered: an auto-reply, a list, our own mail, not a mail.
    Dropped(&'static str),
    /// Refused by a rule (logged; the mail is not offered again).
    Refused(String),
    /// Over the size limit, not taken; whom to tell, when a person wrote it.
    TooLarge(Option<TooLarge>),
}

/// The e-mail intake of all mailboxes.
#[derive(Debug, Clone)]
pub struct Intake {
    config: EmailConfig,
    own: Vec<String>,
    policy: AttachmentPolicy,
}

impl Intake {
    pub fn new(config: EmailConfig, policy: AttachmentPolicy) -> Self {
        let own = config.own_addresses();
        Intake {
            config,
            own,
            policy,
        }
    }

    pub fn config(&self) -> &EmailConfig {
        &self.config
    }

    /// Takes one raw mail that arrived in `mailbox`. `Err` means "offer it
    /// again later" (storage unavailable); everything else is final.
    pub async fn take(
        &self,
        mailbox: &MailboxConfig,
        raw: &[u8],
        sink: &dyn InboundSink,
    ) -> Result<Taken, SinkError> {
        if raw.len() > self.config.max_mail_bytes {
            tracing::info!(size = raw.len(), "mail over the size limit not taken");
            let limit = self.config.max_mail_bytes;
            return Ok(Taken::TooLarge(rejection_for(raw, limit, &self.own)));
        }
        let Ok(mail) = ParsedMail::parse(raw) else {
            return Ok(Taken::Dropped("not_a_mail"));
        };
        match classify(&mail, &self.own) {
            Verdict::Person | Verdict::Quiet => {}
            Verdict::Ours => return Ok(Taken::Dropped("own_mailbox")),
            Verdict::Machine(why) => {
                tracing::debug!(why, "automatic mail not taken");
                return Ok(Taken::Dropped(why));
            }
            Verdict::Bounce(ids) => {
                let reason = bounce_reason(&mail);
                return sink.bounced(&ids, &reason).await.map(Taken::Bounce);
            }
        }
        let inbound = self.inbound(mailbox, mail);
        match sink.ingest(inbound).await {
            Ok(receipt) => Ok(Taken::Stored(receipt)),
            Err(SinkError::Refused { code, reason }) => {
                tracing::info!(code, %reason, "mail refused");
                Ok(Taken::Refused(format!("{code}: {reason}")))
            }
            Err(e) => Err(e),
        }
    }

    /// The core's inbound contract for a mail a person wrote: its own text
    /// (quoted history and signature trimmed) is the message; the whole text,
    /// when that differs or is too long to show, is kept as
    /// [`ORIGINAL_TEXT_FILE`] (the core masks secrets in it too).
    pub fn inbound(&self, mailbox: &MailboxConfig, mail: ParsedMail) -> Inbound {
        let (mut files, refused) = self.files(mail.attachments);
        let whole = mail.text.trim_end();
        let mut text = trim::own_text(whole).to_owned();
        let mut original = (text.trim() != whole.trim()).then(|| whole.to_owned());
        if text.trim().is_empty() && files.is_empty() {
            text = mail.subject.clone();
        }
        if !refused.is_empty() {
            text.push_str("\n\n[Вложения не приняты / attachments not accepted: ");
            text.push_str(&refused.join(", "));
            text.push(']');
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            // The whole text stays available as a file; the message shows its start.
            original.get_or_insert_with(|| whole.to_owned());
            text = text.chars().take(MAX_MESSAGE_CHARS - 20).collect();
            text.push_str("\n[…]");
        }
        if let Some(original) = original
            && files.len() < self.policy.max_files
        {
            files.push(InboundFile {
                name: ORIGINAL_TEXT_FILE.into(),
                bytes: original.into_bytes(),
            });
        }
        if text.trim().is_empty() && files.is_empty() {
            text = "(без текста / no text)".into();
        }
        Inbound {
            sender: Sender::Address(Address {
                channel: Channel::Email,
                value: mail.from.unwrap_or_default(),
                name: mail.from_name,
            }),
            channel: Channel::Email,
            refs: ExternalRefs {
                endpoint: Some(mailbox.address.trim().to_lowercase()),
                thread: None,
                message_id: Some(mail.message_id),
                in_reply_to: mail.answers,
                client_id: None,
            },
            target: Target::Find {
                line: mailbox.line.clone(),
                topic: mailbox.topic.clone(),
                subject: Some(mail.subject).filter(|s| !s.is_empty()),
            },
            text,
            files,
            locale: None,
        }
    }

    /// The files that pass the checks (up to the count allowed), and the
    /// names of those that do not.
    fn files(&self, all: Vec<InboundFile>) -> (Vec<InboundFile>, Vec<String>) {
        let mut kept = Vec::new();
        let mut refused = Vec::new();
        for f in all {
            let ok = attachment::check_file(&self.policy, &f.name, &f.bytes).is_ok();
            // One place is left for the original text of a long mail.
            if ok && kept.len() + 1 < self.policy.max_files {
                kept.push(f);
            } else {
                refused.push(attachment::clean_file_name(&f.name));
            }
        }
        (kept, refused)
    }
}

/// The first lines of a bounce's explanation, for the ticket's audit log.
fn bounce_reason(mail: &ParsedMail) -> String {
    let text: String = mail
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let reason = if text.is_empty() {
        mail.subject.clone()
    } else {
        text
    };
    reason.chars().take(300).collect()
}
