//! E-mail: mailboxes (`config`), the inbound pipeline (`parse` with
//! mail-parser, `loops` — what must never be answered, `oversize` — telling
//! the sender of a mail over the size limit once, `intake` — the
//! core's inbound contract, `trim` — the sender's own text without quoted
//! history and signature), fetching (`imap`, `poller`) and SMTP out
//! (`smtp`, `render`).

mod config;
mod imap;
mod intake;
mod loops;
mod oversize;
mod parse;
mod poller;
mod render;
mod smtp;
pub mod trim;

pub use config::{EmailConfig, ImapConfig, ImapSecurity, MailboxConfig, demo_mailboxes};
pub use imap::{
    Fetched, ImapError, MailStream, Session as ImapSession, connect as imap_connect,
    fetch_after as imap_fetch_after, select as imap_select,
};
pub use intake::{Intake, Taken};
pub use loops::{Verdict, classify};
pub use oversize::TooLarge;
pub use parse::{ParseError, ParsedMail, normalise_id};
pub use poller::{Cursors, MailboxHealth, MailboxStatus, PollError, Poller, Round, backoff};
pub use smtp::{EmailSender, SmtpConfig, SmtpSecurity};
