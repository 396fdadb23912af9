//! What comes in, on any channel.

use crate::i18n::Locale;
use crate::ids::{CustomerId, TicketNumber};
use crate::intake::TicketForm;
use crate::vocab::Channel;

/// Who wrote, as the channel knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// A customer the host site or app vouched for (identity token).
    Customer(CustomerId),
    /// An address on a channel (an e-mail sender, a Telegram or VK user, a
    /// caller): the customer whose verified address it is, else a contact.
    Address(Address),
}

/// An address on a channel, normalised by the adapter (lower-case e-mail,
/// E.164 phone, numeric user id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    pub channel: Channel,
    pub value: String,
    /// The name the channel gives (the From name, the profile name).
    pub name: Option<String>,
}

/// What the channel knows of the outside conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalRefs {
    /// Our side: the mailbox, bot, community or number it came to.
    pub endpoint: Option<String>,
    /// The outside thread (a chat id, a wall post): messages of one thread
    /// belong to one open conversation.
    pub thread: Option<String>,
    /// The outside id of this message (Message-ID, update or event id): a
    /// repeated delivery of the same id is recognised and stored once.
    pub message_id: Option<String>,
    /// Outside ids this message answers (e-mail In-Reply-To and References).
    pub in_reply_to: Vec<String>,
    /// A client's id for the message (the chat's `client_id`): stored once
    /// per conversation.
    pub client_id: Option<String>,
}

/// A new request's choices, as the form or the bot's menu collected them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub line: String,
    pub topic: String,
    /// A problem code of the topic, or `other` (then `problem_text`).
    pub problem: String,
    pub problem_text: Option<String>,
    pub order_number: Option<String>,
    pub urgent: bool,
    /// `email`, `push` or `sms`; the form's choice.
    pub reply_channel: Option<String>,
}

impl Request {
    /// The form this request amounts to, with `text` as its description.
    pub fn form(&self, text: &str) -> TicketForm {
        TicketForm {
            line: self.line.clone(),
            topic: self.topic.clone(),
            problem: self.problem.clone(),
            problem_text: self.problem_text.clone(),
            order_number: self.order_number.clone(),
            description: text.to_owned(),
            urgent: self.urgent,
            reply_channel: self.reply_channel.clone(),
        }
    }
}

/// Which conversation a message belongs to, as far as the sender said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new request with its topic chosen (the form, the chat's first message).
    New(Request),
    /// A conversation the sender names (a chat message, a reply in "My requests").
    Existing(TicketNumber),
    /// Let ingest find it: the outside thread or a message it answers, an
    /// open request it repeats, else a new request on `line` (the endpoint's).
    Find {
        line: String,
        topic: Option<String>,
        subject: Option<String>,
    },
}

/// A file as received, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The name of the file that keeps a message's whole text when the text
/// stored is a part of it (an e-mail without its quoted history, a mail too
/// long to show). The core judges its content like the text (secrets masked)
/// before it is stored.
pub const ORIGINAL_TEXT_FILE: &str = "original.txt";

/// One message coming in, on any channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub sender: Sender,
    pub channel: Channel,
    pub refs: ExternalRefs,
    pub target: Target,
    pub text: String,
    pub files: Vec<InboundFile>,
    /// The sender's language when the channel says (a messenger's setting).
    pub locale: Option<Locale>,
}
