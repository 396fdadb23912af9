//! A mail over the size limit: not taken, and its sender is told so once.
//!
//! Only the header block is read (the body may be tens of megabytes), and
//! the loop protection of [`super::loops::classify`] decides whether a
//! person wrote it: an auto-reply, a list, a bounce or a no-reply sender
//! gets nothing. The polite rejection (Russian, then English) leaves from
//! the mailbox the mail came to, answers its Message-ID, and counts
//! against the per-sender acknowledgement limit like any acknowledgement.
//! It is sent at most once per Message-ID: the id is recorded durably (the
//! channel state, through [`super::poller::Cursors`]) before sending, so a
//! refetch, a second copy or a restart never sends a second one.

use sha2::{Digest, Sha256};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};

use super::loops::{Verdict, classify};
use super::parse::ParsedMail;
use crate::Delivery;

/// Who to tell about a mail that was too large, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// The sender's address (a person's, per the loop protection).
    pub to: String,
    /// The mail's Message-ID (`<id>`), or a hash of its headers.
    pub message_id: String,
    pub subject: String,
    /// Its size and our limit, in bytes.
    pub size: usize,
    pub limit: usize,
}

/// The header block of a raw mail: up to the first empty line.
fn header_block(raw: &[u8]) -> &[u8] {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2));
    &raw[..end.unwrap_or(raw.len()).min(raw.len())]
}

/// Whom to answer about an oversized mail: `None` when nobody should be
/// (a machine wrote it, it is ours, or it has no usable headers).
pub fn rejection_for(raw: &[u8], limit: usize, own: &[String]) -> Option<TooLarge> {
    // The first 64 KiB hold any real header block.
    let head = header_block(&raw[..raw.len().min(64 * 1024)]);
    let mail = ParsedMail::parse(head).ok()?;
    if classify(&mail, own) != Verdict::Person {
        return None;
    }
    Some(TooLarge {
        to: mail.from?,
        message_id: mail.message_id,
        subject: mail.subject,
        size: raw.len(),
        limit,
    })
}

/// The channel-state key that records the rejection of this Message-ID.
pub fn sent_key(message_id: &str) -> String {
    let digest = Sha256::digest(message_id.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("too_large:{hex}")
}

fn megabytes(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    format!("{mb:.1}")
}

/// The rejection as the e-mail adapter sends it, from `mailbox`.
pub fn rejection(mailbox: &str, t: &TooLarge) -> Delivery {
    let (size, limit) = (megabytes(t.size), megabytes(t.limit));
    let subject = if t.subject.trim().is_empty() {
        "Письмо не принято / Your mail was not accepted".to_owned()
    } else {
        let about: String = t.subject.chars().take(150).collect();
        format!("Письмо не принято / Not accepted: {about}")
    };
    let text = format!(
        "Здравствуйте!\n\n\
         Ваше письмо слишком большое ({size} МБ при пределе {limit} МБ), поэтому мы не смогли его принять. \
         Пожалуйста, отправьте его снова без крупных вложений или разделите на несколько писем.\n\n\
         Служба поддержки\n\n\
         ---\n\n\
         Hello,\n\n\
         Your mail is too large ({size} MB; the limit is {limit} MB), so we could not accept it. \
         Please send it again without the large attachments, or split it into several mails.\n\n\
         Customer support\n"
    );
    Delivery {
        id: 0,
        ticket: None,
        outbound: Outbound {
            kind: OutboundKind::Confirmation,
            route: Route {
                medium: Medium::Email,
                recipient: t.to.clone(),
                endpoint: Some(mailbox.trim().to_lowercase()),
                thread: Some(t.message_id.clone()),
            },
            subject,
            text,
            attachments: Vec::new(),
            sensitive: false,
            buttons: Vec::new(),
        },
        files: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(headers: &str) -> Vec<u8> {
        let mut raw = headers.replace('\n', "\r\n").into_bytes();
        raw.extend_from_slice(b"\r\n");
        raw.extend(std::iter::repeat_n(b'x', 200_000));
        raw
    }

    #[test]
    fn a_person_is_answered_from_the_headers_alone() {
        let raw = big("From: Anna <Anna@a.example>\nMessage-ID: <m1@a.example>\nSubject: Фото\n");
        let t = rejection_for(&raw, 1000, &[]).expect("a person wrote it");
        assert_eq!(t.to, "anna@a.example");
        assert_eq!(t.message_id, "<m1@a.example>");
        assert_eq!(t.size, raw.len());
        let d = rejection("Help@demo.example", &t);
        assert_eq!(d.outbound.route.thread.as_deref(), Some("<m1@a.example>"));
        assert_eq!(
            d.outbound.route.endpoint.as_deref(),
            Some("help@demo.example")
        );
        assert!(d.outbound.text.contains("слишком большое"));
        assert!(d.outbound.text.contains("too large"));
        assert!(d.outbound.subject.contains("Фото"));
    }

    #[test]
    fn machines_lists_no_reply_and_our_own_mail_are_never_answered() {
        let cases = [
            "From: a@a.example\nAuto-Submitted: auto-replied\nSubject: x\n",
            "From: a@a.example\nPrecedence: bulk\nSubject: x\n",
            "From: a@a.example\nList-Id: <l.a.example>\nSubject: x\n",
            "From: no-reply@a.example\nSubject: x\n",
            "From: MAILER-DAEMON@a.example\nSubject: failed\n",
            "From: a@a.example\nSubject: Автоответ: x\n",
            "From: help@demo.example\nSubject: x\n",
            "Subject: no sender\n",
        ];
        for headers in cases {
            let own = vec!["help@demo.example".to_owned()];
            assert_eq!(rejection_for(&big(headers), 10, &own), None, "{headers}");
        }
        assert_eq!(rejection_for(&[0xff; 300], 10, &[]), None);
    }

    #[test]
    fn the_key_is_per_message_id_and_bounded() {
        assert_eq!(sent_key("<a@b>"), sent_key("<a@b>"));
        assert_ne!(sent_key("<a@b>"), sent_key("<a@c>"));
        assert_eq!(sent_key(&"x".repeat(5000)).len(), "too_large:".len() + 32);
    }
}
