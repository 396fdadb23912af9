//! The shared vocabulary of a support centre: where a ticket is in its life,
//! how pressing it is, how it reached us, who acts on it and who asked.
//!
//! These are leaves: every other domain module may use them, and they use
//! nothing of the domain but identifiers. That keeps the modules that build on
//! them (tickets, deadlines, intake, routing, the bot) free of import cycles.

use serde::{Deserialize, Serialize};

use crate::ids::{ContactId, CustomerId, OperatorId};

/// A closed set of codes stored as text: `as_str` and `parse` round-trip, and
/// `ALL` lists every value (for schemas and exhaustive tests).
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// Where a ticket is in its life.
    Status {
        New = "new",
        WithBot = "with_bot",
        Queued = "queued",
        Assigned = "assigned",
        WaitingForCustomer = "waiting_for_customer",
        Resolved = "resolved",
        Closed = "closed",
    }
);

impl Status {
    /// Not resolved or closed: someone may still write and act.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

code_enum!(
    /// Ordered from least to most pressing.
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

code_enum!(
    /// How the request reached us.
    Channel {
        Form = "form",
        Chat = "chat",
        Email = "email",
        Telegram = "telegram",
        Vk = "vk",
        Phone = "phone",
    }
);

impl Channel {
    /// Channels where the customer is present and expects answers within
    /// minutes: the bot answers first, conversations are routed to operators
    /// by capacity, and messages do not flip the status back and forth.
    pub const LIVE: &'static [Channel] = &[Channel::Chat, Channel::Telegram, Channel::Vk];

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

code_enum!(
    /// How the customer wants to hear back about a form ticket.
    ReplyChannel {
        Email = "email",
        Push = "push",
        Sms = "sms",
    }
);

code_enum!(
    /// An ordinary request, or a formal pre-trial claim with a 10-day deadline.
    TicketKind {
        Request = "request",
        Claim = "claim",
    }
);

/// What the customer said the problem is: one from the topic's list, or "Other" in their words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum ProblemChoice {
    Listed(String),
    Other(String),
}

/// Who asked: a customer with an account, or a contact known only by an
/// address on some channel (an e-mail sender, a Telegram user) until they
/// are linked to an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Requester {
    Customer(CustomerId),
    Contact(ContactId),
}

impl Requester {
    pub fn customer(&self) -> Option<&CustomerId> {
        match self {
            Requester::Customer(c) => Some(c),
            Requester::Contact(_) => None,
        }
    }

    /// Whether `actor` is this requester writing.
    pub fn is(&self, actor: &Actor) -> bool {
        match (self, actor) {
            (Requester::Customer(a), Actor::Customer(b)) => a == b,
            (Requester::Contact(a), Actor::Contact(b)) => a == b,
            _ => false,
        }
    }

    /// The requester as the author of their own messages.
    pub fn actor(&self) -> Actor {
        match self {
            Requester::Customer(c) => Actor::Customer(c.clone()),
            Requester::Contact(c) => Actor::Contact(*c),
        }
    }
}

impl std::fmt::Display for Requester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Requester::Customer(c) => write!(f, "{c}"),
            Requester::Contact(c) => write!(f, "contact {}", c.0),
        }
    }
}

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Actor {
    Customer(CustomerId),
    /// Someone writing through a channel who is not linked to an account.
    Contact(ContactId),
    Operator(OperatorId),
    Bot,
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Customer(_) => "customer",
            Actor::Contact(_) => "contact",
            Actor::Operator(_) => "operator",
            Actor::Bot => "bot",
            Actor::System => "system",
        }
    }

    /// The id as text, for storage; bots and the system have none.
    pub fn id_text(&self) -> Option<String> {
        match self {
            Actor::Customer(c) => Some(c.as_str().to_owned()),
            Actor::Contact(c) => Some(c.0.to_string()),
            Actor::Operator(o) => Some(o.0.to_string()),
            Actor::Bot | Actor::System => None,
        }
    }

    /// The customer or contact side of a conversation.
    pub fn is_requester(&self) -> bool {
        matches!(self, Actor::Customer(_) | Actor::Contact(_))
    }
}
