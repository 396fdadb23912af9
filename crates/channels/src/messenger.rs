//! What a messenger adapter (Telegram, VK) hands to the use-case layer: one
//! [`MessengerEvent`] per thing a person did — wrote, sent a file, pressed a
//! button — with the outside ids that make a redelivery harmless. The bot's
//! flow (menus, the conversation, "call an operator") is the use-case
//! layer's, the same for every messenger and for the web chat.

use async_trait::async_trait;
use switchboard_domain::conversation::{Address, InboundFile};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::Channel;

use crate::SinkError;

/// What the person did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventInput {
    /// A message (its text may be empty when files came alone).
    Text(String),
    /// A button of ours was pressed: its `data`.
    Button(String),
}

/// Where a public post or comment was written (a VK wall).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPlace {
    /// The wall post the comment is under, or the post itself.
    pub post_id: i64,
    /// The wall's owner (negative for a community).
    pub owner_id: i64,
    /// The comment to answer, when it is a comment.
    pub comment_id: Option<i64>,
}

/// One thing a person did in a messenger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessengerEvent {
    pub channel: Channel,
    /// Our side: the bot or community it came to.
    pub endpoint: String,
    /// The outside conversation: a chat or peer id, a wall post.
    pub thread: String,
    /// The person, by their numeric user id on the channel.
    pub sender: Address,
    /// Unique on the channel (it names the endpoint): a repeated delivery of
    /// the same id changes nothing.
    pub event_id: String,
    /// The message's own outside id, when the event is a message.
    pub message_id: Option<String>,
    pub input: EventInput,
    pub files: Vec<InboundFile>,
    /// Files the channel would not let us fetch (over its size limit).
    pub too_large: Vec<String>,
    pub locale: Option<Locale>,
    /// A public post or comment rather than a private message.
    pub public: Option<PublicPlace>,
}

/// Where messenger adapters hand events: the use-case layer's bot flow.
/// `Ok` means handled for good (stored, or answered with why not);
/// [`SinkError::Unavailable`] means offer it again later.
#[async_trait]
pub trait MessengerSink: Send + Sync {
    async fn event(&self, event: MessengerEvent) -> Result<(), SinkError>;
}

/// The language a messenger reports (`ru`, `en-GB`…), when it is one we speak.
pub fn locale_of(code: Option<&str>) -> Option<Locale> {
    let code = code?.to_ascii_lowercase();
    if code.starts_with("ru") {
        Some(Locale::Ru)
    } else if code.starts_with("en") {
        Some(Locale::En)
    } else {
        None
    }
}
