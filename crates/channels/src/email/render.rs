//! An outbound mail's body (text and HTML alternatives, then attachments)
//! and the per-sender limit on acknowledgements.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart};
use switchboard_domain::conversation::Outbound;

use crate::{FileBytes, SendError};

/// `multipart/alternative` (text, HTML), inside `multipart/mixed` with the files.
pub(super) fn body(n: &Outbound, files: &[FileBytes]) -> MultiPart {
    let alternative = MultiPart::alternative_plain_html(n.text.clone(), html(&n.text));
    if files.is_empty() {
        return alternative;
    }
    let mut mixed = MultiPart::mixed().multipart(alternative);
    for f in files {
        let content_type = ContentType::parse(&f.meta.content_type)
            .unwrap_or(ContentType::parse("application/octet-stream").expect("a valid type"));
        mixed = mixed.singlepart(
            Attachment::new(f.meta.file_name.clone()).body(f.bytes.clone(), content_type),
        );
    }
    mixed
}

/// The text as HTML: escaped, paragraphs and line breaks kept.
fn html(text: &str) -> String {
    let mut out = String::from("<!doctype html><html><body><div>");
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push_str("</div></body></html>");
    out
}

/// At most `per_hour` acknowledgements per recipient in any hour.
#[derive(Debug)]
pub(super) struct AckLimit {
    per_hour: u32,
    sent: Mutex<HashMap<String, Vec<Instant>>>,
}

impl AckLimit {
    pub(super) fn new(per_hour: u32) -> Self {
        AckLimit {
            per_hour,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one acknowledgement to `recipient`, or refuses it for good.
    pub(super) fn admit(&self, recipient: &str) -> Result<(), SendError> {
        let recipient = recipient.trim().to_lowercase();
        if super::loops::never_answer(&recipient) {
            return Err(SendError::Permanent(
                "acknowledgement not sent: a no-reply address".into(),
            ));
        }
        let now = Instant::now();
        let hour = Duration::from_secs(3600);
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if sent.len() > 10_000 {
            sent.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < hour));
        }
        let times = sent.entry(recipient).or_default();
        times.retain(|t| now.duration_since(*t) < hour);
        if times.len() as u64 >= u64::from(self.per_hour) {
            return Err(SendError::Permanent(format!(
                "acknowledgement not sent: {} already sent to this sender within an hour",
                self.per_hour
            )));
        }
        times.push(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_keeps_lines() {
        assert_eq!(
            html("a <b> & c\nd"),
            "<!doctype html><html><body><div>a &lt;b&gt; &amp; c<br>\nd</div></body></html>"
        );
    }

    #[test]
    fn acknowledgements_are_limited_per_sender_and_never_to_no_reply() {
        let limit = AckLimit::new(2);
        assert!(limit.admit("anna@demo.example").is_ok());
        assert!(limit.admit("Anna@demo.example").is_ok());
        assert!(limit.admit("anna@demo.example").is_err());
        assert!(limit.admit("oleg@demo.example").is_ok());
        assert!(limit.admit("no-reply@shop.example").is_err());
    }
}
