//! What goes out to a customer, on any medium.

use serde::{Deserialize, Serialize};

use crate::attachment::AttachmentMeta;
use crate::vocab::{Channel, ReplyChannel, code_enum};

code_enum!(
    /// How a message leaves us: each has an adapter registered in the outbox.
    Medium {
        Email = "email",
        Sms = "sms",
        Push = "push",
        Telegram = "telegram",
        Vk = "vk",
    }
);

impl From<ReplyChannel> for Medium {
    fn from(c: ReplyChannel) -> Self {
        match c {
            ReplyChannel::Email => Medium::Email,
            ReplyChannel::Push => Medium::Push,
            ReplyChannel::Sms => Medium::Sms,
        }
    }
}

impl Medium {
    /// The medium that answers a conversation held on `channel` in its own
    /// outside thread (a mail thread, a messenger chat), if any.
    pub fn of_channel(channel: Channel) -> Option<Medium> {
        match channel {
            Channel::Email => Some(Medium::Email),
            Channel::Telegram => Some(Medium::Telegram),
            Channel::Vk => Some(Medium::Vk),
            Channel::Form | Channel::Chat | Channel::Phone => None,
        }
    }
}

impl Medium {
    /// The channel whose conversations this medium answers in their own
    /// thread: what an outside id it returns threads into.
    pub fn channel(self) -> Option<Channel> {
        match self {
            Medium::Email => Some(Channel::Email),
            Medium::Telegram => Some(Channel::Telegram),
            Medium::Vk => Some(Channel::Vk),
            Medium::Sms | Medium::Push => None,
        }
    }
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub medium: Medium,
    /// E-mail address, E.164 phone, account id (push), chat or peer id.
    pub recipient: String,
    /// Our side: the mailbox, bot or community it is sent from.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The outside thread it continues (the Message-ID answered, a chat id).
    #[serde(default)]
    pub thread: Option<String>,
}

code_enum!(
    /// Why a message goes out.
    OutboundKind {
        /// "Your request is registered" (form, e-mail acknowledgement).
        Confirmation = "confirmation",
        /// Support's answer in the conversation.
        Reply = "reply",
        /// The one-time code of the step-up (sensitive).
        StepUpCode = "step_up_code",
        /// A deadline alert to a member of staff.
        StaffAlert = "staff_alert",
        /// Anything else the system tells a customer.
        Notice = "notice",
        /// "How did we do?" after a ticket is resolved, with the rating link.
        CsatRequest = "csat_request",
    }
);

/// One message to one recipient through one medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbound {
    pub kind: OutboundKind,
    pub route: Route,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
    /// Blanked once delivered and never shown to staff (one-time codes).
    #[serde(default)]
    pub sensitive: bool,
    /// Buttons a messenger shows under the message (Telegram's inline
    /// keyboard, VK's keyboard), in rows; media without buttons ignore them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Vec<Button>>,
}

/// A button under a messenger message: what it says, and what pressing it
/// sends back (at most 64 bytes: Telegram's `callback_data` limit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub data: String,
}

impl Button {
    pub const MAX_DATA: usize = 64;

    pub fn new(label: impl Into<String>, data: impl Into<String>) -> Self {
        Button {
            label: label.into(),
            data: data.into(),
        }
    }
}
